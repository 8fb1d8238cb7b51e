/**
 * What the two IAM-JSON-shaped sites share — `jsonencode({...})` objects and JSON heredocs: turning a
 * statement's plain value into a Statement, reading a site's style from the statements already written
 * (key order, one-line or multi-line objects and lists, single values written bare or as a list, quoted
 * keys), and building a new statement's ordered tree in that style for the format's own printer.
 */

import type { Statement } from '../policy/types.js';
import { IamObject, type IamNode } from '../render/canonical.js';
import { policyDocumentFromIam, PolicyTextError, type PlainValue } from '../render/parse-jsonencode.js';
import { mergeOrder } from './terraform-splice.js';

/** The written shape of a value, as far as style goes. */
export type Shape =
  | { t: 'scalar' }
  | { t: 'list'; oneLine: boolean; items: Shape[] }
  | { t: 'object'; oneLine: boolean; quoted: boolean; entries: Array<[string, Shape]> };

/** How a site writes a statement. */
export interface IamStyle {
  /** Statement keys in the site's order. */
  order: string[];
  /** Whether a one-value list under a key (`Condition`/`Principal` for nested values) is written bare. */
  bare: (key: string) => boolean;
  objectOneLine: boolean;
  /** Lists on one line (`["a", "b"]`) or one item per line; undefined when the site shows no list of two. */
  listsOneLine: boolean | undefined;
  quoteKeys: boolean;
}

/** IAM statement keys in the order the JSON renderer writes them. */
const DEFAULT_ORDER = ['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];
const LIST_KEYS = ['Action', 'NotAction', 'Resource', 'NotResource'];
const NESTED_KEYS = ['Principal', 'NotPrincipal', 'Condition'];

/** Every list shape under `s`, depth first. */
function lists(s: Shape): Array<Extract<Shape, { t: 'list' }>> {
  if (s.t === 'list') return [s, ...s.items.flatMap(lists)];
  if (s.t === 'object') return s.entries.flatMap(([, v]) => lists(v));
  return [];
}

/**
 * What a written value says about single values: written bare, or as a one-item list. A list of several
 * items says nothing (it had to be a list). Nested values (principal ids, condition values) count as a whole.
 */
function evidence(v: Shape, nested: boolean): boolean | undefined {
  if (!nested) return v.t === 'scalar' ? true : v.t === 'list' && v.items.length === 1 ? false : undefined;
  if (v.t !== 'object') return undefined;
  const votes = v.entries.map(([, x]) => evidence(x, x.t === 'object')).filter((x) => x !== undefined);
  return votes.length === 0 ? undefined : votes.includes(true);
}

/** The evidence of statement `s` about key `key`. */
function evidenceOf(s: Shape | undefined, key: string): boolean | undefined {
  const v = s?.t === 'object' ? s.entries.find(([k]) => k === key)?.[1] : undefined;
  return v === undefined ? undefined : evidence(v, NESTED_KEYS.includes(key));
}

/**
 * The style of `sample` (the statement a new one replaces, or undefined for a new one), with the site's
 * other statements (`all`) deciding what the sample does not show.
 */
export function styleOf(sample: Shape | undefined, all: readonly Shape[]): IamStyle {
  const siteWide = (key: string) => all.map((s) => evidenceOf(s, key)).find((e) => e !== undefined);
  const anyKey = [...LIST_KEYS, ...NESTED_KEYS].map(siteWide).find((e) => e !== undefined) ?? false;
  const bare = (key: string) => evidenceOf(sample, key) ?? siteWide(key) ?? anyKey;
  const multi = [sample, ...all].flatMap((s) => (s ? lists(s) : [])).find((l) => l.items.length >= 2);
  const model = sample ?? all[0];
  if (model?.t !== 'object') return { order: [...DEFAULT_ORDER], bare, objectOneLine: false, listsOneLine: multi?.oneLine, quoteKeys: false };
  const order = mergeOrder(model.entries.map(([k]) => k), DEFAULT_ORDER);
  return { order, bare, objectOneLine: model.oneLine, listsOneLine: multi?.oneLine, quoteKeys: model.quoted };
}

function values(style: IamStyle, key: string, vs: readonly string[]): IamNode {
  return vs.length === 1 && style.bare(key) ? vs[0]! : [...vs];
}

/** A statement as an ordered tree in `style` (lists kept in the statement's order: no sorting). */
export function statementTree(st: Statement, style: IamStyle): IamObject {
  const node = new Map<string, IamNode>();
  if (st.sid !== undefined) node.set('Sid', st.sid);
  node.set('Effect', st.effect);
  for (const [key, p] of [['Principal', st.principal], ['NotPrincipal', st.notPrincipal]] as const) {
    if (p !== undefined) node.set(key, p === '*' ? '*' : new IamObject(Object.entries(p).map(([kind, ids]) => [kind, values(style, key, ids)])));
  }
  const fields = { Action: st.action, NotAction: st.notAction, Resource: st.resource, NotResource: st.notResource };
  for (const [key, vs] of Object.entries(fields)) if (vs !== undefined) node.set(key, values(style, key, vs));
  if (st.condition !== undefined) {
    const ops = Object.entries(st.condition).map(([op, keys]): [string, IamNode] => [op, new IamObject(Object.entries(keys).map(([k, vs]) => [k, values(style, 'Condition', vs)]))]);
    node.set('Condition', new IamObject(ops));
  }
  return new IamObject(style.order.filter((k) => node.has(k)).map((k) => [k, node.get(k)!]));
}

/**
 * One statement from its plain value, strictly (unknown keys, a bad Effect), through the same conversion the
 * render round trips use. Throws PolicyTextError with the reason.
 */
export function statementFromPlain(value: PlainValue, where: string): Statement {
  const doc = policyDocumentFromIam({ Statement: [value] }, where);
  return doc.statements[0]!;
}

/** The reason of a PolicyTextError without its `file:` prefix, for a message that names the line itself. */
export function reasonOf(err: unknown): string | undefined {
  return err instanceof PolicyTextError ? err.reason : undefined;
}
