/**
 * The messages between the scan pool (`scan-pool.ts`) and its worker threads (`scan-worker.ts`): one file path
 * in, its prefilter scan and the bytes of the records the reading thread may parse out, as transferable typed arrays.
 */
import type { PrincipalFilter } from '../../core/trail/prefilter.js';
import type { DocumentScan, ScanWindow } from '../trail-decode/prefilter-scan.js';

/**
 * The young generation of a scan worker's JavaScript heap (MiB). A worker allocates little JavaScript but one
 * decompressed buffer per file (hundreds of KiB, dead once scanned), freed only when V8 collects; with V8's default
 * young generation that took hundreds of files, and the process's peak RSS grew with the trail (1M records: 251 MiB
 * against 173 at 100k). Collecting every ~1 MiB of JavaScript: ~200 MiB at 1M, no slower (docs/BENCHMARKS.md).
 * The worker also nudges a collection itself (`scan-worker.ts`), sized by this.
 */
export const SCAN_WORKER_YOUNG_GENERATION_MB = 1;

/** What every scan worker is started with. */
export interface ScanWorkerInit {
  needles: PrincipalFilter;
  /** Classify skipped records by time (absent: the read does not filter by time). */
  window?: ScanWindow;
  /** Files larger than this (bytes on disk) are left to the reading thread, which streams them. */
  wholeFileMaxBytes: number;
  /** Decompressed documents larger than this are not scanned (the reading thread reads them record by record). */
  streamDocumentBytes: number;
}

/** One file to scan, and the Regions the reading thread's tally held calls in when it was sent. */
export interface ScanRequest {
  id: number;
  path: string;
  knownRegions: readonly string[];
}

/**
 * A file's answer: `scanned` (its scan, and in `data` the bytes of only the records the reading thread may parse:
 * those the scan let through and those of a Region not in `knownRegions`; the scan's spans point into `data`, the
 * others' are empty), `decoded` (its decompressed bytes, in a shape the scan does not read: parse them the full
 * way), or `unread` (the reading thread reads the file itself: it could not be read, is too large to read whole,
 * or its gzip data is damaged, all of which that thread reports as it always does).
 */
export type ScanReply =
  | { id: number; kind: 'scanned'; size: number; data: Uint8Array; scan: DocumentScan }
  | { id: number; kind: 'decoded'; size: number; data: Uint8Array }
  | { id: number; kind: 'unread' };

/** Scans files on worker threads (`scan-pool.ts`); `close` when the read is over. */
export interface ScanPool {
  /**
   * The answer for one file; `knownRegions`: the Regions the tally holds calls in now (a record in one of them
   * that the scan does not let through is not sent back). Rejects with a `ParallelReadError` when a worker fails.
   */
  scan(path: string, knownRegions: readonly string[]): Promise<ScanReply>;
  close(): Promise<void>;
}
