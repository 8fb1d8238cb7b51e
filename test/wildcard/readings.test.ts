import { describe, expect, it } from 'vitest';
import { compilePattern, matchPattern, patternCovers, tokenize } from '../../src/core/wildcard.js';
import * as catalog from '../../src/core/catalog/patterns.js';
import * as policy from '../../src/core/policy/pattern.js';
import * as glob from '../../src/core/trim/glob.js';

// The shared module keeps the three former implementations' readings apart behind named options. These tests
// pin each option's effect and which reading each caller-facing module uses, so a later "simplification"
// that silently picks one reading fails here.

describe('normaliseWildcardRuns (containment)', () => {
  it('with it, `?*` and `*?` (both "one or more characters") cover each other; without it, not', () => {
    expect(patternCovers('?*', '*?')).toBe(true);
    expect(patternCovers('?*', '*?', { normaliseWildcardRuns: false })).toBe(false);
  });

  it('policy and catalog normalise; trim does not (its proofs were written against the stricter check)', () => {
    expect(policy.patternCovers('a?*', 'a*?')).toBe(true);
    expect(catalog.patternCovers('a?*', 'a*?')).toBe(true);
    expect(glob.globCovers('a?*', 'a*?')).toBe(false);
  });
});

describe('trimVariableNames', () => {
  it('decides whether `${ v }` and `${v}` are the same variable for containment', () => {
    const vars = { variables: true };
    expect(patternCovers('a/${ v }', 'a/${v}', vars)).toBe(true);
    expect(patternCovers('a/${ v }', 'a/${v}', { ...vars, trimVariableNames: false })).toBe(false);
    expect(policy.patternCovers('a/${ v }', 'a/${v}', vars)).toBe(true);
    expect(catalog.resourcePatternCovers('a/${ v }', 'a/${v}')).toBe(false);
  });
});

describe('caseFold', () => {
  it('whole-string lowers the pattern as one string (U+0130 becomes two code units), per-char keeps one token', () => {
    // 'İ'.toLowerCase() is 'i' + U+0307 (two UTF-16 units): one token per unit after whole-string folding.
    expect(tokenize('İ', { caseInsensitive: true, caseFold: 'whole-string' })).toEqual([
      { kind: 'lit', ch: 'i' },
      { kind: 'lit', ch: '\u0307' },
    ]);
    expect(tokenize('İ', { caseInsensitive: true })).toEqual([{ kind: 'lit', ch: 'i\u0307' }]);
    expect(catalog.tokenizePattern('İ', { caseInsensitive: true })).toHaveLength(2);
  });

  it('agrees on ASCII, where IAM action ids live', () => {
    expect(catalog.actionMatches('S3:Get*', 's3:getObject')).toBe(true);
    expect(policy.actionMatches('S3:Get*', 's3:getObject')).toBe(true);
    expect(glob.globMatch('S3:Get*', 's3:getObject', true)).toBe(true);
  });
});

describe('policy variables when matching a concrete string', () => {
  it('tri-state matchPattern says maybe; a compiled matcher says no; neither says yes', () => {
    expect(matchPattern('a/${v}/*', 'a/x/y', { variables: true })).toBe('maybe');
    expect(matchPattern('a/${v}/*', 'b/x/y', { variables: true })).toBe('no');
    expect(compilePattern('a/${v}/*', { variables: true }).test('a/x/y')).toBe(false);
  });

  it('trim reads no variables: `${v}` is literal text there', () => {
    expect(glob.globMatch('a/${v}', 'a/${v}')).toBe(true);
    expect(glob.globMatch('a/${v}', 'a/x')).toBe(false);
  });
});

describe('collapseStars', () => {
  it('changes only the token list, never what a pattern matches', () => {
    expect(tokenize('a**')).toEqual([{ kind: 'lit', ch: 'a' }, { kind: 'star' }]);
    expect(tokenize('a**', { collapseStars: false })).toHaveLength(3);
    for (const s of ['a', 'ab', 'b']) {
      expect(compilePattern('a**', { collapseStars: false }).test(s)).toBe(compilePattern('a*').test(s));
    }
  });
});
