/**
 * Vitest global setup: removes, when the run ends, the cache folder `vitest.config.ts` made for the run (the
 * usage store's default location in the tests and the CLI processes they start), so runs leave no folder behind.
 */
import { rmSync } from 'node:fs';

/** Returns the teardown. */
export default function setup(): () => void {
  const dir = process.env.PT_TEST_CACHE_DIR;
  return () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
}
