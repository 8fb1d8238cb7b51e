/**
 * Writing results: to stdout, or atomically to `--out FILE` (write a temporary file beside it, then rename), so
 * a user's file is never left half-written.
 */
import { randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CliError } from './errors.js';
import type { CliIo } from './io.js';

/** Write `text` to `out` atomically, or to stdout when `out` is undefined or `-`. */
export async function writeResult(text: string, out: string | undefined, io: CliIo): Promise<void> {
  if (out === undefined || out === '-') {
    io.stdout(text);
    return;
  }
  const tmp = join(dirname(out), `.${basename(out)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text, { encoding: 'utf8', flag: 'wx' });
    await rename(tmp, out);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw new CliError('output-not-written', `cannot write ${out}: ${(e as Error).message}`, 'Check that the directory exists and is writable.');
  }
}
