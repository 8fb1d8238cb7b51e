/**
 * The part of the activity one worker thread builds (a partial usage ledger plus its counts), and how parts
 * merge. Everything here is plain data (structured-clone safe) so it crosses `postMessage` unchanged.
 *
 * Determinism: every problem kept as an example carries its place in the single-threaded reading order
 * (`[input index, item index within that input]`). Workers take files from one queue in increasing input
 * order, so each worker's first N examples of a code are the N earliest of its files; merging sorts the
 * union and keeps the first N per code, which is exactly what one thread reading in order would have kept.
 */
import { UsageLedger, type LedgerSnapshot } from '../../core/usage/ledger.js';
import type { InputProblem, NormalizeResult, RecordSource } from '../../core/usage/types.js';
import { createTrailStats, type TrailItem, type TrailReadStats } from './trail-parse.js';

/** Place of an item in the single-threaded reading order: [input index from the walk, item index in it]. */
export type ReadOrder = [number, number];

/** A problem kept as an example, with its place in the reading order. */
export interface OrderedProblem {
  order: ReadOrder;
  problem: InputProblem;
}

/** What one worker (or the main thread's walk) contributes. */
export interface ActivityPart {
  ledger: LedgerSnapshot;
  calls: number;
  ignored: Record<string, number>;
  problemCounts: Record<string, number>;
  /** The first `examplesPerCode` problems of each code, in reading order. */
  examples: OrderedProblem[];
  unknownEvents: Record<string, number>;
  stats: TrailReadStats;
}

/** The merged activity of a parallel read: the same shape the CLI's activity collector produces. */
export interface MergedActivity {
  ledger: UsageLedger;
  calls: number;
  ignored: Record<string, number>;
  problemCounts: Record<string, number>;
  /** The first few problems of each code, in the order one thread would have met them. */
  problemExamples: InputProblem[];
  unknownEvents: Record<string, number>;
  stats: TrailReadStats;
}

/** Normalizes one raw record (the bundled normalizer's signature). */
export type RecordNormalizer = (record: unknown, source?: RecordSource) => NormalizeResult;

/** Problem codes that name an eventSource/eventName the catalog does not know (tallied as unknown events). */
const UNKNOWN_CODES = new Set(['unknown-action', 'unknown-service']);

/**
 * Builds one {@link ActivityPart}: the same accounting as the CLI's `ActivityCollector` (calls into the
 * ledger, ignored records by reason, problems by code with the first few as examples, unknown events).
 */
export class PartCollector {
  readonly ledger = new UsageLedger();
  calls = 0;
  readonly ignored: Record<string, number> = {};
  readonly problemCounts: Record<string, number> = {};
  readonly examples: OrderedProblem[] = [];
  readonly unknownEvents: Record<string, number> = {};

  constructor(
    private readonly normalize: RecordNormalizer,
    private readonly examplesPerCode: number,
  ) {}

  /** Counts a problem met at `order`. */
  problem(problem: InputProblem, order: ReadOrder): void {
    const n = (this.problemCounts[problem.code] ?? 0) + 1;
    this.problemCounts[problem.code] = n;
    if (n <= this.examplesPerCode) this.examples.push({ order, problem });
    if (UNKNOWN_CODES.has(problem.code)) {
      const key = `${problem.eventSource ?? '?'} ${problem.eventName ?? '?'}`;
      this.unknownEvents[key] = (this.unknownEvents[key] ?? 0) + 1;
    }
  }

  /** Adds one item read at `order`. */
  add(item: TrailItem, order: ReadOrder): void {
    if (item.kind === 'problem') {
      this.problem(item.problem, order);
      return;
    }
    const res = this.normalize(item.record, item.source);
    if (res.kind === 'call') {
      this.calls += 1;
      this.ledger.add(res.call);
    } else if (res.kind === 'ignored') {
      this.ignored[res.reason] = (this.ignored[res.reason] ?? 0) + 1;
    } else {
      this.problem(res.problem, order);
    }
  }

  /** The part, with `stats` attached. */
  part(stats: TrailReadStats): ActivityPart {
    return {
      ledger: this.ledger.snapshot(),
      calls: this.calls,
      ignored: this.ignored,
      problemCounts: this.problemCounts,
      examples: this.examples,
      unknownEvents: this.unknownEvents,
      stats,
    };
  }
}

function addCounts(into: Record<string, number>, more: Record<string, number>): void {
  for (const [k, n] of Object.entries(more)) into[k] = (into[k] ?? 0) + n;
}

/** Compares two places in the reading order. */
export function compareOrder(a: ReadOrder, b: ReadOrder): number {
  return a[0] - b[0] || a[1] - b[1];
}

/** Adds one reader's stats to a total (numbers summed, problems by code summed, skipped examples kept in order). */
export function addTrailStats(total: TrailReadStats, more: TrailReadStats, skippedExamples = 10): void {
  for (const key of Object.keys(more) as Array<keyof TrailReadStats>) {
    const v = more[key];
    if (typeof v === 'number') (total[key] as number) += v;
  }
  addCounts(total.problemsByCode, more.problemsByCode);
  for (const ex of more.skippedExamples) if (total.skippedExamples.length < skippedExamples) total.skippedExamples.push(ex);
}

/**
 * Merges parts in any order into one result. Counts are sums; the ledger merge is commutative; examples are
 * sorted by reading order and cut to `examplesPerCode` per code, so the result does not depend on which
 * thread read what, or when. `parts[0]` should be the walk's part (its skipped-file examples come first).
 */
export function mergeParts(parts: ActivityPart[], examplesPerCode: number): MergedActivity {
  const ledger = new UsageLedger();
  const out: MergedActivity = { ledger, calls: 0, ignored: {}, problemCounts: {}, problemExamples: [], unknownEvents: {}, stats: createTrailStats() };
  const examples: OrderedProblem[] = [];
  for (const p of parts) {
    ledger.merge(p.ledger);
    out.calls += p.calls;
    addCounts(out.ignored, p.ignored);
    addCounts(out.problemCounts, p.problemCounts);
    addCounts(out.unknownEvents, p.unknownEvents);
    addTrailStats(out.stats, p.stats);
    examples.push(...p.examples);
  }
  examples.sort((a, b) => compareOrder(a.order, b.order));
  const perCode = new Map<string, number>();
  for (const e of examples) {
    const n = (perCode.get(e.problem.code) ?? 0) + 1;
    perCode.set(e.problem.code, n);
    if (n <= examplesPerCode) out.problemExamples.push(e.problem);
  }
  return out;
}
