/**
 * What a CloudTrail trail records, queryable: the event selectors (`selectors.ts`) from the JSON that
 * `aws cloudtrail get-event-selectors` prints, the trail's Region facts from `aws cloudtrail get-trail`, and the
 * Regions the logs read cover (`region-coverage.ts`). Trim asks it "would a call needing action A on resources
 * matching R have been recorded?"; when the answer is no, the absence of A from the logs proves nothing and A is
 * kept as unobservable.
 */
import { isObject } from './extractors/common.js';
import { TrailConfigError } from './errors.js';
import { parseRegionFacts, regionGap, type RegionCoverage, type TrailRegionFacts } from './region-coverage.js';
import {
  explainMissing,
  parseAdvanced,
  parseBasic,
  ruleRecords,
  type RecordingAnswer,
  type RecordingQuery,
  type Rule,
} from './selectors.js';

/** A trail's recording configuration, queryable. */
export interface TrailRecording {
  /** `config`: parsed from a file; `assumed-default`: nothing was given, CloudTrail's default assumed. */
  origin: 'config' | 'assumed-default';
  /** Trail ARN from the configuration, when present. */
  trailArn?: string;
  /** Where the configuration came from (file name), for messages. */
  source: string;
  /** Sentences the summary should show (assumptions, selectors that could not be evaluated). */
  notes: string[];
  /** What the configuration says about Regions (`IsMultiRegionTrail`, …), when it says it. */
  trail?: TrailRegionFacts;
  /** The Regions the logs read cover; absent = not considered (every Region). */
  coverage?: RegionCoverage;
  /** Would a call matching `q` have been recorded? */
  wouldRecord(q: RecordingQuery): RecordingAnswer;
}

function makeRecording(
  rules: Rule[],
  origin: TrailRecording['origin'],
  source: string,
  notes: string[],
  trailArn?: string,
): TrailRecording {
  return {
    origin,
    source,
    notes,
    ...(trailArn ? { trailArn } : {}),
    wouldRecord(q) {
      if (rules.some((r) => ruleRecords(r, q))) return { recorded: true };
      return explainMissing(rules, q, source);
    },
  };
}

/**
 * Parse the JSON printed by `aws cloudtrail get-event-selectors` (already `JSON.parse`d by the caller).
 * Accepts `{TrailARN?, EventSelectors}` or `{TrailARN?, AdvancedEventSelectors}`. Throws
 * {@link TrailConfigError} naming `source` and the JSON path of what is wrong.
 */
export function parseTrailRecording(json: unknown, source: string): TrailRecording {
  if (!isObject(json)) {
    throw new TrailConfigError(source, '', 'expected the JSON object printed by `aws cloudtrail get-event-selectors`');
  }
  const notes: string[] = [];
  const hasBasic = json.EventSelectors !== undefined && json.EventSelectors !== null;
  const hasAdvanced = json.AdvancedEventSelectors !== undefined && json.AdvancedEventSelectors !== null;
  if (!hasBasic && !hasAdvanced) {
    throw new TrailConfigError(
      source,
      '',
      'has neither EventSelectors nor AdvancedEventSelectors; save the output of `aws cloudtrail get-event-selectors --trail-name NAME`',
    );
  }
  const rules: Rule[] = [];
  if (hasBasic) rules.push(...parseBasic(json.EventSelectors, source, notes));
  if (hasAdvanced) rules.push(...parseAdvanced(json.AdvancedEventSelectors, source, notes));
  const trailArn = typeof json.TrailARN === 'string' ? json.TrailARN : undefined;
  if (!rules.some((r) => r.category === 'Management')) {
    notes.push(`${source} records no management events: every management-event action is kept as unobservable.`);
  }
  const trail = parseRegionFacts(json, source, trailArn);
  return { ...makeRecording(rules, 'config', source, notes, trailArn), ...(trail ? { trail } : {}) };
}

/**
 * The recording assumed when no trail configuration is known: management events (read and write) from every
 * source and no data events — CloudTrail's default for a new trail, and all that Event history holds.
 */
export function defaultTrailRecording(): TrailRecording {
  return makeRecording(
    [{ category: 'Management', conditions: [], label: 'default' }],
    'assumed-default',
    'the assumed default trail',
    [
      'No trail configuration was given: assuming the trail records management events only (the CloudTrail ' +
        'default; Event history holds no data events), so every data-event action is kept as unobservable. ' +
        'Pass the output of `aws cloudtrail get-event-selectors` as --trail-config to narrow them.',
    ],
  );
}

/**
 * Several trails fed the same usage: a call is recorded when any of them records it. Notes are concatenated.
 */
export function combineTrailRecordings(recordings: TrailRecording[]): TrailRecording {
  if (recordings.length === 0) return defaultTrailRecording();
  if (recordings.length === 1) return recordings[0];
  return {
    origin: recordings.every((r) => r.origin === 'assumed-default') ? 'assumed-default' : 'config',
    source: recordings.map((r) => r.source).join(' + '),
    notes: recordings.flatMap((r) => r.notes),
    wouldRecord(q) {
      let last: RecordingAnswer = { recorded: true };
      for (const r of recordings) {
        const a = r.wouldRecord(q);
        if (a.recorded) return a;
        last = a;
      }
      return last;
    },
  };
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

