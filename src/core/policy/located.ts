/**
 * Statements prepared for the never-wider proof (`verify.ts`): each with its reference, condition
 * restrictions, resource region and pieces, a compiled action test, and the services it can match, so the
 * loop over every catalog action tests only the statements that may apply.
 */

import { statementRestrictions, type ConditionClause } from './conditions.js';
import { substitutesVariables } from './evaluate.js';
import { regionOf, type Region } from './regions.js';
import type { PolicyDocument, Statement, StatementRef } from './types.js';
import { ACTION_PATTERN as ACT, compileLoweredPatternUnion, hasWildcard } from '../wildcard.js';

/** One statement, prepared. */
export interface Located {
  s: Statement;
  ref: StatementRef;
  restrictions: ConditionClause[];
  region: Region;
  /** The region split into the pieces that must each be covered (one per Resource pattern). */
  pieces: Region[];
  /** Compiled Action/NotAction test of a lower-cased action id (the universe loop calls it for every catalog action). */
  matchesLowered: (actionLower: string) => boolean;
  /**
   * Lower-case service prefixes of the actions the statement can match; undefined when it may match any (a
   * NotAction, or a pattern whose prefix has a wildcard or no `:`). A pattern `svc:…` with a literal `svc`
   * matches only ids whose text before the first `:` is `svc`, so other services need not be tested at all.
   */
  services: Set<string> | undefined;
}

/** `$` written as IAM's `${$}` escape, so a pre-2012 document's `${...}` reads as the literal text it is there. */
function literalDollars(s: Statement): Statement {
  const esc = (l: string[] | undefined): string[] | undefined => l?.map((p) => p.replace(/\$/g, '$${$}'));
  return { ...s, resource: esc(s.resource), notResource: esc(s.notResource) };
}

/** Every statement of the documents, prepared, in document order. */
export function locate(docs: PolicyDocument[]): Located[] {
  const out: Located[] = [];
  for (const doc of docs) {
    const variables = substitutesVariables(doc);
    doc.statements.forEach((raw, index) => {
      const s = variables ? raw : literalDollars(raw);
      const region = regionOf(s);
      out.push({
        s,
        ref: { document: doc.name, index, ...(s.sid !== undefined ? { sid: s.sid } : {}) },
        restrictions: statementRestrictions(s),
        region,
        pieces: region.kind === 'list' ? region.patterns.map((p) => ({ kind: 'list', patterns: [p] })) : [region],
        matchesLowered: compileStatementActions(s),
        services: s.action ? servicesOf(s.action) : undefined,
      });
    });
  }
  return out;
}

function compileStatementActions(s: Statement): (actionLower: string) => boolean {
  if (s.action) return compileLoweredPatternUnion(s.action, ACT);
  if (s.notAction) {
    const excluded = compileLoweredPatternUnion(s.notAction, ACT);
    return (a) => !excluded(a);
  }
  return () => false;
}

/** ASCII: where lower-casing a prefix alone equals its part of the lower-cased whole id. */
const ASCII = /^[\x00-\x7f]*$/;

/** See `Located.services`. */
function servicesOf(patterns: string[]): Set<string> | undefined {
  if (patterns.length === 0) return undefined; // an empty union matches the empty string: leave it to the test
  const out = new Set<string>();
  for (const p of patterns) {
    const colon = p.indexOf(':');
    const prefix = colon < 0 ? '' : p.slice(0, colon);
    if (colon < 0 || hasWildcard(prefix, ACT) || !ASCII.test(prefix)) return undefined;
    out.add(prefix.toLowerCase());
  }
  return out;
}

/** The service prefix of a lower-cased action id (text before the first `:`; `undefined` without one). */
export function serviceOfLowered(actionLower: string): string | undefined {
  const colon = actionLower.indexOf(':');
  return colon < 0 ? undefined : actionLower.slice(0, colon);
}

/**
 * Per service prefix, the statements (in their original order) that may match an action of that service: those
 * naming the service and those that may match any. Filtering this list gives exactly what filtering all of them
 * would, without testing ~40 statements per catalog action.
 */
export function byService(located: Located[]): (service: string | undefined) => Located[] {
  const cache = new Map<string | undefined, Located[]>();
  return (service) => {
    let list = cache.get(service);
    if (!list) {
      list = located.filter((x) => x.services === undefined || (service !== undefined && x.services.has(service)));
      cache.set(service, list);
    }
    return list;
  };
}

/** A statement as counterexamples and notes name it. */
export function describeRef(r: StatementRef): string {
  return `policy ${r.document}, Statement[${r.index}]${r.sid !== undefined ? ` (Sid "${r.sid}")` : ''}`;
}
