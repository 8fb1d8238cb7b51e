/**
 * Loads the bundled CloudTrail tables (`data/cloudtrail/*.json`) and builds the CloudTrail knowledge and
 * the record normalizer over the bundled IAM catalog. Synchronous and cached per process, like the catalog.
 */

import { loadBundledCatalog, readDataJson } from './bundled-data.js';
import { CLOUDTRAIL_EVIDENCE_FILES, CLOUDTRAIL_TABLE_FILES, parseCloudTrailTables, type CloudTrailTables } from '../../core/trail/tables.js';
import { parseEvidenceTables } from '../../core/trail/evidence.js';
import { createEventMapper, type EventMapper } from '../../core/trail/event-mapping.js';
import { createCloudTrailKnowledge, type KnowledgeOptions } from '../../core/trail/knowledge.js';
import type { CloudTrailKnowledge } from '../../core/trail/knowledge-types.js';
import { createNormalizer, type Normalizer } from '../../core/trail/normalize.js';

let tables: CloudTrailTables | undefined;
let mapper: EventMapper | undefined;
let knowledge: CloudTrailKnowledge | undefined;
let normalizer: Normalizer | undefined;

/** The hand-kept CloudTrail tables and the evidence files, read from `data/cloudtrail/` and shape-checked (cached). */
export function loadBundledCloudTrailTables(): CloudTrailTables {
  tables ??= {
    ...parseCloudTrailTables({
      eventSources: readDataJson(CLOUDTRAIL_TABLE_FILES.eventSources),
      eventNames: readDataJson(CLOUDTRAIL_TABLE_FILES.eventNames),
      conditional: readDataJson(CLOUDTRAIL_TABLE_FILES.conditional),
      events: readDataJson(CLOUDTRAIL_TABLE_FILES.events),
    }),
    evidence: parseEvidenceTables({
      observability: readDataJson(CLOUDTRAIL_EVIDENCE_FILES.observability),
      observed: readDataJson(CLOUDTRAIL_EVIDENCE_FILES.observed),
      authorizedActions: readDataJson(CLOUDTRAIL_EVIDENCE_FILES.authorizedActions),
    }),
  };
  return tables;
}

/** The eventSource/eventName resolver over the bundled tables and catalog (cached; shared by the two below). */
export function loadBundledEventMapper(): EventMapper {
  mapper ??= createEventMapper(loadBundledCloudTrailTables(), loadBundledCatalog());
  return mapper;
}

/** What CloudTrail records and misses per IAM action, from the bundled tables (cached without options). */
export function loadBundledCloudTrailKnowledge(options?: KnowledgeOptions): CloudTrailKnowledge {
  if (options?.assumeManagementLogged) {
    return createCloudTrailKnowledge(loadBundledCloudTrailTables(), loadBundledCatalog(), loadBundledEventMapper(), options);
  }
  knowledge ??= createCloudTrailKnowledge(loadBundledCloudTrailTables(), loadBundledCatalog(), loadBundledEventMapper());
  return knowledge;
}

/** The record normalizer over the bundled catalog and tables (cached; the function itself is pure). */
export function loadBundledNormalizer(): Normalizer {
  normalizer ??= createNormalizer(loadBundledCatalog(), loadBundledCloudTrailTables(), loadBundledEventMapper());
  return normalizer;
}

/**
 * The bundled normalizer, loaded when its first record comes: a thread that normalizes no record (the main thread
 * while worker threads read; a worker whose files hold none of the principals asked for) never loads the catalog
 * and tables, and one that does loads them while its first files decompress, not before (~0.1–0.25 s of CPU).
 */
export function bundledNormalizerOnFirstUse(): Normalizer {
  return (record, source) => loadBundledNormalizer()(record, source);
}
