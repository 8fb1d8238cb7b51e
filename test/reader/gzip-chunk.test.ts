/**
 * The output chunk of the scan workers' synchronous gunzip (`syncGunzipChunk`): sized from the gzip trailer, and kept
 * small on a runtime whose gunzipSync keeps its output alive until a full collection (Node 24).
 */
import { describe, expect, it } from 'vitest';
import { gunzipSync, gzipSync } from 'node:zlib';
import { GUNZIP_CHUNK_BYTES, RETAINED_SYNC_CHUNK_BYTES, syncGunzipChunk, syncGunzipRetainsOutput } from '../../src/adapters/trail-decode/gzip.js';

/** `n` bytes of CloudTrail-like JSON text (compressible, not constant). */
function jsonText(n: number): Buffer {
  const unit = '{"eventVersion":"1.09","eventSource":"s3.amazonaws.com","eventName":"GetObject","n":';
  const parts: string[] = [];
  let len = 0;
  for (let i = 0; len < n; i++) {
    const s = `${unit}${i}},`;
    parts.push(s);
    len += s.length;
  }
  return Buffer.from(parts.join('').slice(0, n));
}

describe('syncGunzipChunk: the output chunk of a synchronous gunzip', () => {
  it('is the size the gzip trailer gives plus room, where the runtime frees the output at once', () => {
    const gz = gzipSync(jsonText(200_000));
    for (const major of [20, 22, 23]) expect(syncGunzipChunk(gz, major)).toBe(200_000 + 64);
  });

  it('is at most 64 KiB on Node 24 and later, whose gunzipSync keeps its output alive until a full collection', () => {
    expect([20, 22, 23].map(syncGunzipRetainsOutput)).toEqual([false, false, false]);
    expect([24, 25, 26].map(syncGunzipRetainsOutput)).toEqual([true, true, true]);
    expect(syncGunzipChunk(gzipSync(jsonText(200_000)), 24)).toBe(RETAINED_SYNC_CHUNK_BYTES);
    // A file that fits stays one buffer there too.
    expect(syncGunzipChunk(gzipSync(jsonText(10_000)), 24)).toBe(10_000 + 64);
  });

  it('never exceeds the whole-buffer chunk, whatever the trailer claims, and reads a buffer too short for one', () => {
    const gz = Buffer.from(gzipSync(jsonText(1000)));
    gz.writeUInt32LE(0xffff_fff0, gz.length - 4);
    expect(syncGunzipChunk(gz, 20)).toBe(GUNZIP_CHUNK_BYTES);
    expect(syncGunzipChunk(gz, 24)).toBe(RETAINED_SYNC_CHUNK_BYTES);
    expect(syncGunzipChunk(Buffer.from([0x1f, 0x8b]), 20)).toBe(64);
  });

  it('decompresses to the same bytes with either chunk', () => {
    const text = jsonText(300_000);
    const gz = gzipSync(text);
    for (const major of [20, 24]) expect(gunzipSync(gz, { chunkSize: syncGunzipChunk(gz, major) }).equals(text)).toBe(true);
  });
});
