/**
 * The two published schemas a drift report is checked against: the report's own (docs/drift-report.schema.json,
 * through the validator drift itself uses, core/drift/validate.ts) and the official SARIF 2.1.0 schema
 * (test/fixtures/sarif, OASIS; data/NOTICE).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { driftReportErrors } from '../../src/core/drift/validate.js';
import { REPO_ROOT } from './paths.js';

let sarif: ValidateFunction | undefined;

/**
 * The official SARIF schema is draft-04 (its root says `"id"`); ajv 8 reads draft-06 and later only. Draft-04
 * and draft-07 read every keyword this file uses alike except the root's id (and boolean
 * exclusiveMinimum/Maximum, which the file does not use: checked), so it is compiled as draft-07 with `$id`.
 * Formats (uri, date-time) are not checked: ajv has no format validators without the ajv-formats package.
 */
function sarifValidator(): ValidateFunction {
  if (sarif) return sarif;
  const text = readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8');
  if (/"exclusive(?:Minimum|Maximum)"\s*:\s*(?:true|false)/.test(text)) throw new Error('the SARIF schema uses a draft-04-only keyword: read it as draft-04');
  const { $schema, id, ...schema } = JSON.parse(text) as Record<string, unknown>;
  if ($schema !== 'http://json-schema.org/draft-04/schema#') throw new Error(`unexpected SARIF schema draft ${String($schema)}`);
  sarif = new Ajv({ strict: false, validateFormats: false, allErrors: true }).compile({ $id: id as string, ...schema });
  return sarif;
}

/** The SARIF log's errors against the official schema (empty when valid; at most 10). */
export function sarifSchemaErrors(log: unknown): string[] {
  const v = sarifValidator();
  return v(log) ? [] : (v.errors ?? []).slice(0, 10).map((e) => `${e.instancePath} ${e.message}`);
}

/** The drift report's errors against its published schema (empty when valid), as `instancePath keyword`. */
export function driftReportSchemaErrors(value: unknown): string[] {
  return driftReportErrors(value).map((e) => `${e.instancePath} ${e.keyword}`);
}
