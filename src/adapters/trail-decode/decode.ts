/**
 * Turning the bytes of one CloudTrail input (a local file or an S3 object body) into records and problems.
 *
 * Shared by the local reader (`adapters/fs/trail-reader.ts`) and the S3 adapter, so both accept exactly the same inputs:
 * - `{"Records":[...]}` (what CloudTrail delivers to S3), a bare JSON array of records, a single record object,
 *   `aws cloudtrail lookup-events` output (`{"Events":[{"CloudTrailEvent":"<json>"}]}`), and newline-delimited
 *   JSON (one record per line; a line may also hold a whole `{"Records":[...]}` document);
 * - plain or gzip (detected by the magic bytes 1f 8b, whatever the name says; multi-member gzip works).
 *
 * Bad input is reported as a problem and never stops the run. Decision on truncated gzip: complete records
 * decoded before the truncation ARE used (they are real activity; dropping them could make a suggestion drop
 * a permission that was used) and the file is reported as `gzip-truncated` with how many were recovered, so
 * the user can re-fetch it; a truncated plain document is treated alike (`truncated`). Corrupt gzip (bad
 * header, bad data, CRC mismatch) is reported and its records are not used, because its bytes cannot be
 * trusted; but bytes after the last complete, CRC-checked member that are not gzip (trailing garbage) only
 * cost themselves: the members' records are read and the garbage reported (`gzip-trailing-garbage`; from a
 * whole buffer by re-reading member by member, and while streaming by decoding member by member,
 * `gunzip-stream.ts`).
 *
 * Size: a document over STREAM_DOCUMENT_BYTES (decompressed) is read record by record (`records-stream.ts`),
 * so memory stays flat and no size is refused; smaller ones take the fast path, one JSON.parse.
 */

import type { Readable } from 'node:stream';
import { gunzipBuffer } from './gzip.js';
import { gunzipStream, type GunzipEnd } from './gunzip-stream.js';
import { FileSink, MAX_DOCUMENT_CHARS, STREAM_BATCH_ITEMS, bomLength, isGzip, type TrailItem, type TrailParseOptions } from './sink.js';
import { errorText, parseTrailText } from './formats.js';
import { STREAM_DOCUMENT_BYTES } from './records-stream.js';
import { LineSplitter } from './lines.js';
import { readPrefiltered, readScanned, type RecordPrefilter } from './prefilter.js';
import type { DocumentScan } from './prefilter-scan.js';

/** Reports bytes after the last complete member from byte `at` on (`size`: the input's, when known). */
function trailingGarbage(sink: FileSink, at: number, size?: number): void {
  sink.problem(
    'gzip-trailing-garbage',
    `${sink.file} has ${size === undefined ? 'bytes' : `${size - at} byte(s)`} after its last complete gzip member that are not gzip data (zcat reports ` +
      '"trailing garbage"); the complete members were read and the rest ignored. Fetch the file again if it should hold more.',
    `byte ${at}`,
  );
}

/** Reports damaged gzip data; `gave`: a streamed member's records before the damage were already read. */
function gzipCorrupt(sink: FileSink, err: Error, gave = false): void {
  const read = gave ? `the ${sink.recordCount} record(s) decoded before the damage were read, the rest was not` : 'its records were not read';
  sink.problem(
    'gzip-corrupt',
    `${sink.file} looks like gzip but cannot be decompressed (${err.message}); ${read}. ` +
      'Fetch the file again; if it is not meant to be gzip, remove it from the input.',
    'gzip data',
  );
}

export { gunzipBuffer };

/** One whole input after decompression, or why it could not be decompressed: what {@link decodeInput} gives. */
export type DecodedInput = { size: number; data: Buffer; truncated: boolean; garbageAt?: number } | { size: number; error: Error };

/**
 * The asynchronous half of reading one whole input held in memory: gunzip (on libuv's thread pool) when it is
 * gzip. `size`: its bytes as stored. Never throws: damaged gzip is an `error`, reported by {@link parseDecodedInput}.
 */
export async function decodeInput(body: Uint8Array): Promise<DecodedInput> {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (!isGzip(buf)) return { size: buf.length, data: buf, truncated: false };
  const r = await gunzipBuffer(buf);
  return 'error' in r ? { size: buf.length, error: r.error } : { size: buf.length, ...r };
}

/**
 * The synchronous half: the items of a decoded input. Adds to `options.stats` (filesRead, bytesRead, records,
 * problems). `scannedElsewhere`: a scan worker (`adapters/fs/scan-pool.ts`) found the document in a shape the
 * prefilter does not read, so it is parsed the full way without trying the prefilter again.
 */
export function parseDecodedInput(name: string, input: DecodedInput, options: TrailParseOptions = {}, scannedElsewhere = false): TrailItem[] {
  const sink = new FileSink(name, options);
  sink.stats.filesRead++;
  sink.stats.bytesRead += input.size;
  if ('error' in input) gzipCorrupt(sink, input.error);
  else {
    decodeAndParse(sink, input.data, input.truncated, options.streamDocumentBytes, scannedElsewhere ? undefined : options.principalFilter);
    if (input.garbageAt !== undefined) trailingGarbage(sink, input.garbageAt, input.size);
  }
  sink.finish();
  return sink.items;
}

/**
 * The items of a file a scan worker read (`size` bytes as stored) and scanned: `scan`, whose spans point into
 * `data`, the bytes of the records the reading thread may parse (a superset of those parsed now: see `mayParse`).
 * Undefined, with nothing counted, when one of the records to parse does not parse as an object: what is wrong
 * can only be told from the whole document, so read the file again ({@link parseDecodedInput}).
 */
export function parseScannedRecords(name: string, size: number, options: TrailParseOptions, data: Buffer, scan: DocumentScan): TrailItem[] | undefined {
  const sink = new FileSink(name, options);
  const textOf = (k: number): string => data.toString('utf8', scan.starts[k], scan.ends[k]);
  if (!readScanned(sink, scan, textOf, options.principalFilter?.knownRegions?.() ?? [])) return undefined;
  sink.stats.filesRead++;
  sink.stats.bytesRead += size;
  sink.finish();
  return sink.items;
}

/**
 * Parses one whole input held in memory (plain or gzip) and returns its items. Never throws for bad input.
 * Adds to `options.stats` (filesRead, bytesRead, records, problems).
 */
export async function parseTrailBuffer(name: string, body: Uint8Array, options: TrailParseOptions = {}): Promise<TrailItem[]> {
  return parseDecodedInput(name, await decodeInput(body), options);
}

function decodeAndParse(sink: FileSink, data: Buffer, truncated: boolean, streamBytes = STREAM_DOCUMENT_BYTES, prefilter?: RecordPrefilter): void {
  // A complete delivery file read for known principals: only their records are parsed (prefilter.ts).
  if (prefilter && !truncated && data.length <= streamBytes && readPrefiltered(sink, data, bomLength(data), prefilter)) return;
  if (data.length > streamBytes) {
    // Large (a small gzip file can hold hundreds of MB): line by line (NDJSON) or record by record.
    parseLargeSync(sink, data, truncated, streamBytes);
    return;
  }
  parseTrailText(sink, data.toString('utf8'), truncated);
}

/** A large decompressed buffer: read line by line (NDJSON) or record by record (a records array). */
function parseLargeSync(sink: FileSink, data: Buffer, truncated: boolean, streamBytes: number): void {
  const splitter = new LineSplitter(sink, streamBytes);
  if (!splitter.push(data)) tooLarge(sink, data.length);
  else splitter.end(truncated);
}

function tooLarge(sink: FileSink, size: number): void {
  sink.problem(
    'too-large',
    `${sink.file} decompresses to ${size} bytes or more, too large to parse as one JSON document; its records were ` +
      "not read. Convert it to one record per line (NDJSON), e.g. `jq -c '.Records[]'`, and run again.",
  );
}


/**
 * Parses one input arriving as a stream of bytes (e.g. an S3 object body or a large local file), in batches
 * of at most about {@link STREAM_BATCH_ITEMS} items, with memory bounded by the batch and the longest line
 * (NDJSON) or by the document (a multi-line JSON document is parsed whole). gzip is detected by magic bytes.
 * Never throws for bad input or a failing stream: those become problems.
 */
export async function* parseTrailStream(
  name: string,
  body: AsyncIterable<Uint8Array> | Readable,
  options: TrailParseOptions = {},
): AsyncGenerator<TrailItem[]> {
  const sink = new FileSink(name, options);
  sink.stats.filesRead++;
  const src = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  try {
    yield* streamBatches(sink, src, options.streamDocumentBytes);
  } finally {
    // Stopped early or failed: release the source (for a Readable this destroys it, closing a socket or file).
    try {
      await src.return?.(undefined);
    } catch {
      // already failed; the failure was reported
    }
  }
}

/** The first bytes of a stream (at least the 2 of a gzip magic number: a source may send tiny chunks). */
async function readHead(src: AsyncIterator<Uint8Array>): Promise<{ first: Buffer; ended: boolean }> {
  const head: Buffer[] = [];
  let headLen = 0;
  while (headLen < 2) {
    const r = await src.next();
    if (r.done) return { first: Buffer.concat(head, headLen), ended: true };
    const b = toBuffer(r.value);
    head.push(b);
    headLen += b.length;
  }
  return { first: Buffer.concat(head, headLen), ended: false };
}

/**
 * The decoded chunks of a stream whose first bytes are `first`: gunzipped member by member when they say gzip,
 * and then how the gzip ended.
 */
async function* decodedChunks(sink: FileSink, src: AsyncIterator<Uint8Array>, first: Buffer, ended: boolean): AsyncGenerator<Buffer, GunzipEnd | undefined> {
  async function* rest(): AsyncGenerator<Buffer> {
    if (first.length > 0) yield first;
    if (ended) return;
    for (let r = await src.next(); !r.done; r = await src.next()) {
      const b = toBuffer(r.value);
      sink.stats.bytesRead += b.length;
      yield b;
    }
  }
  if (!isGzip(first)) {
    yield* rest();
    return undefined;
  }
  return yield* gunzipStream(rest());
}

async function* streamBatches(sink: FileSink, src: AsyncIterator<Uint8Array>, streamBytes?: number): AsyncGenerator<TrailItem[]> {
  let head: { first: Buffer; ended: boolean };
  try {
    head = await readHead(src);
  } catch (err) {
    readError(sink, err);
    sink.finish();
    yield sink.take();
    return;
  }
  sink.stats.bytesRead += head.first.length;
  const chunks = decodedChunks(sink, src, head.first, head.ended);
  try {
    yield* parseDecoded(sink, chunks, streamBytes);
  } finally {
    // Stopped early (or too large): close the decoder, which frees its inflater.
    await chunks.return(undefined);
  }
}

/** Parses the decoded chunks into batches of items, then ends the input by how its gzip ended. */
async function* parseDecoded(sink: FileSink, chunks: AsyncGenerator<Buffer, GunzipEnd | undefined>, streamBytes?: number): AsyncGenerator<TrailItem[]> {
  const splitter = new LineSplitter(sink, streamBytes);
  let sawData = false;
  let end: GunzipEnd | undefined;
  try {
    for (let r = await chunks.next(); ; r = await chunks.next()) {
      if (r.done) {
        end = r.value;
        break;
      }
      if (r.value.length > 0) sawData = true;
      if (!splitter.push(r.value)) {
        tooLarge(sink, MAX_DOCUMENT_CHARS);
        sink.finish();
        yield sink.take();
        return;
      }
      if (sink.items.length >= STREAM_BATCH_ITEMS) yield sink.take();
    }
  } catch (err) {
    readError(sink, err);
    sink.finish();
    yield sink.take();
    return;
  }
  endOfInput(sink, splitter, end, sawData);
  sink.finish();
  yield sink.take();
}

/** Ends a streamed input by how its gzip ended (undefined: not gzip). */
function endOfInput(sink: FileSink, splitter: LineSplitter, end: GunzipEnd | undefined, sawData: boolean): void {
  if (end?.kind === 'corrupt') {
    // The records given before the damage stand (they were yielded); the document is not ended, so its cut is
    // not reported as a second problem.
    gzipCorrupt(sink, end.error, end.gave);
    return;
  }
  const truncated = end?.kind === 'truncated';
  if (!sawData && !truncated) parseTrailText(sink, '', false); // reports empty-file
  else splitter.end(truncated);
  if (end?.kind === 'garbage') trailingGarbage(sink, end.at);
}

function toBuffer(u: Uint8Array | string): Buffer {
  if (typeof u === 'string') return Buffer.from(u, 'utf8');
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/** Reports an I/O error while reading an input (the records read before it stand). */
export function readError(sink: FileSink, err: unknown): void {
  const e = err as NodeJS.ErrnoException;
  sink.problem(
    'read-error',
    `could not read ${sink.file}${e?.code ? ` (${e.code})` : ''}: ${errorText(err)}. Records read before the error were used; ` +
      'check the file (or the connection) and run again.',
  );
}

/**
 * Turns one named input — a Buffer or a stream (Readable, S3 `GetObject` body) — into trail items, one by one.
 * This is the entry point for the S3 adapter: it parses exactly like local files.
 */
export async function* readTrailObject(
  name: string,
  body: Uint8Array | AsyncIterable<Uint8Array> | Readable,
  options: TrailParseOptions = {},
): AsyncGenerator<TrailItem> {
  for await (const batch of readTrailObjectBatches(name, body, options)) yield* batch;
}

/** Like {@link readTrailObject}, in batches (cheaper per record: one await per batch, not per record). */
export async function* readTrailObjectBatches(
  name: string,
  body: Uint8Array | AsyncIterable<Uint8Array> | Readable,
  options: TrailParseOptions = {},
): AsyncGenerator<TrailItem[]> {
  if (body instanceof Uint8Array) {
    yield await parseTrailBuffer(name, body, options);
    return;
  }
  // A small stream (an S3 object is a stream whatever its size) is collected and parsed whole, like a local
  // file: one gunzip and one JSON.parse.
  const src = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  let failure: { err: unknown } | undefined;
  try {
    for (let r = await src.next(); ; r = await src.next()) {
      if (r.done) {
        yield await parseTrailBuffer(name, Buffer.concat(head, size), options);
        return;
      }
      const b = toBuffer(r.value);
      head.push(b);
      size += b.length;
      if (size > COLLECT_STREAM_BYTES) break;
    }
  } catch (err) {
    failure = { err };
  }
  async function* replay(): AsyncGenerator<Buffer> {
    yield* head;
    if (failure) throw failure.err;
    for (let r = await src.next(); !r.done; r = await src.next()) yield toBuffer(r.value);
  }
  try {
    yield* parseTrailStream(name, replay(), options);
  } finally {
    await src.return?.(undefined);
  }
}

/** Streams up to this many bytes are collected and parsed whole (as local files up to WHOLE_FILE_MAX_BYTES). */
const COLLECT_STREAM_BYTES = 16 * 1024 * 1024;
