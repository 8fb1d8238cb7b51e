/**
 * One syntax tree for the YAML and JSON files the editors read: maps, sequences and scalars with their exact
 * offsets in the text. The editors find a site, read its statements and plan an edit on this tree; an emitter
 * (`text-edits.ts`) then turns the plan into splices of the original text, so every byte outside the edited
 * nodes stays as it was. `yaml-tree.ts` and `json-tree.ts` build it.
 */

import type { TextPosition } from './types.js';

/** How a scalar was quoted in the file, so new values next to it can be written alike. */
export type QuoteStyle = 'plain' | 'single' | 'double' | 'block';

/** Where a node sits: the value of a map key, or an item of a sequence (or the document root). */
export type TParent =
  | { kind: 'pair'; map: TMap; pair: TPair }
  | { kind: 'item'; seq: TSeq; index: number }
  | { kind: 'root' };

interface TBase {
  /** Offset of the node's first character, its YAML tag included. */
  start: number;
  /** Offset just after the node's value (a trailing comment is not part of it). */
  end: number;
  /** YAML flow style (`[a, b]`, `{a: b}`) or any JSON collection: items separated by commas. */
  flow: boolean;
  /** The YAML tag as written (`!GetAtt`), when there is one. */
  tag?: string;
  parent: TParent;
}

/** A string, number, boolean or null. */
export interface TScalar extends TBase {
  kind: 'scalar';
  value: string | number | boolean | null;
  quote: QuoteStyle;
}

/** One key of a map with its value. */
export interface TPair {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: TNode;
}

/** A mapping (YAML map, JSON object). */
export interface TMap extends TBase {
  kind: 'map';
  pairs: TPair[];
}

/** A sequence (YAML sequence, JSON array). */
export interface TSeq extends TBase {
  kind: 'seq';
  items: TNode[];
}

/** Any node. */
export type TNode = TScalar | TMap | TSeq;

/** A parsed file: its text, syntax, root node and line table. */
export interface TTree {
  text: string;
  syntax: 'yaml' | 'json';
  root: TNode;
  /** Offsets where each line starts. */
  lineStarts: number[];
}

/** Offsets of the starts of lines. */
export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** 1-based line and column of an offset. */
export function positionAt(tree: Pick<TTree, 'lineStarts'>, offset: number): TextPosition {
  const starts = tree.lineStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo] + 1 };
}

/** The pair of `key` in a map node, if the node is a map that has it. */
export function pairOf(node: TNode | undefined, key: string): TPair | undefined {
  return node?.kind === 'map' ? node.pairs.find((p) => p.key === key) : undefined;
}

/** The value of `key` in a map node. */
export function valueOf(node: TNode | undefined, key: string): TNode | undefined {
  return pairOf(node, key)?.value;
}

/** Follow a path of keys through maps. */
export function valueAt(node: TNode | undefined, path: readonly string[]): TNode | undefined {
  let cur = node;
  for (const key of path) cur = valueOf(cur, key);
  return cur;
}

/** The string value of a plain (untagged) string scalar, else undefined. */
export function stringValue(node: TNode | undefined): string | undefined {
  return node?.kind === 'scalar' && node.tag === undefined && typeof node.value === 'string' ? node.value : undefined;
}

/** Whether a node is an empty or null value (`Key:` with nothing after it). */
export function isNull(node: TNode | undefined): boolean {
  return node === undefined || (node.kind === 'scalar' && node.value === null && node.tag === undefined);
}

/** How many collections hold a node (0 at the root). */
export function depthOf(node: TNode): number {
  let depth = 0;
  for (let p = node.parent; p.kind !== 'root'; p = (p.kind === 'pair' ? p.map : p.seq).parent) depth++;
  return depth;
}

/** Set `parent` links on the children of a freshly built collection. */
export function linkChildren(node: TNode): void {
  if (node.kind === 'map') for (const pair of node.pairs) pair.value.parent = { kind: 'pair', map: node, pair };
  if (node.kind === 'seq') node.items.forEach((item, index) => (item.parent = { kind: 'item', seq: node, index }));
}
