/**
 * The usage store's files (`adapters/fs/usage-store.ts`) and `policy-trim store info|prune`: entries read back as
 * written, by two writers sharing a folder too; a store written by a newer format refused with a clear message
 * (by the API and by a command reading through it); a damaged segment skipped with a warning; entries of another
 * version of the tool never used, said by `store info` and dropped by `store prune`, with objects stored again
 * and (with --older-than) old ones.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageStore } from '../../src/adapters/fs/usage-store.js';
import { toolFingerprint } from '../../src/adapters/fs/usage-store-location.js';
import { emptyObjectStats, STORE_FORMAT, StoreFormatError, type StoreEntry } from '../../src/core/store/entry.js';
import { tallyObject } from '../../src/core/store/read-through.js';
import type { ActivityItem } from '../../src/core/ports/activity-source.js';
import type { NormalizeResult } from '../../src/core/usage/types.js';
import { runCli } from '../support/cli.js';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'pt-store-files-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const normalize = (): NormalizeResult => ({ kind: 'ignored', reason: 'service event' });

/** An entry for object `name` whose records fall on October `days` of 2026. */
function entry(name: string, validator: string, days: number[]): StoreEntry {
  const items: ActivityItem[] = days.map((d, i) => ({
    kind: 'record',
    record: { eventID: `${name}-${i}`, recipientAccountId: '1', eventTime: `2026-10-${String(d).padStart(2, '0')}T00:00:00Z` },
    source: { file: name, index: i },
  }));
  return { name, validator, ...tallyObject(items, normalize), stats: { ...emptyObjectStats(), filesRead: 1, records: days.length } };
}

const segments = (d: string) => readdirSync(d).filter((f) => f.endsWith('.pts'));

describe('the usage store folder', () => {
  it('reads back what was written, by two writers sharing the folder', () => {
    const d = join(dir, 'two');
    const a = UsageStore.open(d, 'fp');
    const b = UsageStore.open(d, 'fp');
    a.put(entry('s3://b/k1', 'etag:1', [3]));
    b.put(entry('s3://b/k2', 'etag:2', [4, 5]));
    b.flush();
    a.flush();
    const reopened = UsageStore.open(d, 'fp');
    const got = reopened.get('s3://b/k2', 'etag:2')!;
    expect(got.stats.records).toBe(2);
    expect(got.firstTime).toBe(Date.parse('2026-10-04T00:00:00Z'));
    expect(got.snapshot.ids.length).toBe(10);
    expect(reopened.get('s3://b/k1', 'etag:1')?.name).toBe('s3://b/k1');
    // Another validator is other bytes: not the stored entry.
    expect(reopened.get('s3://b/k1', 'etag:changed')).toBeUndefined();
    expect(segments(d)).toHaveLength(2);
  });

  it('refuses a store written in a newer format, naming the folder and what to do', async () => {
    const d = join(dir, 'newer');
    const s = UsageStore.open(d, toolFingerprint());
    s.put(entry('s3://b/k1', 'etag:1', [3]));
    s.flush();
    const file = join(d, segments(d)[0]!);
    const bytes = readFileSync(file);
    const text = bytes.toString('latin1').replace(`"format":${STORE_FORMAT}`, `"format":${STORE_FORMAT + 1}`);
    writeFileSync(file, Buffer.from(text, 'latin1'));
    expect(() => UsageStore.open(d, toolFingerprint())).toThrow(StoreFormatError);
    expect(() => UsageStore.open(d, toolFingerprint())).toThrow(/written by a newer policy-trim \(store format 2; this version reads format 1/);
    const run = await runCli(['suggest', '--policy', 'examples/orders-api/policies', '--role', 'arn:aws:iam::123456789012:role/orders-api-role', '--trail', 'examples/orders-api/trail', '--store', d]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/newer policy-trim/);
    expect(run.stderr).toMatch(/--no-store/);
  });

  it('skips a damaged segment with a warning: its objects are read again', () => {
    const d = join(dir, 'damaged');
    const s = UsageStore.open(d, 'fp');
    s.put(entry('s3://b/k1', 'etag:1', [3]));
    s.flush();
    const file = join(d, segments(d)[0]!);
    const bytes = readFileSync(file);
    bytes[bytes.length - 40]! ^= 0xff;
    writeFileSync(file, bytes);
    const reopened = UsageStore.open(d, 'fp');
    expect(reopened.warnings.join('\n')).toMatch(/damaged \(its checksum does not match\)/);
    expect(reopened.get('s3://b/k1', 'etag:1')).toBeUndefined();
    expect(reopened.prune().dropped).toBe(0);
    expect(segments(d)).toHaveLength(0);
  });

  it('store info says what is there; store prune drops other versions, superseded and (--older-than) old objects', async () => {
    const d = join(dir, 'prune');
    const old = UsageStore.open(d, 'an older version');
    old.put(entry('s3://b/k0', 'etag:0', [1]));
    old.flush();
    const s = UsageStore.open(d, toolFingerprint());
    s.put(entry('s3://b/k1', 'etag:1', [2]));
    s.put(entry('s3://b/k2', 'etag:2', [20, 21]));
    s.flush();
    s.put(entry('s3://b/k1', 'etag:1b', [2]));
    s.flush();
    // The current version does not use the older one's entry.
    expect(UsageStore.open(d, toolFingerprint()).get('s3://b/k0', 'etag:0')).toBeUndefined();

    const info = await runCli(['store', 'info', '--store', d, '--format', 'json']);
    expect(info.code, info.stderr).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({ dir: d, format: STORE_FORMAT, segments: 3, entries: 2, otherVersion: 1, superseded: 1 });
    const text = await runCli(['store', 'info', '--store', d]);
    expect(text.stdout).toMatch(/2 object\(s\) this version can use, in 3 segment file\(s\)/);
    expect(text.stdout).toMatch(/1 entr\(ies\) written by another version/);

    // Records of k1 are from October 2; k2's from October 20-21. Now: November 23 2026 (runCli's clock).
    const pruned = await runCli(['store', 'prune', '--store', d, '--older-than', '40']);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.stdout).toMatch(/3 entries dropped/);
    const after = UsageStore.open(d, toolFingerprint());
    expect(after.info()).toMatchObject({ segments: 1, entries: 1, otherVersion: 0, superseded: 0 });
    expect(after.get('s3://b/k2', 'etag:2')?.stats.records).toBe(2);
    expect(after.get('s3://b/k1', 'etag:1b')).toBeUndefined();
  });
});
