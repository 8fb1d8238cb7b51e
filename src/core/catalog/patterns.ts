/**
 * IAM wildcard patterns: `*` matches any run of characters (also across `:` and `/`), `?` exactly one.
 *
 * Actions are matched case-insensitively (the whole id, service prefix included); resources (ARNs)
 * case-sensitively. In resource patterns IAM policy variables are recognised: `${*}`, `${?}` and `${$}` are
 * the escapes for a literal `*`, `?` and `$`; any other `${name}` (e.g. `${aws:username}`) is a variable
 * whose value depends on the request. Without a request context a variable can match nothing here, so a
 * compiled matcher treats it as matching no string (callers that care can check `hasVariables`).
 *
 * Sources: IAM User Guide, "IAM JSON policy elements: Action" (case-insensitive, `*`/`?`) and
 * "IAM policy elements: Variables and tags" (the `${*}`, `${?}`, `${$}` escapes).
 */

/** One token of a parsed pattern. */
export type PatternToken =
  | { kind: 'lit'; ch: string }
  | { kind: 'one' } // `?`
  | { kind: 'star' } // `*`
  | { kind: 'var'; name: string }; // `${name}` policy variable (resource patterns only)

/** How to read a pattern. */
export interface PatternOptions {
  /** Compare case-insensitively (actions). Both pattern and subject are lower-cased first. */
  caseInsensitive?: boolean;
  /** Recognise `${...}` policy variables and escapes (resources). Otherwise `$`, `{`, `}` are literal. */
  policyVariables?: boolean;
}

/** Options for IAM action patterns. */
export const ACTION_PATTERN: Readonly<PatternOptions> = Object.freeze({ caseInsensitive: true, policyVariables: false });
/** Options for IAM resource (ARN) patterns. */
export const RESOURCE_PATTERN: Readonly<PatternOptions> = Object.freeze({
  caseInsensitive: false,
  policyVariables: true,
});

/** True when the string contains an IAM wildcard (`*` or `?`). Escapes such as `${*}` still count. */
export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** Splits a pattern into tokens (see the module comment for the rules). */
export function tokenizePattern(pattern: string, options: PatternOptions = {}): PatternToken[] {
  const p = options.caseInsensitive ? pattern.toLowerCase() : pattern;
  const out: PatternToken[] = [];
  for (let i = 0; i < p.length; i++) {
    const ch = p[i]!;
    if (ch === '*') out.push({ kind: 'star' });
    else if (ch === '?') out.push({ kind: 'one' });
    else if (ch === '$' && options.policyVariables && p[i + 1] === '{') {
      const close = p.indexOf('}', i + 2);
      if (close < 0) {
        out.push({ kind: 'lit', ch });
        continue;
      }
      const name = p.slice(i + 2, close);
      if (name === '*' || name === '?' || name === '$') out.push({ kind: 'lit', ch: name });
      else out.push({ kind: 'var', name });
      i = close;
    } else out.push({ kind: 'lit', ch });
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * The anchored regular expression for a pattern. In case-insensitive mode the expression expects a
 * lower-cased subject (it is built from the lower-cased pattern; no `i` flag, so the meaning is exactly
 * "lower(pattern) matches lower(subject)", which `patternCovers` relies on).
 */
export function patternToRegExp(pattern: string, options: PatternOptions = {}): RegExp {
  let src = '';
  for (const t of tokenizePattern(pattern, options)) {
    if (t.kind === 'lit') src += escapeRegExp(t.ch);
    else if (t.kind === 'one') src += '[\\s\\S]';
    else if (t.kind === 'star') src += '[\\s\\S]*';
    else src += '(?!)'; // unresolved policy variable: matches nothing
  }
  return new RegExp(`^${src}$`);
}

/** A compiled pattern: build once, test many subjects (hot paths must not recompile). */
export interface CompiledPattern {
  readonly pattern: string;
  readonly hasVariables: boolean;
  /** Does the subject match? (lower-cases the subject itself in case-insensitive mode) */
  test(subject: string): boolean;
  /** Same, for a subject the caller has already lower-cased (case-insensitive mode only). */
  testLowered(subjectLower: string): boolean;
}

/** Compiles a pattern into a reusable matcher with fast paths for `*` and wildcard-free patterns. */
export function compilePattern(pattern: string, options: PatternOptions = {}): CompiledPattern {
  const tokens = tokenizePattern(pattern, options);
  const hasVariables = tokens.some((t) => t.kind === 'var');
  const ci = !!options.caseInsensitive;
  let testLowered: (s: string) => boolean;
  if (tokens.length === 1 && tokens[0]!.kind === 'star') testLowered = () => true;
  else if (tokens.every((t) => t.kind === 'lit')) {
    const literal = tokens.map((t) => (t as { ch: string }).ch).join('');
    testLowered = (s) => s === literal;
  } else {
    const re = patternToRegExp(pattern, options);
    testLowered = (s) => re.test(s);
  }
  return {
    pattern,
    hasVariables,
    test: ci ? (s) => testLowered(s.toLowerCase()) : testLowered,
    testLowered,
  };
}

/** Compiles an IAM action pattern (case-insensitive). */
export function compileActionPattern(pattern: string): CompiledPattern {
  return compilePattern(pattern, ACTION_PATTERN);
}

/** Compiles an IAM resource/ARN pattern (case-sensitive, policy variables recognised). */
export function compileResourcePattern(pattern: string): CompiledPattern {
  return compilePattern(pattern, RESOURCE_PATTERN);
}

/** Does the IAM action pattern match the action id? (one-off; compile for loops) */
export function actionMatches(pattern: string, actionId: string): boolean {
  return compileActionPattern(pattern).test(actionId);
}

/** Does the IAM resource pattern match the ARN? (one-off; compile for loops) */
export function resourceMatches(pattern: string, arn: string): boolean {
  return compileResourcePattern(pattern).test(arn);
}

/** Rewrites every run of wildcards with k `?` and at least one `*` as `?`×k then one `*` (same language). */
function normaliseWildcards(tokens: PatternToken[]): PatternToken[] {
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
    while (i < tokens.length && (tokens[i]!.kind === 'one' || tokens[i]!.kind === 'star')) {
      if (tokens[i]!.kind === 'one') ones++;
      else star = true;
      i++;
    }
    for (let k = 0; k < ones; k++) out.push({ kind: 'one' });
    if (star) out.push({ kind: 'star' });
  }
  return out;
}

/**
 * Is every string matched by `specific` also matched by `general`? Sound: a `true` is always right; a
 * `false` may be conservative for exotic pattern pairs. Used to prove a narrowed policy is never wider.
 *
 * Method: `general` must match `specific` read as a word over literals and wildcards, where a general `*`
 * may absorb any specific token (literal, `?`, `*`, variable), a general `?` only one literal or `?`, a
 * literal only the same literal, and a general variable only the same variable (both sides are evaluated
 * against the same request). Wildcard runs are normalised first so `?*` and `*?` compare equal.
 * A variable in `specific` stands for an unknown string, so only a general `*` (or the same variable) covers it.
 */
export function patternCovers(general: string, specific: string, options: PatternOptions = {}): boolean {
  const g = normaliseWildcards(tokenizePattern(general, options));
  const s = normaliseWildcards(tokenizePattern(specific, options));
  const G = g.length;
  const S = s.length;
  // ok[i][j]: does g[i..] cover s[j..]? Filled from the end; rows of length S+1.
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

/** `patternCovers` for IAM action patterns (case-insensitive). */
export function actionPatternCovers(general: string, specific: string): boolean {
  return patternCovers(general, specific, ACTION_PATTERN);
}

/** `patternCovers` for IAM resource patterns (case-sensitive, policy variables recognised). */
export function resourcePatternCovers(general: string, specific: string): boolean {
  return patternCovers(general, specific, RESOURCE_PATTERN);
}
