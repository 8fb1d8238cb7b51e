/** YAML renderer: the same content as the JSON renderer, safe for YAML 1.1 and YAML 1.2 readers. */

import { Document, Pair, Scalar, YAMLMap, YAMLSeq, parseDocument } from 'yaml';
import type { PolicyDocument } from '../policy/types.js';
import { IamObject, iamTree, type IamNode } from './canonical.js';

/**
 * YAML 1.1 values a plain scalar could be mistaken for that a schema-driven check does not always catch:
 * `<<` is the merge key and `=` the "value" type in YAML 1.1 (https://yaml.org/type/merge.html,
 * https://yaml.org/type/value.html); PyYAML resolves both and then fails to construct them as values.
 */
const YAML11_SPECIAL = new Set(['<<', '=']);

/**
 * True when `s` written as a plain scalar would be read back as anything other than the same string by a
 * YAML 1.1 reader (booleans `yes`/`no`/`on`/`off`/`y`/`n`, sexagesimal `1:20`, octal `0755`, dates such as
 * `2012-10-17`, `1_000`, …) or a YAML 1.2 core reader (`0o17`, `true`, `null`, `1e3`, …).
 */
export function yamlNeedsQuotes(s: string): boolean {
  if (YAML11_SPECIAL.has(s)) return true;
  for (const version of ['1.1', '1.2'] as const) {
    // parseDocument collects problems instead of throwing or printing them (parse() would emit warnings to
    // the process, which the pure core must not do); any problem at all means "quote it".
    const doc = parseDocument(s, { version, logLevel: 'error' });
    if (doc.errors.length > 0 || doc.warnings.length > 0) return true;
    try {
      if (doc.toJS() !== s) return true;
    } catch {
      return true; // e.g. `*x`, an alias with no anchor
    }
  }
  return false;
}

function scalar(s: string, forceQuotes: boolean): Scalar<string> {
  const node = new Scalar(s);
  if (forceQuotes || yamlNeedsQuotes(s)) node.type = Scalar.QUOTE_DOUBLE;
  return node;
}

/** An ordered IAM tree as YAML nodes, quoted as renderYaml quotes them (for renderers that build larger documents). */
export function yamlNode(node: IamNode): Scalar<string> | YAMLSeq | YAMLMap {
  if (typeof node === 'string') return scalar(node, false);
  if (Array.isArray(node)) {
    const seq = new YAMLSeq();
    for (const item of node) seq.items.push(yamlNode(item));
    return seq;
  }
  const map = new YAMLMap();
  for (const [k, v] of node.entries) {
    // `Version` is always quoted: "2012-10-17" is a date to YAML 1.1 readers (and to some 1.2 libraries).
    map.items.push(new Pair(scalar(k, false), k === 'Version' && typeof v === 'string' ? scalar(v, true) : yamlNode(v)));
  }
  return map;
}

/**
 * Render a policy as YAML with the JSON renderer's key order and lists. Strings a YAML 1.1 or 1.2 reader
 * would read as another type are double-quoted (always `Version`); no line folding, no anchors, no block
 * scalars, so each value stays on one line.
 */
export function renderYaml(doc: PolicyDocument): string {
  return yamlFromTree(iamTree(doc));
}

/** Serialise an ordered IAM tree as YAML (see renderYaml). */
export function yamlFromTree(tree: IamObject): string {
  // The 1.2 core schema writes the tree; quoting for 1.1 readers is decided by yamlNeedsQuotes, which parses
  // every string both ways (the 1.1 schema would print the string `<<` bare, as a merge key).
  return yamlText(yamlNode(tree));
}

/**
 * YAML nodes as text in renderYaml's style (no folding, no block scalars, sequences indented), with an optional
 * comment above (one `#` line per line of `comment`; the caller makes its lines safe, see escape.ts).
 */
export function yamlText(contents: Scalar<string> | YAMLSeq | YAMLMap, comment?: string): string {
  const document = new Document(null, { version: '1.2' });
  document.contents = contents;
  if (comment !== undefined) document.commentBefore = comment;
  return document.toString({ lineWidth: 0, blockQuote: false, indentSeq: true });
}
