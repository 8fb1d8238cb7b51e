/**
 * Which evidence entries belong to one part of a split statement. A statement split from a `*` or NotAction
 * grant holds ~11,000 actions in ~20 parts. The entries are indexed once (by lower-cased action and by
 * service), so each part costs about its own size instead of a pass over every entry of the statement.
 */
import { ACTION_PATTERN, hasWildcard, patternCovers } from '../wildcard.js';

/**
 * One statement's entries, indexed: positions by lower-cased action and by lower-cased service prefix (`''`
 * without a `:`). Built once per entries array and reused for each of its parts.
 */
interface EntryIndex {
  /** The entries and their actions as indexed, to notice an array (or entry) that changed since. */
  items: readonly { action: string }[];
  actions: string[];
  lower: string[];
  byLower: Map<string, number[]>;
  bySvc: Map<string, number[]>;
}

const indexes = new WeakMap<readonly { action: string }[], EntryIndex>();

function push(map: Map<string, number[]>, key: string, i: number): void {
  const list = map.get(key);
  if (list) list.push(i);
  else map.set(key, [i]);
}

function indexOfEntries(entries: readonly { action: string }[]): EntryIndex {
  const cached = indexes.get(entries);
  if (cached && cached.items.length === entries.length) {
    let same = true;
    // A plain loop of identity checks: O(entries) per part, far cheaper than re-folding every action.
    for (let i = 0; i < entries.length && same; i++) same = cached.items[i] === entries[i] && cached.actions[i] === entries[i]!.action;
    if (same) return cached;
  }
  const idx: EntryIndex = { items: [...entries], actions: [], lower: [], byLower: new Map(), bySvc: new Map() };
  entries.forEach((x, i) => {
    const a = x.action;
    const lower = a.toLowerCase();
    idx.actions.push(a);
    idx.lower.push(lower);
    push(idx.byLower, lower, i);
    push(idx.bySvc, a.slice(0, Math.max(0, a.indexOf(':'))).toLowerCase(), i);
  });
  indexes.set(entries, idx);
  return idx;
}

/** ASCII only: where IAM's case folding is plain `toLowerCase` and each character is one code unit. */
const ASCII = /^[\x00-\x7f]*$/;

/**
 * "Is the action covered by one of these wildcards?" with the ASCII wildcards as one regular expression over the
 * lower-cased action, instead of one containment check (a dynamic-programming table) per pair: a part can hold
 * dozens of `svc:Prefix*` wildcards and its service hundreds of actions. For an ASCII action without `*`/`?`,
 * covering is plain wildcard matching of lower-cased strings, which the expression answers exactly; anything
 * else falls back to `patternCovers`.
 */
function wildcardTest(patterns: string[]): (action: string, lower: string) => boolean {
  const ascii = patterns.filter((p) => ASCII.test(p));
  const other = patterns.filter((p) => !ASCII.test(p));
  const source = ascii
    .map((p) => [...p.toLowerCase()].map((c) => (c === '*' ? '[\\s\\S]*' : c === '?' ? '[\\s\\S]' : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))).join(''))
    .join('|');
  const re = ascii.length > 0 ? new RegExp(`^(?:${source})$`) : undefined;
  return (action, lower) => {
    if (!ASCII.test(action) || action.includes('*') || action.includes('?')) return patterns.some((p) => patternCovers(p, action, ACTION_PATTERN));
    return (re !== undefined && re.test(lower)) || other.some((p) => patternCovers(p, action, ACTION_PATTERN));
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
  const idx = indexOfEntries(entries);
  const hit = new Uint8Array(entries.length);
  const picked: number[] = [];
  const pick = (i: number): void => {
    if (hit[i] === 0) {
      hit[i] = 1;
      picked.push(i);
    }
  };
  for (const l of literal) for (const i of idx.byLower.get(l) ?? []) pick(i);
  for (const [svc, list] of wildBy) {
    const test = wildcardTest(list);
    for (const i of idx.bySvc.get(svc) ?? []) if (hit[i] === 0 && test(idx.actions[i]!, idx.lower[i]!)) pick(i);
  }
  if (anyService.length > 0) {
    const test = wildcardTest(anyService);
    for (let i = 0; i < entries.length; i++) if (hit[i] === 0 && test(idx.actions[i]!, idx.lower[i]!)) pick(i);
  }
  // In the entries' own order, as a filter over them would give.
  const order = Int32Array.from(picked).sort();
  const out: T[] = new Array(order.length);
  for (let k = 0; k < order.length; k++) out[k] = entries[order[k]!]!;
  return out;
}
