/**
 * Reading remote activity sources (trail buckets, Event history) into the tally in this thread, with the
 * duplicate check's memory flat in the number of records when every source can read an input again: past a
 * window the event ids spill to a temporary folder (`core/usage/id-spill.ts`), and the copies found once the
 * read is over are taken back by reading their objects again (none in an ordinary read).
 */
import { readWithSpilledIds } from '../adapters/fs/id-spill-files.js';
import { DEFAULT_ID_WINDOW } from '../core/usage/id-spill.js';
import type { ActivityQuery, ActivityReadSummary, ActivitySource } from '../core/ports/activity-source.js';
import type { ActivityTally } from '../core/usage/tally.js';
import type { Normalizer } from '../core/trail/normalize.js';
import { isStorable, readThroughStore, type EntryStore, type StorableSource } from '../core/store/read-through.js';

/** A source to read, with the label its warnings carry. */
export interface LabelledSource {
  label: string;
  source: ActivitySource;
}

/**
 * Reads each source into `tally`, in order, calling `after` with each read's summary. With `only` (nothing is
 * added to the tally before or after) and every source able to read again, event ids beyond the tally's window go to
 * disk and the merge that ends the read is final.
 */
export async function readSourcesInto(
  tally: ActivityTally,
  sources: readonly LabelledSource[],
  query: ActivityQuery,
  options: {
    only: boolean;
    idWindow?: number;
    after: (label: string, summary: ActivityReadSummary) => void;
    /** Read trail buckets through this usage store (every event id then stays in memory: no spill). */
    store?: StoreUse;
  },
): Promise<void> {
  const store = options.store;
  const canSpill = !store && options.only && sources.length > 0 && sources.every((s) => s.source.readAgain);
  // Inputs in reading order (one per object): what a spilled copy's input index names, to read it again.
  const inputs: Array<{ source: ActivitySource; file: string }> = [];
  // Through the store, objects are merged by their places: after local files read before them, never among them.
  const base = store && !options.only ? AFTER_LOCAL_INPUTS : 0;
  const read = async (spilling: boolean): Promise<void> => {
    for (const { label, source } of sources) {
      if (store && source.readAgain && isStorable(source)) {
        options.after(label, await readThrough(tally, source, query, store, inputs, base));
        continue;
      }
      const r = source.read(query);
      let file: string | undefined;
      for await (const item of r) {
        if ((spilling || store) && item.kind === 'record' && item.source.file !== file) {
          file = item.source.file;
          tally.startInput(base + inputs.length);
          inputs.push({ source, file });
        }
        tally.add(item);
      }
      options.after(label, r.summary());
    }
  };
  await readWithSpilledIds(tally, canSpill ? (options.idWindow ?? DEFAULT_ID_WINDOW) : undefined, read, (reread) => retractCopies(tally, reread, inputs, query, 0));
}

/** Reads again the objects holding copies counted twice (`reread`: their input indexes) and takes the copies back. */
async function retractCopies(tally: ActivityTally, reread: number[], inputs: Array<{ source: ActivitySource; file: string }>, query: ActivityQuery, base: number): Promise<void> {
  const bySource = new Map<ActivitySource, Map<string, number>>();
  for (const input of reread) {
    const { source, file } = inputs[input - base]!;
    const files = bySource.get(source) ?? new Map<string, number>();
    files.set(file, input);
    bySource.set(source, files);
  }
  for (const [source, files] of bySource) {
    for await (const item of source.readAgain!([...files.keys()], query)) {
      const input = item.kind === 'record' ? files.get(item.source.file) : undefined;
      if (input !== undefined) tally.retract(input, item);
    }
  }
  tally.settleRetractions();
}

/**
 * First place of remote inputs read through the store after local files (whose places are their walk indexes):
 * far above any walk, within the u32 an event id's input is kept in (`event-ids.ts`).
 */
const AFTER_LOCAL_INPUTS = 2 ** 30;

/** The usage store a read goes through, and what it did (for the summary line). */
export interface StoreUse {
  store: EntryStore;
  normalize: Normalizer;
  fromStore: number;
  read: number;
}

/**
 * Reads one storable source through the store (`core/store/read-through.ts`): its objects numbered after the
 * inputs so far, copies counted twice taken back by reading their objects again with the run's window.
 */
async function readThrough(
  tally: ActivityTally,
  source: ActivitySource & StorableSource,
  query: ActivityQuery,
  use: StoreUse,
  inputs: Array<{ source: ActivitySource; file: string }>,
  base: number,
): Promise<ActivityReadSummary> {
  const r = source.storableRead(query);
  const refs = (await r.list()).map((o) => {
    inputs.push({ source, file: o.name });
    return { ...o, input: base + inputs.length - 1 };
  });
  const done = await readThroughStore(tally, refs, use.store, {
    normalize: use.normalize,
    window: { since: query.since, until: query.until },
    read: (fresh) => r.read(fresh),
    reread: (copies) => retractCopies(tally, copies, inputs, query, base),
    onObject: (_ref, _from, stats) => r.count(stats),
  });
  use.fromStore += done.fromStore;
  use.read += done.read;
  return r.summary();
}
