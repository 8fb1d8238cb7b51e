/**
 * What the editors write and how: a new value (`NewValue`), the operations on the tree of the original file
 * (`Emitter`), and the splices they become (`TextEdits`). Every operation names the nodes it replaces, removes
 * or inserts next to; everything else in the text is copied as it was, byte for byte. The YAML and JSON
 * emitters (`yaml-emit.ts`, `json-emit.ts`) render new values in the file's own layout.
 */

import { PolicyTrimError } from '../errors.js';
import type { QuoteStyle, TMap, TNode, TSeq, TTree } from './tree.js';

/** A value to write. `keep` reproduces a node of the file as written; `raw` is text in the file's own syntax. */
export type NewValue =
  | { kind: 'str'; value: string; quote?: QuoteStyle }
  | { kind: 'scalar'; value: number | boolean | null }
  | { kind: 'list'; items: NewValue[]; flow?: boolean }
  | { kind: 'map'; entries: Array<[string, NewValue]>; flow?: boolean }
  | { kind: 'tagged'; tag: string; value: NewValue }
  | { kind: 'keep'; node: TNode }
  | { kind: 'raw'; text: string };

/** Where a new key goes in its map: after a key, first, or (neither) last. */
export interface PairPosition {
  after?: string;
  first?: boolean;
}

/** One entry of a rewritten sequence: an item of the original (by index) or a new value. */
export type ListEntry = { keep: number } | { insert: NewValue };

/** Operations on the original file's tree; `result` applies them. Operations must not overlap. */
export interface Emitter {
  /** Replace a node (a map value, a sequence item or the root) with a new value. */
  replace(node: TNode, value: NewValue): void;
  /** Rewrite a sequence: kept items stay as written (in their original order), the others go, new ones go where listed. */
  editList(seq: TSeq, entries: ListEntry[]): void;
  /** Remove a key and its value from a map. */
  deletePair(map: TMap, key: string): void;
  /** Add a key to a non-empty map: after the key `where.after`, first (`where.first`), or last. */
  addPair(map: TMap, key: string, value: NewValue, where?: PairPosition): void;
  /** The text with every operation applied. */
  result(): string;
}

/**
 * The layout of an edit cannot be written without touching text the edit does not own. The site's editor
 * (site-context.ts) turns it into the user's `iac-unsupported` error naming the file and line; one that escapes
 * that is a bug, hence the tool's source.
 */
export class LayoutError extends PolicyTrimError {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super({ code: 'iac-layout', message, source: 'tool' });
  }
}

interface Splice {
  start: number;
  end: number;
  text: string;
  /** Nesting depth of what an insertion adds: at one offset, deeper insertions go first. */
  depth: number;
  order: number;
}

/**
 * A set of non-overlapping splices of one text. Insertions at one offset go deepest first (a key added to the
 * last statement of a list comes before a statement added after it), then in the order they were added.
 */
export class TextEdits {
  private readonly splices: Splice[] = [];

  constructor(readonly text: string) {}

  /** Replace `[start, end)` with `text` (an insertion when start = end, at nesting `depth`). */
  add(start: number, end: number, text: string, depth = 0): void {
    if (start === end && text === '') return;
    this.splices.push({ start, end, text, depth, order: this.splices.length });
  }

  /** The text with all splices applied; throws LayoutError when two of them overlap. */
  apply(): string {
    const sorted = [...this.splices].sort((a, b) => a.start - b.start || widthOrder(a) - widthOrder(b) || b.depth - a.depth || a.order - b.order);
    let out = '';
    let at = 0;
    for (const s of sorted) {
      if (s.start < at) throw new LayoutError('two edits of the same text overlap', s.start);
      out += this.text.slice(at, s.start) + s.text;
      at = s.end;
    }
    return out + this.text.slice(at);
  }
}

/** Insertions before replacements at the same offset, so text inserted at a kept item's edge stays outside a removal. */
function widthOrder(s: Splice): number {
  return s.start === s.end ? 0 : 1;
}

/** The file's line break. */
export function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Offset of the start of the line holding `offset`. */
export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset just after the line break ending the line holding `offset` (the text's end on its last line). */
export function nextLineStart(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
}

/** Column (0-based) of an offset. */
export function columnOf(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

/** The leading whitespace of the line holding `offset`. */
export function lineIndent(text: string, offset: number): string {
  const start = lineStart(text, offset);
  return /^[ \t]*/.exec(text.slice(start))?.[0] ?? '';
}

/** A node's own text, its later lines shifted so that its first line can stand at column `column`. */
export function reindented(tree: TTree, node: TNode, column: number): string {
  const source = tree.text.slice(node.start, node.end);
  if (!source.includes('\n')) return source;
  const delta = column - columnOf(tree.text, node.start);
  return source
    .split('\n')
    .map((line, i) => {
      if (i === 0 || delta === 0) return line;
      if (delta > 0) return line.trim() === '' ? line : ' '.repeat(delta) + line;
      const strip = Math.min(-delta, /^ */.exec(line)?.[0].length ?? 0);
      return line.slice(strip);
    })
    .join('\n');
}

/** Whether a node of the file is a block collection (`Fn::GetAtt: [X, Arn]` as a map) or spans several lines. */
export function isBlockNode(node: TNode, tree: TTree): boolean {
  if ((node.kind === 'map' || node.kind === 'seq') && !node.flow && tree.syntax === 'yaml') return true;
  return tree.text.slice(node.start, node.end).includes('\n');
}

/** Whether a value is a collection written over several lines in block layout. */
export function isBlockCollection(value: NewValue, tree: TTree): boolean {
  if (value.kind === 'list') return value.flow !== true && value.items.length > 0;
  if (value.kind === 'map') return value.flow !== true && value.entries.length > 0;
  if (value.kind === 'tagged') return isBlockCollection(value.value, tree);
  if (value.kind === 'keep') return isBlockNode(value.node, tree);
  return false;
}
