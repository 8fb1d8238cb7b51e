/**
 * Helpers for the Terraform editor tests: statements written with `{{key}}` in place of reference tokens (so
 * expected values read like the file), edits built from a read, and the lines a write changed.
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Statement } from '../../src/core/policy/types.js';
import { REFERENCE_TOKEN, referenceToken, type IacReference, type ReferenceTable, type SiteEdit, type SiteGrants } from '../../src/core/iac/types.js';

/** test/iac/fixtures/terraform. */
export const FIXTURES = join(import.meta.dirname, 'fixtures', 'terraform');

/** `UPDATE_GOLDEN=1` rewrites the golden after-files (review the diff by hand). */
export const UPDATE = process.env.UPDATE_GOLDEN === '1';

/** A fixture file's text. */
export function fixture(...path: string[]): string {
  return readFileSync(join(FIXTURES, ...path), 'utf8');
}

/** Compare `actual` with a golden file, or write it under UPDATE_GOLDEN=1. */
export function golden(actual: string, ...path: string[]): string {
  if (UPDATE) writeFileSync(join(FIXTURES, ...path), actual);
  return fixture(...path);
}

/** Every string of a statement through `f`. */
export function mapStatement(st: Statement, f: (s: string) => string): Statement {
  const out: Statement = { effect: st.effect };
  const list = (xs: string[] | undefined) => xs?.map(f);
  const principal = (p: Statement['principal']) => (p === undefined || p === '*' ? p : Object.fromEntries(Object.entries(p).map(([k, v]) => [f(k), v.map(f)])));
  if (st.sid !== undefined) out.sid = f(st.sid);
  for (const k of ['action', 'notAction', 'resource', 'notResource'] as const) if (st[k] !== undefined) out[k] = list(st[k]);
  if (st.condition !== undefined) {
    out.condition = Object.fromEntries(Object.entries(st.condition).map(([op, keys]) => [op, Object.fromEntries(Object.entries(keys).map(([k, vs]) => [f(k), vs.map(f)]))]));
  }
  if (st.principal !== undefined) out.principal = principal(st.principal);
  if (st.notPrincipal !== undefined) out.notPrincipal = principal(st.notPrincipal);
  return out;
}

/** A string with each token as `{{key}}`. */
export function keyed(value: string, refs: ReferenceTable): string {
  return value.replace(REFERENCE_TOKEN, (_, i: string) => `{{${refs[Number(i)]!.key}}}`);
}

/** Statements with each token as `{{key}}`. */
export function keyedStatements(statements: Statement[], refs: ReferenceTable): Statement[] {
  return statements.map((s) => mapStatement(s, (v) => keyed(v, refs)));
}

/** `{{key}}` → the token of that key in `refs` (a key not there is added, written as the key). */
export function unkey(value: string, refs: IacReference[]): string {
  return value.replace(/\{\{([^}]+)\}\}/g, (_, key: string) => {
    let i = refs.findIndex((r) => r.key === key);
    if (i < 0) i = refs.push({ key, written: key }) - 1;
    return referenceToken(i);
  });
}

/** An edit of a read: statements and attachments written with `{{key}}`. */
export function editOf(g: SiteGrants, statements: Statement[], attachments: string[] = []): SiteEdit {
  const references = [...g.references];
  return {
    statements: statements.map((s) => mapStatement(s, (v) => unkey(v, references))),
    attachments: attachments.map((a) => ({ policy: unkey(a, references) })),
    templates: [],
    references,
  };
}

/**
 * The 1-based lines of `before` a write replaced: the lines between the common first and last lines of the
 * two texts (undefined when nothing changed).
 */
export function changedLines(before: string, after: string): { first: number; last: number } | undefined {
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  if (head === a.length && head === b.length) return undefined;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  return { first: head + 1, last: a.length - tail };
}
