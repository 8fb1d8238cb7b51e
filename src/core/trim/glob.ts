/**
 * IAM-style wildcard reasoning (`*` = any run of characters, `?` = exactly one), used by trim to prove that a
 * narrowed pattern stays inside the original one. Kept local to trim so its safety proofs do not move when the
 * shared pattern module changes; every function here is sound (never answers "covered"/"disjoint" wrongly),
 * which is all the safety contract needs.
 */

/** True when `s` contains an IAM wildcard character. */
export function hasWildcard(s: string): boolean {
  return s.includes('*') || s.includes('?');
}

function eqChar(a: string, b: string, ci: boolean): boolean {
  return ci ? a.toLowerCase() === b.toLowerCase() : a === b;
}

/**
 * True when every string matched by `specific` is matched by `general`. `specific` may itself be a pattern;
 * its `*`/`?` are treated as symbols that only a `*` (or, for `?`, a `?`) of `general` can absorb, which is
 * sound. With a literal `specific` this is plain wildcard matching. `ci`: case-insensitive (IAM actions).
 */
export function globCovers(general: string, specific: string, ci = false): boolean {
  const n = general.length;
  const m = specific.length;
  // dp[j] = general[i:] covers specific[j:], computed for i from n down to 0.
  let next = new Array<boolean>(m + 1).fill(false);
  next[m] = true;
  for (let i = n - 1; i >= 0; i--) {
    const cur = new Array<boolean>(m + 1).fill(false);
    const g = general[i];
    for (let j = m; j >= 0; j--) {
      if (g === '*') {
        cur[j] = next[j] || (j < m && cur[j + 1]);
      } else if (j === m) {
        cur[j] = false;
      } else {
        const s = specific[j];
        if (g === '?') cur[j] = s !== '*' && next[j + 1];
        else cur[j] = s !== '*' && s !== '?' && eqChar(g, s, ci) && next[j + 1];
      }
    }
    next = cur;
  }
  return next[0];
}

/** Wildcard match of a literal string (`value`) against `pattern`. */
export function globMatch(pattern: string, value: string, ci = false): boolean {
  return globCovers(pattern, value, ci);
}

/**
 * True when some string is matched by both patterns. Used to prove a narrowed `Resource` cannot reach into a
 * `NotResource` exclusion (disjoint ⇒ safe) and to evaluate NotStartsWith trail selectors.
 */
export function globIntersects(p: string, q: string, ci = false): boolean {
  const n = p.length;
  const m = q.length;
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * (m + 1) + j;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (i === n && j === m) r = true;
    else if (i < n && p[i] === '*') r = go(i + 1, j) || (j < m && go(i, j + 1));
    else if (j < m && q[j] === '*') r = go(i, j + 1) || (i < n && go(i + 1, j));
    else if (i === n || j === m) r = false;
    else r = (p[i] === '?' || q[j] === '?' || eqChar(p[i], q[j], ci)) && go(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

/** The literal text before the first wildcard (the whole string when there is none). */
export function literalPrefix(p: string): string {
  const i = p.search(/[*?]/);
  return i < 0 ? p : p.slice(0, i);
}

/** The literal text after the last wildcard (the whole string when there is none). */
export function literalSuffix(p: string): string {
  let k = -1;
  for (let i = 0; i < p.length; i++) if (p[i] === '*' || p[i] === '?') k = i;
  return p.slice(k + 1);
}

/** True when the action pattern `pattern` (case-insensitive, `svc:Name*`) covers `specific`. */
export function actionPatternCovers(pattern: string, specific: string): boolean {
  return globCovers(pattern, specific, true);
}
