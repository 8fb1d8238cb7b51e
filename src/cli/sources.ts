/**
 * Where activity comes from: local files and directories (`--trail PATH`), a trail bucket
 * (`--trail s3://BUCKET/PREFIX`, `--trail-name`), CloudTrail Event history (`--lookup`), or an Athena table
 * (`--athena`, `athena-source.ts`).
 */
import { stat } from 'node:fs/promises';
import type { Argv } from 'yargs';
import { createTrailStats, type TrailReadStats } from '../adapters/trail-decode/sink.js';
import { defaultJobs, MAX_JOBS } from '../adapters/fs/parallel-pool.js';
import { addTrailStats } from '../adapters/fs/trail-reader.js';
import type { TimeWindow } from '../core/usage/time-window.js';
import type { ActivityTally } from '../core/usage/tally.js';
import { DEFAULT_ID_WINDOW } from '../core/usage/id-spill.js';
import type { TrailRecording } from '../core/trail/recording.js';
import { localReads, type RegionRead } from '../core/trail/region-coverage.js';
import { collectActivity, formatActivitySummary, inputSize, readProgressLine } from './activity.js';
import { CliError, usageError } from './errors.js';
import type { CliIo } from './io.js';
import { readRemoteActivity, type ActivityFilter } from './aws-wiring.js';
import { readAthenaActivity, withAthenaOptions } from './athena-source.js';
import { loadBundledNormalizer } from '../adapters/fs/bundled-mapping.js';
import { UsageStore } from '../adapters/fs/usage-store.js';
import { readLocalThroughStore } from '../adapters/fs/usage-store-local.js';
import { defaultStoreDir, toolFingerprint } from '../adapters/fs/usage-store-location.js';
import { forTerminal } from '../core/render/escape.js';
import { PolicyTrimError } from '../core/errors.js';

/** `--trail`, `--trail-config`, `--lookup`, `--trail-name`, and `--athena` with its options. */
export function withActivityOptions<T>(y: Argv<T>): Argv<T> {
  const y2 = withAthenaOptions(y)
    .option('trail', { type: 'string', array: true, describe: 'CloudTrail logs: files, directories (S3 delivery layout), or s3://BUCKET/PREFIX' })
    .option('trail-config', { type: 'string', describe: 'JSON printed by `aws cloudtrail get-event-selectors`: which data events the trail recorded' })
    .option('lookup', { type: 'boolean', default: false, describe: 'Read CloudTrail Event history (LookupEvents; management events only, 90 days)' })
    .option('yes', { type: 'boolean', default: false, describe: 'Read Event history even when it is estimated to take more than 10 minutes (2 requests/s per Region)' })
    .option('quiet', { type: 'boolean', default: false, describe: 'No progress and no information on stderr (what was read, the summary); warnings, problems and errors still shown' })
    .option('trail-name', { type: 'string', describe: 'Read the logs of this trail from its S3 bucket, and its event selectors' })
    .option('jobs', jobsOption())
    .option('store', {
      type: 'string',
      describe:
        'Keep what each log object counted in this folder, so the next run reads only new objects (default for trail buckets: the user cache folder; local files only with --store DIR). --no-store: read everything',
    }) as Argv<T>;
  return withInputChecks(y2);
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
  filter: ActivityFilter,
  principals?: readonly string[],
): Promise<ActivityReadResult> {
  const trails = (args.trail as string[] | undefined) ?? [];
  const local = trails.filter((t) => !t.startsWith('s3://'));
  const remote = trails.filter((t) => t.startsWith('s3://'));
  // With --athena, --trail-name only names the trail whose event selectors say what it records.
  if (args.athena) return readAthenaActivity(args, io, window, tally, filter);
  if (local.length === 0 && remote.length === 0 && !args.lookup && !args['trail-name']) {
    throw usageError('name the activity to read: --trail PATH|s3://BUCKET/PREFIX, --trail-name NAME, --lookup, or --athena TABLE');
  }
  const stats = createTrailStats();
  const remoteStore = remote.length > 0 || Boolean(args['trail-name']) ? openStore(args, io, 'remote') : undefined;
  if (local.length) {
    // The duplicate check's ids may go to disk only when no other source adds records after this read.
    const last = remote.length === 0 && !args.lookup && !args['trail-name'];
    // A store's entries hold every principal: a read through it never uses the principal prefilter.
    const localStore = openStore(args, io, 'local');
    addTrailStats(stats, localStore ? await readLocalStored(args, io, local, window, tally, localStore) : await collectLocal(args, io, local, window, tally, last, principals));
  }
  let recording: TrailRecording | undefined;
  const reads = localReads(local);
  if (remote.length || args.lookup || args['trail-name']) {
    // Remote sources come last: their ids may go to disk when nothing was read into the tally before them.
    const use = remoteStore ? { store: remoteStore, normalize: loadBundledNormalizer(), fromStore: 0, read: 0 } : undefined;
    try {
      const r = await readRemoteActivity(args, io, window, tally, filter, remote, { only: local.length === 0, ...(use ? { store: use } : {}) });
      addTrailStats(stats, r.stats);
      recording = r.recording;
      reads.push(...r.reads);
    } finally {
      if (remoteStore && use) closeStore(io, args, remoteStore, use);
    }
  }
  assertSomethingRead(args, io, tally, stats);
  return { stats, recording, reads };
}

/**
 * `--allow-missing`, and the check that every local `--trail` path exists, run as yargs middleware: before the
 * command reads anything (policies, IAM, logs), so a mistyped path never yields a printed policy. A path that
 * does not exist (or cannot be reached) is an error (exit 1) naming it, unless `--allow-missing`; then the
 * reader reports it and goes on. Used by every command that reads local trails (`suggest`, `usage`).
 */
export function withInputChecks<T>(y: Argv<T>): Argv<T> {
  return y
    .option('allow-missing', {
      type: 'boolean',
      default: false,
      describe: 'Go on when a --trail path does not exist (it is reported); by default that is an error before anything is read',
    })
    .middleware(async (argv) => {
      if (argv['allow-missing']) return;
      await assertTrailPathsExist(localTrails(argv as Record<string, unknown>));
    }) as Argv<T>;
}

/** The local (not `s3://`) `--trail` values of `args`. */
function localTrails(args: Record<string, unknown>): string[] {
  const v = args.trail;
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return list.map(String).filter((t) => !t.startsWith('s3://'));
}

/** Throws a {@link CliError} `input-not-found` (exit 1) naming every path of `paths` that cannot be stat'ed. */
export async function assertTrailPathsExist(paths: string[]): Promise<void> {
  const missing: string[] = [];
  for (const path of paths) {
    const why = await stat(path).then(
      () => undefined,
      (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' || e.code === 'ENOTDIR' ? 'does not exist' : `cannot be reached (${e.code ?? e.message})`),
    );
    if (why) missing.push(`${path} ${why}`);
  }
  if (missing.length === 0) return;
  throw new CliError(
    'input-not-found',
    `--trail ${missing.join('; ')}. Nothing was read and nothing was printed.`,
    'Check the path (a typo, a folder not yet synced). Pass --allow-missing to read the other inputs anyway (a missing path is then reported and skipped).',
  );
}

/**
 * A run in which no record could be read from any input is an error: every input was empty, unreadable or
 * not CloudTrail. Inputs skipped by the window (files or folders whose delivery path is outside it) do not
 * count as unreadable: that run just has nothing in its window. Prints the read summary (which names each
 * problem) before throwing. Event history (`--lookup`) is not counted in the stats, so it is exempt.
 */
export function assertSomethingRead(args: Record<string, unknown>, io: CliIo, tally: ActivityTally, stats: TrailReadStats): void {
  if (args.lookup) return;
  if (stats.records + stats.recordsOutsideWindow + stats.filesPruned + stats.dirsPruned > 0) return;
  io.stderr(formatActivitySummary(tally, stats));
  throw new CliError(
    'no-records',
    `no CloudTrail record could be read from any input (${stats.filesRead} file(s) read, ${stats.problems} problem(s)); nothing was printed.`,
    'Check the --trail paths: the lines above say why each input gave nothing. CloudTrail files are .json or .json.gz, as delivered to S3.',
  );
}

/**
 * Reads the local `--trail` paths of `usage` into the tally (same checks as {@link readActivity}); with
 * `principals`, only their records are parsed (`collectActivity`).
 */
export async function readLocalActivity(args: Record<string, unknown>, io: CliIo, window: TimeWindow, tally: ActivityTally, principals?: readonly string[]): Promise<TrailReadStats> {
  const trails = ((args.trail as string[] | undefined) ?? []).map(String);
  const stats = await collectLocal(args, io, trails, window, tally, true, principals);
  assertSomethingRead(args, io, tally, stats);
  return stats;
}

/**
 * Reads local paths, with a progress line on an interactive terminal (never in CI, never with --quiet). `last`:
 * nothing is read into the tally after this, so the duplicate check may keep memory flat (`idWindow`).
 */
async function collectLocal(args: Record<string, unknown>, io: CliIo, paths: string[], window: TimeWindow, tally: ActivityTally, last: boolean, principals?: readonly string[]): Promise<TrailReadStats> {
  const progress = io.interactive && !args.quiet ? readProgressLine(io, await inputSize(paths, window)) : undefined;
  try {
    return await collectActivity(paths, window, tally, {
      jobs: jobsFromArgs(args),
      ...(principals ? { principals } : {}),
      ...(last ? { idWindow: DEFAULT_ID_WINDOW } : {}),
      ...(progress ? { onProgress: (p) => progress.update(p) } : {}),
    });
  } finally {
    progress?.done();
  }
}

/**
 * The usage store for this run's `kind` of source (`docs/usage-store.md`), or none: `--no-store` turns it off;
 * `--store DIR` turns it on for every source; otherwise trail buckets use the default folder and local files none.
 */
function openStore(args: Record<string, unknown>, io: CliIo, kind: 'local' | 'remote'): UsageStore | undefined {
  const v = args.store;
  if (v === false || v === 'false') return undefined;
  if (typeof v === 'string' && v === '') throw usageError('--store: expected a folder, got an empty value (pass --no-store to read without the store)');
  if (typeof v !== 'string' && kind === 'local') return undefined;
  const dir = typeof v === 'string' ? v : defaultStoreDir();
  let store: UsageStore;
  try {
    store = UsageStore.open(dir, toolFingerprint());
  } catch (e) {
    // The default folder is a cache: one that cannot be made (a read-only home) only costs reading everything.
    if (typeof v === 'string' || e instanceof PolicyTrimError) throw e;
    io.stderr(`warning: the usage store cannot be opened at ${forTerminal(dir)} (${forTerminal((e as Error).message)}); reading every object. Pass --store DIR or --no-store.\n`);
    return undefined;
  }
  for (const w of store.warnings) io.stderr(`warning: ${forTerminal(w)}\n`);
  return store;
}

/** Writes what was read to the store and says what it saved (unless --quiet). */
function closeStore(io: CliIo, args: Record<string, unknown>, store: UsageStore, use: { fromStore: number; read: number }): void {
  try {
    store.flush();
  } catch (e) {
    // What was read is counted; only the next run's saving is lost.
    io.stderr(`warning: the usage store at ${forTerminal(store.dir)} could not be written (${forTerminal((e as Error).message)}); the next run reads these objects again.\n`);
  }
  if (args.quiet) return;
  io.stderr(`usage store: ${use.fromStore} object(s) taken from ${forTerminal(store.dir)}, ${use.read} read (${store.written} entr${store.written === 1 ? 'y' : 'ies'} written)\n`);
}

/** Local paths read through the store (`--store DIR`), in this thread. */
async function readLocalStored(args: Record<string, unknown>, io: CliIo, paths: string[], window: TimeWindow, tally: ActivityTally, store: UsageStore): Promise<TrailReadStats> {
  const use = { fromStore: 0, read: 0 };
  try {
    const r = await readLocalThroughStore(tally, paths, window, store, loadBundledNormalizer());
    use.fromStore = r.fromStore;
    use.read = r.read;
    return r.stats;
  } finally {
    closeStore(io, args, store, use);
  }
}
