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
 *
 * Duplicates: a record is counted once per (`recipientAccountId`, `eventID`), whichever inputs repeat it (the
 * same file twice, a symlink, a copy, a bucket read twice, or CloudTrail delivering an event twice). Each
 * tally keeps the 128-bit identity of every id it counted with the input it came from (`event-ids.ts`); a copy of
 * an id already counted is dropped before normalization. Across worker threads the ids travel in the
 * snapshots (the ids, never the records) and the merge keeps the copy of the earliest input, as one thread
 * reading in order would; a later copy that another thread had already counted is named by
 * {@link ActivityTally.merge}'s result and its counts are taken back with {@link ActivityTally.retract}.
 * Records without an `eventID` are never deduplicated: nothing tells two identical-looking calls apart.
 *
 * Memory: by default a tally keeps every identity it counted (20–40 bytes each). Given a place to spill them
 * ({@link ActivityTally.spillIdsTo}), it keeps a bounded window and writes the rest out (`id-spill.ts`); copies
 * beyond the window are then found by the merge, which must be given the spilled identities, and taken back as
 * above. Such a merge is final: the identities are no longer all in memory, so nothing with an id may follow.
 */
import type { Normalizer } from '../trail/normalize.js';
import type { ActivityItem } from '../ports/activity-source.js';
import { UsageLedger, type LedgerSnapshot } from './ledger.js';
import { ENTRY_WORDS, HASH_WORDS, HashSet128, eventIdentity } from './event-ids.js';
import { addCopiesInMemory, loserKey, DEFAULT_ID_WINDOW, findSpilledCopies, spillEntries, type IdSpillReader, type IdSpillWriter, type LoseCopy } from './id-spill.js';
import { InvariantError } from '../errors.js';
import type { InputProblem } from './types.js';
import { compareOrder, decrement, mergeCounts, type CountFamily, type ReadOrder } from './read-order.js';

/** How many problems of each code are kept as examples for the summary (all are counted). */
export const PROBLEM_EXAMPLES_PER_CODE = 5;

/** Problem codes that name an eventSource/eventName the catalog does not know (tallied as unknown events). */
const UNKNOWN_CODES = new Set(['unknown-action', 'unknown-service']);


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
  /** Records dropped because a record with the same (`recipientAccountId`, `eventID`) was counted. */
  readonly duplicates: number;
}

/** Serializable form of a tally (structured-clone safe): what a worker thread sends, once. */
export interface TallySnapshot {
  ledger: LedgerSnapshot;
  calls: number;
  duplicates: number;
  /**
   * Every event id counted, {@link ENTRY_WORDS} words each: its 128-bit identity (`event-ids.ts`), then 1 +
   * the input it was counted from (20 bytes an id; transfer its buffer rather than copy it).
   */
  ids: Uint32Array;
  /** True when the tally spilled identities ({@link ActivityTally.spillIdsTo}): a merge then needs them back. */
  spilled: boolean;
  ignored: Record<string, number>;
  problemCounts: Record<string, number>;
  unknownEvents: Record<string, number>;
  /** The problems kept as examples, with their places in the reading order. */
  examples: Array<{ order: ReadOrder; problem: InputProblem; id?: number[] }>;
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
  duplicates = 0;
  /** Places of {@link problemExamples}, index for index. */
  private exampleOrders: ReadOrder[] = [];
  /** Event identities of {@link problemExamples} that came from a record with an id, index for index. */
  private exampleIds: Array<number[] | undefined> = [];
  /** Identity of every event id counted (or, when spilling, of the window) → the input it was counted from. */
  private ids = new HashSet128();
  /** Where identities beyond the window go, and the window's size (entries). */
  private spill: { writer: IdSpillWriter; window: number } | undefined;
  /** Identities were written out: a merge needs them back. */
  private spilled = false;
  /** A merge resolved spilled identities: they are no longer known here, so no record with an id may be added. */
  private closed = false;
  /**
   * After a merge: copies counted twice that {@link retract} must take back, keyed by {@link loserKey}, each
   * with how many copies of that (event, input) to take back (more than one only when a window was spilled
   * between copies in one input).
   */
  private pending: HashSet128 | undefined;
  private pendingCopies = 0;
  /** Scratch words for one identity (no allocation per record). */
  private readonly h = new Uint32Array(HASH_WORDS);
  private readonly k = new Uint32Array(HASH_WORDS);
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

  /**
   * Keeps at most `window` identities in memory and writes the rest to `writer` (`id-spill.ts`): memory flat in
   * the number of records. The snapshot, or the merge, of such a tally must then be given the spilled identities.
   */
  spillIdsTo(writer: IdSpillWriter, window = DEFAULT_ID_WINDOW): void {
    this.spill = { writer, window: Math.max(1, window) };
  }

  /** Writes the window's identities out and empties it. */
  private spillWindow(): void {
    spillEntries(this.ids.entries(), this.spill!.writer);
    this.ids.clear();
    this.spilled = true;
  }

  /** Adds one item read (a record is normalized here). */
  add(item: ActivityItem): void {
    if (item.kind === 'problem') {
      this.countProblem(item.problem, this.seq++);
      return;
    }
    const at = this.seq++;
    const hasId = eventIdentity(item.record, this.h);
    if (hasId) {
      if (this.closed) throw new InvariantError('a record was added after a merge that resolved spilled event ids');
      if (this.ids.addIfAbsent(this.h, 0, this.input) !== -1) {
        this.duplicates += 1;
        return;
      }
      if (this.spill && this.ids.size >= this.spill.window) this.spillWindow();
    }
    const res = this.normalize(item.record, item.source);
    if (res.kind === 'call') {
      this.calls += 1;
      this.ledger.add(res.call);
    } else if (res.kind === 'ignored') {
      const n = this.ignored[res.reason];
      if (n === undefined) this.firstSeen.ignored[res.reason] = [this.input, at];
      this.ignored[res.reason] = (n ?? 0) + 1;
    } else {
      this.countProblem(res.problem, at, hasId ? [...this.h] : undefined);
      if (res.unmapped) this.ledger.unmapped.add(res.unmapped);
    }
  }

  /** True once this tally wrote event ids out ({@link spillIdsTo}): its read must end with a merge given them back. */
  get spilledIds(): boolean {
    return this.spilled;
  }

  /** Copies counted twice, found by the last merge, that {@link retract} has not taken back yet. */
  get pendingRetractions(): number {
    return this.pending ? this.pendingCopies : 0;
  }

  /** Forgets the copies {@link retract} could not find (their inputs changed since they were read). */
  dropPendingRetractions(): void {
    this.pending = undefined;
  }

  /**
   * Ends a retraction: the copies {@link retract} could not find (their inputs changed between the two reads)
   * are forgotten, and said as a problem (their counts stay a little high). Returns how many there were.
   */
  settleRetractions(): number {
    const left = this.pendingRetractions;
    if (left === 0) return 0;
    this.dropPendingRetractions();
    this.problem({
      code: 'changed-during-read',
      message:
        `${left} record(s) counted twice could not be taken back because their inputs changed while being read; ` +
        'the counts may be a little high. Run again once the logs are no longer being written.',
    });
    return left;
  }

  /**
   * Takes back what a record counted, when the last {@link merge} named it a later copy of a record counted
   * from an earlier input: call it with every item of each input the merge returned, read again exactly as
   * the first time. Items that are not such copies are ignored. Returns whether this item was taken back.
   * The ledger's counts go down; its dates and sets stay (the kept copy holds the same values).
   */
  retract(input: number, item: ActivityItem): boolean {
    if (item.kind !== 'record' || !this.pending) return false;
    if (!eventIdentity(item.record, this.h)) return false;
    const key = loserKey(this.h, 0, input, this.k);
    const copies = this.pending.get(key);
    if (copies === -1) return false;
    if (copies > 1) this.pending.set(key, 0, copies - 1);
    else this.pending.delete(key);
    this.pendingCopies -= 1;
    const res = this.normalize(item.record, item.source);
    if (res.kind === 'call') {
      this.calls -= 1;
      this.ledger.subtract(res.call);
    } else if (res.kind === 'ignored') {
      decrement(this.ignored, res.reason, this.firstSeen.ignored);
    } else {
      decrement(this.problemCounts, res.problem.code, this.firstSeen.problemCounts);
      if (UNKNOWN_CODES.has(res.problem.code)) decrement(this.unknownEvents, unknownKey(res.problem), this.firstSeen.unknownEvents);
      if (res.unmapped) this.ledger.unmapped.subtract(res.unmapped);
    }
    return true;
  }

  /** Records a problem met outside the items (e.g. a source that failed part of its read). */
  problem(problem: InputProblem): void {
    this.countProblem(problem, this.seq++);
  }

  private countProblem(problem: InputProblem, at: number, id?: number[]): void {
    const n = (this.problemCounts[problem.code] ?? 0) + 1;
    this.problemCounts[problem.code] = n;
    if (n === 1) this.firstSeen.problemCounts[problem.code] = [this.input, at];
    if (n <= this.examplesPerCode) {
      this.problemExamples.push(problem);
      this.exampleOrders.push([this.input, at]);
      this.exampleIds.push(id);
    }
    if (UNKNOWN_CODES.has(problem.code)) {
      const key = unknownKey(problem);
      const m = this.unknownEvents[key];
      if (m === undefined) this.firstSeen.unknownEvents[key] = [this.input, at];
      this.unknownEvents[key] = (m ?? 0) + 1;
    }
  }

  /** The serializable form: taken once per worker, when its reading is done. */
  snapshot(): TallySnapshot {
    // A tally that spilled sends its whole window the same way: the merge reads every identity back from the spill.
    if (this.spilled && this.ids.size > 0) this.spillWindow();
    return {
      ledger: this.ledger.snapshot(),
      calls: this.calls,
      duplicates: this.duplicates,
      ids: this.ids.entries(),
      spilled: this.spilled,
      ignored: { ...this.ignored },
      problemCounts: { ...this.problemCounts },
      unknownEvents: { ...this.unknownEvents },
      examples: this.problemExamples.map((problem, k) => this.example(k, problem)),
      firstSeen: { ignored: { ...this.firstSeen.ignored }, problemCounts: { ...this.firstSeen.problemCounts }, unknownEvents: { ...this.firstSeen.unknownEvents } },
    };
  }

  /** Example `k` with its place and, when it came from a record with an event id, that id's identity. */
  private example(k: number, problem: InputProblem): TallySnapshot['examples'][number] {
    const id = this.exampleIds[k];
    return id ? { order: this.exampleOrders[k]!, problem, id } : { order: this.exampleOrders[k]!, problem };
  }

  /**
   * Folds tallies built elsewhere (worker snapshots) into this one: counts summed, ledgers merged, examples
   * re-sorted by reading order and cut to {@link examplesPerCode} per code, keys re-ordered by where they
   * were first met. Commutative and associative: the result does not depend on which thread read what, or
   * on the order of `snapshots`. Items added afterwards take places after every merged one, so merge a read's
   * parts before adding anything read later.
   *
   * An event id counted by two parts (or by a part and this tally) is kept from the earliest input; the
   * later copies are counted as duplicates, their problem examples dropped here, and their inputs returned
   * (sorted): read each of them again and pass every item to {@link retract} to take back what those copies
   * counted. Empty when no id was counted twice.
   *
   * When this tally or a snapshot spilled identities, pass them as `spilled` (every writer of the read, this
   * tally's included): copies are then found one partition at a time, and the merge is final (see the header).
   */
  merge(snapshots: readonly TallySnapshot[], spilled?: IdSpillReader): number[] {
    const losers = new HashSet128();
    // Losers whose kept copy is in the same input (a window spilled between them): that input's first copy stays.
    const sameInput = new HashSet128();
    const inputs = new Set<number>();
    const lose: LoseCopy = (ids, at, input, kept) => {
      const key = loserKey(ids, at, input, this.k);
      const copies = losers.get(key);
      losers.set(key, 0, copies === -1 ? 1 : copies + 1);
      if (kept === input) sameInput.set(key, 0, 0);
      else sameInput.delete(key);
      this.pendingCopies += 1;
      inputs.add(input);
      this.duplicates += 1;
    };
    this.pendingCopies = 0;
    for (const s of snapshots) this.duplicates += s.duplicates;
    const lastIdInput = spilled ? this.mergeSpilledIds(snapshots, spilled, lose) : this.mergeIds(snapshots, lose);
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

    // A dropped copy's example goes before the cut: the copy kept sits earlier with the same problem, so the
    // first examples per code are those of one thread that never counted the copy.
    const keptFirst = new HashSet128();
    const isLoser = (e: TallySnapshot['examples'][number]): boolean => {
      if (e.id === undefined || losers.size === 0) return false;
      const key = loserKey(Uint32Array.from(e.id), 0, e.order[0], this.k);
      if (losers.get(key) === -1) return false;
      // Examples are in reading order: of copies in the kept copy's own input, the first is the one kept.
      return sameInput.get(key) === -1 || keptFirst.addIfAbsent(key, 0, 0) !== -1;
    };
    const examples = this.problemExamples.map((problem, k) => this.example(k, problem));
    for (const s of snapshots) examples.push(...s.examples);
    examples.sort((a, b) => compareOrder(a.order, b.order));
    this.problemExamples = [];
    this.exampleOrders = [];
    this.exampleIds = [];
    const perCode = new Map<string, number>();
    let last = this.input;
    for (const e of examples) {
      last = Math.max(last, e.order[0]);
      if (isLoser(e)) continue;
      const n = (perCode.get(e.problem.code) ?? 0) + 1;
      perCode.set(e.problem.code, n);
      if (n > this.examplesPerCode) continue;
      this.problemExamples.push(e.problem);
      this.exampleOrders.push(e.order);
      this.exampleIds.push(e.id);
    }
    // Later items must sort after everything merged (they were read after it).
    for (const family of Object.values(firstSeen)) for (const o of Object.values(family)) last = Math.max(last, o[0]);
    last = Math.max(last, lastIdInput);
    if (snapshots.length > 0) this.startInput(last + 1);
    this.pending = losers.size > 0 ? losers : undefined;
    return [...inputs].sort((a, b) => a - b);
  }

  /** Adds the snapshots' identities to this tally's; calls `lose` for each later copy. Returns the largest input. */
  private mergeIds(snapshots: readonly TallySnapshot[], lose: LoseCopy): number {
    if (this.spilled || snapshots.some((s) => s.spilled)) {
      throw new InvariantError('tally merge: event ids were spilled, but the merge was not given them back');
    }
    return addCopiesInMemory(this.ids, snapshots.map((s) => s.ids), lose);
  }

  /**
   * Finds the copies among the spilled identities and those still in memory (here and in the snapshots), one
   * partition at a time; afterwards this tally holds no identities and accepts no record with an id.
   */
  private mergeSpilledIds(snapshots: readonly TallySnapshot[], spilled: IdSpillReader, lose: LoseCopy): number {
    const inMemory = [this.ids.entries(), ...snapshots.map((s) => s.ids)];
    const lastIdInput = findSpilledCopies(spilled, inMemory, lose);
    this.ids = new HashSet128();
    this.spill = undefined;
    this.closed = true;
    return lastIdInput;
  }
}

/** The unknown-events key of a problem: `eventSource eventName`. */
function unknownKey(problem: InputProblem): string {
  return `${problem.eventSource ?? '?'} ${problem.eventName ?? '?'}`;
}
