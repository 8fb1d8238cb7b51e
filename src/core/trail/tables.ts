/**
 * Shapes of the hand-kept CloudTrail tables in `data/cloudtrail/` and a structural check of the parsed JSON.
 * The adapter reads the files; the core only receives their parsed contents (no I/O here).
 */
import { isObject } from './extractors/common.js';
import { CloudTrailTableError } from './errors.js';
import type { EvidenceTables } from './evidence.js';

/** `data/cloudtrail/event-sources.json`: eventSource → IAM prefix exceptions to the host-label rule. */
export interface EventSourceTable {
  /** Host suffixes stripped by the default rule, longest first (`.amazonaws.com.cn`, `.amazonaws.com`). */
  suffixes: string[];
  exceptions: Record<string, { prefix: string; source: string; canonical?: boolean }>;
  /** Sources whose events are not IAM-authorized API calls (console sign-in). */
  nonIam: Record<string, { reason: string; source: string }>;
  /** Sources a public table maps to a prefix the catalog lacks (kept for the record; resolved as unknown). */
  excluded?: Record<string, { reason: string; source: string }>;
}

/** A version-suffix normaliser applied to eventNames of some sources (`UpdateFunctionCode20150331v2`). */
export interface EventNameNormalizer {
  eventSources: string[];
  /** Regex whose first group is the operation name. */
  pattern: string;
  examples: Record<string, string>;
  source: string;
}

/** One eventName whose IAM action(s) differ from its name or from the Service Reference's superset. */
export interface EventNameEntry {
  /** The primary action(s) the call needs (canonical ids). With `split`, the fallback when the record cannot tell. */
  actions: string[];
  source: string;
  note?: string;
  /** Name of a code splitter choosing among `actions` per request item (`dynamodb-transact-write`, `dynamodb-partiql`). */
  split?: string;
  /** Per action, a named resource extractor overriding the service's default (`kms-source-key`). */
  resources?: Record<string, string>;
  /** Mappings public tools make that are not IAM actions (regression guard). */
  knownWrong?: string[];
  /** True when an action here is not in the operation's Service Reference AuthorizedActions (own source given). */
  beyondServiceReference?: boolean;
}

/** `data/cloudtrail/eventnames.json`. */
export interface EventNameTable {
  normalizers: EventNameNormalizer[];
  /** eventSource → eventName (after normalisation) → entry. */
  operations: Record<string, Record<string, EventNameEntry>>;
}

/** Trigger of a conditional secondary action, tested against `requestParameters`. */
export type Trigger =
  /** Needed on every call of the operation (e.g. BatchGetSecretValue → GetSecretValue per returned secret). */
  | { always: true }
  | { present: string | string[] }
  | { matches: { path: string; regex: string } }
  | { equals: { path: string; value: unknown } };

/** Where a conditional action's resources come from. */
export type ResourceSpec = 'same' | '*' | 'unidentified' | { arnAt: string | string[] } | { extract: string };

/** A secondary action added only when its trigger is in the request. */
export interface ConditionalEntry {
  action: string;
  when: Trigger;
  resource: ResourceSpec;
  source: string;
  /** True when the action is not in the operation's Service Reference AuthorizedActions (own source given). */
  beyondServiceReference?: boolean;
}

/** `data/cloudtrail/conditional.json`. */
export interface ConditionalTable {
  /** eventSource → operation → conditional actions. */
  conditional: Record<string, Record<string, ConditionalEntry[]>>;
}

/** An action with the reason CloudTrail does not show it, and the fact's source. */
export interface ActionFact {
  action: string;
  reason: string;
  source: string;
}

/** `data/cloudtrail/events.json`. */
export interface EventsTable {
  /** CloudTrail data-event resource type → the eventSource and eventNames logged under it. */
  dataEvents: Record<string, { eventSource: string; eventNames: string[]; source: string }>;
  neverLogged: ActionFact[];
  secondaryOnly: ActionFact[];
  permissionFree: { eventSource: string; eventName: string; reason: string; source: string }[];
  baselines: Record<string, { about: string; source: string; actions: ActionFact[] }>;
}

/** All hand-kept CloudTrail tables. */
export interface CloudTrailTables {
  eventSources: EventSourceTable;
  eventNames: EventNameTable;
  conditional: ConditionalTable;
  events: EventsTable;
  /**
   * What CloudTrail is known to record per service and action, and the dependents an operation's record cannot
   * show (`observability.json`, `observed.json`, `authorized-actions.json`; see evidence.ts). Absent
   * in tables built by hand for a test: then no action has evidence beyond the Service Reference flag.
   */
  evidence?: EvidenceTables;
}

/** The bundled files, relative to `data/`, in the order of the {@link CloudTrailTables} fields. */
export const CLOUDTRAIL_TABLE_FILES = {
  eventSources: 'cloudtrail/event-sources.json',
  eventNames: 'cloudtrail/eventnames.json',
  conditional: 'cloudtrail/conditional.json',
  events: 'cloudtrail/events.json',
} as const;

/** The evidence files, relative to `data/` (evidence.ts). */
export const CLOUDTRAIL_EVIDENCE_FILES = {
  observability: 'cloudtrail/observability.json',
  observed: 'cloudtrail/observed.json',
  authorizedActions: 'cloudtrail/authorized-actions.json',
} as const;

function need(cond: boolean, file: string, what: string): void {
  if (!cond) throw new CloudTrailTableError(`${file}: ${what}`);
}

/**
 * Checks the parsed JSON of the four table files has the expected shape and returns it typed.
 * Throws {@link CloudTrailTableError} naming the file and the entry otherwise.
 */
export function parseCloudTrailTables(raw: {
  eventSources: unknown;
  eventNames: unknown;
  conditional: unknown;
  events: unknown;
}): CloudTrailTables {
  const f = CLOUDTRAIL_TABLE_FILES;
  const es = raw.eventSources;
  need(isObject(es) && Array.isArray(es.suffixes) && isObject(es.exceptions) && isObject(es.nonIam), f.eventSources, 'expected {suffixes, exceptions, nonIam}');
  for (const [k, v] of Object.entries((es as Record<string, Record<string, unknown>>).exceptions!)) {
    need(isObject(v) && typeof v.prefix === 'string' && typeof v.source === 'string', f.eventSources, `exception ${k} needs prefix and source`);
  }
  const en = raw.eventNames;
  need(isObject(en) && Array.isArray(en.normalizers) && isObject(en.operations), f.eventNames, 'expected {normalizers, operations}');
  for (const [src, ops] of Object.entries((en as Record<string, Record<string, unknown>>).operations!)) {
    need(isObject(ops), f.eventNames, `operations.${src} must be an object`);
    for (const [op, e] of Object.entries(ops as Record<string, unknown>)) {
      need(isObject(e) && Array.isArray(e.actions) && e.actions.length > 0 && typeof e.source === 'string', f.eventNames, `${src} ${op} needs actions[] and source`);
    }
  }
  for (const n of (en as { normalizers: unknown[] }).normalizers) {
    need(isObject(n) && Array.isArray(n.eventSources) && typeof n.pattern === 'string' && typeof n.source === 'string', f.eventNames, 'normalizer needs eventSources, pattern, source');
  }
  const co = raw.conditional;
  need(isObject(co) && isObject(co.conditional), f.conditional, 'expected {conditional}');
  for (const [src, ops] of Object.entries((co as Record<string, Record<string, unknown>>).conditional!)) {
    for (const [op, list] of Object.entries(ops as Record<string, unknown>)) {
      need(Array.isArray(list), f.conditional, `${src} ${op} must be a list`);
      for (const c of list as unknown[]) {
        need(isObject(c) && typeof c.action === 'string' && isObject(c.when) && c.resource !== undefined && typeof c.source === 'string', f.conditional, `${src} ${op}: entry needs action, when, resource, source`);
      }
    }
  }
  const ev = raw.events;
  need(
    isObject(ev) && isObject(ev.dataEvents) && Array.isArray(ev.neverLogged) && Array.isArray(ev.secondaryOnly) && Array.isArray(ev.permissionFree) && isObject(ev.baselines),
    f.events,
    'expected {dataEvents, neverLogged, secondaryOnly, permissionFree, baselines}',
  );
  return raw as unknown as CloudTrailTables;
}
