/**
 * Writing results: to stdout, or atomically to `--out FILE` / `--report FILE` (write a temporary file beside
 * each, then rename), so a user's file is never left half-written. Several outputs of one run are written
 * together: every temporary file first, and only when all were written are they renamed (and stdout printed),
 * so a failing `--report` never leaves a replaced `--out` behind. An existing file keeps its mode.
 */
import { randomBytes } from 'node:crypto';
import { chmod, open, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CliError, usageError } from './errors.js';
import type { CliIo } from './io.js';

/**
 * One output of a run: its text and where it goes (`undefined` or `-` is stdout). A text too large to hold as
 * one string (a fleet's JSON report) is given as chunks, written one after the other.
 */
export interface ResultOutput {
  text: string | Iterable<string>;
  path: string | undefined;
}

/** Write `text` to `out` atomically, or to stdout when `out` is undefined or `-`. */
export async function writeResult(text: string, out: string | undefined, io: CliIo): Promise<void> {
  await writeResults([{ text, path: out }], io);
}

/**
 * Write several outputs as one: each file output goes to a temporary file beside its target (with the
 * target's mode when it exists); when every one was written they are renamed into place and the stdout ones
 * printed. When one fails, the temporary files are removed, no target is touched and nothing is printed.
 */
export async function writeResults(outputs: ResultOutput[], io: CliIo): Promise<void> {
  const staged: Array<{ tmp: string; path: string }> = [];
  try {
    for (const o of outputs) {
      if (isStdout(o.path)) continue;
      staged.push({ tmp: await stage(o.text, o.path), path: o.path });
    }
  } catch (e) {
    await Promise.all(staged.map((s) => unlink(s.tmp).catch(() => undefined)));
    throw e;
  }
  for (const s of staged) {
    try {
      await rename(s.tmp, s.path);
    } catch (e) {
      await unlink(s.tmp).catch(() => undefined);
      throw notWritten(s.path, e);
    }
  }
  for (const o of outputs) {
    if (!isStdout(o.path)) continue;
    if (typeof o.text === 'string') io.stdout(o.text);
    else for (const chunk of o.text) io.stdout(chunk);
  }
}

/** Writes `text` to a new temporary file beside `path`, with the mode of an existing `path`; returns its name. */
async function stage(text: string | Iterable<string>, path: string): Promise<string> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const mode = await stat(path).then((s) => (s.isFile() ? s.mode & 0o7777 : undefined), () => undefined);
    if (typeof text === 'string') await writeFile(tmp, text, { encoding: 'utf8', flag: 'wx', ...(mode !== undefined ? { mode } : {}) });
    else await writeChunks(tmp, text, mode);
    // writeFile's mode is filtered by the umask: set it exactly, so a 600 file stays 600 (and a 664 one 664).
    if (mode !== undefined) await chmod(tmp, mode);
    return tmp;
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw notWritten(path, e);
  }
}

/** Writes `chunks` to a new file one after the other (no string of the whole). */
async function writeChunks(path: string, chunks: Iterable<string>, mode: number | undefined): Promise<void> {
  const handle = await open(path, 'wx', mode);
  try {
    for (const chunk of chunks) await handle.write(chunk, null, 'utf8');
  } finally {
    await handle.close();
  }
}

function isStdout(path: string | undefined): path is undefined {
  return path === undefined || path === '-';
}

function notWritten(path: string, e: unknown): CliError {
  return new CliError('output-not-written', `cannot write ${path}: ${(e as Error).message}`, NOT_WRITTEN_HINTS[(e as NodeJS.ErrnoException).code ?? ''] ?? NOT_WRITTEN_HINT);
}

/** What to do when an output file cannot be written, by the error's errno name (Node's `SystemError.code`). */
const NOT_WRITTEN_HINTS: Readonly<Record<string, string>> = {
  ENOENT: 'The folder does not exist: create it, or name a file in a folder that does.',
  ENOTDIR: 'A part of the path is a file, not a folder: name a file in a folder that exists.',
  EISDIR: 'The path is a folder: name a file in it (for example FOLDER/policy.json).',
  EACCES: 'Permission denied: choose a folder you can write to, or change its permissions.',
  EPERM: 'The operation is not permitted there: choose a folder you can write to.',
  EROFS: 'The file system is read-only: choose a writable folder.',
  ENOSPC: 'The disk is full: free some space, or write to another disk.',
  EDQUOT: 'A disk quota is exhausted: free some space, or write elsewhere.',
};
const NOT_WRITTEN_HINT = 'Check that the folder exists and is writable.';

/**
 * Refuses output files that would overwrite an input or each other: `--out` (or `--report`) naming one of the
 * `inputs` (the same file, also through a link), or two outputs naming the same file. `force` allows it.
 * Throws a usage error naming both options.
 */
export async function checkOutputTargets(
  outputs: Array<{ option: string; path: string | undefined }>,
  inputs: Array<{ option: string; path: string }>,
  force: boolean,
): Promise<void> {
  if (force) return;
  const files = outputs.filter((o): o is { option: string; path: string } => !isStdout(o.path));
  const ids = new Map<string, string>();
  for (const i of inputs) for (const id of await fileIds(i.path)) ids.set(id, `${i.option} ${i.path}`);
  for (const o of files) {
    for (const id of await fileIds(o.path)) {
      const other = ids.get(id);
      if (other) {
        throw usageError(
          `${o.option} ${o.path} would overwrite ${other}`,
          `Write to another file, or pass --force to overwrite it anyway.`,
        );
      }
    }
    for (const id of await fileIds(o.path)) ids.set(id, `${o.option} ${o.path}`);
  }
}

/**
 * What identifies a file: its resolved path and, when it exists, its device and inode (so a symbolic or hard
 * link to the same file matches).
 */
async function fileIds(path: string): Promise<string[]> {
  const ids = [`path:${resolve(path)}`];
  const st = await stat(path).catch(() => undefined);
  if (st?.isFile()) ids.push(`ino:${st.dev}:${st.ino}`);
  return ids;
}
