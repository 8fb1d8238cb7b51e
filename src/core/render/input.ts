/**
 * What `render` reads: a policy file as `parsePolicyFileContent` reads it, and also what `render` and `suggest`
 * print — several documents in one file (a JSON array, or YAML documents separated by `---`) and a document
 * without statements. Pure: the caller reads the file.
 */

import { PolicyError } from '../policy/errors.js';
import { parsePolicyDocument, parsePolicyFileContent, parsePolicyText, type ParseOptions } from '../policy/parse.js';
import type { PolicyDocument } from '../policy/types.js';
import { PolicyTextError } from './parse-jsonencode.js';

/** A line that starts a YAML document (YAML 1.2 §9.1.2: `---` at the start of a line is always a marker). */
const YAML_DOCUMENT_START = /^---(?=[ \t]|$)/m;

/**
 * Read the documents of one file. `name` names the file in errors and documents; when the file holds several
 * documents, the n-th (from 1) is named `NAME#n`. Throws the parser's `PolicyError`, or `PolicyTextError` for an
 * empty list of documents.
 */
export function parseRenderInput(text: string, name: string, options: ParseOptions = {}): PolicyDocument[] {
  const body = text.replace(/^\uFEFF/, '').trim();
  const json = options.format === 'json' || (options.format === undefined && (body.startsWith('{') || body.startsWith('[')));
  if (json) {
    const value = parsePolicyText(body, name, options.format);
    if (Array.isArray(value)) {
      if (value.length === 0) throw new PolicyTextError(name, undefined, undefined, 'an empty list of policy documents; give at least one');
      return value.map((v, i) => parseDocument(v, value.length > 1 ? `${name}#${i + 1}` : name, options));
    }
    return [parseDocument(body, name, options)];
  }
  if (YAML_DOCUMENT_START.test(body)) {
    const parts = body.split(YAML_DOCUMENT_START).filter((part) => part.trim() !== '');
    if (parts.length > 1) return parts.map((part, i) => parseDocument(part, `${name}#${i + 1}`, { ...options, format: 'yaml' }));
  }
  return [parseDocument(body, name, options)];
}

/**
 * One document, from text (which may also be AWS CLI output) or a parsed value. A document whose `Statement` is
 * an empty list is refused by the policy parser, rightly for `suggest` (it grants nothing, and AWS may refuse to
 * store it); rendered, it is an empty `aws_iam_policy_document`, as iam-policy-json-to-terraform writes it.
 */
function parseDocument(input: string | unknown, name: string, options: ParseOptions): PolicyDocument {
  try {
    return typeof input === 'string' ? parsePolicyFileContent(input, name, options) : parsePolicyDocument(input, name, options);
  } catch (e) {
    const value = typeof input === 'string' ? parsePolicyText(input, name, options.format) : input;
    if (!(e instanceof PolicyError) || e.code !== 'missing-statement' || !hasEmptyStatementList(value)) throw e;
    // The parser checks the keys, Version and Id before it reaches Statement: they are valid here.
    return withoutStatements(value, name, options);
  }
}

function hasEmptyStatementList(value: unknown): value is { Version?: string; Id?: string; Statement: [] } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Array.isArray((value as { Statement?: unknown }).Statement) && (value as { Statement: unknown[] }).Statement.length === 0;
}

function withoutStatements(value: { Version?: string; Id?: string }, name: string, options: ParseOptions): PolicyDocument {
  const doc: PolicyDocument = { name, statements: [] };
  if (value.Version !== undefined) doc.version = value.Version;
  if (value.Id !== undefined) doc.id = value.Id;
  if (options.kind) doc.kind = options.kind;
  return doc;
}
