import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dataDir, readDataJson, readDataText } from '../../src/adapters/fs/bundled-data.js';
import { REPO_ROOT } from '../support/paths.js';

describe('bundled data files', () => {
  const saved = process.env.POLICY_TRIM_DATA_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.POLICY_TRIM_DATA_DIR;
    else process.env.POLICY_TRIM_DATA_DIR = saved;
  });

  it('finds the package data/ directory relative to the module', () => {
    delete process.env.POLICY_TRIM_DATA_DIR;
    expect(dataDir()).toBe(join(REPO_ROOT, 'data'));
    expect((readDataJson('iam/operations.json') as { meta: { snapshotDate: string } }).meta.snapshotDate).toBe('2026-02-13');
  });

  it('honours POLICY_TRIM_DATA_DIR and names the file in read and parse errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-trim-data-'));
    try {
      process.env.POLICY_TRIM_DATA_DIR = dir;
      expect(dataDir()).toBe(dir);
      writeFileSync(join(dir, 'bad.json'), '{"a":');
      expect(readDataText('bad.json')).toBe('{"a":');
      expect(() => readDataJson('bad.json')).toThrow(new RegExp(`${join(dir, 'bad.json').replace(/[.\\/]/g, '\\$&')} is not valid JSON`));
      expect(() => readDataJson('missing.json')).toThrow(/cannot read bundled data file .*missing\.json.*reinstall/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
