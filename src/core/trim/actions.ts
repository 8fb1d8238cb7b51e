/**
 * Writing a set of concrete actions compactly: `svc:Prefix*` only where the wildcard expands (against the
 * catalog) to exactly kept actions, and only where the caller confirms the wildcard is also inside the original
 * grant as written — so an action AWS adds later under that prefix is granted by the suggestion only if the
 * original's own wildcard already granted it.
 */
import type { Catalog } from '../catalog/types.js';

/** Shortest action-name prefix used in a wildcard (`Get*`, `List*`): shorter ones read as noise. */
const MIN_WILDCARD_PREFIX = 3;
/** A wildcard must stand for at least this many actions to be worth it. */
const MIN_WILDCARD_ACTIONS = 2;

/** One service's action names: in catalog order, and lower-cased in code-unit order for prefix searches. */
interface ServiceNames {
  all: string[];
  /** Lower-cased names, sorted: the names starting with a prefix are one contiguous run. */
  lower: string[];
  /** AWS-cased name of each entry of `lower`. */
  name: string[];
}

/**
 * Per catalog, per service prefix: its names. `catalog.actionsOf` builds a fresh ActionInfo per action, and a
 * `*` grant asks for every service once per statement group; the catalog is immutable, so once is enough.
 */
const namesCache = new WeakMap<Catalog, Map<string, ServiceNames>>();

function serviceNames(catalog: Catalog, svc: string): ServiceNames {
  let perCatalog = namesCache.get(catalog);
  if (!perCatalog) namesCache.set(catalog, (perCatalog = new Map()));
  let names = perCatalog.get(svc);
  if (!names) {
    const all = catalog.actionsOf(svc).map((x) => x.name);
    let lower = all.map((n) => n.toLowerCase());
    let name = all;
    if (!lower.every((l, i) => i === 0 || lower[i - 1]! <= l)) {
      // The catalog sorts by AWS casing (`GetACL` < `GetAccount`); re-sort by the lower-cased name, then the
      // name. Positions, not `lower\0name` keys: the list is nearly in order, so TimSort needs ~n comparisons
      // and no string is built.
      const l0 = lower;
      const order = all.map((_, i) => i);
      order.sort((i, j) => (l0[i]! < l0[j]! ? -1 : l0[i]! > l0[j]! ? 1 : all[i]! < all[j]! ? -1 : all[i]! > all[j]! ? 1 : 0));
      lower = order.map((i) => l0[i]!);
      name = order.map((i) => all[i]!);
    }
    names = { all, lower, name };
    perCatalog.set(svc, names);
  }
  return names;
}

/**
 * The sorted `lower` entries that start with `prefix` (lower-case) are the half-open index range
 * `[prefixStart, prefixEnd)`: entries `< prefix` come first, then those starting with it, then the rest. Two
 * binary searches, as two numbers (not a pair to destructure: called for every cut of ~11,000 kept names).
 */
function prefixStart(lower: string[], prefix: string): number {
  let lo = 0;
  let hi = lower.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (lower[mid]! < prefix) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The end of the range {@link prefixStart} begins (`start` is its answer for the same prefix). */
function prefixEnd(lower: string[], prefix: string, start: number): number {
  let end = lower.length;
  let from = start;
  while (from < end) {
    const mid = (from + end) >>> 1;
    if (lower[mid]!.startsWith(prefix)) from = mid + 1;
    else end = mid;
  }
  return from;
}

/**
 * Compress concrete canonical action ids into a sorted list of ids and exact wildcards.
 * `allowed(wildcard)` must return true only when the wildcard pattern is within the original grant.
 */
export function compressActions(actions: string[], catalog: Catalog, allowed: (wildcard: string) => boolean): string[] {
  const byService = new Map<string, Set<string>>();
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i]!;
    const info = catalog.action(a);
    // The catalog's service prefixes are lower case already.
    const svc = info ? info.service : a.split(':')[0].toLowerCase();
    const name = info ? info.name : a.split(':')[1];
    const set = byService.get(svc);
    if (set) set.add(name);
    else byService.set(svc, new Set([name]));
  }
  const out = new Set<string>();
  for (const [svc, kept] of byService) {
    const { all, lower, name: nameAt } = serviceNames(catalog, svc);
    if (all.length > 0 && all.length >= MIN_WILDCARD_ACTIONS && all.every((n) => kept.has(n)) && allowed(`${svc}:*`)) {
      out.add(`${svc}:*`);
      continue;
    }
    // notKeptBefore[i]: how many of the first i sorted entries are not kept, so "every name under a prefix is
    // kept" is one subtraction instead of a scan (kept names × prefix lengths × service size was ~0.25 s).
    const notKeptBefore = new Int32Array(lower.length + 1);
    for (let i = 0; i < lower.length; i++) notKeptBefore[i + 1] = notKeptBefore[i]! + (kept.has(nameAt[i]!) ? 0 : 1);
    const mine: string[] = [];
    const names = [...kept].sort();
    for (let n = 0; n < names.length; n++) {
      const name = names[n]!;
      let chosen: string | undefined;
      const nameLower = name.toLowerCase();
      // ASCII (every catalog name): a cut of the lower-cased name is the lower-cased cut. Not so beyond ASCII
      // (`İ` grows, a final `Σ` lower-cases by context), so such a name lower-cases each cut itself.
      const cut = /^[\x00-\x7f]*$/.test(name) ? (n: number) => nameLower.slice(0, n) : (n: number) => name.slice(0, n).toLowerCase();
      for (let len = MIN_WILDCARD_PREFIX; len < name.length; len++) {
        const cutLower = cut(len);
        const lo = prefixStart(lower, cutLower);
        const hi = prefixEnd(lower, cutLower, lo);
        const matched = hi - lo;
        if (matched < MIN_WILDCARD_ACTIONS) break; // longer prefixes match even fewer
        const prefix = name.slice(0, len);
        if (notKeptBefore[hi] === notKeptBefore[lo] && allowed(`${svc}:${prefix}*`)) {
          // Readability: lengthen the prefix while it still matches the same actions (`GetO*` → `GetObject*`).
          let best = prefix;
          for (let l2 = len + 1; l2 <= name.length; l2++) {
            const cut2 = cut(l2);
            const lo2 = prefixStart(lower, cut2);
            const hi2 = prefixEnd(lower, cut2, lo2);
            if (hi2 - lo2 !== matched) break;
            best = name.slice(0, l2);
          }
          chosen = allowed(`${svc}:${best}*`) ? `${svc}:${best}*` : `${svc}:${prefix}*`;
          break;
        }
      }
      mine.push(chosen ?? `${svc}:${name}`);
    }
    // A name whose every wildcard was refused (the grant allows `Name*` but no shorter prefix) may be covered by
    // the wildcard a longer name chose: `Name` beside `Name*` re-trims to `Name*` alone, so write that at once.
    const stems = mine.filter((a) => a.endsWith('*')).map((w) => w.slice(0, -1).toLowerCase());
    for (let m = 0; m < mine.length; m++) {
      const a = mine[m]!;
      if (a.endsWith('*') || stems.length === 0) out.add(a);
      else {
        const al = a.toLowerCase();
        if (!stems.some((s) => al.startsWith(s))) out.add(a);
      }
    }
  }
  return sortActionStrings([...out]);
}

/**
 * `list.sort(compareActionStrings)`, natively: keys `lower\0original` under the built-in code-unit sort order
 * by the lower-cased string, then by the original, exactly as the comparator does, when no string holds a NUL
 * (action strings never do; otherwise the comparator is used). ~11,000 kept actions: ~150,000 JS comparator
 * calls saved.
 */
export function sortActionStrings(list: string[]): string[] {
  // Nearly in order already (the catalog's code-unit order differs from this one only where case differs,
  // e.g. `GetACL` and `GetAccount`, and where `s3-x:` sorts before `s3:`): TimSort with the comparator merges the
  // few runs in ~n comparisons, without the 2n keyed strings (~10 ms instead of ~40 ms for 22,000 ids, cold).
  let descents = 0;
  for (let i = 1; i < list.length && descents <= list.length >>> 3; i++) if (compareActionStrings(list[i - 1]!, list[i]!) > 0) descents++;
  if (descents <= list.length >>> 3) return list.sort(compareActionStrings);
  if (list.some((a) => a.includes('\u0000'))) return list.sort(compareActionStrings);
  const keyed = list.map((a) => `${a.toLowerCase()}\u0000${a}`).sort();
  return keyed.map((k) => k.slice(k.indexOf('\u0000') + 1));
}

/** Case-insensitive, then case-sensitive ordering of action strings (stable output). */
export function compareActionStrings(a: string, b: string): number {
  // ASCII fast path without allocating two lower-cased copies (sorting ~22,000 ids calls this ~600,000 times).
  // Comparing folded code units one by one orders exactly as comparing the lower-cased strings would.
  const n = a.length < b.length ? a.length : b.length;
  let i = 0;
  for (; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x > 127 || y > 127) return compareSlow(a, b); // toLowerCase outside ASCII may change lengths
    if (x >= 65 && x <= 90) x += 32;
    if (y >= 65 && y <= 90) y += 32;
    if (x !== y) return x < y ? -1 : 1;
  }
  if (a.length !== b.length) {
    // Equal up to the shorter length; a non-ASCII tail could still lower-case to anything: be exact.
    for (let k = i; k < a.length; k++) if (a.charCodeAt(k) > 127) return compareSlow(a, b);
    for (let k = i; k < b.length; k++) if (b.charCodeAt(k) > 127) return compareSlow(a, b);
    return a.length < b.length ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareSlow(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
