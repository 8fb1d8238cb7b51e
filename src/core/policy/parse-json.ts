/**
 * `parsePolicyFileContent` for a caller that must not load the `yaml` package unless a document needs it
 * (`suggest --policy` on JSON files: importing `yaml` is part of every run's start-up otherwise;
 * docs/BENCHMARKS.md). Every document that JSON alone reads is parsed exactly as `parse.ts` parses it; one that
 * would need YAML (YAML text, JSON-looking text JSON rejects, an embedded document JSON rejects) throws
 * {@link YamlNeeded} instead, and the caller parses it again with `parse.ts`.
 */

import { readPolicyFileContent, YamlNeeded, type ParseOptions, type YamlReader } from './parse-document.js';
import type { PolicyDocument } from './types.js';

export { YamlNeeded } from './parse-document.js';

const noYaml: YamlReader = () => {
  throw new YamlNeeded();
};

/**
 * `parsePolicyFileContent` (core/policy/parse.ts) without YAML: the same document or `PolicyError`, or
 * {@link YamlNeeded} where `parsePolicyFileContent` would have asked its YAML reader.
 */
export function parseJsonPolicyFileContent(text: string, name: string, options: ParseOptions = {}): PolicyDocument {
  return readPolicyFileContent(noYaml, text, name, options);
}
