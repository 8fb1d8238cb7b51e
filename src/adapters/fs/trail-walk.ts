/**
 * The walk of a local read: which files `readTrail` (and the worker pool) open, in which order, and what is
 * skipped or pruned without being opened.
 *
 * - Inputs are files and directories, walked depth first with entries in sorted order (every run reads in the
 *   same order). Inside directories only trail-looking names are read (`.json`, `.json.gz`, `.jsonl`, `.ndjson`,
 *   and those with `.gz`); others (named in the stats as not a CloudTrail file name), hidden files and
 *   `CloudTrail-Digest` files are skipped unopened and counted. A file named explicitly is always read.
 * - S3 delivery layout (`AWSLogs/[o-ORG/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/`): year, month and day folders
 *   (and standard file names) that cannot hold records in the window are pruned from their path alone, before
 *   anything inside is listed, stat'ed or opened (margin: see `core/trail/layout.ts`).
 * - Symlinks are followed; a folder whose real path was listed already is skipped as a loop (the set of real
 *   paths grows with the number of folders, never with files).
 */

import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { TimeWindow } from '../../core/usage/time-window.js';
import { isDigestPath, pathMayHoldWindow } from '../../core/trail/layout.js';
import { FileSink, SKIPPED_EXAMPLES, type TrailItem, type TrailReadStats } from '../trail-decode/sink.js';
import { readError } from '../trail-decode/decode.js';

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

/** What the walk needs to know. */
export interface TrailWalkOptions {
  window?: TimeWindow;
  /** Delay allowed between a record's eventTime and its file's delivery, for pruning (ms; default 24 h). */
  maxDeliveryDelayMs?: number;
  /** File-system implementation (default `node:fs`). */
  fs?: TrailFs;
}

/** File names read when found inside a directory. */
const TRAIL_FILE_RE = /\.(json|jsonl|ndjson)(\.gz)?$|\.gz$/i;

/** What {@link walkTrailInputs} finds: a file to read, or problems met while walking (missing input, loop...). */
export type TrailInput = { kind: 'file'; path: string } | { kind: 'problem'; items: TrailItem[] };

/**
 * Lists the files `readTrail` reads, in the same order, with the same pruning and skipping, adding
 * the walk's counters (filesSeen, dirsPruned, filesPruned, filesSkipped, walk problems) to `stats`. Lets
 * another reader (the worker pool) hand the files out.
 */
export function walkTrailInputs(paths: string[], options: TrailWalkOptions, stats: TrailReadStats): AsyncGenerator<TrailInput> {
  return walk(paths, options, options.fs ?? nodeTrailFs, stats);
}

/** Counts a file skipped unopened, keeping the first few as examples. */
function skip(stats: TrailReadStats, path: string): void {
  stats.filesSkipped++;
  if (stats.skippedExamples.length < SKIPPED_EXAMPLES) stats.skippedExamples.push(path);
}

/** The problem items of an input or folder that could not be walked (missing, unreadable). */
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
  window: TrailWalkOptions['window'];
  prune: { maxDeliveryDelayMs: TrailWalkOptions['maxDeliveryDelayMs'] };
  /** Real paths of the folders already listed (a symlink back to one is skipped). */
  visited: Set<string>;
}

/** Lists the files to read, depth first in sorted order, pruning by the window and skipping non-trail files. */
async function* walk(paths: string[], options: TrailWalkOptions, fs: TrailFs, stats: TrailReadStats): AsyncGenerator<TrailInput> {
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
async function listDir(ctx: WalkContext, path: string): Promise<{ entries: Awaited<ReturnType<TrailFs['readdir']>> } | { problem: TrailInput }> {
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
async function entryKind(ctx: WalkContext, child: string, entry: Awaited<ReturnType<TrailFs['readdir']>>[number]): Promise<'dir' | 'file' | 'other' | TrailInput> {
  if (!entry.isSymbolicLink()) return entry.isDirectory() ? 'dir' : entry.isFile() ? 'file' : 'other';
  try {
    const st = await ctx.fs.stat(child);
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
  } catch (err) {
    return { kind: 'problem', items: problemItems(ctx.stats, child, err, 'input') };
  }
}

/** The files under one folder, depth first in sorted order. */
async function* walkDir(ctx: WalkContext, path: string): AsyncGenerator<TrailInput> {
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
