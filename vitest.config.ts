import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start moto servers and CLI processes: give them room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The usage store is on by default for trail buckets and lives under the user's cache folder: the tests (and
    // the CLI processes they start, which inherit this) get a cache folder of their own, never the user's.
    env: { XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'pt-test-cache-')) },
  },
});
