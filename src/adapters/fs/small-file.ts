/**
 * A small file read whole with synchronous calls, for a worker thread that has nothing else to run meanwhile (the
 * parallel reader's workers, the scan workers): one stat and one read cost a third of the CPU of a FileHandle's
 * open, stat, read and close (~0.1 against ~0.3 ms a file on the bench trail; docs/BENCHMARKS.md).
 */
import { readFileSync, statSync } from 'node:fs';

/**
 * The bytes of the file at `path`, or undefined when it is larger than `maxBytes` or cannot be read: the caller
 * then reads it the asynchronous way, which reports any error as it always does.
 */
export function readSmallFileSync(path: string, maxBytes: number): Buffer | undefined {
  try {
    return statSync(path).size > maxBytes ? undefined : readFileSync(path);
  } catch {
    return undefined;
  }
}
