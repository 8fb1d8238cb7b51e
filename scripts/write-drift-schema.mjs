#!/usr/bin/env node
// Writes docs/drift-report.schema.json from the schema module of the drift report (src/core/drift/schema.ts),
// so the published schema and the checked one cannot drift apart (test/drift/report-schema.test.ts compares them).
//
//   node scripts/write-drift-schema.mjs           rewrite docs/drift-report.schema.json
//   node scripts/write-drift-schema.mjs --check   exit 1 when the file differs from the module
import { writeSchemaFile } from './schema-file.mjs';

await writeSchemaFile({ module: 'core/drift/schema', exportName: 'DRIFT_REPORT_SCHEMA', target: 'drift-report.schema.json', script: 'scripts/write-drift-schema.mjs' });
