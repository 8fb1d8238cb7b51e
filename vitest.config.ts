import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

const cacheDir = mkdtempSync(join(tmpdir(), 'pt-test-cache-'));
process.env.PT_TEST_CACHE_DIR = cacheDir;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start moto servers and CLI processes: give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The usage store is on by default for trail buckets and lives under the user's cache folder: the tests (and
    // the CLI processes they start, which inherit this) get a cache folder of their own, never the user's.
    env: { XDG_CACHE_HOME: cacheDir },
    // Removes that folder when the run ends.
    globalSetup: ['test/support/test-cache.ts'],
  },
});
