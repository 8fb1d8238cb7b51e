/**
 * Edits of comma-separated lists (JSON arrays and objects, YAML flow collections): remove items with the comma
 * that separated them, insert new ones with the separator the list already uses, and leave kept items untouched.
 */

import { lineIndent, type ListEntry, type NewValue, type TextEdits } from './emit.js';
import { depthOf, type TMap, type TSeq, type TTree } from './tree.js';

/** How the emitter of the file writes a value in a comma list, and the file's line break. */
export interface CommaStyle {
  /** A value whose first line stands where the item starts. */
  render(value: NewValue): string;
  eol: string;
  tree: TTree;
}

/** The separator between two items of a list: the one it has, else a comma and a line break or a space. */
export function separatorOf(tree: TTree, ranges: Array<[number, number]>, container: { start: number; end: number }, eol: string): string {
  const text = tree.text;
  if (ranges.length >= 2) {
    const between = text.slice(ranges[0][1], ranges[1][0]);
    if (!/[/#]/.test(between)) return between;
  }
  const multiLine = text.slice(container.start, container.end).includes('\n');
  return multiLine && ranges.length > 0 ? `,${eol}${lineIndent(text, ranges[0][0])}` : ', ';
}

/** Rewrite a non-empty comma list to `entries` (kept items by index, in order, and new values). */
export function renderCommaList(edits: TextEdits, seq: TSeq, entries: ListEntry[], style: CommaStyle): void {
  const ranges = seq.items.map((i) => [i.start, i.end] as [number, number]);
  const sep = separatorOf(style.tree, ranges, seq, style.eol);
  const kept = new Set(entries.flatMap((e) => ('keep' in e ? [e.keep] : [])));
  if (kept.size === 0) {
    const all = entries.map((e) => style.render((e as { insert: NewValue }).insert)).join(sep);
    edits.add(ranges[0][0], ranges[ranges.length - 1][1], all);
    return;
  }
  removeRuns(edits, ranges, kept);
  const firstKept = Math.min(...kept);
  let anchor: number | undefined;
  for (const entry of entries) {
    if ('keep' in entry) {
      anchor = entry.keep;
      continue;
    }
    const text = style.render(entry.insert);
    const depth = depthOf(seq) + 1;
    if (anchor === undefined) edits.add(ranges[firstKept][0], ranges[firstKept][0], text + sep, depth);
    else edits.add(ranges[anchor][1], ranges[anchor][1], sep + text, depth);
  }
}

/** Remove each run of items that are not kept, with the separator before it (or after it, at the start). */
function removeRuns(edits: TextEdits, ranges: Array<[number, number]>, kept: Set<number>): void {
  let i = 0;
  while (i < ranges.length) {
    if (kept.has(i)) {
      i++;
      continue;
    }
    let last = i;
    while (last + 1 < ranges.length && !kept.has(last + 1)) last++;
    if (i > 0) edits.add(ranges[i - 1][1], ranges[last][1], '');
    else edits.add(ranges[0][0], ranges[last + 1][0], '');
    i = last + 1;
  }
}

/** Remove one key of a comma-separated map with its separator. */
export function deleteCommaPair(edits: TextEdits, map: TMap, index: number): void {
  const pairs = map.pairs;
  const pair = pairs[index];
  if (index > 0) edits.add(pairs[index - 1].value.end, pair.value.end, '');
  else if (pairs.length > 1) edits.add(pair.keyStart, pairs[1].keyStart, '');
  else edits.add(pair.keyStart, pair.value.end, '');
}
