/**
 * {@link CloudTrailKnowledge} over the hand-kept tables in `data/cloudtrail/`: which actions are data events,
 * never logged, only secondary, permission-free, and the per-workload baselines.
 */

import type { Catalog } from '../catalog/types.js';
import type { CloudTrailKnowledge, UnobservableReason } from './knowledge-types.js';
import { CloudTrailTableError } from './errors.js';
import type { CloudTrailTables } from './tables.js';
import { createEventMapper, type EventMapper } from './event-mapping.js';
import { createEvidenceIndex, type EvidenceIndex, type ObservationEvidence } from './evidence.js';

/** Options of {@link createCloudTrailKnowledge}. */
export interface KnowledgeOptions {
  /**
   * Trust that an action of the unknown tier (no proven or documented evidence, no exception naming it) would
   * have been logged as a management event: the user's opt-in `--assume-management-logged`.
   */
  assumeManagementLogged?: boolean;
}

/** Bound of the per-action memo: the catalog's ~22,000 actions with room for other spellings. */
const MAX_MEMOIZED_ACTIONS = 100_000;

/** Sentence for an action of the unknown tier. */
const UNKNOWN_TIER_REASON =
  'neither AWS policy generation (Service Reference SupportedBy), nor recorded CloudTrail, nor the service\'s CloudTrail ' +
  'logging page in policy-trim\'s evidence table shows that CloudTrail records this action as a management event, ' +
  'and it is no known data event, so its absence from the logs proves nothing';

/** Canonical id or throw naming the table (all table actions must be catalog actions). */
function canon(catalog: Catalog, id: string, where: string): string {
  const a = catalog.action(id);
  if (!a) throw new CloudTrailTableError(`${where} names ${id}, which is not in the IAM catalog`);
  return a.id;
}

/** Per action (lower case), the data-event resource type its calls are logged under, by resolving each listed eventName. */
function dataEventTypes(tables: CloudTrailTables, m: EventMapper): Map<string, string> {
  const dataType = new Map<string, string>();
  for (const [type, d] of Object.entries(tables.events.dataEvents)) {
    for (const name of d.eventNames) {
      const r = m.resolve(d.eventSource, name);
      if (r.kind !== 'mapped') {
        throw new CloudTrailTableError(`events.json dataEvents ${type}: ${d.eventSource} ${name} does not map to an IAM action (${r.kind})`);
      }
      for (const a of [...r.primary, ...r.conditional.map((c) => c.action)]) {
        const key = a.toLowerCase();
        if (!dataType.has(key)) dataType.set(key, type);
      }
    }
  }
  return dataType;
}

/** Policy generation's evidence when there are no evidence tables (shared and frozen, as every evidence). */
const POLICY_GENERATION_EVIDENCE: ObservationEvidence = Object.freeze({
  tier: 'proven',
  source: 'AWS Service Reference SupportedBy: IAM Access Analyzer policy generation identifies it from CloudTrail',
});

/** The evidence of an unknown-tier action under `--assume-management-logged` (shared and frozen). */
const ASSUMED_EVIDENCE: ObservationEvidence = Object.freeze({ tier: 'assumed', source: '--assume-management-logged: trusted to be logged as a management event' });

/** Evidence of the management-event tier (without evidence tables, only the Service Reference flag counts). */
function evidenceOfWith(evidence: EvidenceIndex | undefined, catalog: Catalog, action: string): ObservationEvidence | undefined {
  if (evidence) return evidence.evidenceOf(action);
  return catalog.identifiableFromCloudTrail(action) ? POLICY_GENERATION_EVIDENCE : undefined;
}

/** Everything static about one action (trim asks ~8 questions of each of ~22,000 ids); shared, never mutated. */
interface ActionFacts {
  dataType?: string;
  never?: string;
  secondary?: string;
  unidentifiable?: string;
  evidence?: ObservationEvidence;
  scope: 'regional' | 'global';
  eventSource: string;
}

/** The tables factsOf reads, by lower-case action id. */
interface FactTables {
  dataType: Map<string, string>;
  never: Map<string, string>;
  secondary: Map<string, string>;
}

/** What is shared by a service's actions: scope, eventSource, and its facts objects by evidence or reason. */
interface ServiceFacts {
  scope: 'regional' | 'global';
  eventSource: string;
  /** Whether a table names an action of this service (then its actions are looked up by lower-case id). */
  inTables: boolean;
  /** The facts of the service's actions no table names, by their evidence or unidentifiable reason. */
  plain: Map<ObservationEvidence | string | undefined, ActionFacts>;
}

/** The lower-case prefixes (before the first `:`) of the tables' ids. */
function prefixesIn(t: FactTables): Set<string> {
  const out = new Set<string>();
  for (const m of [t.dataType, t.never, t.secondary]) for (const k of m.keys()) out.add(k.slice(0, Math.max(0, k.indexOf(':'))));
  return out;
}

/**
 * An action's facts, memoized by the exact string asked (bounded: callers may ask about spellings read from
 * logs). Its service's scope and eventSource are looked up once per prefix, not once per action; an action no
 * table names shares its facts with the service's others of the same evidence (most of a `*` grant's).
 */
function factsLookup(
  t: FactTables,
  evidence: EvidenceIndex | undefined,
  catalog: Catalog,
  m: EventMapper,
  options: KnowledgeOptions,
): (action: string) => ActionFacts {
  const factsMemo = new Map<string, ActionFacts>();
  const perPrefix = new Map<string, ServiceFacts>();
  const tablePrefixes = prefixesIn(t);
  const serviceOf = (action: string): ServiceFacts => {
    const colon = action.indexOf(':');
    // Without a colon the evidence's prefix is empty and the mapper's is the whole string: not shared.
    if (colon < 0) return { scope: evidence?.scopeOf(action) ?? 'regional', eventSource: m.eventSourceOf(action), inTables: true, plain: new Map() };
    // A catalog id as the catalog spells it (most asked): its info holds the prefix, not sliced off again.
    const info = catalog.action(action);
    const prefix = info !== undefined && info.id === action ? info.service : action.slice(0, colon);
    let svc = perPrefix.get(prefix);
    if (!svc) {
      svc = { scope: evidence?.scopeOf(action) ?? 'regional', eventSource: m.eventSourceOf(prefix), inTables: tablePrefixes.has(prefix.toLowerCase()), plain: new Map() };
      if (perPrefix.size >= MAX_MEMOIZED_ACTIONS) perPrefix.clear();
      perPrefix.set(prefix, svc);
    }
    return svc;
  };
  return (action) => {
    let f = factsMemo.get(action);
    if (f) return f;
    const svc = serviceOf(action);
    const lower = svc.inTables ? action.toLowerCase() : undefined;
    const dataTypeOf = lower === undefined ? undefined : t.dataType.get(lower);
    const found = dataTypeOf === undefined ? evidenceOfWith(evidence, catalog, action) : undefined;
    const exception = dataTypeOf === undefined && !found ? evidence?.exceptionOf(action) : undefined;
    // A data-event action's visibility depends on the trail's selectors, which the recording answers.
    const unidentifiable =
      dataTypeOf !== undefined || found ? undefined : exception ? exception.reason : options.assumeManagementLogged ? undefined : UNKNOWN_TIER_REASON;
    const evidenceOf = dataTypeOf !== undefined ? undefined : (found ?? (options.assumeManagementLogged && !exception ? ASSUMED_EVIDENCE : undefined));
    const never = lower === undefined ? undefined : t.never.get(lower);
    const secondary = lower === undefined ? undefined : t.secondary.get(lower);
    if (dataTypeOf === undefined && never === undefined && secondary === undefined) {
      // Keyed by the one of evidence and reason that is set (never both: a reason means no evidence).
      const key = evidenceOf ?? unidentifiable;
      f = svc.plain.get(key);
      if (!f) svc.plain.set(key, (f = { dataType: undefined, never: undefined, secondary: undefined, unidentifiable, evidence: evidenceOf, scope: svc.scope, eventSource: svc.eventSource }));
    } else {
      f = { dataType: dataTypeOf, never, secondary, unidentifiable, evidence: evidenceOf, scope: svc.scope, eventSource: svc.eventSource };
    }
    if (factsMemo.size >= MAX_MEMOIZED_ACTIONS) factsMemo.clear();
    factsMemo.set(action, f);
    return f;
  };
}

/**
 * Builds the knowledge from the tables and the catalog. Data-event actions are derived by resolving every
 * listed data eventName through the same mapper the normalizer uses (primary, split fallbacks and
 * conditional actions), so the two can never disagree. Throws {@link CloudTrailTableError} when a table
 * names an action the catalog lacks. `mapper` may be passed to share one instance with the normalizer.
 */
export function createCloudTrailKnowledge(
  tables: CloudTrailTables,
  catalog: Catalog,
  mapper?: EventMapper,
  options: KnowledgeOptions = {},
): CloudTrailKnowledge {
  const m = mapper ?? createEventMapper(tables, catalog);
  const evidence: EvidenceIndex | undefined = tables.evidence ? createEvidenceIndex(tables.evidence, catalog) : undefined;
  const dataType = dataEventTypes(tables, m);
  const never = new Map(tables.events.neverLogged.map((f) => [canon(catalog, f.action, 'events.json neverLogged').toLowerCase(), `${f.reason} (source: ${f.source})`]));
  const secondary = new Map(tables.events.secondaryOnly.map((f) => [canon(catalog, f.action, 'events.json secondaryOnly').toLowerCase(), `${f.reason} (source: ${f.source})`]));
  const free = new Set<string>();
  for (const p of tables.events.permissionFree) {
    const id = catalog.action(`${m.prefixOf(p.eventSource)}:${p.eventName}`);
    if (id) free.add(id.id.toLowerCase());
  }
  const baselines = new Map<string, UnobservableReason[]>();
  for (const [name, b] of Object.entries(tables.events.baselines)) {
    baselines.set(
      name,
      b.actions.map((f) => ({ action: canon(catalog, f.action, `events.json baselines.${name}`), code: 'baseline', reason: `${f.reason} (source: ${f.source})` })),
    );
  }
  const factsOf = factsLookup({ dataType, never, secondary }, evidence, catalog, m, options);
  return {
    dataEventTypeOf: (action) => factsOf(action).dataType,
    neverLoggedReason: (action) => factsOf(action).never,
    secondaryOnlyReason: (action) => factsOf(action).secondary,
    unidentifiableReason: (action) => factsOf(action).unidentifiable,
    observationEvidence: (action) => factsOf(action).evidence,
    scopeOf: (action) => factsOf(action).scope,
    possiblyNeededBy: (action, eventName) => {
      const prefix = action.split(':')[0] ?? action;
      return evidence?.unknowableDependents(prefix, m.normalizeEventName(m.eventSourceOf(prefix), eventName)) ?? [];
    },
    isPermissionFree: (action) => free.has(action.toLowerCase()),
    eventSourceOf: (action) => factsOf(action).eventSource,
    baseline: (name) => (baselines.get(name) ?? []).map((r) => ({ ...r })),
    baselineNames: () => [...baselines.keys()].sort(),
  };
}
