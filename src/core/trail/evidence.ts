/**
 * Evidence that CloudTrail records an action's calls as management events, in tiers a reviewer can weigh:
 * - `proven`: AWS's own policy generation identifies the action from CloudTrail (Service Reference
 *   `SupportedBy`), or the action's event was seen as a management record in real recorded CloudTrail
 *   (`data/cloudtrail/observed.json`, file and eventID cited);
 * - `documented`: the service's "Logging … API calls with AWS CloudTrail" page says its management events are
 *   logged, and no exception (data-event-only, never logged, console-only, secondary) names the action
 *   (`data/cloudtrail/observability.json`, page and date cited per service);
 * - otherwise unknown: kept as unobservable, unless the user opts in with `--assume-management-logged`.
 * Also the dependent actions an operation may need that its record cannot show
 * (`data/cloudtrail/authorized-actions.json`, class `unknowable`). Pure: the tables arrive parsed.
 */

import { isObject } from './extractors/common.js';
import type { Catalog } from '../catalog/types.js';
import { CloudTrailTableError } from './errors.js';

/** Kinds of exception to a service's "management events are logged" line. */
export type ObservabilityExceptionKind = 'data-event' | 'not-logged' | 'console-only' | 'secondary';

/** One service line of `observability.json`. */
export interface ServiceObservability {
  name: string;
  eventSources: string[];
  /** `global`: recorded only in us-east-1, by trails that include global service events. */
  scope: 'regional' | 'global';
  /** The AWS page the line rests on (title and date). */
  source: string;
  exceptions: { actions: string[]; kind: ObservabilityExceptionKind; reason: string; source: string }[];
}

/** `data/cloudtrail/observability.json`. */
export interface ObservabilityTable {
  services: Record<string, ServiceObservability>;
}

/** `data/cloudtrail/observed.json` (generated from the corpora by scripts/corpus-evidence.mjs). */
export interface ObservedTable {
  corpora?: string;
  actions: { action: string; file: string; eventID: string; eventName?: string }[];
}

/** One classified entry of an operation's Service Reference AuthorizedActions. */
export type AuthorizedActionClass =
  | { class: 'primary' | 'always' | 'when'; source?: string }
  | { class: 'never' | 'unknowable'; reason: string; source: string };

/** `data/cloudtrail/authorized-actions.json`: prefix → Operation → action → class. */
export interface AuthorizedActionsTable {
  scope: string[];
  operations: Record<string, Record<string, Record<string, AuthorizedActionClass>>>;
}

/** The evidence tables, as read from `data/cloudtrail/`. */
export interface EvidenceTables {
  observability: ObservabilityTable;
  observed: ObservedTable;
  authorizedActions: AuthorizedActionsTable;
}

/** Evidence that the absence of an action's calls from the logs means they were not made. */
export interface ObservationEvidence {
  /** `selector`: a data event the trail's selectors record; `assumed`: unknown tier, removed on the user's word. */
  tier: 'proven' | 'documented' | 'selector' | 'assumed';
  /** Where the evidence comes from, for the summary and the report. */
  source: string;
}

/** An action an operation that ran may have needed, which its record cannot show. */
export interface PossibleDependency {
  action: string;
  reason: string;
}

/** Answers about one action, derived from the evidence tables. */
export interface EvidenceIndex {
  /** Proven or documented evidence, or undefined (unknown tier). */
  evidenceOf(action: string): ObservationEvidence | undefined;
  /** Why an action named by an exception is not shown by CloudTrail as a management event, if it is named. */
  exceptionOf(action: string): { kind: ObservabilityExceptionKind; reason: string } | undefined;
  scopeOf(action: string): 'regional' | 'global';
  /** Dependents of `operation` (of service `prefix`) that its record cannot show. */
  unknowableDependents(prefix: string, operation: string): PossibleDependency[];
}

/** Shape-checks the three evidence files; throws {@link CloudTrailTableError} naming the file and entry. */
export function parseEvidenceTables(raw: { observability: unknown; observed: unknown; authorizedActions: unknown }): EvidenceTables {
  const o = raw.observability;
  if (!isObject(o) || !isObject(o.services)) throw new CloudTrailTableError('observability.json: expected {services}');
  for (const [k, v] of Object.entries(o.services)) {
    const ok =
      isObject(v) && typeof v.source === 'string' && Array.isArray(v.eventSources) && (v.scope === 'regional' || v.scope === 'global') && Array.isArray(v.exceptions);
    if (!ok) throw new CloudTrailTableError(`observability.json: services.${k} needs eventSources, scope, source, exceptions`);
    for (const e of v.exceptions as unknown[]) {
      if (!isObject(e) || !Array.isArray(e.actions) || typeof e.kind !== 'string' || typeof e.reason !== 'string' || typeof e.source !== 'string') {
        throw new CloudTrailTableError(`observability.json: services.${k}.exceptions: each needs actions, kind, reason, source`);
      }
    }
  }
  const ob = raw.observed;
  if (!isObject(ob) || !Array.isArray(ob.actions)) throw new CloudTrailTableError('observed.json: expected {actions: [...]}');
  const aa = raw.authorizedActions;
  if (!isObject(aa) || !Array.isArray(aa.scope) || !isObject(aa.operations)) throw new CloudTrailTableError('authorized-actions.json: expected {scope, operations}');
  return raw as unknown as EvidenceTables;
}

/**
 * The evidence of an action AWS's policy generation identifies (most of a `*` grant's): one shared object, as
 * every evidence this index returns (frozen: findings and reports hold them).
 */
const POLICY_GENERATION_EVIDENCE: ObservationEvidence = Object.freeze({
  tier: 'proven',
  source: 'AWS Service Reference SupportedBy: IAM Access Analyzer policy generation identifies it from CloudTrail',
});

/** Bound of the per-prefix memo (~400 services; callers may ask about spellings read from logs). */
const MAX_PREFIXES = 10_000;

/** One exception pattern of a service line, compiled. */
interface ExceptionEntry {
  pattern: string;
  re: RegExp;
  kind: ObservabilityExceptionKind;
  reason: string;
}

/** What the evidence index knows of one service prefix. */
interface PrefixEvidence {
  scope: 'regional' | 'global';
  exceptions: ExceptionEntry[];
  /** The documented tier's evidence (its page), shared by the service's actions; undefined without a line. */
  documented?: ObservationEvidence;
  /** Lower-cased action of each exception without wildcards → its first index in `exceptions`. */
  literal: Map<string, number>;
  /** Indexes in `exceptions` of those with wildcards, in order. */
  wildcards: number[];
}

/**
 * A service's exceptions split into literal ASCII ids (looked up) and the rest (tested). For an ASCII
 * action a pattern's case-insensitive regex matches exactly when the lower-cased strings are equal.
 */
function splitExceptions(list: { pattern: string }[]): { literal: Map<string, number>; wildcards: number[] } {
  const literal = new Map<string, number>();
  const wildcards: number[] = [];
  list.forEach((e, i) => {
    if (/[*?]/.test(e.pattern) || !isAscii(e.pattern)) wildcards.push(i);
    else if (!literal.has(e.pattern.toLowerCase())) literal.set(e.pattern.toLowerCase(), i);
  });
  return { literal, wildcards };
}

/** Whether every code unit is ASCII (then lower-casing and a regex's `i` flag fold alike). */
function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}

/** `svc:Get*`-style pattern (within one service) → case-insensitive regex. */
function patternRegex(pattern: string): RegExp {
  const src = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${src}$`, 'i');
}

/**
 * Per prefix as written (the part before the first `:`, empty without one): its line, exceptions and the shared
 * evidence of its documented tier, looked up once, not lower-cased again for each of ~22,000 actions.
 */
function prefixEvidenceLookup(services: Map<string, ServiceObservability>, exceptions: Map<string, ExceptionEntry[]>, catalog: Catalog): (action: string) => PrefixEvidence {
  const perPrefix = new Map<string, PrefixEvidence>();
  return (action) => {
    // A catalog id as the catalog spells it (most asked): its info holds the prefix, not sliced off again.
    const info = catalog.action(action);
    const raw = info !== undefined && info.id === action ? info.service : action.slice(0, Math.max(0, action.indexOf(':')));
    let pe = perPrefix.get(raw);
    if (!pe) {
      const lower = raw.toLowerCase();
      const line = services.get(lower);
      const list = exceptions.get(lower) ?? [];
      pe = {
        scope: line?.scope ?? 'regional',
        exceptions: list,
        ...splitExceptions(list),
        documented: line ? Object.freeze({ tier: 'documented', source: line.source }) : undefined,
      };
      if (perPrefix.size >= MAX_PREFIXES) perPrefix.clear();
      perPrefix.set(raw, pe);
    }
    return pe;
  };
}

/**
 * Builds the index. Every exception pattern must match a catalog action and every prefix must be a catalog
 * service (bundled data: a mismatch is a packaging bug and throws).
 */
export function createEvidenceIndex(tables: EvidenceTables, catalog: Catalog): EvidenceIndex {
  const services = new Map(Object.entries(tables.observability.services).map(([k, v]) => [k.toLowerCase(), v]));
  const known = new Set(catalog.services().map((s) => s.toLowerCase()));
  const exceptions = new Map<string, ExceptionEntry[]>();
  for (const [prefix, line] of services) {
    if (!known.has(prefix)) throw new CloudTrailTableError(`observability.json: ${prefix} is not a service in the IAM catalog`);
    exceptions.set(
      prefix,
      line.exceptions.flatMap((e) =>
        e.actions.map((p) => {
          if (catalog.expandActionPattern(p).length === 0) throw new CloudTrailTableError(`observability.json: ${prefix} exception ${p} matches no catalog action`);
          return { pattern: p, re: patternRegex(p), kind: e.kind, reason: `${e.reason} (source: ${e.source})` };
        }),
      ),
    );
  }
  const observed = new Map<string, ObservationEvidence>();
  for (const o of tables.observed.actions) {
    const id = catalog.action(o.action)?.id.toLowerCase();
    if (id && !observed.has(id)) observed.set(id, Object.freeze({ tier: 'proven', source: `seen as a management event in recorded CloudTrail: ${o.file}, eventID ${o.eventID}` }));
  }
  const unknowable = new Map<string, PossibleDependency[]>();
  for (const [prefix, ops] of Object.entries(tables.authorizedActions.operations)) {
    for (const [op, entries] of Object.entries(ops)) {
      const list: PossibleDependency[] = [];
      for (const [action, c] of Object.entries(entries)) {
        if (c.class !== 'unknowable') continue;
        const id = catalog.action(action)?.id;
        if (!id) throw new CloudTrailTableError(`authorized-actions.json: ${prefix} ${op} names ${action}, which is not in the IAM catalog`);
        list.push({ action: id, reason: `${c.reason} (source: ${c.source})` });
      }
      if (list.length) unknowable.set(`${prefix.toLowerCase()}\u0000${op}`, list);
    }
  }
  const prefixEvidence = prefixEvidenceLookup(services, exceptions, catalog);
  const exceptionIn = (pe: PrefixEvidence, action: string) => {
    if (pe.exceptions.length === 0) return undefined;
    if (!isAscii(action)) return pe.exceptions.find((e) => e.re.test(action));
    // The first exception in table order that matches: a literal one by lookup, a wildcard before it by test.
    const at = pe.literal.get(action.toLowerCase()) ?? pe.exceptions.length;
    for (const i of pe.wildcards) {
      if (i >= at) break;
      if (pe.exceptions[i]!.re.test(action)) return pe.exceptions[i];
    }
    return pe.exceptions[at];
  };
  const exceptionOf = (action: string) => {
    const hit = exceptionIn(prefixEvidence(action), action);
    return hit ? { kind: hit.kind, reason: hit.reason } : undefined;
  };
  return {
    evidenceOf(action) {
      if (catalog.identifiableFromCloudTrail(action)) return POLICY_GENERATION_EVIDENCE;
      const seen = observed.get(action.toLowerCase());
      if (seen) return seen;
      const pe = prefixEvidence(action);
      if (!pe.documented || exceptionIn(pe, action)) return undefined;
      return pe.documented;
    },
    exceptionOf,
    scopeOf: (action) => prefixEvidence(action).scope,
    unknowableDependents: (prefix, operation) => unknowable.get(`${prefix.toLowerCase()}\u0000${operation}`) ?? [],
  };
}
