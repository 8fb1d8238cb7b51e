/**
 * One entry of the incremental usage store (`docs/usage-store.md`): what one log object (an S3 object or a local
 * file) counted, on its own, so that a later run can use it instead of reading the object again. The entry is
 * the object's own tally snapshot (every principal, no time window, input 0 of its own reading order), with the
 * time range of its records and the read's counters, plus the key and validator that say which bytes it was
 * made from (`s3://bucket/key` + ETag; a local file's absolute path + size + mtime).
 *
 * Pure: bytes in, bytes out. Layout (numbers little-endian): u32 length of a UTF-8 JSON head, the head (the
 * snapshot without its ids, and everything else), then the event ids, {@link HASH_WORDS} u32 words each (the
 * input word of a snapshot entry is always 1 + input 0, so it is not stored).
 */
import { ENTRY_WORDS, HASH_WORDS } from '../usage/event-ids.js';
import type { TallySnapshot } from '../usage/tally.js';
import type { TimeWindow } from '../usage/time-window.js';
import { PolicyTrimError } from '../errors.js';

/**
 * Version of the store's format (entries and the segment files holding them). Raise it whenever the bytes, or
 * what a snapshot means, change; a store written with a higher one is refused (`StoreFormatError`).
 */
export const STORE_FORMAT = 1;

/** The read's counters for one object (the fields of the reader's stats that one object adds to). */
export interface ObjectStats {
  filesRead: number;
  bytesRead: number;
  records: number;
  recordsOutsideWindow: number;
  recordsSkipped: number;
  problems: number;
  problemsByCode: Record<string, number>;
}

/** Zeroed {@link ObjectStats}. */
export function emptyObjectStats(): ObjectStats {
  return { filesRead: 0, bytesRead: 0, records: 0, recordsOutsideWindow: 0, recordsSkipped: 0, problems: 0, problemsByCode: {} };
}

/** What one object counted, read with no time window, for every principal. */
export interface StoreEntry {
  /** `s3://bucket/key`, or a local file's absolute path. */
  name: string;
  /** What the bytes were: `etag:"…"` for S3, `size:mtimeMs` for a local file. */
  validator: string;
  /** The object's own tally (input 0): every principal, every record, no window. */
  snapshot: TallySnapshot;
  /** Earliest and latest parseable `eventTime` of its records (ms since epoch); absent when none had one. */
  firstTime?: number;
  lastTime?: number;
  /** Records without a parseable `eventTime` (they pass every window filter). */
  untimed: number;
  /** The read's counters for this object (no window: `recordsOutsideWindow` is 0). */
  stats: ObjectStats;
}

/** A store written by a newer policy-trim (a higher {@link STORE_FORMAT}): refused, never guessed at. */
export class StoreFormatError extends PolicyTrimError {
  constructor(where: string, format: number) {
    super({
      code: 'store-format',
      message: `the usage store at ${where} was written by a newer policy-trim (store format ${format}; this version reads format ${STORE_FORMAT} and older).`,
      hint: 'Upgrade policy-trim, or run with --no-store, or give another folder with --store DIR.',
    });
  }
}

/** A stored entry that cannot be decoded (a bug or a damaged file: the segment holding it is not used). */
export class StoreEntryError extends PolicyTrimError {
  constructor(message: string) {
    super({ code: 'store-entry', message, hint: 'Run `policy-trim store prune` to drop damaged segments; the objects are read again meanwhile.', source: 'tool' });
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The entry's bytes (see the module comment). */
export function encodeEntry(entry: StoreEntry): Uint8Array {
  const { ids, ...rest } = entry.snapshot;
  const head = encoder.encode(JSON.stringify({ ...entry, snapshot: { ...rest, idCount: ids.length / ENTRY_WORDS } }));
  const n = ids.length / ENTRY_WORDS;
  const out = new Uint8Array(4 + head.length + n * HASH_WORDS * 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, head.length, true);
  out.set(head, 4);
  let at = 4 + head.length;
  for (let e = 0; e < ids.length; e += ENTRY_WORDS) {
    for (let w = 0; w < HASH_WORDS; w++, at += 4) view.setUint32(at, ids[e + w]!, true);
  }
  return out;
}

/** Reads back {@link encodeEntry}'s bytes. Throws {@link StoreEntryError} on bytes that do not fit the layout. */
export function decodeEntry(bytes: Uint8Array): StoreEntry {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4) throw new StoreEntryError('a store entry is shorter than its length prefix');
  const headLength = view.getUint32(0, true);
  if (4 + headLength > bytes.length) throw new StoreEntryError('a store entry is shorter than its head');
  const head = JSON.parse(decoder.decode(bytes.subarray(4, 4 + headLength))) as Omit<StoreEntry, 'snapshot'> & {
    snapshot: Omit<TallySnapshot, 'ids'> & { idCount: number };
  };
  const { idCount, ...rest } = head.snapshot;
  if (bytes.length !== 4 + headLength + idCount * HASH_WORDS * 4) throw new StoreEntryError(`the store entry of ${head.name} has ${bytes.length} bytes, not the ${4 + headLength + idCount * HASH_WORDS * 4} its head says`);
  const ids = new Uint32Array(idCount * ENTRY_WORDS);
  let at = 4 + headLength;
  for (let e = 0; e < ids.length; e += ENTRY_WORDS) {
    for (let w = 0; w < HASH_WORDS; w++, at += 4) ids[e + w] = view.getUint32(at, true);
    ids[e + HASH_WORDS] = 1; // 1 + input 0
  }
  return { ...head, snapshot: { ...rest, ids } };
}

/**
 * Whether a run with `window` can use the entry as it is: every record lies inside the window (or the object had
 * none with a time). An object straddling the window's edge, or outside it, is read again and filtered record by
 * record, as a read without the store would.
 */
export function entryFitsWindow(entry: Pick<StoreEntry, 'firstTime' | 'lastTime' | 'untimed'>, window: TimeWindow): boolean {
  if (entry.firstTime === undefined || entry.lastTime === undefined) return true;
  if (window.since && entry.firstTime < window.since.getTime()) return false;
  if (window.until && entry.lastTime >= window.until.getTime()) return false;
  return true;
}

/**
 * The snapshot as input `input` of a run's reading order: the ids' input word and every place (examples, first
 * seen keys) moved from input 0 to `input`. A copy: the stored snapshot is left as it is.
 */
export function snapshotAsInput(snapshot: TallySnapshot, input: number): TallySnapshot {
  const ids = snapshot.ids.slice();
  for (let e = HASH_WORDS; e < ids.length; e += ENTRY_WORDS) ids[e] = input + 1;
  const moved = (places: Record<string, [number, number]>) => Object.fromEntries(Object.entries(places).map(([k, o]) => [k, [input, o[1]] as [number, number]]));
  return {
    ...snapshot,
    ids,
    examples: snapshot.examples.map((e) => ({ ...e, order: [input, e.order[1]] })),
    firstSeen: { ignored: moved(snapshot.firstSeen.ignored), problemCounts: moved(snapshot.firstSeen.problemCounts), unknownEvents: moved(snapshot.firstSeen.unknownEvents) },
  };
}
