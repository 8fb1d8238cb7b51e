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
  /** Keys whose single value the sample wrote bare (`Resource = "*"`); `Condition`/`Principal` for nested values. */
  scalars: Set<string>;
  /** Keys the sample wrote as lists. */
  lists: Set<string>;
  /** Whether any statement of the site writes a single value bare. */
  anyScalar: boolean;
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

/** Whether a nested value (principal ids, condition values) holds a bare single value anywhere. */
function nestedScalar(s: Shape): boolean {
  return s.t === 'object' && s.entries.some(([, v]) => v.t === 'scalar' || nestedScalar(v));
}

/** The style of `sample` (the statement a new one replaces, or the site's first), with site-wide facts from `all`. */
export function styleOf(sample: Shape | undefined, all: readonly Shape[]): IamStyle {
  const style: IamStyle = { order: [], scalars: new Set(), lists: new Set(), anyScalar: false, objectOneLine: false, listsOneLine: undefined, quoteKeys: false };
  const bareIn = (s: Shape) => s.t === 'object' && s.entries.some(([k, v]) => (LIST_KEYS.includes(k) && v.t === 'scalar') || (NESTED_KEYS.includes(k) && nestedScalar(v)));
  style.anyScalar = all.some(bareIn);
  const multi = [sample, ...all].flatMap((s) => (s ? lists(s) : [])).find((l) => l.items.length >= 2);
  style.listsOneLine = multi?.oneLine;
  if (sample?.t !== 'object') return { ...style, order: [...DEFAULT_ORDER] };
  style.objectOneLine = sample.oneLine;
  style.quoteKeys = sample.quoted;
  for (const [k, v] of sample.entries) {
    if (LIST_KEYS.includes(k)) (v.t === 'scalar' ? style.scalars : style.lists).add(k);
    if (NESTED_KEYS.includes(k)) (nestedScalar(v) ? style.scalars : style.lists).add(k);
  }
  style.order = mergeOrder(sample.entries.map(([k]) => k), DEFAULT_ORDER);
  return style;
}

/** Whether a one-value list under `key` is written as the bare value. */
function bare(style: IamStyle, key: string): boolean {
  return style.scalars.has(key) || (!style.lists.has(key) && style.anyScalar);
}

function values(style: IamStyle, key: string, vs: readonly string[]): IamNode {
  return vs.length === 1 && bare(style, key) ? vs[0]! : [...vs];
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
