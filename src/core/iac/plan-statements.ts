/**
 * Trimming one statement where it is written (issue 10 §2): the suggestion for a document holding only that
 * statement replaces it, so each site keeps a subset of what it granted. The union of the sites then never
 * grants more than before, and every call a statement certainly allowed stays allowed by what replaced it
 * (`suggest` proves both for each statement).
 *
 * A statement is given to the suggestion with its references resolved. One whose resources still hold an
 * unresolved reference is trimmed at action level only: the suggestion for a copy on `*` says which actions
 * the role used or may have used, and the statement keeps those, its resources exactly as written.
 */

import type { PolicyDocument, Statement } from '../policy/types.js';
import type { SuggestResult } from '../trim/suggest.js';
import { hasToken, resolveStatement } from './plan-resolve.js';
import type { ReferenceValues } from './plan-types.js';
import type { ReferenceTable } from './types.js';

/** The catalog's reading of an action pattern: the ids of every action it matches (none for an unknown name). */
export type ActionExpander = (pattern: string) => readonly string[];

/** What trimming a statement needs from the plan. */
export interface StatementTrimmer {
  suggestFor(documents: PolicyDocument[]): SuggestResult;
  values: ReferenceValues;
  /**
   * Expands action patterns, so a trim that grants what the statement grants (`s3:Get*` against the list of
   * what it matches) is seen as no change and the statement keeps its bytes; without it, lists compare as text.
   */
  expand?: ActionExpander;
}

/**
 * What becomes of one statement: `keep` (the original object, so the editor keeps its bytes), or the
 * statements that replace it, resolved (literal strings; `writeBack` turns them into the site's references).
 */
export type StatementOutcome =
  | { kind: 'keep'; why?: string }
  | { kind: 'replace'; statements: Statement[] }
  /** Action-level trim of a statement with unresolved resources: the original, with these actions only. */
  | { kind: 'actions'; statement: Statement };

/** Trim `original` (tokens indexing `table`); `name` names the one-statement document given to the suggestion. */
export function trimStatement(original: Statement, table: ReferenceTable, trimmer: StatementTrimmer, name: string): StatementOutcome {
  if (original.effect === 'Deny') return { kind: 'keep' };
  const { statement: resolved } = resolveStatement(original, table, trimmer.values);
  const actions = [...(resolved.action ?? []), ...(resolved.notAction ?? [])];
  if (actions.some(hasToken)) return { kind: 'keep', why: 'its actions are written with a reference' };
  const resources = [...(resolved.resource ?? []), ...(resolved.notResource ?? [])];
  if (resources.some(hasToken)) return trimActionsOnly(original, resolved, trimmer, name);
  const out = suggestedStatements(resolved, trimmer, name);
  if (sameGrant(out, [resolved], trimmer.expand)) return { kind: 'keep' };
  return { kind: 'replace', statements: out.map((s) => shaped(s, original)) };
}

function suggestedStatements(statement: Statement, trimmer: StatementTrimmer, name: string): Statement[] {
  const doc: PolicyDocument = { name, version: '2012-10-17', statements: [statement], kind: 'inline' };
  return trimmer.suggestFor([doc]).documents.flatMap((d) => d.statements);
}

/**
 * The action-level trim: the suggestion for the statement on `*` keeps the actions used anywhere (or kept for
 * another reason); the original keeps those with its resources as written. A NotAction statement, or a
 * suggestion that is not plain Allow statements, leaves the statement as it is.
 */
function trimActionsOnly(original: Statement, resolved: Statement, trimmer: StatementTrimmer, name: string): StatementOutcome {
  const why = 'its resources hold a reference that is not resolved';
  if (original.action === undefined) return { kind: 'keep', why };
  const copy: Statement = { ...resolved, resource: ['*'] };
  delete copy.notResource;
  const out = suggestedStatements(copy, trimmer, name);
  if (out.some((s) => s.effect !== 'Allow' || s.action === undefined)) return { kind: 'keep', why };
  const kept = uniqueActions(out.flatMap((s) => s.action ?? []));
  if (sameActions(kept, resolved.action ?? original.action, trimmer.expand)) return { kind: 'keep', why };
  // Nothing of it was used or kept for another reason: the statement goes, whatever its resources stand for.
  if (kept.length === 0) return { kind: 'replace', statements: [] };
  return { kind: 'actions', statement: { ...original, action: orderLike(kept, original.action, (a) => a.toLowerCase()) } };
}

function uniqueActions(actions: string[]): string[] {
  const seen = new Set<string>();
  return actions.filter((a) => !seen.has(a.toLowerCase()) && seen.add(a.toLowerCase()));
}

/** Whether two action lists grant the same actions (see {@link grantedActions}). */
function sameActions(a: readonly string[], b: readonly string[], expand?: ActionExpander): boolean {
  const text = (xs: readonly string[]) => xs.map((v) => v.toLowerCase());
  if (equalSets(text(a), text(b))) return true;
  return expand !== undefined && equalSets([...grantedActions(a, expand)], [...grantedActions(b, expand)]);
}

/**
 * The actions a list grants, lower-cased: each pattern's catalog matches. A name the catalog does not know (a
 * newer action, a typo) stands for itself, so two lists that differ in one never compare equal.
 */
export function grantedActions(patterns: readonly string[], expand?: ActionExpander): Set<string> {
  const out = new Set<string>();
  for (const p of patterns) {
    const ids = expand?.(p) ?? [];
    if (ids.length === 0) out.add(p.toLowerCase());
    for (const id of ids) out.add(id.toLowerCase());
  }
  return out;
}

/**
 * A replacement statement in the original's terms: the original's Sid (none when it had none), and kept list items in the original's order so the diff shows only what went.
 */
function shaped(s: Statement, original: Statement): Statement {
  const out: Statement = { ...s };
  delete out.sid;
  // Every part keeps the Sid; uniqueSids (plan-site.ts) numbers the repeats once the site's statements are known.
  if (original.sid !== undefined) out.sid = original.sid;
  if (out.action) out.action = orderLike(out.action, original.action ?? [], (a) => a.toLowerCase());
  if (out.resource) out.resource = orderLike(out.resource, original.resource ?? [], (r) => r);
  if (out.notResource) out.notResource = orderLike(out.notResource, original.notResource ?? [], (r) => r);
  return out;
}

/** `values` with those found in `reference` first, in its order, then the others as they came. */
export function orderLike(values: string[], reference: readonly string[], key: (v: string) => string): string[] {
  const rank = new Map(reference.map((v, i) => [key(v), i]));
  const known = values.filter((v) => rank.has(key(v))).sort((a, b) => rank.get(key(a))! - rank.get(key(b))!);
  return [...known, ...values.filter((v) => !rank.has(key(v)))];
}

/**
 * Whether two lists of statements grant the same: the same (effect, condition, action, resource) tuples when
 * every statement is a plain Action/Resource one (so a statement the suggestion split or merged without
 * removing anything counts as unchanged), actions read through `expand` when given (a pattern and the list of
 * what it matches grant the same); otherwise the same statements up to Sid and list order.
 */
export function sameGrant(a: readonly Statement[], b: readonly Statement[], expand?: ActionExpander): boolean {
  const asText = (xs: readonly string[]) => new Set(xs.map((x) => x.toLowerCase()));
  const ta = grantTuples(a, asText);
  const tb = grantTuples(b, asText);
  if (ta && tb && equalSets(ta, tb)) return true;
  if (ta && tb && expand) return equalSets(grantTuples(a, (xs) => grantedActions(xs, expand))!, grantTuples(b, (xs) => grantedActions(xs, expand))!);
  if (ta && tb) return false;
  return equalSets(a.map(canonicalStatement), b.map(canonicalStatement));
}

function grantTuples(statements: readonly Statement[], actions: (patterns: readonly string[]) => Set<string>): string[] | undefined {
  const out: string[] = [];
  for (const s of statements) {
    if (!s.action || s.notResource || s.principal || s.notPrincipal) return undefined;
    const head = `${s.effect}\u0000${canonical(s.condition)}`;
    for (const a of actions(s.action)) for (const r of s.resource ?? ['*']) out.push(`${head}\u0000${a}\u0000${r}`);
  }
  return out;
}

/** A statement as a comparable string: no Sid, lists sorted, actions lower-cased, blocks' keys sorted. */
export function canonicalStatement(s: Statement): string {
  const sortedLower = (xs?: string[]) => xs && [...new Set(xs.map((x) => x.toLowerCase()))].sort();
  const sorted = (xs?: string[]) => xs && [...new Set(xs)].sort();
  return JSON.stringify([s.effect, sortedLower(s.action), sortedLower(s.notAction), sorted(s.resource), sorted(s.notResource), canonical(s.condition), canonical(s.principal), canonical(s.notPrincipal)]);
}

/** A JSON value with object keys sorted and string lists sorted (their order has no meaning in a policy). */
function canonical(value: unknown): string {
  const norm = (v: unknown): unknown => {
    if (Array.isArray(v)) return [...v].map(norm).sort();
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([k, x]) => [k, norm(x)]));
  };
  return JSON.stringify(norm(value) ?? null);
}

function equalSets(a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((v) => y.has(v));
}
