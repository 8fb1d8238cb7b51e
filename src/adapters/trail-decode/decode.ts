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
 * the user can re-fetch it. Corrupt gzip (bad header, bad data, CRC mismatch) is reported and its records are
 * not used, because its bytes cannot be trusted.
 */

import { constants as zc, createGunzip, gunzip, gunzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { FileSink, MAX_DOCUMENT_CHARS, STREAM_BATCH_ITEMS, createTrailStats, isGzip, type TrailItem, type TrailParseOptions } from './sink.js';
import { errorText, handleValue, parseOneLine, parseTrailText } from './formats.js';

/**
 * Output chunk of the whole-buffer gunzip (bytes). zlib's default (16 KiB) splits a typical CloudTrail file
 * (30-40 KiB gzip, ~650 KiB of JSON) into ~40 thread-pool round trips plus a concatenation; 1 MiB does it in
 * one and halves the CPU of decompression (100k-record bench trail: 4.2 -> 1.7 us per record). Memory: one
 * such chunk per file being decompressed (at most the read-ahead, DEFAULT_READ_AHEAD in trail-reader.ts).
 */
const GUNZIP_CHUNK_BYTES = 1024 * 1024;

/** Decompresses a whole gzip buffer; on truncation returns what could be decoded. */
export async function gunzipBuffer(buf: Buffer): Promise<{ data: Buffer; truncated: boolean } | { error: Error }> {
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
    return { error: e };
  }
}

function gzipCorrupt(sink: FileSink, err: Error): void {
  sink.problem(
    'gzip-corrupt',
    `${sink.file} looks like gzip but cannot be decompressed (${err.message}); its records were not read. ` +
      'Fetch the file again; if it is not meant to be gzip, remove it from the input.',
    'gzip data',
  );
}

/**
 * Parses one whole input held in memory (plain or gzip) and returns its items. Never throws for bad input.
 * Adds to `options.stats` (filesRead, bytesRead, records, problems).
 */
export async function parseTrailBuffer(name: string, body: Uint8Array, options: TrailParseOptions = {}): Promise<TrailItem[]> {
  const sink = new FileSink(name, options);
  sink.stats.filesRead++;
  sink.stats.bytesRead += body.length;
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (isGzip(buf)) {
    const r = await gunzipBuffer(buf);
    if ('error' in r) gzipCorrupt(sink, r.error);
    else decodeAndParse(sink, r.data, r.truncated);
  } else {
    decodeAndParse(sink, buf, false);
  }
  sink.finish();
  return sink.items;
}

function decodeAndParse(sink: FileSink, data: Buffer, truncated: boolean): void {
  if (data.length > MAX_DOCUMENT_CHARS) {
    // Too big for one string: stream it line by line (NDJSON) instead.
    parseLargeSync(sink, data, truncated);
    return;
  }
  parseTrailText(sink, data.toString('utf8'), truncated);
}

/** A decompressed buffer too large for one string: only NDJSON can be read from it. */
function parseLargeSync(sink: FileSink, data: Buffer, truncated: boolean): void {
  const splitter = new LineSplitter(sink);
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
 * Splits a byte stream into lines. The first non-blank line decides the mode: if it parses on its own as JSON
 * (NDJSON, or a one-line compact CloudTrail document) every line is parsed as it arrives; otherwise the
 * input is a multi-line document and is collected whole (up to {@link MAX_DOCUMENT_CHARS}) and parsed at the end.
 */
class LineSplitter {
  private mode: 'sniff' | 'lines' | 'document' = 'sniff';
  private partial: Buffer[] = [];
  private partialLen = 0;
  private doc: Buffer[] = [];
  private docLen = 0;
  private lineNo = 0;
  private failed = false;

  constructor(private readonly sink: FileSink) {}

  /** Feeds a chunk; returns false when the input turned out too large to handle (a problem was not yet added). */
  push(chunk: Buffer): boolean {
    if (this.failed) return false;
    if (this.mode === 'document') return this.addDoc(chunk);
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) {
        if (start < chunk.length) {
          const rest = chunk.subarray(start);
          this.partial.push(rest);
          this.partialLen += rest.length;
          if (this.partialLen > MAX_DOCUMENT_CHARS) {
            this.failed = true;
            return false;
          }
        }
        return true;
      }
      let lineBuf = chunk.subarray(start, nl);
      if (this.partial.length > 0) {
        this.partial.push(lineBuf);
        lineBuf = Buffer.concat(this.partial, this.partialLen + lineBuf.length);
        this.partial = [];
        this.partialLen = 0;
      }
      start = nl + 1;
      this.lineNo++;
      if (!this.onLine(lineBuf)) {
        // switched to document mode: the rest of this chunk belongs to the document
        return this.addDoc(chunk.subarray(start));
      }
    }
  }

  /** Handles one complete line; returns false when it switched to document mode. */
  private onLine(lineBuf: Buffer): boolean {
    if (this.mode === 'lines') {
      parseOneLine(this.sink, lineBuf.toString('utf8'), this.lineNo);
      return true;
    }
    // sniff
    const line = lineBuf.toString('utf8');
    const trimmed = line.replace(/^\uFEFF/, '').trim();
    if (trimmed === '') {
      this.doc.push(lineBuf, NL);
      this.docLen += lineBuf.length + 1;
      return true;
    }
    try {
      const v = JSON.parse(trimmed) as unknown;
      if (typeof v === 'object' && v !== null) {
        this.mode = 'lines';
        this.doc = [];
        this.docLen = 0;
        handleValue(this.sink, v, this.lineNo);
        return true;
      }
    } catch {
      // not a standalone line: a multi-line document
    }
    this.mode = 'document';
    this.doc.push(lineBuf, NL);
    this.docLen += lineBuf.length + 1;
    return false;
  }

  private addDoc(chunk: Buffer): boolean {
    if (chunk.length === 0) return true;
    this.doc.push(chunk);
    this.docLen += chunk.length;
    if (this.docLen > MAX_DOCUMENT_CHARS) {
      this.failed = true;
      return false;
    }
    return true;
  }

  /** Ends the input; `truncated` when the gzip stream was cut short. */
  end(truncated: boolean): void {
    if (this.failed) return;
    if (this.mode === 'lines') {
      const rest = Buffer.concat(this.partial, this.partialLen);
      if (truncated) {
        const before = this.sink.recordCount;
        const lost = rest.toString('utf8').trim() !== '';
        this.sink.problem(
          'gzip-truncated',
          `${this.sink.file} is a truncated gzip file: it ends before its data does. The ${before} complete record(s) ` +
            `before the cut were read${lost ? '; the last, incomplete line was skipped' : ''}. Fetch the file again.`,
          `line ${this.lineNo + 1}`,
        );
        return;
      }
      this.lineNo++;
      parseOneLine(this.sink, rest.toString('utf8'), this.lineNo);
      return;
    }
    // sniff (nothing but blank lines so far, or one unterminated line) or document
    const all = Buffer.concat([...this.doc, ...this.partial], this.docLen + this.partialLen);
    parseTrailText(this.sink, all.toString('utf8'), truncated);
  }
}

const NL = Buffer.from('\n');

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
    yield* streamBatches(sink, src);
  } finally {
    // Stopped early or failed: release the source (for a Readable this destroys it, closing a socket or file).
    try {
      await src.return?.(undefined);
    } catch {
      // already failed; the failure was reported
    }
  }
}

async function* streamBatches(sink: FileSink, src: AsyncIterator<Uint8Array>): AsyncGenerator<TrailItem[]> {
  // Gather at least the 2 bytes of a gzip magic number before deciding (a source may send tiny chunks).
  const head: Buffer[] = [];
  let headLen = 0;
  let ended = false;
  try {
    while (headLen < 2) {
      const r = await src.next();
      if (r.done) {
        ended = true;
        break;
      }
      const b = toBuffer(r.value);
      head.push(b);
      headLen += b.length;
    }
  } catch (err) {
    readError(sink, err);
    sink.finish();
    yield sink.take();
    return;
  }
  const firstChunk = Buffer.concat(head, headLen);
  sink.stats.bytesRead += firstChunk.length;
  async function* rest(): AsyncGenerator<Buffer> {
    if (firstChunk.length > 0) yield firstChunk;
    if (ended) return;
    for (let r = await src.next(); !r.done; r = await src.next()) {
      const b = toBuffer(r.value);
      sink.stats.bytesRead += b.length;
      yield b;
    }
  }
  const gz = isGzip(firstChunk);
  let chunks: AsyncIterable<Buffer>;
  let gunzipper: ReturnType<typeof createGunzip> | undefined;
  if (gz) {
    // Z_SYNC_FLUSH on every write: everything decodable from the bytes so far is emitted at once, so when a
    // truncated file ends in an error, the records before the cut have already come through.
    gunzipper = createGunzip({ flush: zc.Z_SYNC_FLUSH });
    pipeline(Readable.from(rest()), gunzipper, () => {
      // errors surface through iterating `gunzipper`
    });
    chunks = gunzipper as AsyncIterable<Buffer>;
  } else {
    chunks = rest();
  }
  const splitter = new LineSplitter(sink);
  let truncated = false;
  let sawData = false;
  try {
    for await (const chunk of chunks) {
      if (chunk.length > 0) sawData = true;
      if (!splitter.push(chunk)) {
        tooLarge(sink, MAX_DOCUMENT_CHARS);
        if (gunzipper) gunzipper.destroy();
        sink.finish();
        yield sink.take();
        return;
      }
      if (sink.items.length >= STREAM_BATCH_ITEMS) yield sink.take();
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (gz && e.code === 'Z_BUF_ERROR') truncated = true;
    else if (gz && e.code === 'Z_DATA_ERROR') {
      gzipCorrupt(sink, e);
      sink.finish();
      yield sink.take();
      return;
    } else {
      readError(sink, err);
      sink.finish();
      yield sink.take();
      return;
    }
  }
  if (!sawData && !truncated) {
    parseTrailText(sink, '', false); // reports empty-file
  } else {
    splitter.end(truncated);
  }
  sink.finish();
  yield sink.take();
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
  yield* parseTrailStream(name, body, options);
}
