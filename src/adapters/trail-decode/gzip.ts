/**
 * Whole-buffer gzip decoding for trail inputs: the fast path (one gunzip call), what can be decoded from a
 * truncated file, and the complete members of a file followed by bytes that are not gzip (trailing garbage).
 */
import { constants as zc, crc32, gunzip, gunzipSync, inflateRawSync } from 'node:zlib';

/**
 * Output chunk of the whole-buffer gunzip (bytes). zlib's default (16 KiB) splits a typical CloudTrail file
 * (30-40 KiB gzip, ~650 KiB of JSON) into ~40 thread-pool round trips plus a concatenation; 1 MiB does it in
 * one and halves the CPU of decompression (100k-record bench trail: 4.2 -> 1.7 us per record). Memory: one
 * such chunk per file being decompressed (at most the read-ahead, DEFAULT_READ_AHEAD in trail-reader.ts).
 */
export const GUNZIP_CHUNK_BYTES = 1024 * 1024;

/** zlib's smallest output chunk (bytes; Node's `zlib.constants.Z_MIN_CHUNK`). */
const MIN_CHUNK = 64;

/**
 * Output chunk of a synchronous gunzip when the runtime keeps that call's output alive until a full collection
 * (bytes): gunzipSync then copies the chunks into a buffer of its own, and what stays alive is one 64 KiB chunk.
 */
export const RETAINED_SYNC_CHUNK_BYTES = 64 * 1024;

/**
 * Whether `gunzipSync` on Node `major` keeps its output alive until a full collection. On Node 24 its zlib engine,
 * kept that long, holds the buffer the output is a view of, so a thread that decompresses file after file and
 * allocates little else (a scan worker) holds tens of MiB of dead output: peak RSS of `usage --role` 253 against
 * 199 MiB at 100k records and 338 against 266 at 1M with 64 KiB chunks, in the same time (docs/BENCHMARKS.md).
 * Node 20, 22 and 23 free it at the next minor collection, and there small chunks only cost time (23: +11%).
 */
export function syncGunzipRetainsOutput(major: number): boolean {
  return major >= 24;
}

/**
 * The output chunk for a synchronous gunzip of `gz` on Node `major`: a little more than the size the gzip trailer
 * gives (ISIZE, RFC 1952 2.3.1: the last member's length mod 2^32), so a one-member file decompresses into one
 * buffer with room left (a full buffer makes zlib allocate another before it sees the end); never above
 * {@link GUNZIP_CHUNK_BYTES} whatever the trailer claims, nor above {@link RETAINED_SYNC_CHUNK_BYTES} where the
 * runtime keeps the output alive ({@link syncGunzipRetainsOutput}). Only a hint: zlib adds chunks as needed.
 */
export function syncGunzipChunk(gz: Buffer, major: number): number {
  const isize = gz.length >= 18 ? gz.readUInt32LE(gz.length - 4) : 0;
  const cap = syncGunzipRetainsOutput(major) ? RETAINED_SYNC_CHUNK_BYTES : GUNZIP_CHUNK_BYTES;
  return isize + MIN_CHUNK <= cap ? isize + MIN_CHUNK : cap;
}

/**
 * Decompresses a whole gzip buffer; on truncation returns what could be decoded; with bytes after the last
 * complete member that are not gzip (trailing garbage: zcat warns and keeps the data), returns the complete
 * members' data and where the garbage starts.
 */
export async function gunzipBuffer(buf: Buffer): Promise<{ data: Buffer; truncated: boolean; garbageAt?: number } | { error: Error }> {
  try {
    const data = await new Promise<Buffer>((resolve, reject) =>
      gunzip(buf, { chunkSize: GUNZIP_CHUNK_BYTES }, (err, out) => (err ? reject(err) : resolve(out))),
    );
    return { data, truncated: false };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'Z_BUF_ERROR') {
      // "unexpected end of file": decode what is there, without requiring the stream's end.
      try {
        const data = gunzipSync(buf, { finishFlush: zc.Z_SYNC_FLUSH });
        return { data, truncated: true };
      } catch (err2) {
        return { error: err2 as Error };
      }
    }
    if (e.code === 'Z_DATA_ERROR') {
      const members = completeMembers(buf);
      if (members.data.length > 0 && members.end < buf.length) return { data: Buffer.concat(members.data), truncated: false, garbageAt: members.end };
    }
    return { error: e };
  }
}

/** gzip header flags (RFC 1952 2.3.1). */
const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;

/**
 * Decodes gzip members one by one from the start of `buf`, each checked against its CRC-32 and length, and
 * stops at the first bytes that are not a complete, intact member. Returns the members' data and the offset
 * where they end. Only used once whole-buffer gunzip failed (a slower path: one inflate per member).
 */
export function completeMembers(buf: Buffer): { data: Buffer[]; end: number } {
  const data: Buffer[] = [];
  let at = 0;
  while (at + 18 <= buf.length && buf[at] === 0x1f && buf[at + 1] === 0x8b && buf[at + 2] === 8) {
    const flags = buf[at + 3]!;
    let h = at + 10;
    if (flags & FEXTRA) h += 2 + buf.readUInt16LE(h);
    if (flags & FNAME) h = buf.indexOf(0, h) + 1;
    if (flags & FCOMMENT) h = buf.indexOf(0, h) + 1;
    if (flags & FHCRC) h += 2;
    if (h <= at || h >= buf.length) break;
    let out: { buffer: Buffer; engine: { bytesWritten: number } };
    try {
      out = inflateRawSync(buf.subarray(h), { info: true, chunkSize: GUNZIP_CHUNK_BYTES }) as unknown as typeof out;
    } catch {
      break;
    }
    const trailer = h + out.engine.bytesWritten;
    if (trailer + 8 > buf.length) break;
    if (buf.readUInt32LE(trailer) !== crc32(out.buffer) || buf.readUInt32LE(trailer + 4) !== (out.buffer.length >>> 0)) break;
    data.push(out.buffer);
    at = trailer + 8;
  }
  return { data, end: at };
}

