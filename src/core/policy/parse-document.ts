/**
 * Parse IAM identity policy documents (JSON or YAML text, or an already-parsed value) into the policy model,
 * without importing the `yaml` package: YAML text goes to the {@link YamlReader} the caller passes. `parse.ts`
 * binds the `yaml` package's reader (the API every caller uses); `parse-json.ts` binds one that reads no YAML, so
 * a run that reads only JSON never loads `yaml` (docs/BENCHMARKS.md).
 * Pure: the caller reads files; this only turns text into values or a `PolicyError`.
 *
 * Values are kept as written: single strings become one-element lists, order is preserved, policy variables
 * (`${aws:username}`) stay verbatim, condition values become strings the way IAM compares them
 * (`true` → `"true"`, `3600` → `"3600"`).
 */

import { PolicyError, type PolicyErrorLocation } from './errors.js';
import type { ConditionBlock, PolicyDocument, PrincipalBlock, Statement } from './types.js';
import { PolicyTrimError } from '../errors.js';

/** Versions IAM accepts. `2008-10-17` does not substitute policy variables. */
export const POLICY_VERSIONS = ['2012-10-17', '2008-10-17'] as const;

const TOP_KEYS = ['Version', 'Id', 'Statement'];
const STATEMENT_KEYS = ['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];

/** Options of `parsePolicyDocument`. */
export interface ParseOptions {
  kind?: PolicyDocument['kind'];
  /** Force the text format; by default text starting with `{` or `[` is read as JSON, anything else as YAML. */
  format?: 'json' | 'yaml';
}

/** Turns YAML text into a plain value; throws (any error but {@link YamlNeeded}) on invalid YAML. */
export type YamlReader = (text: string) => unknown;

/**
 * Thrown by a {@link YamlReader} that reads no YAML (`parse-json.ts`): passed through to the caller, never turned
 * into a `PolicyError`.
 */
export class YamlNeeded extends PolicyTrimError {
  constructor() {
    // A signal between the JSON-only reader and its caller, never shown: if it ever were, it is a bug.
    super({ code: 'yaml-needed', message: 'this document needs the YAML reader (core/policy/parse.ts)', source: 'tool' });
  }
}

/**
 * Turn JSON or YAML text into a plain value. Throws `PolicyError` (`invalid-syntax`) naming the document and,
 * when known, the line and column.
 */
export function readPolicyText(parseYaml: YamlReader, text: string, name: string, format?: 'json' | 'yaml'): unknown {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  const loc: PolicyErrorLocation = { document: name };
  if (trimmed === '') throw new PolicyError('invalid-syntax', loc, 'the document is empty; give it a JSON or YAML policy document');
  const looksJson = format === 'json' || (format === undefined && (trimmed.startsWith('{') || trimmed.startsWith('[')));
  if (looksJson) {
    try {
      return JSON.parse(trimmed);
    } catch (e) {
      if (format === 'json') {
        throw new PolicyError('invalid-syntax', loc, `not valid JSON (${(e as Error).message}); fix the syntax or check the file is a policy document`);
      }
      // JSON-looking text that JSON rejects might still be YAML flow style (unquoted keys); try that, but
      // report the JSON error, which is what the author most likely meant.
      try {
        return parseYaml(trimmed);
      } catch (y) {
        if (y instanceof YamlNeeded) throw y;
        throw new PolicyError('invalid-syntax', loc, `not valid JSON (${(e as Error).message}); fix the syntax or check the file is a policy document`);
      }
    }
  }
  try {
    return parseYaml(trimmed);
  } catch (e) {
    if (e instanceof YamlNeeded) throw e;
    const msg = (e as Error).message.split('\n')[0];
    throw new PolicyError('invalid-syntax', loc, `not valid YAML (${msg}); fix the syntax or check the file is a policy document`);
  }
}

/**
 * Parse one identity policy document. `input` is JSON/YAML text or an already-parsed value; `name` says where
 * it came from (file path, `inline:NAME`, a managed policy ARN) and appears in every error.
 * Throws `PolicyError` on the first problem found.
 */
export function readPolicyDocument(parseYaml: YamlReader, input: string | unknown, name: string, options: ParseOptions = {}): PolicyDocument {
  const value = typeof input === 'string' ? readPolicyText(parseYaml, input, name, options.format) : input;
  const loc: PolicyErrorLocation = { document: name };
  if (!isPlainObject(value)) {
    throw new PolicyError('not-an-object', loc, `the document must be an object with "Version" and "Statement", got ${describeType(value)}`);
  }
  for (const key of Object.keys(value)) {
    if (!TOP_KEYS.includes(key)) {
      throw new PolicyError('unknown-key', loc, `unknown top-level key "${key}"${suggestKey(key, TOP_KEYS)}; a policy document has only Version, Id and Statement`);
    }
  }
  const doc: PolicyDocument = { name, statements: [] };
  if (value.Version !== undefined) {
    if (typeof value.Version !== 'string' || !(POLICY_VERSIONS as readonly string[]).includes(value.Version)) {
      throw new PolicyError('bad-version', loc, `Version ${JSON.stringify(value.Version)} is not one IAM accepts; use "2012-10-17" (quote it in YAML)`);
    }
    doc.version = value.Version;
  }
  if (value.Id !== undefined) {
    if (typeof value.Id !== 'string') throw new PolicyError('bad-value', loc, `Id must be a string, got ${describeType(value.Id)}`);
    doc.id = value.Id;
  }
  if (options.kind) doc.kind = options.kind;
  const st = value.Statement;
  if (st === undefined || st === null) {
    throw new PolicyError('missing-statement', loc, 'no "Statement"; add a Statement object or array');
  }
  if (Array.isArray(st)) {
    if (st.length === 0) throw new PolicyError('missing-statement', loc, '"Statement" is an empty array; add at least one statement');
    doc.statements = st.map((s, i) => parseStatement(s, { document: name, statementIndex: i }));
  } else {
    doc.singleStatementObject = true;
    doc.statements = [parseStatement(st, { document: name, statementIndex: 0 })];
  }
  return doc;
}

function parseStatement(raw: unknown, loc: PolicyErrorLocation): Statement {
  if (!isPlainObject(raw)) {
    throw new PolicyError('not-an-object', loc, `a statement must be an object, got ${describeType(raw)}`);
  }
  if (raw.Sid !== undefined) {
    if (typeof raw.Sid !== 'string') throw new PolicyError('bad-value', loc, `Sid must be a string, got ${describeType(raw.Sid)}`);
    loc = { ...loc, sid: raw.Sid };
  }
  for (const key of Object.keys(raw)) {
    if (!STATEMENT_KEYS.includes(key)) {
      throw new PolicyError('unknown-key', loc, `unknown key "${key}"${suggestKey(key, STATEMENT_KEYS)}; a statement has only ${STATEMENT_KEYS.join(', ')}`);
    }
  }
  if (raw.Effect === undefined) throw new PolicyError('missing-effect', loc, 'no "Effect"; add "Effect": "Allow" or "Effect": "Deny"');
  if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny') {
    throw new PolicyError('bad-effect', loc, `Effect ${JSON.stringify(raw.Effect)} is neither "Allow" nor "Deny" (IAM spells them exactly so)`);
  }
  const s: Statement = { effect: raw.Effect };
  if (raw.Sid !== undefined) s.sid = raw.Sid as string;

  if (raw.Action !== undefined && raw.NotAction !== undefined) {
    throw new PolicyError('action-and-notaction', loc, 'has both "Action" and "NotAction"; keep one (split the statement if you need both)');
  }
  if (raw.Action === undefined && raw.NotAction === undefined) {
    throw new PolicyError('missing-action', loc, 'has neither "Action" nor "NotAction"; add the actions it grants or denies, e.g. "Action": "s3:GetObject"');
  }
  if (raw.Action !== undefined) s.action = stringList(raw.Action, 'Action', loc).map((a) => checkAction(a, 'Action', loc));
  if (raw.NotAction !== undefined) s.notAction = stringList(raw.NotAction, 'NotAction', loc).map((a) => checkAction(a, 'NotAction', loc));

  if (raw.Resource !== undefined && raw.NotResource !== undefined) {
    throw new PolicyError('resource-and-notresource', loc, 'has both "Resource" and "NotResource"; keep one');
  }
  if (raw.Principal !== undefined && raw.NotPrincipal !== undefined) {
    throw new PolicyError('principal-and-notprincipal', loc, 'has both "Principal" and "NotPrincipal"; keep one');
  }
  if (raw.Resource !== undefined) s.resource = stringList(raw.Resource, 'Resource', loc).map((r) => checkResource(r, 'Resource', loc));
  if (raw.NotResource !== undefined) s.notResource = stringList(raw.NotResource, 'NotResource', loc).map((r) => checkResource(r, 'NotResource', loc));
  if (raw.Principal !== undefined) s.principal = parsePrincipal(raw.Principal, 'Principal', loc);
  if (raw.NotPrincipal !== undefined) s.notPrincipal = parsePrincipal(raw.NotPrincipal, 'NotPrincipal', loc);
  // Resource policies name a principal and may omit Resource (it is the resource they are attached to);
  // identity policies must say which resources.
  if (s.resource === undefined && s.notResource === undefined && s.principal === undefined && s.notPrincipal === undefined) {
    throw new PolicyError('missing-resource', loc, 'has neither "Resource" nor "NotResource"; identity policies need one, e.g. "Resource": "*"');
  }
  if (raw.Condition !== undefined) s.condition = parseCondition(raw.Condition, loc);
  return s;
}

function stringList(v: unknown, field: string, loc: PolicyErrorLocation): string[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) throw new PolicyError('empty-list', loc, `"${field}" is an empty list; give at least one value or remove the statement`);
  return list.map((x, i) => {
    if (typeof x !== 'string') {
      const where = Array.isArray(v) ? `${field}[${i}]` : field;
      throw new PolicyError('bad-value', loc, `${where} must be a string, got ${describeType(x)} ${JSON.stringify(x)}; quote it`);
    }
    if (x === '') throw new PolicyError('bad-value', loc, `"${field}" holds an empty string; remove it`);
    return x;
  });
}

function checkAction(a: string, field: string, loc: PolicyErrorLocation): string {
  // `*` alone, or `prefix:pattern` (IAM rejects actions without a service prefix).
  if (/^\*+$/.test(a)) return a;
  if (!/^[A-Za-z0-9*?-]+:[A-Za-z0-9*?_-]*$/.test(a)) {
    const hint = a.includes(':') ? 'use "service:Action" with letters, digits, * and ?' : `add the service prefix, e.g. "s3:${a}"`;
    throw new PolicyError('bad-action', loc, `${field} "${a}" is not an IAM action; ${hint}`);
  }
  return a;
}

function checkResource(r: string, field: string, loc: PolicyErrorLocation): string {
  if (/^\*+$/.test(r) || r.startsWith('arn:') || r.startsWith('${')) return r;
  throw new PolicyError('bad-resource', loc, `${field} "${r}" is neither "*" nor an ARN; write the full ARN, e.g. "arn:aws:s3:::${r}"`);
}

function parsePrincipal(v: unknown, field: string, loc: PolicyErrorLocation): PrincipalBlock {
  if (v === '*') return '*';
  if (!isPlainObject(v)) throw new PolicyError('bad-principal', loc, `${field} must be "*" or an object such as {"AWS": "arn:aws:iam::123456789012:root"}`);
  const out: Record<string, string[]> = {};
  for (const [kind, values] of Object.entries(v)) {
    const list = Array.isArray(values) ? values : [values];
    if (list.length === 0 || list.some((x) => typeof x !== 'string')) {
      throw new PolicyError('bad-principal', loc, `${field}.${kind} must be a string or a list of strings`);
    }
    out[kind] = list as string[];
  }
  return out;
}

function parseCondition(v: unknown, loc: PolicyErrorLocation): ConditionBlock {
  if (!isPlainObject(v)) throw new PolicyError('bad-condition', loc, `Condition must be an object of operator → key → values, got ${describeType(v)}`);
  const out: ConditionBlock = {};
  for (const [op, keys] of Object.entries(v)) {
    if (!isPlainObject(keys)) {
      throw new PolicyError('bad-condition', loc, `Condition operator "${op}" must map condition keys to values, e.g. {"${op}": {"aws:SourceVpc": "vpc-1"}}`);
    }
    const block: Record<string, string[]> = {};
    for (const [key, values] of Object.entries(keys)) {
      const list = Array.isArray(values) ? values : [values];
      if (list.length === 0) throw new PolicyError('bad-condition', loc, `Condition ${op} "${key}" has no values; give at least one`);
      block[key] = list.map((x) => {
        // IAM compares condition values as strings: booleans and numbers are written either way.
        if (typeof x === 'string') return x;
        if (typeof x === 'boolean' || typeof x === 'number') return String(x);
        throw new PolicyError('bad-condition', loc, `Condition ${op} "${key}" holds ${describeType(x)}; values must be strings, numbers or booleans`);
      });
    }
    out[op] = block;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

function suggestKey(key: string, known: string[]): string {
  const hit = known.find((k) => k.toLowerCase() === key.toLowerCase());
  return hit ? ` (did you mean "${hit}"? keys are case-sensitive)` : '';
}

/** One input of `parsePolicySet`. */
export interface PolicyInput {
  name: string;
  /** JSON/YAML text or an already-parsed value. */
  content: string | unknown;
  kind?: PolicyDocument['kind'];
}

/** Result of `parsePolicySet`: the documents read and the errors of those that could not be. */
export interface PolicySetResult {
  documents: PolicyDocument[];
  errors: PolicyError[];
}

/**
 * Parse several documents (a role's inline and managed policies). A bad document does not stop the others:
 * its error is collected and returned, never dropped.
 */
export function readPolicySet(parseYaml: YamlReader, inputs: PolicyInput[]): PolicySetResult {
  const documents: PolicyDocument[] = [];
  const errors: PolicyError[] = [];
  for (const input of inputs) {
    try {
      documents.push(readPolicyDocument(parseYaml, input.content, input.name, { kind: input.kind }));
    } catch (e) {
      if (e instanceof PolicyError) errors.push(e);
      else throw e;
    }
  }
  return { documents, errors };
}

/**
 * Parse the content of a policy file, which may be a policy document or the output of the AWS CLI:
 * `aws iam get-role-policy` (`{RoleName, PolicyName, PolicyDocument}`, the document as an object or as
 * URL-encoded JSON text, as the raw API returns it) or `aws iam get-policy-version` (`{PolicyVersion: {Document}}`).
 * Returns one document; its name is `name`, plus `#PolicyName` for get-role-policy output.
 */
export function readPolicyFileContent(parseYaml: YamlReader, text: string, name: string, options: ParseOptions = {}): PolicyDocument {
  const value = readPolicyText(parseYaml, text, name, options.format);
  if (isPlainObject(value)) {
    if ('PolicyDocument' in value && !('Statement' in value)) {
      const docName = typeof value.PolicyName === 'string' ? `${name}#${value.PolicyName}` : name;
      return readPolicyDocument(parseYaml, decodeEmbedded(parseYaml, value.PolicyDocument, docName), docName, { ...options, kind: 'inline' });
    }
    if (isPlainObject(value.PolicyVersion) && 'Document' in value.PolicyVersion && !('Statement' in value)) {
      return readPolicyDocument(parseYaml, decodeEmbedded(parseYaml, value.PolicyVersion.Document, name), name, options);
    }
  }
  return readPolicyDocument(parseYaml, value, name, options);
}

/** An embedded document may be an object, JSON text, or URL-encoded JSON text (the raw IAM API form). */
function decodeEmbedded(parseYaml: YamlReader, v: unknown, name: string): unknown {
  if (typeof v !== 'string') return v;
  let text = v;
  if (/^\s*%7B/i.test(text)) {
    try {
      text = decodeURIComponent(text.replace(/\+/g, '%20'));
    } catch {
      throw new PolicyError('invalid-syntax', { document: name }, 'the embedded PolicyDocument looks URL-encoded but does not decode; export it again with the AWS CLI');
    }
  }
  return readPolicyText(parseYaml, text, name);
}
