/**
 * A drift report checked against its published schema (schema.ts, `docs/drift-report.schema.json`): what a
 * report read back (`drift --previous-report`) must be before it is compared with, and what the tests hold every
 * written report to. One validator, compiled on first use (ajv, draft 2020-12, strict).
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { DRIFT_REPORT_SCHEMA } from './schema.js';

let compiled: ValidateFunction | undefined;

/** The schema errors of `value` (empty when it is a valid drift report). */
export function driftReportErrors(value: unknown): ErrorObject[] {
  compiled ??= new Ajv2020({ strict: true, strictRequired: true, allErrors: true }).compile(DRIFT_REPORT_SCHEMA);
  return compiled(value) ? [] : [...(compiled.errors ?? [])];
}
