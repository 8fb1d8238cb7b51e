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
  return scan !== undefined && readScanned(sink, scan, (k) => data.toString('utf8', scan.starts[k], scan.ends[k]), prefilter.knownRegions?.() ?? []);
}

/**
 * What a scan says about each record of a document, without where its bytes are: which records must be parsed
 * and what is counted for the others.
 */
export type ScanVerdicts = Pick<DocumentScan, 'pass' | 'region' | 'regions' | 'outside'>;

/**
 * The records of a scanned document that the reading thread may parse, the tally holding calls in `known`: those
 * the scan let through, and those of a Region not in `known`. The Regions the tally holds only grow, so this is
 * every record {@link readScanned} will parse once the tally holds more.
 */
export function mayParse(scan: ScanVerdicts, known: ReadonlySet<string>): Uint8Array {
  const regionKnown = scan.regions.map((r) => known.has(r));
  const out = new Uint8Array(scan.pass.length);
  for (let k = 0; k < out.length; k++) if (scan.pass[k] || !regionKnown[scan.region[k]!]) out[k] = 1;
  return out;
}

/**
 * Gives `sink` the items of a scanned document (see the module comment), the tally holding calls in
 * `knownRegions`; `textOf(k)`: the text of record k, asked only for the records parsed. Returns false, having
 * given the sink nothing, when a text it parses is not a JSON object (then read the document the full way).
 */
export function readScanned(sink: FileSink, scan: ScanVerdicts, textOf: (k: number) => string, knownRegions: Iterable<string>): boolean {
  const n = scan.pass.length;
  const parse = mayParse(scan, new Set(knownRegions));
  const parsed: Array<Record<string, unknown> | undefined> = new Array<Record<string, unknown> | undefined>(n);
  for (let k = 0; k < n; k++) {
    if (!parse[k]) continue;
    let v: unknown;
    try {
      v = JSON.parse(textOf(k));
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
