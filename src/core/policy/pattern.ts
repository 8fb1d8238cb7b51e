/**
 * The policy model's wildcard functions (evaluator, never-wider proof). The implementation lives in
 * `../wildcard.ts`, shared with the catalog and trim; the policy model uses its default reading (each
 * pattern character folded on its own in case-insensitive mode, variable names trimmed, tri-state answers
 * for policy variables). The policy model does not depend on the catalog.
 */

import { compilePatternUnion, matchPattern } from '../wildcard.js';

export {
  hasPolicyVariable,
  hasWildcard,
  isUniversalPattern,
  matchPattern,
  patternCovers,
  patternsIntersect,
  tokenize,
  type PatternOptions,
  type PatternToken,
  type Tri,
} from '../wildcard.js';

/**
 * Compile action patterns (case-insensitive, no variables) into one predicate "matches any of them", for
 * loops over the whole catalog.
 */
export function compileActionPatterns(patterns: string[]): (action: string) => boolean {
  return compilePatternUnion(patterns, { caseInsensitive: true });
}

/** Action match: case-insensitive, no variables. */
export function actionMatches(pattern: string, action: string): boolean {
  return matchPattern(pattern, action, { caseInsensitive: true }) === 'yes';
}
