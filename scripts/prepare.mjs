#!/usr/bin/env node
// `npm prepare`: compile src/ to dist/ when the TypeScript compiler is installed (a clone with `npm ci`, or
// `npm pack`), and do nothing when it is not (`npm ci --omit=dev`: typescript is a dev dependency, so there is
// nothing to build with; a published package already holds dist/).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  console.error('policy-trim prepare: typescript is not installed (npm ci --omit=dev?): dist/ was not built.');
  process.exit(0);
}
const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit' });
process.exit(run.status ?? 1);
