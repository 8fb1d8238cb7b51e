/**
 * The files behind the duplicate check's spill (`core/usage/id-spill.ts`): one folder per read, made under the
 * system's temporary folder (`TMPDIR`) and removed when the read ends. Each writer (a worker thread) appends to
 * its own file per partition, `<writer>-p<partition>.ids`, so threads never share a file; the reader reads a
 * partition's files back in fixed chunks. Bytes are the entries' words in this machine's byte order: the files
 * never outlive the process that wrote them. Disk: 20 bytes per event id counted.
 */
import { appendFileSync, closeSync, openSync, readdirSync, readSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENTRY_WORDS } from '../../core/usage/event-ids.js';
import type { ActivityTally } from '../../core/usage/tally.js';
import type { IdSpillReader, IdSpillWriter } from '../../core/usage/id-spill.js';

/** Entries read back at a time: 52,428 × 20 bytes ≈ 1 MiB, whatever the size of a partition's files. */
const CHUNK_ENTRIES = 52_428;

/** Makes the spill folder of one read. */
export function createIdSpillDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'policy-trim-ids-'));
}

/** Removes the spill folder of a read (never fails: a leftover temporary folder is not worth an error). */
export async function removeIdSpillDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true }).catch(() => undefined);
}

/** A writer appending to `dir/<name>-p<partition>.ids` (`name`: one per thread, e.g. `w1`). */
export function idSpillWriter(dir: string, name: string): IdSpillWriter {
  return {
    append(partition, entries) {
      appendFileSync(join(dir, `${name}-p${partition}.ids`), new Uint8Array(entries.buffer, entries.byteOffset, entries.byteLength));
    },
  };
}

/** A reader of every writer's files in `dir`. Call it once the writers are done. */
export function idSpillReader(dir: string): IdSpillReader {
  const names = readdirSync(dir);
  // One chunk for every partition, made when a file is first read: a partition's chunks are looked at before the
  // next is read, and a read that spilled nothing (most reads) allocates none.
  let chunk: Uint32Array | undefined;
  return {
    *read(partition) {
      const suffix = `-p${partition}.ids`;
      for (const name of names) {
        if (!name.endsWith(suffix)) continue;
        const words = (chunk ??= new Uint32Array(CHUNK_ENTRIES * ENTRY_WORDS));
        const bytes = new Uint8Array(words.buffer);
        const fd = openSync(join(dir, name), 'r');
        try {
          // A chunk is yielded only when whole: a short read is topped up before the entries are looked at.
          let filled = 0;
          for (;;) {
            const n = readSync(fd, bytes, filled, bytes.length - filled, null);
            filled += n;
            if (n > 0 && filled < bytes.length) continue;
            const whole = filled - (filled % (ENTRY_WORDS * 4));
            if (whole > 0) yield words.subarray(0, whole / 4);
            if (n === 0) break;
            filled = 0;
          }
        } finally {
          closeSync(fd);
        }
      }
    },
  };
}

/**
 * Runs a read into `tally` in this thread with its event ids past `window` spilled to a temporary folder (no
 * folder when `window` is undefined). `read` fills the tally (told whether ids spill, so that it numbers its
 * inputs); if ids were spilled, a final merge names the inputs holding copies it counted twice, and `retract`
 * reads them again. The folder is removed whatever happens.
 */
export async function readWithSpilledIds<T>(
  tally: ActivityTally,
  window: number | undefined,
  read: (spilling: boolean) => Promise<T>,
  retract: (inputs: number[]) => Promise<void>,
): Promise<T> {
  const dir = window !== undefined ? await createIdSpillDir() : undefined;
  try {
    if (dir) tally.spillIdsTo(idSpillWriter(dir, 'main'), window);
    const result = await read(dir !== undefined);
    if (dir && tally.spilledIds) {
      const inputs = tally.merge([], idSpillReader(dir));
      if (inputs.length > 0) await retract(inputs);
    }
    return result;
  } finally {
    if (dir) await removeIdSpillDir(dir);
  }
}
