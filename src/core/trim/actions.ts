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

/**
 * Compress concrete canonical action ids into a sorted list of ids and exact wildcards.
 * `allowed(wildcard)` must return true only when the wildcard pattern is within the original grant.
 */
export function compressActions(actions: string[], catalog: Catalog, allowed: (wildcard: string) => boolean): string[] {
  const byService = new Map<string, Set<string>>();
  for (const a of actions) {
    const info = catalog.action(a);
    const svc = (info?.service ?? a.split(':')[0]).toLowerCase();
    const name = info?.name ?? a.split(':')[1];
    const set = byService.get(svc) ?? new Set<string>();
    set.add(name);
    byService.set(svc, set);
  }
  const out = new Set<string>();
  for (const [svc, kept] of byService) {
    const all = catalog.actionsOf(svc).map((x) => x.name);
    if (all.length > 0 && all.length >= MIN_WILDCARD_ACTIONS && all.every((n) => kept.has(n)) && allowed(`${svc}:*`)) {
      out.add(`${svc}:*`);
      continue;
    }
    for (const name of [...kept].sort()) {
      let chosen: string | undefined;
      for (let len = MIN_WILDCARD_PREFIX; len < name.length; len++) {
        const prefix = name.slice(0, len);
        const lower = prefix.toLowerCase();
        const matched = all.filter((n) => n.toLowerCase().startsWith(lower));
        if (matched.length < MIN_WILDCARD_ACTIONS) break; // longer prefixes match even fewer
        if (matched.every((n) => kept.has(n)) && allowed(`${svc}:${prefix}*`)) {
          // Readability: lengthen the prefix while it still matches the same actions (`GetO*` → `GetObject*`).
          let best = prefix;
          for (let l2 = len + 1; l2 <= name.length; l2++) {
            const longer = name.slice(0, l2).toLowerCase();
            if (all.filter((n) => n.toLowerCase().startsWith(longer)).length !== matched.length) break;
            best = name.slice(0, l2);
          }
          chosen = allowed(`${svc}:${best}*`) ? `${svc}:${best}*` : `${svc}:${prefix}*`;
          break;
        }
      }
      out.add(chosen ?? `${svc}:${name}`);
    }
  }
  return [...out].sort(compareActionStrings);
}

/** Case-insensitive, then case-sensitive ordering of action strings (stable output). */
export function compareActionStrings(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
