/**
 * Parse IAM identity policy documents (JSON or YAML text, or an already-parsed value) into the policy model.
 * Pure: the caller reads files; this only turns text into values or a `PolicyError`.
 *
 * Values are kept as written: single strings become one-element lists, order is preserved, policy variables
 * (`${aws:username}`) stay verbatim, condition values become strings the way IAM compares them
 * (`true` → `"true"`, `3600` → `"3600"`).
 *
 * The parser itself is `parse-document.ts`; this module gives it the `yaml` package's reader. (`parse-json.ts`
 * gives it none, for callers that must not load `yaml` when every document is JSON.)
 */

import { parse as parseYaml } from 'yaml';
import { readPolicyDocument, readPolicyFileContent, readPolicySet, readPolicyText, type ParseOptions, type PolicyInput, type PolicySetResult } from './parse-document.js';
import type { PolicyDocument } from './types.js';

export { POLICY_VERSIONS, type ParseOptions, type PolicyInput, type PolicySetResult } from './parse-document.js';

/**
 * Turn JSON or YAML text into a plain value. Throws `PolicyError` (`invalid-syntax`) naming the document and,
 * when known, the line and column.
 */
export function parsePolicyText(text: string, name: string, format?: 'json' | 'yaml'): unknown {
  return readPolicyText(parseYaml, text, name, format);
}

/**
 * A document as a role's policy source gives it (its JSON text, name and kind: IAM, or a fake of it), parsed
 * and marked with its kind. `name` replaces the source's name where the caller keys documents otherwise (by ARN).
 */
export function parseRoleDocument(d: { text: string; name: string; kind: NonNullable<PolicyDocument['kind']> }, name = d.name): PolicyDocument {
  return { ...parsePolicyDocument(d.text, name), kind: d.kind };
}

/**
 * Parse one identity policy document. `input` is JSON/YAML text or an already-parsed value; `name` says where
 * it came from (file path, `inline:NAME`, a managed policy ARN) and appears in every error.
 * Throws `PolicyError` on the first problem found.
 */
export function parsePolicyDocument(input: string | unknown, name: string, options: ParseOptions = {}): PolicyDocument {
  return readPolicyDocument(parseYaml, input, name, options);
}

/**
 * Parse several documents (a role's inline and managed policies). A bad document does not stop the others:
 * its error is collected and returned, never dropped.
 */
export function parsePolicySet(inputs: PolicyInput[]): PolicySetResult {
  return readPolicySet(parseYaml, inputs);
}

/**
 * Parse the content of a policy file, which may be a policy document or the output of the AWS CLI:
 * `aws iam get-role-policy` (`{RoleName, PolicyName, PolicyDocument}`, the document as an object or as
 * URL-encoded JSON text, as the raw API returns it) or `aws iam get-policy-version` (`{PolicyVersion: {Document}}`).
 * Returns one document; its name is `name`, plus `#PolicyName` for get-role-policy output.
 */
export function parsePolicyFileContent(text: string, name: string, options: ParseOptions = {}): PolicyDocument {
  return readPolicyFileContent(parseYaml, text, name, options);
}
