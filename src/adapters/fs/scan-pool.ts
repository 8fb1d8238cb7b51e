/**
 * Worker threads that read, decompress and prefilter-scan trail files for a read that reports on known principals
 * (`usage --role`, `suggest`, `pr`): the per-byte work of such a read, spread over the CPUs, while the reading
 * thread parses only the few records the scans let through and keeps the tally (`trail-reader.ts`). The workers
 * load no catalog, so they answer their first file ~0.1 s after starting (a worker that loads it: ~0.25 s more).
 * Answers come back in any order; the reader awaits them in walk order.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PrincipalFilter } from '../../core/trail/prefilter.js';
import type { ScanWindow } from '../trail-decode/prefilter-scan.js';
import { ParallelReadError } from './parallel-pool.js';
import { SCAN_WORKER_YOUNG_GENERATION_MB, type ScanPool, type ScanReply, type ScanRequest, type ScanWorkerInit } from './scan-protocol.js';

export type { ScanPool, ScanReply } from './scan-protocol.js';

/** Options of {@link createScanPool}. */
export interface ScanPoolOptions extends ScanWorkerInit {
  /** Worker threads (≥ 1). */
  jobs: number;
  /** The worker entry (default: {@link scanWorkerEntryUrl}). */
  workerUrl?: URL;
}

/**
 * The worker entry, `scan-worker.js` next to this module, when it exists (compiled, `dist/`); undefined when
 * running from TypeScript source, where callers read in their own thread (tests pass the compiled one).
 */
export function scanWorkerEntryUrl(): URL | undefined {
  const here = new URL('./scan-worker.js', import.meta.url);
  return existsSync(fileURLToPath(here)) ? here : undefined;
}

interface Pending {
  path: string;
  resolve: (r: ScanReply) => void;
  reject: (e: Error) => void;
}

interface ScanThread {
  worker: Worker;
  pending: Map<number, Pending>;
}

/** Starts `jobs` scan workers for the principals of `needles` (and `window`, when the read filters by time). */
export function createScanPool(options: ScanPoolOptions): ScanPool {
  const url = options.workerUrl ?? scanWorkerEntryUrl();
  if (!url) throw new ParallelReadError('the worker entry scan-worker.js is not built: run `npm run build`, or read with --jobs 1', undefined);
  const init: ScanWorkerInit = {
    needles: options.needles satisfies PrincipalFilter,
    ...(options.window ? { window: options.window satisfies ScanWindow } : {}),
    wholeFileMaxBytes: options.wholeFileMaxBytes,
    streamDocumentBytes: options.streamDocumentBytes,
  };
  const threads: ScanThread[] = [];
  let failed: ParallelReadError | undefined;
  let nextId = 0;
  let closing = false;
  // A worker that fails (or cannot start) fails the read: its files, and every later one, are rejected.
  const failAll = (thread: ScanThread, why: string): void => {
    const file = thread.pending.values().next().value?.path;
    failed ??= new ParallelReadError(
      file ? `scanning ${file} failed in a worker thread: ${why}. This is a bug in policy-trim; --jobs 1 reads without workers.` : `a scan worker thread failed: ${why}`,
      file,
    );
    for (const p of thread.pending.values()) p.reject(failed);
    thread.pending.clear();
  };
  for (let j = 0; j < Math.max(1, Math.floor(options.jobs)); j++) {
    const thread: ScanThread = { worker: new Worker(url, { workerData: init, resourceLimits: { maxYoungGenerationSizeMb: SCAN_WORKER_YOUNG_GENERATION_MB } }), pending: new Map() };
    thread.worker.on('message', (reply: ScanReply) => {
      const p = thread.pending.get(reply.id);
      thread.pending.delete(reply.id);
      p?.resolve(reply);
    });
    thread.worker.on('error', (err: Error) => failAll(thread, err.message));
    thread.worker.on('exit', (code) => {
      if (!closing) failAll(thread, `it exited (code ${code})`);
    });
    threads.push(thread);
  }
  return {
    scan(path: string, knownRegions: readonly string[]): Promise<ScanReply> {
      if (failed) return Promise.reject(failed);
      // The thread with the fewest files outstanding; ties go to the first.
      let thread = threads[0]!;
      for (const t of threads) if (t.pending.size < thread.pending.size) thread = t;
      const id = nextId++;
      return new Promise<ScanReply>((resolve, reject) => {
        thread.pending.set(id, { path, resolve, reject });
        thread.worker.postMessage({ id, path, knownRegions } satisfies ScanRequest);
      });
    },
    async close(): Promise<void> {
      closing = true;
      await Promise.all(threads.map((t) => t.worker.terminate().catch(() => undefined)));
    },
  };
}
