/**
 * Every bundled data file is ASCII. Not a style rule: V8 keeps a string with any character above U+00FF in
 * two-byte form, and so does every string sliced or parsed from it. One "…" in the catalog's meta line made
 * all ~22,000 action ids two-byte, and each `toLowerCase` of one took V8's slow ICU path (~4% of the
 * instructions of `suggest` on an `Action: "*"` grant, measured with callgrind; docs/BENCHMARKS.md).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDir } from '../../src/adapters/fs/bundled-data.js';

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return jsonFiles(p);
    return name.endsWith('.json') ? [p] : [];
  });
}

describe('bundled data files', () => {
  const root = dataDir();
  const files = jsonFiles(root);

  it('include the catalog and operations', () => {
    expect(files.map((f) => relative(root, f))).toEqual(expect.arrayContaining([join('iam', 'catalog.json'), join('iam', 'operations.json')]));
  });

  it.each(files.map((f) => [relative(root, f), f]))('%s is ASCII (non-ASCII text is written as a \\u escape)', (_name, file) => {
    const bytes = readFileSync(file);
    const at = bytes.findIndex((b) => b > 0x7f);
    const line = at < 0 ? 0 : bytes.subarray(0, at).toString('latin1').split('\n').length;
    expect(at < 0 ? 'ascii' : `non-ASCII byte at line ${line}`).toBe('ascii');
  });
});
