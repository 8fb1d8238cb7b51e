/**
 * Resolves a CloudTrail (eventSource, eventName) pair to IAM terms: the service prefix, the operation name
 * after version-suffix normalisation, the primary action(s) and the conditional secondary actions. Order
 * (catalog-notes §4): hand-kept exceptions, then the AWS Service Reference operation, then the identical
 * action if the catalog has it; anything else is unknown — never a made-up action name.
 */

import type { Catalog } from '../catalog/types.js';
import type { CloudTrailTables, ConditionalEntry, EventNameEntry } from './tables.js';
import { CloudTrailTableError } from './errors.js';

/** How a primary action list was found. */
export type PrimarySource = 'table' | 'service-reference' | 'service-reference-single' | 'service-reference-ambiguous' | 'identity';

/** An eventSource/eventName pair that maps to IAM actions. */
export interface ResolvedOperation {
  kind: 'mapped';
  prefix: string;
  /** eventName after version-suffix normalisation (`UpdateFunctionCode20150331v2` → `UpdateFunctionCode`). */
  operation: string;
  /** Primary actions (canonical ids). With `split`, the fallback set. */
  primary: string[];
  primarySource: PrimarySource;
  /** The table entry, when the mapping is a hand-kept exception. */
  entry?: EventNameEntry;
  split?: string;
  /** Conditional secondary actions (added by the normalizer only when their trigger is present). */
  conditional: ConditionalEntry[];
}

/** Result of resolving one (eventSource, eventName). */
export type EventResolution =
  | ResolvedOperation
  | { kind: 'non-iam'; prefix?: string; operation: string; reason: string }
  | { kind: 'permission-free'; prefix: string; operation: string; reason: string }
  | { kind: 'unknown-service'; prefix: string; operation: string }
  | { kind: 'unknown-action'; prefix: string; operation: string };

/** Resolver over the tables and the catalog; results are cached per (eventSource, eventName). */
export interface EventMapper {
  /** IAM prefix of an eventSource by the default rule and the exceptions (whether or not the catalog has it). */
  prefixOf(eventSource: string): string;
  /** eventName with any version suffix of this source removed. */
  normalizeEventName(eventSource: string, eventName: string): string;
  resolve(eventSource: string, eventName: string): EventResolution;
  /** The eventSource carrying a prefix's events (`cloudwatch` → `monitoring.amazonaws.com`). */
  eventSourceOf(prefix: string): string;
}

/** Cache bound (distinct eventSource/eventName pairs); AWS has about 17,000 operations in all. */
const MAX_CACHED_PAIRS = 50_000;

/** Canonical id of an action named in a table; throws when the catalog lacks it (tables are bundled). */
function canonical(catalog: Catalog, id: string, where: string): string {
  const a = catalog.action(id);
  if (!a) throw new CloudTrailTableError(`${where} names ${id}, which is not in the IAM catalog`);
  return a.id;
}

/** The tables indexed for lookups by lower-cased eventSource (and operation). */
interface MappingIndex {
  exceptions: Map<string, string>;
  suffixes: string[];
  nonIam: Map<string, string>;
  reverse: Map<string, string>;
  normalizers: { sources: Set<string>; re: RegExp }[];
  ops: Map<string, EventNameEntry>;
  conds: Map<string, ConditionalEntry[]>;
  free: Map<string, string>;
  knownServices: Set<string>;
}

/** Indexes the tables; every action they name is canonicalized (throws {@link CloudTrailTableError} on an unknown one). */
function indexTables(tables: CloudTrailTables, catalog: Catalog): MappingIndex {
  const { eventSources, eventNames, conditional, events } = tables;
  const reverse = new Map<string, string>();
  for (const [src, v] of Object.entries(eventSources.exceptions)) if (v.canonical) reverse.set(v.prefix.toLowerCase(), src);
  const ops = new Map<string, EventNameEntry>();
  for (const [src, byName] of Object.entries(eventNames.operations)) {
    for (const [name, e] of Object.entries(byName)) {
      const fixed: EventNameEntry = { ...e, actions: e.actions.map((a) => canonical(catalog, a, `eventnames.json ${src} ${name}`)) };
      ops.set(`${src.toLowerCase()}\u0000${name}`, fixed);
    }
  }
  const conds = new Map<string, ConditionalEntry[]>();
  for (const [src, byName] of Object.entries(conditional.conditional)) {
    for (const [name, list] of Object.entries(byName)) {
      conds.set(
        `${src.toLowerCase()}\u0000${name}`,
        list.map((c) => ({ ...c, action: canonical(catalog, c.action, `conditional.json ${src} ${name}`) })),
      );
    }
  }
  return {
    exceptions: new Map(Object.entries(eventSources.exceptions).map(([k, v]) => [k.toLowerCase(), v.prefix.toLowerCase()])),
    suffixes: [...eventSources.suffixes].sort((a, b) => b.length - a.length),
    nonIam: new Map(Object.entries(eventSources.nonIam).map(([k, v]) => [k.toLowerCase(), v.reason])),
    reverse,
    normalizers: eventNames.normalizers.map((n) => ({ sources: new Set(n.eventSources.map((x) => x.toLowerCase())), re: new RegExp(n.pattern) })),
    ops,
    conds,
    free: new Map(events.permissionFree.map((p) => [`${p.eventSource.toLowerCase()}\u0000${p.eventName}`, p.reason])),
    knownServices: new Set(catalog.services().map((x) => x.toLowerCase())),
  };
}

function prefixOf(ix: MappingIndex, eventSource: string): string {
  const src = eventSource.toLowerCase();
  const ex = ix.exceptions.get(src);
  if (ex) return ex;
  for (const s of ix.suffixes) if (src.endsWith(s)) return src.slice(0, -s.length);
  return src;
}

function normalizeEventName(ix: MappingIndex, eventSource: string, eventName: string): string {
  const src = eventSource.toLowerCase();
  for (const n of ix.normalizers) {
    if (!n.sources.has(src)) continue;
    const m = n.re.exec(eventName);
    if (m && m[1]) return m[1];
  }
  return eventName;
}

/** The primary action(s) from the Service Reference operation, else the identical action; undefined if neither. */
function primaryFromCatalog(catalog: Catalog, prefix: string, op: string): { primary: string[]; how: PrimarySource } | undefined {
  const authorized = catalog.operationActions(prefix, op);
  if (authorized && authorized.length > 0) {
    const own = authorized.find((a) => a.action.toLowerCase() === `${prefix}:${op}`.toLowerCase());
    if (own) return { primary: [own.action], how: 'service-reference' };
    const same = [...new Set(authorized.filter((a) => a.action.split(':')[0]!.toLowerCase() === prefix).map((a) => a.action))];
    if (same.length === 1) return { primary: same, how: 'service-reference-single' };
    if (same.length > 1) return { primary: same.sort(), how: 'service-reference-ambiguous' };
  }
  const id = catalog.action(`${prefix}:${op}`);
  if (id) return { primary: [id.id], how: 'identity' };
  return undefined;
}

function resolveUncached(ix: MappingIndex, catalog: Catalog, eventSource: string, eventName: string): EventResolution {
  const src = eventSource.toLowerCase();
  const operation = normalizeEventName(ix, eventSource, eventName);
  const nonIamReason = ix.nonIam.get(src);
  if (nonIamReason) return { kind: 'non-iam', operation, reason: nonIamReason };
  const prefix = prefixOf(ix, eventSource);
  const freeReason = ix.free.get(`${src}\u0000${operation}`);
  if (freeReason) return { kind: 'permission-free', prefix, operation, reason: freeReason };
  if (!ix.knownServices.has(prefix)) return { kind: 'unknown-service', prefix, operation };
  const conditionalList = ix.conds.get(`${src}\u0000${operation}`) ?? [];
  const entry = ix.ops.get(`${src}\u0000${operation}`);
  if (entry) {
    return {
      kind: 'mapped',
      prefix,
      operation,
      primary: entry.actions,
      primarySource: 'table',
      entry,
      ...(entry.split ? { split: entry.split } : {}),
      conditional: conditionalList,
    };
  }
  const found = primaryFromCatalog(catalog, prefix, operation);
  if (!found) return { kind: 'unknown-action', prefix, operation };
  return { kind: 'mapped', prefix, operation, primary: found.primary, primarySource: found.how, conditional: conditionalList };
}

/**
 * Builds the resolver. Validates every action named in the eventName and conditional tables against the
 * catalog and throws {@link CloudTrailTableError} on the first unknown one.
 */
export function createEventMapper(tables: CloudTrailTables, catalog: Catalog): EventMapper {
  const ix = indexTables(tables, catalog);
  const cache = new Map<string, EventResolution>();
  return {
    prefixOf: (eventSource) => prefixOf(ix, eventSource),
    normalizeEventName: (eventSource, eventName) => normalizeEventName(ix, eventSource, eventName),
    resolve(eventSource, eventName) {
      const key = `${eventSource}\u0000${eventName}`;
      let r = cache.get(key);
      if (!r) {
        // Bounded: real trails hold a few thousand distinct pairs; junk input must not grow memory forever.
        if (cache.size >= MAX_CACHED_PAIRS) cache.clear();
        r = resolveUncached(ix, catalog, eventSource, eventName);
        cache.set(key, r);
      }
      return r;
    },
    eventSourceOf(prefix) {
      const p = prefix.toLowerCase();
      return ix.reverse.get(p) ?? `${p}.amazonaws.com`;
    },
  };
}
