/**
 * The bundled IAM catalog: pure queries over the already-parsed `data/iam/catalog.json` and
 * `data/iam/operations.json` (both written by `scripts/build-catalog.mjs`; their `meta.format` describes
 * the shapes). Indexes are built lazily, per service; with `createCatalogFromText` even the JSON of a
 * service is parsed only when a query first needs it, so loading costs a file read and a split.
 *
 * The queries live in their own modules: `actions.ts` (services, actions, pattern expansion),
 * `resource-types.ts`, `condition-keys.ts`, `operations.ts`; `raw-data.ts` holds the data's shapes.
 */

import type { Catalog, CatalogInfo } from './types.js';
import { createActionQueries, createServices } from './actions.js';
import { createConditionKeyType } from './condition-keys.js';
import { createOperationQueries } from './operations.js';
import {
  CatalogDataError,
  isObject,
  sectionFromLines,
  sectionFromObject,
  type LazySection,
  type RawOperations,
  type RawService,
} from './raw-data.js';
import { createResourceTypeQueries } from './resource-types.js';

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

/** The Catalog over the two files' sections: the query modules, wired to one set of service indexes. */
function buildCatalog(
  meta: Record<string, unknown>,
  rawServices: LazySection<RawService>,
  opMeta: Record<string, unknown>,
  rawOps: LazySection<RawOperations>,
): Catalog {
  const prefixes = rawServices.keys;
  const services = createServices(rawServices);
  const actions = createActionQueries(services);
  const resourceTypes = createResourceTypeQueries(services);
  const operations = createOperationQueries(rawOps, actions);
  const info = catalogInfo(meta, opMeta, prefixes.length);
  return {
    info: () => ({ ...info, extraSources: [...info.extraSources] }),
    services: () => [...prefixes],
    serviceName: (prefix) => {
      const raw = rawServices.get(prefix.toLowerCase());
      return isObject(raw) && typeof raw.n === 'string' ? raw.n : undefined;
    },
    action: actions.action,
    actionsOf: actions.actionsOf,
    expandActionPattern: actions.expandActionPattern,
    expandNotAction: actions.expandNotAction,
    conditionKeyType: createConditionKeyType(services, rawServices),
    resourceType: resourceTypes.resourceType,
    resourceTypesOfArn: resourceTypes.resourceTypesOfArn,
    arnFor: resourceTypes.arnFor,
    operationActions: operations.operationActions,
    identifiableFromCloudTrail: operations.identifiableFromCloudTrail,
  };
}

/** The catalog's provenance and counts, from the two files' `meta`. */
function catalogInfo(meta: Record<string, unknown>, opMeta: Record<string, unknown>, serviceCount: number): CatalogInfo {
  const counts = isObject(meta.counts) ? (meta.counts as Record<string, unknown>) : {};
  const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
  return {
    source: String(meta.source ?? 'unknown'),
    updatedAt: String(meta.updatedAt ?? 'unknown'),
    extraSources: [typeof opMeta.source === 'string' ? `${opMeta.source}` : `AWS Service Reference (operations.json)`],
    services: num(counts.services) || serviceCount,
    actions: num(counts.actions),
    resourceTypes: num(counts.resourceTypes),
    conditionKeys: num(counts.conditionKeys),
  };
}
