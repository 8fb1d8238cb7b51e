/**
 * IAM wildcard patterns, in one place: tokenizing, matching (boolean and tri-state), compiled matchers,
 * containment ("covers") and overlap ("intersects").
 *
 * IAM patterns use `*` (any run of characters, including none, spanning `:` and `/`) and `?` (exactly one
 * character). Actions compare case-insensitively, resources (ARNs) case-sensitively. Resource patterns may hold
 * policy variables (`${aws:username}`) whose value comes from the request; `${*}`, `${?}` and `${$}` are IAM's
 * escapes for a literal `*`, `?` and `$`. Sources: IAM User Guide, "IAM JSON policy elements: Action"
 * (case-insensitive, `*`/`?`) and "IAM policy elements: Variables and tags" (the escapes).
 *
 * This module merges three earlier implementations (catalog, policy model, trim). Where they differed, the
 * difference is kept behind a named option rather than settled silently, so every caller reads patterns
 * exactly as before:
 * - `caseFold`: `per-char` (policy model, trim) lower-cases each pattern character on its own;
 *   `whole-string` (catalog) lower-cases the pattern as one string first. They differ only outside ASCII
 *   (e.g. `İ` lower-cases to two code units, a final `Σ` to `ς`); IAM action ids are ASCII.
 * - `trimVariableNames`: the policy model reads `${ aws:username }` as the variable `aws:username`; the
 *   catalog keeps the spaces in the name. It changes only which variables `patternCovers` treats as equal.
 * - `normaliseWildcardRuns` (containment only): rewrite `*?` as `?*` before comparing, so more true
 *   containments are found. Trim's proofs were written and tested without it (sound, less complete).
 * - Matching a policy variable: `matchPattern` answers `maybe` when the variable could make the pattern
 *   match; `compilePattern(...).test` answers `false` (a variable matches no string without a request).
 *   Both agree on `yes`/`true`.
 */

/** One token of a parsed pattern. */
export type PatternToken =
  | { kind: 'lit'; ch: string }
  | { kind: 'one' } // `?`
  | { kind: 'star' } // `*`
  | { kind: 'var'; name: string }; // `${name}` policy variable (only when variables are read)

/** How to read a pattern. Defaults are the policy model's reading. */
export interface PatternOptions {
  /** Compare case-insensitively (actions). */
  caseInsensitive?: boolean;
  /** Read `${...}` as a policy variable or escape (resources); otherwise `$`, `{`, `}` are literal. */
  variables?: boolean;
  /** Same as `variables` (the catalog's name for it); either one switches variables on. */
  policyVariables?: boolean;
  /** With `caseInsensitive`: fold each pattern character alone (default) or the whole pattern at once. */
  caseFold?: 'per-char' | 'whole-string';
  /** Trim spaces around a variable's name, `${ a }` = `${a}` (default true; the catalog reads `false`). */
  trimVariableNames?: boolean;
  /** Tokenize `**` as one `*` token (default true; same language, shorter token list). */
  collapseStars?: boolean;
  /** `patternCovers` only: rewrite wildcard runs so `*?` and `?*` compare equal (default true). */
  normaliseWildcardRuns?: boolean;
}

/** Options for IAM action patterns (case-insensitive, no variables). */
export const ACTION_PATTERN: Readonly<PatternOptions> = Object.freeze({ caseInsensitive: true, policyVariables: false });
/** Options for IAM resource (ARN) patterns (case-sensitive, policy variables recognised). */
export const RESOURCE_PATTERN: Readonly<PatternOptions> = Object.freeze({
  caseInsensitive: false,
  policyVariables: true,
});

function readsVariables(opts: PatternOptions): boolean {
  return !!(opts.variables || opts.policyVariables);
}

const ESCAPES: Record<string, string> = { '*': '*', '?': '?', $: '$' };

/** Splits a pattern into tokens (see the module comment and `PatternOptions` for the rules). */
export function tokenize(pattern: string, opts: PatternOptions = {}): PatternToken[] {
  const ci = !!opts.caseInsensitive;
  const whole = ci && opts.caseFold === 'whole-string';
  const p = whole ? pattern.toLowerCase() : pattern;
  const fold = (c: string): string => (ci && !whole ? c.toLowerCase() : c);
  const vars = readsVariables(opts);
  const trim = opts.trimVariableNames ?? true;
  const collapse = opts.collapseStars ?? true;
  const out: PatternToken[] = [];
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*') {
      if (!collapse || out.length === 0 || out[out.length - 1]!.kind !== 'star') out.push({ kind: 'star' });
    } else if (c === '?') {
      out.push({ kind: 'one' });
    } else if (vars && c === '$' && p[i + 1] === '{') {
      const end = p.indexOf('}', i + 2);
      if (end < 0) {
        out.push({ kind: 'lit', ch: fold(c) });
        continue;
      }
      const inner = p.slice(i + 2, end);
      if (inner in ESCAPES) out.push({ kind: 'lit', ch: ESCAPES[inner]! });
      else out.push({ kind: 'var', name: trim ? inner.trim() : inner });
      i = end;
    } else {
      out.push({ kind: 'lit', ch: fold(c) });
    }
  }
  return out;
}

/**
 * True when the pattern contains `*` or `?`. Without `variables` this is the raw characters (so the
 * escape `${*}` counts); with `variables` only real wildcards count, not the escapes.
 */
export function hasWildcard(pattern: string, opts: PatternOptions = {}): boolean {
  if (!readsVariables(opts)) return pattern.includes('*') || pattern.includes('?');
  return tokenize(pattern, opts).some((t) => t.kind === 'star' || t.kind === 'one');
}

/** True when the pattern holds a policy variable other than the `${*}`/`${?}`/`${$}` escapes. */
export function hasPolicyVariable(pattern: string): boolean {
  return tokenize(pattern, { variables: true }).some((t) => t.kind === 'var');
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

/**
 * The anchored regular expression for a pattern. In case-insensitive mode it is built from the folded
 * pattern with no `i` flag, so it expects a lower-cased subject ("lower(pattern) matches lower(subject)").
 */
export function patternToRegExp(pattern: string, opts: PatternOptions = {}): RegExp {
  return new RegExp(`^${tokensToRegExpSource(tokenize(pattern, opts))}$`);
}

/** A compiled pattern: build once, test many subjects (hot paths must not recompile). */
export interface CompiledPattern {
  readonly pattern: string;
  readonly hasVariables: boolean;
  /** Does the subject match? (lower-cases the subject itself in case-insensitive mode; a variable matches nothing) */
  test(subject: string): boolean;
  /** Same, for a subject the caller has already lower-cased (case-insensitive mode only). */
  testLowered(subjectLower: string): boolean;
}

/** Compiles a pattern into a reusable matcher with fast paths for `*` and wildcard-free patterns. */
export function compilePattern(pattern: string, opts: PatternOptions = {}): CompiledPattern {
  const tokens = tokenize(pattern, opts);
  const hasVariables = tokens.some((t) => t.kind === 'var');
  const ci = !!opts.caseInsensitive;
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
    test: ci ? (s) => testLowered(s.toLowerCase()) : testLowered,
    testLowered,
  };
}

/**
 * One predicate "matches any of these patterns" (literal patterns in a set, the rest one alternation), for
 * loops over the whole catalog. No patterns: matches only the empty string.
 */
export function compilePatternUnion(patterns: string[], opts: PatternOptions = {}): (subject: string) => boolean {
  const test = compileLoweredPatternUnion(patterns, opts);
  return opts.caseInsensitive ? (s) => test(s.toLowerCase()) : test;
}

/**
 * `compilePatternUnion` for a subject the caller has already lower-cased (`subject.toLowerCase()`) when
 * `caseInsensitive` is set, so a loop testing one subject against many unions folds it once.
 */
export function compileLoweredPatternUnion(patterns: string[], opts: PatternOptions = {}): (subject: string) => boolean {
  if (patterns.length === 0) return (s) => s === '';
  // Wildcard-free patterns go into a set: an alternative made of literal tokens matches exactly the string
  // of those characters, so a set lookup answers the same as the regular expression. A split `*` grant has
  // statements of ~1,000 literal action names each; one alternation over them cost the never-wider loop
  // (22,000 actions × every statement) ~0.3 s.
  const literals = new Set<string>();
  const rest: PatternToken[][] = [];
  const vars = readsVariables(opts);
  for (const p of patterns) {
    const plain = plainLiteral(p, opts, vars);
    if (plain !== undefined) {
      literals.add(plain);
      continue;
    }
    const tokens = tokenize(p, opts);
    if (tokens.every((t) => t.kind === 'lit')) literals.add(tokens.map((t) => (t as { ch: string }).ch).join(''));
    else rest.push(tokens);
  }
  const re = rest.length > 0 ? new RegExp(`^(?:${rest.map(tokensToRegExpSource).join('|')})$`) : undefined;
  return re ? (s: string) => literals.has(s) || re.test(s) : (s: string) => literals.has(s);
}

/** ASCII without `*`, `?` (and `$` when variables are read): tokenizing would give only literal characters. */
const PLAIN_ASCII = /^[\x00-\x23\x25-\x29\x2b-\x3e\x40-\x7f]*$/;
const PLAIN_ASCII_WITH_DOLLAR = /^[\x00-\x29\x2b-\x3e\x40-\x7f]*$/;

/**
 * The string an all-literal pattern matches, without tokenizing it (a split `*` grant has ~11,000 such names to
 * index), or undefined when the pattern needs the tokenizer. For ASCII, folding each character alone and
 * lower-casing the whole string agree, so either `caseFold` gives `toLowerCase()`.
 */
function plainLiteral(p: string, opts: PatternOptions, vars: boolean): string | undefined {
  if (!(vars ? PLAIN_ASCII : PLAIN_ASCII_WITH_DOLLAR).test(p)) return undefined;
  return opts.caseInsensitive ? p.toLowerCase() : p;
}

/**
 * Tokenized patterns, memoised: the evaluator and the never-wider check match the same few patterns against
 * thousands of catalog actions. Cleared when it reaches this many entries (a bound, not a tuning knob).
 */
const TOKEN_CACHE_LIMIT = 50_000;
const tokenCache = new Map<string, PatternToken[]>();

function cachedTokens(pattern: string, opts: PatternOptions): PatternToken[] {
  const key =
    `${opts.caseInsensitive ? 'i' : ''}${readsVariables(opts) ? 'v' : ''}${opts.caseFold === 'whole-string' ? 'w' : ''}` +
    `${opts.trimVariableNames === false ? 'T' : ''}${opts.collapseStars === false ? 'C' : ''}\u0000${pattern}`;
  let t = tokenCache.get(key);
  if (!t) {
    if (tokenCache.size >= TOKEN_CACHE_LIMIT) tokenCache.clear();
    t = tokenize(pattern, opts);
    tokenCache.set(key, t);
  }
  return t;
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
 * some value of the variable, `no` when it cannot match at all. The value is lower-cased as one string in
 * case-insensitive mode.
 */
export function matchPattern(pattern: string, value: string, opts: PatternOptions = {}): Tri {
  const tokens = cachedTokens(pattern, opts);
  const v = opts.caseInsensitive ? value.toLowerCase() : value;
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
 * wildcards).
 *
 * Sound (a `true` is always right) but incomplete: it looks for a token-by-token alignment in which each
 * token of `specific` is absorbed by a token of `general` that accepts everything it can produce (`*` absorbs
 * anything, `?` one literal or `?`, a literal only itself, a variable only the same variable, which has the
 * same value on both sides for one request). A variable in `specific` is an unknown string, so only a `*`
 * or the same variable covers it. With `normaliseWildcardRuns` (default) `*?` and `?*` compare equal first;
 * a pair whose containment holds only through a cleverer alignment may still be rejected.
 */
export function patternCovers(general: string, specific: string, opts: PatternOptions = {}): boolean {
  const norm = opts.normaliseWildcardRuns ?? true;
  const g0 = tokenize(general, opts);
  const s0 = tokenize(specific, opts);
  const g = norm ? normaliseWildcardRuns(g0) : g0;
  const s = norm ? normaliseWildcardRuns(s0) : s0;
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
