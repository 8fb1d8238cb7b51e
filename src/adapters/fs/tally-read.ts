/**
 * Local trail files into a tally in this thread (`readTrailInto`), and the re-reading that takes back a copy
 * counted twice (`retractCopies`, also used after a merge of worker threads, `parallel-pool.ts`). With
 * `idWindow`, the duplicate check keeps a bounded window of event ids and spills the rest to a temporary folder
 * (`core/usage/id-spill.ts`), so memory stays flat in the number of records here too.
 */
import type { ActivityTally } from '../../core/usage/tally.js';
import { createTrailStats, type TrailReadStats } from '../trail-decode/sink.js';
import { readWithSpilledIds } from './id-spill-files.js';
import { readTrail, readTrailFile, walkTrailInputs, type TrailReadOptions } from './trail-reader.js';

/** Options of {@link readTrailInto}. */
export interface TallyReadOptions extends Omit<TrailReadOptions, 'onInput'> {
  /** Keep at most this many event ids in memory and spill the rest; leave it out when more is read into the tally afterwards. */
  idWindow?: number;
  /** Called after each batch (a file, or a chunk of a large one), for a progress line. */
  onBatch?: (stats: TrailReadStats) => void;
}

/** Reads `paths` into `tally` in this thread and returns the read's stats. */
export async function readTrailInto(paths: string[], tally: ActivityTally, options: TallyReadOptions): Promise<TrailReadStats> {
  const read = async (spilling: boolean): Promise<TrailReadStats> => {
    // Each input's place in the walk, so that a spilled copy names the file to read again.
    const r = readTrail(paths, { ...options, ...(spilling ? { onInput: (index: number) => tally.startInput(index) } : {}) });
    for await (const batch of r.batches()) {
      for (const item of batch) tally.add(item);
      options.onBatch?.(r.stats);
    }
    return r.stats;
  };
  return readWithSpilledIds(tally, options.idWindow, read, (inputs) => retractCopies(tally, inputs, paths, options));
}

/**
 * Reads again, in this thread, the inputs (walk indexes) whose records had already been counted from an earlier
 * input (or, past a spilled window, earlier in the same input), and takes those copies back from the tally. Only
 * those files are read again: none in an ordinary read; every later copy when the same folder is given twice (a
 * slower run, never a wrong one). Walks the inputs again rather than keeping every path of the read (memory: one
 * path per file).
 */
export async function retractCopies(tally: ActivityTally, inputs: number[], paths: string[], options: Omit<TrailReadOptions, 'onInput'>): Promise<void> {
  const want = new Set(inputs);
  // The stats of this second read are thrown away: the files were counted when first read.
  const stats = createTrailStats();
  const parseOptions = { window: options.window, filterRecords: options.filterRecords, maxProblemsPerFile: options.maxProblemsPerFile, stats };
  let index = 0;
  for await (const found of walkTrailInputs(paths, options, stats)) {
    const input = index++;
    if (found.kind !== 'file' || !want.delete(input)) continue;
    for await (const batch of readTrailFile(found.path, parseOptions, options)) for (const item of batch) tally.retract(input, item);
    if (want.size === 0) break;
  }
  tally.settleRetractions();
}
