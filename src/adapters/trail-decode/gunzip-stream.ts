/**
 * Streaming gzip decoding, member by member: each member's header is read here, its deflate data inflated by
 * its own raw inflater, and its trailer (CRC-32 and length) checked here. Why not one `createGunzip` stream:
 * Node's gunzip moves on to the next member inside the same zlib call, and when the bytes after the last
 * member are not gzip, the error throws away everything that call had decoded (up to a chunk, tens of
 * records). A raw inflater stops where its deflate data ends, so what follows is looked at before zlib sees it.
 *
 * The same reading as whole-buffer decoding (`gzip.ts`): bytes after a complete member that do not start an
 * intact member are trailing garbage; a member cut short is truncated (what it decoded is kept); zero bytes
 * after a member are padding, and the rest is ignored (as Node's gunzip does); damage in the first member is
 * corruption.
 */
import { constants as zc, crc32, createInflateRaw, type InflateRaw } from 'node:zlib';

/** How a streamed gzip input ended. */
export type GunzipEnd =
  /** Every member complete (and checked), possibly followed by zero padding. */
  | { kind: 'ok' }
  /** The bytes from `at` (compressed offset) are not an intact member; every member before was given. */
  | { kind: 'garbage'; at: number }
  /** The input ended inside a member; what it decoded was given. */
  | { kind: 'truncated' }
  /** Damage inside a member; `gave` when part of that member's output was already given. */
  | { kind: 'corrupt'; error: Error; gave: boolean };

/**
 * Output of a member held back until its CRC-32 is checked (bytes). 1 MiB holds a whole delivered CloudTrail
 * file (~650 KiB of JSON), so a damaged one gives no record, and bytes after the members that only look like a
 * member (1f 8b …) give nothing before they fail; beyond it, output is given as it comes so memory stays flat.
 */
const HOLD_BYTES = 1024 * 1024;

/** Output chunk of the raw inflater (bytes): 64 KiB, a quarter of the callbacks of zlib's 16 KiB default. */
const INFLATE_CHUNK_BYTES = 64 * 1024;

/** Longest member header read (bytes): a header is 10 bytes plus optional name, comment and extra field. */
const MAX_HEADER_BYTES = 1024 * 1024;

/** gzip header flags (RFC 1952 2.3.1). */
const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;
const FRESERVED = 0xe0;
/** ID1, ID2 and CM (8: deflate, the only method) of a member header. */
const MAGIC_AND_METHOD = [0x1f, 0x8b, 8];

/**
 * Decompresses a gzip byte stream (multi-member), yielding the decompressed bytes, and returns how it ended.
 * Throws only the source's own errors (a failed read); bad gzip data is an end, not an error.
 */
export async function* gunzipStream(src: AsyncIterator<Buffer>): AsyncGenerator<Buffer, GunzipEnd> {
  const feed = new ByteFeed(src);
  for (let member = 0; ; member++) {
    const start = feed.offset;
    const head = await readHeader(feed, member > 0);
    if (head === 'end' || head === 'padding') return { kind: 'ok' };
    if (head === 'truncated') return { kind: 'truncated' };
    if (head === 'bad') return member === 0 ? { kind: 'corrupt', error: new Error('not a gzip member header'), gave: false } : { kind: 'garbage', at: start };
    const end = yield* inflateMember(feed);
    if (end.kind === 'ok') continue;
    if (end.kind === 'truncated') return end;
    return member === 0 || end.gave ? end : { kind: 'garbage', at: start };
  }
}

/**
 * Inflates one member's deflate data and checks its trailer, yielding its output (held back up to
 * {@link HOLD_BYTES} until checked). A corrupt end here means this member is bad; the caller decides whether
 * that is garbage after complete members.
 */
async function* inflateMember(feed: ByteFeed): AsyncGenerator<Buffer, Exclude<GunzipEnd, { kind: 'garbage' }>> {
  const held = new HeldOutput(HOLD_BYTES);
  let crc = 0;
  let size = 0;
  try {
    for await (const out of inflateRaw(feed)) {
      crc = crc32(out, crc);
      size += out.length;
      const ready = held.add(out);
      if (ready) yield ready;
    }
  } catch (err) {
    if (isZlibError(err)) return { kind: 'corrupt', error: err as Error, gave: held.gave };
    // A failed read: what was decoded is real data, kept as from a file cut short (the caller reports the error).
    const rest = held.take();
    if (rest) yield rest;
    throw err;
  }
  const trailer = await feed.read(8);
  if (!trailer) {
    // Cut short (in the deflate data or the trailer): keep what was decoded, as whole-buffer decoding does.
    const rest = held.take();
    if (rest) yield rest;
    return { kind: 'truncated' };
  }
  if (trailer.readUInt32LE(0) !== crc >>> 0 || trailer.readUInt32LE(4) !== size >>> 0) {
    return { kind: 'corrupt', error: new Error('incorrect data check'), gave: held.gave };
  }
  const rest = held.take();
  if (rest) yield rest;
  return { kind: 'ok' };
}

/**
 * Inflates the raw deflate data at the front of `feed`, yielding its output, and puts back into `feed` the
 * bytes after it (zlib's `bytesWritten` says how many it consumed). When the input ends first, yields what the
 * bytes so far decode to (every write is sync-flushed) and returns. Throws zlib's error for bad data.
 */
async function* inflateRaw(feed: ByteFeed): AsyncGenerator<Buffer, void> {
  const z = createInflateRaw({ flush: zc.Z_SYNC_FLUSH, finishFlush: zc.Z_SYNC_FLUSH, chunkSize: INFLATE_CHUNK_BYTES });
  z.on('error', () => {
    // surfaced by iterating `z`
  });
  const written = new WrittenChunks();
  const state = { stop: false };
  const pumping = pump(z, feed, written, state);
  try {
    for await (const out of z as AsyncIterable<Buffer>) yield out;
    // The deflate data ended (or the input did): hand back what zlib did not consume, in order, in front of
    // the chunk the pump may have taken and not written; a read that failed is thrown once its output is given.
    state.stop = true;
    const failed = await pumping;
    if (failed) throw failed.err;
    feed.unshift(written.after(z.bytesWritten));
  } finally {
    // Also when the reader stops early: the pump sees `stop` at its next chunk; not awaited, as that read may wait.
    state.stop = true;
    z.destroy();
  }
}

/**
 * Writes `feed`'s chunks into `z` (with backpressure) until told to stop; ends `z` when the input ends or a
 * read fails (then zlib still decodes what was written, and the read's error is returned). Never rejects.
 */
async function pump(z: InflateRaw, feed: ByteFeed, written: WrittenChunks, state: { stop: boolean }): Promise<{ err: unknown } | undefined> {
  let failed: { err: unknown } | undefined;
  try {
    for (let b = await feed.next(); b !== undefined; b = await feed.next()) {
      if (state.stop || z.destroyed) {
        feed.unshift([b]);
        return undefined;
      }
      written.add(b, z.bytesWritten);
      if (!z.write(b)) await drained(z);
    }
  } catch (err) {
    failed = { err };
  }
  if (!state.stop && !z.destroyed) z.end();
  return failed;
}

/** Resolves when `z` can take more input, or will never need to (closed). */
function drained(z: InflateRaw): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      z.off('drain', done);
      z.off('close', done);
      resolve();
    };
    z.on('drain', done);
    z.on('close', done);
  });
}

/** The chunks written into an inflater that it may not have consumed yet (bounded by its write buffer). */
class WrittenChunks {
  private chunks: Buffer[] = [];
  /** Input offset of chunks[0]. */
  private start = 0;

  /** Records a chunk about to be written; drops the chunks that `consumed` bytes cover. */
  add(b: Buffer, consumed: number): void {
    this.chunks.push(b);
    this.drop(consumed);
  }

  /** The written bytes after the first `consumed`, in order. */
  after(consumed: number): Buffer[] {
    this.drop(consumed);
    const [first, ...rest] = this.chunks;
    return first ? [first.subarray(consumed - this.start), ...rest] : [];
  }

  private drop(consumed: number): void {
    while (this.chunks.length > 0 && this.start + this.chunks[0]!.length <= consumed) this.start += this.chunks.shift()!.length;
  }
}

/** A member's output, held until the member is checked or it grows past the limit (then given as it comes). */
class HeldOutput {
  private parts: Buffer[] = [];
  private length = 0;
  /** Output of this member was given before its end (past the limit). */
  gave = false;

  constructor(private readonly limit: number) {}

  /** Adds output; returns what may be given now. */
  add(b: Buffer): Buffer | undefined {
    if (this.gave) return b;
    this.parts.push(b);
    this.length += b.length;
    if (this.length <= this.limit) return undefined;
    this.gave = true;
    return this.take();
  }

  /** Everything held, as one buffer (undefined when nothing is). */
  take(): Buffer | undefined {
    if (this.length === 0) return undefined;
    const out = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.length);
    this.parts = [];
    this.length = 0;
    return out;
  }
}

/**
 * Reads a member header from `feed`. 'end': no bytes at all; 'padding': a zero byte where a later member would
 * start (Node's gunzip ignores the rest too); 'truncated': the input ends inside the header; 'bad': not a
 * header (magic, method, reserved flags, header CRC); 'ok': read, `feed` is at the deflate data.
 */
async function readHeader(feed: ByteFeed, later: boolean): Promise<'end' | 'padding' | 'truncated' | 'bad' | 'ok'> {
  let h = await feed.next();
  if (h === undefined) return 'end';
  if (later && h[0] === 0) return 'padding';
  for (;;) {
    const n = headerLength(h);
    if (n > 0) {
      feed.unshift([h.subarray(n)]);
      return 'ok';
    }
    if (n < 0 || h.length > MAX_HEADER_BYTES) return 'bad';
    const more = await feed.next();
    if (more === undefined) return 'truncated';
    h = Buffer.concat([h, more]);
  }
}

/** Length of the gzip member header that `h` starts with; 0 when more bytes are needed; -1 when it is not one. */
function headerLength(h: Buffer): number {
  // Judge the bytes there are, so that a short bad header is 'bad' and not 'truncated'.
  for (let i = 0; i < Math.min(MAGIC_AND_METHOD.length, h.length); i++) if (h[i] !== MAGIC_AND_METHOD[i]) return -1;
  if (h.length > 3 && h[3]! & FRESERVED) return -1;
  if (h.length < 10) return 0;
  const flags = h[3]!;
  let at = 10;
  if (flags & FEXTRA) {
    if (h.length < at + 2) return 0;
    at += 2 + h.readUInt16LE(at);
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flags & flag)) continue;
    const z = at < h.length ? h.indexOf(0, at) : -1;
    if (z === -1) return 0;
    at = z + 1;
  }
  if (flags & FHCRC) {
    if (h.length < at + 2) return 0;
    if (h.readUInt16LE(at) !== (crc32(h.subarray(0, at)) & 0xffff)) return -1;
    at += 2;
  }
  return h.length < at ? 0 : at;
}

/** True for an error from zlib (bad data), as opposed to one from the source. */
function isZlibError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

/** A byte source that bytes can be put back into, counting the bytes taken (the offset in the input). */
class ByteFeed {
  /** Put-back chunks, the next one last. */
  private back: Buffer[] = [];
  /** Bytes taken and not put back. */
  offset = 0;

  constructor(private readonly src: AsyncIterator<Buffer>) {}

  /** The next non-empty chunk, or undefined at the end of the input. */
  async next(): Promise<Buffer | undefined> {
    let b = this.back.pop();
    while (b === undefined) {
      const r = await this.src.next();
      if (r.done) return undefined;
      if (r.value.length > 0) b = r.value;
    }
    this.offset += b.length;
    return b;
  }

  /** Exactly the next `n` bytes, or undefined when the input ends first. */
  async read(n: number): Promise<Buffer | undefined> {
    const parts: Buffer[] = [];
    let have = 0;
    while (have < n) {
      const b = await this.next();
      if (b === undefined) return undefined;
      parts.push(b);
      have += b.length;
    }
    const all = parts.length === 1 ? parts[0]! : Buffer.concat(parts, have);
    this.unshift([all.subarray(n)]);
    return all.subarray(0, n);
  }

  /** Puts bytes back in front (`chunks` in input order). */
  unshift(chunks: Buffer[]): void {
    for (let i = chunks.length - 1; i >= 0; i--) {
      const b = chunks[i]!;
      if (b.length === 0) continue;
      this.back.push(b);
      this.offset -= b.length;
    }
  }
}
