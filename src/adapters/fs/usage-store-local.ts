/**
 * Local trail files read through the usage store (`--store DIR`): the files the walk finds (same order, same
 * pruning by their delivery path), each keyed by its absolute path, size and modification time; a file whose
 * entry matches is not opened. Files are read in this thread (no worker threads: a first run with the store is
 * as slow as `--jobs 1`; later runs read only new files). The walk's own problems (a missing path) are inputs
 * too, counted at their place and never stored.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ActivityItem } from '../../core/ports/activity-source.js';
import { readThroughStore, type EntryStore, type ObjectContent, type ObjectRef, type ReadThroughResult } from '../../core/store/read-through.js';
import type { Normalizer } from '../../core/trail/normalize.js';
import type { ActivityTally } from '../../core/usage/tally.js';
import type { TimeWindow } from '../../core/usage/time-window.js';
import { createTrailStats, type TrailReadStats } from '../trail-decode/sink.js';
import { retractCopies } from './tally-read.js';
import { addTrailStats, readTrailFile, walkTrailInputs } from './trail-reader.js';

/** Validator of a walk's problem input: never stored, never found. */
const NOT_STORED = '';

/** Reads local `paths` into `tally` through `store`; returns the read's stats and how many files came from the store. */
export async function readLocalThroughStore(
  tally: ActivityTally,
  paths: string[],
  window: TimeWindow,
  store: EntryStore,
  normalize: Normalizer,
): Promise<{ stats: TrailReadStats } & ReadThroughResult> {
  const stats = createTrailStats();
  const refs: ObjectRef[] = [];
  const walkItems = new Map<string, ActivityItem[]>();
  // Keyed by the absolute path; read by the path as the walk found it (problems name the file as the user gave it).
  const given = new Map<string, string>();
  for await (const found of walkTrailInputs(paths, { window }, stats)) {
    const input = refs.length;
    if (found.kind === 'file') {
      const s = await stat(found.path).catch(() => undefined);
      // A file gone since the walk: read (and reported) like any other, never stored.
      given.set(resolve(found.path), found.path);
      refs.push({ name: resolve(found.path), validator: s ? `size:${s.size}:mtime:${s.mtimeMs}` : NOT_STORED, input });
    } else {
      const name = `walk problem ${input}`;
      walkItems.set(name, found.items);
      refs.push({ name, validator: NOT_STORED, input });
    }
  }
  const result = await readThroughStore(tally, refs, store, {
    normalize,
    window,
    read: (fresh) => readWhole(fresh, walkItems, given),
    reread: (inputs) => retractCopies(tally, inputs, paths, { window }),
    onObject: (_ref, _from, more) => addTrailStats(stats, more),
  });
  return { stats, ...result };
}

/** Reads files whole (no window), each with its own counters; a walk problem yields its items. */
async function* readWhole(refs: readonly ObjectRef[], walkItems: Map<string, ActivityItem[]>, given: Map<string, string>): AsyncGenerator<ObjectContent> {
  for (const ref of refs) {
    const problems = walkItems.get(ref.name);
    if (problems) {
      yield { name: ref.name, items: problems, stats: createTrailStats(), failed: true };
      continue;
    }
    const stats = createTrailStats();
    const items: ActivityItem[] = [];
    for await (const batch of readTrailFile(given.get(ref.name) ?? ref.name, { stats })) items.push(...batch);
    yield { name: ref.name, items, stats, failed: ref.validator === NOT_STORED || stats.problemsByCode['not-found'] !== undefined || stats.problemsByCode.unreadable !== undefined };
  }
}
