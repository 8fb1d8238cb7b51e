/**
 * Loads the bundled AWS SAM policy templates (`data/sam/policy-templates.json`, see `data/NOTICE`) once per
 * process, shape-checked by the core (`core/iac/sam-templates.ts`). Synchronous and cached, like the catalog:
 * the file is small (about 40 kB) and only `pr` needs it, so it is read on first use rather than at start-up.
 */

import { readDataJson } from './bundled-data.js';
import { parseSamTemplates, SAM_TEMPLATES_FILE, type SamTemplates } from '../../core/iac/sam-templates.js';

let cached: SamTemplates | undefined;

/** The published SAM policy templates policy-trim expands (cached); BundledDataError when the file is damaged. */
export function loadBundledSamTemplates(): SamTemplates {
  cached ??= parseSamTemplates(readDataJson(SAM_TEMPLATES_FILE), `data/${SAM_TEMPLATES_FILE}`);
  return cached;
}
