/**
 * IAM wildcard patterns: matching, containment and overlap.
 *
 * IAM patterns use `*` (any run of characters, including none, spanning `:` and `/`) and `?` (exactly one
 * character). Resource patterns may also hold policy variables (`${aws:username}`) whose value comes from the
 * request context; `${*}`, `${?}` and `${$}` are IAM's escapes for a literal `*`, `?` and `$`.
 *
 * This module is our own small matcher (kept in the policy model so the evaluator does not depend on the
 * catalog). Containment (`patternCovers`) is sound but not complete; see its JSDoc.
 */

/** One element of a tokenized pattern. */
export type PatternToken =
  | { t: 'lit'; c: string }
  | { t: 'one' }
  | { t: 'star' }
  | { t: 'var'; name: string };

/** How to read a pattern: actions compare case-insensitively, resources case-sensitively. */
export interface PatternOptions {
  caseInsensitive?: boolean;
  /** Read `${...}` as a policy variable (resources) rather than as literal characters (actions). */
  variables?: boolean;
}

const ESCAPES: Record<string, string> = { '*': '*', '?': '?', $: '$' };

/** Split a pattern into tokens. Literal characters are lower-cased when `caseInsensitive`. */
export function tokenize(pattern: string, opts: PatternOptions = {}): PatternToken[] {
  const out: PatternToken[] = [];
  const fold = (c: string): string => (opts.caseInsensitive ? c.toLowerCase() : c);
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      // Consecutive stars mean the same as one; collapsing keeps the DP small.
      if (out.length === 0 || out[out.length - 1].t !== 'star') out.push({ t: 'star' });
    } else if (c === '?') {
      out.push({ t: 'one' });
    } else if (opts.variables && c === '$' && pattern[i + 1] === '{') {
      const end = pattern.indexOf('}', i + 2);
      if (end < 0) {
        out.push({ t: 'lit', c: fold(c) });
        continue;
      }
      const inner = pattern.slice(i + 2, end);
      if (inner in ESCAPES) out.push({ t: 'lit', c: ESCAPES[inner] });
      else out.push({ t: 'var', name: inner.trim() });
      i = end;
    } else {
      out.push({ t: 'lit', c: fold(c) });
    }
  }
  return out;
}

/**
 * Tokenized patterns, memoised: the evaluator and the never-wider check match the same few patterns against
 * thousands of catalog actions. Cleared when it reaches this many entries (a bound, not a tuning knob).
 */
const TOKEN_CACHE_LIMIT = 50_000;
const tokenCache = new Map<string, PatternToken[]>();

function cachedTokens(pattern: string, opts: PatternOptions): PatternToken[] {
  const key = `${opts.caseInsensitive ? 'i' : ''}${opts.variables ? 'v' : ''}\u0000${pattern}`;
  let t = tokenCache.get(key);
  if (!t) {
    if (tokenCache.size >= TOKEN_CACHE_LIMIT) tokenCache.clear();
    t = tokenize(pattern, opts);
    tokenCache.set(key, t);
  }
  return t;
}

/** True when the pattern holds a policy variable other than the `${*}`/`${?}`/`${$}` escapes. */
export function hasPolicyVariable(pattern: string): boolean {
  return tokenize(pattern, { variables: true }).some((t) => t.t === 'var');
}

/** Replace every variable by `*` (what the variable might expand to, at the widest). */
function varsAsStars(tokens: PatternToken[]): PatternToken[] {
  const out: PatternToken[] = [];
  for (const t of tokens) {
    const n: PatternToken = t.t === 'var' ? { t: 'star' } : t;
    if (n.t === 'star' && out.length > 0 && out[out.length - 1].t === 'star') continue;
    out.push(n);
  }
  return out;
}

/** Does a token pattern (no variables) match a concrete string? Classic greedy-with-backtrack glob match. */
function matchTokens(p: PatternToken[], s: string): boolean {
  let pi = 0;
  let si = 0;
  let starP = -1;
  let starS = 0;
  while (si < s.length) {
    const t = p[pi];
    if (t && (t.t === 'one' || (t.t === 'lit' && t.c === s[si]))) {
      pi++;
      si++;
    } else if (t && t.t === 'star') {
      starP = pi++;
      starS = si;
    } else if (starP >= 0) {
      pi = starP + 1;
      si = ++starS;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi].t === 'star') pi++;
  return pi === p.length;
}

/** Tri-state answer for patterns with variables: `maybe` when the answer depends on the variable's value. */
export type Tri = 'yes' | 'no' | 'maybe';

/**
 * Does `pattern` match the concrete string `value`? Resource patterns: case-sensitive, variables give
 * `maybe` when the pattern could match for some value of the variable and `no` when it cannot match at all.
 */
export function matchPattern(pattern: string, value: string, opts: PatternOptions = {}): Tri {
  const tokens = cachedTokens(pattern, opts);
  const v = opts.caseInsensitive ? value.toLowerCase() : value;
  if (!tokens.some((t) => t.t === 'var')) return matchTokens(tokens, v) ? 'yes' : 'no';
  return matchTokens(varsAsStars(tokens), v) ? 'maybe' : 'no';
}

/**
 * Compile action patterns (case-insensitive, no variables) into one predicate "matches any of them", for
 * loops over the whole catalog.
 */
export function compileActionPatterns(patterns: string[]): (action: string) => boolean {
  const src = patterns
    .map((p) =>
      tokenize(p, { caseInsensitive: true })
        .map((t) => (t.t === 'star' ? '[\\s\\S]*' : t.t === 'one' ? '[\\s\\S]' : t.t === 'lit' ? t.c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') : ''))
        .join(''),
    )
    .join('|');
  const re = new RegExp(`^(?:${src})$`);
  return (action) => re.test(action.toLowerCase());
}

/** Action match: case-insensitive, no variables. */
export function actionMatches(pattern: string, action: string): boolean {
  return matchPattern(pattern, action, { caseInsensitive: true }) === 'yes';
}

/**
 * Containment: does every string `specific` can match also match `general`?
 *
 * Sound (a `true` is always right) but incomplete: it looks for a token-by-token alignment in which each
 * token of `specific` is absorbed by a token of `general` that accepts everything it can produce (`*` absorbs
 * anything; `?` absorbs one character; a literal only itself; a variable only the same variable, which
 * has the same value in both policies for one request). Runs of wildcards are normalised first, so `*?` and
 * `?*` compare equal; a pair whose containment holds only through a cleverer alignment than this one may
 * be rejected. Variables in `general` never absorb anything but themselves.
 */
export function patternCovers(general: string, specific: string, opts: PatternOptions = {}): boolean {
  return tokensCover(normaliseWildcardRuns(tokenize(general, opts)), normaliseWildcardRuns(tokenize(specific, opts)));
}

/** Rewrite each run of `?` and `*` holding at least one `*` as its `?`s then one `*` (same language). */
function normaliseWildcardRuns(tokens: PatternToken[]): PatternToken[] {
  const out: PatternToken[] = [];
  let i = 0;
  while (i < tokens.length) {
    if (tokens[i].t !== 'one' && tokens[i].t !== 'star') {
      out.push(tokens[i++]);
      continue;
    }
    let ones = 0;
    let star = false;
    for (; i < tokens.length && (tokens[i].t === 'one' || tokens[i].t === 'star'); i++) {
      if (tokens[i].t === 'one') ones++;
      else star = true;
    }
    for (let k = 0; k < ones; k++) out.push({ t: 'one' });
    if (star) out.push({ t: 'star' });
  }
  return out;
}

function tokensCover(g: PatternToken[], s: PatternToken[]): boolean {
  const n = g.length;
  const m = s.length;
  // dp[i][j]: g[i..] covers s[j..]. Filled from the end.
  const dp: boolean[][] = Array.from({ length: n + 1 }, () => new Array<boolean>(m + 1).fill(false));
  dp[n][m] = true;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m; j >= 0; j--) {
      const gt = g[i];
      if (gt.t === 'star') {
        dp[i][j] = dp[i + 1][j] || (j < m && dp[i][j + 1]);
        continue;
      }
      if (j === m) continue;
      const st = s[j];
      let ok = false;
      if (gt.t === 'one') ok = st.t === 'lit' || st.t === 'one';
      else if (gt.t === 'lit') ok = st.t === 'lit' && st.c === gt.c;
      else if (gt.t === 'var') ok = st.t === 'var' && st.name === gt.name;
      dp[i][j] = ok && dp[i + 1][j + 1];
    }
  }
  return dp[0][0];
}

/**
 * Overlap: could some string match both patterns? Exact for `*`/`?` patterns; a variable is read as `*`,
 * so with variables the answer may be a false `true` (safe wherever overlap means "might apply").
 */
export function patternsIntersect(a: string, b: string, opts: PatternOptions = {}): boolean {
  return tokensIntersect(varsAsStars(tokenize(a, opts)), varsAsStars(tokenize(b, opts)));
}

function tokensIntersect(a: PatternToken[], b: PatternToken[]): boolean {
  const n = a.length;
  const m = b.length;
  const dp: boolean[][] = Array.from({ length: n + 1 }, () => new Array<boolean>(m + 1).fill(false));
  for (let i = n; i >= 0; i--) {
    for (let j = m; j >= 0; j--) {
      if (i === n && j === m) {
        dp[i][j] = true;
        continue;
      }
      const at = a[i];
      const bt = b[j];
      if (at?.t === 'star' || bt?.t === 'star') {
        // A star may produce nothing, or absorb the next token of the other side (a literal or `?` character,
        // or the other side's star producing nothing).
        let v = false;
        if (at?.t === 'star') v = dp[i + 1][j] || (j < m && dp[i][j + 1]);
        if (!v && bt?.t === 'star') v = dp[i][j + 1] || (i < n && dp[i + 1][j]);
        dp[i][j] = v;
        continue;
      }
      if (i === n || j === m) continue;
      const compatible = at.t === 'one' || bt.t === 'one' || (at.t === 'lit' && bt.t === 'lit' && at.c === bt.c);
      dp[i][j] = compatible && dp[i + 1][j + 1];
    }
  }
  return dp[0][0];
}

/** True when the pattern matches every string (it is made only of `*`). */
export function isUniversalPattern(pattern: string): boolean {
  return pattern.length > 0 && /^\*+$/.test(pattern);
}

/** True when the pattern contains `*` or `?` (policy variables do not count). */
export function hasWildcard(pattern: string, opts: PatternOptions = {}): boolean {
  return tokenize(pattern, opts).some((t) => t.t === 'star' || t.t === 'one');
}
