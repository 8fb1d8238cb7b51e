/**
 * Which evidence entries belong to one part of a split statement. A statement split from a `*` or NotAction
 * grant holds ~11,000 actions in ~20 parts, and each part is matched against every entry of the whole
 * statement: the per-entry work (lower-casing, the service prefix) is done once per entry, not once per part.
 */
import { actionPatternCovers, hasWildcard } from './glob.js';

/** An entry's action, lower-cased, and its lower-cased service prefix (`''` when it has no `:`). */
interface Folded {
  action: string;
  lower: string;
  svc: string;
}

/** Per entry object: its folded action (recomputed if the entry's action is not the one folded). */
const folded = new WeakMap<object, Folded>();

function foldedOf(x: { action: string }): Folded {
  let f = folded.get(x);
  if (f === undefined || f.action !== x.action) {
    const a = x.action;
    f = { action: a, lower: a.toLowerCase(), svc: a.slice(0, Math.max(0, a.indexOf(':'))).toLowerCase() };
    folded.set(x, f);
  }
  return f;
}

/** ASCII only: where IAM's case folding is plain `toLowerCase` and each character is one code unit. */
const ASCII = /^[\x00-\x7f]*$/;

/**
 * "Is the action covered by one of these wildcards?" with the ASCII wildcards as one regular expression over the
 * lower-cased action, instead of one containment check (a dynamic-programming table) per pair: a part can hold
 * dozens of `svc:Prefix*` wildcards and its service hundreds of actions. For an ASCII action without `*`/`?`,
 * covering is plain wildcard matching of lower-cased strings, which the expression answers exactly; anything
 * else falls back to `actionPatternCovers`.
 */
function wildcardTest(patterns: string[]): (action: string, lower: string) => boolean {
  const ascii = patterns.filter((p) => ASCII.test(p));
  const other = patterns.filter((p) => !ASCII.test(p));
  const source = ascii
    .map((p) => [...p.toLowerCase()].map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))).join(''))
    .join('|');
  const re = ascii.length > 0 ? new RegExp(`^(?:${source})$`) : undefined;
  return (action, lower) => {
    if (!ASCII.test(action) || action.includes('*') || action.includes('?')) return patterns.some((p) => actionPatternCovers(p, action));
    return (re !== undefined && re.test(lower)) || other.some((p) => actionPatternCovers(p, action));
  };
}

/**
 * The evidence entries of the actions one part of a split statement grants, in their original order: an
 * entry belongs when its action is one of the part's literal names (case-insensitively) or is covered by one
 * of the part's wildcards. Wildcards are tried only on entries of their own service (`svc:Get*` can only
 * match `svc:` actions); ones whose service prefix is itself a wildcard, or that have no `:`, are tried on
 * every entry.
 */
export function evidenceFor<T extends { action: string }>(entries: T[], patterns: string[]): T[] {
  const literal = new Set<string>();
  const wildBy = new Map<string, string[]>();
  const anyService: string[] = [];
  for (const p of patterns) {
    if (!hasWildcard(p)) {
      literal.add(p.toLowerCase());
      continue;
    }
    const colon = p.indexOf(':');
    const svc = colon < 0 ? undefined : p.slice(0, colon).toLowerCase();
    if (svc === undefined || hasWildcard(svc)) anyService.push(p);
    else {
      const list = wildBy.get(svc);
      if (list) list.push(p);
      else wildBy.set(svc, [p]);
    }
  }
  const ownTest = new Map<string, (action: string, lower: string) => boolean>();
  for (const [svc, list] of wildBy) ownTest.set(svc, wildcardTest(list));
  const anyTest = anyService.length > 0 ? wildcardTest(anyService) : undefined;
  const out: T[] = [];
  for (const x of entries) {
    const f = foldedOf(x);
    if (literal.has(f.lower)) {
      out.push(x);
      continue;
    }
    const own = ownTest.get(f.svc);
    if ((own !== undefined && own(x.action, f.lower)) || (anyTest !== undefined && anyTest(x.action, f.lower))) out.push(x);
  }
  return out;
}
