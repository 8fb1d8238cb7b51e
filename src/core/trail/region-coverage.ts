/**
 * Which AWS Regions the activity that was read covers, and so where the absence of a call proves something.
 * A management event is recorded in the Region the call was made in (global services such as IAM: in
 * us-east-1, and only by trails that include global service events). A call that could have been made in a
 * Region whose logs were not read is not evidence of non-use.
 *
 * Sources: AWS CloudTrail User Guide, "Working with CloudTrail trails" (single- and multi-Region trails) and
 * "Global service events" (retrieved 2026-12-07); CloudTrail API Reference, `Trail` (`IsMultiRegionTrail`,
 * `IncludeGlobalServiceEvents`, `HomeRegion`).
 */
import { TrailConfigError } from './errors.js';

/** What the trail configuration says about Regions, when it says anything (`aws cloudtrail get-trail`). */
export interface TrailRegionFacts {
  multiRegion?: boolean;
  globalEvents?: boolean;
  homeRegion?: string;
}

/** The Regions the read covers. */
export interface RegionCoverage {
  /** `all`, or the Regions whose logs were read. */
  regions: 'all' | readonly string[];
  /** True when global service events (IAM, recorded in us-east-1) are in the inputs; undefined when unknown. */
  globalEvents?: boolean;
  /** How the coverage was decided, for the summary. */
  basis: string;
}

/** The region where global services' events are recorded (CloudTrail User Guide, "Global service events"). */
export const GLOBAL_EVENTS_REGION = 'us-east-1';

/** One source read: a trail's delivery (every Region it writes), or a read limited to some Regions. */
export type RegionRead = { kind: 'delivery'; label: string } | { kind: 'regions'; label: string; regions: readonly string[] };

/** What the inputs tell about Regions. */
export interface CoverageInputs {
  trail?: TrailRegionFacts;
  reads: readonly RegionRead[];
  /** Regions of the calls read (any principal). */
  regionsInRecords: readonly string[];
  /** True when Event history (LookupEvents) was read: its us-east-1 history holds global service events. */
  lookup?: boolean;
}

/**
 * The Region folder a path of the S3 delivery layout names (`…/CloudTrail/eu-west-1/…`), if any. Looser than
 * `parseTrailPath` (layout.ts) on purpose: a Region folder copied out of its `AWSLogs/ACCOUNT/` tree still limits
 * what the read covers, and reading it as a whole delivery could remove a grant used elsewhere.
 */
export function regionOfLayoutPath(path: string): string | undefined {
  return /(?:^|[\\/])CloudTrail[\\/]([a-z]{2}(?:-[a-z]+)+-\d+)(?:[\\/]|$)/.exec(path)?.[1];
}

/** Local paths as reads: a path inside one Region's folder of the delivery layout reads that Region only. */
export function localReads(paths: readonly string[]): RegionRead[] {
  return paths.map((p) => {
    const r = regionOfLayoutPath(p);
    return r ? { kind: 'regions' as const, label: p, regions: [r] } : { kind: 'delivery' as const, label: p };
  });
}

function union(a: RegionCoverage['regions'], b: RegionCoverage['regions']): RegionCoverage['regions'] {
  if (a === 'all' || b === 'all') return 'all';
  return [...new Set([...a, ...b])].sort();
}

/** What one trail delivery covers, from the trail's facts; and the sentence saying why. */
function deliveryCoverage(t: TrailRegionFacts, regionsInRecords: readonly string[]): [RegionCoverage['regions'], string] {
  if (t.multiRegion === true) return ['all', 'the trail is multi-Region and its delivery was read'];
  if (t.multiRegion === false && t.homeRegion) return [[t.homeRegion], `the trail is single-Region (${t.homeRegion})`];
  return [
    [...regionsInRecords].sort(),
    `the trail configuration does not say IsMultiRegionTrail (add it from \`aws cloudtrail get-trail\`), so only the Regions the records show count (${regionsInRecords.join(', ') || 'none'})`,
  ];
}

/**
 * Decide the covered Regions: a trail delivery covers every Region when the trail is multi-Region, its home
 * Region when single-Region, and only the Regions the records show when the configuration does not say; a read
 * limited to some Regions (one Region's folder, Event history per Region) covers those.
 */
export function decideRegionCoverage(inputs: CoverageInputs): RegionCoverage {
  const t = inputs.trail ?? {};
  const basis: string[] = [];
  let regions: RegionCoverage['regions'] = [];
  if (inputs.reads.some((r) => r.kind === 'delivery')) {
    const [covered, why] = deliveryCoverage(t, inputs.regionsInRecords);
    regions = union(regions, covered);
    basis.push(why);
  }
  for (const r of inputs.reads) {
    if (r.kind !== 'regions') continue;
    regions = union(regions, r.regions);
    basis.push(`${r.label} holds ${r.regions.join(', ') || 'no Region'} only`);
  }
  const coversGlobalRegion = regions === 'all' || regions.includes(GLOBAL_EVENTS_REGION);
  let globalEvents: boolean | undefined = t.globalEvents ?? (t.multiRegion === true ? true : undefined);
  const lookedUpGlobal = inputs.reads.some((r) => r.kind === 'regions' && r.label === 'lookup' && r.regions.includes(GLOBAL_EVENTS_REGION));
  if (inputs.lookup && lookedUpGlobal) globalEvents = true;
  if (!coversGlobalRegion) globalEvents = false;
  return { regions, ...(globalEvents !== undefined ? { globalEvents } : {}), basis: [...new Set(basis)].join('; ') };
}

/** The Region a resource pattern pins (`arn:P:svc:REGION:…` with a literal Region), else undefined (any Region). */
export function regionOfPattern(pattern: string): string | undefined {
  const m = /^arn:[^:]*:[^:]*:([^:]*):/.exec(pattern);
  const r = m?.[1];
  return r && !/[*?$]/.test(r) ? r : undefined;
}

/**
 * Would a call of `action` granted on `resourcePattern` have been in the logs read, Region-wise? Undefined
 * when yes; otherwise the sentence saying why not.
 */
export function regionGap(coverage: RegionCoverage, q: { action: string; resourcePattern: string; scope?: 'regional' | 'global' }): string | undefined {
  const list = coverage.regions === 'all' ? undefined : coverage.regions;
  const read = list ? (list.length ? list.join(', ') : 'no Region') : 'every Region';
  if (q.scope === 'global') {
    if (coverage.globalEvents === true && (list === undefined || list.includes(GLOBAL_EVENTS_REGION))) return undefined;
    return `calls of ${q.action} (a global service) are recorded only in ${GLOBAL_EVENTS_REGION} by trails that include global service events, which the logs read ${coverage.globalEvents === false ? 'do not' : 'are not known to'} hold (${coverage.basis})`;
  }
  if (list === undefined) return undefined;
  const pinned = regionOfPattern(q.resourcePattern);
  if (pinned !== undefined && list.includes(pinned)) return undefined;
  return `calls of ${q.action} could have been made in ${pinned ?? 'any Region'}, but the logs read cover only ${read} (${coverage.basis})`;
}

/**
 * `IsMultiRegionTrail`, `IncludeGlobalServiceEvents` and `HomeRegion`, at the top level or inside `Trail` (what
 * `aws cloudtrail get-trail` prints), so a file may hold both outputs merged. The Region of `TrailARN` is the
 * home Region when `HomeRegion` is absent. Undefined when none is given.
 */
export function parseRegionFacts(json: Record<string, unknown>, source: string, trailArn: string | undefined): TrailRegionFacts | undefined {
  const t = typeof json.Trail === 'object' && json.Trail !== null && !Array.isArray(json.Trail) ? (json.Trail as Record<string, unknown>) : {};
  const pick = (key: string): unknown => json[key] ?? t[key];
  const facts: TrailRegionFacts = {};
  for (const [key, field] of [['IsMultiRegionTrail', 'multiRegion'], ['IncludeGlobalServiceEvents', 'globalEvents']] as const) {
    const v = pick(key);
    if (v === undefined) continue;
    if (typeof v !== 'boolean') throw new TrailConfigError(source, key, `must be true or false, found ${JSON.stringify(v)}`);
    facts[field] = v;
  }
  const home = pick('HomeRegion');
  if (home !== undefined && typeof home !== 'string') throw new TrailConfigError(source, 'HomeRegion', `must be a Region name, found ${JSON.stringify(home)}`);
  const arnRegion = /^arn:[^:]+:cloudtrail:([a-z0-9-]+):/.exec(trailArn ?? String(t.TrailARN ?? ''))?.[1];
  if (home ?? arnRegion) facts.homeRegion = (home as string | undefined) ?? arnRegion;
  return facts.multiRegion === undefined && facts.globalEvents === undefined ? (facts.homeRegion ? facts : undefined) : facts;
}
