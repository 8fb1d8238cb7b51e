/**
 * Trim's reading of IAM wildcards (`*` = any run of characters, `?` = exactly one), used to prove that a
 * narrowed pattern stays inside the original one. The implementation lives in `../wildcard.ts`; this file
 * pins trim's reading, unchanged from before the merge: no policy variables (`$`, `{`, `}` are literal
 * characters), case folded character by character, and containment WITHOUT wildcard-run normalisation
 * (`normaliseWildcardRuns: false`), the variant trim's proofs and tests were written against. Every
 * function here is sound (never answers "covered"/"disjoint" wrongly).
 */

import { patternCovers, patternsIntersect, type PatternOptions } from '../wildcard.js';

export { hasWildcard, literalPrefix, literalSuffix } from '../wildcard.js';

function globReading(ci: boolean): PatternOptions {
  return { caseInsensitive: ci, collapseStars: false, normaliseWildcardRuns: false };
}

/**
 * True when every string matched by `specific` is matched by `general`. `specific` may itself be a pattern;
 * its `*`/`?` are treated as symbols that only a `*` (or, for `?`, a `?`) of `general` can absorb, which is
 * sound. With a literal `specific` this is plain wildcard matching. `ci`: case-insensitive (IAM actions).
 */
export function globCovers(general: string, specific: string, ci = false): boolean {
  return patternCovers(general, specific, globReading(ci));
}

/** Wildcard match of `value` against `pattern` (`value`'s own `*`/`?` are read as in `globCovers`). */
export function globMatch(pattern: string, value: string, ci = false): boolean {
  return globCovers(pattern, value, ci);
}

/**
 * True when some string is matched by both patterns. Used to prove a narrowed `Resource` cannot reach into a
 * `NotResource` exclusion (disjoint ⇒ safe) and to evaluate NotStartsWith trail selectors.
 */
export function globIntersects(p: string, q: string, ci = false): boolean {
  return patternsIntersect(p, q, globReading(ci));
}

/** True when the action pattern `pattern` (case-insensitive, `svc:Name*`) covers `specific`. */
export function actionPatternCovers(pattern: string, specific: string): boolean {
  return globCovers(pattern, specific, true);
}
