/**
 * Bad input never stops the run: each case is reported with its file and position and a sentence saying what to
 * do, and the records of the good file beside it still come through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readTrail } from '../../src/adapters/fs/trail-reader.js';
import { readTrailObject } from '../../src/adapters/trail-decode/decode.js';
import { collect, ids, rec } from '../support/reader.js';

let dir: string;
const good = (): string => join(dir, 'good.json');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pt-reader-bad-'));
  writeFileSync(good(), JSON.stringify({ Records: [rec('good-1'), rec('good-2')] }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A record with 300 pseudo-random hex digits, so gzip cannot compress it away and a cut lands mid-file. */
function noisyRec(id: string, seed: number): Record<string, unknown> {
  let x = seed * 2654435761 + 1;
  let noise = '';
  for (let i = 0; i < 300; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    noise += (x >>> 16).toString(16).slice(-1);
  }
  return { ...rec(id), requestParameters: { noise } };
}

/** Writes `content` as `name`, reads it together with the good file, and returns what came out. */
async function readWithGood(name: string, content: string | Buffer) {
  const bad = join(dir, name);
  writeFileSync(bad, content);
  const read = readTrail([bad, good()]);
  const got = await collect(read);
  // The good file's records always come through, after the bad file.
  expect(ids(got).slice(-2)).toEqual(['good-1', 'good-2']);
  return { got, stats: read.stats, bad };
}

describe('bad input is reported and the rest is read', () => {
  it('truncated gzip: complete records before the cut are used, the file is reported', async () => {
    const records = Array.from({ length: 50 }, (_, i) => noisyRec(`t-${i}`, i));
    const gz = gzipSync(JSON.stringify({ Records: records }));
    const { got, stats, bad } = await readWithGood('cut.json.gz', gz.subarray(0, Math.floor(gz.length * 0.6)));
    const salvaged = ids(got).filter((id) => id.startsWith('t-'));
    // Some but not all records were recovered, in order, from the start of the file.
    expect(salvaged.length).toBeGreaterThan(0);
    expect(salvaged.length).toBeLessThan(50);
    expect(salvaged).toEqual(records.slice(0, salvaged.length).map((r) => r.eventID));
    expect(got.problems).toHaveLength(1);
    const p = got.problems[0];
    expect(p).toMatchObject({ code: 'gzip-truncated', file: bad });
    expect(p.position).toMatch(/character \d+/);
    expect(p.message).toContain(`${salvaged.length} complete record(s)`);
    expect(p.message).toMatch(/Fetch the file again/);
    expect(stats.problemsByCode['gzip-truncated']).toBe(1);
  });

  it('truncated gzip of NDJSON: complete lines are used, the cut line is reported', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => JSON.stringify(noisyRec(`l-${i}`, i))).join('\n');
    const gz = gzipSync(lines);
    const bad = join(dir, 'cut.ndjson.gz');
    writeFileSync(bad, gz.subarray(0, Math.floor(gz.length * 0.5)));
    // A small wholeFileMaxBytes forces the streaming path for this file.
    const got = await collect(readTrail([bad, good()], { wholeFileMaxBytes: 16 }));
    const salvaged = ids(got).filter((id) => id.startsWith('l-'));
    expect(salvaged.length).toBeGreaterThan(0);
    expect(salvaged.length).toBeLessThan(40);
    expect(got.problems).toHaveLength(1);
    expect(got.problems[0]).toMatchObject({ code: 'gzip-truncated', file: bad, position: `line ${salvaged.length + 1}` });
    expect(ids(got).slice(-2)).toEqual(['good-1', 'good-2']);
  });

  it('gzip with a damaged body: reported as corrupt, none of its records used', async () => {
    const gz = Buffer.from(gzipSync(JSON.stringify({ Records: [rec('x')] })));
    gz[gz.length - 6] ^= 0xff; // flip bits in the CRC/size trailer
    const { got, bad } = await readWithGood('corrupt.json.gz', gz);
    expect(ids(got)).toEqual(['good-1', 'good-2']);
    expect(got.problems).toHaveLength(1);
    expect(got.problems[0]).toMatchObject({ code: 'gzip-corrupt', file: bad });
  });

  it('a file that is not JSON', async () => {
    const { got, bad } = await readWithGood('notes.json', 'this is not json\n');
    expect(got.problems).toEqual([
      expect.objectContaining({ code: 'not-json', file: bad, position: 'line 1, column 1' }),
    ]);
    expect(got.problems[0].message).toMatch(/Check that this is a CloudTrail log/);
  });

  it('broken JSON: the position of the error is given as line and column', async () => {
    const text = '{\n  "Records": [\n    {"eventID": "a",}\n  ]\n}\n';
    const { got, bad } = await readWithGood('broken.json', text);
    expect(got.problems).toHaveLength(1);
    expect(got.problems[0]).toMatchObject({ code: 'not-json', file: bad, position: 'line 3, column 21' });
    expect(got.problems[0].message).toMatch(/none of its records were read/);
  });

  it('JSON that is not CloudTrail: {"foo":1}', async () => {
    const { got, bad } = await readWithGood('foo.json', '{"foo":1}');
    expect(got.problems).toHaveLength(1);
    expect(got.problems[0]).toMatchObject({ code: 'not-cloudtrail', file: bad });
    expect(got.problems[0].message).toMatch(/keys: foo/);
  });

  it('JSON that is not CloudTrail: an array of numbers', async () => {
    const { got, stats, bad } = await readWithGood('numbers.json', '[1, 2, 3]');
    expect(got.problems).toHaveLength(1);
    expect(got.problems[0]).toMatchObject({ code: 'not-cloudtrail', file: bad });
    expect(got.problems[0].message).toMatch(/3 value\(s\) \(number\)/);
    expect(stats.recordsSkipped).toBe(3);
  });

  it('"Records" that is not an array', async () => {
    const { got } = await readWithGood('records-obj.json', '{"Records": {"a": 1}}');
    expect(got.problems).toEqual([expect.objectContaining({ code: 'not-cloudtrail' })]);
  });

  it('an array element that is not an object is a problem with its index; the others are records', async () => {
    const { got, stats, bad } = await readWithGood(
      'mixed.json',
      JSON.stringify({ Records: [rec('m-0'), 42, rec('m-2'), null] }),
    );
    expect(ids(got)).toEqual(['m-0', 'm-2', 'good-1', 'good-2']);
    expect(got.records[1].source.index).toBe(2);
    expect(got.problems).toEqual([
      expect.objectContaining({ code: 'not-a-record', file: bad, position: 'record 1' }),
      expect.objectContaining({ code: 'not-a-record', file: bad, position: 'record 3' }),
    ]);
    expect(stats.recordsSkipped).toBe(2);
  });

  it('NDJSON with a bad line: that line is reported by number, the other lines are records', async () => {
    const text = [JSON.stringify(rec('n-1')), '{"eventID": "oops",', JSON.stringify(rec('n-3')), '{"foo": 1}'].join('\n');
    const { got, bad } = await readWithGood('bad-line.ndjson', text);
    expect(ids(got)).toEqual(['n-1', 'n-3', 'good-1', 'good-2']);
    expect(got.records.slice(0, 2).map((r) => r.source.line)).toEqual([1, 3]);
    expect(got.problems).toEqual([
      expect.objectContaining({ code: 'not-json', file: bad, position: expect.stringMatching(/^line 2\b/) }),
      expect.objectContaining({ code: 'not-cloudtrail', file: bad, position: 'line 4' }),
    ]);
  });

  it('an empty file, and a whitespace-only file', async () => {
    for (const [name, content] of [['empty.json', ''], ['blank.json', '  \n\n']] as const) {
      const { got, bad } = await readWithGood(name, content);
      expect(got.problems).toEqual([expect.objectContaining({ code: 'empty-file', file: bad })]);
      expect(got.problems[0].message).toMatch(/holds no records/);
    }
  });

  it('an empty gzip file', async () => {
    const { got, bad } = await readWithGood('empty.json.gz', gzipSync(''));
    expect(got.problems).toEqual([expect.objectContaining({ code: 'empty-file', file: bad })]);
  });

  it('a nonexistent path: an error naming it', async () => {
    const missing = join(dir, 'no-such-dir', 'x.json');
    const read = readTrail([missing, good()]);
    const got = await collect(read);
    expect(ids(got)).toEqual(['good-1', 'good-2']);
    expect(got.problems).toHaveLength(1);
    expect(got.problems[0]).toMatchObject({ code: 'not-found', file: missing });
    expect(got.problems[0].message).toContain(missing);
    expect(got.problems[0].message).toMatch(/Check the path/);
    expect(read.stats.problems).toBe(1);
  });

  const root = process.getuid?.() === 0;
  it.skipIf(root)('an unreadable file: permission denied, named', async () => {
    const locked = join(dir, 'locked.json');
    writeFileSync(locked, JSON.stringify([rec('secret')]));
    chmodSync(locked, 0o000);
    try {
      const got = await collect(readTrail([locked, good()]));
      expect(ids(got)).toEqual(['good-1', 'good-2']);
      expect(got.problems).toEqual([expect.objectContaining({ code: 'unreadable', file: locked })]);
      expect(got.problems[0].message).toMatch(/permission denied/);
    } finally {
      chmodSync(locked, 0o644);
    }
  });

  it('an unreadable file (permission error injected through the fs hook, so it also runs as root)', async () => {
    const locked = join(dir, 'locked2.json');
    writeFileSync(locked, JSON.stringify([rec('secret')]));
    const { nodeTrailFs } = await import('../../src/adapters/fs/trail-reader.js');
    const fs = {
      ...nodeTrailFs,
      open: (p: string) =>
        p === locked
          ? Promise.reject(Object.assign(new Error(`EACCES: permission denied, open '${p}'`), { code: 'EACCES' }))
          : nodeTrailFs.open(p),
    };
    const got = await collect(readTrail([locked, good()], { fs }));
    expect(ids(got)).toEqual(['good-1', 'good-2']);
    expect(got.problems).toEqual([expect.objectContaining({ code: 'unreadable', file: locked })]);
    expect(got.problems[0].message).toMatch(/permission denied \(EACCES\)/);
  });

  it('caps the problems listed per file and counts the rest', async () => {
    const arr = [rec('keep'), ...Array.from({ length: 250 }, () => 7)];
    const got = await collect(readTrailObject('many', Buffer.from(JSON.stringify(arr)), { maxProblemsPerFile: 10 }));
    expect(ids(got)).toEqual(['keep']);
    expect(got.problems).toHaveLength(11);
    expect(got.problems[10]).toMatchObject({ code: 'more-problems', file: 'many' });
    expect(got.problems[10].message).toMatch(/^240 more problem/);
  });

  it('a file that is binary but not gzip', async () => {
    const { got } = await readWithGood('binary.json', Buffer.from([0x00, 0x01, 0x02, 0x03, 0xfe]));
    expect(got.problems).toEqual([expect.objectContaining({ code: 'not-json' })]);
    expect(got.problems[0].message).toMatch(/looks binary/);
  });
});
