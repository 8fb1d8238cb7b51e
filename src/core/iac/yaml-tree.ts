/**
 * YAML text → the editors' tree (`tree.ts`), through the `yaml` package's Document API with comments kept and
 * CloudFormation's short-form tags registered (`yaml-tags.ts`). Only offsets are taken from the Document; the
 * document is never stringified again.
 */

import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, Scalar, type Node as YNode, type Pair } from 'yaml';
import { linkChildren, lineStartsOf, type QuoteStyle, type TMap, type TNode, type TPair, type TTree } from './tree.js';
import { CFN_YAML_TAGS } from './yaml-tags.js';

/** Called when the text cannot be read: a message and the offset where the problem is. */
export type TreeFailure = (kind: 'syntax' | 'unsupported', message: string, offset: number) => never;

const ROOT = { kind: 'root' } as const;

/** Parse YAML text into a tree. Calls `fail` (which throws) on a syntax error or a shape the editors do not handle. */
export function parseYamlTree(text: string, fail: TreeFailure): TTree {
  const doc = parseDocument(text, { customTags: CFN_YAML_TAGS, keepSourceTokens: false, uniqueKeys: false });
  const error = doc.errors[0];
  if (error) fail('syntax', `not valid YAML: ${error.message.split('\n')[0]}`, error.pos[0]);
  const root = doc.contents ? convert(doc.contents as YNode, text, fail) : emptyScalar(0);
  return { text, syntax: 'yaml', root, lineStarts: lineStartsOf(text) };
}

function emptyScalar(at: number): TNode {
  return { kind: 'scalar', value: null, quote: 'plain', start: at, end: at, flow: true, parent: ROOT };
}

function convert(node: YNode, text: string, fail: TreeFailure): TNode {
  if (isAlias(node)) return fail('unsupported', `an alias (*${node.source}) cannot be edited in place; write the value out`, node.range?.[0] ?? 0);
  const range = node.range ?? [0, 0, 0];
  const tag = node.tag;
  const start = tag !== undefined || node.anchor ? startWithProps(text, range[0]) : range[0];
  const base = { start, end: range[1], tag, parent: ROOT as TNode['parent'] };
  if (isScalar(node)) {
    const value = node.value;
    const scalarValue = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null ? value : String(value);
    return { ...base, kind: 'scalar', value: scalarValue, quote: quoteOf(node), flow: true };
  }
  if (isMap(node)) {
    const map: TMap = { ...base, kind: 'map', pairs: [], flow: node.flow === true };
    map.pairs = node.items.map((pair) => convertPair(pair as Pair, text, fail));
    const last = map.pairs[map.pairs.length - 1];
    if (!map.flow && last) map.end = Math.max(last.keyEnd, last.value.end);
    linkChildren(map);
    return map;
  }
  if (isSeq(node)) {
    const seq: TNode = { ...base, kind: 'seq', items: node.items.map((item) => convertItem(item, text, fail)), flow: node.flow === true };
    // A block collection's own range runs on to the next token; it ends where its last value ends.
    const last = seq.items[seq.items.length - 1];
    if (!seq.flow && last) seq.end = last.end;
    linkChildren(seq);
    return seq;
  }
  return fail('unsupported', 'a YAML node the editor does not know', range[0]);
}

function convertItem(item: unknown, text: string, fail: TreeFailure): TNode {
  if (isPair(item)) return fail('unsupported', 'a single-pair map inside a flow sequence; write it as {key: value}', 0);
  return convert(item as YNode, text, fail);
}

function convertPair(pair: Pair, text: string, fail: TreeFailure): TPair {
  const key = pair.key as YNode | null;
  if (!isScalar(key)) return fail('unsupported', 'a map key that is not a plain value', (key as YNode | null)?.range?.[0] ?? 0);
  const keyRange = key.range ?? [0, 0, 0];
  let value: TNode;
  if (pair.value === null || pair.value === undefined) {
    // `Key:` with nothing after it: an empty value right after the colon.
    const colon = text.indexOf(':', keyRange[1]);
    value = emptyScalar(colon < 0 ? keyRange[1] : colon + 1);
  } else {
    value = convert(pair.value as YNode, text, fail);
  }
  const keyStart = key.tag !== undefined || key.anchor ? startWithProps(text, keyRange[0]) : keyRange[0];
  return { key: String(key.value), keyStart, keyEnd: keyRange[1], value };
}

/** The offset of a node's tag or anchor written before its value (`!Sub 'x'`, `&a !If\n  - …`). */
function startWithProps(text: string, valueStart: number): number {
  let start = valueStart;
  for (;;) {
    let i = start;
    while (i > 0 && /\s/.test(text[i - 1])) i--;
    const before = text.slice(Math.max(0, i - 200), i);
    const prop = /(?:^|\s|[[{,])((?:![^\s,[\]{}]*)|(?:&[^\s,[\]{}]+))$/.exec(before);
    if (!prop) return start;
    start = i - prop[1].length;
  }
}

function quoteOf(node: Scalar): QuoteStyle {
  switch (node.type) {
    case Scalar.QUOTE_SINGLE:
      return 'single';
    case Scalar.QUOTE_DOUBLE:
      return 'double';
    case Scalar.BLOCK_FOLDED:
    case Scalar.BLOCK_LITERAL:
      return 'block';
    default:
      return 'plain';
  }
}
