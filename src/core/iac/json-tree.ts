/**
 * JSON text → the editors' tree (`tree.ts`), through `jsonc-parser`'s `parseTree`, which keeps every node's
 * offset (and tolerates the comments some repositories keep in JSON files).
 */

import { parseTree, printParseErrorCode, type Node as JNode, type ParseError } from 'jsonc-parser';
import { linkChildren, lineStartsOf, type TMap, type TNode, type TTree } from './tree.js';
import type { TreeFailure } from './yaml-tree.js';

const ROOT = { kind: 'root' } as const;

/** Parse JSON text into a tree; calls `fail` (which throws) on the first syntax error. */
export function parseJsonTree(text: string, fail: TreeFailure): TTree {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: false });
  const error = errors[0];
  if (error) fail('syntax', `not valid JSON: ${describeError(printParseErrorCode(error.error))}`, error.offset);
  if (!root) return fail('syntax', 'not valid JSON: the file holds no value', 0);
  return { text, syntax: 'json', root: convert(root), lineStarts: lineStartsOf(text) };
}

/** `PropertyNameExpected` → `property name expected`. */
function describeError(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function convert(node: JNode): TNode {
  const base = { start: node.offset, end: node.offset + node.length, flow: true, parent: ROOT as TNode['parent'] };
  if (node.type === 'object') {
    const map: TMap = { ...base, kind: 'map', pairs: [] };
    for (const prop of node.children ?? []) {
      const [key, value] = prop.children ?? [];
      if (!key || !value) continue;
      map.pairs.push({ key: String(key.value), keyStart: key.offset, keyEnd: key.offset + key.length, value: convert(value) });
    }
    linkChildren(map);
    return map;
  }
  if (node.type === 'array') {
    const seq: TNode = { ...base, kind: 'seq', items: (node.children ?? []).map(convert) };
    linkChildren(seq);
    return seq;
  }
  const value = node.value as string | number | boolean | null;
  return { ...base, kind: 'scalar', value, quote: 'double' };
}
