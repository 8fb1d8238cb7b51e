/**
 * Trim's working shapes and orderings, shared by its phases (classify, decide, synthesize, findings, assemble).
 */
import type { AccessLevel } from '../catalog/types.js';
import type { Statement } from '../policy/types.js';
import type { KeepBasis, StatementRef } from './types.js';

/** An Allow statement trim can reason about. */
export interface Analyzed {
  ref: StatementRef;
  st: Statement;
  condKey: string;
  kind: 'resource' | 'notResource';
  patterns: string[];
  /** Concrete canonical action ids it grants (against the catalog). */
  actions: string[];
  /**
   * Its action patterns that also stay as written in a statement of their own (same resources and condition),
   * for a call the catalog cannot map (`unmapped-grants.ts`): an unused action they match needs no decision here.
   */
  keptApart?: readonly string[];
}

/** A statement kept as written: every Deny, and the Allows trim cannot reason about (with why). */
export interface VerbatimStatement {
  st: Statement;
  ref: StatementRef;
  code: string;
  reason: string;
}

/** One (action, resources) pair the suggestion keeps, from one source statement. */
export interface Entry {
  action: string;
  condKey: string;
  condition?: Statement['condition'];
  kind: 'resource' | 'notResource';
  resources: string[];
  bases: Set<KeepBasis>;
  from: Analyzed[];
}

/** Why an action's use cannot be seen: a stable code and a sentence with its source. */
export interface Unobs {
  code: string;
  reason: string;
}

/** Order in which removed actions are listed: the most dangerous grants first. */
export const ACCESS_LEVEL_ORDER: AccessLevel[] = ['Permissions management', 'Write', 'Tagging', 'Read', 'List'];

/** Priority of unobservable reason codes when an action has several (the most specific first). */
export const UNOBSERVABLE_ORDER = [
  'baseline',
  'unmapped-call',
  'never-logged',
  'secondary-only',
  'dependent-unknowable',
  'not-identifiable',
  'management-excluded',
  'data-event-not-selected',
  'region-not-covered',
];

/** Bases that mean "used": the action has a `used/` finding. */
export const USED_BASES: KeepBasis[] = ['used', 'secondary', 'used-resource-unknown', 'used-unmatched'];

/** The basis an action's evidence line shows when it has several (the first that applies). */
export const BASIS_ORDER: KeepBasis[] = ['used', 'secondary', 'used-resource-unknown', 'used-unmatched', 'baseline', 'unobservable', 'last-accessed'];

/** Code-unit order of two strings (stable output whatever the locale). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `document#index` of a statement. */
export function refKey(r: StatementRef): string {
  return `${r.document}#${r.index}`;
}

/** Statement references, unique, by document then index. */
export function sortRefs(refs: StatementRef[]): StatementRef[] {
  // One reference (each removed action of a single `*` statement): nothing to merge or sort.
  if (refs.length === 1) return [refs[0]!];
  const seen = new Map<string, StatementRef>();
  for (const r of refs) seen.set(refKey(r), r);
  return [...seen.values()].sort((a, b) => cmp(a.document, b.document) || a.index - b.index);
}
