/**
 * The catalog's reading of IAM wildcard patterns. The implementation lives in `../wildcard.ts` (shared with
 * the policy model and trim); this file pins the catalog's reading of it, unchanged from before the merge:
 * case-insensitive patterns are lower-cased as a whole string (`caseFold: 'whole-string'`), variable names
 * keep their spaces, and `**` stays two tokens. In resource patterns an unresolved policy variable matches
 * no string (callers that care can check `hasVariables`).
 */

import {
  compilePattern as compileShared,
  patternCovers as coversShared,
  patternToRegExp as toRegExpShared,
  tokenize,
  ACTION_PATTERN,
  RESOURCE_PATTERN,
  type CompiledPattern,
  type PatternOptions,
  type PatternToken,
} from '../wildcard.js';

export { ACTION_PATTERN, RESOURCE_PATTERN, hasWildcard } from '../wildcard.js';
export type { CompiledPattern, PatternOptions, PatternToken } from '../wildcard.js';

/** The catalog's defaults, under whatever the caller passes. */
const CATALOG_READING: Readonly<PatternOptions> = Object.freeze({
  caseFold: 'whole-string',
  trimVariableNames: false,
  collapseStars: false,
});

function catalogReading(options: PatternOptions): PatternOptions {
  return { ...CATALOG_READING, ...options };
}

/** Splits a pattern into tokens (catalog reading; see `tokenize` in `../wildcard.ts`). */
export function tokenizePattern(pattern: string, options: PatternOptions = {}): PatternToken[] {
  return tokenize(pattern, catalogReading(options));
}

/** The anchored regular expression for a pattern (expects a lower-cased subject in case-insensitive mode). */
export function patternToRegExp(pattern: string, options: PatternOptions = {}): RegExp {
  return toRegExpShared(pattern, catalogReading(options));
}

/** Compiles a pattern into a reusable matcher with fast paths for `*` and wildcard-free patterns. */
export function compilePattern(pattern: string, options: PatternOptions = {}): CompiledPattern {
  return compileShared(pattern, catalogReading(options));
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

/**
 * Is every string matched by `specific` also matched by `general`? Sound, with wildcard runs normalised
 * (`?*` = `*?`); see `patternCovers` in `../wildcard.ts`. Used to prove a narrowed policy is never wider.
 */
export function patternCovers(general: string, specific: string, options: PatternOptions = {}): boolean {
  return coversShared(general, specific, catalogReading(options));
}

/** `patternCovers` for IAM action patterns (case-insensitive). */
export function actionPatternCovers(general: string, specific: string): boolean {
  return patternCovers(general, specific, ACTION_PATTERN);
}

/** `patternCovers` for IAM resource patterns (case-sensitive, policy variables recognised). */
export function resourcePatternCovers(general: string, specific: string): boolean {
  return patternCovers(general, specific, RESOURCE_PATTERN);
}
