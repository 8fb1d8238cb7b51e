/**
 * Trim's central phase: for every action of every analyzable statement, keep it (on the resources used, on the
 * statement's own resources when the use cannot be seen or named) or drop it, and note why.
 */
import type { ObservationEvidence } from '../trail/evidence.js';
import type { ActionUsage } from '../usage/types.js';
import { ACTION_PATTERN, RESOURCE_PATTERN, hasWildcard, patternCovers, patternsIntersect } from '../wildcard.js';
import type { DecisionContext } from './context.js';
import { statementCoversResource, statementMayIntersectResource } from './match.js';
import { UNOBSERVABLE_ORDER, type Analyzed, type Entry, type Unobs } from './model.js';
import { proposeResourcePatterns } from './resources.js';
import type { KeepBasis, LastAccess, StatementRef } from './types.js';

/** What the decisions produced: the kept entries and what the findings need to say. */
export interface Decisions {
  /** The kept entries, each with its own lists and set: mergeEntries (synthesize.ts) merges them in place. */
  entries: Entry[];
  /** Per kept-unobservable action, its (most specific) reason. */
  unobsOf: Map<string, Unobs>;
  /** Per granted action, the statements that granted it (lists may be shared between actions: read only). */
  grantedFrom: Map<string, StatementRef[]>;
  /** Unobservable actions dropped at the user's request, with why they could not be seen. */
  removedUnobs: Map<string, Unobs>;
  /** Observable actions not kept: what their removal rests on. */
  removedEvidence: Map<string, ObservationEvidence>;
  /** Actions the trail has no record of, kept on IAM's action-level last-accessed evidence. */
  lastAccessedKept: Map<string, LastAccess>;
  /** Unobservable actions removed because IAM shows their service never accessed (`--trust-access-advisor`): why. */
  removedNeverAccessed: Map<string, string>;
}

/** Decide every (statement, action) pair. `unmatched`: used actions no statement matches (kept as granted). */
export function decideActions(analyzed: Analyzed[], ctx: DecisionContext, unmatched: Set<string>): Decisions {
  const d: Decisions = {
    entries: [],
    unobsOf: new Map(),
    grantedFrom: new Map(),
    removedUnobs: new Map(),
    removedEvidence: new Map(),
    lastAccessedKept: new Map(),
    removedNeverAccessed: new Map(),
  };
  const shared = new Set<StatementRef[]>();
  for (const s of analyzed) {
    // An action granted by this statement alone shares the statement's one-element list (a `*` grant: ~22,000
    // actions, one list); a second statement granting it gets the action its own list.
    const only: StatementRef[] = [s.ref];
    shared.add(only);
    // Indexed loops over the ~22,000 actions of a `*` grant (here and in findings, synthesis, the summary): a
    // `for…of` allocates an iterator result per step until the optimizing compiler has caught up, which on
    // a busy machine is most of the run.
    const actions = s.actions;
    for (let i = 0; i < actions.length; i++) {
      const action = actions[i]!;
      const from = d.grantedFrom.get(action);
      if (!from) d.grantedFrom.set(action, only);
      else if (from.length === 1 && shared.has(from)) d.grantedFrom.set(action, [from[0]!, s.ref]);
      else from.push(s.ref);
      decideOne(s, action, ctx, unmatched.has(action), d);
    }
  }
  return d;
}

/** Keep the more specific of two unobservable reasons for an action. */
function noteUnobs(d: Decisions, a: string, u: Unobs): void {
  const prev = d.unobsOf.get(a);
  if (!prev || UNOBSERVABLE_ORDER.indexOf(u.code) < UNOBSERVABLE_ORDER.indexOf(prev.code)) d.unobsOf.set(a, u);
}

/** What an unused action has: nothing used here (shared: most of a `*` grant's ~22,000 actions are unused). */
const NO_USE: { usedHere: readonly string[]; unknownResource: boolean } = Object.freeze({ usedHere: Object.freeze([] as string[]), unknownResource: false });

/** The used resources this statement could have authorized, and whether some use has no resource we can name. */
function usedResourcesIn(s: Analyzed, takesResource: boolean, u: ActionUsage | undefined): { usedHere: readonly string[]; unknownResource: boolean } {
  if (!u || u.resources.length === 0) return NO_USE;
  const spec = { resource: s.kind === 'resource' ? s.patterns : undefined, notResource: s.kind === 'notResource' ? s.patterns : undefined };
  let unknownResource = false;
  const usedHere: string[] = [];
  for (const r of u?.resources ?? []) {
    if (!takesResource && r.resource === '*') {
      // The request resource of an action without resource types is the literal `*`.
      const lit = s.kind === 'resource' ? s.patterns.some((p) => patternCovers(p, '*', RESOURCE_PATTERN)) : !s.patterns.some((p) => patternCovers(p, '*', RESOURCE_PATTERN));
      if (lit) usedHere.push('*');
    } else if (r.resource === '*') unknownResource = true;
    else if (statementCoversResource(spec, r.resource)) usedHere.push(r.resource);
    // A pattern (a generalized ledger entry, or `bucket/*` from DeleteObjects) that only overlaps this
    // statement: some of those calls may have gone through it, but which ARNs is unknown — keep its
    // resources as granted rather than guess.
    else if (hasWildcard(r.resource) && statementMayIntersectResource(spec, r.resource)) unknownResource = true;
  }
  return { usedHere, unknownResource };
}

/** The used ARNs as patterns inside the statement (a proposed pattern outside it is replaced by its members). */
function patternsOfUse(s: Analyzed, arns: string[]): string[] {
  const out: string[] = [];
  for (const c of proposeResourcePatterns(arns)) {
    const inside = s.kind === 'resource' ? s.patterns.some((p) => patternCovers(p, c.pattern, RESOURCE_PATTERN)) : !s.patterns.some((p) => patternsIntersect(p, c.pattern, RESOURCE_PATTERN));
    if (inside) out.push(c.pattern);
    else out.push(...c.members);
  }
  return out;
}

/** No recording gap (an action with a static reason is not asked about its recording); never mutated. */
const NO_GAPS: { unrecorded: readonly string[]; reason?: Unobs } = Object.freeze({ unrecorded: Object.freeze([] as string[]) });

/** Keep the action on the statement's resources as written. */
function keepWhole(d: Decisions, s: Analyzed, action: string, bases: KeepBasis[]): void {
  d.entries.push({ action, condKey: s.condKey, condition: s.st.condition, from: [s], kind: s.kind, resources: s.patterns.slice(), bases: new Set(bases) });
}

/** Decide one action of one statement, adding to `d`. */
function decideOne(s: Analyzed, action: string, ctx: DecisionContext, unmatched: boolean, d: Decisions): void {
  const u = ctx.usedOf(action);
  // Unused, and kept as written in a statement of its own (an unmapped call's service): nothing to decide here.
  if (!u && s.keptApart?.some((p) => patternCovers(p, action, ACTION_PATTERN))) return;
  const { takesResource } = ctx.facts(action);
  const { usedHere, unknownResource } = usedResourcesIn(s, takesResource, u);
  const usedBasis: KeepBasis = u?.role === 'secondary' ? 'secondary' : 'used';
  const stat = ctx.staticReason(action);
  const gaps = stat ? NO_GAPS : ctx.recordingGaps(action, s);
  const unrecorded = gaps.unrecorded;
  const recReason = gaps.reason;
  const isBaseline = stat?.code === 'baseline';
  // A baseline the user kept, and an action of a service whose unmapped call ran, stay whatever
  // --drop-unobservable says: neither is a guess about what the logs could not show.
  const keepUnobs = isBaseline || stat?.code === 'unmapped-call' || (ctx.keepsUnobservable(action) && (stat !== undefined || unrecorded.length > 0));

  // Used and successful, yet no statement matches it in our evaluation (an action without resource types
  // granted only on ARN patterns, e.g. s3:ListAllMyBuckets on arn:aws:s3:::*): some grant allowed it, so our
  // model is what is wrong. Keep every granting statement's resources for it.
  if (unmatched) return keepWhole(d, s, action, ['used-unmatched']);
  // The trail has no record of it, but IAM's action-level data shows it used in the window (a Region or a
  // period the trail does not cover): keep it as granted — IAM does not say on which resource.
  const seen = u ? undefined : ctx.lastAccessOf(action);
  if (seen) {
    d.lastAccessedKept.set(action, seen);
    return keepWhole(d, s, action, ['last-accessed']);
  }
  if (keepUnobs && (stat || s.kind === 'notResource' || !takesResource)) {
    noteUnobs(d, action, stat ?? recReason!);
    const bases: KeepBasis[] = [isBaseline ? 'baseline' : 'unobservable'];
    if (usedHere.length > 0 || unknownResource) bases.push(usedBasis);
    return keepWhole(d, s, action, bases);
  }
  // A used call with no resource we could name, or an action without resource types granted through a
  // NotResource statement (its request resource is `*`): keep the statement's resources as written.
  if (unknownResource || (s.kind === 'notResource' && !takesResource && usedHere.includes('*'))) {
    return keepWhole(d, s, action, [unknownResource ? 'used-resource-unknown' : usedBasis]);
  }
  const keepGaps = keepUnobs && unrecorded.length > 0;
  if (keepGaps) {
    noteUnobs(d, action, recReason!);
  } else if (!keepUnobs && (stat || unrecorded.length > 0) && usedHere.length === 0) {
    d.removedUnobs.set(action, stat ?? recReason!);
    const never = ctx.neverAccessedReason(action);
    if (never) d.removedNeverAccessed.set(action, never);
  } else if (!stat && unrecorded.length === 0 && !d.removedEvidence.has(action)) {
    d.removedEvidence.set(action, ctx.evidenceOfRemoval(action));
  }
  // Nothing to keep (most of a `*` grant's ~11,000 removed actions): no entry, nothing to allocate.
  if (!keepGaps && usedHere.length === 0) return;
  const parts: string[] = keepGaps ? [...unrecorded] : [];
  const bases = new Set<KeepBasis>(keepGaps ? ['unobservable'] : []);
  const rest = usedHere.filter((r) => !parts.some((p) => patternCovers(p, r, RESOURCE_PATTERN)));
  if (rest.length > 0) {
    bases.add(usedBasis);
    if (rest.includes('*')) parts.push('*');
    const arns = rest.filter((r) => r !== '*');
    if (arns.length > 0) parts.push(...patternsOfUse(s, arns));
  }
  if (parts.length > 0) d.entries.push({ action, condKey: s.condKey, condition: s.st.condition, from: [s], kind: 'resource', resources: parts, bases });
}
