/**
 * The byte prefilter of the local read path: in a `{"Records":[…]}` document (what CloudTrail delivers), the
 * records that cannot belong to the principals a command reports on are counted but never `JSON.parse`d.
 *
 * Two halves. The scan (`prefilter-scan.ts`) reads the bytes: record spans, needles, each skipped record's Region
 * and time; it runs in this thread or in a scan worker beside the decompression. Here, in the thread that holds
 * the tally, a scan becomes items: a record the scan let through is parsed, and so is one whose Region is not yet
 * one the tally holds a call in (the Regions read reach the suggestion, `core/trail/region-coverage.ts`, so a
 * Region seen only in skipped records is parsed); the others are counted in or outside the window. Every parsed
 * span must parse as an object, else the file takes the full path (`formats.ts`).
 *
 * A file whose only damage lies inside a skipped record's body is read for the principals where the full path
 * would refuse the whole file; delivered files are machine-written and gzip-checked (CRC), so this is a
 * hand-edited file's case.
 */

import type { PrincipalFilter } from '../../core/trail/prefilter.js';
import { scanDocument, type DocumentScan } from './prefilter-scan.js';
import type { FileSink, RecordPrefilter } from './sink.js';

export type { RecordPrefilter } from './sink.js';

/**
 * The prefilter of a read into `tally` for the principals of `needles`: a record is skipped only when its Region
 * is one the tally already holds a call in, so the Regions read (which reach the suggestion) come out as without it.
 */
export function prefilterInto(needles: PrincipalFilter, tally: { readonly ledger: { regionsSeen(): Iterable<string> } }): RecordPrefilter {
  return { needles, knownRegions: () => tally.ledger.regionsSeen() };
}

/**
 * Reads a compact `{"Records":[…]}` document through the prefilter into `sink`: records that may be the
 * principals' are parsed and given to the sink, the others counted (`FileSink.unparsed`). Returns false, having
 * given the sink nothing, when the document is not one this path reads (then read it the full way).
 */
export function readPrefiltered(sink: FileSink, data: Buffer, from: number, prefilter: RecordPrefilter): boolean {
  const scan = scanDocument(data, from, prefilter.needles, sink.scanWindow);
  return scan !== undefined && readScanned(sink, data, scan, prefilter.knownRegions?.() ?? []);
}

/**
 * Gives `sink` the items of a scanned document (see the module comment), the tally holding calls in
 * `knownRegions`. Returns false, having given the sink nothing, when a span it parses is not a JSON object
 * (then read the document the full way).
 */
export function readScanned(sink: FileSink, data: Buffer, scan: DocumentScan, knownRegions: Iterable<string>): boolean {
  const n = scan.starts.length;
  const known = new Set(knownRegions);
  const regionKnown = scan.regions.map((r) => known.has(r));
  const parsed: Array<Record<string, unknown> | undefined> = new Array<Record<string, unknown> | undefined>(n);
  for (let k = 0; k < n; k++) {
    if (!scan.pass[k] && regionKnown[scan.region[k]!]) continue;
    let v: unknown;
    try {
      v = JSON.parse(data.toString('utf8', scan.starts[k], scan.ends[k]));
    } catch {
      return false;
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    parsed[k] = v as Record<string, unknown>;
  }
  for (let k = 0; k < n; k++) {
    const v = parsed[k];
    if (v) sink.record(v, k);
    else sink.unparsed(scan.outside[k] === 1);
  }
  return true;
}

