/**
 * A streamed gzip (a file over the whole-buffer size, an S3 object body) whose last complete member is followed by
 * bytes that are not gzip: the members' records are read and the garbage reported, as zcat does — not the whole
 * file called corrupt.
 */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseTrailStream } from '../../src/adapters/trail-decode/decode.js';
import { createTrailStats, type TrailItem } from '../../src/adapters/trail-decode/sink.js';

const record = (i: number) => ({ eventVersion: '1.08', eventID: `e-${i}`, eventTime: '2026-10-10T10:00:00Z', eventSource: 'sqs.amazonaws.com', eventName: 'SendMessage' });

async function read(body: Buffer, chunk: number): Promise<TrailItem[]> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < body.length; i += chunk) chunks.push(body.subarray(i, i + chunk));
  const items: TrailItem[] = [];
  for await (const batch of parseTrailStream('big.json.gz', Readable.from(chunks), { stats: createTrailStats(), streamDocumentBytes: 4096 })) items.push(...batch);
  return items;
}

describe('a streamed gzip with trailing garbage', () => {
  it('keeps the records of the complete members and reports the garbage, not a corrupt file', async () => {
    // Given one {"Records":[…]} document split over three gzip members, then 23 bytes that are not gzip
    const text = Buffer.from(JSON.stringify({ Records: Array.from({ length: 600 }, (_, i) => record(i)) }));
    const third = Math.ceil(text.length / 3);
    const members = [0, 1, 2].map((k) => gzipSync(text.subarray(k * third, (k + 1) * third)));
    const body = Buffer.concat([...members, Buffer.from('garbage garbage garbage')]);
    // When it is streamed in small chunks
    const items = await read(body, 1000);
    // Then the records come through, the garbage is reported, and nothing calls the file corrupt
    const codes = items.flatMap((i) => (i.kind === 'problem' ? [i.problem.code] : []));
    expect(codes).toContain('gzip-trailing-garbage');
    expect(codes).not.toContain('gzip-corrupt');
    const records = items.filter((i) => i.kind === 'record').length;
    expect(records).toBeGreaterThan(390); // the first two members at least, and what zlib emitted of the third
  });

  it('still calls damage inside a member corrupt', async () => {
    const text = Buffer.from(JSON.stringify({ Records: Array.from({ length: 300 }, (_, i) => record(i)) }));
    const gz = gzipSync(text);
    gz[Math.floor(gz.length / 2)] ^= 0xff;
    const codes = (await read(gz, 1000)).flatMap((i) => (i.kind === 'problem' ? [i.problem.code] : []));
    expect(codes).not.toContain('gzip-trailing-garbage');
  });
});
