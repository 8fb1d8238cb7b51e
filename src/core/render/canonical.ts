/**
 * The canonical, ordered IAM document every renderer starts from.
 *
 * All renderers (JSON, YAML, Terraform jsonencode, Terraform data source) go through `canonicalStatement` so
 * that the same PolicyDocument always gives the same content in every format:
 * - lists (Action, Resource, principal identifiers, condition values) are sorted by UTF-16 code unit and exact
 *   duplicates removed: IAM treats them as sets, so neither changes meaning, and sorted lists keep PR diffs to
 *   real changes (README, "The safety contract", rule 5: deterministic);
 * - condition operators, condition keys and principal kinds are sorted the same way;
 * - statement order is kept as given (it does not change meaning, but people read it in that order).
 *
 * Single-element lists are always rendered as lists (`"Action": ["s3:GetObject"]`), never collapsed to a
 * string. IAM accepts both; always-a-list means one shape per element, so adding a second action changes one
 * line instead of the value's type, and tools such as jq can treat every element the same way. The one
 * exception is the `"*"` principal, which IAM writes as the bare string `"Principal": "*"` (a different thing
 * from `{"AWS": ["*"]}`), so it stays a string.
 */

import type { ConditionBlock, PolicyDocument, PrincipalBlock, Statement } from '../policy/types.js';

/** An ordered IAM value: a string, a list, or an object whose key order is the rendering order. */
export type IamNode = string | IamNode[] | IamObject;

/** An object with explicit key order (plain JS objects would put integer-like keys first). */
export class IamObject {
  constructor(readonly entries: Array<[string, IamNode]>) {}
}

/** Code-unit comparison: locale-independent, so output never depends on the machine's locale. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorted copy without exact duplicates. */
export function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort(compareCodeUnits);
}

function sortedKeys<T>(record: Record<string, T>): string[] {
  return Object.keys(record).sort(compareCodeUnits);
}

/** A statement with every list sorted and de-duplicated, and condition/principal keys in sorted order. */
export interface CanonicalStatement {
  sid?: string;
  effect: Statement['effect'];
  principal?: CanonicalPrincipal;
  notPrincipal?: CanonicalPrincipal;
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  /** Operators in sorted order, each with its keys in sorted order. */
  condition?: Array<{ operator: string; keys: Array<{ key: string; values: string[] }> }>;
}

/** `'*'` or kinds in sorted order with sorted identifiers. */
export type CanonicalPrincipal = '*' | Array<{ kind: string; identifiers: string[] }>;

function canonicalPrincipal(p: PrincipalBlock): CanonicalPrincipal {
  if (p === '*') return '*';
  return sortedKeys(p).map((kind) => ({ kind, identifiers: sortedUnique(p[kind] ?? []) }));
}

function canonicalCondition(c: ConditionBlock): CanonicalStatement['condition'] {
  return sortedKeys(c).map((operator) => {
    const byKey = c[operator] ?? {};
    return { operator, keys: sortedKeys(byKey).map((key) => ({ key, values: sortedUnique(byKey[key] ?? []) })) };
  });
}

/** Normalise one statement for rendering (see the module comment for the rules and why). */
export function canonicalStatement(s: Statement): CanonicalStatement {
  const out: CanonicalStatement = { effect: s.effect };
  if (s.sid !== undefined) out.sid = s.sid;
  if (s.principal !== undefined) out.principal = canonicalPrincipal(s.principal);
  if (s.notPrincipal !== undefined) out.notPrincipal = canonicalPrincipal(s.notPrincipal);
  if (s.action !== undefined) out.action = sortedUnique(s.action);
  if (s.notAction !== undefined) out.notAction = sortedUnique(s.notAction);
  if (s.resource !== undefined) out.resource = sortedUnique(s.resource);
  if (s.notResource !== undefined) out.notResource = sortedUnique(s.notResource);
  if (s.condition !== undefined) out.condition = canonicalCondition(s.condition);
  return out;
}

function principalNode(p: CanonicalPrincipal): IamNode {
  if (p === '*') return '*';
  return new IamObject(p.map(({ kind, identifiers }) => [kind, identifiers]));
}

/**
 * The IAM JSON document as an ordered tree: `Version`, `Id`, `Statement`; in a statement `Sid`, `Effect`,
 * `Principal`, `NotPrincipal`, `Action`, `NotAction`, `Resource`, `NotResource`, `Condition`. Absent fields
 * are left out; `Statement` is always a list.
 */
export function iamTree(doc: PolicyDocument): IamObject {
  const top: Array<[string, IamNode]> = [];
  if (doc.version !== undefined) top.push(['Version', doc.version]);
  if (doc.id !== undefined) top.push(['Id', doc.id]);
  top.push(['Statement', doc.statements.map((s) => statementNode(canonicalStatement(s)))]);
  return new IamObject(top);
}

/** One statement as an ordered tree (what iamTree puts in `Statement`), for renderers that place statements elsewhere. */
export function statementTree(s: Statement): IamObject {
  return statementNode(canonicalStatement(s));
}

function statementNode(s: CanonicalStatement): IamObject {
  const e: Array<[string, IamNode]> = [];
  if (s.sid !== undefined) e.push(['Sid', s.sid]);
  e.push(['Effect', s.effect]);
  if (s.principal !== undefined) e.push(['Principal', principalNode(s.principal)]);
  if (s.notPrincipal !== undefined) e.push(['NotPrincipal', principalNode(s.notPrincipal)]);
  if (s.action !== undefined) e.push(['Action', s.action]);
  if (s.notAction !== undefined) e.push(['NotAction', s.notAction]);
  if (s.resource !== undefined) e.push(['Resource', s.resource]);
  if (s.notResource !== undefined) e.push(['NotResource', s.notResource]);
  if (s.condition !== undefined) {
    e.push([
      'Condition',
      new IamObject(s.condition.map(({ operator, keys }) => [operator, new IamObject(keys.map(({ key, values }) => [key, values]))])),
    ]);
  }
  return new IamObject(e);
}
