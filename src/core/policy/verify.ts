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

import { clausesImply } from './conditions.js';
import { createEvaluator } from './evaluate.js';
import { byService, describeRef, locate, serviceOfLowered, type Located } from './located.js';
import { describeRegion, regionCache, type Region, type RegionCache } from './regions.js';
import type { AccessRequest, Counterexample, PolicyDocument, VerifyResult } from './types.js';
import type { Catalog } from '../catalog/types.js';
import { ACTION_PATTERN as ACT, hasWildcard, isUniversalPattern, patternCovers, patternsIntersect } from '../wildcard.js';

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

/** Counterexamples up to a limit, and how many more there were. */
interface Collector {
  readonly list: Counterexample[];
  dropped: number;
  add(c: Counterexample): void;
}

function collector(max: number): Collector {
  const c: Collector = {
    list: [],
    dropped: 0,
    add(x) {
      if (c.list.length < max) c.list.push(x);
      else c.dropped++;
    },
  };
  return c;
}

/** The two sides' statements by effect, each looked up by service. */
interface Sides {
  origAllowsOf: (service: string | undefined) => Located[];
  origDeniesOf: (service: string | undefined) => Located[];
  suggDeniesOf: (service: string | undefined) => Located[];
  suggAllowsOf: (service: string | undefined) => Located[];
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
  const suggAllows = sugg.filter((x) => x.s.effect === 'Allow');
  const sides: Sides = {
    suggAllowsOf: byService(suggAllows),
    origAllowsOf: byService(origAllows),
    origDeniesOf: byService(orig.filter((x) => x.s.effect === 'Deny')),
    suggDeniesOf: byService(sugg.filter((x) => x.s.effect === 'Deny')),
  };

  const rc = regionCache();
  const found = collector(max);
  let checked = 0;
  const proven = provenSets([...orig, ...sugg]);
  // Indexed, not `for (const [lower, action] of …)`: destructuring runs the iterator protocol for each of
  // ~11,000–22,000 actions, mostly before the optimizing compiler has caught up.
  const universe = actionUniverse(sides, [...orig, ...sugg], catalog);
  for (let i = 0; i < universe.length; i++) {
    const pair = universe[i]!;
    if (checkAction(pair[0], pair[1], sides, rc, found, proven)) checked++;
  }

  const notes = futureActionNotes(suggAllows, origAllows, catalog);
  if (boundaryNames.length > 0) {
    notes.push(`permission boundary ${[...new Set(boundaryNames)].join(', ')} left out of the comparison: the identity policies were compared alone, which also proves the result with the boundary attached`);
  }
  if (found.dropped > 0) notes.push(`${found.dropped} more counterexample(s) not listed (limit ${max})`);
  return { ok: found.list.length === 0 && found.dropped === 0, counterexamples: found.list, checked, notes };
}

/**
 * The actions to check, as `[lower-cased id, id]` sorted by the lower-cased id (plain code-unit order:
 * deterministic, and fast on 20k+ actions): every catalog action some suggestion Allow matches, by our own
 * matcher over the full list (so the proof does not depend on how the catalog expands patterns; NotAction
 * complements are included this way too), plus every literal action name written on either side. Keyed
 * case-insensitively, as IAM action names are; the first spelling met is kept.
 */
function actionUniverse(sides: Sides, statements: Located[], catalog: ActionUniverse): (readonly [string, string])[] {
  const universe = new Map<string, string>();
  const add = (a: string, k = a.toLowerCase()): void => {
    if (!universe.has(k)) universe.set(k, a);
  };
  const every = catalog.expandActionPattern('*');
  for (let i = 0; i < every.length; i++) {
    const a = every[i]!;
    const lower = a.toLowerCase();
    if (sides.suggAllowsOf(serviceOfLowered(lower)).some((x) => x.matchesLowered(lower))) add(a, lower);
  }
  for (const x of statements) {
    for (const p of [...(x.s.action ?? []), ...(x.s.notAction ?? [])]) if (!hasWildcard(p, ACT)) add(p);
  }
  // The keys are distinct, so the built-in sort (code units, no comparator: native) orders them as `<` does.
  return [...universe.keys()].sort().map((k) => [k, universe.get(k)!] as const);
}

/**
 * The sets of matching statements already checked without a counterexample. Everything checkAction proves
 * about an action depends only on which statements of each kind match it (the action appears only in the
 * messages), so an action matched by the same four sets as a clean one is clean too: a `*` grant's ~11,000
 * kept actions fall into a few dozen such sets. A set that produced a counterexample is checked again for each
 * action, so every counterexample is still found and named.
 */
interface ProvenSets {
  idOf: Map<Located, number>;
  clean: Set<string>;
}

function provenSets(statements: Located[]): ProvenSets {
  return { idOf: new Map(statements.map((x, i) => [x, i])), clean: new Set() };
}

/** The key of the four matching sets (statement numbers, in their order). */
function setsKey(p: ProvenSets, sets: Located[][]): string {
  let key = '';
  for (const list of sets) {
    for (const x of list) key += `${p.idOf.get(x)},`;
    key += '|';
  }
  return key;
}

/** No statement (shared: most policies have no Deny, and each action asked for two lists of them). */
const NO_STATEMENTS: Located[] = [];

/** The statements that match a lower-cased action id. */
function matching(list: Located[], lower: string): Located[] {
  return list.length === 0 ? NO_STATEMENTS : list.filter((x) => x.matchesLowered(lower));
}

/** Checks one action: every piece of every suggestion Allow that matches it. False when none matches. */
function checkAction(lower: string, action: string, sides: Sides, rc: RegionCache, found: Collector, proven: ProvenSets): boolean {
  const service = serviceOfLowered(lower);
  const allows = matching(sides.suggAllowsOf(service), lower);
  if (allows.length === 0) return false;
  const oAllows = matching(sides.origAllowsOf(service), lower);
  const oDenies = matching(sides.origDeniesOf(service), lower);
  const sDenies = matching(sides.suggDeniesOf(service), lower);
  const key = setsKey(proven, [allows, oAllows, oDenies, sDenies]);
  if (proven.clean.has(key)) return true;
  const before = found.list.length + found.dropped;
  checkPieces(action, allows, oAllows, oDenies, sDenies, rc, found);
  if (found.list.length + found.dropped === before) proven.clean.add(key);
  return true;
}

/** Every piece of every matching suggestion Allow: allowed by the original, and no original Deny lost. */
function checkPieces(action: string, allows: Located[], oAllows: Located[], oDenies: Located[], sDenies: Located[], rc: RegionCache, found: Collector): void {
  for (const s of allows) {
    for (const piece of s.pieces) {
      // A suggestion Deny that certainly applies to the whole piece (whenever the Allow does) removes it.
      if (sDenies.some((d) => rc.covers(d.region, piece) && clausesImply(s.restrictions, d.restrictions))) continue;

      // 1. Some original Allow certainly allows the whole piece under the suggestion's own restrictions.
      const covered = oAllows.some((g) => rc.covers(g.region, piece) && clausesImply(s.restrictions, g.restrictions));
      if (!covered) {
        found.add({
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
      for (const d of oDenies) checkDeny(action, s, piece, d, sDenies, rc, found);
    }
  }
}

/** Is the original Deny `d`, where it may apply to the piece, kept by a suggestion Deny at least as broad? */
function checkDeny(action: string, s: Located, piece: Region, d: Located, sDenies: Located[], rc: RegionCache, found: Collector): void {
  if (!rc.intersect(d.region, piece)) return;
  const relevant: Region =
    d.region.kind === 'list' ? { kind: 'list', patterns: d.region.patterns.filter((q) => rc.intersect({ kind: 'list', patterns: [q] }, piece)) } : d.region;
  const known = [...d.restrictions, ...s.restrictions];
  const preserved = sDenies.some((d2) => (rc.covers(d2.region, piece) || rc.covers(d2.region, relevant)) && clausesImply(known, d2.restrictions));
  if (preserved) return;
  found.add({
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
