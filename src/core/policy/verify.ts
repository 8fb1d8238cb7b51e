/**
 * The safety contract (README, "The safety contract"): a suggestion is never wider than the original, and it covers
 * what ran. Both checks are pure and return counterexamples rather than throwing, so a failure can be raised
 * as "this is a bug" with its inputs attached.
 *
 * Soundness (never-wider): when `verifyNeverWider` says ok, then for every action in the universe below, every
 * resource and every request context, if the suggestion may allow the request then the original certainly
 * allows it. The universe is every catalog action matched by a suggestion Allow (Action patterns and NotAction
 * complements expanded against the catalog) plus every literal action name written in either side.
 *
 * Incomplete (may reject a safe suggestion) where:
 * - one suggestion resource pattern is covered only by the union of several original statements
 *   (`arn:x/*` by `arn:x/a*` + `arn:x/[^a]*`), or by a differently written but equal pattern (`*?` vs `?*`);
 * - conditions are related only semantically (`StringEquals` vs `StringLike`, numeric ranges): they are compared
 *   clause by clause (same operator and key; value sets that make the needed clause no stricter);
 * - an original Deny is made redundant by something other than one suggestion Deny (e.g. by a narrower Allow
 *   combined with conditions), or a suggestion Deny covers it only in union with another;
 * - policy variables: a variable in an original Allow covers only the same variable at the same place.
 * Permission boundaries (documents of kind `boundary`) are left out on both sides: they stay attached unchanged.
 * Not covered by the proof: actions AWS adds after the catalog was built (`notes` names the suggestion
 * wildcards this affects).
 */

import { clausesImply, statementRestrictions, type ConditionClause } from './conditions.js';
import { createEvaluator, substitutesVariables } from './evaluate.js';
import {
  ACTION_PATTERN as ACT,
  RESOURCE_PATTERN as RES,
  compileLoweredPatternUnion,
  hasWildcard,
  isUniversalPattern,
  patternCovers,
  patternsIntersect,
} from '../wildcard.js';
import type { AccessRequest, Counterexample, PolicyDocument, Statement, StatementRef, VerifyResult } from './types.js';
import type { Catalog } from '../catalog/types.js';

/**
 * The part of the catalog the never-wider check needs: `expandActionPattern('*')` (every action) is the
 * universe; other patterns are expanded only to count matches in `notes`.
 */
export type ActionUniverse = Pick<Catalog, 'expandActionPattern' | 'expandNotAction'>;

/** Options of the verify functions. */
export interface VerifyOptions {
  /** Stop listing counterexamples after this many (the rest are counted in `notes`). Default 50. */
  maxCounterexamples?: number;
}

/** Resource region of a statement: a list of patterns, the complement of one, or unknown (no Resource key). */
type Region = { kind: 'list'; patterns: string[] } | { kind: 'not'; patterns: string[] } | { kind: 'unknown' };

function regionOf(s: Statement): Region {
  if (s.resource) return { kind: 'list', patterns: s.resource };
  if (s.notResource) return { kind: 'not', patterns: s.notResource };
  return { kind: 'unknown' };
}

/** Is every resource of `inner` certainly in `outer`? Sound, not complete. */
function regionCovers(outer: Region, inner: Region): boolean {
  // No Resource key (a resource policy): the resource the policy is attached to, the same on both sides.
  if (outer.kind === 'unknown') return inner.kind === 'unknown';
  if (outer.kind === 'list' && outer.patterns.some(isUniversalPattern)) return true;
  if (inner.kind === 'unknown') return false;
  if (outer.kind === 'list') {
    if (inner.kind === 'not') return false;
    return inner.patterns.every((p) => outer.patterns.some((q) => patternCovers(q, p, RES)));
  }
  // outer is a complement.
  if (inner.kind === 'list') return inner.patterns.every((p) => !outer.patterns.some((n) => patternsIntersect(n, p, RES)));
  // compl(inner) ⊆ compl(outer) when everything outer excludes is excluded by inner too.
  return outer.patterns.every((n) => inner.patterns.some((m) => patternCovers(m, n, RES)));
}

/** Could the two regions share a resource? Over-approximates (a `true` may be wrong; a `false` never is). */
function regionsMayIntersect(a: Region, b: Region): boolean {
  if (a.kind === 'unknown' || b.kind === 'unknown') return true;
  if (a.kind === 'list' && b.kind === 'list') return a.patterns.some((p) => b.patterns.some((q) => patternsIntersect(p, q, RES)));
  if (a.kind === 'not' && b.kind === 'not') return true;
  const list = a.kind === 'list' ? a : b;
  const not = a.kind === 'not' ? a : b;
  return list.patterns.some((p) => !not.patterns.some((n) => patternCovers(n, p, RES)));
}

const regionKeys = new WeakMap<Region, string>();

function regionKey(r: Region): string {
  let k = regionKeys.get(r);
  if (k === undefined) {
    k = r.kind === 'unknown' ? 'u' : `${r.kind}\u0001${r.patterns.join('\u0001')}`;
    regionKeys.set(r, k);
  }
  return k;
}

/** Memoised region queries: the same pattern pairs recur for every action in the universe. */
function regionCache(): { covers(o: Region, i: Region): boolean; intersect(a: Region, b: Region): boolean } {
  const cov = new Map<string, boolean>();
  const int = new Map<string, boolean>();
  return {
    covers(o, i) {
      const k = `${regionKey(o)}\u0002${regionKey(i)}`;
      let v = cov.get(k);
      if (v === undefined) cov.set(k, (v = regionCovers(o, i)));
      return v;
    },
    intersect(a, b) {
      const k = `${regionKey(a)}\u0002${regionKey(b)}`;
      let v = int.get(k);
      if (v === undefined) int.set(k, (v = regionsMayIntersect(a, b)));
      return v;
    },
  };
}

function describeRegion(r: Region): string {
  if (r.kind === 'list') return r.patterns.join(', ');
  if (r.kind === 'not') return `NotResource[${r.patterns.join(', ')}]`;
  return '(no Resource: the resource the policy is attached to)';
}

interface Located {
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

function locate(docs: PolicyDocument[]): Located[] {
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

/** ASCII: where folding a prefix character by character equals lower-casing it whole. */
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
function serviceOfLowered(actionLower: string): string | undefined {
  const colon = actionLower.indexOf(':');
  return colon < 0 ? undefined : actionLower.slice(0, colon);
}

/**
 * Per service prefix, the statements (in their original order) that may match an action of that service: those
 * naming the service and those that may match any. Filtering this list gives exactly what filtering all of them
 * would, without testing ~40 statements per catalog action.
 */
function byService(located: Located[]): (service: string | undefined) => Located[] {
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

function describeRef(r: StatementRef): string {
  return `policy ${r.document}, Statement[${r.index}]${r.sid !== undefined ? ` (Sid "${r.sid}")` : ''}`;
}

/**
 * Never wider: every request the suggestion may allow, the original certainly allows. See the module comment
 * for exactly what is proven and where the check is incomplete.
 */
export function verifyNeverWider(
  original: PolicyDocument[],
  suggestion: PolicyDocument[],
  catalog: ActionUniverse,
  options: VerifyOptions = {},
): VerifyResult {
  const max = options.maxCounterexamples ?? 50;
  // Permission boundaries are not rewritten by a suggestion and stay attached: comparing the identity policies
  // alone proves the stronger claim (S ⊆ G implies S ∩ B ⊆ G ∩ B). A boundary must never count as a grant here.
  const notBoundary = (d: PolicyDocument): boolean => d.kind !== 'boundary';
  const boundaryNames = [...original, ...suggestion].filter((d) => !notBoundary(d)).map((d) => d.name);
  const orig = locate(original.filter(notBoundary));
  const sugg = locate(suggestion.filter(notBoundary));
  const origAllows = orig.filter((x) => x.s.effect === 'Allow');
  const origDenies = orig.filter((x) => x.s.effect === 'Deny');
  const suggAllows = sugg.filter((x) => x.s.effect === 'Allow');
  const suggDenies = sugg.filter((x) => x.s.effect === 'Deny');

  // The action universe, keyed case-insensitively (IAM action names are).
  const universe = new Map<string, string>();
  const add = (a: string): void => {
    const k = a.toLowerCase();
    if (!universe.has(k)) universe.set(k, a);
  };
  // Every catalog action some suggestion Allow matches, by our own matcher over the full list (so the proof
  // does not depend on how the catalog expands patterns). NotAction complements are included this way too.
  const suggAllowsOf = byService(suggAllows);
  for (const a of catalog.expandActionPattern('*')) {
    const lower = a.toLowerCase();
    if (suggAllowsOf(serviceOfLowered(lower)).some((x) => x.matchesLowered(lower))) add(a);
  }
  for (const x of [...orig, ...sugg]) {
    for (const p of [...(x.s.action ?? []), ...(x.s.notAction ?? [])]) if (!hasWildcard(p, ACT)) add(p);
  }

  const rc = regionCache();
  const counterexamples: Counterexample[] = [];
  let dropped = 0;
  const report = (c: Counterexample): void => {
    if (counterexamples.length < max) counterexamples.push(c);
    else dropped++;
  };

  // Sorted by lower-cased id (plain code-unit order: deterministic, and fast on 20k+ actions).
  // The keys are distinct, so the built-in sort (code units, no comparator: native) orders them as `<` does.
  const actions = [...universe.keys()].sort().map((k) => [k, universe.get(k)!] as const);
  const origAllowsOf = byService(origAllows);
  const origDeniesOf = byService(origDenies);
  const suggDeniesOf = byService(suggDenies);
  let checked = 0;
  for (const [lower, action] of actions) {
    const service = serviceOfLowered(lower);
    const allows = suggAllowsOf(service).filter((x) => x.matchesLowered(lower));
    if (allows.length === 0) continue;
    checked++;
    const oAllows = origAllowsOf(service).filter((x) => x.matchesLowered(lower));
    const oDenies = origDeniesOf(service).filter((x) => x.matchesLowered(lower));
    const sDenies = suggDeniesOf(service).filter((x) => x.matchesLowered(lower));
    for (const s of allows) {
      for (const piece of s.pieces) {
        // A suggestion Deny that certainly applies to the whole piece (whenever the Allow does) removes it.
        if (sDenies.some((d) => rc.covers(d.region, piece) && clausesImply(s.restrictions, d.restrictions))) continue;

        // 1. Some original Allow certainly allows the whole piece under the suggestion's own restrictions.
        const covered = oAllows.some((g) => rc.covers(g.region, piece) && clausesImply(s.restrictions, g.restrictions));
        if (!covered) {
          report({
            reason: 'not-allowed-by-original',
            action,
            resource: describeRegion(piece),
            statement: s.ref,
            message: `${describeRef(s.ref)} of the suggestion may allow ${action} on ${describeRegion(piece)}${
              s.restrictions.length > 0 ? ' (under its conditions)' : ''
            }, which no Allow statement of the original certainly allows`,
          });
        }

        // 2. Every original Deny that might apply there is matched by a suggestion Deny at least as broad.
        for (const d of oDenies) {
          if (!rc.intersect(d.region, piece)) continue;
          const relevant: Region =
            d.region.kind === 'list' ? { kind: 'list', patterns: d.region.patterns.filter((q) => rc.intersect({ kind: 'list', patterns: [q] }, piece)) } : d.region;
          const known = [...d.restrictions, ...s.restrictions];
          const preserved = sDenies.some(
            (d2) => (rc.covers(d2.region, piece) || rc.covers(d2.region, relevant)) && clausesImply(known, d2.restrictions),
          );
          if (!preserved) {
            report({
              reason: 'deny-not-preserved',
              action,
              resource: describeRegion(piece),
              statement: s.ref,
              deny: d.ref,
              message: `the original's Deny (${describeRef(d.ref)}) may apply to ${action} on ${describeRegion(relevant)}, which ${describeRef(
                s.ref,
              )} of the suggestion may allow, and no Deny of the suggestion is at least as broad`,
            });
          }
        }
      }
    }
  }

  const notes = futureActionNotes(suggAllows, origAllows, catalog);
  if (boundaryNames.length > 0) {
    notes.push(`permission boundary ${[...new Set(boundaryNames)].join(', ')} left out of the comparison: the identity policies were compared alone, which also proves the result with the boundary attached`);
  }
  if (dropped > 0) notes.push(`${dropped} more counterexample(s) not listed (limit ${max})`);
  return { ok: counterexamples.length === 0 && dropped === 0, counterexamples, checked, notes };
}

/**
 * Suggestion wildcards / NotAction complements whose future, not-yet-catalogued matches the original may not
 * allow: the proof above covers only today's catalog for them.
 */
function futureActionNotes(suggAllows: Located[], origAllows: Located[], catalog: ActionUniverse): string[] {
  const notes: string[] = [];
  for (const x of suggAllows) {
    for (const p of x.s.action ?? []) {
      if (!hasWildcard(p, ACT)) continue;
      const symbolic = origAllows.some(
        (g) =>
          (g.s.action?.some((q) => patternCovers(q, p, ACT)) ?? false) ||
          (g.s.notAction !== undefined && !g.s.notAction.some((q) => patternsIntersect(q, p, ACT))),
      );
      if (!symbolic) {
        notes.push(
          `"${p}" in ${describeRef(x.ref)} is proven over the ${catalog.expandActionPattern(p).length} catalog action(s) it matches today; an action AWS adds later that matches it may not be allowed by the original`,
        );
      }
    }
    if (x.s.notAction) {
      const nA = x.s.notAction;
      const symbolic = origAllows.some(
        (g) => (g.s.action?.some(isUniversalPattern) ?? false) || (g.s.notAction?.every((n) => nA.some((m) => patternCovers(m, n, ACT))) ?? false),
      );
      if (!symbolic) notes.push(`the NotAction of ${describeRef(x.ref)} is proven over today's catalog only; actions AWS adds later would be allowed by it`);
    }
  }
  return notes;
}

/** One call the suggestion must allow (a successful observed call, mapped to its IAM action and ARN). */
export type ObservedCall = AccessRequest;

/** Options of `verifyCovers`. */
export interface CoversOptions extends VerifyOptions {
  /**
   * Accept calls that only a conditional (or policy-variable) Allow covers, or that a conditional Deny might
   * block, listing them in `notes` instead of failing. The calls succeeded, so the original's conditions held
   * then; use this when the suggestion keeps the original's conditions verbatim. Default false.
   */
  allowConditional?: boolean;
}

/**
 * Covers what ran: every call is certainly allowed by the suggestion (must-allow). A call is reported as
 * `explicit-deny` when a suggestion Deny certainly applies, `conditional-only` when the answer depends on a
 * condition or variable, `implicit-deny` when nothing allows it.
 */
export function verifyCovers(suggestion: PolicyDocument[], calls: ObservedCall[], options: CoversOptions = {}): VerifyResult {
  const max = options.maxCounterexamples ?? 50;
  const counterexamples: Counterexample[] = [];
  const notes: string[] = [];
  let dropped = 0;
  let conditional = 0;
  const seen = new Set<string>();
  // Same answers as explainEvaluation(suggestion, call, …), with each statement's action list compiled once for all the calls.
  const evaluateCall = createEvaluator(suggestion);
  for (const call of calls) {
    const key = `${call.action.toLowerCase()}\u0000${call.resource}\u0000${JSON.stringify(call.context ?? {})}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const must = evaluateCall(call, { mode: 'must-allow' });
    if (must.decision === 'allowed') continue;
    const may = evaluateCall(call, { mode: 'may-allow' });
    let c: Counterexample;
    if (may.decision === 'explicit-deny') {
      c = { reason: 'explicit-deny', action: call.action, resource: call.resource, statement: may.deniedBy[0], message: `the suggestion denies ${call.action} on ${call.resource} (${describeRef(may.deniedBy[0])}), a call that succeeded` };
    } else if (may.decision === 'allowed') {
      if (options.allowConditional) {
        conditional++;
        continue;
      }
      const ref = must.deniedBy[0] ?? may.allowedBy[0];
      c = {
        reason: 'conditional-only',
        action: call.action,
        resource: call.resource,
        statement: ref,
        message: `the suggestion allows ${call.action} on ${call.resource} only under a condition or policy variable (${describeRef(ref)}), so it is not certain to allow this call that succeeded`,
      };
    } else {
      c = { reason: 'implicit-deny', action: call.action, resource: call.resource, message: `no statement of the suggestion allows ${call.action} on ${call.resource}, a call that succeeded` };
    }
    if (counterexamples.length < max) counterexamples.push(c);
    else dropped++;
  }
  if (conditional > 0) notes.push(`${conditional} call(s) are allowed only under a condition or policy variable kept from the original`);
  if (dropped > 0) notes.push(`${dropped} more counterexample(s) not listed (limit ${max})`);
  return { ok: counterexamples.length === 0 && dropped === 0, counterexamples, checked: seen.size, notes };
}
