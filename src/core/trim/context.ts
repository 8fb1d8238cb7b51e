/**
 * What trim asks about each granted action while deciding: its use (merged across the ledger's entries), why
 * its use may be invisible (baselines, a call of its service the catalog cannot map, never logged, secondary, a
 * dependent the records cannot show, no evidence), whether the trail would have recorded it on a statement's
 * resources, and what a removal rests on.
 */
import type { ObservationEvidence } from '../trail/evidence.js';
import type { ActionUsage } from '../usage/types.js';
import { mergeActionUsages } from '../usage/usage-view.js';
import type { Analyzed, Unobs } from './model.js';
import { unmappedReasons } from './unmapped-grants.js';
import type { LastAccess, TrimInput } from './types.js';
import { ACTION_PATTERN, compilePatternUnion } from '../wildcard.js';

/** The questions of {@link createDecisionContext}. */
export interface DecisionContext {
  /** The catalog's canonical id of an action (as given when unknown). */
  canon(action: string): string;
  /** The role's successful use of an action, merged over primary and secondary entries; undefined if unused. */
  usedOf(action: string): ActionUsage | undefined;
  /** Why the action's use cannot be seen whatever the trail records; undefined when it could be. */
  staticReason(action: string): Unobs | undefined;
  /** Whether an unobservable action is kept: always, unless the user asked to drop them (for its service). */
  keepsUnobservable(action: string): boolean;
  /** Whether the action takes a resource type, and is read-only (List/Read), from one catalog lookup (cached). */
  facts(action: string): ActionFacts;
  /** The statement's resource patterns on which the trail would not have recorded a call, and why. */
  recordingGaps(action: string, s: Analyzed): { unrecorded: string[]; reason?: Unobs };
  /** What removing an observable action rests on (its evidence tier and source). */
  evidenceOfRemoval(action: string): ObservationEvidence;
  /** IAM's action-level evidence that the action was used in the window (`--access-advisor`); undefined otherwise. */
  lastAccessOf(action: string): LastAccess | undefined;
  /** IAM's service-level evidence that an action it does not track could have been used: its service's last access. */
  serviceUseOf(action: string): LastAccess | undefined;
  /** Why the action's service is trusted as never accessed (`--trust-access-advisor`); undefined when it is not. */
  neverAccessedReason(action: string): string | undefined;
}

/** What decisions need of an action's catalog entry. */
export interface ActionFacts {
  takesResource: boolean;
  readOnly: boolean;
}

/** The four answers of `facts`, by takesResource + 2 × readOnly (shared and frozen). */
const FACTS: readonly ActionFacts[] = [
  Object.freeze({ takesResource: false, readOnly: false }),
  Object.freeze({ takesResource: true, readOnly: false }),
  Object.freeze({ takesResource: false, readOnly: true }),
  Object.freeze({ takesResource: true, readOnly: true }),
];

/** The one resource pattern a NotResource statement is asked about (never mutated). */
const ANY_RESOURCE: readonly string[] = Object.freeze(['*']);

/** Builds the context over one trim input. */
export function createDecisionContext(input: TrimInput): DecisionContext {
  const { catalog, knowledge, recording, usage } = input;
  const opts = input.options ?? {};
  const canon = (a: string) => catalog.action(a)?.id ?? a;
  const usedBy = new Map<string, ActionUsage[]>();
  const usedIds = new Set<string>();
  for (const u of usage.used) {
    const id = canon(u.action);
    const k = id.toLowerCase();
    usedIds.add(id);
    usedBy.set(k, [...(usedBy.get(k) ?? []), u]);
  }
  const usedMemo = new Map<string, ActionUsage>();
  const dropServices = opts.dropUnobservableServices ? new Set(opts.dropUnobservableServices.map((x) => x.toLowerCase())) : undefined;
  const keepOnly = opts.keepUnobservableOnly ? compilePatternUnion(opts.keepUnobservableOnly, ACTION_PATTERN) : undefined;
  const staticReasons = staticReasonsOf(input, canon);
  const la = input.lastAccessed;
  // The catalog caches its infos: one lookup and one of four shared answers, no object per action.
  const facts = (action: string): ActionFacts => {
    const info = catalog.action(action);
    if (!info) return FACTS[1]!;
    const readOnly = info.accessLevel === 'Read' || info.accessLevel === 'List';
    return FACTS[(info.resourceTypes.length > 0 ? 1 : 0) + (readOnly ? 2 : 0)]!;
  };
  return {
    facts,
    canon,
    usedOf(a) {
      // Asked by decisions and again by findings, by the exact id: merge once. Only uses are remembered
      // (a handful), not the ~22,000 unused actions of a `*` grant.
      const hit = usedMemo.get(a);
      if (hit) return hit;
      // A catalog id spelled as the catalog spells it is used only if it is a used action's canonical id (any
      // other casing of it canonicalizes to it): no lower-cased copy for each of a `*` grant's ~22,000 actions.
      if (!usedIds.has(a) && catalog.action(a)?.id === a) return undefined;
      const list = usedBy.get(a.toLowerCase());
      if (!list) return undefined;
      const merged = mergeActionUsages(list);
      usedMemo.set(a, merged);
      return merged;
    },
    staticReason: staticReasons,
    keepsUnobservable: (a) =>
      ((opts.keepUnobservable ?? true) || (dropServices !== undefined && !dropServices.has(serviceKey(a)))) &&
      (keepOnly === undefined || keepOnly(a)) &&
      !la?.dropUnobservableOf.has(serviceKey(a)),
    lastAccessOf: (a) => la?.actionsUsed.get(a.toLowerCase()),
    serviceUseOf: (a) => (la && !la.tracks(a) ? la.servicesUsed.get(serviceKey(a)) : undefined),
    neverAccessedReason: (a) => la?.dropUnobservableOf.get(serviceKey(a)),
    recordingGaps(action, s) {
      const { readOnly } = facts(action);
      const unrecorded: string[] = [];
      let reason: Unobs | undefined;
      const patterns = s.kind === 'resource' ? s.patterns : ANY_RESOURCE;
      // Indexed: asked for each of a `*` grant's ~22,000 actions, mostly before the optimizing compiler has caught up.
      for (let i = 0; i < patterns.length; i++) {
        const p = patterns[i]!;
        const ans = recording.wouldRecord({
          action,
          eventSource: knowledge.eventSourceOf(action),
          readOnly,
          dataEventType: knowledge.dataEventTypeOf(action),
          resourcePattern: p,
          scope: knowledge.scopeOf(action),
        });
        if (!ans.recorded) {
          unrecorded.push(p);
          reason ??= { code: ans.code, reason: ans.reason };
        }
      }
      return reason ? { unrecorded, reason } : { unrecorded };
    },
    evidenceOfRemoval(a) {
      const dataType = knowledge.dataEventTypeOf(a);
      if (dataType) return { tier: 'selector', source: `${dataType} data events, which ${recording.source} records` };
      return knowledge.observationEvidence(a) ?? { tier: 'assumed', source: 'no evidence is recorded for it' };
    },
  };
}

/** The lower-case IAM prefix of an action (`sns` of `SNS:Publish`). */
function serviceKey(action: string): string {
  const colon = action.indexOf(':');
  return (colon < 0 ? action : action.slice(0, colon)).toLowerCase();
}

/**
 * The static reasons an action's use cannot be seen, most specific first: a baseline the user kept, never
 * logged, only secondary, a dependent of an operation that ran which its record cannot show, no evidence.
 */
function staticReasonsOf(input: TrimInput, canon: (a: string) => string): (a: string) => Unobs | undefined {
  const { catalog, knowledge, usage } = input;
  // Keyed by canonical id: the tables name catalog actions, and every casing of an id canonicalizes to the same
  // one (asked about ~22,000 ids of a `*` grant, with no lower-cased copy of each).
  const baseline = new Map<string, Unobs>();
  for (const name of [...(input.options?.baselines ?? ['lambda-basic'])].sort()) {
    for (const r of knowledge.baseline(name)) {
      const k = canon(r.action);
      if (!baseline.has(k)) baseline.set(k, { code: 'baseline', reason: `${r.reason} (baseline ${name})` });
    }
  }
  // Actions an operation that ran may also have needed, which its record cannot show (a KMS key, a replica):
  // kept as granted whenever that operation ran.
  const possiblyNeeded = new Map<string, Unobs>();
  for (const u of usage.used) {
    for (const name of u.eventNames) {
      for (const d of knowledge.possiblyNeededBy(canon(u.action), name)) {
        const k = canon(d.action);
        if (!possiblyNeeded.has(k)) possiblyNeeded.set(k, { code: 'dependent-unknowable', reason: `${name} ran; ${d.reason}` });
      }
    }
  }
  const unmapped = unmappedReasons(usage.unmapped ?? []);
  return (a) => {
    // Undefined for an action the catalog lacks, which no table names.
    const id = catalog.action(a)?.id;
    const b = id === undefined ? undefined : baseline.get(id);
    if (b) return b;
    const um = unmapped.size === 0 ? undefined : unmapped.get(a.slice(0, a.indexOf(':')).toLowerCase());
    if (um) return um;
    const nl = knowledge.neverLoggedReason(a);
    if (nl) return { code: 'never-logged', reason: nl };
    const so = knowledge.secondaryOnlyReason(a);
    if (so) return { code: 'secondary-only', reason: so };
    const dep = id === undefined ? undefined : possiblyNeeded.get(id);
    if (dep) return dep;
    const ni = knowledge.unidentifiableReason(a);
    if (ni) return { code: 'not-identifiable', reason: ni };
    return undefined;
  };
}
