/**
 * The reference table an editor builds while reading a site: one entry per meaning (key), each occurrence in a
 * policy string replaced by the entry's token. The first node that is exactly a reference is remembered, so
 * writing that reference again as a whole value reproduces it as the author wrote it.
 */

import { REFERENCE_TOKEN, referenceToken, type IacReference, type ReferenceTable } from './types.js';
import type { TNode } from './tree.js';

/** Collects the references of one site. */
export class ReferenceCollector {
  readonly table: IacReference[] = [];
  /** Reference key → the first node that is exactly that reference, as written. */
  readonly wholeNodes = new Map<string, TNode>();
  private readonly byKey = new Map<string, number>();

  /** The token of a reference, adding it on first sight. `node` is the node when the reference is a whole value. */
  token(ref: IacReference, node?: TNode): string {
    let index = this.byKey.get(ref.key);
    if (index === undefined) {
      index = this.table.length;
      this.table.push(ref);
      this.byKey.set(ref.key, index);
    }
    if (node && !this.wholeNodes.has(ref.key)) this.wholeNodes.set(ref.key, node);
    return referenceToken(index);
  }

  /** The index of a key, if it was seen. */
  indexOf(key: string): number | undefined {
    return this.byKey.get(key);
  }
}

/** A policy string split into literal text and reference indexes, in order. */
export type StringPart = { text: string } | { ref: number };

/** Split a string with tokens into its literal and reference parts. */
export function splitTokens(value: string): StringPart[] {
  const parts: StringPart[] = [];
  let last = 0;
  for (const m of value.matchAll(REFERENCE_TOKEN)) {
    if (m.index > last) parts.push({ text: value.slice(last, m.index) });
    parts.push({ ref: Number(m[1]) });
    last = m.index + m[0].length;
  }
  if (last < value.length) parts.push({ text: value.slice(last) });
  return parts;
}

/**
 * Rewrite the tokens of `value` (indexes into `from`) as tokens of `collector` (by key), adding references the
 * collector has not seen. Edits carry tokens of the table they were planned with; the editor writes them with
 * the table it reads from the text, and the two agree on keys, not necessarily on indexes.
 */
export function retoken(value: string, from: ReferenceTable, collector: ReferenceCollector): string {
  return value.replace(REFERENCE_TOKEN, (_m, index: string) => {
    const ref = from[Number(index)];
    if (!ref) throw new RangeError(`reference token ${index} has no entry in the edit's reference table`);
    return collector.token(ref);
  });
}

/** Find the end of a `${…}` starting at `open` (the `$`), counting nested `${…}`; -1 when it is not closed. */
export function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (text[i] === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}
