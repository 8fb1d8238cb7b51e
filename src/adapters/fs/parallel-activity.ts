/**
 * The part of the activity one worker thread builds (a partial usage ledger plus its counts), and how parts
 * merge. Everything here is plain data (structured-clone safe) so it crosses `postMessage` unchanged.
 *
 * Determinism: every problem kept as an example carries its place in the single-threaded reading order
 * (`[input index, item index within that input]`). Workers take files from one queue in increasing input
 * order, so each worker's first N examples of a code are the N earliest of its files; merging sorts the
 * union and keeps the first N per code, which is exactly what one thread reading in order would have kept.
 */
import type { ActivityResult } from '../../core/usage/activity.js';
import { UsageLedger, type LedgerSnapshot } from '../../core/usage/ledger.js';
import type { InputProblem, NormalizeResult, RecordSource } from '../../core/usage/types.js';
import { createTrailStats, type TrailItem, type TrailReadStats } from '../trail-decode/sink.js';

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
  /**
   * Where each key of `ignored`, `problemCounts` and `unknownEvents` was first met: one thread inserts keys
   * in reading order, and the merge rebuilds that order (it shows in JSON output).
   */
  firstSeen: { ignored: Record<string, ReadOrder>; problemCounts: Record<string, ReadOrder>; unknownEvents: Record<string, ReadOrder> };
  stats: TrailReadStats;
}

/** The merged activity of a parallel read: the same shape the CLI's activity collector produces, plus the read's stats. */
export interface MergedActivity extends ActivityResult {
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
  readonly firstSeen: ActivityPart['firstSeen'] = { ignored: {}, problemCounts: {}, unknownEvents: {} };

  constructor(
    private readonly normalize: RecordNormalizer,
    private readonly examplesPerCode: number,
  ) {}

  /** Counts a problem met at `order`. */
  problem(problem: InputProblem, order: ReadOrder): void {
    const n = (this.problemCounts[problem.code] ?? 0) + 1;
    this.problemCounts[problem.code] = n;
    if (n === 1) this.firstSeen.problemCounts[problem.code] = order;
    if (n <= this.examplesPerCode) this.examples.push({ order, problem });
    if (UNKNOWN_CODES.has(problem.code)) {
      const key = `${problem.eventSource ?? '?'} ${problem.eventName ?? '?'}`;
      if (this.unknownEvents[key] === undefined) this.firstSeen.unknownEvents[key] = order;
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
      if (this.ignored[res.reason] === undefined) this.firstSeen.ignored[res.reason] = order;
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
      firstSeen: this.firstSeen,
      stats,
    };
  }
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
  for (const [k, n] of Object.entries(more.problemsByCode)) total.problemsByCode[k] = (total.problemsByCode[k] ?? 0) + n;
  for (const ex of more.skippedExamples) if (total.skippedExamples.length < skippedExamples) total.skippedExamples.push(ex);
}

/**
 * Merges parts in any order into one result. Counts are sums; the ledger merge is commutative; examples are
 * sorted by reading order and cut to `examplesPerCode` per code, so the result does not depend on which
 * thread read what, or when. `parts[0]` should be the walk's part (its skipped-file examples come first).
 */
export function mergeParts(parts: ActivityPart[], examplesPerCode: number): MergedActivity {
  const ledger = new UsageLedger();
  const stats = createTrailStats();
  const examples: OrderedProblem[] = [];
  const calls = parts.reduce((n, p) => n + p.calls, 0);
  for (const p of parts) {
    ledger.merge(p.ledger);
    addTrailStats(stats, p.stats);
    examples.push(...p.examples);
  }
  const problemCounts = mergeCounts(parts, 'problemCounts');
  // The reader's own counts, in the same (reading) order of codes.
  const byCode = stats.problemsByCode;
  stats.problemsByCode = {};
  for (const code of [...Object.keys(problemCounts), ...Object.keys(byCode).sort()]) if (code in byCode) stats.problemsByCode[code] = byCode[code]!;
  const out: MergedActivity = {
    ledger,
    calls,
    ignored: mergeCounts(parts, 'ignored'),
    problemCounts,
    problemExamples: [],
    unknownEvents: mergeCounts(parts, 'unknownEvents'),
    stats,
  };
  examples.sort((a, b) => compareOrder(a.order, b.order));
  const perCode = new Map<string, number>();
  for (const e of examples) {
    const n = (perCode.get(e.problem.code) ?? 0) + 1;
    perCode.set(e.problem.code, n);
    if (n <= examplesPerCode) out.problemExamples.push(e.problem);
  }
  return out;
}

/** Sums one family of counts, with keys in the order they were first met in reading order. */
function mergeCounts(parts: ActivityPart[], which: keyof ActivityPart['firstSeen']): Record<string, number> {
  const total: Record<string, number> = {};
  const first = new Map<string, ReadOrder>();
  for (const p of parts) {
    for (const [k, n] of Object.entries(p[which])) total[k] = (total[k] ?? 0) + n;
    for (const [k, o] of Object.entries(p.firstSeen[which])) {
      const f = first.get(k);
      if (!f || compareOrder(o, f) < 0) first.set(k, o);
    }
  }
  const keys = Object.keys(total).sort((a, b) => compareOrder(first.get(a) ?? [Infinity, 0], first.get(b) ?? [Infinity, 0]) || (a < b ? -1 : a > b ? 1 : 0));
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = total[k]!;
  return out;
}
