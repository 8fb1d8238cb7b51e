// Writes a published JSON Schema from the TypeScript module that holds it, or checks the file is up to date:
// shared by write-config-schema.mjs (.policy-trim.yml) and write-drift-schema.mjs (the drift report).
//
// The module is compiled on the fly with the TypeScript compiler (a dev dependency) into a temporary folder:
// Node 20 cannot import .ts, and reading dist/ would publish whatever was last built.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** `exportName` of `src/<module>.ts`, compiled from source with its imports. */
async function loadSchema(module, exportName) {
  const source = join(ROOT, 'src', `${module}.ts`);
  const out = mkdtempSync(join(tmpdir(), 'policy-trim-schema-'));
  try {
    const program = ts.createProgram([source], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      rootDir: join(ROOT, 'src'),
      outDir: out,
      skipLibCheck: true,
      types: [],
    });
    if (program.emit().emitSkipped) throw new Error(`could not compile ${source}`);
    // The compiled files are ES modules only if the folder says so (package.json "type").
    writeFileSync(join(out, 'package.json'), '{"type":"module"}\n');
    return (await import(pathToFileURL(join(out, `${module}.js`)).href))[exportName];
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * Writes `docs/<target>` from `exportName` of `src/<module>.ts`; with `--check` in argv, exits 1 when the file
 * differs instead. `script` names the command that rewrites it, for the message.
 */
export async function writeSchemaFile({ module, exportName, target, script }) {
  const file = join(ROOT, 'docs', target);
  const text = JSON.stringify(await loadSchema(module, exportName), null, 2) + '\n';
  if (!process.argv.includes('--check')) {
    writeFileSync(file, text);
    console.log(`wrote ${file}`);
    return;
  }
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // a missing file differs
  }
  if (current !== text) {
    console.error(`${file} differs from src/${module}.ts: run node ${script}`);
    process.exit(1);
  }
  console.log(`${file} is up to date`);
}
