/**
 * A read through the usage store: the objects of a run, in reading order, each either taken from the store (its
 * entry matches the object's validator and every record lies inside the run's window) or read and tallied on its
 * own, then stored. Every object becomes one snapshot at its place in the reading order, merged into the run's
 * tally (`ActivityTally.merge`), so the result equals one read of every object in order: duplicates across
 * objects are found by the merge from the ids each entry keeps, and a later copy counted twice is taken back by
 * reading its object again (`reread`, the same path as after a merge of worker threads).
 *
 * Pure: the objects are read and the entries kept behind the ports below (adapters: `adapters/fs/usage-store*.ts`,
 * `adapters/aws/s3-trail.ts`). Memory: the run's tally keeps every event id it counted (20 bytes each; no spill).
 */
import type { ActivityItem, ActivityQuery, ActivityReadSummary } from '../ports/activity-source.js';
import type { Normalizer } from '../trail/normalize.js';
import { ActivityTally, type TallySnapshot } from '../usage/tally.js';
import { inWindow, type TimeWindow } from '../usage/time-window.js';
import { entryFitsWindow, snapshotAsInput, type ObjectStats, type StoreEntry } from './entry.js';

/** One object of a run: its name, what its bytes are now, and its place in the run's reading order. */
export interface ObjectRef {
  name: string;
  validator: string;
  input: number;
}

/** An object read whole, with no time window: its items and its read's counters. */
export interface ObjectContent {
  name: string;
  items: ActivityItem[];
  stats: ObjectStats;
  /** The object could not be read (whole or in part): it is counted as read, but never stored. */
  failed: boolean;
}

/**
 * A source's read through the store: the objects it would read (in its reading order) with their validators,
 * and a reader of some of them whole. Implemented by the trail bucket (`adapters/aws/s3-trail.ts`) and local
 * files (`adapters/fs/usage-store-local.ts`).
 */
export interface StorableRead {
  summary(): ActivityReadSummary;
  list(): Promise<Array<{ name: string; validator: string }>>;
  read(refs: readonly ObjectRef[]): AsyncIterable<ObjectContent>;
  /** Adds what one object counts in this run (from the store or read) to the read's counters. */
  count(stats: ObjectStats): void;
}

/** A source that can be read through the store. */
export interface StorableSource {
  storableRead(query: ActivityQuery): StorableRead;
}

/** True when `source` can be read through the store. */
export function isStorable(source: object): source is StorableSource {
  return typeof (source as Partial<StorableSource>).storableRead === 'function';
}

/** Where entries are kept (the adapter decides the bytes and the files). */
export interface EntryStore {
  /** The entry of `name` made from bytes `validator`, if the store has one written by this version of the tool. */
  get(name: string, validator: string): StoreEntry | undefined;
  /** Keeps an entry (written out by the adapter, atomically, by the time its `flush` returns). */
  put(entry: StoreEntry): void;
}

/** How {@link readThroughStore} reads. */
export interface ReadThroughOptions {
  normalize: Normalizer;
  window: TimeWindow;
  /** Reads objects whole, with no window, yielding them in the order given. */
  read(refs: readonly ObjectRef[]): AsyncIterable<ObjectContent>;
  /**
   * Reads the objects at `inputs` again, with the run's window, passing each item to `tally.retract(input, item)`,
   * then `tally.settleRetractions()`: how a copy counted twice is taken back.
   */
  reread(inputs: number[]): Promise<void>;
  /** Called once per object, in the order they are counted, with what it adds to the run's counters. */
  onObject?(ref: ObjectRef, from: 'store' | 'read', stats: ObjectStats): void;
  /** Snapshots merged at once (bounds memory: every snapshot of a batch is held until the merge). */
  batch?: number;
}

/** How many objects came from the store and how many were read. */
export interface ReadThroughResult {
  fromStore: number;
  read: number;
}

/** Snapshots merged at once by default: a few MB of ledgers at most on a CloudTrail bucket. */
const DEFAULT_BATCH = 256;

/** What one object counted on its own: its entry's snapshot and time range. */
export function tallyObject(items: readonly ActivityItem[], normalize: Normalizer, examplesPerCode?: number): Pick<StoreEntry, 'snapshot' | 'firstTime' | 'lastTime' | 'untimed'> {
  const tally = new ActivityTally(normalize, examplesPerCode);
  tally.startInput(0);
  let firstTime = Infinity;
  let lastTime = -Infinity;
  let untimed = 0;
  for (const item of items) {
    tally.add(item);
    if (item.kind !== 'record') continue;
    const ms = recordTime(item.record);
    if (ms === undefined) untimed += 1;
    else {
      if (ms < firstTime) firstTime = ms;
      if (ms > lastTime) lastTime = ms;
    }
  }
  return { snapshot: tally.snapshot(), untimed, ...(firstTime <= lastTime ? { firstTime, lastTime } : {}) };
}

/** A record's `eventTime` in ms, when it is a parseable string (the reader's window filter reads it the same way). */
export function recordTime(record: unknown): number | undefined {
  const t = (record as { eventTime?: unknown } | null)?.eventTime;
  if (typeof t !== 'string') return undefined;
  const ms = Date.parse(t);
  return ms === ms ? ms : undefined;
}

/** The items a read with `window` yields: records outside it dropped (as the reader's filter does), the rest kept. */
export function itemsInWindow(items: readonly ActivityItem[], window: TimeWindow): ActivityItem[] {
  return items.filter((item) => {
    if (item.kind !== 'record') return true;
    const ms = recordTime(item.record);
    return ms === undefined || inWindow(window, ms);
  });
}

/**
 * Reads `objects` into `tally` through `store`: see the module comment. The tally must not spill ids, and
 * nothing may be added to it between the objects (merge first what was read before them).
 */
export async function readThroughStore(tally: ActivityTally, objects: readonly ObjectRef[], store: EntryStore, options: ReadThroughOptions): Promise<ReadThroughResult> {
  const batchSize = Math.max(1, options.batch ?? DEFAULT_BATCH);
  let batch: TallySnapshot[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const copies = tally.merge(batch);
    batch = [];
    if (copies.length > 0) await options.reread(copies);
  };
  const add = async (snapshot: TallySnapshot) => {
    batch.push(snapshot);
    if (batch.length >= batchSize) await flush();
  };
  const fresh: ObjectRef[] = [];
  const known = new Set<ObjectRef>();
  for (const ref of objects) {
    const entry = store.get(ref.name, ref.validator);
    if (entry) known.add(ref);
    if (!entry || !entryFitsWindow(entry, options.window)) {
      fresh.push(ref);
      continue;
    }
    // Not read this time: its records count, its bytes and the file do not.
    options.onObject?.(ref, 'store', { ...entry.stats, filesRead: 0, bytesRead: 0 });
    await add(snapshotAsInput(entry.snapshot, ref.input));
  }
  const byName = new Map(fresh.map((r) => [r.name, r]));
  for await (const content of fresh.length > 0 ? options.read(fresh) : []) {
    const ref = byName.get(content.name)!;
    const own = tallyObject(content.items, options.normalize, tally.examplesPerCode);
    const entry: StoreEntry = { name: ref.name, validator: ref.validator, ...own, stats: content.stats };
    if (!content.failed && !known.has(ref)) store.put(entry);
    if (entryFitsWindow(entry, options.window)) {
      options.onObject?.(ref, 'read', content.stats);
      await add(snapshotAsInput(own.snapshot, ref.input));
      continue;
    }
    const inside = itemsInWindow(content.items, options.window);
    const outside = content.items.length - inside.length;
    options.onObject?.(ref, 'read', { ...content.stats, records: content.stats.records - outside, recordsOutsideWindow: content.stats.recordsOutsideWindow + outside });
    await add(snapshotAsInput(tallyObject(inside, options.normalize, tally.examplesPerCode).snapshot, ref.input));
  }
  await flush();
  return { fromStore: objects.length - fresh.length, read: fresh.length };
}

