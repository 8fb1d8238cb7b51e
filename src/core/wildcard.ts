/**
 * IAM wildcard patterns, one reading: tokenizing, matching (boolean and tri-state), compiled matchers,
 * containment ("covers") and overlap ("intersects"). Every caller imports from here and names the reading.
 *
 * Readings (IAM User Guide):
 * - `ACTION_PATTERN` — "IAM JSON policy elements: Action": `*` and `?`, compared case-insensitively. The
 *   pattern and the subject are each lower-cased as one string; no policy variables (`$`, `{`, `}` are text).
 * - `RESOURCE_PATTERN` — "IAM JSON policy elements: Resource": case-sensitive; "IAM policy elements: Variables
 *   and tags": `${name}` is a policy variable whose value comes from the request (its name as written: two
 *   variables are the same only when spelled the same), and `${*}`, `${?}`, `${$}` are a literal `*`, `?`, `$`.
 * - `LEGACY_RESOURCE_PATTERN` — a Resource in a document whose Version is not 2012-10-17: no variables, so
 *   `${…}` is literal text (the same page: variables need Version 2012-10-17).
 *
 * `*` is any run of characters (none included) and `?` exactly one, and both may match `:` and `/` anywhere in
 * the string. The Resource page says a `*` that ends an ARN segment "can expand to match beyond the colon
 * boundaries" and recommends (does not require) keeping wildcards inside a segment; it says nothing narrower
 * about a `*` inside a segment, so the whole ARN is read as one string, as before.
 */

/** One token of a parsed pattern. */
export type PatternToken =
  | { kind: 'lit'; ch: string }
  | { kind: 'one' } // `?`
  | { kind: 'star' } // `*`
  | { kind: 'var'; name: string }; // `${name}` policy variable (only when variables are read)

/** How a pattern is read: pass one of the three readings below. */
export interface PatternReading {
  /** Compare case-insensitively (actions). */
  readonly caseInsensitive?: boolean;
  /** Read `${...}` as a policy variable or escape (resources); otherwise `$`, `{`, `}` are literal. */
  readonly variables?: boolean;
}

/** IAM action patterns: case-insensitive, no variables. */
export const ACTION_PATTERN: PatternReading = Object.freeze({ caseInsensitive: true, variables: false });
/** IAM resource (ARN) patterns: case-sensitive, policy variables and their escapes. */
export const RESOURCE_PATTERN: PatternReading = Object.freeze({ caseInsensitive: false, variables: true });
/** Resource patterns of a document without Version 2012-10-17: case-sensitive, `${…}` is literal text. */
export const LEGACY_RESOURCE_PATTERN: PatternReading = Object.freeze({ caseInsensitive: false, variables: false });

const ESCAPES: Record<string, string> = { '*': '*', '?': '?', $: '$' };

/** Splits a pattern into tokens (runs of `*` become one `star`; see the module comment for the readings). */
export function tokenize(pattern: string, reading: PatternReading): PatternToken[] {
  const p = reading.caseInsensitive ? pattern.toLowerCase() : pattern;
  const vars = !!reading.variables;
  const out: PatternToken[] = [];
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*') {
      if (out.length === 0 || out[out.length - 1]!.kind !== 'star') out.push({ kind: 'star' });
    } else if (c === '?') {
      out.push({ kind: 'one' });
    } else if (vars && c === '$' && p[i + 1] === '{') {
      const end = p.indexOf('}', i + 2);
      if (end < 0) {
        out.push({ kind: 'lit', ch: c });
        continue;
      }
      const inner = p.slice(i + 2, end);
      if (inner in ESCAPES) out.push({ kind: 'lit', ch: ESCAPES[inner]! });
      else out.push({ kind: 'var', name: inner });
      i = end;
    } else {
      out.push({ kind: 'lit', ch: c });
    }
  }
  return out;
}

/**
 * True when the pattern contains `*` or `?`. Without a reading (or one without variables) this is the raw
 * characters (so the escape `${*}` counts); with variables only real wildcards count, not the escapes.
 */
export function hasWildcard(pattern: string, reading?: PatternReading): boolean {
  if (!reading?.variables) return pattern.includes('*') || pattern.includes('?');
  return tokenize(pattern, reading).some((t) => t.kind === 'star' || t.kind === 'one');
}

/** True when the pattern holds a policy variable other than the `${*}`/`${?}`/`${$}` escapes. */
export function hasPolicyVariable(pattern: string): boolean {
  return tokenize(pattern, RESOURCE_PATTERN).some((t) => t.kind === 'var');
}

/** True when the pattern matches every string (it is made only of `*`). */
export function isUniversalPattern(pattern: string): boolean {
  return pattern.length > 0 && /^\*+$/.test(pattern);
}

/** The literal text before the first raw `*`/`?` (the whole string when there is none). */
export function literalPrefix(p: string): string {
  const i = p.search(/[*?]/);
  return i < 0 ? p : p.slice(0, i);
}

/** The literal text after the last raw `*`/`?` (the whole string when there is none). */
export function literalSuffix(p: string): string {
  let k = -1;
  for (let i = 0; i < p.length; i++) if (p[i] === '*' || p[i] === '?') k = i;
  return p.slice(k + 1);
}

// ---------------------------------------------------------------------------------------------------------
// Matching a concrete string

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Regular-expression source for tokens; a variable becomes `(?!)` (matches nothing without a request). */
function tokensToRegExpSource(tokens: PatternToken[]): string {
  let src = '';
  for (const t of tokens) {
    if (t.kind === 'lit') src += escapeRegExp(t.ch);
    else if (t.kind === 'one') src += '[\\s\\S]';
    else if (t.kind === 'star') src += '[\\s\\S]*';
    else src += '(?!)';
  }
  return src;
}

/** A compiled pattern: build once, test many subjects (hot paths must not recompile). */
export interface CompiledPattern {
  readonly pattern: string;
  readonly hasVariables: boolean;
  /** Does the pattern certainly match the subject? (folds the subject in case-insensitive readings; a variable matches nothing) */
  test(subject: string): boolean;
  /** Same, for a subject the caller has already lower-cased (case-insensitive readings only). */
  testLowered(subjectLower: string): boolean;
}

/**
 * Compiles a pattern into a reusable matcher with fast paths for `*` and wildcard-free patterns. Its `test`
 * answers "certainly matches": a pattern with a policy variable matches nothing without a request (use
 * `matchPattern` for the tri-state answer).
 */
export function compilePattern(pattern: string, reading: PatternReading): CompiledPattern {
  const tokens = tokenize(pattern, reading);
  const hasVariables = tokens.some((t) => t.kind === 'var');
  let testLowered: (s: string) => boolean;
  if (tokens.length === 1 && tokens[0]!.kind === 'star') testLowered = () => true;
  else if (tokens.every((t) => t.kind === 'lit')) {
    const literal = tokens.map((t) => (t as { ch: string }).ch).join('');
    testLowered = (s) => s === literal;
  } else {
    const re = new RegExp(`^${tokensToRegExpSource(tokens)}$`);
    testLowered = (s) => re.test(s);
  }
  return {
    pattern,
    hasVariables,
    test: reading.caseInsensitive ? (s) => testLowered(s.toLowerCase()) : testLowered,
    testLowered,
  };
}

/**
 * One predicate "certainly matches any of these patterns" (literal patterns in a set, the rest one
 * alternation), for loops over the whole catalog. No patterns: matches only the empty string.
 */
export function compilePatternUnion(patterns: string[], reading: PatternReading): (subject: string) => boolean {
  const test = compileLoweredPatternUnion(patterns, reading);
  return reading.caseInsensitive ? (s) => test(s.toLowerCase()) : test;
}

/**
 * `compilePatternUnion` for a subject the caller has already lower-cased (`subject.toLowerCase()`) in a
 * case-insensitive reading, so a loop testing one subject against many unions folds it once.
 */
export function compileLoweredPatternUnion(patterns: string[], reading: PatternReading): (subject: string) => boolean {
  if (patterns.length === 0) return (s) => s === '';
  // Wildcard-free patterns go into a set: an alternative made of literal tokens matches exactly the string
  // of those characters, so a set lookup answers the same as the regular expression (a split `*` grant has
  // statements of ~1,000 literal action names each; see docs/BENCHMARKS.md).
  const literals = new Set<string>();
  const rest: PatternToken[][] = [];
  for (const p of patterns) {
    const plain = plainLiteral(p, reading);
    if (plain !== undefined) {
      literals.add(plain);
      continue;
    }
    const tokens = tokenize(p, reading);
    if (tokens.every((t) => t.kind === 'lit')) literals.add(tokens.map((t) => (t as { ch: string }).ch).join(''));
    else rest.push(tokens);
  }
  const re = rest.length > 0 ? new RegExp(`^(?:${rest.map(tokensToRegExpSource).join('|')})$`) : undefined;
  return re ? (s: string) => literals.has(s) || re.test(s) : (s: string) => literals.has(s);
}

/** Text without `*`, `?` (and `$` when variables are read): tokenizing would give only literal characters. */
const PLAIN = /^[^*?]*$/;
const PLAIN_NO_DOLLAR = /^[^*?$]*$/;

/**
 * The string an all-literal pattern matches, without tokenizing it (a split `*` grant has ~11,000 such names
 * to index), or undefined when the pattern needs the tokenizer. Folding is the tokenizer's: the whole string.
 */
function plainLiteral(p: string, reading: PatternReading): string | undefined {
  if (!(reading.variables ? PLAIN_NO_DOLLAR : PLAIN).test(p)) return undefined;
  return reading.caseInsensitive ? p.toLowerCase() : p;
}

/**
 * Tokenized patterns, memoised per reading: the evaluator, trim and the never-wider check match and compare
 * the same few patterns thousands of times. Cleared when it reaches this many entries (a bound, not a knob).
 */
const TOKEN_CACHE_LIMIT = 50_000;
const tokenCache = new Map<string, PatternToken[]>();
const runsCache = new Map<string, PatternToken[]>();

function memo(cache: Map<string, PatternToken[]>, pattern: string, reading: PatternReading, make: () => PatternToken[]): PatternToken[] {
  const key = `${reading.caseInsensitive ? 'i' : ''}${reading.variables ? 'v' : ''}\u0000${pattern}`;
  let t = cache.get(key);
  if (!t) {
    if (cache.size >= TOKEN_CACHE_LIMIT) cache.clear();
    t = make();
    cache.set(key, t);
  }
  return t;
}

function cachedTokens(pattern: string, reading: PatternReading): PatternToken[] {
  return memo(tokenCache, pattern, reading, () => tokenize(pattern, reading));
}

/** Tokens with wildcard runs normalised (for containment). */
function cachedRuns(pattern: string, reading: PatternReading): PatternToken[] {
  return memo(runsCache, pattern, reading, () => normaliseWildcardRuns(cachedTokens(pattern, reading)));
}

/** Replace every variable by `*` (what the variable might expand to, at the widest). */
function varsAsStars(tokens: PatternToken[]): PatternToken[] {
  const out: PatternToken[] = [];
  for (const t of tokens) {
    const n: PatternToken = t.kind === 'var' ? { kind: 'star' } : t;
    if (n.kind === 'star' && out.length > 0 && out[out.length - 1]!.kind === 'star') continue;
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
    if (t && (t.kind === 'one' || (t.kind === 'lit' && t.ch === s[si]))) {
      pi++;
      si++;
    } else if (t && t.kind === 'star') {
      starP = pi++;
      starS = si;
    } else if (starP >= 0) {
      pi = starP + 1;
      si = ++starS;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi]!.kind === 'star') pi++;
  return pi === p.length;
}

/** Tri-state answer for patterns with variables: `maybe` when the answer depends on the variable's value. */
export type Tri = 'yes' | 'no' | 'maybe';

/**
 * Does `pattern` match the concrete string `value`? With variables: `maybe` when the pattern could match for
 * some value of the variable, `no` when it cannot match at all. The value is lower-cased as one string in a
 * case-insensitive reading.
 */
export function matchPattern(pattern: string, value: string, reading: PatternReading): Tri {
  const tokens = cachedTokens(pattern, reading);
  const v = reading.caseInsensitive ? value.toLowerCase() : value;
  if (!tokens.some((t) => t.kind === 'var')) return matchTokens(tokens, v) ? 'yes' : 'no';
  return matchTokens(varsAsStars(tokens), v) ? 'maybe' : 'no';
}

// ---------------------------------------------------------------------------------------------------------
// Containment and overlap

/** Rewrites every run of wildcards with k `?` and at least one `*` as `?`×k then one `*` (same language). */
function normaliseWildcardRuns(tokens: PatternToken[]): PatternToken[] {
  const out: PatternToken[] = [];
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i]!;
    if (t.kind !== 'one' && t.kind !== 'star') {
      out.push(t);
      i++;
      continue;
    }
    let ones = 0;
    let star = false;
    for (; i < tokens.length && (tokens[i]!.kind === 'one' || tokens[i]!.kind === 'star'); i++) {
      if (tokens[i]!.kind === 'one') ones++;
      else star = true;
    }
    for (let k = 0; k < ones; k++) out.push({ kind: 'one' });
    if (star) out.push({ kind: 'star' });
  }
  return out;
}

/**
 * Containment: is every string matched by `specific` also matched by `general`? `specific` may itself be a
 * pattern (a concrete string is the special case where this is plain matching, with its `*`/`?` read as
 * wildcards: write `${*}`/`${?}` in a resource pattern for the characters).
 *
 * Sound (a `true` is always right) but incomplete: after rewriting wildcard runs so `*?` and `?*` compare
 * equal, it looks for a token-by-token alignment in which each token of `specific` is absorbed by a token of
 * `general` that accepts everything it can produce (`*` absorbs anything, `?` one literal or `?`, a literal
 * only itself, a variable only the same variable, which has the same value on both sides for one request). A
 * variable in `specific` is an unknown string, so only a `*` or the same variable covers it.
 */
export function patternCovers(general: string, specific: string, reading: PatternReading): boolean {
  // A concrete `specific` (no wildcard, variable or escape) is covered exactly when `general` matches it, a
  // variable of `general` matching nothing: the alignment below gives the same answer. Trim and the proofs
  // ask this for every catalog action and used ARN, which are not worth tokenizing and caching.
  if ((reading.variables ? PLAIN_NO_DOLLAR : PLAIN).test(specific)) {
    return matchTokens(cachedTokens(general, reading), reading.caseInsensitive ? specific.toLowerCase() : specific);
  }
  const g = cachedRuns(general, reading);
  const s = cachedRuns(specific, reading);
  const G = g.length;
  const S = s.length;
  // ok[i][j]: does g[i..] cover s[j..]? Filled from the end, one row at a time (rows of length S+1).
  let next = new Array<boolean>(S + 1).fill(false);
  next[S] = true; // i === G: covers only the empty rest
  for (let i = G - 1; i >= 0; i--) {
    const cur = new Array<boolean>(S + 1).fill(false);
    const gt = g[i]!;
    for (let j = S; j >= 0; j--) {
      if (gt.kind === 'star') {
        cur[j] = next[j]! || (j < S && cur[j + 1]!);
        continue;
      }
      if (j === S) continue;
      const st = s[j]!;
      let step = false;
      if (gt.kind === 'one') step = st.kind === 'lit' || st.kind === 'one';
      else if (gt.kind === 'lit') step = st.kind === 'lit' && st.ch === gt.ch;
      else step = st.kind === 'var' && st.name === gt.name;
      cur[j] = step && next[j + 1]!;
    }
    next = cur;
  }
  return next[0]!;
}

/**
 * Overlap: could some string match both patterns? Exact for `*`/`?` patterns; a variable is read as `*`,
 * so with variables the answer may be a false `true` (safe wherever overlap means "might apply").
 */
export function patternsIntersect(a: string, b: string, reading: PatternReading): boolean {
  return tokensIntersect(varsAsStars(cachedTokens(a, reading)), varsAsStars(cachedTokens(b, reading)));
}

function tokensIntersect(a: PatternToken[], b: PatternToken[]): boolean {
  const n = a.length;
  const m = b.length;
  const dp: boolean[][] = Array.from({ length: n + 1 }, () => new Array<boolean>(m + 1).fill(false));
  for (let i = n; i >= 0; i--) {
    for (let j = m; j >= 0; j--) {
      if (i === n && j === m) {
        dp[i]![j] = true;
        continue;
      }
      const at = a[i];
      const bt = b[j];
      if (at?.kind === 'star' || bt?.kind === 'star') {
        // A star may produce nothing, or absorb the next token of the other side (a literal or `?` character,
        // or the other side's star producing nothing).
        let v = false;
        if (at?.kind === 'star') v = dp[i + 1]![j]! || (j < m && dp[i]![j + 1]!);
        if (!v && bt?.kind === 'star') v = dp[i]![j + 1]! || (i < n && dp[i + 1]![j]!);
        dp[i]![j] = v;
        continue;
      }
      if (!at || !bt) continue;
      const compatible = at.kind === 'one' || bt.kind === 'one' || (at.kind === 'lit' && bt.kind === 'lit' && at.ch === bt.ch);
      dp[i]![j] = compatible && dp[i + 1]![j + 1]!;
    }
  }
  return dp[0]![0]!;
}
