/**
 * Worker-thread entry of the parallel trail reader (`parallel-pool.ts`). Each worker loads the bundled
 * normalizer once, then reads the files the main thread hands out, one after another in the order received
 * (the next one is read ahead while the current one is normalized), tallying into its own
 * {@link ActivityTally}; at the end it sends the tally's snapshot and its stats, once ({@link WorkerPart}).
 * Memory per worker: two files' items (or stream batches for large files) plus its tally.
 *
 * Protocol (main → worker): `{ type: 'file', index, path }`, then `{ type: 'finish' }`.
 * (worker → main): `{ type: 'ready' }` once loaded, `{ type: 'done', index }` after each file (files are
 * processed in the order sent; the pool keeps at most two outstanding per worker),
 * `{ type: 'part', tally, stats }` after `finish`, `{ type: 'failed', message, stack }` on an unexpected error.
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { InvariantError } from '../../core/errors.js';
import { bundledNormalizerOnFirstUse } from './bundled-mapping.js';
import { ActivityTally, type TallySnapshot } from '../../core/usage/tally.js';
import { createTrailStats, type TrailItem, type TrailParseOptions, type TrailReadStats } from '../trail-decode/sink.js';
import { readTrailFile } from './trail-reader.js';
import { idSpillWriter } from './id-spill-files.js';
import type { TimeWindow } from '../../core/usage/time-window.js';

/** What the pool passes as `workerData`. */
export interface WorkerInit {
  window?: TimeWindow;
  filterRecords?: boolean;
  maxProblemsPerFile?: number;
  wholeFileMaxBytes?: number;
  examplesPerCode: number;
  /** Test hook: throw (an unexpected error) when asked to read a path containing this text. */
  failOnPath?: string;
  /** Keep at most `window` event ids in memory and spill the rest to files in `dir` (`id-spill-files.ts`). */
  idSpill?: { dir: string; window: number };
}

/** What one worker contributes to a read: its tally's serializable form and its reader's stats. */
export interface WorkerPart {
  tally: TallySnapshot;
  stats: TrailReadStats;
}

/** Messages from the main thread. */
export type ToWorker = { type: 'file'; index: number; path: string } | { type: 'finish' };

/** Messages to the main thread. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; index: number }
  | ({ type: 'part' } & WorkerPart)
  | { type: 'failed'; message: string; stack?: string };

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new InvariantError('parallel-worker.js must run in a worker thread');
  const init = workerData as WorkerInit;
  const send = (m: FromWorker): void => port.postMessage(m);
  const stats = createTrailStats();
  const tally = new ActivityTally(bundledNormalizerOnFirstUse(), init.examplesPerCode);
  const parseOptions: TrailParseOptions = {
    window: init.window,
    filterRecords: init.filterRecords,
    maxProblemsPerFile: init.maxProblemsPerFile,
    stats,
  };
  if (init.idSpill) tally.spillIdsTo(idSpillWriter(init.idSpill.dir, `w${threadId}`), init.idSpill.window);
  // The pool keeps up to two files queued here. Each file starts reading (disk, gunzip on the thread pool,
  // parsing) as soon as it arrives, so the next file decompresses while this thread normalizes the current
  // one; a chain of promises still adds their items to the tally strictly in arrival order.
  let chain = Promise.resolve();
  port.on('message', (m: ToWorker) => {
    let batches: AsyncGenerator<TrailItem[]> | undefined;
    let first: Promise<IteratorResult<TrailItem[]>> | undefined;
    if (m.type === 'file' && !(init.failOnPath && m.path.includes(init.failOnPath))) {
      batches = readTrailFile(m.path, parseOptions, { wholeFileMaxBytes: init.wholeFileMaxBytes, syncSmallFiles: true });
      first = batches.next();
      first.catch(() => undefined); // surfaced in order, by the chain below
    }
    chain = chain
      .then(async () => {
        if (m.type === 'finish') {
          const part = tally.snapshot();
          // The ids (20 bytes each) move to the main thread rather than being copied.
          port.postMessage({ type: 'part', tally: part, stats } satisfies FromWorker, [part.ids.buffer as ArrayBuffer]);
          port.close();
          return;
        }
        if (!batches || !first) throw new Error(`test hook: failing on ${m.path}`);
        tally.startInput(m.index);
        for (let r = await first; !r.done; r = await batches.next()) {
          for (const item of r.value) tally.add(item);
        }
        send({ type: 'done', index: m.index });
      })
      .catch((err: unknown) => {
        const e = err instanceof Error ? err : new Error(String(err));
        send({ type: 'failed', message: e.message, stack: e.stack });
        port.close();
      });
  });
  send({ type: 'ready' });
}

main().catch((err: unknown) => {
  const e = err instanceof Error ? err : new Error(String(err));
  parentPort?.postMessage({ type: 'failed', message: e.message, stack: e.stack } satisfies FromWorker);
});
