#!/usr/bin/env node
// Writes docs/drift-report.schema.json from the schema module of the drift report (src/core/drift/schema.ts),
// so the published schema and the checked one cannot drift apart (test/drift/report-schema.test.ts compares them).
//
//   node scripts/write-drift-schema.mjs           rewrite docs/drift-report.schema.json
//   node scripts/write-drift-schema.mjs --check   exit 1 when the file differs from the module
//
// The module is compiled on the fly with the TypeScript compiler (a dev dependency) into a temporary folder:
// Node 20 cannot import .ts, and reading dist/ would publish whatever was last built.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = join(ROOT, 'src', 'core', 'drift', 'schema.ts');
const TARGET = join(ROOT, 'docs', 'drift-report.schema.json');

/** The schema module's DRIFT_REPORT_SCHEMA, compiled from source with its imports. */
async function loadSchema() {
  const out = mkdtempSync(join(tmpdir(), 'policy-trim-drift-schema-'));
  try {
    const program = ts.createProgram([SOURCE], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      rootDir: join(ROOT, 'src'),
      outDir: out,
      skipLibCheck: true,
      types: [],
    });
    const emitted = program.emit();
    if (emitted.emitSkipped) throw new Error(`could not compile ${SOURCE}`);
    // The compiled files are ES modules only if the folder says so (package.json "type").
    writeFileSync(join(out, 'package.json'), '{"type":"module"}\n');
    const module = await import(pathToFileURL(join(out, 'core', 'drift', 'schema.js')).href);
    return module.DRIFT_REPORT_SCHEMA;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const text = JSON.stringify(await loadSchema(), null, 2) + '\n';
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(TARGET, 'utf8');
  } catch {
    // a missing file differs
  }
  if (current !== text) {
    console.error(`${TARGET} differs from src/core/drift/schema.ts: run node scripts/write-drift-schema.mjs`);
    process.exit(1);
  }
  console.log(`${TARGET} is up to date`);
} else {
  writeFileSync(TARGET, text);
  console.log(`wrote ${TARGET}`);
}
