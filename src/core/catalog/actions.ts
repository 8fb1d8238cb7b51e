/**
 * The catalog's services and actions: a per-service index built on first use, every action id in order,
 * action lookup (any casing), and the expansion of Action patterns and NotAction complements.
 */

import type { ActionInfo, ActionResourceType } from './types.js';
import { CatalogDataError, LEVELS, byCodeUnit, isObject, type LazySection, type RawService } from './raw-data.js';
import { ACTION_PATTERN, compilePattern, hasWildcard, type CompiledPattern } from '../wildcard.js';
import type { CompiledArnTemplate } from './arn.js';

/** One service's index, built on first use. */
export interface ServiceIndex {
  prefix: string;
  raw: RawService;
  /** lower-case action name → its info; every action of the service, built together on the first lookup */
  infoByLower?: Map<string, ActionInfo>;
  /** lower-case resource type → AWS-cased name */
  rtByLower?: Map<string, string>;
  /** canonical ids sorted, and their lower-case forms (parallel arrays) */
  ids: string[];
  idsLower: string[];
  /** Whether `ids[i]` is the id of the i-th raw action (the generated file's sorted keys): then infos share it. */
  rawOrder: boolean;
  compiledTemplates?: { name: string; compiled: CompiledArnTemplate }[];
}

/** Action ids and their lower-case forms (parallel arrays). */
export interface IdList {
  ids: string[];
  lower: string[];
}

/** Splits `svc:Name` at its first `:`; undefined when either side is empty. */
export function splitId(actionId: string): [string, string] | undefined {
  const colon = actionId.indexOf(':');
  if (colon <= 0 || colon === actionId.length - 1) return undefined;
  return [actionId.slice(0, colon), actionId.slice(colon + 1)];
}

/** Per-service indexes over the raw services, built on first use, and every action id in order. */
export interface Services {
  /** The service's index (any casing of the prefix), or undefined when the catalog has no such service. */
  service(prefix: string): ServiceIndex | undefined;
  /** Every action id, sorted by full id. */
  everyAction(): IdList;
}

/** Indexes the raw services lazily. */
export function createServices(rawServices: LazySection<RawService>): Services {
  const indexes = new Map<string, ServiceIndex>();
  function service(prefix: string): ServiceIndex | undefined {
    const p = prefix.toLowerCase();
    let idx = indexes.get(p);
    if (idx) return idx;
    const raw = rawServices.get(p);
    if (!isObject(raw) || !isObject(raw.a)) return undefined;
    const names = Object.keys(raw.a);
    // The generated file already has sorted keys; sort only when given something else.
    const rawOrder = names.every((n, i) => i === 0 || names[i - 1]! < n);
    if (!rawOrder) names.sort(byCodeUnit);
    const ids = names.map((n) => `${p}:${n}`);
    // Every field set from the start (the lazy ones undefined): one object shape for every service index, so
    // the optimized code reading them is not thrown away when a service's infos or resource types are built.
    idx = { prefix: p, raw, infoByLower: undefined, rtByLower: undefined, ids, idsLower: ids.map((i) => i.toLowerCase()), rawOrder, compiledTemplates: undefined };
    indexes.set(p, idx);
    return idx;
  }

  let all: IdList | undefined;
  function everyAction(): IdList {
    if (all) return all;
    const ids: string[] = [];
    const lower: string[] = [];
    // Visiting prefixes in the order of "prefix:" makes the concatenation sorted by full id ("s3-x:A" <
    // "s3:B" because "-" < ":"), since prefixes contain no ":" and each service's list is sorted.
    const order = [...rawServices.keys].sort((x, y) => byCodeUnit(`${x}:`, `${y}:`));
    for (const p of order) {
      const s = service(p);
      if (!s) continue;
      for (let i = 0; i < s.ids.length; i++) {
        ids.push(s.ids[i]!);
        lower.push(s.idsLower[i]!);
      }
    }
    return (all = { ids, lower });
  }

  return { service, everyAction };
}

/** The action queries of a Catalog. */
export interface ActionQueries {
  action(actionId: string): ActionInfo | undefined;
  actionsOf(prefix: string): ActionInfo[];
  expandActionPattern(pattern: string): string[];
  expandNotAction(patterns: string[]): string[];
}

/** Action lookup and expansion over the service indexes. */
export function createActionQueries(services: Services): ActionQueries {
  /**
   * Exact id as asked (any casing) → its cached info. Trim and the verifier ask about the same ~22,000 ids
   * several times each (a `*` grant: ~300,000 calls); this skips the split, the two lower-casings and the two
   * map lookups of the slow path. Only hits are stored: the canonical ids of each service looked up, and each
   * other spelling asked.
   */
  const infoById = new Map<string, ActionInfo>();
  /** A service's infos, once built, under their canonical ids: the next canonical lookups are hits. */
  const register = (infos: Map<string, ActionInfo>): void => {
    for (const info of infos.values()) infoById.set(info.id, info);
  };

  function action(actionId: string): ActionInfo | undefined {
    let info = infoById.get(actionId);
    if (!info) {
      info = lookupAction(services, actionId, register);
      if (!info) return undefined;
      infoById.set(actionId, info);
    }
    return info;
  }

  /** The ids matching one compiled pattern, restricted to one service when the prefix has no wildcard. */
  function candidates(pattern: string): IdList {
    const colon = pattern.indexOf(':');
    if (colon > 0) {
      const prefix = pattern.slice(0, colon);
      if (!hasWildcard(prefix)) {
        const s = services.service(prefix);
        return s ? { ids: s.ids, lower: s.idsLower } : { ids: [], lower: [] };
      }
    }
    return services.everyAction();
  }

  function expandActionPattern(pattern: string): string[] {
    if (!hasWildcard(pattern)) {
      const a = action(pattern);
      return a ? [a.id] : [];
    }
    if (/^\*+$/.test(pattern)) return [...services.everyAction().ids];
    const m: CompiledPattern = compilePattern(pattern, ACTION_PATTERN);
    const c = candidates(pattern);
    const out: string[] = [];
    for (let i = 0; i < c.ids.length; i++) if (m.testLowered(c.lower[i]!)) out.push(c.ids[i]!);
    return out;
  }

  function expandNotAction(patterns: string[]): string[] {
    const matchers = patterns.map((p) => compilePattern(p, ACTION_PATTERN));
    const all = services.everyAction();
    const out: string[] = [];
    for (let i = 0; i < all.ids.length; i++) {
      const l = all.lower[i]!;
      if (!matchers.some((m) => m.testLowered(l))) out.push(all.ids[i]!);
    }
    return out;
  }

  function actionsOf(prefix: string): ActionInfo[] {
    const s = services.service(prefix);
    return s ? s.ids.map((id) => action(id)!) : [];
  }

  return { action, actionsOf, expandActionPattern, expandNotAction };
}

/** The empty list of an action without resource types or condition keys (frozen, shared). */
const NONE: readonly never[] = Object.freeze([]);

/** The cached info of an action by the slow path: split, fold, look up (every action of its service built at once). */
function lookupAction(services: Services, actionId: string, onBuilt: (infos: Map<string, ActionInfo>) => void): ActionInfo | undefined {
  const colon = actionId.indexOf(':');
  if (colon <= 0 || colon === actionId.length - 1) return undefined;
  const s = services.service(actionId.slice(0, colon));
  if (!s) return undefined;
  if (!s.infoByLower) onBuilt((s.infoByLower = serviceInfos(s)));
  return s.infoByLower.get(actionId.slice(colon + 1).toLowerCase());
}

/**
 * Every action of a service as its (shared by every caller, so frozen: a caller cannot corrupt the cache)
 * info, by lower-case name (of names equal but for case, the last in code-unit order wins, as it always has). Built in one pass over the raw
 * actions: a `*` grant asks about all ~22,000, and one lookup each by a computed key into the parsed
 * service object cost more than the pass.
 */
function serviceInfos(s: ServiceIndex): Map<string, ActionInfo> {
  const out = new Map<string, ActionInfo>();
  // A service's actions name the same few resource types: one frozen object per spelling, shared.
  const rtOf = new Map<string, ActionResourceType>();
  const rt = (r: string): ActionResourceType => {
    let t = rtOf.get(r);
    if (!t) rtOf.set(r, (t = Object.freeze(r.endsWith('*') ? { name: r.slice(0, -1), required: true } : { name: r, required: false })));
    return t;
  };
  const entries = Object.entries(s.raw.a);
  for (let i = 0; i < entries.length; i++) {
    // Read by index, not destructured: array destructuring runs the iterator protocol (~22,000 times, cold).
    const entry = entries[i]!;
    const name = entry[0];
    const raw = entry[1];
    const lower = name.toLowerCase();
    const prev = out.get(lower);
    if (prev && prev.name > name) continue;
    const level = LEVELS[raw[0]];
    if (!level) throw new CatalogDataError(`data/iam/catalog.json: ${s.prefix}:${name} has unknown access level "${raw[0]}"`);
    const resourceTypes = raw[1] && raw[1].length > 0 ? Object.freeze(raw[1].map(rt)) : NONE;
    out.set(
      lower,
      Object.freeze({
        // The index's own id string where it is the same text: callers hold it already (its hash is computed
        // once), and ~22,000 fresh copies would each be hashed again.
        id: s.rawOrder ? s.ids[i]! : `${s.prefix}:${name}`,
        service: s.prefix,
        name,
        accessLevel: level,
        resourceTypes,
        conditionKeys: raw[2] && raw[2].length > 0 ? Object.freeze([...raw[2]]) : NONE,
      }),
    );
  }
  return out;
}
