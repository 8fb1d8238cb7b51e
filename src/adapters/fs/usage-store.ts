/**
 * The usage store's files (`docs/usage-store.md`): a folder of append-only segment files, each written whole to a
 * temporary name, flushed to disk (fsync) and renamed into place, so a process killed at any moment leaves either
 * no segment or a complete one (a leftover `.tmp-*` file is ignored, and removed by `prune`). A segment that
 * does not check out (its SHA-256 trailer) is skipped with a warning: its objects are read again. Two runs
 * sharing a folder each write their own segments (unique names), so they never write the same file; `prune`
 * rewrites the live entries into one new segment before removing the old ones, under a lock file, so a run
 * reading meanwhile sees every entry in the old segments or the new one.
 *
 * A segment: `PTSTORE\n`, a u32 (little-endian) length and a JSON head `{format, fingerprint, entries, written}`,
 * the entries, then the SHA-256 of everything before. An entry: a u32 length of the rest, a u32 length of its key
 * (`name`, a NUL, `validator`, UTF-8), the key, then `core/store/entry.ts`'s bytes compressed with raw deflate
 * (level 1: a fifth of the size, for a tenth of the time decoding takes). Entries of another fingerprint (another
 * version of the tool or its bundled data) are never used.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { decodeEntry, encodeEntry, STORE_FORMAT, StoreFormatError, type StoreEntry } from '../../core/store/entry.js';
import type { EntryStore } from '../../core/store/read-through.js';
import { PolicyTrimError } from '../../core/errors.js';

const MAGIC = Buffer.from('PTSTORE\n', 'latin1');
const SEGMENT_SUFFIX = '.pts';
const TMP_PREFIX = '.tmp-';
const HASH_BYTES = 32;

/** Entries buffered before a segment is written mid-run: a long first run keeps what it read if it is killed. */
export const ENTRIES_PER_SEGMENT = 500;

/** One segment as read: its file, head, and where each entry's bytes are. */
interface Segment {
  file: string;
  bytes: number;
  format: number;
  fingerprint: string;
  written: string;
  /** Each entry's key, where its record starts (for rewriting it whole) and where its compressed bytes are. */
  entries: Array<{ name: string; validator: string; record: number; at: number; length: number }>;
  buffer: Buffer;
}

/** What `store info` prints. */
export interface UsageStoreInfo {
  dir: string;
  format: number;
  segments: number;
  bytes: number;
  /** Entries this version can use (one per object and validator). */
  entries: number;
  /** Entries written by another version of the tool or its data (never used; `prune` drops them). */
  otherVersion: number;
  /** Entries of an object whose bytes were later stored again under another validator (`prune` drops them). */
  superseded: number;
  /** Segments skipped because they did not check out. */
  damaged: string[];
  /** Leftover temporary files of runs that were stopped while writing. */
  leftovers: number;
  /** Earliest and latest record time over usable entries (ms), when any. */
  firstTime?: number;
  lastTime?: number;
}

/** The usage store in a folder: see the module comment. */
export class UsageStore implements EntryStore {
  private readonly index = new Map<string, { segment: Segment; at: number; length: number }>();
  private pending: Uint8Array[] = [];
  private segments: Segment[] = [];
  /** Segments skipped (damaged), said once by the CLI. */
  readonly warnings: string[] = [];
  /** Entries written by this process. */
  written = 0;

  private constructor(
    readonly dir: string,
    readonly fingerprint: string,
    private readonly entriesPerSegment: number,
  ) {}

  /**
   * Opens (creating it if needed) the store in `dir`. Throws {@link StoreFormatError} for a newer format.
   * `entriesPerSegment`: entries buffered before a segment is written mid-run (default {@link ENTRIES_PER_SEGMENT}).
   */
  static open(dir: string, fingerprint: string, options: { entriesPerSegment?: number } = {}): UsageStore {
    mkdirSync(dir, { recursive: true });
    const store = new UsageStore(dir, fingerprint, Math.max(1, options.entriesPerSegment ?? ENTRIES_PER_SEGMENT));
    store.load();
    return store;
  }

  /** Reads every segment's head and index; retried when a concurrent `prune` removed a segment meanwhile. */
  private load(): void {
    for (let attempt = 0; ; attempt++) {
      try {
        this.segments = [];
        this.warnings.length = 0;
        for (const file of segmentFiles(this.dir)) {
          const s = readSegment(this.dir, file);
          if (typeof s === 'string') this.warnings.push(s);
          else this.segments.push(s);
        }
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5) throw e;
      }
    }
    this.index.clear();
    for (const segment of this.segments) {
      if (segment.fingerprint !== this.fingerprint) continue;
      for (const e of segment.entries) this.index.set(key(e.name, e.validator), { segment, at: e.at, length: e.length });
    }
  }

  /** @inheritdoc */
  get(name: string, validator: string): StoreEntry | undefined {
    const found = this.index.get(key(name, validator));
    if (!found) return undefined;
    return decodeEntry(inflateRawSync(found.segment.buffer.subarray(found.at, found.at + found.length)));
  }

  /** @inheritdoc Written as part of a segment every {@link ENTRIES_PER_SEGMENT} entries and on {@link flush}. */
  put(entry: StoreEntry): void {
    this.pending.push(packEntry(entry));
    if (this.pending.length >= this.entriesPerSegment) this.flush();
  }

  /** Writes the entries put since the last flush as one new segment (atomically; nothing when there are none). */
  flush(): void {
    if (this.pending.length === 0) return;
    const entries = this.pending;
    this.pending = [];
    writeSegment(this.dir, this.fingerprint, entries);
    this.written += entries.length;
  }

  /** What the folder holds (see {@link UsageStoreInfo}). */
  info(): UsageStoreInfo {
    const live = liveEntries(this.segments, this.fingerprint);
    let entries = 0;
    let otherVersion = 0;
    for (const s of this.segments) {
      if (s.fingerprint === this.fingerprint) entries += s.entries.length;
      else otherVersion += s.entries.length;
    }
    let firstTime = Infinity;
    let lastTime = -Infinity;
    for (const e of live) {
      const d = unpackEntry(e.bytes);
      if (d.firstTime !== undefined && d.firstTime < firstTime) firstTime = d.firstTime;
      if (d.lastTime !== undefined && d.lastTime > lastTime) lastTime = d.lastTime;
    }
    return {
      dir: this.dir,
      format: STORE_FORMAT,
      segments: this.segments.length,
      bytes: this.segments.reduce((n, s) => n + s.bytes, 0),
      entries: live.length,
      otherVersion,
      superseded: entries - live.length,
      damaged: [...this.warnings],
      leftovers: readdirSync(this.dir).filter((f) => f.startsWith(TMP_PREFIX)).length,
      ...(firstTime <= lastTime ? { firstTime, lastTime } : {}),
    };
  }

  /**
   * Rewrites the live entries (this version's, the newest validator of each object, and with `keepAfter` only
   * objects holding a record at or after it) into one segment, then removes the segments it replaces, damaged
   * ones, and temporary files older than an hour. Returns how many entries were dropped and bytes freed.
   */
  prune(options: { keepAfter?: Date; now?: Date } = {}): { dropped: number; before: number; after: number } {
    return withLock(this.dir, () => {
      this.load();
      const before = this.info();
      const live = liveEntries(this.segments, this.fingerprint).filter((e) => {
        if (!options.keepAfter) return true;
        const d = unpackEntry(e.bytes);
        return d.lastTime === undefined || d.lastTime >= options.keepAfter.getTime();
      });
      if (live.length > 0) writeSegment(this.dir, this.fingerprint, live.map((e) => e.bytes));
      for (const s of this.segments) unlinkQuiet(join(this.dir, s.file));
      for (const w of before.damaged) unlinkQuiet(join(this.dir, w.split(' ')[0]!));
      const hourAgo = (options.now ?? new Date()).getTime() - 3_600_000;
      for (const f of readdirSync(this.dir)) {
        if (f.startsWith(TMP_PREFIX) && statSync(join(this.dir, f)).mtimeMs < hourAgo) unlinkQuiet(join(this.dir, f));
      }
      this.load();
      const total = before.entries + before.superseded + before.otherVersion;
      return { dropped: total - live.length, before: before.bytes, after: this.info().bytes };
    });
  }
}

function key(name: string, validator: string): string {
  return `${name}\u0000${validator}`;
}

/** The segment files of `dir`, oldest first (names start with the time written). */
function segmentFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith(SEGMENT_SUFFIX) && !f.startsWith(TMP_PREFIX)).sort();
}

/** This version's entries, the newest validator of each object (segments are oldest first), as bytes. */
function liveEntries(segments: readonly Segment[], fingerprint: string): Array<{ name: string; bytes: Uint8Array }> {
  const newest = new Map<string, { name: string; bytes: Uint8Array }>();
  for (const s of segments) {
    if (s.fingerprint !== fingerprint) continue;
    for (const e of s.entries) newest.set(e.name, { name: e.name, bytes: s.buffer.subarray(e.record, e.at + e.length) });
  }
  return [...newest.values()];
}

/**
 * Reads one segment: its head and entry index, or a warning (a string starting with the file name) when it does
 * not check out. Throws {@link StoreFormatError} for a newer format, and ENOENT when it was removed meanwhile.
 */
function readSegment(dir: string, file: string): Segment | string {
  const buffer = readFileSync(join(dir, file));
  const bad = (why: string) => `${file} in the usage store ${dir} is damaged (${why}): it is not used, and its objects are read again; \`policy-trim store prune\` removes it`;
  if (buffer.length < MAGIC.length + 4 + HASH_BYTES || !buffer.subarray(0, MAGIC.length).equals(MAGIC)) return bad('not a store segment');
  const headLength = buffer.readUInt32LE(MAGIC.length);
  const headEnd = MAGIC.length + 4 + headLength;
  if (headEnd > buffer.length - HASH_BYTES) return bad('its head runs past its end');
  let head: { format?: unknown; fingerprint?: unknown; entries?: unknown; written?: unknown };
  try {
    head = JSON.parse(buffer.subarray(MAGIC.length + 4, headEnd).toString('utf8')) as typeof head;
  } catch {
    return bad('its head is not JSON');
  }
  if (typeof head.format !== 'number') return bad('its head has no format');
  if (head.format > STORE_FORMAT) throw new StoreFormatError(dir, head.format);
  const body = buffer.subarray(0, buffer.length - HASH_BYTES);
  if (!createHash('sha256').update(body).digest().equals(buffer.subarray(buffer.length - HASH_BYTES))) return bad('its checksum does not match');
  const entries: Segment['entries'] = [];
  for (let at = headEnd; at < body.length; ) {
    const end = at + 4 + body.readUInt32LE(at);
    const keyLength = body.readUInt32LE(at + 4);
    const [name = '', validator = ''] = body.subarray(at + 8, at + 8 + keyLength).toString('utf8').split('\u0000');
    if (end > body.length) return bad('an entry runs past its end');
    entries.push({ name, validator, record: at, at: at + 8 + keyLength, length: end - (at + 8 + keyLength) });
    at = end;
  }
  return { file, bytes: buffer.length, format: head.format, fingerprint: String(head.fingerprint), written: String(head.written), entries, buffer };
}

/** Writes `entries` as one new segment: a temporary file, fsync'd, renamed into place, then the folder fsync'd. */
function writeSegment(dir: string, fingerprint: string, entries: readonly Uint8Array[]): string {
  const head = Buffer.from(JSON.stringify({ format: STORE_FORMAT, fingerprint, entries: entries.length, written: new Date().toISOString() }), 'utf8');
  const parts: Uint8Array[] = [MAGIC, u32(head.length), head, ...entries];
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p);
  parts.push(hash.digest());
  const name = `${Date.now().toString(36).padStart(9, '0')}-${process.pid}-${randomBytes(4).toString('hex')}${SEGMENT_SUFFIX}`;
  const tmp = join(dir, TMP_PREFIX + name);
  const fd = openSync(tmp, 'wx');
  try {
    for (const p of parts) writeSync(fd, p);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, name));
  fsyncDir(dir);
  return name;
}

/** An entry as it sits in a segment: its length, its key, its bytes deflated (see the module comment). */
function packEntry(entry: StoreEntry): Buffer {
  const key = Buffer.from(`${entry.name}\u0000${entry.validator}`, 'utf8');
  const body = deflateRawSync(encodeEntry(entry), { level: 1 });
  return Buffer.concat([u32(4 + key.length + body.length), u32(key.length), key, body]);
}

/** The entry of a record {@link packEntry} made. */
function unpackEntry(record: Uint8Array): StoreEntry {
  const b = Buffer.from(record.buffer, record.byteOffset, record.byteLength);
  return decodeEntry(inflateRawSync(b.subarray(8 + b.readUInt32LE(4))));
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

/** Makes a rename durable (POSIX: the folder's entry is flushed); not possible on Windows, where it is skipped. */
function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows cannot open a folder for fsync; the rename itself is atomic there too.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone (another prune, or never written)
  }
}

/** Runs `fn` holding `dir/prune.lock` (created exclusively); a lock whose process is gone is taken over. */
function withLock<T>(dir: string, fn: () => T): T {
  const lock = join(dir, 'prune.lock');
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
      const pid = Number(readFileSync(lock, 'utf8'));
      if (processAlive(pid)) {
        throw new PolicyTrimError({ code: 'store-busy', message: `the usage store ${dir} is being pruned by process ${pid} (${lock}).`, hint: 'Run again when it is done.' });
      }
      unlinkQuiet(lock);
    }
  }
  try {
    return fn();
  } finally {
    unlinkQuiet(lock);
  }
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
