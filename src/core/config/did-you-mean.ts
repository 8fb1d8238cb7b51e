/** "Did you mean …?" for a misspelt key or value: the nearest of the words the schema allows. */

/** Edit distance (insertions, deletions, substitutions) between two short words. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The spelling differences people make in keys that are not typos: case, `_` or space for `-`. */
function fold(word: string): string {
  return word.toLowerCase().replace(/[_\s]+/g, '-');
}

/**
 * The allowed word `word` most likely meant, or undefined when none is close: the same word folded (case,
 * `defined_in` for `defined-in`), else the nearest within a third of its length (at least 2 edits), so a
 * wholly different word gets no guess.
 */
export function didYouMean(word: string, allowed: readonly string[]): string | undefined {
  const folded = fold(word);
  const same = allowed.find((a) => fold(a) === folded);
  if (same !== undefined) return same;
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const a of allowed) {
    const d = editDistance(folded, fold(a));
    if (d < bestDistance) [best, bestDistance] = [a, d];
  }
  return best;
}
