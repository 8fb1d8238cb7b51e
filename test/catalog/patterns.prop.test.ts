import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadBundledCatalog } from '../../src/adapters/fs/bundled-data.js';
import {
  ACTION_PATTERN,
  LEGACY_RESOURCE_PATTERN,
  RESOURCE_PATTERN,
  compilePattern,
  patternCovers,
  type PatternReading,
} from '../../src/core/wildcard.js';

const catalog = loadBundledCatalog();
const allIds = catalog.expandActionPattern('*');
const allSet = new Set(allIds);

/** A real catalog action id. */
const actionId = fc.constantFrom(...allIds);

/** Turns a real action id into a pattern by replacing random characters with wildcards and flipping case. */
const patternFromId = fc
  .tuple(actionId, fc.array(fc.tuple(fc.nat(), fc.constantFrom('*', '?', 'case', 'keep')), { maxLength: 4 }))
  .map(([id, edits]) => {
    const chars = [...id];
    for (const [pos, edit] of edits) {
      const i = pos % chars.length;
      if (edit === '*' || edit === '?') chars[i] = edit;
      else if (edit === 'case') chars[i] = chars[i]!.toUpperCase() === chars[i] ? chars[i]!.toLowerCase() : chars[i]!.toUpperCase();
    }
    return chars.join('');
  });

/** Reference matcher written independently of the implementation: plain recursion over characters. */
function refMatch(p: string, s: string): boolean {
  if (p === '') return s === '';
  if (p[0] === '*') return refMatch(p.slice(1), s) || (s !== '' && refMatch(p, s.slice(1)));
  if (s === '') return false;
  return (p[0] === '?' || p[0] === s[0]) && refMatch(p.slice(1), s.slice(1));
}

describe('action pattern expansion over the real catalog', () => {
  it('expands only to catalog actions, each of which matches the pattern, sorted and unique', () => {
    fc.assert(
      fc.property(patternFromId, (pattern) => {
        const ids = catalog.expandActionPattern(pattern);
        for (const id of ids) {
          expect(allSet.has(id)).toBe(true);
          expect(refMatch(pattern.toLowerCase(), id.toLowerCase())).toBe(true);
        }
        expect([...ids].sort()).toEqual(ids);
        expect(new Set(ids).size).toBe(ids.length);
      }),
      { numRuns: 200 },
    );
  });

  it('misses no catalog action that the pattern matches (checked on a random sample)', () => {
    fc.assert(
      fc.property(patternFromId, fc.array(actionId, { minLength: 20, maxLength: 20 }), (pattern, sample) => {
        const ids = new Set(catalog.expandActionPattern(pattern));
        for (const id of sample) expect(ids.has(id)).toBe(refMatch(pattern.toLowerCase(), id.toLowerCase()));
      }),
      { numRuns: 200 },
    );
  });

  it('expands an action id in any case to exactly itself', () => {
    fc.assert(
      fc.property(actionId, fc.boolean(), (id, upper) => {
        expect(catalog.expandActionPattern(upper ? id.toUpperCase() : id.toLowerCase())).toEqual([id]);
      }),
    );
  });

  it('is case-insensitive: a pattern and its upper/lower-cased forms expand alike', () => {
    fc.assert(
      fc.property(patternFromId, (pattern) => {
        const e = catalog.expandActionPattern(pattern);
        expect(catalog.expandActionPattern(pattern.toUpperCase())).toEqual(e);
        expect(catalog.expandActionPattern(pattern.toLowerCase())).toEqual(e);
      }),
      { numRuns: 100 },
    );
  });

  it('expands * (and *:*) to every action', () => {
    expect(allIds.length).toBe(catalog.info().actions);
    expect([...allIds].sort()).toEqual(allIds); // code-unit order, e.g. "s3-object-lambda:…" before "s3:…"
    expect(allIds.indexOf('s3-object-lambda:GetObject')).toBeLessThan(allIds.indexOf('s3:AbortMultipartUpload'));
    expect(catalog.expandActionPattern('*:*')).toEqual(allIds);
  });

  it('NotAction complements partition the catalog', () => {
    fc.assert(
      fc.property(fc.array(patternFromId, { minLength: 1, maxLength: 3 }), (patterns) => {
        const matched = new Set(patterns.flatMap((p) => catalog.expandActionPattern(p)));
        const rest = catalog.expandNotAction(patterns);
        for (const id of rest) expect(matched.has(id)).toBe(false);
        expect(rest.length + matched.size).toBe(allIds.length);
      }),
      { numRuns: 50 },
    );
  });
});

/** Small alphabets so random patterns and strings interact often. */
const CHARS = ['a', 'b', 'A', ':', '/'];
const concrete = fc.array(fc.constantFrom(...CHARS), { maxLength: 8 }).map((a) => a.join(''));
const pattern = fc.array(fc.constantFrom(...CHARS, '*', '?'), { maxLength: 7 }).map((a) => a.join(''));

/** A concrete string matched by `p`: each wildcard replaced by random characters. */
function instantiate(p: string, fill: string[]): string {
  let k = 0;
  let out = '';
  for (const ch of p) {
    if (ch === '*') out += fill[k++ % fill.length] ?? '';
    else if (ch === '?') out += (fill[k++ % fill.length] ?? 'a')[0] ?? 'a';
    else out += ch;
  }
  return out;
}

describe('wildcard matching', () => {
  it('agrees with the reference matcher (resources: case-sensitive, * and ? span : and /)', () => {
    fc.assert(
      fc.property(pattern, concrete, (p, s) => {
        expect(compilePattern(p, RESOURCE_PATTERN).test(s)).toBe(refMatch(p, s));
      }),
      { numRuns: 2000 },
    );
  });

  it('matches actions regardless of case on either side', () => {
    fc.assert(
      fc.property(pattern, concrete, fc.boolean(), (p, s, up) => {
        const pp = up ? p.toUpperCase() : p;
        expect(compilePattern(pp, ACTION_PATTERN).test(s.toUpperCase())).toBe(refMatch(p.toLowerCase(), s.toLowerCase()));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('patternCovers', () => {
  const opts: PatternReading[] = [LEGACY_RESOURCE_PATTERN, ACTION_PATTERN, RESOURCE_PATTERN];

  it('is sound: when it says general ⊇ specific, every string specific matches, general matches', () => {
    fc.assert(
      fc.property(
        pattern,
        pattern,
        fc.array(concrete.filter((s) => s.length > 0), { minLength: 1, maxLength: 4 }),
        fc.array(concrete, { maxLength: 5 }),
        fc.constantFrom(...opts),
        (g, s, fill, extra, o) => {
          if (!patternCovers(g, s, o)) return;
          const gm = compilePattern(g, o);
          const sm = compilePattern(s, o);
          for (const x of [instantiate(s, fill), instantiate(s, []), ...extra]) {
            if (sm.test(x)) expect(gm.test(x), `${g} ⊇ ${s} but ${JSON.stringify(x)}`).toBe(true);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('is sound with policy variables: for any values substituted on both sides', () => {
    const vtoken = fc.constantFrom('a', 'b', '/', '*', '?', '${v}', '${w}', '${*}', '$');
    const vpattern = fc.array(vtoken, { maxLength: 6 }).map((a) => a.join(''));
    const value = fc.array(fc.constantFrom('a', 'b', '/', '$'), { maxLength: 3 }).map((a) => a.join(''));
    const subject = fc.array(fc.constantFrom('a', 'b', '/', '*', '$'), { maxLength: 7 }).map((a) => a.join(''));
    fc.assert(
      fc.property(vpattern, vpattern, value, value, fc.array(subject, { minLength: 1, maxLength: 6 }), (g, s, v, w, xs) => {
        if (!patternCovers(g, s, RESOURCE_PATTERN)) return;
        // Substitute the values as literal text (the values hold no wildcards and no "${").
        const sub = (p: string) => p.split('${v}').join(v).split('${w}').join(w);
        const gm = compilePattern(sub(g), RESOURCE_PATTERN);
        const sm = compilePattern(sub(s), RESOURCE_PATTERN);
        // Also the strings σ(s) itself matches most directly: each * as "" or "b/", each ? as "a".
        const escaped = sub(s).split('${*}').join('\u0000');
        const direct = ['', 'b/'].map((fill) =>
          escaped.replace(/\*/g, fill).replace(/\?/g, 'a').split('\u0000').join('*'),
        );
        for (const x of [...direct, ...xs]) {
          if (sm.test(x)) expect(gm.test(x), `${g} ⊇ ${s} with v=${v} w=${w} but ${x}`).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('is exact when the specific side is a concrete string (no wildcards)', () => {
    fc.assert(
      fc.property(pattern, concrete, (g, s) => {
        expect(patternCovers(g, s, LEGACY_RESOURCE_PATTERN)).toBe(refMatch(g, s));
      }),
      { numRuns: 2000 },
    );
  });

  it('is reflexive, and * covers everything', () => {
    fc.assert(
      fc.property(pattern, (p) => {
        expect(patternCovers(p, p, LEGACY_RESOURCE_PATTERN)).toBe(true);
        expect(patternCovers('*', p, LEGACY_RESOURCE_PATTERN)).toBe(true);
      }),
    );
  });

  it('is transitive on the pairs it accepts', () => {
    fc.assert(
      fc.property(pattern, pattern, pattern, (a, b, c) => {
        if (patternCovers(a, b, LEGACY_RESOURCE_PATTERN) && patternCovers(b, c, LEGACY_RESOURCE_PATTERN)) expect(patternCovers(a, c, LEGACY_RESOURCE_PATTERN)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('never lets a wildcard-free general pattern cover a pattern with * (infinite language)', () => {
    fc.assert(
      fc.property(concrete, pattern.filter((p) => p.includes('*')), (g, s) => {
        expect(patternCovers(g, s, LEGACY_RESOURCE_PATTERN)).toBe(false);
      }),
    );
  });
});
