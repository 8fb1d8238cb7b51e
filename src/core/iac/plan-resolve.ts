/**
 * The planner's view of references (issue 10 §2): a site's policy strings carry reference tokens (indexes into
 * the site's table); the planner resolves those whose key has a value, and spells the rest as opaque symbols that
 * are unique across the role's files, so two sites' "token 0" never compare equal by accident.
 * Tokens are resolved by `resolve.ts`'s `resolveTokens`: each token whose key has a value becomes the value,
 * the others stay tokens.
 */

import { InvariantError } from '../errors.js';
import type { ConditionBlock, Statement } from '../policy/types.js';
import type { ReferenceValues } from './plan-types.js';
import { resolveTokens } from './resolve.js';
import { REFERENCE_TOKEN, type GrantSite, type IacReference, type ReferenceTable } from './types.js';


/** Every string of a statement through `f` (the statement's shape is kept; Sid and Effect are not strings to map). */
export function mapStatementStrings(st: Statement, f: (value: string, field: 'action' | 'resource' | 'condition') => string): Statement {
  const out: Statement = { ...st };
  if (st.action) out.action = st.action.map((v) => f(v, 'action'));
  if (st.notAction) out.notAction = st.notAction.map((v) => f(v, 'action'));
  if (st.resource) out.resource = st.resource.map((v) => f(v, 'resource'));
  if (st.notResource) out.notResource = st.notResource.map((v) => f(v, 'resource'));
  if (st.condition) out.condition = mapCondition(st.condition, (v) => f(v, 'condition'));
  return out;
}

function mapCondition(block: ConditionBlock, f: (v: string) => string): ConditionBlock {
  return Object.fromEntries(Object.entries(block).map(([op, keys]) => [op, Object.fromEntries(Object.entries(keys).map(([k, vs]) => [k, vs.map(f)]))]));
}

/** Every string of a statement, in field order. */
export function statementStrings(st: Statement): string[] {
  const out: string[] = [];
  mapStatementStrings(st, (v) => {
    out.push(v);
    return v;
  });
  return out;
}

/** A statement resolved: tokens with a value replaced, the others kept (with the references they stand for). */
export function resolveStatement(st: Statement, table: ReferenceTable, values: ReferenceValues): { statement: Statement; unresolved: IacReference[] } {
  const unresolved: IacReference[] = [];
  const statement = mapStatementStrings(st, (v) => {
    const r = resolveTokens(v, table, values);
    for (const u of r.unresolved) if (!unresolved.some((x) => x.key === u.key)) unresolved.push(u);
    return r.text;
  });
  return { statement, unresolved };
}

/**
 * The opaque symbol of an unresolved reference in the planner's documents (`granted`, `trimmed`): the token's
 * brackets around the file and the key, so the symbol is unique per file and meaning and, like a token, holds
 * characters no IAM policy can, and no `${` that the policy engine would read as a policy variable.
 */
export function opaqueSymbol(file: string, ref: IacReference): string {
  return `\uE000${file}#${ref.key}\uE001`;
}

/** Every opaque symbol in a string (see {@link opaqueSymbol}). */
const OPAQUE_SYMBOLS = /\uE000[^\uE001]*\uE001/g;

/** Whether a string of the planner's documents holds an unresolved reference's opaque symbol. */
export function hasOpaqueSymbol(value: string): boolean {
  return value.includes('\uE000');
}

/** The string with each opaque symbol read as `*`: what an unresolved reference may stand for. */
export function symbolsAsWildcards(value: string): string {
  return value.replace(OPAQUE_SYMBOLS, '*');
}

/** A resolved string (site tokens left for unresolved references) with each token spelled as its opaque symbol. */
export function toSymbols(value: string, table: ReferenceTable, site: GrantSite): string {
  return value.replace(REFERENCE_TOKEN, (_m, index: string) => {
    const ref = table[Number(index)];
    if (!ref) throw new InvariantError(`reference token ${index} has no entry in the site's reference table`);
    return opaqueSymbol(site.file, ref);
  });
}

/** A statement with its strings resolved and the remaining tokens spelled as opaque symbols. */
export function symbolicStatement(st: Statement, table: ReferenceTable, values: ReferenceValues, site: GrantSite): Statement {
  return mapStatementStrings(st, (v) => toSymbols(resolveTokens(v, table, values).text, table, site));
}

/** A string with each token spelled by its reference's key: equal for two tables that mean the same thing. */
export function byKey(value: string, table: ReferenceTable): string {
  return value.replace(REFERENCE_TOKEN, (_m, i: string) => `\u27E8${table[Number(i)]?.key ?? `?${i}`}\u27E9`);
}

/** Whether a string still holds a token of a site's table (not an opaque symbol). */
export function hasToken(value: string): boolean {
  return new RegExp(REFERENCE_TOKEN.source).test(value);
}
