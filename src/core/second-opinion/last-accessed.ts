/**
 * IAM's last-accessed information as evidence for trim (`suggest --access-advisor`). IAM records every authenticated
 * attempt, refused ones as well as successful ones (IAM API Reference, GenerateServiceLastAccessedDetails, read
 * 2026-12-07), and reports recent activity within about four hours (same page):
 * a date is evidence that an action may be needed, never that it succeeded. Three rules, each erring towards keeping:
 * - A tracked action that action-level data shows used inside the window is kept as granted, even when the trail
 *   has no record of it (a Region or a stretch of time the trail does not cover).
 * - For actions action-level data does not track, service-level use only confirms that the service's unobservable
 *   actions stay (they stay anyway; the finding says so).
 * - A service the role's policies grant that IAM shows never accessed in its whole tracking period is reported
 *   first. Its unobservable actions are removed on this evidence only when the user trusts it
 *   (`--trust-access-advisor`), the tracking period is known for every Region of the run and covers the window,
 *   and the trail does not contradict it.
 */
import type { LastAccess, LastAccessedInput } from '../trim/types.js';
import type { TimeWindow } from '../usage/time-window.js';
import { trackingSince } from './tracking.js';
import type { LastAccessedNotes, LastAccessedReport, NeverAccessedService, TrackingTable } from './types.js';

/** What `buildLastAccessedEvidence` needs besides IAM's report. */
export interface LastAccessedContext {
  window: TimeWindow;
  /** Regions the role's activity was read in (and the run's Region): where the never-accessed evidence must hold. */
  regions: readonly string[];
  /** IAM prefixes (any case) the trail shows the role using: IAM's "never accessed" is not trusted against them. */
  usedServices: readonly string[];
  tracks: (action: string) => boolean;
  table: TrackingTable;
  /** `--trust-access-advisor`. */
  trust: boolean;
}

/** The evidence trim takes, and the notes the report prints. */
export interface LastAccessedEvidence {
  input: LastAccessedInput;
  notes: LastAccessedNotes;
}

/** Whether an ISO 8601 time lies inside the window (an open end is unbounded). */
function inWindow(at: string, w: TimeWindow): boolean {
  const t = Date.parse(at);
  if (Number.isNaN(t)) return false;
  return (!w.since || t >= w.since.getTime()) && (!w.until || t <= w.until.getTime());
}

/** The evidence of one report, in the context of one run. */
export function buildLastAccessedEvidence(report: LastAccessedReport, c: LastAccessedContext): LastAccessedEvidence {
  const actionsUsed = new Map<string, LastAccess>();
  const servicesUsed = new Map<string, LastAccess>();
  const never: LastAccessedReport['services'] = [];
  for (const s of report.services) {
    const svc = s.namespace.toLowerCase();
    if (s.lastAuthenticated) servicesUsed.set(svc, s.lastAuthenticatedRegion ? { at: s.lastAuthenticated, region: s.lastAuthenticatedRegion } : { at: s.lastAuthenticated });
    else never.push(s);
    for (const t of s.trackedActions) {
      const action = `${svc}:${t.action}`.toLowerCase();
      // Only what IAM both tracks and dates inside the window is evidence of use in the window.
      if (!t.lastAccessed || !c.tracks(action) || !inWindow(t.lastAccessed, c.window)) continue;
      actionsUsed.set(action, t.region ? { at: t.lastAccessed, region: t.region } : { at: t.lastAccessed });
    }
  }
  const tracking = trackingSince(c.table, c.regions, report.jobCreatedAt);
  const used = new Set(c.usedServices.map((x) => x.toLowerCase()));
  const contradicted = never.map((s) => s.namespace.toLowerCase()).filter((s) => used.has(s)).sort();
  const notTrusted = trustBlocker(c, tracking.since, tracking.regions.filter((r) => !r.began).map((r) => r.region));
  const dropUnobservableOf = new Map<string, string>();
  const neverAccessed: NeverAccessedService[] = [];
  for (const s of [...never].sort((a, b) => (a.namespace < b.namespace ? -1 : 1))) {
    const svc = s.namespace.toLowerCase();
    const blocker = used.has(svc) ? 'the trail shows it used (IAM reports use up to about four hours late)' : notTrusted;
    const trusted = c.trust && blocker === undefined;
    if (trusted) dropUnobservableOf.set(svc, `IAM's last-accessed information shows ${svc} never accessed since ${tracking.since}`);
    neverAccessed.push({ service: svc, ...(s.name ? { name: s.name } : {}), trusted, ...(c.trust && blocker ? { notTrustedBecause: blocker } : {}) });
  }
  return {
    input: { actionsUsed, servicesUsed, tracks: c.tracks, dropUnobservableOf },
    notes: {
      role: report.arn,
      jobCreatedAt: report.jobCreatedAt,
      ...(tracking.since ? { trackingSince: tracking.since } : {}),
      regions: tracking.regions,
      neverAccessed,
      contradicted,
      trust: c.trust,
      source: c.table.source,
    },
  };
}

/** Why never-accessed evidence cannot be trusted for this run, or undefined when it can. */
function trustBlocker(c: LastAccessedContext, since: string | undefined, unknown: string[]): string | undefined {
  if (unknown.length) return `the date IAM began tracking in ${unknown.join(', ')} is not in policy-trim's table`;
  if (!since) return 'no Region of the run is known';
  if (!c.window.since) return 'the window has no start, so the tracking period cannot be shown to cover it';
  if (since > c.window.since.toISOString().slice(0, 10)) return `the tracking period starts on ${since}, after the window's start`;
  return undefined;
}
