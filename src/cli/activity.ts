/**
 * Wiring of the activity half of the pipeline: which reader fills the tally (`core/usage/tally.ts`) with the
 * local trail files, and the stderr summary of what was read and what was skipped.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FileSink, type TrailReadStats } from '../adapters/trail-decode/sink.js';
import { readTrailInto, type TallyReadOptions } from '../adapters/fs/tally-read.js';
import { createScanPool, scanWorkerEntryUrl } from '../adapters/fs/scan-pool.js';
import { WHOLE_FILE_MAX_BYTES } from '../adapters/fs/trail-reader.js';
import { loadBundledNormalizer } from '../adapters/fs/bundled-mapping.js';
import { STREAM_DOCUMENT_BYTES } from '../adapters/trail-decode/records-stream.js';
import type { CliIo } from './io.js';
import { formatDuration } from '../adapters/aws/progress.js';
import { pathMayHoldWindow } from '../core/trail/layout.js';
import { MAX_JOBS, readTrailParallel, workerEntryUrl, type ParallelReadOptions } from '../adapters/fs/parallel-pool.js';
import type { TimeWindow } from '../core/usage/time-window.js';
import type { ActivityResult, ActivityTally } from '../core/usage/tally.js';
import { terminalLines } from '../core/render/escape.js';
import { principalFilterFor } from '../core/trail/prefilter.js';
import { prefilterInto, type RecordPrefilter } from '../adapters/trail-decode/prefilter.js';

/**
 * Reads local trail files and directories into the tally; returns the read's stats. With `jobs` > 1 the
 * files are read by that many worker threads (`adapters/fs/parallel-pool.ts`), or for a read for `principals`
 * (only records that may be theirs are parsed) read and scanned by that many scan workers
 * (`adapters/fs/scan-pool.ts`); the result is the same as with `jobs` = 1 (in this thread), only faster. A single
 * file, or a small input, is always read in this thread. `idWindow`
 * bounds the event ids kept in memory (`adapters/fs/tally-read.ts`, the pool); give it only when nothing is read
 * into the tally after this read.
 */
export async function collectActivity(
  paths: string[],
  window: TimeWindow,
  tally: ActivityTally,
  options: { jobs: number; smallInputBytes?: number; onProgress?: (p: ReadProgress) => void; principals?: readonly string[]; scanWorkerUrl?: URL } & Partial<Pick<ParallelReadOptions, 'workerUrl' | 'failOnPath' | 'idWindow'>>,
): Promise<TrailReadStats> {
  const principalFilter = principalPrefilter(options.principals, tally);
  const single = paths.length === 1 && (await isFile(paths[0]!));
  // Running from TypeScript source (tests), no compiled worker is beside the pools: read in this thread.
  const scanUrl = principalFilter ? (options.scanWorkerUrl ?? scanWorkerEntryUrl()) : undefined;
  const workerUrl = principalFilter ? undefined : (options.workerUrl ?? workerEntryUrl());
  const smallInput = principalFilter ? SMALL_SCANNED_INPUT_BYTES : SMALL_INPUT_BYTES;
  if (options.jobs <= 1 || single || !(scanUrl ?? workerUrl) || (await totalBytesBelow(paths, options.smallInputBytes ?? smallInput))) {
    return readTrailInto(paths, tally, inThreadOptions(window, principalFilter, options));
  }
  if (principalFilter) return readWithScanWorkers(paths, window, tally, principalFilter, { ...options, scanWorkerUrl: scanUrl! });
  let files = 0;
  const onFile = options.onProgress ? () => options.onProgress!({ files: ++files }) : undefined;
  return readTrailParallel(paths, tally, {
    window,
    jobs: options.jobs,
    workerUrl: workerUrl!,
    failOnPath: options.failOnPath,
    idWindow: options.idWindow,
    ...(onFile ? { onFile } : {}),
  });
}

type CollectOptions = Parameters<typeof collectActivity>[3];

/** Options of a read in this thread. */
function inThreadOptions(window: TimeWindow, principalFilter: RecordPrefilter | undefined, options: CollectOptions): TallyReadOptions {
  const onProgress = options.onProgress;
  return {
    window,
    idWindow: options.idWindow,
    ...(principalFilter ? { principalFilter } : {}),
    ...(onProgress ? { onBatch: (stats: TrailReadStats) => onProgress({ files: stats.filesRead, records: stats.records, bytes: stats.bytesRead }) } : {}),
  };
}

/**
 * A read for known principals with `jobs` scan workers (`adapters/fs/scan-pool.ts`): they read, decompress and
 * scan the files; this thread parses what they let through, in walk order, into the tally.
 */
async function readWithScanWorkers(paths: string[], window: TimeWindow, tally: ActivityTally, principalFilter: RecordPrefilter, options: CollectOptions & { scanWorkerUrl: URL }): Promise<TrailReadStats> {
  const scanWindow = FileSink.scanWindowOf({ window });
  const jobs = Math.min(options.jobs, MAX_JOBS);
  const pool = createScanPool({
    jobs,
    workerUrl: options.scanWorkerUrl,
    needles: principalFilter.needles,
    ...(scanWindow ? { window: scanWindow } : {}),
    wholeFileMaxBytes: WHOLE_FILE_MAX_BYTES,
    streamDocumentBytes: STREAM_DOCUMENT_BYTES,
  });
  try {
    // This thread normalizes what the workers let through: load the catalog and tables now, while they start
    // (~0.1 s), not at the first file to parse, while they would wait with their answers (1–6% of a 100k or
    // 200k-record read, docs/BENCHMARKS.md). The commands' tallies all normalize with the bundled normalizer,
    // which loads once.
    loadBundledNormalizer();
    return await readTrailInto(paths, tally, { ...inThreadOptions(window, principalFilter, options), scanPool: pool, readAhead: jobs * SCANS_IN_FLIGHT_PER_JOB });
  } finally {
    await pool.close();
  }
}

/**
 * Files asked for per scan worker and not yet parsed: answers come back out of order and are parsed in walk order,
 * so a worker should not wait for the file before them to be taken. Cheap in memory: most answers hold only the
 * let-through records (tens of KiB).
 */
const SCANS_IN_FLIGHT_PER_JOB = 8;

/**
 * The byte prefilter for a read that reports on `principals` only (`--role` values: ARNs or role names), or
 * undefined (every record parsed) when none are given or one cannot be searched as bytes. A record is skipped
 * only when its Region is one the tally already holds a call in: the Regions read reach the suggestion.
 */
function principalPrefilter(principals: readonly string[] | undefined, tally: ActivityTally): RecordPrefilter | undefined {
  const needles = principals ? principalFilterFor(principals) : undefined;
  return needles ? prefilterInto(needles, tally) : undefined;
}

/** How far a local read has got: files read (or handed to worker threads) and, in this thread, records. */
export interface ReadProgress {
  files: number;
  records?: number;
  /** Bytes on disk read so far (in this thread). */
  bytes?: number;
}

/** Minimum time between two progress lines (ms): often enough to look alive, rarely enough to cost nothing. */
const PROGRESS_EVERY_MS = 200;

/**
 * A progress line on stderr for a local read, redrawn in place, at most every {@link PROGRESS_EVERY_MS}:
 * `reading trail: 120 file(s), 45,000 record(s), 9,000 records/s`. Only for an interactive terminal, never in CI
 * (the caller decides); `done()` clears the line.
 */
export function readProgressLine(io: CliIo, total?: { files: number; bytes: number }): { update(p: ReadProgress): void; done(): void } {
  const started = io.now().getTime();
  let last = 0;
  let drawn = false;
  return {
    update(p) {
      const now = io.now().getTime();
      if (now - last < PROGRESS_EVERY_MS) return;
      last = now;
      const elapsed = Math.max(1, now - started);
      const records = p.records !== undefined ? `, ${p.records.toLocaleString('en-US')} record(s), ${Math.round((p.records * 1000) / elapsed).toLocaleString('en-US')} records/s` : '';
      // Done so far: bytes on disk in this thread, files handed out with worker threads.
      const fraction = total ? (p.bytes !== undefined && total.bytes > 0 ? p.bytes / total.bytes : total.files > 0 ? p.files / total.files : 0) : 0;
      const eta = fraction > 0 && fraction < 1 ? `, ~${formatDuration((elapsed * (1 - fraction)) / fraction)} left` : '';
      const of = total ? ` of ${total.files.toLocaleString('en-US')}` : '';
      io.stderr(`\r\u001b[2Kreading trail: ${p.files.toLocaleString('en-US')}${of} file(s)${records}${eta}`);
      drawn = true;
    },
    done() {
      if (drawn) io.stderr('\r\u001b[2K');
    },
  };
}

/**
 * Inputs smaller than this (bytes on disk) are read in this thread: each worker thread loads the catalog
 * (~0.25 s), more than reading 2 MiB of gzip (~60 files, some 20,000 records) takes in one thread.
 */
const SMALL_INPUT_BYTES = 2 * 1024 * 1024;

/**
 * The same for a read with scan workers, which load no catalog and answer their first file ~0.1 s after starting
 * (2 CPUs, loaded): below this (~2,500 records) the reading thread decompresses and scans them sooner itself.
 */
const SMALL_SCANNED_INPUT_BYTES = 1024 * 1024;

/** True when the files under `paths` add up to fewer than `limit` bytes; stops walking as soon as they do not. */
async function totalBytesBelow(paths: string[], limit: number): Promise<boolean> {
  return (await inputSize(paths, undefined, limit)).bytes < limit;
}

/**
 * How many files and bytes on disk the read will open: the files under `paths`, less the folders and files the
 * window prunes by their delivery-layout path; stops once `limit` bytes are counted.
 */
export async function inputSize(paths: string[], window?: TimeWindow, limit = Infinity): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  const pending = [...paths];
  while (pending.length > 0 && bytes < limit) {
    const p = pending.pop()!;
    const st = await stat(p).catch(() => undefined);
    if (!st || (window && !pathMayHoldWindow(p, window))) continue; // the reader reports or prunes it
    if (st.isDirectory()) {
      const names = await readdir(p).catch(() => [] as string[]);
      pending.push(...names.map((n) => join(p, n)));
    } else {
      files++;
      bytes += st.size;
    }
  }
  return { files, bytes };
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

/**
 * Lines for stderr: what was read and what was skipped, and why. Nothing is skipped without a line here.
 * Each line is escaped for the terminal (`forTerminal`): file names, problem messages and reasons come from logs.
 */
export function formatActivitySummary(result: ActivityResult, stats: TrailReadStats, opts: { quiet?: boolean } = {}): string {
  const out: string[] = [];
  if (!opts.quiet) out.push(...readInfoLines(result, stats));
  const codes = Object.entries(result.problemCounts).sort();
  if (codes.length) {
    const total = codes.reduce((s, [, n]) => s + n, 0);
    out.push(`skipped or not understood: ${total} (${codes.map(([c, n]) => `${n} ${c}`).join(', ')})`);
    for (const p of result.problemExamples) {
      const where = [p.file, p.position].filter(Boolean).join(' ');
      out.push(`  - [${p.code}] ${where ? where + ': ' : ''}${p.message}`);
    }
    const shown = result.problemExamples.length;
    if (total > shown) out.push(`  (${total - shown} more not shown; the counts above include them)`);
  }
  return terminalLines(out);
}

/** What was read, pruned, skipped unopened and not counted: information, which `--quiet` leaves out. */
function readInfoLines(result: ActivityResult, stats: TrailReadStats): string[] {
  const out: string[] = [];
  const what = stats.readThrough && stats.filesRead === 0 ? `read ${stats.records} record(s) in the window through ${stats.readThrough}` : `read ${stats.filesRead} file(s), ${stats.records} record(s) in the window`;
  out.push(
    what +
      (stats.dirsPruned || stats.filesPruned ? `; ${stats.dirsPruned} folder(s) and ${stats.filesPruned} file(s) outside the window not opened` : '') +
      (stats.recordsOutsideWindow ? `; ${stats.recordsOutsideWindow} record(s) outside the window` : '') +
      (stats.recordsUnparsed ? `; ${stats.recordsUnparsed} record(s) in the window not parsed: their bytes name none of the roles asked for (the counts below cover the parsed records only)` : '') +
      (result.duplicates ? `; ${result.duplicates} duplicate record(s) dropped (same eventID and account as one already counted)` : ''),
  );
  if (stats.filesSkipped) out.push(`skipped ${stats.filesSkipped} file(s) without opening them: digests, hidden files, names that are not CloudTrail file names (e.g. ${stats.skippedExamples.slice(0, 3).join(', ')})`);
  const ignored = Object.entries(result.ignored).sort();
  if (ignored.length) out.push(`not counted (not calls made with a principal's permissions): ${ignored.map(([r, n]) => `${n} ${r}`).join('; ')}`);
  return out;
}
