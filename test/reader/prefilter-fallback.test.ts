/**
 * The byte prefilter reads only compact `{"Records":[…]}` documents itself; every other input takes the full
 * path, so its records and problems are exactly what they are without a filter. On a delivery file it does
 * read, the principal's records and the counts are the full path's. Scan worker threads apply it as this thread does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseTrailBuffer } from '../../src/adapters/trail-decode/decode.js';
import { createTrailStats, type TrailItem, type TrailReadStats } from '../../src/adapters/trail-decode/sink.js';
import { principalFilterFor } from '../../src/core/trail/prefilter.js';
import { collectActivity } from '../../src/cli/activity.js';
import { ActivityTally } from '../../src/core/usage/tally.js';
import { loadBundledNormalizer } from '../../src/adapters/fs/bundled-mapping.js';
import { DIST_SCAN_WORKER, DIST_WORKER, ensureBuilt } from '../support/parallel.js';

const ROLE = 'arn:aws:iam::111122223333:role/app-role';

function record(i: number, role: string, region = 'us-east-1'): Record<string, unknown> {
  const name = role.slice(role.lastIndexOf('/') + 1);
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'AssumedRole',
      arn: `arn:aws:sts::111122223333:assumed-role/${name}/fn`,
      accountId: '111122223333',
      sessionContext: { sessionIssuer: { type: 'Role', arn: role, accountId: '111122223333' } },
    },
    eventTime: `2026-10-0${1 + (i % 9)}T10:00:00Z`,
    eventSource: 'sqs.amazonaws.com',
    eventName: 'SendMessage',
    awsRegion: region,
    requestParameters: { queueUrl: `https://sqs.${region}.amazonaws.com/111122223333/q${i}` },
    eventID: `id-${i}`,
  };
}

const mixed = Array.from({ length: 12 }, (_, i) => record(i, i % 3 === 0 ? ROLE : 'arn:aws:iam::111122223333:role/other-role'));
const compact = JSON.stringify({ Records: mixed });
const window = { since: new Date('2026-10-02T00:00:00Z'), until: new Date('2026-10-08T00:00:00Z') };

async function read(bytes: Buffer, filtered: boolean): Promise<{ items: TrailItem[]; stats: TrailReadStats }> {
  const stats = createTrailStats();
  const principalFilter = filtered ? { needles: principalFilterFor([ROLE])!, knownRegions: () => ['us-east-1'] } : undefined;
  const items = await parseTrailBuffer('in.json', bytes, { window, stats, ...(principalFilter ? { principalFilter } : {}) });
  return { items, stats };
}

describe('inputs the prefilter leaves to the full path', () => {
  const cases: Array<[string, Buffer]> = [
    ['pretty-printed records', Buffer.from(JSON.stringify({ Records: mixed }, null, 2))],
    ['a plain document cut short', Buffer.from(compact.slice(0, Math.floor(compact.length * 0.6)))],
    ['a truncated gzip file', gzipSync(compact).subarray(0, 300)],
    ['another key after Records', Buffer.from(`{"Records":${JSON.stringify(mixed)},"Other":1}`)],
    ['records not separated by a comma', Buffer.from(compact.replace('},{"eventVersion"', '}{"eventVersion"'))],
    ['a record starting with another key', Buffer.from(`{"Records":[${JSON.stringify(mixed[0])},${JSON.stringify({ eventID: 'x', ...mixed[3] })}]}`)],
    ['a syntax error in a record of the principal', Buffer.from(compact.replace('"eventName":"SendMessage"', '"eventName":SendMessage'))],
    ['one record per line', Buffer.from(mixed.map((r) => JSON.stringify(r)).join('\n'))],
    ['a bare array', Buffer.from(JSON.stringify(mixed))],
    ['lookup-events output', Buffer.from(JSON.stringify({ Events: mixed.map((r) => ({ EventId: r.eventID, CloudTrailEvent: JSON.stringify(r) })) }))],
    ['an empty Records array', Buffer.from('{"Records":[]}')],
  ];
  for (const [what, bytes] of cases) {
    it(`${what}: the same records, problems and counts as without the filter`, async () => {
      const a = await read(bytes, false);
      const b = await read(bytes, true);
      expect(b.items).toEqual(a.items);
      expect(b.stats).toEqual(a.stats);
      expect(b.stats.recordsUnparsed).toBe(0);
    });
  }
});

describe('a delivery file the prefilter reads', () => {
  it("gives the principal's records as the full path does, and the same counts", async () => {
    for (const bytes of [Buffer.from(compact), gzipSync(compact), Buffer.from(`\ufeff ${compact}\n`)]) {
      const a = await read(bytes, false);
      const b = await read(bytes, true);
      const mine = (items: TrailItem[]) => items.filter((i) => i.kind === 'record' && JSON.stringify(i.record).includes('/app-role"'));
      expect(mine(b.items)).toEqual(mine(a.items));
      expect(b.items.length).toBeLessThan(a.items.length);
      expect([b.stats.records, b.stats.recordsOutsideWindow, b.stats.problems]).toEqual([a.stats.records, a.stats.recordsOutsideWindow, a.stats.problems]);
      expect(b.stats.recordsUnparsed).toBe(a.items.length - b.items.length);
    }
  });
});

describe('worker threads', () => {
  let dir: string;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'prefilter-workers-'));
    // Enough files that each worker reads some after a call in their Region is in its tally (before that all parse).
    for (let f = 0; f < 24; f++) {
      const d = join(dir, `AWSLogs/111122223333/CloudTrail/${f % 2 ? 'eu-west-1' : 'us-east-1'}/2026/10/${String(1 + f).padStart(2, '0')}`);
      mkdirSync(d, { recursive: true });
      const recs = Array.from({ length: 30 }, (_, i) => record(f * 100 + i, i % 5 === 0 ? ROLE : 'arn:aws:iam::111122223333:role/other-role', f % 2 ? 'eu-west-1' : 'us-east-1'));
      writeFileSync(join(d, `111122223333_CloudTrail_us-east-1_202610${String(1 + f).padStart(2, '0')}T1000Z_workerTest${String(f).padStart(4, '0')}.json.gz`), gzipSync(JSON.stringify({ Records: recs })));
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("give the role's usage and the Regions read as the plain read does, and skip records", async () => {
    const w = { since: new Date('2026-10-01T00:00:00Z'), until: new Date('2026-11-01T00:00:00Z') };
    const plain = new ActivityTally(loadBundledNormalizer());
    const ps = await collectActivity([dir], w, plain, { jobs: 2, workerUrl: DIST_WORKER, smallInputBytes: 0 });
    const filtered = new ActivityTally(loadBundledNormalizer());
    const fs = await collectActivity([dir], w, filtered, { jobs: 2, scanWorkerUrl: DIST_SCAN_WORKER, smallInputBytes: 0, principals: ['app-role'] });
    expect(filtered.ledger.usageOf(ROLE)).toEqual(plain.ledger.usageOf(ROLE));
    expect(filtered.ledger.regionsSeen()).toEqual(plain.ledger.regionsSeen());
    expect(fs.records).toBe(ps.records);
    expect(fs.recordsUnparsed).toBeGreaterThan(0);
  });
});
