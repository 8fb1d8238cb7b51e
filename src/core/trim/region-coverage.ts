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
import type { TrailRecording } from './trail-recording.js';

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

/** What the inputs tell about Regions. */
export interface CoverageInputs {
  trail?: TrailRegionFacts;
  /** Local paths read (`--trail PATH`): a path inside `CloudTrail/REGION/` restricts the read to that Region. */
  localPaths: readonly string[];
  /** Regions of the calls read (any principal). */
  regionsInRecords: readonly string[];
  /** Regions read from AWS (trail bucket listing by Region, Event history per Region); undefined when none. */
  remoteRegions?: readonly string[];
  /** True when Event history (LookupEvents) was read: its us-east-1 history holds global service events. */
  lookup?: boolean;
}

/** The Region folder a path of the S3 delivery layout names (`…/CloudTrail/eu-west-1/…`), if any. */
export function regionOfLayoutPath(path: string): string | undefined {
  return /(?:^|[\\/])CloudTrail[\\/]([a-z]{2}(?:-[a-z]+)+-\d+)(?:[\\/]|$)/.exec(path)?.[1];
}

function union(a: RegionCoverage['regions'], b: readonly string[]): RegionCoverage['regions'] {
  if (a === 'all') return 'all';
  return [...new Set([...a, ...b])].sort();
}

/**
 * Decide the covered Regions. Local files: a multi-Region trail covers every Region unless a path names one
 * Region's folder (then those Regions); a single-Region trail its home Region; an unknown trail only the Regions
 * the records show. Remote reads cover the Regions they read.
 */
export function decideRegionCoverage(inputs: CoverageInputs): RegionCoverage {
  const t = inputs.trail ?? {};
  const basis: string[] = [];
  let regions: RegionCoverage['regions'] = [];
  if (inputs.localPaths.length > 0) {
    const named = inputs.localPaths.map(regionOfLayoutPath);
    const restricted = named.every((r) => r !== undefined) ? (named as string[]) : undefined;
    if (t.multiRegion === true && !restricted) {
      regions = 'all';
      basis.push('the trail is multi-Region and the files read are its delivery for every Region');
    } else if (restricted) {
      regions = union(regions, restricted);
      basis.push(`the files read are those of ${[...new Set(restricted)].sort().join(', ')} only`);
    } else if (t.multiRegion === false && t.homeRegion) {
      regions = union(regions, [t.homeRegion]);
      basis.push(`the trail is single-Region (${t.homeRegion})`);
    } else {
      regions = union(regions, inputs.regionsInRecords);
      basis.push(
        `the trail configuration does not say IsMultiRegionTrail, so only the Regions the records show are covered (${inputs.regionsInRecords.join(', ') || 'none'})`,
      );
    }
  }
  if (inputs.remoteRegions !== undefined) {
    regions = union(regions, inputs.remoteRegions);
    basis.push(`the logs read from AWS cover ${[...inputs.remoteRegions].sort().join(', ') || 'no Region'}`);
  }
  const coversGlobalRegion = regions === 'all' || regions.includes(GLOBAL_EVENTS_REGION);
  let globalEvents: boolean | undefined = t.globalEvents ?? (t.multiRegion === true ? true : undefined);
  if (inputs.lookup && inputs.remoteRegions?.includes(GLOBAL_EVENTS_REGION)) globalEvents = true;
  if (!coversGlobalRegion) globalEvents = false;
  return { regions, ...(globalEvents !== undefined ? { globalEvents } : {}), basis: basis.join('; ') };
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
    return `${q.action} is a global service's action, recorded only in ${GLOBAL_EVENTS_REGION} by trails that include global service events, which the logs read ${coverage.globalEvents === false ? 'do not' : 'are not known to'} hold (${coverage.basis})`;
  }
  if (list === undefined) return undefined;
  const pinned = regionOfPattern(q.resourcePattern);
  if (pinned !== undefined && list.includes(pinned)) return undefined;
  return `${q.action} could have been called in ${pinned ?? 'any Region'}, but the logs read cover only ${read} (${coverage.basis})`;
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

/**
 * The recording restricted to the Regions the logs read cover: a call the selectors record is still unseen
 * when it could have been made in a Region (or, for a global service, with global service events) outside
 * the read. The coverage's basis joins the notes.
 */
export function withRegionCoverage(recording: TrailRecording, coverage: RegionCoverage): TrailRecording {
  return {
    ...recording,
    coverage,
    notes: [...recording.notes, `Regions covered: ${coverage.regions === 'all' ? 'every Region' : coverage.regions.join(', ') || 'none'} (${coverage.basis}).`],
    wouldRecord(q) {
      const a = recording.wouldRecord(q);
      if (!a.recorded) return a;
      const gap = regionGap(coverage, q);
      return gap ? { recorded: false, code: 'region-not-covered', reason: gap } : a;
    },
  };
}

