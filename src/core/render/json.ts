/** JSON renderer: an IAM policy document with stable key order. */

import type { PolicyDocument } from '../policy/types.js';
import { IamObject, iamTree, type IamNode } from './canonical.js';

/** Indent unit of the JSON output (2 spaces, the width AWS's console and CLI examples use). */
const INDENT = '  ';

function write(node: IamNode, indent: string): string {
  if (typeof node === 'string') return JSON.stringify(node);
  const inner = indent + INDENT;
  if (Array.isArray(node)) {
    if (node.length === 0) return '[]';
    return `[\n${node.map((n) => inner + write(n, inner)).join(',\n')}\n${indent}]`;
  }
  if (node.entries.length === 0) return '{}';
  return `{\n${node.entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${write(v, inner)}`).join(',\n')}\n${indent}}`;
}

/** Serialise an ordered IAM tree as 2-space-indented JSON (no trailing newline). */
export function iamTreeToJson(node: IamNode | IamObject): string {
  return write(node, '');
}

/**
 * Render a policy as IAM JSON: keys in the order `Version`, `Id`, `Statement` and, per statement, `Sid`,
 * `Effect`, `Principal`, `NotPrincipal`, `Action`, `NotAction`, `Resource`, `NotResource`, `Condition`;
 * lists sorted and always lists (see canonical.ts for why); 2-space indent; trailing newline.
 */
export function renderJson(doc: PolicyDocument): string {
  return iamTreeToJson(iamTree(doc)) + '\n';
}
