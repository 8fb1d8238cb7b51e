/**
 * Trim's synthesis: merge the kept entries per (condition, kind, action), drop what an unconditional grant
 * already allows, and group the actions sharing (condition, kind, resources) into draft statements, with
 * wildcards only where the catalog and the original statements allow them.
 */
import type { Catalog } from '../catalog/types.js';
import type { Statement } from '../policy/types.js';
import { ACTION_PATTERN, RESOURCE_PATTERN, patternCovers, patternsIntersect } from '../wildcard.js';
import { compressActions, sortActionStrings } from './actions.js';
import { statementCoversResource } from './match.js';
import { BASIS_ORDER, cmp, refKey, sortRefs, USED_BASES, type Analyzed, type Entry } from './model.js';
import type { KeepBasis, StatementEvidence } from './types.js';

/** A derived statement before it gets its Sid and is split for size, with its evidence and services. */
export interface Draft {
  st: Statement;
  evidence: Omit<StatementEvidence, 'document' | 'sid'>;
  services: string[];
}

/** The service prefix of an action id (the whole id when it has no `:`). */
function serviceOf(action: string): string {
  const colon = action.indexOf(':');
  return colon < 0 ? action : action.slice(0, colon);
}

/** Remove patterns covered by another pattern of the set; sorted, duplicates removed. */
function minimizePatterns(patterns: string[]): string[] {
  if (patterns.length === 1) return patterns;
  const uniq = [...new Set(patterns)].sort();
  if (uniq.includes('*')) return ['*'];
  return uniq.filter((p) => !uniq.some((q) => q !== p && patternCovers(q, p, RESOURCE_PATTERN)));
}

/**
 * Merge the entries per (condition, kind, action); drop conditional resources an unconditional grant covers.
 * Takes ownership of `entries` (decide's, each with its own lists and set, read by nobody after): the first
 * entry of each key becomes the merged one and is changed in place, instead of ~11,000 copies for a `*` grant.
 */
export function mergeEntries(entries: Entry[]): Entry[] {
  // Per (condition, kind), then per action (plus, for NotResource, the sorted patterns as JSON): nested maps,
  // so ~11,000 entries of a `*` grant build no key string each. The list keeps first-seen order.
  const merged = new Map<string, Map<string, Entry>>();
  const mergedList: Entry[] = [];
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    // condKey is JSON text (no raw control characters), so \u0001 cannot occur inside it.
    const outer = e.kind === 'resource' ? e.condKey : `${e.condKey}\u0001`;
    let byAction = merged.get(outer);
    if (!byAction) merged.set(outer, (byAction = new Map()));
    const k = e.kind === 'resource' ? e.action : `${e.action}\u0001${JSON.stringify([...e.resources].sort())}`;
    const prev = byAction.get(k);
    if (!prev) {
      byAction.set(k, e);
      mergedList.push(e);
    } else {
      if (e.kind === 'resource') prev.resources.push(...e.resources);
      e.bases.forEach((b) => prev.bases.add(b));
      prev.from.push(...e.from);
    }
  }
  for (const e of mergedList) if (e.kind === 'resource') e.resources = minimizePatterns(e.resources);
  const uncondResource = new Map<string, string[]>();
  for (const e of mergedList) if (e.condKey === '' && e.kind === 'resource') uncondResource.set(e.action, e.resources);
  const finalEntries = mergedList.filter((e) => {
    if (e.condKey === '' || e.kind !== 'resource') return true;
    const un = uncondResource.get(e.action);
    if (!un) return true;
    e.resources = e.resources.filter((r) => !un.some((p) => patternCovers(p, r, RESOURCE_PATTERN)));
    return e.resources.length > 0;
  });
  return finalEntries;
}

/**
 * A key for a resource list: its one pattern (most lists), else its JSON. Injective: JSON text of an array
 * starts with `[`, a single pattern's key with \u0002.
 */
function resourcesKey(resources: readonly string[]): string {
  return resources.length === 1 ? `\u0002${resources[0]}` : JSON.stringify(resources);
}

/**
 * The entries' source statements in first-met order, one per statement reference (each analyzed statement has
 * its own). The same statement is met once per action (~11,000 for a `*` grant): skipped by identity.
 */
function sourcesOf(entries: readonly Entry[]): Analyzed[] {
  const seen = new Set<Analyzed>();
  const byRef = new Map<string, Analyzed>();
  for (let i = 0; i < entries.length; i++) {
    const from = entries[i]!.from;
    for (let k = 0; k < from.length; k++) {
      const src = from[k]!;
      if (seen.has(src)) continue;
      seen.add(src);
      byRef.set(refKey(src.ref), src);
    }
  }
  return [...byRef.values()];
}

/**
 * One kept action's line of its statement's evidence: its basis (the first of BASIS_ORDER it has) and the ids
 * of its findings. Plain loops over the two short lists (once per kept action: ~11,000 for a `*` grant).
 */
function actionEvidence(a: string, bases: ReadonlySet<KeepBasis>): StatementEvidence['actions'][number] {
  let basis: KeepBasis = 'used';
  for (let i = 0; i < BASIS_ORDER.length; i++) {
    if (bases.has(BASIS_ORDER[i]!)) {
      basis = BASIS_ORDER[i]!;
      break;
    }
  }
  const ids: string[] = [];
  for (let i = 0; i < USED_BASES.length; i++) {
    if (bases.has(USED_BASES[i]!)) {
      ids.push(`used/${a}`);
      break;
    }
  }
  if (bases.has('unobservable') || bases.has('baseline')) ids.push(`unobservable/${a}`);
  if (bases.has('last-accessed')) ids.push(`last-accessed/${a}`);
  return { action: a, basis, findingIds: ids };
}

/** Group the entries sharing (condition, kind, resources) into draft statements, sorted for stable output. */
export function draftStatements(finalEntries: Entry[], catalog: Catalog): Draft[] {
  interface Group {
    condKey: string;
    condition?: Statement['condition'];
    kind: 'resource' | 'notResource';
    resources: string[];
    entries: Entry[];
  }
  const groups = new Map<string, Group>();
  for (let i = 0; i < finalEntries.length; i++) {
    const e = finalEntries[i]!;
    const k = `${e.condKey}\u0001${e.kind}\u0001${resourcesKey(e.resources)}`;
    const g = groups.get(k) ?? { condKey: e.condKey, condition: e.condition, kind: e.kind, resources: e.resources, entries: [] };
    g.entries.push(e);
    groups.set(k, g);
  }
  const drafts: Draft[] = [];
  for (const g of groups.values()) {
    const concrete = sortActionStrings([...new Set(g.entries.map((e) => e.action))]);
    const sources = sourcesOf(g.entries);
    const allowedWildcard = (w: string) =>
      sources.some((src) => {
        if (src.condKey !== g.condKey) return false;
        const actOk = src.st.action
          ? src.st.action.some((p) => patternCovers(p, w, ACTION_PATTERN))
          : !(src.st.notAction ?? []).some((p) => patternsIntersect(p, w, ACTION_PATTERN));
        if (!actOk) return false;
        if (g.kind === 'resource') return g.resources.every((r) => statementCoversResource(src.st, r));
        return src.kind === 'notResource' && JSON.stringify([...src.patterns].sort()) === JSON.stringify([...g.resources].sort());
      });
    const action = compressActions(concrete, catalog, allowedWildcard);
    const st: Statement = {
      effect: 'Allow',
      action,
      ...(g.kind === 'resource' ? { resource: g.resources } : { notResource: g.resources }),
      ...(g.condition && g.condKey !== '' ? { condition: structuredClone(g.condition) } : {}),
    };
    const byAction = new Map(g.entries.map((e) => [e.action, e]));
    drafts.push({
      st,
      services: [...new Set(concrete.map(serviceOf))].sort(),
      evidence: {
        from: sortRefs(sources.map((s) => s.ref)),
        origin: 'derived',
        actions: concrete.map((a) => actionEvidence(a, byAction.get(a)!.bases)),
        findingIds: [],
      },
    });
  }
  drafts.sort(
    (a, b) =>
      cmp((a.st.action ?? [])[0]?.toLowerCase() ?? '', (b.st.action ?? [])[0]?.toLowerCase() ?? '') ||
      cmp(JSON.stringify(a.st.resource ?? a.st.notResource), JSON.stringify(b.st.resource ?? b.st.notResource)) ||
      cmp(JSON.stringify(a.st.condition ?? null), JSON.stringify(b.st.condition ?? null)) ||
      cmp(JSON.stringify(a.st.action), JSON.stringify(b.st.action)),
  );
  return drafts;
}
