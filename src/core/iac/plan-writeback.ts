/**
 * Writing a trimmed statement back in the site's references (issue 10 §2: "a reference is never replaced by a
 * literal ARN unless the user asks"). The suggestion speaks in resolved literals; each literal that is the
 * resolved value of a string of the original statement goes back as that string (`!GetAtt Orders.Arn`), and a
 * resource that starts with a reference's value followed by a path (`arn:aws:s3:::orders` + `/receipts/*`) goes
 * back as the reference plus the path (`${aws_s3_bucket.orders.arn}/receipts/*`). Anything else is written as a
 * literal and reported. With `--inline-resolved` the literals are written as they are.
 */

import type { Statement } from '../policy/types.js';
import { hasToken, mapStatementStrings, statementStrings } from './plan-resolve.js';
import { resolveTokens } from './resolve.js';
import type { ReferenceValues } from './plan-types.js';
import { REFERENCE_TOKEN, referenceToken, type ReferenceTable } from './types.js';

/** The site a statement is written back to: its reference table and the values the references resolve to. */
export interface WriteBackSite {
  table: ReferenceTable;
  values: ReferenceValues;
  inlineResolved: boolean;
}

/** A statement as it is to be written, and the resources written as literals although a reference could not be kept. */
export interface WrittenBack {
  statement: Statement;
  literals: string[];
}

/** A resolved value's beginning that a reference (and the literal text around it) spells. */
interface Prefix {
  value: string;
  tokens: string;
}

/**
 * `statement` (resolved) in the terms of the site: see the module comment. `original` is the statement it
 * replaces, in tokens of `site.table` (absent for statements that come from a managed policy or elsewhere).
 */
export function writeBack(statement: Statement, original: Statement | undefined, site: WriteBackSite): WrittenBack {
  if (site.inlineResolved) return { statement, literals: [] };
  const exact = exactForms(original, site);
  const prefixes = prefixForms(original, site);
  const referenced = original !== undefined && [...(original.resource ?? []), ...(original.notResource ?? [])].some(hasToken);
  const literals: string[] = [];
  const out = mapStatementStrings(statement, (value, field) => {
    if (hasToken(value)) return value;
    const whole = exact.get(value);
    if (whole !== undefined) return whole;
    if (field !== 'resource') return value;
    const prefix = prefixes.find((p) => value.startsWith(p.value) && boundary(value.slice(p.value.length)));
    if (prefix) return prefix.tokens + value.slice(prefix.value.length);
    if (referenced && value !== '*') literals.push(value);
    return value;
  });
  return { statement: out, literals };
}

/** Resolved value → the original's string with references, for each string of the original that has one. */
function exactForms(original: Statement | undefined, site: WriteBackSite): Map<string, string> {
  const exact = new Map<string, string>();
  for (const written of original ? statementStrings(original) : []) {
    if (!hasToken(written)) continue;
    const value = resolveTokens(written, site.table, site.values).text;
    if (!hasToken(value) && !exact.has(value)) exact.set(value, written);
  }
  return exact;
}

/**
 * The beginnings a resource may keep as references, longest value first: each original resource up to the end of
 * its last reference (`arn:aws:s3:::${Bucket}` of `arn:aws:s3:::${Bucket}/*`), then every reference of the site
 * whose value is a whole ARN.
 */
function prefixForms(original: Statement | undefined, site: WriteBackSite): Prefix[] {
  const out: Prefix[] = [];
  for (const written of [...(original?.resource ?? []), ...(original?.notResource ?? [])]) {
    const ends = [...written.matchAll(REFERENCE_TOKEN)].map((m) => m.index + m[0].length);
    if (ends.length === 0) continue;
    const tokens = written.slice(0, ends[ends.length - 1]);
    const value = resolveTokens(tokens, site.table, site.values).text;
    if (!hasToken(value)) out.push({ value, tokens });
  }
  site.table.forEach((ref, i) => {
    const value = site.values.get(ref.key);
    if (value?.startsWith('arn:')) out.push({ value, tokens: referenceToken(i) });
  });
  // Stable sort: among equal lengths the original's own spelling comes first.
  return out.sort((a, b) => b.value.length - a.value.length);
}

/** What may follow a reference's value for the reference to stand for it: nothing, or a path, a part or a wildcard. */
function boundary(rest: string): boolean {
  return rest === '' || /^[/:*]/.test(rest);
}
