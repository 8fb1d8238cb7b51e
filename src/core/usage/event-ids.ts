/**
 * Event identities for deduplication: 128 bits per (`recipientAccountId`, `eventID`) ({@link eventIdentity})
 * and a compact open-addressing set of them, each with one 32-bit value (the input the copy was counted from).
 *
 * Why 128 bits: the ids themselves (36-character UUIDs plus a 12-digit account) would cost ~100 bytes each as
 * JS strings in a Set; 128 bits cost 16. A 64-bit hash is not enough at organization scale: with 10^9 events
 * the chance of one collision (a real call silently dropped as a "duplicate") is ~2.7 %; with 128 bits it is
 * ~10^-21. Memory: 20 bytes per slot (identity + value), at a load of 0.375–0.75, so 27–53 MB per million
 * distinct events (42 MB measured for 1M, docs/BENCHMARKS.md).
 *
 * The hash is MurmurHash3 x86_128 over UTF-16 code units (little-endian pairs, as if UTF-16LE bytes), of the
 * id and of the account apart: pure JS, no allocation, no node: import in the core. Parsing a UUID id into
 * its own 128 bits instead was measured no cheaper (~150–250 ns a key either way on the loaded bench machine).
 */

/** Words per hash. */
export const HASH_WORDS = 4;
/** Words per stored entry: the hash and its value. */
export const ENTRY_WORDS = HASH_WORDS + 1;

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Murmur3 block mixing of one 32-bit word of the key into lane `h`. */
function mixK(k: number, c1: number, c2: number, r: number): number {
  return Math.imul(rotl(Math.imul(k, c1), r), c2);
}

/** Code unit `j` of `s`, or 0 past its end (the tail of a key is zero-padded). */
function unitAt(s: string, j: number, len: number): number {
  return j < len ? s.charCodeAt(j) : 0;
}

/** Writes the 128-bit hash of `s` into `out[at..at+3]` (MurmurHash3 x86_128 over UTF-16LE, seed 0). */
export function hash128(s: string, out: Uint32Array, at = 0): void {
  const len = s.length;
  let h1 = 0;
  let h2 = 0;
  let h3 = 0;
  let h4 = 0;
  const full = len - (len & 7);
  let i = 0;
  for (; i < full; i += 8) {
    h1 ^= mixK(s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16), C1, C2, 15);
    h1 = (Math.imul((rotl(h1, 19) + h2) | 0, 5) + 0x561ccd1b) | 0;
    h2 ^= mixK(s.charCodeAt(i + 2) | (s.charCodeAt(i + 3) << 16), C2, C3, 16);
    h2 = (Math.imul((rotl(h2, 17) + h3) | 0, 5) + 0x0bcaa747) | 0;
    h3 ^= mixK(s.charCodeAt(i + 4) | (s.charCodeAt(i + 5) << 16), C3, C4, 17);
    h3 = (Math.imul((rotl(h3, 15) + h4) | 0, 5) + 0x96cd1c35) | 0;
    h4 ^= mixK(s.charCodeAt(i + 6) | (s.charCodeAt(i + 7) << 16), C4, C1, 18);
    h4 = (Math.imul((rotl(h4, 13) + h1) | 0, 5) + 0x32ac3b17) | 0;
  }
  if (i < len) {
    // Tail: missing code units are zero, and a zero word mixes to zero, so all four steps may run. A plain
    // function rather than a closure: a closure here was allocated on every call (~100 ns a key).
    h4 ^= mixK(unitAt(s, i + 6, len) | (unitAt(s, i + 7, len) << 16), C4, C1, 18);
    h3 ^= mixK(unitAt(s, i + 4, len) | (unitAt(s, i + 5, len) << 16), C3, C4, 17);
    h2 ^= mixK(unitAt(s, i + 2, len) | (unitAt(s, i + 3, len) << 16), C2, C3, 16);
    h1 ^= mixK(unitAt(s, i, len) | (unitAt(s, i + 1, len) << 16), C1, C2, 15);
  }
  const bytes = len * 2;
  h1 ^= bytes;
  h2 ^= bytes;
  h3 ^= bytes;
  h4 ^= bytes;
  h1 = (h1 + h2 + h3 + h4) | 0;
  h2 = (h2 + h1) | 0;
  h3 = (h3 + h1) | 0;
  h4 = (h4 + h1) | 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h3 = fmix(h3);
  h4 = fmix(h4);
  h1 = (h1 + h2 + h3 + h4) | 0;
  out[at] = h1;
  out[at + 1] = h2 + h1;
  out[at + 2] = h3 + h1;
  out[at + 3] = h4 + h1;
}

/**
 * Writes the 128-bit identity of a raw record, (`recipientAccountId`, `eventID`), into `out[at..at+3]` and
 * returns true; false when the record has no `eventID` (such records are never deduplicated: without an id two
 * identical-looking calls may be two real calls). The account keeps apart events of two accounts that happen to
 * share an id (an organization trail holds many accounts).
 *
 * The identity is the id's {@link hash128} XORed with the account's: no key string is built (concatenating
 * the two and hashing the result cost a flattened string per record, about half the old per-record cost), and
 * the account's hash is kept from the record before. Two events clash only if their id hashes differ by
 * exactly the XOR of their accounts' hashes: 2^-128 for any pair, as with one hash of the pair.
 */
export function eventIdentity(record: unknown, out: Uint32Array, at = 0): boolean {
  if (typeof record !== 'object' || record === null) return false;
  const r = record as Record<string, unknown>;
  const id = r.eventID;
  if (typeof id !== 'string' || id === '') return false;
  hash128(id, out, at);
  const account = r.recipientAccountId;
  const a = accountWords(typeof account === 'string' ? account : '');
  out[at] ^= a[0]!;
  out[at + 1] ^= a[1]!;
  out[at + 2] ^= a[2]!;
  out[at + 3] ^= a[3]!;
  return true;
}

/** The account of the last record and its hash: a delivered file holds one account, so this nearly always hits. */
let lastAccount: string | undefined;
const lastAccountWords = new Uint32Array(HASH_WORDS);

function accountWords(account: string): Uint32Array {
  if (account !== lastAccount) {
    hash128(account, lastAccountWords);
    lastAccount = account;
  }
  return lastAccountWords;
}

/** Initial slots (power of two): 20 KiB, so a tally that never sees an id costs next to nothing. */
const INITIAL_SLOTS = 1024;

/**
 * A set of 128-bit hashes, each with a 32-bit value, in one typed array (open addressing, linear probing,
 * grown ×2 past a load of 0.75). No per-entry objects: the garbage collector never walks it, and no
 * operation allocates except {@link grow} and {@link entries}. The home slot is the first word (uniform: a
 * hash).
 */
export class HashSet128 {
  /** ENTRY_WORDS per slot: the hash, then value + 1 (0 marks an empty slot). */
  private table = new Uint32Array(INITIAL_SLOTS * ENTRY_WORDS);
  private mask = INITIAL_SLOTS - 1;
  /** Entries stored. */
  size = 0;

  /** Bytes held by the table. */
  get bytes(): number {
    return this.table.byteLength;
  }

  /** Slot index (in words) of hash `h[at..]`: its own slot, or the empty slot where it would go. */
  private find(h: Uint32Array, at: number): number {
    const t = this.table;
    const h0 = h[at]!;
    const h1 = h[at + 1]!;
    const h2 = h[at + 2]!;
    const h3 = h[at + 3]!;
    for (let slot = h0 & this.mask; ; slot = (slot + 1) & this.mask) {
      const w = slot * ENTRY_WORDS;
      if (t[w + 4] === 0) return w;
      if (t[w] === h0 && t[w + 1] === h1 && t[w + 2] === h2 && t[w + 3] === h3) return w;
    }
  }

  /** The value stored with hash `h[at..]`, or -1. */
  get(h: Uint32Array, at = 0): number {
    return this.table[this.find(h, at) + 4]! - 1;
  }

  /** Stores hash `h[at..]` with `value` (0 ≤ value < 2^32 - 1), replacing the value if present. */
  set(h: Uint32Array, at: number, value: number): void {
    const w = this.slotFor(h, at);
    this.table[w + 4] = value + 1;
  }

  /**
   * The value stored with hash `h[at..]`; when absent, stores it with `value` and returns -1. One probe where
   * `get` then `set` would take two: the per-record check of a read.
   */
  addIfAbsent(h: Uint32Array, at: number, value: number): number {
    const w = this.slotFor(h, at);
    const had = this.table[w + 4]!;
    if (had !== 0) return had - 1;
    this.table[w + 4] = value + 1;
    return -1;
  }

  /** The slot of hash `h[at..]`, claimed (hash written, value left 0 for the caller) when it was absent. */
  private slotFor(h: Uint32Array, at: number): number {
    let w = this.find(h, at);
    const t0 = this.table;
    if (t0[w + 4] !== 0) return w;
    if ((this.size + 1) * 4 > (this.mask + 1) * 3) {
      this.grow();
      w = this.find(h, at);
    }
    const t = this.table;
    this.size++;
    t[w] = h[at]!;
    t[w + 1] = h[at + 1]!;
    t[w + 2] = h[at + 2]!;
    t[w + 3] = h[at + 3]!;
    return w;
  }

  /** Empties the set and keeps its table: a window that fills again needs the same room. */
  clear(): void {
    this.table.fill(0);
    this.size = 0;
  }

  /** Removes hash `h[at..]` if present (backward-shift deletion keeps probing chains intact). */
  delete(h: Uint32Array, at = 0): boolean {
    const t = this.table;
    let w = this.find(h, at);
    if (t[w + 4] === 0) return false;
    this.size--;
    let hole = w / ENTRY_WORDS;
    for (let slot = (hole + 1) & this.mask; ; slot = (slot + 1) & this.mask) {
      w = slot * ENTRY_WORDS;
      if (t[w + 4] === 0) break;
      const home = t[w]! & this.mask;
      // Move the entry back into the hole unless its home lies cyclically in (hole, slot].
      const between = hole <= slot ? home > hole && home <= slot : home > hole || home <= slot;
      if (between) continue;
      t.copyWithin(hole * ENTRY_WORDS, w, w + ENTRY_WORDS);
      hole = slot;
    }
    t.fill(0, hole * ENTRY_WORDS, hole * ENTRY_WORDS + ENTRY_WORDS);
    return true;
  }

  /**
   * Adds each entry of `entries` (ENTRY_WORDS words each: hash, then value + 1, as {@link entries} gives them)
   * that is absent; for one already present, calls `present(at, stored)` with the entry's word offset in
   * `entries` and the value stored here. Returns the largest value among `entries` (-1 when empty). One loop
   * with the probe written out: a merge runs it once, cold, on the main thread after the workers are done, where
   * a call per id cost more than the probing (~0.7 µs an id).
   */
  addEntries(entries: Uint32Array, present: (at: number, stored: number) => void): number {
    this.reserve(entries.length / ENTRY_WORDS);
    let largest = 0;
    // Room is reserved and `present` only replaces values: neither the table nor the mask changes below.
    const t = this.table;
    const mask = this.mask;
    for (let e = 0; e < entries.length; e += ENTRY_WORDS) {
      const h0 = entries[e]!;
      const h1 = entries[e + 1]!;
      const h2 = entries[e + 2]!;
      const h3 = entries[e + 3]!;
      if (entries[e + 4]! > largest) largest = entries[e + 4]!;
      for (let slot = h0 & mask; ; slot = (slot + 1) & mask) {
        const w = slot * ENTRY_WORDS;
        const stored = t[w + 4]!;
        if (stored === 0) {
          t[w] = h0;
          t[w + 1] = h1;
          t[w + 2] = h2;
          t[w + 3] = h3;
          t[w + 4] = entries[e + 4]!;
          this.size++;
          break;
        }
        if (t[w] === h0 && t[w + 1] === h1 && t[w + 2] === h2 && t[w + 3] === h3) {
          present(e, stored - 1);
          break;
        }
      }
    }
    return largest - 1;
  }

  /**
   * Makes room for `n` more entries at once (one rehash instead of one per doubling): a merge knows how many
   * ids it is about to add.
   */
  reserve(n: number): void {
    let slots = this.mask + 1;
    while ((this.size + n) * 4 > slots * 3) slots *= 2;
    if (slots > this.mask + 1) this.grow(slots);
  }

  private grow(slots = (this.mask + 1) * 2): void {
    const old = this.table;
    this.table = new Uint32Array(slots * ENTRY_WORDS);
    this.mask = slots - 1;
    const t = this.table;
    for (let w = 0; w < old.length; w += ENTRY_WORDS) {
      if (old[w + 4] === 0) continue;
      const to = this.find(old, w);
      for (let k = 0; k < ENTRY_WORDS; k++) t[to + k] = old[w + k]!;
    }
  }

  /** The entries, densely: ENTRY_WORDS words each (hash, value + 1), in table order. */
  entries(): Uint32Array {
    const out = new Uint32Array(this.size * ENTRY_WORDS);
    let o = 0;
    const t = this.table;
    for (let w = 0; w < t.length; w += ENTRY_WORDS) {
      if (t[w + 4] === 0) continue;
      for (let k = 0; k < ENTRY_WORDS; k++) out[o + k] = t[w + k]!;
      o += ENTRY_WORDS;
    }
    return out;
  }
}
