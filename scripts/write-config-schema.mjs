#!/usr/bin/env node
// Writes docs/policy-trim.schema.json from the schema module the tool validates with (src/core/config/schema.ts),
// so the published schema and the checked one cannot drift apart (test/config/schema-file.test.ts compares them).
//
//   node scripts/write-config-schema.mjs           rewrite docs/policy-trim.schema.json
//   node scripts/write-config-schema.mjs --check   exit 1 when the file differs from the module
import { writeSchemaFile } from './schema-file.mjs';

await writeSchemaFile({ module: 'core/config/schema', exportName: 'CONFIG_SCHEMA', target: 'policy-trim.schema.json', script: 'scripts/write-config-schema.mjs' });
