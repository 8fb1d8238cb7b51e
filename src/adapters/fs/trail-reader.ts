/**
 * Reads CloudTrail records from local files and directories.
 *
 * - Inputs: files and directories (recursive, entries in sorted order so every run reads in the same order).
 *   Inside directories only trail-looking files are read (`.json`, `.json.gz`, `.jsonl`, `.ndjson`, `.gz`,
 *   and those with `.gz`); others (named in the stats as not a CloudTrail file name), hidden files and
 *   `CloudTrail-Digest` files are skipped without being opened, and counted. A file named explicitly is always
 *   read.
 * - S3 delivery layout (`AWSLogs/[o-ORG/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/`): year, month and day folders
 *   (and standard file names) that cannot hold records in the window are pruned from their path alone, before
 *   anything inside is listed, stat'ed or opened (margin: see `core/trail/layout.ts`).
 * - Streaming: files are read one after another with a small bounded read-ahead ({@link DEFAULT_READ_AHEAD}
 *   files being read and decompressed while the current one is parsed), so memory does not grow with the
 *   number of files (the set of directories already visited, kept to break symlink loops, grows with the
 *   number of folders only). Files up to {@link WHOLE_FILE_MAX_BYTES} are read whole (fastest: one
 *   JSON.parse); larger ones are streamed, NDJSON line by line.
 * - Bad input never stops the run: see `adapters/trail-decode/` for the problems reported.
 */

import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { InvariantError } from '../../core/errors.js';
import type { TimeWindow } from '../../core/usage/time-window.js';
import { isDigestPath, pathMayHoldWindow } from '../../core/trail/layout.js';
import { createTrailStats, FileSink, SKIPPED_EXAMPLES, type TrailItem, type TrailParseOptions, type TrailReadStats } from '../trail-decode/sink.js';
import { parseTrailBuffer, parseTrailStream, readError } from '../trail-decode/decode.js';


/** Files read and decompressed ahead of the one being parsed: overlaps disk and gunzip (thread pool) with parsing. */
export const DEFAULT_READ_AHEAD = 4;

/**
 * Files up to this size (bytes on disk) are read whole; larger ones are streamed. 16 MiB: delivered CloudTrail
 * files are far smaller (a few KB to a few MB gzip), so they all take the fast path (one JSON.parse), while
 * what the read-ahead holds stays bounded at about read-ahead × this size × the gzip ratio (~10 for
 * CloudTrail JSON). Larger files are streamed one at a time and never read ahead.
 */
export const WHOLE_FILE_MAX_BYTES = 16 * 1024 * 1024;

/** File names read when found inside a directory. */
const TRAIL_FILE_RE = /\.(json|jsonl|ndjson)(\.gz)?$|\.gz$/i;

/** The file-system calls the reader makes; inject to observe or fake them (tests). Defaults to `node:fs`. */
export interface TrailFs {
  stat(path: string): Promise<{ isFile(): boolean; isDirectory(): boolean; size: number }>;
  readdir(path: string): Promise<Array<{ name: string; isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }>>;
  realpath(path: string): Promise<string>;
  open(path: string): Promise<FileHandle>;
}

/** `node:fs` as a {@link TrailFs}. */
export const nodeTrailFs: TrailFs = {
  stat: (p) => fsp.stat(p),
  readdir: (p) => fsp.readdir(p, { withFileTypes: true }),
  realpath: (p) => fsp.realpath(p),
  open: (p) => fsp.open(p, 'r'),
};

/** Options of {@link readTrail}. */
export interface TrailReadOptions extends Omit<TrailParseOptions, 'stats'> {
  window?: TimeWindow;
  /** Delay allowed between a record's eventTime and its file's delivery, for pruning (ms; default 24 h). */
  maxDeliveryDelayMs?: number;
  /** Files read ahead (≥ 1; default {@link DEFAULT_READ_AHEAD}). */
  readAhead?: number;
  /** Files larger than this (bytes) are streamed instead of read whole (default {@link WHOLE_FILE_MAX_BYTES}). */
  wholeFileMaxBytes?: number;
  /** File-system implementation (default `node:fs`). */
  fs?: TrailFs;
}

/** A read in progress: iterate it once (per item, or per batch with `batches()`), then read `stats`. */
export interface TrailRead extends AsyncIterable<TrailItem> {
  /** Counters, complete once iteration has finished. */
  readonly stats: TrailReadStats;
  /** The same items grouped per file (or per chunk of a large file): one await per batch instead of per item. */
  batches(): AsyncIterable<TrailItem[]>;
}

type Found = TrailInput;

type Prepared =
  | { kind: 'items'; items: TrailItem[] }
  | { kind: 'stream'; path: string; handle: FileHandle };

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
  };
  const walker = walk(paths, options, fs, stats)[Symbol.asyncIterator]();
  const queue: Array<Promise<Prepared>> = [];
  let walked = false;

  const prepare = async (found: Found): Promise<Prepared> => {
    if (found.kind === 'problem') return { kind: 'items', items: found.items };
    return openTrailFile(found.path, parseOptions, fs, wholeMax);
  };

  try {
    for (;;) {
      while (!walked && queue.length < readAhead) {
        const r = await walker.next();
        if (r.done) walked = true;
        else queue.push(prepare(r.value));
      }
      const next = queue.shift();
      if (!next) return;
      const p = await next;
      if (p.kind === 'items') {
        if (p.items.length > 0) yield p.items;
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
      const p = await q;
      if (p.kind === 'stream') await p.handle.close().catch(() => undefined);
    }
    await walker.return?.(undefined);
  }
}

/** Opens one file: small ones are read and parsed whole; larger ones are returned open, to be streamed. */
async function openTrailFile(path: string, parseOptions: TrailParseOptions, fs: TrailFs, wholeMax: number): Promise<Prepared> {
  let handle: FileHandle | undefined;
  try {
    handle = await fs.open(path);
    const st = await handle.stat();
    if (st.size > wholeMax) {
      const h = handle;
      handle = undefined;
      return { kind: 'stream', path, handle: h };
    }
    const buf = await handle.readFile();
    return { kind: 'items', items: await parseTrailBuffer(path, buf, parseOptions) };
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
 * throws for bad input (problems are items). Used by the worker threads of the parallel reader.
 */
export async function* readTrailFile(
  path: string,
  parseOptions: TrailParseOptions,
  options: Pick<TrailReadOptions, 'fs' | 'wholeFileMaxBytes'> = {},
): AsyncGenerator<TrailItem[]> {
  const p = await openTrailFile(path, parseOptions, options.fs ?? nodeTrailFs, options.wholeFileMaxBytes ?? WHOLE_FILE_MAX_BYTES);
  if (p.kind === 'items') {
    if (p.items.length > 0) yield p.items;
    return;
  }
  try {
    const stream = p.handle.createReadStream({ highWaterMark: 1024 * 1024 });
    for await (const batch of parseTrailStream(p.path, stream, parseOptions)) if (batch.length > 0) yield batch;
  } finally {
    await p.handle.close().catch(() => undefined);
  }
}

/** What {@link walkTrailInputs} finds: a file to read, or problems met while walking (missing input, loop...). */
export type TrailInput = { kind: 'file'; path: string } | { kind: 'problem'; items: TrailItem[] };

/**
 * Lists the files {@link readTrail} would read, in the same order, with the same pruning and skipping, adding
 * the walk's counters (filesSeen, dirsPruned, filesPruned, filesSkipped, walk problems) to `stats`. Lets
 * another reader (the worker pool) hand the files out.
 */
export function walkTrailInputs(paths: string[], options: TrailReadOptions, stats: TrailReadStats): AsyncGenerator<TrailInput> {
  return walk(paths, options, options.fs ?? nodeTrailFs, stats);
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
export function addTrailStats(total: TrailReadStats, more: TrailReadStats): void {
  for (const key of Object.keys(more) as Array<keyof TrailReadStats>) {
    const v = more[key];
    if (typeof v === 'number') (total[key] as number) += v;
  }
  for (const [code, n] of Object.entries(more.problemsByCode)) total.problemsByCode[code] = (total.problemsByCode[code] ?? 0) + n;
  for (const ex of more.skippedExamples) if (total.skippedExamples.length < SKIPPED_EXAMPLES) total.skippedExamples.push(ex);
}

function skip(stats: TrailReadStats, path: string): void {
  stats.filesSkipped++;
  if (stats.skippedExamples.length < SKIPPED_EXAMPLES) stats.skippedExamples.push(path);
}

function problemItems(stats: TrailReadStats, path: string, err: unknown, what: 'input' | 'directory'): TrailItem[] {
  const sink = new FileSink(path, { stats });
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT' || e?.code === 'ENOTDIR') {
    sink.problem(
      'not-found',
      `${what === 'input' ? 'trail input' : 'directory'} ${path} does not exist (${e.code}). Check the path given to --trail; the other inputs were read.`,
    );
  } else if (e?.code === 'EACCES' || e?.code === 'EPERM') {
    sink.problem(
      'unreadable',
      `cannot read ${what} ${path}: permission denied (${e.code}). Check its permissions; the other inputs were read.`,
    );
  } else {
    readError(sink, err);
  }
  return sink.items;
}

/** What the walk carries from folder to folder. */
interface WalkContext {
  fs: TrailFs;
  stats: TrailReadStats;
  window: TrailReadOptions['window'];
  prune: { maxDeliveryDelayMs: TrailReadOptions['maxDeliveryDelayMs'] };
  /** Real paths of the folders already listed (a symlink back to one is skipped). */
  visited: Set<string>;
}

/** Lists the files to read, depth first in sorted order, pruning by the window and skipping non-trail files. */
async function* walk(paths: string[], options: TrailReadOptions, fs: TrailFs, stats: TrailReadStats): AsyncGenerator<Found> {
  const ctx: WalkContext = { fs, stats, window: options.window, prune: { maxDeliveryDelayMs: options.maxDeliveryDelayMs }, visited: new Set() };
  for (const input of paths) {
    let st: Awaited<ReturnType<TrailFs['stat']>>;
    try {
      st = await fs.stat(input);
    } catch (err) {
      yield { kind: 'problem', items: problemItems(stats, input, err, 'input') };
      continue;
    }
    if (st.isDirectory()) {
      if (!pathMayHoldWindow(input, ctx.window, ctx.prune)) {
        stats.dirsPruned++;
        continue;
      }
      yield* walkDir(ctx, input);
    } else {
      stats.filesSeen++;
      if (!pathMayHoldWindow(input, ctx.window, ctx.prune)) {
        stats.filesPruned++;
        continue;
      }
      yield { kind: 'file', path: input };
    }
  }
}

/** One folder's entries (sorted), or the problem that stopped listing it (unreadable, or a loop). */
async function listDir(ctx: WalkContext, path: string): Promise<{ entries: Awaited<ReturnType<TrailFs['readdir']>> } | { problem: Found }> {
  try {
    const real = await ctx.fs.realpath(path);
    if (ctx.visited.has(real)) {
      const sink = new FileSink(path, { stats: ctx.stats });
      sink.problem('symlink-loop', `${path} leads back to ${real}, which was already read; it was skipped to avoid reading twice.`);
      return { problem: { kind: 'problem', items: sink.items } };
    }
    ctx.visited.add(real);
    const entries = await ctx.fs.readdir(path);
    return { entries: [...entries].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0)) };
  } catch (err) {
    return { problem: { kind: 'problem', items: problemItems(ctx.stats, path, err, 'directory') } };
  }
}

/** Whether an entry is a folder or a file, following a symlink; a problem when the link is broken. */
async function entryKind(ctx: WalkContext, child: string, entry: Awaited<ReturnType<TrailFs['readdir']>>[number]): Promise<'dir' | 'file' | 'other' | Found> {
  if (!entry.isSymbolicLink()) return entry.isDirectory() ? 'dir' : entry.isFile() ? 'file' : 'other';
  try {
    const st = await ctx.fs.stat(child);
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
  } catch (err) {
    return { kind: 'problem', items: problemItems(ctx.stats, child, err, 'input') };
  }
}

/** The files under one folder, depth first in sorted order. */
async function* walkDir(ctx: WalkContext, path: string): AsyncGenerator<Found> {
  const listed = await listDir(ctx, path);
  if ('problem' in listed) {
    yield listed.problem;
    return;
  }
  const { stats } = ctx;
  for (const entry of listed.entries) {
    const name = entry.name;
    const child = join(path, name);
    const kind = await entryKind(ctx, child, entry);
    if (typeof kind !== 'string') {
      yield kind;
      continue;
    }
    if (kind === 'dir') {
      if (name === 'CloudTrail-Digest' || name.startsWith('.')) {
        stats.filesSkipped++; // a whole folder of non-records; counted once
        if (stats.skippedExamples.length < SKIPPED_EXAMPLES) stats.skippedExamples.push(`${child}/`);
        continue;
      }
      if (!pathMayHoldWindow(child, ctx.window, ctx.prune)) {
        stats.dirsPruned++;
        continue;
      }
      yield* walkDir(ctx, child);
    } else if (kind === 'file') {
      stats.filesSeen++;
      if (name.startsWith('.') || !TRAIL_FILE_RE.test(name) || isDigestPath(child)) {
        // Never opened: the example says why when it is the name (not a digest or a hidden file).
        skip(stats, TRAIL_FILE_RE.test(name) || name.startsWith('.') ? child : `${child}: not a CloudTrail file name`);
        continue;
      }
      if (!pathMayHoldWindow(child, ctx.window, ctx.prune)) {
        stats.filesPruned++;
        continue;
      }
      yield { kind: 'file', path: child };
    }
    // sockets, FIFOs, devices: not files to read; ignored
  }
}
