import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACTION_PATTERN,
  LEGACY_RESOURCE_PATTERN,
  patternCovers,
  patternsIntersect,
} from '../../src/core/wildcard.js';

// Small alphabets make collisions (and so interesting cases) likely.
const lit = fc.string({ unit: fc.constantFrom('a', 'b', '/'), maxLength: 6 });
const pat = fc.string({ unit: fc.constantFrom('a', 'b', '/', '*', '?'), maxLength: 6 });
const re = (p: string) => new RegExp('^' + p.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c === '/' ? '\\/' : c)).join('') + '$');
/** Every string over the alphabet up to length 5: the universe the checks are brute-forced over. */
const UNIVERSE: string[] = (() => {
  const out = [''];
  let layer = [''];
  for (let n = 0; n < 5; n++) {
    layer = layer.flatMap((s) => ['a', 'b', '/'].map((c) => s + c));
    out.push(...layer);
  }
  return out;
})();

describe('containment and overlap used for the safety proofs', () => {
  it('patternCovers of a concrete string agrees with a regular expression', () => {
    fc.assert(fc.property(pat, lit, (p, s) => {
        expect(patternCovers(p, s, LEGACY_RESOURCE_PATTERN)).toBe(re(p).test(s));
      }), { numRuns: 500 });
  });
  it('patternCovers is sound: covered ⇒ every string the specific pattern matches, the general one matches', () => {
    fc.assert(
      fc.property(pat, pat, (g, s) => {
        if (!patternCovers(g, s, LEGACY_RESOURCE_PATTERN)) return;
        for (const x of UNIVERSE) if (re(s).test(x)) expect([g, s, x, re(g).test(x)]).toEqual([g, s, x, true]);
      }),
      { numRuns: 500 },
    );
  });
  it('patternsIntersect is sound: disjoint ⇒ no string matches both', () => {
    fc.assert(
      fc.property(pat, pat, (p, q) => {
        if (patternsIntersect(p, q, LEGACY_RESOURCE_PATTERN)) return;
        for (const x of UNIVERSE) expect([p, q, x, re(p).test(x) && re(q).test(x)]).toEqual([p, q, x, false]);
      }),
      { numRuns: 200 },
    );
  });
  it('is case-insensitive only when asked (IAM actions vs ARNs)', () => {
    expect(patternCovers('s3:get*', 's3:GetObject', ACTION_PATTERN)).toBe(true);
    expect(patternCovers('arn:aws:s3:::B/*', 'arn:aws:s3:::b/k', LEGACY_RESOURCE_PATTERN)).toBe(false);
  });
});
