/**
 * When the actions kept only because CloudTrail cannot show their use are most of what a suggestion keeps (a
 * `*` or NotAction grant keeps thousands), the reader should hear it plainly, with the way forward
 * (`--drop-unobservable`). One decision for every report that says it: the summary on stderr and the pull
 * request's body render it each in their own words and markup.
 */
import type { KeptUnobservableFinding } from './types.js';

/** Unobservable actions dominate what is kept from this many on (and when at least half the kept ones). */
const DOMINATED_MIN = 100;

/** Services listed by name in the note: the ones with most unobservable actions. */
const TOP_SERVICES = 5;

/** The unobservable share of a suggestion, when it dominates. */
export interface UnobservableDominance {
  /** Actions kept only because CloudTrail cannot show their use. */
  unobservable: number;
  /** Actions kept in all. */
  kept: number;
  /** The services with most of them, most first (ties by name), with their counts. */
  topServices: Array<[service: string, count: number]>;
}

/** The share, when the unobservable actions are at least {@link DOMINATED_MIN} and half of `kept`; else undefined. */
export function unobservableDominance(all: readonly KeptUnobservableFinding[], kept: number): UnobservableDominance | undefined {
  // Actions kept for an unmapped call that ran are not a guess about what the logs could not show, and
  // --drop-unobservable does not drop them: they are not counted here.
  const unobservable = all.filter((f) => f.code !== 'unmapped-call');
  if (unobservable.length < DOMINATED_MIN || unobservable.length * 2 < kept) return undefined;
  const byService = new Map<string, number>();
  for (const f of unobservable) {
    const colon = f.action.indexOf(':');
    const svc = colon < 0 ? f.action : f.action.slice(0, colon);
    byService.set(svc, (byService.get(svc) ?? 0) + 1);
  }
  const topServices = [...byService].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, TOP_SERVICES);
  return { unobservable: unobservable.length, kept, topServices };
}
