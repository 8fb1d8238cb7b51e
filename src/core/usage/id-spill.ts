/**
 * Event identities beyond memory: how the duplicate check stays exact while its memory stays flat in the number
 * of records. A tally keeps at most a bounded window of identities in memory (`event-ids.ts`); when the window
 * fills, its entries are written out ("spilled") through an {@link IdSpillWriter}, bucketed by partition, and the
 * window starts empty. A copy of an event whose identity was spilled is not caught while reading: it is counted,
 * and found afterwards by {@link findSpilledCopies}, which loads one partition at a time (1/{@link ID_PARTITIONS}
 * of the identities) and names every copy but the one of the earliest input. The caller reads those inputs again
 * and takes the copies back (`ActivityTally.retract`), as after a merge of worker threads.
 *
 * Pure: the writer and the reader are ports; the adapter behind them decides where the bytes live (a temporary
 * folder, `adapters/fs/id-spill-files.ts`). Entries are {@link ENTRY_WORDS} words each: the 128-bit identity,
 * then 1 + the input it was counted from (the layout of `HashSet128.entries`).
 *
 * The copies found in memory (a merge of worker threads that did not spill) are named the same way
 * ({@link addCopiesInMemory}), with the same key per copy ({@link loserKey}).
 *
 * Why partitions and not sorted runs: identities are uniform hashes, so their leading bits split them into
 * equal parts with no sort, and a partition is checked with the same hash set as the window.
 */
import { ENTRY_WORDS, HASH_WORDS, HashSet128 } from './event-ids.js';

/** Bits of an identity's first word that choose its partition (its leading bits: the set's home slot uses the low ones). */
const PARTITION_BITS = 6;

/**
 * Partitions of the spilled identities: the resolution holds one at a time, so its memory is 1/64 of the
 * spilled identities (~0.3 MB per million records, at 20 bytes an entry).
 */
export const ID_PARTITIONS = 1 << PARTITION_BITS;

/**
 * Identities a tally keeps in memory before spilling, by default: 2^17 entries fill a table of 2^18 slots
 * (grown past a load of 0.75), 5 MiB at 20 bytes a slot, whatever the number of records. Copies that CloudTrail
 * delivers twice within the last 131,072 events read are still dropped while reading.
 */
export const DEFAULT_ID_WINDOW = 1 << 17;

/** Where a tally writes the identities it spills: appends `entries` (whole entries, all of `partition`). */
export interface IdSpillWriter {
  append(partition: number, entries: Uint32Array): void;
}

/**
 * Reads back what every writer of one read spilled: the entries of `partition`, in chunks of whole entries. A chunk
 * may be reused for the next one: look at it before asking for more.
 */
export interface IdSpillReader {
  read(partition: number): Iterable<Uint32Array>;
}

/** The partition of the identity at `ids[at..]`. */
export function partitionOf(ids: Uint32Array, at: number): number {
  return ids[at]! >>> (32 - PARTITION_BITS);
}

/** Names a copy counted twice: its identity at `ids[at..]`, its input, and the input whose copy is kept so far. */
export type LoseCopy = (ids: Uint32Array, at: number, input: number, kept: number) => void;

/** Dense entries regrouped by partition, keeping their order within each: partition `p` is `bucketed[starts[p]..starts[p + 1])`. */
interface PartitionedEntries {
  bucketed: Uint32Array;
  /** {@link ID_PARTITIONS} + 1 word offsets. */
  starts: Uint32Array;
}

/** Regroups dense entries (`HashSet128.entries` layout) by partition, in one pass to count and one to place. */
function byPartition(entries: Uint32Array): PartitionedEntries {
  const starts = new Uint32Array(ID_PARTITIONS + 1);
  for (let e = 0; e < entries.length; e += ENTRY_WORDS) starts[partitionOf(entries, e) + 1]! += ENTRY_WORDS;
  for (let p = 1; p <= ID_PARTITIONS; p++) starts[p]! += starts[p - 1]!;
  const bucketed = new Uint32Array(entries.length);
  const next = starts.slice(0, ID_PARTITIONS);
  for (let e = 0; e < entries.length; e += ENTRY_WORDS) {
    const p = partitionOf(entries, e);
    const at = next[p]!;
    for (let w = 0; w < ENTRY_WORDS; w++) bucketed[at + w] = entries[e + w]!;
    next[p] = at + ENTRY_WORDS;
  }
  return { bucketed, starts };
}

/** Writes dense entries (`HashSet128.entries` layout) to `writer`, one append per partition that has any. */
export function spillEntries(entries: Uint32Array, writer: IdSpillWriter): void {
  const { bucketed, starts } = byPartition(entries);
  for (let p = 0; p < ID_PARTITIONS; p++) {
    if (starts[p] === starts[p + 1]) continue;
    writer.append(p, bucketed.subarray(starts[p]!, starts[p + 1]!));
  }
}

/**
 * Finds every copy counted twice among what was spilled (`reader`) and the identities still in memory
 * (`inMemory`, dense entries each), one partition at a time. For each event counted more than once, the copy of
 * the earliest input is kept and `lose(ids, at, input, kept)` is called once for every other copy, with an array
 * holding its identity at `at`, the input it was counted from, and the input whose copy is kept so far (a later
 * call may name an earlier one). Copies counted twice from the same input (the
 * window was spilled between them) are named once per extra copy. Returns the largest input met (-1: none).
 */
export function findSpilledCopies(
  reader: IdSpillReader,
  inMemory: readonly Uint32Array[],
  lose: LoseCopy,
): number {
  const seen = new HashSet128();
  // Regrouped once rather than scanned once per partition (64 passes over every identity in memory).
  const grouped = inMemory.map(byPartition);
  let largest = -1;
  for (let p = 0; p < ID_PARTITIONS; p++) {
    seen.clear();
    const add = (ids: Uint32Array, at: number): void => {
      const input = ids[at + HASH_WORDS]! - 1;
      if (input > largest) largest = input;
      const have = seen.addIfAbsent(ids, at, input);
      if (have === -1) return;
      if (have <= input) lose(ids, at, input, have);
      else {
        lose(ids, at, have, input);
        seen.set(ids, at, input);
      }
    };
    for (const chunk of reader.read(p)) for (let e = 0; e < chunk.length; e += ENTRY_WORDS) add(chunk, e);
    for (const { bucketed, starts } of grouped) for (let e = starts[p]!; e < starts[p + 1]!; e += ENTRY_WORDS) add(bucketed, e);
  }
  return largest;
}

/**
 * Adds dense entries (each part's ids) to `ids`, which keeps every identity in memory: for an identity already
 * there, the copy of the later input loses (`lose`) and the earlier input is kept. Returns the largest input met.
 */
export function addCopiesInMemory(ids: HashSet128, parts: readonly Uint32Array[], lose: LoseCopy): number {
  ids.reserve(parts.reduce((n, p) => n + p.length / ENTRY_WORDS, 0));
  let largest = -1;
  for (const part of parts) {
    const top = ids.addEntries(part, (w, have) => {
      const input = part[w + HASH_WORDS]! - 1;
      if (have <= input) lose(part, w, input, have);
      else {
        lose(part, w, have, input);
        ids.set(part, w, input);
      }
    });
    largest = Math.max(largest, top);
  }
  return largest;
}

/**
 * Key of "the copy of event `ids[at..]` counted from `input`", written into `out`: the event's identity with the
 * input mixed into its first word (still 128 bits of identity per copy).
 */
export function loserKey(ids: Uint32Array, at: number, input: number, out: Uint32Array): Uint32Array {
  out[0] = ids[at]! ^ Math.imul(input + 1, 0x9e3779b1);
  out[1] = ids[at + 1]!;
  out[2] = ids[at + 2]!;
  out[3] = ids[at + 3]!;
  return out;
}
