import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { readTrail } from '../../src/adapters/fs/trail-reader.js';
import { readTrailObject } from '../../src/adapters/trail-decode/decode.js';
import { createTrailStats } from '../../src/adapters/trail-decode/sink.js';
import { collect, ids, rec } from '../support/reader.js';

const FIX = fileURLToPath(new URL('../fixtures/reader/', import.meta.url));
const f = (name: string): string => join(FIX, name);

describe('readTrail: input formats', () => {
  it.each([
    ['records.json', ['fixture-1', 'fixture-2', 'fixture-3']],
    ['records-pretty.json', ['fixture-4', 'fixture-5']],
    ['records.json.gz', ['fixture-6', 'fixture-7']],
    ['gzip-without-suffix.json', ['fixture-8']],
    ['bare-array.json', ['fixture-9', 'fixture-10', 'fixture-11']],
    ['lines.ndjson', ['fixture-12', 'fixture-13', 'fixture-14', 'fixture-15']],
    ['single-record.json', ['fixture-16']],
    ['lookup-events.json', ['fixture-17']],
  ])('%s yields its records and no problem', async (name, expected) => {
    const read = readTrail([f(name)]);
    const got = await collect(read);
    expect(got.problems).toEqual([]);
    expect(ids(got)).toEqual(expected);
    expect(read.stats.records).toBe(expected.length);
    expect(read.stats.filesRead).toBe(1);
    // Every record names its file and its position.
    for (const [i, r] of got.records.entries()) {
      expect(r.source.file).toBe(f(name));
      expect(r.source.index).toBe(i);
    }
  });

  it('numbers NDJSON records by line', async () => {
    const got = await collect(readTrail([f('lines.ndjson')]));
    expect(got.records.map((r) => r.source.line)).toEqual([1, 2, 3, 4]);
  });

  it('reads a whole directory recursively, in sorted order, skipping non-trail files', async () => {
    const read = readTrail([FIX]);
    const got = await collect(read);
    expect(got.problems).toEqual([]);
    // Sorted by file name: bare-array, gzip-without-suffix, lines.ndjson, lookup-events, records-pretty, records.json, records.json.gz, single-record
    expect(ids(got)).toEqual([
      'fixture-9', 'fixture-10', 'fixture-11', 'fixture-8', 'fixture-12', 'fixture-13', 'fixture-14', 'fixture-15',
      'fixture-17', 'fixture-4', 'fixture-5', 'fixture-1', 'fixture-2', 'fixture-3', 'fixture-6', 'fixture-7', 'fixture-16',
    ]);
    expect(read.stats.filesRead).toBe(8);
    expect(read.stats.filesSkipped).toBe(1); // README.md, never opened: the example says why
    expect(read.stats.skippedExamples).toEqual([`${join(FIX, 'README.md')}: not a CloudTrail file name`]);
  });

  it('the streaming path (files above wholeFileMaxBytes) reads every format the same as the whole-file path', async () => {
    const whole = await collect(readTrail([FIX]));
    const streamed = await collect(readTrail([FIX], { wholeFileMaxBytes: 1 }));
    expect(streamed.problems).toEqual([]);
    expect(streamed.records).toEqual(whole.records);
  });

  it('the per-item and per-batch views give the same items', async () => {
    const a = await collect(readTrail([FIX]));
    const batches: unknown[] = [];
    for await (const b of readTrail([FIX]).batches()) batches.push(...b);
    expect(batches.length).toBe(a.records.length + a.problems.length);
    expect(batches.map((x) => ((x as { record?: { eventID?: string } }).record?.eventID))).toEqual(ids(a));
  });

  it('a read can be iterated only once', async () => {
    const read = readTrail([f('records.json')]);
    await collect(read);
    expect(() => read.batches()).toThrow(/only once/);
  });
});

describe('readTrailObject: Buffers and streams parse like files', () => {
  const doc = JSON.stringify({ Records: [rec('a'), rec('b')] });

  it('parses a plain Buffer', async () => {
    const got = await collect(readTrailObject('s3://b/k.json', Buffer.from(doc)));
    expect(ids(got)).toEqual(['a', 'b']);
    expect(got.records[0].source.file).toBe('s3://b/k.json');
  });

  it('parses a gzip Readable arriving in small chunks', async () => {
    const gz = gzipSync(doc);
    // An empty chunk and a 1-byte chunk first: the gzip magic number arrives split.
    const chunks = [Buffer.alloc(0), gz.subarray(0, 1)];
    for (let i = 1; i < gz.length; i += 7) chunks.push(gz.subarray(i, i + 7));
    const stats = createTrailStats();
    const got = await collect(readTrailObject('s3://b/k.json.gz', Readable.from(chunks), { stats }));
    expect(got.problems).toEqual([]);
    expect(ids(got)).toEqual(['a', 'b']);
    expect(stats.bytesRead).toBe(gz.length);
    expect(stats.records).toBe(2);
  });

  it('parses a multi-line document and NDJSON from a stream', async () => {
    const pretty = JSON.stringify([rec('p1'), rec('p2')], null, 2);
    const byteChunks = (s: string): Buffer[] => {
      const b = Buffer.from(s);
      const out = [];
      for (let i = 0; i < b.length; i += 5) out.push(b.subarray(i, i + 5));
      return out;
    };
    expect(ids(await collect(readTrailObject('pretty', Readable.from(byteChunks(pretty)))))).toEqual(['p1', 'p2']);
    const nd = `${JSON.stringify(rec('n1'))}\n\n${JSON.stringify(rec('n2'))}`; // blank line, no final newline
    const got = await collect(readTrailObject('nd', Readable.from(byteChunks(nd))));
    expect(ids(got)).toEqual(['n1', 'n2']);
    expect(got.records.map((r) => r.source.line)).toEqual([1, 3]);
  });

  it('keeps multi-byte UTF-8 characters split across chunks intact', async () => {
    const r = { ...rec('u'), requestParameters: { key: 'façade/日本語.txt' } };
    const b = Buffer.from(`${JSON.stringify(r)}\n`);
    const chunks = [];
    for (let i = 0; i < b.length; i += 3) chunks.push(b.subarray(i, i + 3));
    const got = await collect(readTrailObject('utf8', Readable.from(chunks)));
    expect((got.records[0].record.requestParameters as { key: string }).key).toBe('façade/日本語.txt');
  });

  it('stopping early releases (destroys) the source stream', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `${JSON.stringify(rec(`s-${i}`))}\n`);
    const src = Readable.from(lines.map((l) => Buffer.from(l)));
    let seen = 0;
    for await (const item of readTrailObject('early', src)) {
      if (item.kind === 'record') seen++;
      break;
    }
    expect(seen).toBe(1);
    expect(src.destroyed).toBe(true);
  });

  it('reports a stream that fails midway, keeping the records read before', async () => {
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.from(`${JSON.stringify(rec('before'))}\n`);
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    }
    const got = await collect(readTrailObject('s3://b/broken', failing()));
    expect(ids(got)).toEqual(['before']);
    expect(got.problems).toHaveLength(1);
    expect(got.problems[0]).toMatchObject({ code: 'read-error', file: 's3://b/broken' });
    expect(got.problems[0].message).toMatch(/ECONNRESET/);
  });
});

describe('time window filtering of records', () => {
  it('drops records outside the window by eventTime, counts them, and passes records without a time', async () => {
    const body = Buffer.from(
      JSON.stringify({
        Records: [
          rec('early', '2026-10-01T23:59:59Z'),
          rec('in', '2026-10-02T00:00:00Z'),
          rec('last', '2026-10-02T23:59:59Z'),
          rec('end', '2026-10-03T00:00:00Z'),
          { eventID: 'no-time', eventName: 'X' },
        ],
      }),
    );
    const stats = createTrailStats();
    const window = { since: new Date('2026-10-02T00:00:00Z'), until: new Date('2026-10-03T00:00:00Z') };
    const got = await collect(readTrailObject('w', body, { window, stats }));
    expect(ids(got)).toEqual(['in', 'last', 'no-time']);
    expect(stats.recordsOutsideWindow).toBe(2);
    // Original array indices are kept for the records that pass.
    expect(got.records.map((r) => r.source.index)).toEqual([1, 2, 4]);
    const all = await collect(readTrailObject('w', body, { window, filterRecords: false }));
    expect(all.records).toHaveLength(5);
  });
});
