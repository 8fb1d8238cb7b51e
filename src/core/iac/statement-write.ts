/**
 * Writing statements in the style of the ones around them: a changed statement is patched key by key (a list
 * item by item), a new one is written with the key order, list layout, quoting and single-value shape the
 * site's statements already use, and an unchanged one is not touched at all.
 */

import type { ConditionBlock, PrincipalBlock, Statement } from '../policy/types.js';
import { diffStrings, statementKey, type Placement } from './align.js';
import type { Emitter, ListEntry, NewValue } from './emit.js';
import type { StringWriter } from './ref-writer.js';
import { asIntrinsic } from './cfn-intrinsics.js';
import type { QuoteStyle, TMap, TNode, TTree } from './tree.js';

/** Statement keys and the model fields they hold, in IAM's documented order. */
const FIELDS = [
  ['Sid', 'sid'],
  ['Effect', 'effect'],
  ['Principal', 'principal'],
  ['NotPrincipal', 'notPrincipal'],
  ['Action', 'action'],
  ['NotAction', 'notAction'],
  ['Resource', 'resource'],
  ['NotResource', 'notResource'],
  ['Condition', 'condition'],
] as const satisfies ReadonlyArray<readonly [string, keyof Statement]>;

const LIST_KEYS = new Set(['Action', 'NotAction', 'Resource', 'NotResource']);

/** How a site writes its statements, read from the statements it has. */
export interface StatementStyle {
  keyOrder: string[];
  /** Keys written as one string (not a one-item list) somewhere in the site. */
  scalarWhenOne: Set<string>;
  /** Lists are written inline (`[a, b]`). */
  flowLists: boolean;
  /** The quoting of each key's values, from the first one found. */
  quote: Map<string, QuoteStyle>;
  writer: StringWriter;
}

/** The style of a site's statement nodes (of the file's other statements when the site has none yet). */
export function statementStyle(tree: TTree, siteNodes: readonly TMap[], writer: StringWriter): StatementStyle {
  const nodes = siteNodes.length > 0 ? siteNodes : statementLikeNodes(tree.root);
  const style: StatementStyle = { keyOrder: [], scalarWhenOne: new Set(), flowLists: false, quote: new Map(), writer };
  const known = FIELDS.map(([k]) => k as string);
  const primary = [...nodes].sort((a, b) => b.pairs.length - a.pairs.length)[0];
  style.keyOrder = primary ? primary.pairs.map((p) => p.key).filter((k) => known.includes(k)) : [];
  for (const key of known) {
    if (style.keyOrder.includes(key)) continue;
    const before = known.slice(0, known.indexOf(key)).reverse().find((k) => style.keyOrder.includes(k));
    style.keyOrder.splice(before === undefined ? 0 : style.keyOrder.indexOf(before) + 1, 0, key);
  }
  let sawList = false;
  // The site's own statements first; the file's others only fill in quoting the site does not show.
  const others = siteNodes.length > 0 ? statementLikeNodes(tree.root).filter((n) => !siteNodes.includes(n)) : [];
  for (const node of [...nodes, ...others]) {
    const own = nodes.includes(node);
    for (const pair of node.pairs) {
      const v = pair.value;
      const isList = v.kind === 'seq' && !asIntrinsic(v);
      if (own && LIST_KEYS.has(pair.key) && !isList) style.scalarWhenOne.add(pair.key);
      if (own && LIST_KEYS.has(pair.key) && isList && !sawList) {
        sawList = true;
        style.flowLists = tree.syntax === 'yaml' ? v.flow : !tree.text.slice(v.start, v.end).includes('\n');
      }
      const quote = quoteAmong(isList ? v.items : [v]);
      if (quote !== undefined && !style.quote.has(pair.key)) style.quote.set(pair.key, quote);
    }
  }
  return style;
}

/** How the first string among nodes is quoted: a plain string, or the text of a `Sub` (short or long form). */
function quoteAmong(nodes: readonly TNode[]): QuoteStyle | undefined {
  for (const node of nodes) {
    const fn = asIntrinsic(node);
    const text = fn ? (fn.name === 'Fn::Sub' ? fn.arg : undefined) : node;
    if (text?.kind === 'scalar' && typeof text.value === 'string') return text.quote;
  }
  return undefined;
}

/** Every map in a tree that looks like a statement (an `Effect` and an `Action` or `NotAction`). */
function statementLikeNodes(node: TNode): TMap[] {
  if (node.kind === 'seq') return node.items.flatMap(statementLikeNodes);
  if (node.kind !== 'map') return [];
  const keys = new Set(node.pairs.map((p) => p.key));
  if (keys.has('Effect') && (keys.has('Action') || keys.has('NotAction'))) return [node];
  return node.pairs.flatMap((p) => statementLikeNodes(p.value));
}

/** A whole statement as a new value. */
export function statementValue(s: Statement, style: StatementStyle): NewValue {
  const entries: Array<[string, NewValue]> = [];
  for (const key of style.keyOrder) {
    const value = fieldValue(s, key, style);
    if (value) entries.push([key, value]);
  }
  return { kind: 'map', entries };
}

function fieldValue(s: Statement, key: string, style: StatementStyle, listQuote?: QuoteStyle): NewValue | undefined {
  const field = FIELDS.find(([k]) => k === key)?.[1];
  const value = field === undefined ? undefined : s[field];
  if (value === undefined) return undefined;
  const quote = listQuote ?? style.quote.get(key);
  if (typeof value === 'string') return style.writer(value, quote);
  if (Array.isArray(value)) return stringList(value, style.scalarWhenOne.has(key), style, quote);
  return blockValue(value, style);
}

function stringList(values: readonly string[], scalarWhenOne: boolean, style: StatementStyle, quote?: QuoteStyle): NewValue {
  if (values.length === 1 && scalarWhenOne) return style.writer(values[0], quote);
  return { kind: 'list', items: values.map((v) => style.writer(v, quote)), flow: style.flowLists };
}

function blockValue(value: ConditionBlock | PrincipalBlock, style: StatementStyle): NewValue {
  if (value === '*') return style.writer('*', style.quote.get('Principal'));
  const entries = Object.entries(value).map(([k, v]): [string, NewValue] =>
    Array.isArray(v) ? [k, stringList(v, true, style, style.quote.get('Condition'))] : [k, blockValue(v, style)],
  );
  return { kind: 'map', entries };
}

/** Turn the statement at `node` (read as `old`) into `edit`, touching only the keys and list items that differ. */
export function patchStatement(emitter: Emitter, node: TMap, old: Statement, edit: Statement, style: StatementStyle): void {
  if (statementKey(old) === statementKey(edit)) return;
  for (const [key, field] of FIELDS) {
    const pair = node.pairs.find((p) => p.key === key);
    const before = old[field];
    const after = edit[field];
    if (pair && after === undefined) emitter.deletePair(node, key);
    else if (pair && JSON.stringify(before) !== JSON.stringify(after)) patchValue(emitter, pair.value, key, before as string[], edit, style);
    else if (!pair && after !== undefined) {
      const previous = previousKey(node, key, style);
      emitter.addPair(node, key, fieldValue(edit, key, style)!, previous === undefined ? { first: true } : { after: previous });
    }
  }
}

/** The key of `node` after which `key` goes, in the site's key order. */
function previousKey(node: TMap, key: string, style: StatementStyle): string | undefined {
  const order = style.keyOrder;
  return order.slice(0, order.indexOf(key)).reverse().find((k) => node.pairs.some((p) => p.key === k));
}

function patchValue(emitter: Emitter, node: TNode, key: string, before: string[] | unknown, edit: Statement, style: StatementStyle): void {
  const after = edit[FIELDS.find(([k]) => k === key)![1]];
  const isList = node.kind === 'seq' && !asIntrinsic(node);
  if (!LIST_KEYS.has(key) || !Array.isArray(after)) {
    emitter.replace(node, fieldValue(edit, key, style)!);
    return;
  }
  if (!isList) {
    // Written as one value: it stays one value while the edit has one; more become a list.
    const quote = node.kind === 'scalar' && typeof node.value === 'string' && node.quote !== 'block' ? node.quote : style.quote.get(key);
    emitter.replace(node, stringList(after, true, style, quote));
    return;
  }
  const quote = quoteAmong(node.items) ?? style.quote.get(key);
  const entries: ListEntry[] = diffStrings(before as string[], after).map((e) => ('keep' in e ? e : { insert: style.writer(e.value, quote) }));
  emitter.editList(node, entries);
}

/** One place statements are written: a `Statement` list (or single map) and what it holds. */
export interface StatementSlot {
  /** The `Statement` value: a list of statement maps, one map, or an empty value. */
  node: TNode;
  statements: Statement[];
  nodes: TMap[];
  /** An emptied slot is removed with its container by the caller (true), or written as an empty list. */
  removable?: boolean;
}

/** Write the statements placed in one slot. Returns false when the slot is emptied and removable (the caller removes it). */
export function writeSlot(emitter: Emitter, slot: StatementSlot, placed: readonly Placement[], style: StatementStyle): boolean {
  if (placed.length === 0) {
    if (slot.removable) return false;
    if (slot.statements.length > 0) emitter.replace(slot.node, { kind: 'list', items: [], flow: true });
    return true;
  }
  const value = (p: Placement): NewValue => {
    const old = p.old === undefined ? undefined : slot.statements[p.old];
    return old && statementKey(old) === statementKey(p.statement) ? { kind: 'keep', node: slot.nodes[p.old!] } : statementValue(p.statement, style);
  };
  if (slot.node.kind !== 'seq') {
    const only = placed.length === 1 && placed[0].old === 0 && slot.node.kind === 'map';
    if (only) patchStatement(emitter, slot.node as TMap, slot.statements[0], placed[0].statement, style);
    else emitter.replace(slot.node, { kind: 'list', items: placed.map(value) });
    return true;
  }
  for (const p of placed) if (p.old !== undefined) patchStatement(emitter, slot.nodes[p.old], slot.statements[p.old], p.statement, style);
  emitter.editList(slot.node, placed.map((p) => (p.old === undefined ? { insert: statementValue(p.statement, style) } : { keep: p.old })));
  return true;
}
