/**
 * Text surgery shared by the Terraform writers: edits applied to a text, items (statements, list values) put
 * into the places of the items already written — the texts go into the original places in order, the surplus
 * places are removed with the blanks (and commas) before them, and extra items follow the last one with the
 * separator the list already uses — and statements compared by meaning (tokens as their reference keys).
 */

import type { Statement } from '../policy/types.js';
import { REFERENCE_TOKEN, type ReferenceTable } from './types.js';

/** Replace `[start, end)` with `text`. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** `text` with non-overlapping edits applied. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const e of sorted) {
    out += text.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + text.slice(at);
}

/** The statement fields a changed statement's lists are patched in. */
export const LIST_FIELDS = ['action', 'notAction', 'resource', 'notResource'] as const;

/** One of LIST_FIELDS. */
export type ListField = (typeof LIST_FIELDS)[number];

/** Where a field's value is written: its range, and each item's range when it is a list. */
export interface FieldNode {
  start: number;
  end: number;
  items?: Array<{ start: number; end: number }>;
}

/**
 * A statement as written at a site: its own text is `[start, end)`, its comment lines start at `commentStart`;
 * `fields` says where its lists are, for a patch that edits only them.
 */
export interface WrittenStatement {
  statement: Statement;
  start: number;
  end: number;
  commentStart: number;
  fields?: Partial<Record<ListField, FieldNode>>;
}

/** A statement with every token replaced by its reference's key: equal meaning, equal value. */
export function keyedStatement(st: Statement, refs: ReferenceTable): string {
  const k = (s: string) => keyedString(s, refs);
  const ks = (xs: string[] | undefined) => xs?.map(k);
  const principal = (p: Statement['principal']) => (p === undefined || p === '*' ? p : Object.entries(p).map(([kind, ids]) => [kind, ids.map(k)]));
  const condition = st.condition && Object.entries(st.condition).map(([op, keys]) => [op, Object.entries(keys).map(([key, vs]) => [k(key), vs.map(k)])]);
  return JSON.stringify([st.sid === undefined ? null : k(st.sid), st.effect, ks(st.action), ks(st.notAction), ks(st.resource), ks(st.notResource), condition ?? null, principal(st.principal) ?? null, principal(st.notPrincipal) ?? null]);
}

/** A place a list item (a statement, an ARN) is written: `[commentStart, end)`. */
export interface Slot {
  start: number;
  end: number;
  commentStart: number;
}

/** How a list of items is laid out where it is written. */
export interface SlotLayout {
  /** The separator before an appended item when the list has fewer than two to copy it from. */
  separator: string;
  /** Characters the removal of a surplus item may take with it before the item. */
  removable: RegExp;
  /** True when the site writes its one item as a single value rather than a list. */
  single?: boolean;
  /**
   * The edits that write `texts` where the site holds no item, remove them all, or (for a `single` value)
   * write another number of items than one.
   */
  whole(texts: string[]): TextEdit[];
}

/**
 * The edits that put `texts` into `slots` in order: changed slots replaced, surplus slots removed with the
 * removable characters before them, extra texts appended after the last slot with the list's own separator.
 */
export function placeTexts(text: string, slots: readonly Slot[], texts: readonly string[], layout: SlotLayout): TextEdit[] {
  const n = slots.length;
  const m = texts.length;
  if (n === 0 || m === 0 || (layout.single && m !== 1)) return layout.whole([...texts]);
  const out: TextEdit[] = [];
  for (let k = 0; k < Math.min(n, m); k++) {
    const w = slots[k]!;
    if (text.slice(w.commentStart, w.end) !== texts[k]) out.push({ start: w.commentStart, end: w.end, text: texts[k]! });
  }
  if (m > n) {
    const last = slots[n - 1]!;
    const gap = n >= 2 ? text.slice(slots[n - 2]!.end, last.commentStart) : '';
    const sep = gap !== '' && [...gap].every((c) => layout.removable.test(c)) ? gap : layout.separator;
    out.push({ start: last.end, end: last.end, text: texts.slice(n).map((t) => sep + t).join('') });
  }
  for (let k = m; k < n; k++) {
    const w = slots[k]!;
    let from = w.commentStart;
    const floor = slots[k - 1]!.end;
    while (from > floor && layout.removable.test(text[from - 1]!)) from--;
    out.push({ start: from, end: w.end, text: '' });
  }
  return out;
}

/** The whitespace that starts the line holding `offset`. */
export function lineIndent(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

/**
 * Where the comment lines directly above `start` begin (only comments and indentation on those lines, no
 * blank line between), so a statement's comment travels with it.
 */
export function leadingCommentStart(text: string, start: number): number {
  let at = start;
  const lineStart = (o: number) => text.lastIndexOf('\n', o - 1) + 1;
  if (text.slice(lineStart(at), at).trim() !== '') return at;
  for (;;) {
    const ls = lineStart(at);
    if (ls === 0) return at;
    const prev = lineStart(ls - 1);
    const line = text.slice(prev, ls - 1).replace(/\r$/, '');
    const body = line.trim();
    if (!(body.startsWith('#') || body.startsWith('//') || (body.startsWith('/*') && body.endsWith('*/')))) return at;
    at = prev + (line.length - line.trimStart().length);
  }
}

/**
 * The names a site uses, in its order, completed with the `defaults` it lacks (each placed after the name that
 * precedes it in `defaults`), so a rewritten statement lists its keys the way its neighbours do.
 */
export function mergeOrder(order: readonly string[], defaults: readonly string[]): string[] {
  const out = order.filter((n) => defaults.includes(n));
  defaults.forEach((name, i) => {
    if (out.includes(name)) return;
    const before = defaults.slice(0, i).reverse().find((n) => out.includes(n));
    out.splice(before === undefined ? 0 : out.indexOf(before) + 1, 0, name);
  });
  return out;
}

/** Removes a whole block with the comment lines above it and one blank line next to it. */
export function removeBlock(text: string, block: { start: number; end: number }): TextEdit {
  const commentStart = leadingCommentStart(text, block.start);
  const lineStart = text.lastIndexOf('\n', commentStart - 1) + 1;
  let start = text.slice(lineStart, commentStart).trim() === '' ? lineStart : commentStart;
  const nl = text.indexOf('\n', block.end);
  let end = nl < 0 ? text.length : nl + 1;
  const after = /^[ \t]*\r?\n/.exec(text.slice(end));
  const before = /\r?\n([ \t]*\r?\n)$/.exec(text.slice(0, start));
  if (after) end += after[0].length;
  else if (before) start -= before[1]!.length;
  return { start, end, text: '' };
}

/** A string with every token replaced by its reference's key (see keyedStatement). */
export function keyedString(s: string, refs: ReferenceTable): string {
  return s.replace(REFERENCE_TOKEN, (_, i: string) => `\uE000${refs[Number(i)]?.key ?? `?${i}`}\uE001`);
}
