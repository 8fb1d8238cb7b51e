/**
 * Where activity comes from: local files and directories (`--trail PATH`), a trail bucket
 * (`--trail s3://BUCKET/PREFIX`, `--trail-name`), or CloudTrail Event history (`--lookup`).
 */
import type { Argv } from 'yargs';
import { createTrailStats, type TrailReadStats } from '../adapters/fs/trail-parse.js';
import { readTrail } from '../adapters/fs/trail-reader.js';
import type { TimeWindow } from '../core/usage/time-window.js';
import type { TrailRecording } from '../core/trim/trail-recording.js';
import { addStats, type ActivityCollector } from './activity.js';
import { usageError } from './errors.js';
import type { CliIo } from './io.js';
import { readRemoteActivity } from './aws-wiring.js';

/** `--trail`, `--trail-config`, `--lookup`, `--trail-name`. */
export function withActivityOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option('trail', { type: 'string', array: true, describe: 'CloudTrail logs: files, directories (S3 delivery layout), or s3://BUCKET/PREFIX' })
    .option('trail-config', { type: 'string', describe: 'JSON printed by `aws cloudtrail get-event-selectors`: which data events the trail recorded' })
    .option('lookup', { type: 'boolean', default: false, describe: 'Read CloudTrail Event history (LookupEvents; management events only, 90 days)' })
    .option('trail-name', { type: 'string', describe: 'Read the logs of this trail from its S3 bucket, and its event selectors' }) as Argv<T>;
}

/** What was read, for the summary and for trim. */
export interface ActivityRead {
  stats: TrailReadStats;
  /** The trail's recording configuration when the source knows it (`--trail-name`). */
  recording?: TrailRecording;
}

/** Read every activity source named in `args` into the collector. */
export async function readActivity(
  args: Record<string, unknown>,
  io: CliIo,
  window: TimeWindow,
  collector: ActivityCollector,
  filter: { role?: string; function?: string },
): Promise<ActivityRead> {
  const trails = (args.trail as string[] | undefined) ?? [];
  const local = trails.filter((t) => !t.startsWith('s3://'));
  const remote = trails.filter((t) => t.startsWith('s3://'));
  if (local.length === 0 && remote.length === 0 && !args.lookup && !args['trail-name']) {
    throw usageError('name the activity to read: --trail PATH|s3://BUCKET/PREFIX, --trail-name NAME, or --lookup');
  }
  const stats = createTrailStats();
  if (local.length) {
    const read = readTrail(local, { window });
    await collector.addAll(read.batches());
    addStats(stats, read.stats);
  }
  let recording: TrailRecording | undefined;
  if (remote.length || args.lookup || args['trail-name']) {
    const r = await readRemoteActivity(args, io, window, collector, filter, remote);
    addStats(stats, r.stats);
    recording = r.recording;
  }
  return { stats, recording };
}
