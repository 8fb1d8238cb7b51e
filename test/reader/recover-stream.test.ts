/**
 * A streamed gzip (a file over the whole-buffer size, an S3 object body) whose last complete member is followed by
 * bytes that are not gzip: every record the members hold is read and the garbage reported, as zcat does — not
 * the whole file called corrupt, and not called truncated. A streamed gzip must give what the same bytes give
 * read whole (`parseTrailBuffer`), whatever the chunking: garbage that starts like a member (1f 8b), a member
 * cut short, zero padding.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTrail } from '../../src/adapters/fs/trail-reader.js';
import { parseTrailBuffer, parseTrailStream, readTrailObject } from '../../src/adapters/trail-decode/decode.js';
import { createTrailStats, type TrailItem } from '../../src/adapters/trail-decode/sink.js';

const record = (i: number) => ({ eventVersion: '1.08', eventID: `e-${i}`, eventTime: '2026-10-10T10:00:00Z', eventSource: 'sqs.amazonaws.com', eventName: 'SendMessage' });
const docText = (n: number) => Buffer.from(JSON.stringify({ Records: Array.from({ length: n }, (_, i) => record(i)) }));
const codesOf = (items: TrailItem[]) => items.flatMap((i) => (i.kind === 'problem' ? [i.problem.code] : []));
const idsOf = (items: TrailItem[]) => items.flatMap((i) => (i.kind === 'record' ? [(i.record as { eventID: string }).eventID] : []));

/** `text` split into `k` gzip members of about equal size. */
function members(text: Buffer, k: number, level = 6): Buffer[] {
  const part = Math.ceil(text.length / k);
  return Array.from({ length: k }, (_, j) => gzipSync(text.subarray(j * part, (j + 1) * part), { level }));
}

/** Deterministic bytes that look random (a small LCG), for garbage. */
function noise(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

async function read(body: Buffer, chunk: number, streamDocumentBytes = 4096): Promise<TrailItem[]> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < body.length; i += chunk) chunks.push(body.subarray(i, i + chunk));
  const items: TrailItem[] = [];
  for await (const batch of parseTrailStream('big.json.gz', Readable.from(chunks), { stats: createTrailStats(), streamDocumentBytes })) items.push(...batch);
  return items;
}

/** What the same bytes give read whole (the reference the stream must match). */
async function whole(body: Buffer): Promise<{ ids: string[]; codes: string[] }> {
  const items = await parseTrailBuffer('big.json.gz', body);
  return { ids: idsOf(items), codes: codesOf(items) };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pt-recover-stream-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a streamed gzip with trailing garbage', () => {
  it('keeps every record of the complete members and reports only the garbage', async () => {
    // Given one {"Records":[…]} document split over three gzip members, then 23 bytes that are not gzip
    const body = Buffer.concat([...members(docText(600), 3), Buffer.from('garbage garbage garbage')]);
    for (const chunk of [1, 1000, 1 << 20]) {
      // When it is streamed in chunks of any size
      const items = await read(body, chunk);
      // Then every record comes through, the garbage is reported, and the file is neither corrupt nor truncated
      expect(idsOf(items)).toHaveLength(600);
      expect(codesOf(items)).toEqual(['gzip-trailing-garbage']);
    }
  });

  it('a large local file read as a stream keeps all 36,000 records', async () => {
    // Given a 36,000-record trail file in three members with garbage after them, over the whole-file size
    const file = join(dir, 'garbage.json.gz');
    writeFileSync(file, Buffer.concat([...members(docText(36_000), 3), Buffer.from('not gzip at all\n')]));
    // When readTrail streams it
    const items: TrailItem[] = [];
    for await (const b of readTrail([file], { wholeFileMaxBytes: 1024 }).batches()) items.push(...b);
    // Then no record is lost and nothing says truncated
    expect(idsOf(items)).toHaveLength(36_000);
    expect(codesOf(items)).toEqual(['gzip-trailing-garbage']);
  });

  it('an S3 object body over the collect size (streamed) keeps every record', async () => {
    // Given a body over 16 MiB (stored, uncompressed gzip members: fast to build) with garbage after it
    const big = (i: number) => ({ ...record(i), requestParameters: { messageBody: 'x'.repeat(4096) } });
    const text = Buffer.from(JSON.stringify({ Records: Array.from({ length: 4200 }, (_, i) => big(i)) }));
    expect(text.length).toBeGreaterThan(16 * 1024 * 1024);
    const body = Buffer.concat([...members(text, 2, 0), Buffer.from('garbage')]);
    const chunks: Buffer[] = [];
    for (let i = 0; i < body.length; i += 64 * 1024) chunks.push(body.subarray(i, i + 64 * 1024));
    // When it is read as the S3 adapter reads an object
    const items: TrailItem[] = [];
    for await (const item of readTrailObject('s3://b/k.json.gz', Readable.from(chunks))) items.push(item);
    // Then every record comes through
    expect(idsOf(items)).toHaveLength(4200);
    expect(codesOf(items)).toEqual(['gzip-trailing-garbage']);
  }, 60_000);

  it('garbage that starts with the gzip magic bytes but is no valid member is trailing garbage, as read whole', async () => {
    const heads = [
      Buffer.from([0x1f, 0x8b, 0x63, 0x00]), // unknown compression method
      Buffer.from([0x1f, 0x8b, 0x08, 0xe0, 0, 0, 0, 0, 0, 3]), // reserved flags
      Buffer.from([0x1f, 0x8b, 0x08, 0x02, 0, 0, 0, 0, 0, 3, 0x12, 0x34]), // header CRC that does not match
    ];
    // a valid header followed by bytes that are not deflate data (several kinds of noise)
    for (let seed = 1; seed <= 12; seed++) heads.push(Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3]), noise(4000, seed)]));
    for (const garbage of heads) {
      const body = Buffer.concat([...members(docText(600), 3), garbage]);
      const ref = await whole(body);
      expect(ref.ids).toHaveLength(600);
      expect(ref.codes).toEqual(['gzip-trailing-garbage']);
      for (const chunk of [13, 1000]) {
        const items = await read(body, chunk);
        expect({ ids: idsOf(items), codes: codesOf(items) }).toEqual(ref);
      }
    }
  });

  it('a member whose deflate data ends but whose CRC does not match is garbage after complete members', async () => {
    const bad = gzipSync(Buffer.from('{"not":"a record"}'));
    bad[bad.length - 8] ^= 0xff;
    const body = Buffer.concat([...members(docText(600), 3), bad]);
    const items = await read(body, 333);
    expect(idsOf(items)).toHaveLength(600);
    expect(codesOf(items)).toEqual(['gzip-trailing-garbage']);
  });

  it('zero padding after the last member is not garbage', async () => {
    const body = Buffer.concat([...members(docText(600), 3), Buffer.alloc(4096)]);
    expect((await whole(body)).codes).toEqual([]);
    const items = await read(body, 999);
    expect(idsOf(items)).toHaveLength(600);
    expect(codesOf(items)).toEqual([]);
  });

  it('damage inside the only member is not trailing garbage', async () => {
    const gz = gzipSync(docText(300));
    gz[Math.floor(gz.length / 2)] ^= 0xff;
    const codes = codesOf(await read(gz, 1000));
    expect(codes).not.toContain('gzip-trailing-garbage');
  });

  it('damage zlib detects in the only member (bad data, CRC) is corrupt and gives no record, as read whole', async () => {
    // Given copies of one member, each with a byte damaged where zlib reports bad data, and one with a bad CRC
    const gz = gzipSync(docText(300));
    const damaged: Buffer[] = [];
    for (let at = 20; at < gz.length - 8 && damaged.length < 6; at += 7) {
      const bad = Buffer.from(gz);
      bad[at] ^= 0x55;
      try {
        gunzipSync(bad);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'Z_DATA_ERROR') damaged.push(bad);
      }
    }
    const badCrc = Buffer.from(gz);
    badCrc[gz.length - 6] ^= 0xff;
    expect(damaged.length).toBe(6);
    for (const body of [...damaged, badCrc]) {
      expect(await whole(body)).toEqual({ ids: [], codes: ['gzip-corrupt'] });
      // When streamed, Then the same: the member's output is held until its CRC is checked
      const items = await read(body, 1000);
      expect({ ids: idsOf(items), codes: codesOf(items) }).toEqual({ ids: [], codes: ['gzip-corrupt'] });
    }
  });

  it('a first member that is not gzip data is corrupt, nothing read', async () => {
    const body = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x63, 0x00]), docText(10)]);
    const items = await read(body, 1000);
    expect(idsOf(items)).toEqual([]);
    expect(codesOf(items)).toEqual(['gzip-corrupt']);
  });
});

describe('a streamed gzip cut short', () => {
  it('a last member cut in its data keeps what was decoded before the cut and reports gzip-truncated', async () => {
    // Given three members, the last one cut in the middle of its deflate data
    const [a, b, c] = members(docText(600), 3) as [Buffer, Buffer, Buffer];
    const body = Buffer.concat([a, b, c.subarray(0, Math.floor(c.length / 2))]);
    const ref = await whole(body);
    expect(ref.codes).toEqual(['gzip-truncated']);
    expect(ref.ids.length).toBeGreaterThan(450);
    for (const chunk of [3, 1000, 1 << 20]) {
      // When it is streamed, Then it gives the records read whole gives, and says truncated
      const items = await read(body, chunk);
      expect(idsOf(items)).toEqual(ref.ids);
      expect(codesOf(items)).toEqual(['gzip-truncated']);
    }
  });

  it('a last member cut in its trailer is truncated too, with every record read', async () => {
    const body = gzipSync(docText(600));
    const cut = body.subarray(0, body.length - 3);
    expect((await whole(cut)).codes).toEqual(['gzip-truncated']);
    const items = await read(cut, 1000);
    expect(idsOf(items)).toHaveLength(600);
    expect(codesOf(items)).toEqual(['gzip-truncated']);
  });

  it('a member cut in its header after complete members is truncated', async () => {
    // (magic bytes alone, or a header without its end, could be the start of a member: read whole, it is truncated)
    for (const cut of [Buffer.from([0x1f, 0x8b]), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00])]) {
      const body = Buffer.concat([...members(docText(600), 2), cut]);
      expect((await whole(body)).codes).toEqual(['gzip-truncated']);
      const items = await read(body, 1000);
      expect(idsOf(items)).toHaveLength(600);
      expect(codesOf(items)).toEqual(['gzip-truncated']);
    }
  });
});

describe('a streamed gzip whose source fails or is left early', () => {
  it('a read that fails after a complete member keeps its records and reports the read error', async () => {
    // Given a source that gives one whole member, then fails
    const gz = gzipSync(docText(300));
    async function* failing(): AsyncGenerator<Buffer> {
      yield gz;
      throw Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
    }
    const items: TrailItem[] = [];
    for await (const batch of parseTrailStream('big.json.gz', failing(), { streamDocumentBytes: 4096 })) items.push(...batch);
    // Then the member's records stand and the failure is a read error, not a cut or damage
    expect(idsOf(items)).toHaveLength(300);
    expect(codesOf(items)).toEqual(['read-error']);
  });

  it('a reader that stops after the first batch releases the source', async () => {
    const gz = gzipSync(docText(36_000));
    const chunks: Buffer[] = [];
    for (let i = 0; i < gz.length; i += 4096) chunks.push(gz.subarray(i, i + 4096));
    const source = Readable.from(chunks);
    for await (const batch of parseTrailStream('big.json.gz', source, { streamDocumentBytes: 4096 })) {
      expect(batch.length).toBeGreaterThan(0);
      break;
    }
    expect(source.destroyed).toBe(true);
  });
});
