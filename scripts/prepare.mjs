#!/usr/bin/env node
// `npm prepare`: compile src/ to dist/ when the package's own TypeScript compiler is installed (a clone with
// `npm ci`, or `npm pack`), and do nothing when it is not (`npm ci --omit=dev`: typescript is a dev dependency,
// so there is nothing to build with; a published package already holds dist/).
//
// Only <package>/node_modules counts. Node's module lookup would also find a typescript in any folder above
// the package (~/node_modules, /tmp/node_modules, an unrelated project the clone sits in), of whatever
// version: `npm ci --omit=dev` would then build dist/ with a compiler the package did not pin, or fail on it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
if (!existsSync(tsc)) {
  console.error('policy-trim prepare: typescript is not installed (npm ci --omit=dev?): dist/ was not built.');
  process.exit(0);
}
const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
