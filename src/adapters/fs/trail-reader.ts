/**
 * Reads CloudTrail records from local files and directories.
 *
 * - What is read, in which order, and what is pruned or skipped unopened: the walk, `trail-walk.ts`.
 * - Streaming: files are read one after another with a small bounded read-ahead ({@link DEFAULT_READ_AHEAD}
 *   files being read and decompressed while the current one is parsed), so memory does not grow with the
 *   number of files. Files up to {@link WHOLE_FILE_MAX_BYTES} are read whole (fastest: one JSON.parse); larger
 *   ones are streamed, NDJSON line by line.
 * - Bad input never stops the run: see `adapters/trail-decode/` for the problems reported.
 */

import type { FileHandle } from 'node:fs/promises';
import { InvariantError } from '../../core/errors.js';
import { createTrailStats, FileSink, SKIPPED_EXAMPLES, type TrailItem, type TrailParseOptions, type TrailReadStats } from '../trail-decode/sink.js';
import { decodeInput, parseDecodedInput, parseScannedRecords, parseTrailStream, readError, type DecodedInput } from '../trail-decode/decode.js';
import type { DocumentScan } from '../trail-decode/prefilter-scan.js';
import type { ScanPool, ScanReply } from './scan-protocol.js';
import { readSmallFileSync } from './small-file.js';
import { nodeTrailFs, walkTrailInputs, type TrailFs, type TrailInput, type TrailWalkOptions } from './trail-walk.js';

export { nodeTrailFs, walkTrailInputs, type TrailFs, type TrailInput, type TrailWalkOptions } from './trail-walk.js';

/** Files read and decompressed ahead of the one being parsed: overlaps disk and gunzip (thread pool) with parsing. */
export const DEFAULT_READ_AHEAD = 4;

/**
 * Files up to this size (bytes on disk) are read whole; larger ones are streamed. 16 MiB: delivered CloudTrail
 * files are far smaller (a few KB to a few MB gzip), so they all take the fast path (one JSON.parse), while
 * what the read-ahead holds stays bounded at about read-ahead × this size × the gzip ratio (~10 for
 * CloudTrail JSON). Larger files are streamed one at a time and never read ahead.
 */
export const WHOLE_FILE_MAX_BYTES = 16 * 1024 * 1024;

/** Options of {@link readTrail}. */
export interface TrailReadOptions extends Omit<TrailParseOptions, 'stats' | 'window'>, TrailWalkOptions {
  /** Files read ahead (≥ 1; default {@link DEFAULT_READ_AHEAD}). */
  readAhead?: number;
  /** Files larger than this (bytes) are streamed instead of read whole (default {@link WHOLE_FILE_MAX_BYTES}). */
  wholeFileMaxBytes?: number;
  /** Called before the items of each input, with its place in the walk (what `ActivityTally.startInput` takes). */
  onInput?: (index: number) => void;
  /**
   * Worker threads that read, decompress and prefilter-scan each file (`scan-pool.ts`), for a read with a
   * `principalFilter`; the items are made here, in walk order, against the Regions the tally holds by then.
   */
  scanPool?: ScanPool;
}

/** A read in progress: iterate it once (per item, or per batch with `batches()`), then read `stats`. */
export interface TrailRead extends AsyncIterable<TrailItem> {
  /** Counters, complete once iteration has finished. */
  readonly stats: TrailReadStats;
  /** The same items grouped per file (or per chunk of a large file): one await per batch instead of per item. */
  batches(): AsyncIterable<TrailItem[]>;
}

/**
 * A file ready to be parsed: problems met opening it (`items`), its bytes decompressed (`decoded`: parsed when its
 * turn comes, so a prefilter reads it against the Regions of every earlier file; `scannedElsewhere` when a scan
 * worker found it in a shape the prefilter does not read), a scan worker's scan with the bytes of the records it
 * says may be parsed (`scanned`), or its open handle (`stream`, for a file too large to read whole).
 */
type Prepared =
  | { kind: 'items'; items: TrailItem[] }
  | { kind: 'decoded'; path: string; input: DecodedInput; scannedElsewhere?: boolean }
  | { kind: 'scanned'; path: string; size: number; data: Buffer; scan: DocumentScan }
  | { kind: 'stream'; path: string; handle: FileHandle };

/** A file prepared in this thread. */
type PreparedHere = Exclude<Prepared, { kind: 'scanned' }>;

/**
 * Reads CloudTrail records from files and directories. Returns a single-use iterable of items (records and
 * problems) in a deterministic order, and the run's stats.
 *
 * ```ts
 * const read = readTrail(['logs/'], { window });
 * for await (const item of read) { ... }
 * console.error(read.stats.records, read.stats.problems);
 * ```
 */
export function readTrail(paths: string[], options: TrailReadOptions = {}): TrailRead {
  const stats = createTrailStats();
  let started = false;
  const batches = (): AsyncIterable<TrailItem[]> => {
    if (started) throw new InvariantError('readTrail: a read can be iterated only once; call readTrail again');
    started = true;
    return readBatches(paths, options, stats);
  };
  return {
    stats,
    batches,
    [Symbol.asyncIterator]: () => flatten(batches()[Symbol.asyncIterator]()),
  };
}

/** Flattens batches into items with one resolved promise per item (cheaper than an async generator's yield). */
function flatten(source: AsyncIterator<TrailItem[]>): AsyncIterator<TrailItem> {
  let batch: TrailItem[] = [];
  let i = 0;
  return {
    async next(): Promise<IteratorResult<TrailItem>> {
      while (i >= batch.length) {
        const r = await source.next();
        if (r.done) return { done: true, value: undefined };
        batch = r.value;
        i = 0;
      }
      return { done: false, value: batch[i++] };
    },
    async return(): Promise<IteratorResult<TrailItem>> {
      await source.return?.();
      return { done: true, value: undefined };
    },
  };
}

async function* readBatches(paths: string[], options: TrailReadOptions, stats: TrailReadStats): AsyncGenerator<TrailItem[]> {
  const fs = options.fs ?? nodeTrailFs;
  const readAhead = Math.max(1, Math.floor(options.readAhead ?? DEFAULT_READ_AHEAD));
  const wholeMax = options.wholeFileMaxBytes ?? WHOLE_FILE_MAX_BYTES;
  const parseOptions: TrailParseOptions = {
    window: options.window,
    filterRecords: options.filterRecords,
    maxProblemsPerFile: options.maxProblemsPerFile,
    stats,
    principalFilter: options.principalFilter,
  };
  const walker = walkTrailInputs(paths, { ...options, fs }, stats)[Symbol.asyncIterator]();
  const queue: Array<Promise<Prepared>> = [];
  // The walk's place of each queued input, in queue order.
  const places: number[] = [];
  let walkIndex = 0;
  let walked = false;

  const pool = options.scanPool;
  const prepare = async (found: TrailInput): Promise<Prepared> => {
    if (found.kind === 'problem') return { kind: 'items', items: found.items };
    if (pool) {
      const reply = await pool.scan(found.path, [...(parseOptions.principalFilter?.knownRegions?.() ?? [])]);
      if (reply.kind !== 'unread') return prescannedFile(found.path, reply);
    }
    return openTrailFile(found.path, parseOptions, fs, wholeMax);
  };

  try {
    for (;;) {
      while (!walked && queue.length < readAhead) {
        const r = await walker.next();
        if (r.done) walked = true;
        else {
          const prepared = prepare(r.value);
          // A worker's failure rejects every file it holds; the first one awaited reports it.
          prepared.catch(() => undefined);
          queue.push(prepared);
          places.push(walkIndex++);
        }
      }
      const next = queue.shift();
      if (!next) return;
      let p = await next;
      // The consumer has taken every item before this one: the input's items follow.
      options.onInput?.(places.shift()!);
      if (p.kind === 'scanned') {
        const items = parseScannedRecords(p.path, p.size, parseOptions, p.data, p.scan);
        if (items) {
          if (items.length > 0) yield items;
          continue;
        }
        // A record to parse is not JSON: what is wrong can only be told from the whole file, read here again.
        p = await openTrailFile(p.path, parseOptions, fs, wholeMax);
      }
      if (p.kind !== 'stream') {
        // Parsed now, not when read ahead: the tally holds every earlier file's calls (their Regions count).
        const items = p.kind === 'items' ? p.items : parseDecodedInput(p.path, p.input, parseOptions, p.scannedElsewhere);
        if (items.length > 0) yield items;
        continue;
      }
      try {
        const stream = p.handle.createReadStream({ highWaterMark: 1024 * 1024 });
        for await (const batch of parseTrailStream(p.path, stream, parseOptions)) if (batch.length > 0) yield batch;
      } finally {
        await p.handle.close().catch(() => undefined);
      }
    }
  } finally {
    // Iteration stopped early (or failed): release what was read ahead.
    for (const q of queue) {
      const p = await q.catch(() => undefined);
      if (p?.kind === 'stream') await p.handle.close().catch(() => undefined);
    }
    await walker.return?.(undefined);
  }
}

/** A file a scan worker read, decompressed and scanned. */
function prescannedFile(path: string, reply: Exclude<ScanReply, { kind: 'unread' }>): Prepared {
  const data = Buffer.from(reply.data.buffer, reply.data.byteOffset, reply.data.byteLength);
  if (reply.kind === 'scanned') return { kind: 'scanned', path, size: reply.size, data, scan: reply.scan };
  return { kind: 'decoded', path, input: { size: reply.size, data, truncated: false }, scannedElsewhere: true };
}

/** Opens one file: small ones are read and parsed whole; larger ones are returned open, to be streamed. */
async function openTrailFile(path: string, parseOptions: TrailParseOptions, fs: TrailFs, wholeMax: number): Promise<PreparedHere> {
  let handle: FileHandle | undefined;
  try {
    handle = await fs.open(path);
    const st = await handle.stat();
    if (st.size > wholeMax) {
      const h = handle;
      handle = undefined;
      return { kind: 'stream', path, handle: h };
    }
    return { kind: 'decoded', path, input: await decodeInput(await handle.readFile()) };
  } catch (err) {
    const sink = new FileSink(path, parseOptions);
    openError(sink, err);
    return { kind: 'items', items: sink.items };
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Reads one trail file (already chosen by {@link walkTrailInputs}) in batches, exactly as {@link readTrail}
 * reads each file: whole up to `wholeFileMaxBytes`, streamed beyond. Adds to `parseOptions.stats`. Never
 * throws for bad input (problems are items). Used by the worker threads of the parallel reader, which set
 * `syncSmallFiles`: with the machine's file system (no `options.fs`) a small file is then read with synchronous
 * calls, which only a thread with nothing else to run can afford.
 */
export async function* readTrailFile(
  path: string,
  parseOptions: TrailParseOptions,
  options: Pick<TrailReadOptions, 'fs' | 'wholeFileMaxBytes'> & { syncSmallFiles?: boolean } = {},
): AsyncGenerator<TrailItem[]> {
  const wholeMax = options.wholeFileMaxBytes ?? WHOLE_FILE_MAX_BYTES;
  const sync = options.syncSmallFiles && options.fs === undefined ? preparedSync(path, wholeMax) : undefined;
  const p = await (sync ?? openTrailFile(path, parseOptions, options.fs ?? nodeTrailFs, wholeMax));
  if (p.kind !== 'stream') {
    const items = p.kind === 'items' ? p.items : parseDecodedInput(p.path, p.input, parseOptions);
    if (items.length > 0) yield items;
    return;
  }
  try {
    const stream = p.handle.createReadStream({ highWaterMark: 1024 * 1024 });
    for await (const batch of parseTrailStream(p.path, stream, parseOptions)) if (batch.length > 0) yield batch;
  } finally {
    await p.handle.close().catch(() => undefined);
  }
}

/** A small file read with synchronous calls (`small-file.ts`) and decoded, or undefined: read it the asynchronous way. */
function preparedSync(path: string, wholeMax: number): Promise<PreparedHere> | undefined {
  const data = readSmallFileSync(path, wholeMax);
  return data && decodeInput(data).then((input): PreparedHere => ({ kind: 'decoded', path, input }));
}

function openError(sink: FileSink, err: unknown): void {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'EACCES' || e?.code === 'EPERM') {
    sink.problem(
      'unreadable',
      `cannot read ${sink.file}: permission denied (${e.code}). Check the file's permissions (or run as a user ` +
        'who can read it); the other files were read.',
    );
  } else if (e?.code === 'ENOENT') {
    sink.problem('not-found', `${sink.file} disappeared while reading (ENOENT); run again if the files were being moved.`);
  } else if (e?.code === 'EISDIR') {
    sink.problem('unreadable', `${sink.file} is a directory where a file was expected; run again.`);
  } else {
    readError(sink, err);
  }
}

/**
 * Adds one read's stats to a running total: counters summed, problems by code summed, skipped-file examples
 * kept in order up to {@link SKIPPED_EXAMPLES}. Used wherever several reads make one run (worker threads,
 * local and remote sources).
 */
export function addTrailStats(total: TrailReadStats, more: Partial<TrailReadStats> & Pick<TrailReadStats, 'problemsByCode'>): void {
  for (const key of Object.keys(more) as Array<keyof TrailReadStats>) {
    const v = more[key];
    if (typeof v === 'number') (total[key] as number) += v;
  }
  for (const [code, n] of Object.entries(more.problemsByCode)) total.problemsByCode[code] = (total.problemsByCode[code] ?? 0) + n;
  for (const ex of more.skippedExamples ?? []) if (total.skippedExamples.length < SKIPPED_EXAMPLES) total.skippedExamples.push(ex);
  if (more.readThrough !== undefined) total.readThrough = total.readThrough ? `${total.readThrough}, ${more.readThrough}` : more.readThrough;
}

