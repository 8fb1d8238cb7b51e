/**
 * S3 delivery layout on disk: folders and files that cannot hold records in the window are pruned before
 * anything inside them is listed or opened. An injected fs records every call to prove it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { nodeTrailFs, readTrail, type TrailFs } from '../../src/adapters/fs/trail-reader.js';
import { formatTrailFileName } from '../../src/core/trail/layout.js';
import { collect, ids, rec } from '../support/reader.js';

let root: string;
const ACCT = '111122223333';

/** Writes one delivered log file: delivered at `delivered`, holding records at the given event times. */
function deliver(base: string, region: string, delivered: string, events: Array<[string, string]>): string {
  const d = new Date(delivered);
  const iso = d.toISOString();
  const dir = join(base, region, iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, formatTrailFileName(ACCT, region, d, `U${iso.slice(11, 13)}${iso.slice(14, 16)}`));
  writeFileSync(file, gzipSync(JSON.stringify({ Records: events.map(([id, t]) => rec(id, t)) })));
  return file;
}

/** An fs that records which paths were listed, stat'ed and opened. */
function spyFs(): { fs: TrailFs; opened: string[]; listed: string[]; statted: string[] } {
  const opened: string[] = [];
  const listed: string[] = [];
  const statted: string[] = [];
  const fs: TrailFs = {
    stat: (p) => (statted.push(p), nodeTrailFs.stat(p)),
    readdir: (p) => (listed.push(p), nodeTrailFs.readdir(p)),
    realpath: (p) => nodeTrailFs.realpath(p),
    open: (p) => (opened.push(p), nodeTrailFs.open(p)),
  };
  return { fs, opened, listed, statted };
}

const rel = (p: string): string => relative(root, p).split(sep).join('/');

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'pt-reader-layout-'));
  const acct = join(root, 'bucket', 'AWSLogs', ACCT, 'CloudTrail');
  const org = join(root, 'org-bucket', 'trail-prefix', 'AWSLogs', 'o-aa11bb22cc', ACCT, 'CloudTrail');
  for (const base of [acct, org]) {
    deliver(base, 'us-east-1', '2025-12-31T10:05:00Z', [['y2025', '2025-12-31T10:01:00Z']]);
    deliver(base, 'us-east-1', '2026-09-30T23:58:00Z', [['sep30', '2026-09-30T23:55:00Z']]);
    deliver(base, 'us-east-1', '2026-10-01T23:59:00Z', [['oct01-late', '2026-10-01T23:54:00Z']]);
    // Delivered 00:01 (so before 00:02), since is 00:03: pruned by its name, though its folder is read.
    deliver(base, 'us-east-1', '2026-10-02T00:01:00Z', [['oct02-0000', '2026-10-02T00:00:30Z']]);
    deliver(base, 'us-east-1', '2026-10-02T00:04:00Z', [
      ['oct01-edge', '2026-10-01T23:59:30Z'], // before since: read (same file) but dropped by its time
      ['oct02-first', '2026-10-02T00:03:30Z'],
    ]);
    deliver(base, 'us-east-1', '2026-10-03T11:00:00Z', [['oct03', '2026-10-03T10:56:00Z']]);
    deliver(base, 'eu-west-1', '2026-10-03T11:30:00Z', [['oct03-eu', '2026-10-03T11:26:00Z']]);
    // Delivered the day after until, holding a record from just before until: must be read.
    deliver(base, 'us-east-1', '2026-10-04T00:09:00Z', [
      ['oct03-last', '2026-10-03T23:59:50Z'],
      ['oct04-early', '2026-10-04T00:01:00Z'],
    ]);
    // Delivered ≥ 24 h after until: its folder (10/05) is pruned.
    deliver(base, 'us-east-1', '2026-10-05T00:00:00Z', [['oct04-late', '2026-10-04T23:56:00Z']]);
    deliver(base, 'us-east-1', '2026-10-07T12:00:00Z', [['oct07', '2026-10-07T11:55:00Z']]);
    deliver(base, 'us-east-1', '2026-11-02T12:00:00Z', [['nov02', '2026-11-02T11:55:00Z']]);
  }
  // Digest files hold no records: skipped, never opened.
  const digest = join(acct, '..', 'CloudTrail-Digest', 'us-east-1', '2026', '10', '02');
  mkdirSync(digest, { recursive: true });
  writeFileSync(join(digest, `${ACCT}_CloudTrail-Digest_us-east-1_x_us-east-1_20261002T0104Z.json.gz`), gzipSync('{}'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const window = { since: new Date('2026-10-02T00:03:00Z'), until: new Date('2026-10-04T00:00:00Z') };

describe.each([
  ['account layout', 'bucket', 'bucket/AWSLogs/111122223333/CloudTrail'],
  ['Organization layout', 'org-bucket', 'org-bucket/trail-prefix/AWSLogs/o-aa11bb22cc/111122223333/CloudTrail'],
])('%s', (_name, top, base) => {
  it('opens only the files that can hold records in the window, and yields exactly the in-window records', async () => {
    const spy = spyFs();
    const read = readTrail([join(root, top)], { window, fs: spy.fs });
    const got = await collect(read);
    expect(got.problems).toEqual([]);
    expect(ids(got)).toEqual(['oct03-eu', 'oct02-first', 'oct03', 'oct03-last']);
    expect(spy.opened.map(rel)).toEqual([
      `${base}/eu-west-1/2026/10/03/${ACCT}_CloudTrail_eu-west-1_20261003T1130Z_U1130.json.gz`,
      `${base}/us-east-1/2026/10/02/${ACCT}_CloudTrail_us-east-1_20261002T0004Z_U0004.json.gz`,
      `${base}/us-east-1/2026/10/03/${ACCT}_CloudTrail_us-east-1_20261003T1100Z_U1100.json.gz`,
      `${base}/us-east-1/2026/10/04/${ACCT}_CloudTrail_us-east-1_20261004T0009Z_U0009.json.gz`,
    ]);
    // Pruned folders were never listed (nor anything inside them stat'ed).
    const listed = spy.listed.map(rel);
    const prunedDirs = ['2025', '2026/09', '2026/10/01', '2026/10/05', '2026/10/07', '2026/11'].map((d) => `us-east-1/${d}`);
    for (const pruned of prunedDirs) {
      expect(listed).not.toContain(`${base}/${pruned}`);
      expect(spy.statted.map(rel).some((p) => p.startsWith(`${base}/${pruned}`))).toBe(false);
    }
    expect(listed).toContain(`${base}/us-east-1/2026/10/04`);
    expect(read.stats).toMatchObject({
      dirsPruned: 6, // 2025, 2026/09, 10/01, 10/05, 10/07, 2026/11
      filesPruned: 1, // delivered 10/02 00:01, before since
      filesSeen: 5, // the 4 read and the 1 pruned by name; files in pruned folders are never seen
      filesRead: 4,
      records: 4,
      recordsOutsideWindow: 2, // oct01-edge, oct04-early
      problems: 0,
    });
  });
});

describe('without a window', () => {
  it('reads every record file and skips the digest folder', async () => {
    const spy = spyFs();
    const read = readTrail([join(root, 'bucket')], { fs: spy.fs });
    const got = await collect(read);
    expect(got.records).toHaveLength(13); // 11 files: two of them hold 2 records
    expect(read.stats.filesRead).toBe(11);
    expect(read.stats.dirsPruned).toBe(0);
    expect(spy.opened.some((p) => p.includes('Digest'))).toBe(false);
    expect(read.stats.filesSkipped).toBe(1);
    expect(read.stats.skippedExamples[0]).toMatch(/CloudTrail-Digest\/$/);
  });
});

describe('an explicitly named day folder outside the window', () => {
  it('is pruned too, and counted', async () => {
    const dir = join(root, 'bucket', 'AWSLogs', ACCT, 'CloudTrail', 'us-east-1', '2026', '10', '07');
    const read = readTrail([dir], { window });
    const got = await collect(read);
    expect(got.records).toEqual([]);
    expect(read.stats.dirsPruned).toBe(1);
  });
});
