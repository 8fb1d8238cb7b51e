/**
 * Worker-thread entry of the parallel trail reader (`parallel-pool.ts`). Each worker loads the bundled
 * normalizer once, then reads one file at a time as the main thread hands them out, normalizing and
 * aggregating into its own ledger; at the end it sends its {@link ActivityPart}. Memory per worker: one
 * file's items (or one stream batch for large files) plus its ledger.
 *
 * Protocol (main → worker): `{ type: 'file', index, path }`, then `{ type: 'finish' }`.
 * (worker → main): `{ type: 'ready' }` once loaded, `{ type: 'done', index }` after each file,
 * `{ type: 'part', part }` after `finish`, `{ type: 'failed', message, stack }` on an unexpected error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadBundledNormalizer } from './bundled-mapping.js';
import { PartCollector, type ActivityPart } from './parallel-activity.js';
import { createTrailStats, type TrailParseOptions } from './trail-parse.js';
import { readTrailFile } from './trail-reader.js';
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
}

/** Messages from the main thread. */
export type ToWorker = { type: 'file'; index: number; path: string } | { type: 'finish' };

/** Messages to the main thread. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; index: number }
  | { type: 'part'; part: ActivityPart }
  | { type: 'failed'; message: string; stack?: string };

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('parallel-worker.js must run in a worker thread');
  const init = workerData as WorkerInit;
  const send = (m: FromWorker): void => port.postMessage(m);
  const stats = createTrailStats();
  const parseOptions: TrailParseOptions = {
    window: init.window,
    filterRecords: init.filterRecords,
    maxProblemsPerFile: init.maxProblemsPerFile,
    stats,
  };
  const collector = new PartCollector(loadBundledNormalizer(), init.examplesPerCode);
  // Files arrive one at a time (the next only after `done`), so a chain of promises keeps them in order.
  let chain = Promise.resolve();
  port.on('message', (m: ToWorker) => {
    chain = chain
      .then(async () => {
        if (m.type === 'finish') {
          send({ type: 'part', part: collector.part(stats) });
          port.close();
          return;
        }
        if (init.failOnPath && m.path.includes(init.failOnPath)) throw new Error(`test hook: failing on ${m.path}`);
        let seq = 0;
        for await (const batch of readTrailFile(m.path, parseOptions, { wholeFileMaxBytes: init.wholeFileMaxBytes })) {
          for (const item of batch) collector.add(item, [m.index, seq++]);
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
