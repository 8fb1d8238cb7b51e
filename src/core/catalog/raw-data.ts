/**
 * The raw shapes of `data/iam/catalog.json` and `data/iam/operations.json` (written by
 * `scripts/build-catalog.mjs`; their `meta.format` describes them) and the lazy reading of their `services`
 * sections, so loading a catalog costs a file read and a split, not a 2 MB `JSON.parse`.
 */

import type { AccessLevel } from './types.js';
import { BUNDLED_DATA_HINT, PolicyTrimError } from '../errors.js';

/** `[levelCode, resourceTypes ("name*" = required)?, conditionKeys?]` */
export type RawAction = [string, string[]?, string[]?];
/** `[arnTemplate, conditionKeys?]` */
export type RawResourceType = [string, string[]?];
/** One service of `catalog.json`: name, actions, resource types, condition keys (key → type). */
export interface RawService {
  n?: string;
  a: Record<string, RawAction>;
  r: Record<string, RawResourceType>;
  c: Record<string, string>;
}
/** An operation's actions: a name, or a name and the request context it adds. */
export type RawOperationEntry = string | [string, Record<string, string[]>];
/** One service of `operations.json`. */
export interface RawOperations {
  ops?: Record<string, RawOperationEntry[]>;
  same?: string[];
  /** Actions IAM Access Analyzer policy generation identifies from CloudTrail (Service Reference SupportedBy). */
  pg?: string[];
}

/** Access level codes of `RawAction[0]`. */
export const LEVELS: Readonly<Record<string, AccessLevel>> = {
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

/** A plain object (not an array, not null). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own property only, so `__proto__` or `constructor` never resolve to Object.prototype members. */
export function own<T>(obj: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/** Compares strings by UTF-16 code units (locale-independent, so output is deterministic everywhere). */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A keyed section of a data file (`services`), read lazily: `get` parses an entry on first use.
 * Lets the line-per-service files be loaded without parsing services nobody asks about.
 */
export interface LazySection<T> {
  keys: string[];
  get(key: string): T | undefined;
  /**
   * The entry as `get` gives it, without keeping a parse: for a one-off look at a part of every entry (policy
   * generation's names of each service's operations, for a `*` grant), which `get` would keep alive whole.
   * Read only: the value may be `get`'s.
   */
  peek(key: string): T | undefined;
}

/** A section over an already-parsed object. */
export function sectionFromObject<T>(obj: Record<string, T>): LazySection<T> {
  return { keys: Object.keys(obj).sort(byCodeUnit), get: (k) => own(obj, k), peek: (k) => own(obj, k) };
}

/**
 * Splits text written by scripts/build-catalog.mjs (`{"meta":…,` / `"services":{` / one `"key":{…},` line
 * per entry / `}}`) into its meta and a lazily parsed section. Undefined when the text has another layout
 * (e.g. reformatted by hand): the caller then parses it whole.
 */
export function sectionFromLines<T>(
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
  return { meta, section: lineSection<T>(lines, at, file) };
}

/** The section whose entry `key` is the JSON after `"key":` on line `at.get(key)`, parsed once on first use. */
function lineSection<T>(lines: string[], at: Map<string, number>, file: string): LazySection<T> {
  const cache = new Map<string, T>();
  const parse = (key: string): T | undefined => {
    const i = at.get(key);
    if (i === undefined) return undefined;
    const line = lines[i]!;
    const body = line.slice(line.indexOf('":') + 2, line.endsWith(',') ? -1 : undefined);
    try {
      return JSON.parse(body) as T;
    } catch (e) {
      throw new CatalogDataError(`${file} line ${i + 1} ("${key}"): ${(e as Error).message}`);
    }
  };
  return {
    keys: [...at.keys()].sort(byCodeUnit),
    get(key) {
      const hit = cache.get(key);
      if (hit !== undefined) return hit;
      const value = parse(key);
      if (value !== undefined) cache.set(key, value);
      return value;
    },
    peek: (key) => cache.get(key) ?? parse(key),
  };
}
