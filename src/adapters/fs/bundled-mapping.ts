/**
 * Loads the bundled CloudTrail tables (`data/cloudtrail/*.json`) and builds the CloudTrail knowledge and
 * the record normalizer over the bundled IAM catalog. Synchronous and cached per process, like the catalog.
 */

import { loadBundledCatalog, readDataJson } from './bundled-data.js';
import { CLOUDTRAIL_TABLE_FILES, parseCloudTrailTables, type CloudTrailTables } from '../../core/catalog/cloudtrail-tables.js';
import { createEventMapper, type EventMapper } from '../../core/catalog/cloudtrail-mapping.js';
import { createCloudTrailKnowledge } from '../../core/catalog/cloudtrail-knowledge.js';
import type { CloudTrailKnowledge } from '../../core/catalog/cloudtrail-types.js';
import { createNormalizer, type Normalizer } from '../../core/usage/normalize.js';

let tables: CloudTrailTables | undefined;
let mapper: EventMapper | undefined;
let knowledge: CloudTrailKnowledge | undefined;
let normalizer: Normalizer | undefined;

/** The four hand-kept CloudTrail tables, read from `data/cloudtrail/` and shape-checked (cached). */
export function loadBundledCloudTrailTables(): CloudTrailTables {
  tables ??= parseCloudTrailTables({
    eventSources: readDataJson(CLOUDTRAIL_TABLE_FILES.eventSources),
    eventNames: readDataJson(CLOUDTRAIL_TABLE_FILES.eventNames),
    conditional: readDataJson(CLOUDTRAIL_TABLE_FILES.conditional),
    events: readDataJson(CLOUDTRAIL_TABLE_FILES.events),
  });
  return tables;
}

/** The eventSource/eventName resolver over the bundled tables and catalog (cached; shared by the two below). */
export function loadBundledEventMapper(): EventMapper {
  mapper ??= createEventMapper(loadBundledCloudTrailTables(), loadBundledCatalog());
  return mapper;
}

/** What CloudTrail records and misses per IAM action, from the bundled tables (cached). */
export function loadBundledCloudTrailKnowledge(): CloudTrailKnowledge {
  knowledge ??= createCloudTrailKnowledge(loadBundledCloudTrailTables(), loadBundledCatalog(), loadBundledEventMapper());
  return knowledge;
}

/** The record normalizer over the bundled catalog and tables (cached; the function itself is pure). */
export function loadBundledNormalizer(): Normalizer {
  normalizer ??= createNormalizer(loadBundledCatalog(), loadBundledCloudTrailTables(), loadBundledEventMapper());
  return normalizer;
}
