/**
 * Resource regions for the never-wider proof (`verify.ts`): what a statement's Resource or NotResource
 * covers, containment and overlap of regions, memoised, and their description in counterexamples.
 */

import { RESOURCE_PATTERN as RES, isUniversalPattern, patternCovers, patternsIntersect } from '../wildcard.js';
import type { Statement } from './types.js';

/** Resource region of a statement: a list of patterns, the complement of one, or unknown (no Resource key). */
export type Region = { kind: 'list'; patterns: string[] } | { kind: 'not'; patterns: string[] } | { kind: 'unknown' };

/** The statement's region. */
export function regionOf(s: Statement): Region {
  if (s.resource) return { kind: 'list', patterns: s.resource };
  if (s.notResource) return { kind: 'not', patterns: s.notResource };
  return { kind: 'unknown' };
}

/** Is every resource of `inner` certainly in `outer`? Sound, not complete. */
export function regionCovers(outer: Region, inner: Region): boolean {
  // No Resource key (a resource policy): the resource the policy is attached to, the same on both sides.
  if (outer.kind === 'unknown') return inner.kind === 'unknown';
  if (outer.kind === 'list' && outer.patterns.some(isUniversalPattern)) return true;
  if (inner.kind === 'unknown') return false;
  if (outer.kind === 'list') {
    if (inner.kind === 'not') return false;
    return inner.patterns.every((p) => outer.patterns.some((q) => patternCovers(q, p, RES)));
  }
  // outer is a complement.
  if (inner.kind === 'list') return inner.patterns.every((p) => !outer.patterns.some((n) => patternsIntersect(n, p, RES)));
  // compl(inner) ⊆ compl(outer) when everything outer excludes is excluded by inner too.
  return outer.patterns.every((n) => inner.patterns.some((m) => patternCovers(m, n, RES)));
}

/** Could the two regions share a resource? Over-approximates (a `true` may be wrong; a `false` never is). */
export function regionsMayIntersect(a: Region, b: Region): boolean {
  if (a.kind === 'unknown' || b.kind === 'unknown') return true;
  if (a.kind === 'list' && b.kind === 'list') return a.patterns.some((p) => b.patterns.some((q) => patternsIntersect(p, q, RES)));
  if (a.kind === 'not' && b.kind === 'not') return true;
  const list = a.kind === 'list' ? a : b;
  const not = a.kind === 'not' ? a : b;
  return list.patterns.some((p) => !not.patterns.some((n) => patternCovers(n, p, RES)));
}

const regionKeys = new WeakMap<Region, string>();

function regionKey(r: Region): string {
  let k = regionKeys.get(r);
  if (k === undefined) {
    k = r.kind === 'unknown' ? 'u' : `${r.kind}\u0001${r.patterns.join('\u0001')}`;
    regionKeys.set(r, k);
  }
  return k;
}

/** `regionCovers` and `regionsMayIntersect`, memoised. */
export interface RegionCache {
  covers(outer: Region, inner: Region): boolean;
  intersect(a: Region, b: Region): boolean;
}

/** Memoised region queries: the same pattern pairs recur for every action in the universe. */
export function regionCache(): RegionCache {
  const cov = new Map<string, boolean>();
  const int = new Map<string, boolean>();
  return {
    covers(o, i) {
      const k = `${regionKey(o)}\u0002${regionKey(i)}`;
      let v = cov.get(k);
      if (v === undefined) cov.set(k, (v = regionCovers(o, i)));
      return v;
    },
    intersect(a, b) {
      const k = `${regionKey(a)}\u0002${regionKey(b)}`;
      let v = int.get(k);
      if (v === undefined) int.set(k, (v = regionsMayIntersect(a, b)));
      return v;
    },
  };
}

/** The region as counterexamples name it. */
export function describeRegion(r: Region): string {
  if (r.kind === 'list') return r.patterns.join(', ');
  if (r.kind === 'not') return `NotResource[${r.patterns.join(', ')}]`;
  return '(no Resource: the resource the policy is attached to)';
}
