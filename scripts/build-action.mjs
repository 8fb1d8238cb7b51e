#!/usr/bin/env node
/**
 * Builds the GitHub Action's bundle: src/action/main.ts with the whole CLI and every dependency it imports
 * (the AWS SDK clients it loads lazily included) in ONE ES module, action/index.mjs, so that a workflow's
 * `uses: OWNER/policy-trim@v1` runs from the tagged tree with no install step (docs/github-action.md).
 *
 *   node scripts/build-action.mjs [--outfile PATH]
 *
 * The bundle finds the package's data/ as the CLI does, by walking up from its own file
 * (src/adapters/fs/bundled-data.ts): from action/index.mjs that is the repository root's data/. An --outfile
 * elsewhere must also sit one or more levels below a folder holding data/ (tests build into action/ under a
 * temporary name), or be run with POLICY_TRIM_DATA_DIR set.
 *
 * The bundle is not committed on main (.gitignore): scripts/release-action.sh builds it and commits it on the
 * release tag only.
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** `--outfile PATH` (relative to the working directory), else action/index.mjs. */
function outfileArg(argv) {
  const i = argv.indexOf('--outfile');
  if (i === -1) return join(ROOT, 'action', 'index.mjs');
  const v = argv[i + 1];
  if (!v || v.startsWith('--')) throw new Error('--outfile needs a path');
  return resolve(v);
}

/** name@version (license) of each package whose code is in the bundle, for the notice at its end. */
function bundledPackages(metafile) {
  const found = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (!m || found.has(m[1])) continue;
    const dir = input.slice(0, m.index + m[0].length);
    const pkg = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8'));
    found.set(m[1], `${pkg.name}@${pkg.version} (${pkg.license ?? 'license: see the package'})`);
  }
  return [...found.values()].sort();
}

const outfile = outfileArg(process.argv.slice(2));
const result = await build({
  absWorkingDir: ROOT,
  entryPoints: ['src/action/main.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  // The action runs on node24 (action.yml); node20 is the CLI's floor and what the tests run the bundle on.
  target: 'node20',
  // ES module builds of dependencies first (the AWS SDK ships both): fewer CommonJS shims in an ES module.
  mainFields: ['module', 'main'],
  // CommonJS code left in the bundle may call require() for Node built-ins, which an ES module lacks.
  banner: { js: "import { createRequire as __policyTrimCreateRequire } from 'node:module';\nconst require = __policyTrimCreateRequire(import.meta.url);" },
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
});
const notice = bundledPackages(result.metafile);
const { appendFileSync } = await import('node:fs');
appendFileSync(outfile, `\n/*\n * policy-trim's GitHub Action bundle. Packages bundled (their licenses and notices are in node_modules/ of\n * the source tree this was built from):\n${notice.map((p) => ` *   ${p}`).join('\n')}\n */\n`);
process.stdout.write(`built ${relative(process.cwd(), outfile) || outfile} (${notice.length} packages bundled)\n`);
