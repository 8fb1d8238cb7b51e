/**
 * Where activity comes from: local files and directories (`--trail PATH`), a trail bucket
 * (`--trail s3://BUCKET/PREFIX`, `--trail-name`), or CloudTrail Event history (`--lookup`).
 */
import type { Argv } from 'yargs';
import { createTrailStats, type TrailReadStats } from '../adapters/trail-decode/sink.js';
import { defaultJobs, MAX_JOBS } from '../adapters/fs/parallel-pool.js';
import { addTrailStats } from '../adapters/fs/trail-reader.js';
import type { TimeWindow } from '../core/usage/time-window.js';
import type { ActivityTally } from '../core/usage/tally.js';
import type { TrailRecording } from '../core/trail/recording.js';
import { localReads, type RegionRead } from '../core/trail/region-coverage.js';
import { collectActivity } from './activity.js';
import { usageError } from './errors.js';
import type { CliIo } from './io.js';
import { readRemoteActivity } from './aws-wiring.js';

/** `--trail`, `--trail-config`, `--lookup`, `--trail-name`. */
export function withActivityOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option('trail', { type: 'string', array: true, describe: 'CloudTrail logs: files, directories (S3 delivery layout), or s3://BUCKET/PREFIX' })
    .option('trail-config', { type: 'string', describe: 'JSON printed by `aws cloudtrail get-event-selectors`: which data events the trail recorded' })
    .option('lookup', { type: 'boolean', default: false, describe: 'Read CloudTrail Event history (LookupEvents; management events only, 90 days)' })
    .option('trail-name', { type: 'string', describe: 'Read the logs of this trail from its S3 bucket, and its event selectors' })
    .option('jobs', jobsOption()) as Argv<T>;
}

/** `--jobs N`: threads reading local trail files (default: the CPUs, at most 8; 1 = no worker threads). */
export function jobsOption() {
  return { type: 'number', describe: `Threads reading local trail files (default: number of CPUs, at most ${MAX_JOBS}; 1 = no worker threads)` } as const;
}

/** The `--jobs` value: a whole number ≥ 1 (capped at MAX_JOBS), or the default. */
export function jobsFromArgs(args: Record<string, unknown>): number {
  const v = args.jobs;
  if (v === undefined) return defaultJobs();
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw usageError(`--jobs: expected a whole number of 1 or more, got ${String(v)}`);
  return Math.min(v, MAX_JOBS);
}

/** What reading every activity source produced besides the tally: its stats and coverage, for the summary and for trim. */
export interface ActivityReadResult {
  stats: TrailReadStats;
  /** The trail's recording configuration when the source knows it (`--trail-name`). */
  recording?: TrailRecording;
  /** What each source read covers, Region-wise (local paths, trail buckets, Event history). */
  reads: RegionRead[];
}

/** Reads every activity source named in `args` into the tally. */
export async function readActivity(
  args: Record<string, unknown>,
  io: CliIo,
  window: TimeWindow,
  tally: ActivityTally,
  filter: { role?: string; function?: string },
): Promise<ActivityReadResult> {
  const trails = (args.trail as string[] | undefined) ?? [];
  const local = trails.filter((t) => !t.startsWith('s3://'));
  const remote = trails.filter((t) => t.startsWith('s3://'));
  if (local.length === 0 && remote.length === 0 && !args.lookup && !args['trail-name']) {
    throw usageError('name the activity to read: --trail PATH|s3://BUCKET/PREFIX, --trail-name NAME, or --lookup');
  }
  const stats = createTrailStats();
  if (local.length) {
    addTrailStats(stats, await collectActivity(local, window, tally, { jobs: jobsFromArgs(args) }));
  }
  let recording: TrailRecording | undefined;
  const reads = localReads(local);
  if (remote.length || args.lookup || args['trail-name']) {
    const r = await readRemoteActivity(args, io, window, tally, filter, remote);
    addTrailStats(stats, r.stats);
    recording = r.recording;
    reads.push(...r.reads);
  }
  return { stats, recording, reads };
}
