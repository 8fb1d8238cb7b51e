/**
 * Reads local CloudTrail files with several worker threads: the main thread walks and prunes the inputs (the
 * same walk as `readTrail`) and hands files out one at a time from a shared queue, in walk order; each worker
 * reads, decompresses, parses, normalizes and tallies into its own {@link ActivityTally}
 * (`parallel-worker.ts`) and returns its snapshot once; the main thread merges the snapshots once into the
 * caller's tally. The result equals a single-threaded read (`readTrail` into one tally) whatever the thread
 * timing: see `core/usage/tally.ts`.
 *
 * Memory: each worker holds two files (the one it normalizes and the next, read ahead; whole files up to
 * 16 MiB on disk, larger ones stream in batches) plus its ledger and the event ids of the duplicate check.
 * With `idWindow` those are a bounded window per thread, the rest spilled to a temporary folder and checked at
 * the merge one partition at a time, so nothing grows with the number of files or records; without it every
 * id stays in memory (20–40 bytes each) and all of them meet on the main thread at the merge.
 *
 * Failure: a worker that crashes, runs out of memory or throws makes the whole read fail with an error naming
 * the file it was reading; the other workers are terminated (no hang, no half-merged result).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InvariantError, PolicyTrimError } from '../../core/errors.js';
import { ActivityTally } from '../../core/usage/tally.js';
import type { FromWorker, ToWorker, WorkerInit, WorkerPart } from './parallel-worker.js';
import { createTrailStats, type TrailReadStats } from '../trail-decode/sink.js';
import { addTrailStats, walkTrailInputs, type TrailReadOptions } from './trail-reader.js';
import { createIdSpillDir, idSpillReader, removeIdSpillDir } from './id-spill-files.js';
import { retractCopies } from './tally-read.js';

/** Upper bound on worker threads: past 8, the main thread's merging and the disk stop it scaling. */
export const MAX_JOBS = 8;

/** Default thread count: the CPUs Node may use, at most {@link MAX_JOBS}. */
export function defaultJobs(): number {
  return Math.max(1, Math.min(MAX_JOBS, availableParallelism()));
}

/** Options of {@link readTrailParallel}: a read for every principal (one for known ones goes to the scan workers, `scan-pool.ts`). */
export interface ParallelReadOptions extends Omit<TrailReadOptions, 'readAhead' | 'principalFilter' | 'scanPool'> {
  /** Worker threads (≥ 1; at most {@link MAX_JOBS}; never more than the number of files). */
  jobs: number;
  /** The worker entry (default: {@link workerEntryUrl}). */
  workerUrl?: URL;
  /** Test hook passed to the workers: fail when reading a path containing this text. */
  failOnPath?: string;
  /** Called as each file is handed to a worker (for a progress line). */
  onFile?: (path: string) => void;
  /**
   * Keep at most this many event ids in memory per thread and spill the rest to a temporary folder
   * (`core/usage/id-spill.ts`): memory flat in the number of records. Leave it out when more records will be
   * added to the tally after this read (the merge is then final).
   */
  idWindow?: number;
}

/**
 * Error of the parallel reader itself (a worker crashed or failed), naming the file being read. Bad input never
 * fails a worker (it is counted as problems), so this is a bug in policy-trim; reading in-process avoids it.
 */
export class ParallelReadError extends PolicyTrimError {
  declare readonly code: 'parallel-read-failed';
  constructor(
    message: string,
    readonly file: string | undefined,
  ) {
    super({ code: 'parallel-read-failed', message, hint: 'Read without worker threads with --jobs 1.', source: 'tool' });
  }
}

/**
 * The worker entry, `parallel-worker.js` next to this module, when it exists: it does when running compiled
 * (`dist/`, what `bin/policy-trim` runs). When this module runs from TypeScript source (vitest) there is no
 * `.js` beside it and workers cannot load `.ts`: undefined, and callers read in-process instead (tests of
 * the pool pass the compiled worker in `dist/` as `workerUrl`).
 */
export function workerEntryUrl(): URL | undefined {
  const here = new URL('./parallel-worker.js', import.meta.url);
  return existsSync(fileURLToPath(here)) ? here : undefined;
}

/**
 * Files handed to a worker before it finished the previous ones: 2 lets it decompress the next file (on the
 * thread pool) while it normalizes the current one, instead of waiting idle for each read (~20% of a
 * worker's time on the 1M-record bench trail).
 */
const FILES_IN_FLIGHT = 2;

/** Walk problems have no records: the walk's tally never normalizes. */
function noNormalize(): never {
  throw new InvariantError('the walk yields no records');
}

/**
 * Reads `paths` with up to `options.jobs` worker threads into `tally` (merged once, at the end) and returns
 * the read's stats. Rejects with a {@link ParallelReadError} if a worker fails (bad input never does: it is
 * counted as problems); `tally` is then left as it was.
 */
export async function readTrailParallel(paths: string[], tally: ActivityTally, options: ParallelReadOptions): Promise<TrailReadStats> {
  const walkStats = createTrailStats();
  const walkTally = new ActivityTally(noNormalize, tally.examplesPerCode);
  const walker = walkTrailInputs(paths, options, walkStats);
  let nextIndex = 0;

  /** The next file to read, in walk order; walk problems met on the way are counted at their place. */
  const nextFile = async (): Promise<FileJob | undefined> => {
    for (;;) {
      const r = await walker.next();
      if (r.done) return undefined;
      const index = nextIndex++;
      if (r.value.kind === 'problem') {
        walkTally.startInput(index);
        for (const item of r.value.items) walkTally.add(item);
        continue;
      }
      options.onFile?.(r.value.path);
      return { index, path: r.value.path };
    }
  };

  const init: WorkerInit = {
    window: options.window,
    filterRecords: options.filterRecords,
    maxProblemsPerFile: options.maxProblemsPerFile,
    wholeFileMaxBytes: options.wholeFileMaxBytes,
    examplesPerCode: tally.examplesPerCode,
    failOnPath: options.failOnPath,
  };
  const spillDir = options.idWindow !== undefined ? await createIdSpillDir() : undefined;
  if (spillDir) init.idSpill = { dir: spillDir, window: options.idWindow! };
  const jobs = Math.max(1, Math.min(MAX_JOBS, Math.floor(options.jobs)));
  const pool: WorkerPool = { workers: [] };
  const url = options.workerUrl ?? workerEntryUrl();
  if (!url) throw new ParallelReadError('the worker entry parallel-worker.js is not built: run `npm run build`, or read with --jobs 1', undefined);

  const running: Array<Promise<WorkerPart>> = [];
  try {
    for (let w = 0; w < jobs; w++) {
      const f = await nextFile();
      if (!f) break;
      const p = runWorker(url, init, f, nextFile, pool);
      p.catch(() => undefined); // observed below through Promise.all
      running.push(p);
    }
    const parts = await Promise.all(running);
    return await mergeRead(tally, [{ tally: walkTally.snapshot(), stats: walkStats }, ...parts], paths, options, spillDir);
  } catch (err) {
    throw pool.failed ?? err;
  } finally {
    await Promise.all(pool.workers.map((w) => w.terminate().catch(() => undefined)));
    await walker.return(undefined).catch(() => undefined);
    if (spillDir) await removeIdSpillDir(spillDir);
  }
}

/** A file handed to a worker: its place in the walk and its path. */
type FileJob = { index: number; path: string };

/** The threads of one read, and its first failure (the one reported; the others follow from it). */
interface WorkerPool {
  workers: Worker[];
  failed?: ParallelReadError;
}

/**
 * Runs one worker thread: starts it on `first`, keeps it fed from `nextFile` ({@link FILES_IN_FLIGHT} files
 * outstanding), and resolves with its part once the inputs are exhausted. Rejects with the pool's first
 * {@link ParallelReadError} if the worker fails, exits or cannot start.
 */
function runWorker(url: URL, init: WorkerInit, first: FileJob, nextFile: () => Promise<FileJob | undefined>, pool: WorkerPool): Promise<WorkerPart> {
  return new Promise<WorkerPart>((resolve, reject) => {
    const worker = new Worker(url, { workerData: init });
    pool.workers.push(worker);
    // Files sent and not yet done, in the order the worker processes them: the first is the one it reads.
    const inFlight: FileJob[] = [first];
    let finishing = false;
    let settled = false;
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      const file = inFlight[0]?.path;
      pool.failed ??= new ParallelReadError(
        file ? `reading ${file} failed in a worker thread: ${why}. This is a bug in policy-trim; --jobs 1 reads without workers.` : `a worker thread failed: ${why}`,
        file,
      );
      reject(pool.failed);
    };
    const post = (m: ToWorker): void => worker.postMessage(m);
    /** Hands the worker one more file, or `finish` once the inputs are exhausted (it comes after the rest). */
    const feed = (): void => {
      nextFile().then(
        (f) => {
          if (settled || finishing) return;
          if (f) {
            inFlight.push(f);
            post({ type: 'file', index: f.index, path: f.path });
          } else {
            finishing = true;
            post({ type: 'finish' });
          }
        },
        (err: unknown) => fail(`listing the inputs failed: ${err instanceof Error ? err.message : String(err)}`),
      );
    };
    worker.on('message', (m: FromWorker) => {
      if (settled) return;
      if (m.type === 'ready') {
        post({ type: 'file', index: first.index, path: first.path });
        for (let k = 1; k < FILES_IN_FLIGHT; k++) feed();
      } else if (m.type === 'done') {
        inFlight.shift();
        feed();
      } else if (m.type === 'part') {
        settled = true;
        resolve({ tally: m.tally, stats: m.stats });
      } else if (m.type === 'failed') fail(m.message);
    });
    worker.on('error', (err) => fail(err.message));
    worker.on('exit', (code) => fail(`the worker exited (code ${code}) before returning its result`));
  });
}

/**
 * Merges the parts of one read into `tally`, once, and sums their stats. `parts[0]` is the walk's (its
 * skipped-file examples come first, as in a single-threaded read). Records that two threads both counted
 * (the same event in two files read by different threads) are taken back from the later input.
 */
async function mergeRead(tally: ActivityTally, parts: WorkerPart[], paths: string[], options: ParallelReadOptions, spillDir?: string): Promise<TrailReadStats> {
  const reread = tally.merge(
    parts.map((p) => p.tally),
    spillDir ? idSpillReader(spillDir) : undefined,
  );
  if (reread.length > 0) await retractCopies(tally, reread, paths, options);
  const stats = createTrailStats();
  for (const p of parts) addTrailStats(stats, p.stats);
  // One thread's sink counts codes in reading order; the tally's merge rebuilt that order, so follow it.
  const byCode = stats.problemsByCode;
  stats.problemsByCode = {};
  for (const code of [...Object.keys(tally.problemCounts), ...Object.keys(byCode).sort()]) if (code in byCode) stats.problemsByCode[code] = byCode[code]!;
  return stats;
}
