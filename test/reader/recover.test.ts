/**
 * Recover what can be recovered (issue 9, item 5): a gzip file with trailing garbage keeps its complete
 * members' records; a truncated plain `.json` keeps its complete records like a truncated `.json.gz`; a
 * large `{"Records":[…]}` document is streamed record by record (no size limit, flat memory).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTrail } from '../../src/adapters/fs/trail-reader.js';
import { parseTrailBuffer, parseTrailStream } from '../../src/adapters/trail-decode/decode.js';
import { createTrailStats, type TrailItem } from '../../src/adapters/trail-decode/sink.js';

const rec = (i: number): Record<string, unknown> => ({
  eventVersion: '1.09',
  eventTime: '2026-10-02T00:00:00Z',
  eventSource: 's3.amazonaws.com',
  eventName: 'GetObject',
  eventID: `id-${i}`,
  requestParameters: { key: `a "quoted" ] } [ { key\\ ${i}` },
});
const doc = (n: number): string => JSON.stringify({ Records: Array.from({ length: n }, (_, i) => rec(i)) });
const records = (items: TrailItem[]) => items.filter((i) => i.kind === 'record').map((i) => (i.record as { eventID: string }).eventID);
const codes = (items: TrailItem[]) => items.filter((i) => i.kind === 'problem').map((i) => (i.kind === 'problem' ? i.problem.code : ''));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pt-recover-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gzip with trailing garbage', () => {
  it('keeps the records of the complete members and reports the garbage', async () => {
    const one = Buffer.concat([gzipSync(doc(3)), Buffer.from('garbage after the member\n')]);
    const items = await parseTrailBuffer('a.json.gz', one);
    expect(records(items)).toEqual(['id-0', 'id-1', 'id-2']);
    expect(codes(items)).toEqual(['gzip-trailing-garbage']);

    const text = doc(4);
    const cut = text.indexOf('},{"eventVersion"', text.length / 2) + 2;
    const two = Buffer.concat([gzipSync(text.slice(0, cut)), gzipSync(text.slice(cut)), Buffer.from([0x1f, 0x8b, 0x63, 0x00])]);
    const items2 = await parseTrailBuffer('b.json.gz', two);
    expect(records(items2)).toEqual(['id-0', 'id-1', 'id-2', 'id-3']);
    expect(codes(items2)).toEqual(['gzip-trailing-garbage']);
  });

  it('still refuses a file whose first member is corrupt', async () => {
    const gz = gzipSync(doc(3));
    gz[20] ^= 0xff;
    expect(codes(await parseTrailBuffer('c.json.gz', gz))).toEqual(['gzip-corrupt']);
  });
});

describe('a truncated document', () => {
  it('plain .json salvages the complete records before the cut, like .json.gz', async () => {
    const text = doc(5);
    const cut = text.slice(0, text.indexOf('"id-3"') + 3);
    const plain = await parseTrailBuffer('cut.json', Buffer.from(cut));
    const gz = await parseTrailBuffer('cut.json.gz', gzipSync(cut));
    expect(records(plain)).toEqual(['id-0', 'id-1', 'id-2']);
    expect(records(gz)).toEqual(records(plain));
    expect(codes(plain)).toEqual(['truncated']);
  });

  it('a document broken in the middle (its array closes) is still not JSON, nothing salvaged', async () => {
    const text = doc(3).replace('},{', '},x{');
    const items = await parseTrailBuffer('bad.json', Buffer.from(text));
    expect(records(items)).toEqual([]);
    expect(codes(items)).toEqual(['not-json']);
  });
});

describe('a large {"Records":[…]} document is streamed record by record', () => {
  const streamed = async (body: Buffer, streamBytes: number, chunk = 7919) => {
    const parts: Buffer[] = [];
    for (let i = 0; i < body.length; i += chunk) parts.push(body.subarray(i, i + chunk));
    const items: TrailItem[] = [];
    const stats = createTrailStats();
    for await (const batch of parseTrailStream('big.json', Readable.from(parts), { stats, streamDocumentBytes: streamBytes })) items.push(...batch);
    return { items, stats };
  };

  it('yields every record in order, plain or gzip, compact or pretty-printed, in any chunking', async () => {
    const n = 3000;
    const want = Array.from({ length: n }, (_, i) => `id-${i}`);
    const compact = Buffer.from(doc(n));
    const pretty = Buffer.from(JSON.stringify({ Records: Array.from({ length: n }, (_, i) => rec(i)) }, null, 2));
    for (const body of [compact, pretty, gzipSync(compact), Buffer.from(JSON.stringify(Array.from({ length: n }, (_, i) => rec(i))))]) {
      for (const chunk of [1, 4096, 1 << 20]) {
        if (chunk === 1 && body.length > 200_000) continue;
        const { items, stats } = await streamed(body, 64 * 1024, chunk);
        expect(records(items)).toEqual(want);
        expect(codes(items)).toEqual([]);
        expect(stats.records).toBe(n);
      }
    }
  });

  it('a streamed document cut short keeps its complete records and reports the cut', async () => {
    const text = doc(3000);
    const cut = Buffer.from(text.slice(0, text.indexOf('"id-2500"') + 3));
    const { items } = await streamed(cut, 64 * 1024);
    expect(records(items)).toHaveLength(2500);
    expect(codes(items)).toEqual(['truncated']);
  });

  it('readTrail streams a file above the whole-file size and gives what reading it whole gives', async () => {
    const file = join(dir, 'big.json');
    writeFileSync(file, doc(5000));
    const read = async (wholeFileMaxBytes: number) => {
      const items: TrailItem[] = [];
      for await (const b of readTrail([file], { wholeFileMaxBytes }).batches()) items.push(...b);
      return items;
    };
    const whole = await read(1 << 30);
    const stream = await read(1024);
    expect(records(stream)).toEqual(records(whole));
    expect(records(stream)).toHaveLength(5000);
  });
});
