/** The YAML helpers of the split renderers (cloudformation, sam, serverless): maps with comments, sequences. */

import { Pair, YAMLMap, YAMLSeq, type Scalar } from 'yaml';
import { safeLines } from './split-common.js';
import { yamlNode } from './yaml.js';

/** A YAML node as the split renderers build them. */
export type YNode = Scalar<string> | YAMLSeq | YAMLMap;

/** A YAML comment (`commentBefore`) from lines: the yaml package writes `#` before each. */
export function yamlComment(lines: readonly string[]): string {
  return safeLines(lines)
    .map((l) => ` ${l}`)
    .join('\n');
}

/** A YAML map from entries in order; a third element puts a comment above that key. */
export function ymap(entries: ReadonlyArray<readonly [string, YNode] | readonly [string, YNode, readonly string[]]>): YAMLMap {
  const map = new YAMLMap();
  for (const [key, value, comment] of entries) {
    const k = yamlNode(key) as Scalar<string>;
    if (comment !== undefined && comment.length > 0) k.commentBefore = yamlComment(comment);
    map.items.push(new Pair(k, value));
  }
  return map;
}

/** A YAML sequence of nodes. */
export function yseq(items: readonly YNode[]): YAMLSeq {
  const seq = new YAMLSeq();
  seq.items.push(...items);
  return seq;
}
