/**
 * Golden files: compare a renderer's or a command's output with the file kept in the repository. Under
 * `UPDATE_GOLDEN=1` the file is (re)written first, so the run passes and the diff is reviewed by hand.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect } from 'vitest';

/** True when the run should rewrite the golden files (`UPDATE_GOLDEN=1`). */
export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';

/** Expects `actual` to equal the golden file at `path` (written first under `UPDATE_GOLDEN=1`). */
export function expectGolden(path: string, actual: string): void {
  if (UPDATE_GOLDEN) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
  }
  expect(existsSync(path), `${path} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}
