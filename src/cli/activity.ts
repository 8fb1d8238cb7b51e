/**
 * The activity half of the pipeline: trail items → normalized calls → usage ledger, with an account of
 * everything skipped (problems by code with examples, ignored records by reason).
 */
import { stat } from 'node:fs/promises';
import { createTrailStats, SKIPPED_EXAMPLES, type TrailItem, type TrailReadStats } from '../adapters/trail-decode/sink.js';
import { readTrail } from '../adapters/fs/trail-reader.js';
import { readTrailParallel, workerEntryUrl, type ParallelReadOptions } from '../adapters/fs/parallel-pool.js';
import type { MergedActivity } from '../adapters/fs/parallel-activity.js';
import type { TimeWindow } from '../core/usage/time-window.js';
import { UsageLedger } from '../core/usage/ledger.js';
import type { ActivityResult } from '../core/usage/activity.js';
import type { InputProblem, NormalizeResult, RecordSource } from '../core/usage/types.js';

/** How many problems of each code are kept as examples for the summary (all are counted). */
export const PROBLEM_EXAMPLES_PER_CODE = 5;

/** Turns one raw record into a normalized call, an ignored record or a problem. */
export type Normalize = (record: unknown, source?: RecordSource) => NormalizeResult;

export type { ActivityResult };

/** Incrementally builds an {@link ActivityResult}. */
export class ActivityCollector {
  readonly result: ActivityResult = {
    ledger: new UsageLedger(),
    calls: 0,
    ignored: {},
    problemCounts: {},
    problemExamples: [],
    unknownEvents: {},
  };

  constructor(private readonly normalize: Normalize) {}

  /** Records a problem (from the reader, the normalizer, or an adapter). */
  problem(problem: InputProblem): void {
    const r = this.result;
    const n = (r.problemCounts[problem.code] ?? 0) + 1;
    r.problemCounts[problem.code] = n;
    if (n <= PROBLEM_EXAMPLES_PER_CODE) r.problemExamples.push(problem);
    if (problem.code === 'unknown-action' || problem.code === 'unknown-service') {
      const key = `${problem.eventSource ?? '?'} ${problem.eventName ?? '?'}`;
      r.unknownEvents[key] = (r.unknownEvents[key] ?? 0) + 1;
    }
  }

  /** Adds one trail item. */
  add(item: TrailItem): void {
    if (item.kind === 'problem') {
      this.problem(item.problem);
      return;
    }
    const res = this.normalize(item.record, item.source);
    if (res.kind === 'call') {
      this.result.calls += 1;
      this.result.ledger.add(res.call);
    } else if (res.kind === 'ignored') {
      this.result.ignored[res.reason] = (this.result.ignored[res.reason] ?? 0) + 1;
    } else {
      this.problem(res.problem);
    }
  }

  /**
   * Adds a result read elsewhere (the worker pool). With an empty collector the outcome equals adding the
   * same items here one by one: examples arrive in reading order and are kept up to the per-code limit.
   */
  absorb(other: Omit<MergedActivity, 'stats'>): void {
    const r = this.result;
    // A problem is kept when it is among the first PROBLEM_EXAMPLES_PER_CODE of its code overall.
    const seen = new Map<string, number>();
    for (const p of other.problemExamples) {
      const n = (seen.get(p.code) ?? r.problemCounts[p.code] ?? 0) + 1;
      seen.set(p.code, n);
      if (n <= PROBLEM_EXAMPLES_PER_CODE) r.problemExamples.push(p);
    }
    for (const [code, n] of Object.entries(other.problemCounts)) r.problemCounts[code] = (r.problemCounts[code] ?? 0) + n;
    for (const [k, n] of Object.entries(other.ignored)) r.ignored[k] = (r.ignored[k] ?? 0) + n;
    for (const [k, n] of Object.entries(other.unknownEvents)) r.unknownEvents[k] = (r.unknownEvents[k] ?? 0) + n;
    r.calls += other.calls;
    r.ledger.merge(other.ledger.snapshot());
  }

  /** Adds every item of a batched source. */
  async addAll(batches: AsyncIterable<TrailItem[]>): Promise<void> {
    for await (const batch of batches) for (const item of batch) this.add(item);
  }
}

/**
 * Reads local trail files and directories into the collector; returns the read's stats. With `jobs` > 1
 * the files are read by that many worker threads (`adapters/fs/parallel-pool.ts`); the result is the same
 * as with `jobs` = 1 (in this thread), only faster. A single file is always read in this thread.
 */
export async function collectActivity(
  paths: string[],
  window: TimeWindow,
  collector: ActivityCollector,
  options: { jobs: number } & Partial<Pick<ParallelReadOptions, 'workerUrl' | 'failOnPath'>>,
): Promise<TrailReadStats> {
  const single = paths.length === 1 && (await isFile(paths[0]!));
  // Running from TypeScript source (tests), no compiled worker is beside the pool: read in this thread.
  const workerUrl = options.workerUrl ?? workerEntryUrl();
  if (options.jobs <= 1 || single || !workerUrl) {
    const read = readTrail(paths, { window });
    await collector.addAll(read.batches());
    return read.stats;
  }
  const merged = await readTrailParallel(paths, {
    window,
    jobs: options.jobs,
    examplesPerCode: PROBLEM_EXAMPLES_PER_CODE,
    workerUrl,
    failOnPath: options.failOnPath,
  });
  collector.absorb(merged);
  const stats = createTrailStats();
  addStats(stats, merged.stats);
  return stats;
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

/** Folds one reader's stats into a running total (several sources may be read in one run). */
export function addStats(total: TrailReadStats, more: TrailReadStats): void {
  for (const key of Object.keys(more) as Array<keyof TrailReadStats>) {
    const v = more[key];
    if (typeof v === 'number') (total[key] as number) += v;
  }
  for (const [code, n] of Object.entries(more.problemsByCode)) total.problemsByCode[code] = (total.problemsByCode[code] ?? 0) + n;
  for (const ex of more.skippedExamples) if (total.skippedExamples.length < SKIPPED_EXAMPLES) total.skippedExamples.push(ex);
}

/** Lines for stderr: what was read and what was skipped, and why. Nothing is skipped without a line here. */
export function formatActivitySummary(result: ActivityResult, stats: TrailReadStats): string {
  const out: string[] = [];
  out.push(
    `read ${stats.filesRead} file(s), ${stats.records} record(s) in the window` +
      (stats.dirsPruned || stats.filesPruned ? `; ${stats.dirsPruned} folder(s) and ${stats.filesPruned} file(s) outside the window not opened` : '') +
      (stats.recordsOutsideWindow ? `; ${stats.recordsOutsideWindow} record(s) outside the window` : ''),
  );
  if (stats.filesSkipped) out.push(`skipped ${stats.filesSkipped} file(s) that hold no records (e.g. ${stats.skippedExamples.slice(0, 3).join(', ')})`);
  const ignored = Object.entries(result.ignored).sort();
  if (ignored.length) out.push(`not counted (not calls made with a principal's permissions): ${ignored.map(([r, n]) => `${n} ${r}`).join('; ')}`);
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
  return out.map((l) => l + '\n').join('');
}
