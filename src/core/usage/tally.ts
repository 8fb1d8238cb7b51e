/**
 * The activity tally: trail items → normalized calls in a usage ledger, plus an account of everything not
 * counted as a call (problems by code with the first few as examples, ignored records by reason, unknown
 * events). One tally serves every path: the single-threaded read adds items to it; each worker thread of the
 * parallel read fills its own and sends {@link ActivityTally.snapshot} once; the main thread merges the
 * snapshots once ({@link ActivityTally.merge}). Pure: items come in, nothing is read or printed here.
 *
 * Determinism across threads: every item has a place in the single-threaded reading order, a
 * {@link ReadOrder} `[input index, item index within that input]`. A tally remembers the place of each
 * problem kept as an example and of the first occurrence of each count key, so a merge can rebuild what one
 * thread reading in order would have kept (the first N examples per code; keys in the order first met, which
 * shows in JSON output) whichever thread read what, and in whatever order the snapshots arrive.
 */
import type { Normalizer } from '../trail/normalize.js';
import type { ActivityItem } from '../ports/activity-source.js';
import { UsageLedger, type LedgerSnapshot } from './ledger.js';
import type { InputProblem } from './types.js';

/** How many problems of each code are kept as examples for the summary (all are counted). */
export const PROBLEM_EXAMPLES_PER_CODE = 5;

/** Problem codes that name an eventSource/eventName the catalog does not know (tallied as unknown events). */
const UNKNOWN_CODES = new Set(['unknown-action', 'unknown-service']);

/** Place of an item in the single-threaded reading order: [input index, item index within that input]. */
export type ReadOrder = [number, number];

/** The three families of counts whose key order is rebuilt on merge. */
type CountFamily = 'ignored' | 'problemCounts' | 'unknownEvents';

/** What reading the activity produced: the view the summary and the commands read. */
export interface ActivityResult {
  readonly ledger: UsageLedger;
  /** Records normalized into calls (any principal). */
  readonly calls: number;
  /** Records that are not API calls made with a principal's permissions, by reason. */
  readonly ignored: Record<string, number>;
  /** Problems by code (input files and records). */
  readonly problemCounts: Record<string, number>;
  /** The first few problems of each code, in reading order. */
  readonly problemExamples: readonly InputProblem[];
  /** Unknown eventSource/eventName pairs, with counts: reported, never turned into made-up actions. */
  readonly unknownEvents: Record<string, number>;
}

/** Serializable form of a tally (structured-clone and JSON safe): what a worker thread sends, once. */
export interface TallySnapshot {
  ledger: LedgerSnapshot;
  calls: number;
  ignored: Record<string, number>;
  problemCounts: Record<string, number>;
  unknownEvents: Record<string, number>;
  /** The problems kept as examples, with their places in the reading order. */
  examples: Array<{ order: ReadOrder; problem: InputProblem }>;
  /** Where each key of the three count families was first met. */
  firstSeen: Record<CountFamily, Record<string, ReadOrder>>;
}

/** Builds an {@link ActivityResult} from items, and merges tallies built elsewhere. */
export class ActivityTally implements ActivityResult {
  readonly ledger = new UsageLedger();
  calls = 0;
  ignored: Record<string, number> = {};
  problemCounts: Record<string, number> = {};
  problemExamples: InputProblem[] = [];
  unknownEvents: Record<string, number> = {};
  /** Places of {@link problemExamples}, index for index. */
  private exampleOrders: ReadOrder[] = [];
  private firstSeen: TallySnapshot['firstSeen'] = { ignored: {}, problemCounts: {}, unknownEvents: {} };
  /** Place of the next item: input {@link input}, item {@link seq} (numbers, so no array per item). */
  private input = 0;
  private seq = 0;

  /**
   * @param normalize turns a raw record into a call, an ignored record or a problem.
   * @param examplesPerCode problems kept as examples per code (all are counted).
   */
  constructor(
    private readonly normalize: Normalizer,
    readonly examplesPerCode = PROBLEM_EXAMPLES_PER_CODE,
  ) {}

  /**
   * The items that follow come from input `index` of the reading order (the walk's place of a file). Only
   * tallies that will be merged need this; without it every item still gets a later place than the last.
   */
  startInput(index: number): void {
    this.input = index;
    this.seq = 0;
  }

  /** Adds one item read (a record is normalized here). */
  add(item: ActivityItem): void {
    if (item.kind === 'problem') {
      this.countProblem(item.problem, this.seq++);
      return;
    }
    const at = this.seq++;
    const res = this.normalize(item.record, item.source);
    if (res.kind === 'call') {
      this.calls += 1;
      this.ledger.add(res.call);
    } else if (res.kind === 'ignored') {
      const n = this.ignored[res.reason];
      if (n === undefined) this.firstSeen.ignored[res.reason] = [this.input, at];
      this.ignored[res.reason] = (n ?? 0) + 1;
    } else {
      this.countProblem(res.problem, at);
    }
  }

  /** Records a problem met outside the items (e.g. a source that failed part of its read). */
  problem(problem: InputProblem): void {
    this.countProblem(problem, this.seq++);
  }

  private countProblem(problem: InputProblem, at: number): void {
    const n = (this.problemCounts[problem.code] ?? 0) + 1;
    this.problemCounts[problem.code] = n;
    if (n === 1) this.firstSeen.problemCounts[problem.code] = [this.input, at];
    if (n <= this.examplesPerCode) {
      this.problemExamples.push(problem);
      this.exampleOrders.push([this.input, at]);
    }
    if (UNKNOWN_CODES.has(problem.code)) {
      const key = `${problem.eventSource ?? '?'} ${problem.eventName ?? '?'}`;
      const m = this.unknownEvents[key];
      if (m === undefined) this.firstSeen.unknownEvents[key] = [this.input, at];
      this.unknownEvents[key] = (m ?? 0) + 1;
    }
  }

  /** The serializable form: taken once per worker, when its reading is done. */
  snapshot(): TallySnapshot {
    return {
      ledger: this.ledger.snapshot(),
      calls: this.calls,
      ignored: { ...this.ignored },
      problemCounts: { ...this.problemCounts },
      unknownEvents: { ...this.unknownEvents },
      examples: this.problemExamples.map((problem, k) => ({ order: this.exampleOrders[k]!, problem })),
      firstSeen: { ignored: { ...this.firstSeen.ignored }, problemCounts: { ...this.firstSeen.problemCounts }, unknownEvents: { ...this.firstSeen.unknownEvents } },
    };
  }

  /**
   * Folds tallies built elsewhere (worker snapshots) into this one: counts summed, ledgers merged, examples
   * re-sorted by reading order and cut to {@link examplesPerCode} per code, keys re-ordered by where they
   * were first met. Commutative and associative: the result does not depend on which thread read what, or
   * on the order of `snapshots`. Items added afterwards take places after every merged one, so merge a read's
   * parts before adding anything read later.
   */
  merge(snapshots: readonly TallySnapshot[]): void {
    const own = { ignored: this.ignored, problemCounts: this.problemCounts, unknownEvents: this.unknownEvents, firstSeen: this.firstSeen };
    const all = [own, ...snapshots];
    for (const s of snapshots) {
      this.ledger.merge(s.ledger);
      this.calls += s.calls;
    }
    const firstSeen: TallySnapshot['firstSeen'] = { ignored: {}, problemCounts: {}, unknownEvents: {} };
    this.ignored = mergeCounts(all, 'ignored', firstSeen.ignored);
    this.problemCounts = mergeCounts(all, 'problemCounts', firstSeen.problemCounts);
    this.unknownEvents = mergeCounts(all, 'unknownEvents', firstSeen.unknownEvents);
    this.firstSeen = firstSeen;

    const examples = this.problemExamples.map((problem, k) => ({ order: this.exampleOrders[k]!, problem }));
    for (const s of snapshots) examples.push(...s.examples);
    examples.sort((a, b) => compareOrder(a.order, b.order));
    this.problemExamples = [];
    this.exampleOrders = [];
    const perCode = new Map<string, number>();
    let last = this.input;
    for (const e of examples) {
      last = Math.max(last, e.order[0]);
      const n = (perCode.get(e.problem.code) ?? 0) + 1;
      perCode.set(e.problem.code, n);
      if (n > this.examplesPerCode) continue;
      this.problemExamples.push(e.problem);
      this.exampleOrders.push(e.order);
    }
    // Later items must sort after everything merged (they were read after it).
    for (const family of Object.values(firstSeen)) for (const o of Object.values(family)) last = Math.max(last, o[0]);
    if (snapshots.length > 0) this.startInput(last + 1);
  }
}

/** Compares two places in the reading order. */
export function compareOrder(a: ReadOrder, b: ReadOrder): number {
  return a[0] - b[0] || a[1] - b[1];
}

/**
 * Sums one family of counts, with keys in the order they were first met in reading order (ties, which one
 * read cannot produce, by name); fills `firstSeen` with the earliest place of each key.
 */
function mergeCounts(
  parts: ReadonlyArray<Pick<TallySnapshot, CountFamily | 'firstSeen'>>,
  family: CountFamily,
  firstSeen: Record<string, ReadOrder>,
): Record<string, number> {
  const total: Record<string, number> = {};
  for (const p of parts) {
    for (const [k, n] of Object.entries(p[family])) total[k] = (total[k] ?? 0) + n;
    for (const [k, o] of Object.entries(p.firstSeen[family])) {
      const f = firstSeen[k];
      if (!f || compareOrder(o, f) < 0) firstSeen[k] = o;
    }
  }
  const never: ReadOrder = [Infinity, 0];
  const keys = Object.keys(total).sort((a, b) => compareOrder(firstSeen[a] ?? never, firstSeen[b] ?? never) || (a < b ? -1 : a > b ? 1 : 0));
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = total[k]!;
  return out;
}
