/**
 * The bundled last-accessed tables, checked: which actions IAM's action-level data tracks, and when tracking
 * began in each Region (data/iam/last-accessed-*.json; sources in data/NOTICE, section 8).
 */
import { BundledDataError } from '../errors.js';
import type { RegionTracking, TrackingTable } from './types.js';

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Parses data/iam/last-accessed-tracking.json; a damaged file is a {@link BundledDataError}. */
export function parseTrackingTable(json: unknown, file: string): TrackingTable {
  const t = json as { trackingDays?: unknown; regions?: unknown; meta?: { sources?: { regions?: unknown } } };
  const regions = t?.regions;
  const ok =
    typeof t?.trackingDays === 'number' &&
    t.trackingDays > 0 &&
    regions !== null &&
    typeof regions === 'object' &&
    Object.values(regions as object).every((d) => typeof d === 'string' && DATE.test(d));
  if (!ok) throw new BundledDataError(`bundled data file ${file} is damaged (expected trackingDays and regions: {region: YYYY-MM-DD}); reinstall the package`);
  const source = typeof t.meta?.sources?.regions === 'string' ? t.meta.sources.regions : file;
  return { trackingDays: t.trackingDays as number, regions: regions as Record<string, string>, source };
}

/** Parses data/iam/last-accessed-actions.json into "does IAM's action-level data track this action?". */
export function parseTrackedActions(json: unknown, file: string): (action: string) => boolean {
  const services = (json as { services?: unknown })?.services;
  if (!services || typeof services !== 'object' || !Object.values(services).every((l) => Array.isArray(l) && l.every((a) => typeof a === 'string'))) {
    throw new BundledDataError(`bundled data file ${file} is damaged (expected services: {prefix: [action names]}); reinstall the package`);
  }
  const tracked = new Set<string>();
  for (const [prefix, actions] of Object.entries(services as Record<string, string[]>)) for (const a of actions) tracked.add(`${prefix}:${a}`.toLowerCase());
  return (action) => tracked.has(action.toLowerCase());
}

/**
 * Where never-accessed evidence starts for a role active in `regions`: the latest of the Regions' tracking start
 * dates and the start of the tracking period (`trackingDays` before the report). Undefined when a Region's start
 * date is unknown: then nothing can be said for the whole period.
 */
export function trackingSince(table: TrackingTable, regions: readonly string[], reportAt: string): { since?: string; regions: RegionTracking[] } {
  const period = new Date(Date.parse(reportAt) - table.trackingDays * DAY_MS).toISOString().slice(0, 10);
  const out: RegionTracking[] = [...new Set(regions)].sort().map((region) => (table.regions[region] ? { region, began: table.regions[region] } : { region }));
  if (out.length === 0 || out.some((r) => !r.began)) return { regions: out };
  const latest = out.reduce((m, r) => (r.began! > m ? r.began! : m), period);
  return { since: latest, regions: out };
}
