/**
 * The bundled IAM catalog: pure queries over the already-parsed `data/iam/catalog.json` and
 * `data/iam/operations.json` (both written by `scripts/build-catalog.mjs`; their `meta.format` describes
 * the shapes). Indexes are built lazily, per service; with `createCatalogFromText` even the JSON of a
 * service is parsed only when a query first needs it, so loading costs a file read and a split.
 */

import type {
  AccessLevel,
  ActionInfo,
  ActionResourceType,
  Catalog,
  CatalogInfo,
  OperationAction,
  ResourceTypeInfo,
} from './types.js';
import { compileArnTemplate, fillArnTemplate, parseArn, type CompiledArnTemplate } from './arn.js';
import { ACTION_PATTERN, compilePattern, hasWildcard, type CompiledPattern } from '../wildcard.js';
import { BUNDLED_DATA_HINT, PolicyTrimError } from '../errors.js';

/** `[levelCode, resourceTypes ("name*" = required)?, conditionKeys?]` */
type RawAction = [string, string[]?, string[]?];
/** `[arnTemplate, conditionKeys?]` */
type RawResourceType = [string, string[]?];
interface RawService {
  n?: string;
  a: Record<string, RawAction>;
  r: Record<string, RawResourceType>;
  c: Record<string, string>;
}
type RawOperationEntry = string | [string, Record<string, string[]>];
interface RawOperations {
  ops?: Record<string, RawOperationEntry[]>;
  same?: string[];
  /** Actions IAM Access Analyzer policy generation identifies from CloudTrail (Service Reference SupportedBy). */
  pg?: string[];
}

const LEVELS: Record<string, AccessLevel> = {
  L: 'List',
  R: 'Read',
  W: 'Write',
  T: 'Tagging',
  P: 'Permissions management',
};

/**
 * Thrown when catalog data does not have the expected shape (regenerate it with `npm run data:build`): a
 * damaged or mixed installation the user can fix by reinstalling, not their input and not a bug.
 */
export class CatalogDataError extends PolicyTrimError {
  declare readonly code: 'catalog-data-invalid';
  constructor(message: string) {
    super({
      code: 'catalog-data-invalid',
      message: `${message} (the bundled catalog is damaged or from another version; regenerate it with: npm run data:build)`,
      hint: BUNDLED_DATA_HINT,
      source: 'user',
    });
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own property only, so `__proto__` or `constructor` never resolve to Object.prototype members. */
function own<T>(obj: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

interface ServiceIndex {
  prefix: string;
  raw: RawService;
  /** lower-case action name → AWS-cased name */
  actionByLower?: Map<string, string>;
  /** lower-case resource type → AWS-cased name */
  rtByLower?: Map<string, string>;
  /** canonical ids sorted, and their lower-case forms (parallel arrays) */
  ids: string[];
  idsLower: string[];
  actionCache: Map<string, ActionInfo>;
  compiledTemplates?: { name: string; compiled: CompiledArnTemplate }[];
}

/** Compares strings by UTF-16 code units (locale-independent, so output is deterministic everywhere). */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A keyed section of a data file (`services`), read lazily: `get` parses an entry on first use.
 * Lets the line-per-service files be loaded without parsing services nobody asks about.
 */
interface LazySection<T> {
  keys: string[];
  get(key: string): T | undefined;
}

function sectionFromObject<T>(obj: Record<string, T>): LazySection<T> {
  return { keys: Object.keys(obj).sort(byCodeUnit), get: (k) => own(obj, k) };
}

/**
 * Splits text written by scripts/build-catalog.mjs (`{"meta":…,` / `"services":{` / one `"key":{…},` line
 * per entry / `}}`) into its meta and a lazily parsed section. Undefined when the text has another layout
 * (e.g. reformatted by hand): the caller then parses it whole.
 */
function sectionFromLines<T>(
  text: string,
  file: string,
): { meta: Record<string, unknown>; section: LazySection<T> } | undefined {
  const lines = text.split('\n');
  const head = '{"meta":';
  if (lines.length < 4 || !lines[0]!.startsWith(head) || !lines[0]!.endsWith(',') || lines[1] !== '"services":{') {
    return undefined;
  }
  let end = lines.length - 1;
  while (end > 1 && lines[end] === '') end--;
  if (lines[end] !== '}}') return undefined;
  let meta: unknown;
  try {
    meta = JSON.parse(lines[0]!.slice(head.length, -1));
  } catch {
    return undefined;
  }
  if (!isObject(meta)) return undefined;
  const at = new Map<string, number>();
  for (let i = 2; i < end; i++) {
    const line = lines[i]!;
    const q = line.indexOf('":');
    if (!line.startsWith('"') || q < 0) return undefined;
    at.set(line.slice(1, q), i);
  }
  const cache = new Map<string, T>();
  return {
    meta,
    section: {
      keys: [...at.keys()].sort(byCodeUnit),
      get(key) {
        const hit = cache.get(key);
        if (hit !== undefined) return hit;
        const i = at.get(key);
        if (i === undefined) return undefined;
        const line = lines[i]!;
        const body = line.slice(line.indexOf('":') + 2, line.endsWith(',') ? -1 : undefined);
        let value: T;
        try {
          value = JSON.parse(body) as T;
        } catch (e) {
          throw new CatalogDataError(`${file} line ${i + 1} ("${key}"): ${(e as Error).message}`);
        }
        cache.set(key, value);
        return value;
      },
    },
  };
}

/**
 * Builds a Catalog from the parsed contents of `data/iam/catalog.json` and `data/iam/operations.json`.
 * Throws CatalogDataError naming the file and what is wrong when either has the wrong shape.
 */
export function createCatalog(catalogJson: unknown, operationsJson: unknown): Catalog {
  if (!isObject(catalogJson) || !isObject(catalogJson.meta) || !isObject(catalogJson.services)) {
    throw new CatalogDataError('data/iam/catalog.json: expected an object with "meta" and "services"');
  }
  if (!isObject(operationsJson) || !isObject(operationsJson.services)) {
    throw new CatalogDataError('data/iam/operations.json: expected an object with "meta" and "services"');
  }
  return buildCatalog(
    catalogJson.meta,
    sectionFromObject(catalogJson.services as Record<string, RawService>),
    isObject(operationsJson.meta) ? operationsJson.meta : {},
    sectionFromObject(operationsJson.services as Record<string, RawOperations>),
  );
}

/**
 * Builds a Catalog from the TEXT of `data/iam/catalog.json` and `data/iam/operations.json`, parsing each
 * service's line only when a query first needs it (loading costs a split, not a 2 MB JSON.parse). Text in
 * any other JSON layout is parsed whole. Throws CatalogDataError naming the file on bad data.
 */
export function createCatalogFromText(catalogText: string, operationsText: string): Catalog {
  const cat = sectionFromLines<RawService>(catalogText, 'data/iam/catalog.json');
  const ops = sectionFromLines<RawOperations>(operationsText, 'data/iam/operations.json');
  if (cat && ops) return buildCatalog(cat.meta, cat.section, ops.meta, ops.section);
  const parse = (text: string, file: string): unknown => {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new CatalogDataError(`${file}: not valid JSON (${(e as Error).message})`);
    }
  };
  return createCatalog(parse(catalogText, 'data/iam/catalog.json'), parse(operationsText, 'data/iam/operations.json'));
}

function buildCatalog(
  meta: Record<string, unknown>,
  rawServices: LazySection<RawService>,
  opMeta: Record<string, unknown>,
  rawOps: LazySection<RawOperations>,
): Catalog {
  const prefixes = rawServices.keys;

  const serviceIndexes = new Map<string, ServiceIndex>();
  function svc(prefix: string): ServiceIndex | undefined {
    const p = prefix.toLowerCase();
    let idx = serviceIndexes.get(p);
    if (idx) return idx;
    const raw = rawServices.get(p);
    if (!isObject(raw) || !isObject(raw.a)) return undefined;
    const names = Object.keys(raw.a);
    // The generated file already has sorted keys; sort only when given something else.
    if (!names.every((n, i) => i === 0 || names[i - 1]! < n)) names.sort(byCodeUnit);
    const ids = names.map((n) => `${p}:${n}`);
    idx = {
      prefix: p,
      raw,
      ids,
      idsLower: ids.map((i) => i.toLowerCase()),
      actionCache: new Map(),
    };
    serviceIndexes.set(p, idx);
    return idx;
  }

  let allIds: { ids: string[]; lower: string[] } | undefined;
  function everyAction(): { ids: string[]; lower: string[] } {
    if (!allIds) {
      const ids: string[] = [];
      const lower: string[] = [];
      // Visiting prefixes in the order of "prefix:" makes the concatenation sorted by full id ("s3-x:A" <
      // "s3:B" because "-" < ":"), since prefixes contain no ":" and each service's list is sorted.
      const order = [...prefixes].sort((x, y) => byCodeUnit(`${x}:`, `${y}:`));
      for (const p of order) {
        const s = svc(p);
        if (!s) continue;
        for (let i = 0; i < s.ids.length; i++) {
          ids.push(s.ids[i]!);
          lower.push(s.idsLower[i]!);
        }
      }
      allIds = { ids, lower };
    }
    return allIds;
  }

  function splitId(actionId: string): [string, string] | undefined {
    const colon = actionId.indexOf(':');
    if (colon <= 0 || colon === actionId.length - 1) return undefined;
    return [actionId.slice(0, colon), actionId.slice(colon + 1)];
  }

  /**
   * Exact id as asked (any casing) → its cached info. Trim and the verifier ask about the same ~22,000 ids
   * several times each (a `*` grant: ~300,000 calls); this skips the split, the two lower-casings and the two
   * map lookups of the slow path. Only hits are stored, so the map holds at most one entry per spelling asked.
   */
  const infoById = new Map<string, ActionInfo>();

  function action(actionId: string): ActionInfo | undefined {
    const info = infoById.get(actionId) ?? lookupAction(actionId);
    if (!info) return undefined;
    // Return a copy so callers cannot corrupt the cache (written out: a spread and `map` cost ~3× as much).
    const resourceTypes: ActionResourceType[] = new Array(info.resourceTypes.length);
    for (let i = 0; i < resourceTypes.length; i++) {
      const r = info.resourceTypes[i]!;
      resourceTypes[i] = { name: r.name, required: r.required };
    }
    return {
      id: info.id,
      service: info.service,
      name: info.name,
      accessLevel: info.accessLevel,
      resourceTypes,
      conditionKeys: info.conditionKeys.slice(),
    };
  }

  /** The cached (shared, never handed out) info of an action, by the slow path; remembered in `infoById`. */
  function lookupAction(actionId: string): ActionInfo | undefined {
    const parts = splitId(actionId);
    if (!parts) return undefined;
    const s = svc(parts[0]);
    if (!s) return undefined;
    s.actionByLower ??= new Map(s.ids.map((id) => [id.slice(s.prefix.length + 1).toLowerCase(), id.slice(s.prefix.length + 1)]));
    const name = s.actionByLower.get(parts[1].toLowerCase());
    if (!name) return undefined;
    let info = s.actionCache.get(name);
    if (!info) {
      const raw = s.raw.a[name]!;
      const level = LEVELS[raw[0]];
      if (!level) throw new CatalogDataError(`data/iam/catalog.json: ${s.prefix}:${name} has unknown access level "${raw[0]}"`);
      const resourceTypes: ActionResourceType[] = (raw[1] ?? []).map((r) =>
        r.endsWith('*') ? { name: r.slice(0, -1), required: true } : { name: r, required: false },
      );
      info = {
        id: `${s.prefix}:${name}`,
        service: s.prefix,
        name,
        accessLevel: level,
        resourceTypes,
        conditionKeys: [...(raw[2] ?? [])],
      };
      s.actionCache.set(name, info);
    }
    infoById.set(actionId, info);
    return info;
  }

  /** The ids matching one compiled pattern, restricted to one service when the prefix has no wildcard. */
  function candidates(pattern: string): { ids: string[]; lower: string[] } {
    const colon = pattern.indexOf(':');
    if (colon > 0) {
      const prefix = pattern.slice(0, colon);
      if (!hasWildcard(prefix)) {
        const s = svc(prefix);
        return s ? { ids: s.ids, lower: s.idsLower } : { ids: [], lower: [] };
      }
    }
    return everyAction();
  }

  function expandActionPattern(pattern: string): string[] {
    if (!hasWildcard(pattern)) {
      const a = action(pattern);
      return a ? [a.id] : [];
    }
    if (/^\*+$/.test(pattern)) return [...everyAction().ids];
    const m: CompiledPattern = compilePattern(pattern, ACTION_PATTERN);
    const c = candidates(pattern);
    const out: string[] = [];
    for (let i = 0; i < c.ids.length; i++) if (m.testLowered(c.lower[i]!)) out.push(c.ids[i]!);
    return out;
  }

  function expandNotAction(patterns: string[]): string[] {
    const matchers = patterns.map((p) => compilePattern(p, ACTION_PATTERN));
    const all = everyAction();
    const out: string[] = [];
    for (let i = 0; i < all.ids.length; i++) {
      const l = all.lower[i]!;
      if (!matchers.some((m) => m.testLowered(l))) out.push(all.ids[i]!);
    }
    return out;
  }

  /** Condition keys of one service: exact (lower-case) map plus `${Var}` templates. */
  interface ConditionIndex {
    exact: Map<string, string>;
    templates: { re: RegExp; type: string }[];
  }
  function addConditionKeys(index: ConditionIndex, keys: Record<string, string>): void {
    for (const [k, type] of Object.entries(keys)) {
      const lower = k.toLowerCase();
      if (index.exact.has(lower)) continue; // first service (sorted) wins; global aws:* keys repeat per service
      index.exact.set(lower, type);
      if (k.includes('${')) {
        const src = lower
          .split(/\$\{[^}]*\}/)
          .map((lit) => lit.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
          .join('.+');
        index.templates.push({ re: new RegExp(`^${src}$`), type });
      }
    }
  }
  function lookupCondition(index: ConditionIndex, lower: string): string | undefined {
    const hit = index.exact.get(lower);
    if (hit !== undefined) return hit;
    return index.templates.find((t) => t.re.test(lower))?.type;
  }
  const serviceConditions = new Map<string, ConditionIndex>();
  let globalConditions: ConditionIndex | undefined;
  function conditionKeyType(key: string): string | undefined {
    const lower = key.toLowerCase();
    // Fast path: a service's own keys live in its own entry (parses one service, not all).
    const colon = lower.indexOf(':');
    const own = colon > 0 ? svc(lower.slice(0, colon)) : undefined;
    if (own) {
      let idx = serviceConditions.get(own.prefix);
      if (!idx) {
        idx = { exact: new Map(), templates: [] };
        addConditionKeys(idx, own.raw.c ?? {});
        serviceConditions.set(own.prefix, idx);
      }
      const t = lookupCondition(idx, lower);
      if (t !== undefined) return t;
    }
    // Global keys (aws:*) and keys declared by another service: one index over every service.
    if (!globalConditions) {
      globalConditions = { exact: new Map(), templates: [] };
      for (const p of prefixes) addConditionKeys(globalConditions, rawServices.get(p)!.c ?? {});
    }
    return lookupCondition(globalConditions, lower);
  }

  function resourceType(prefix: string, name: string): ResourceTypeInfo | undefined {
    const s = svc(prefix);
    if (!s) return undefined;
    s.rtByLower ??= new Map(Object.keys(s.raw.r ?? {}).map((n) => [n.toLowerCase(), n]));
    const canon = s.rtByLower.get(name.toLowerCase());
    if (!canon) return undefined;
    const raw = s.raw.r[canon]!;
    return { service: s.prefix, name: canon, arnTemplate: raw[0], conditionKeys: [...(raw[1] ?? [])] };
  }

  function resourceTypesOfArn(arn: string, prefix?: string): ResourceTypeInfo[] {
    const parsed = parseArn(arn);
    if (!parsed) return [];
    const s = svc(prefix ?? parsed.service);
    if (!s) return [];
    if (!s.compiledTemplates) {
      s.compiledTemplates = Object.keys(s.raw.r ?? {})
        .sort(byCodeUnit)
        .map((name) => ({ name, compiled: compileArnTemplate(s.raw.r[name]![0]) }));
    }
    return s.compiledTemplates
      .filter((t) => t.compiled.regex.test(arn))
      .sort(
        (x, y) =>
          y.compiled.literalLength - x.compiled.literalLength ||
          y.compiled.variables.length - x.compiled.variables.length ||
          byCodeUnit(x.name, y.name),
      )
      .map((t) => resourceType(s.prefix, t.name)!);
  }

  function arnFor(prefix: string, rt: string, parts: Record<string, string>): string | undefined {
    const info = resourceType(prefix, rt);
    return info ? fillArnTemplate(info.arnTemplate, parts) : undefined;
  }

  /** Per service: operation name (exact and lower-case) → its frozen action list, built on first use. */
  const opIndexes = new Map<string, { exact: Map<string, readonly OperationAction[]>; lower: Map<string, readonly OperationAction[]> }>();
  function opIndex(p: string) {
    let idx = opIndexes.get(p);
    if (idx) return idx;
    const entry = rawOps.get(p);
    if (typeof entry !== 'object' || entry === null) return undefined;
    idx = { exact: new Map(), lower: new Map() };
    const add = (name: string, list: readonly OperationAction[]) => {
      idx!.exact.set(name, list);
      if (!idx!.lower.has(name.toLowerCase())) idx!.lower.set(name.toLowerCase(), list);
    };
    for (const [name, raw] of Object.entries(entry.ops ?? {})) {
      add(
        name,
        Object.freeze(
          raw.map((e) =>
            Object.freeze(
              typeof e === 'string'
                ? { action: e }
                : {
                    action: e[0],
                    context: Object.freeze(Object.fromEntries(Object.entries(e[1]).map(([k, v]) => [k, Object.freeze([...v])]))),
                  },
            ),
          ) as OperationAction[],
        ),
      );
    }
    for (const name of entry.same ?? []) {
      const a = action(`${p}:${name}`);
      add(name, Object.freeze([Object.freeze({ action: a ? a.id : `${p}:${name}` })]));
    }
    opIndexes.set(p, idx);
    return idx;
  }

  /** Per service: lower-case names of the actions AWS's policy generation identifies from CloudTrail. */
  const pgIndexes = new Map<string, Set<string>>();
  function identifiableFromCloudTrail(actionId: string): boolean {
    const parts = splitId(actionId);
    if (!parts) return false;
    const p = parts[0].toLowerCase();
    let set = pgIndexes.get(p);
    if (!set) {
      const entry = rawOps.get(p);
      set = new Set(typeof entry === 'object' && entry !== null ? (entry.pg ?? []).map((n) => n.toLowerCase()) : []);
      pgIndexes.set(p, set);
    }
    return set.has(parts[1].toLowerCase());
  }

  function operationActions(prefix: string, operation: string): OperationAction[] | undefined {
    const idx = opIndex(prefix.toLowerCase());
    if (!idx) return undefined;
    // Exact name first (CloudTrail uses AWS casing), then case-insensitively. Called once per CloudTrail
    // record, so this is two map lookups; entries are frozen and shared, the array is a fresh copy.
    const list = idx.exact.get(operation) ?? idx.lower.get(operation.toLowerCase());
    return list ? [...list] : undefined;
  }

  const counts = isObject(meta.counts) ? (meta.counts as Record<string, unknown>) : {};
  const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
  const info: CatalogInfo = {
    source: String(meta.source ?? 'unknown'),
    updatedAt: String(meta.updatedAt ?? 'unknown'),
    extraSources: [
      typeof opMeta.source === 'string'
        ? `${opMeta.source}`
        : `AWS Service Reference (operations.json)`,
    ],
    services: num(counts.services) || prefixes.length,
    actions: num(counts.actions),
    resourceTypes: num(counts.resourceTypes),
    conditionKeys: num(counts.conditionKeys),
  };

  return {
    info: () => ({ ...info, extraSources: [...info.extraSources] }),
    services: () => [...prefixes],
    serviceName: (prefix) => {
      const raw = rawServices.get(prefix.toLowerCase());
      return isObject(raw) && typeof raw.n === 'string' ? raw.n : undefined;
    },
    action,
    actionsOf: (prefix) => {
      const s = svc(prefix);
      return s ? s.ids.map((id) => action(id)!) : [];
    },
    expandActionPattern,
    expandNotAction,
    conditionKeyType,
    resourceType,
    resourceTypesOfArn,
    arnFor,
    operationActions,
    identifiableFromCloudTrail,
  };
}
