/**
 * Places in the single-threaded reading order, and the counts a tally keeps in that order: how a merge of
 * worker threads' tallies rebuilds what one thread reading in order would have (`tally.ts`).
 */

/** Place of an item in the single-threaded reading order: [input index, item index within that input]. */
export type ReadOrder = [number, number];

/** The three families of counts whose key order is rebuilt on merge. */
export type CountFamily = 'ignored' | 'problemCounts' | 'unknownEvents';

/** Counts by key, with the place where each key was first met (a tally, or a snapshot of one). */
export type CountsInOrder = Record<CountFamily, Record<string, number>> & { firstSeen: Record<CountFamily, Record<string, ReadOrder>> };

/** Takes one from a count (a retracted copy); a key that falls to zero goes, with its first place. */
export function decrement(counts: Record<string, number>, key: string, firstSeen: Record<string, ReadOrder>): void {
  const n = (counts[key] ?? 0) - 1;
  if (n > 0) counts[key] = n;
  else {
    delete counts[key];
    delete firstSeen[key];
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
export function mergeCounts(
  parts: ReadonlyArray<Pick<CountsInOrder, CountFamily | 'firstSeen'>>,
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
