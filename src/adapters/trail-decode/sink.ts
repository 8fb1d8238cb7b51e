/**
 * Where the records and problems of one trail input go: the item types, the read statistics and the per-file
 * sink that applies the time window, the problem cap and the counts. Shared by the decoders of this folder.
 */

import { constants as bufferConstants } from 'node:buffer';
import type { ActivityItem } from '../../core/ports/activity-source.js';
import type { InputProblem, RecordSource } from '../../core/usage/types.js';
import type { TimeWindow } from '../../core/usage/time-window.js';
import type { PrincipalFilter } from '../../core/trail/prefilter.js';
import type { ScanWindow } from './prefilter-scan.js';

/**
 * One thing read from a trail input: a raw record (validated later by the normalizer) or a problem. The same
 * shape as the activity port's items, so local files, S3 objects and Event history feed one collector.
 */
export type TrailItem = ActivityItem;

/** Counters of one read; the caller reads them after iteration. All counts are cumulative. */
export interface TrailReadStats {
  /** Files (or objects) found, including pruned and skipped ones. Files inside pruned folders are not seen. */
  filesSeen: number;
  /** Directories (day/month/year folders) not entered because they cannot hold records in the window. */
  dirsPruned: number;
  /** Files not opened because their name shows they cannot hold records in the window. */
  filesPruned: number;
  /** Files (and hidden or `CloudTrail-Digest` folders) not read because they hold no records: other extensions, digests. */
  filesSkipped: number;
  /** Up to {@link SKIPPED_EXAMPLES} paths of skipped files, for the summary. */
  skippedExamples: string[];
  /** Files (or objects) opened and read. */
  filesRead: number;
  /** Bytes read as stored (compressed size for gzip). */
  bytesRead: number;
  /** Records yielded. */
  records: number;
  /**
   * Records in the window not parsed because their bytes name none of the principals asked for (the byte
   * prefilter, `prefilter.ts`); counted in `records` too. Calls, ignored records, unknown events and duplicates
   * are counted over the parsed records only.
   */
  recordsUnparsed: number;
  /** Records read but not yielded because their eventTime is outside the window. */
  recordsOutsideWindow: number;
  /** Array elements or lines that were skipped (not an object, not JSON, not CloudTrail). Each is also a problem. */
  recordsSkipped: number;
  /** Problems found (including ones folded into a per-file "more problems" summary). */
  problems: number;
  /** Problems by code. */
  problemsByCode: Record<string, number>;
  /** When the records came from a query rather than from files (`--athena`): what to call it in the summary. */
  readThrough?: string;
}

/** How many skipped-file paths the stats keep as examples. */
export const SKIPPED_EXAMPLES = 10;

/** Fresh, zeroed stats. */
export function createTrailStats(): TrailReadStats {
  return {
    filesSeen: 0,
    dirsPruned: 0,
    filesPruned: 0,
    filesSkipped: 0,
    skippedExamples: [],
    filesRead: 0,
    bytesRead: 0,
    records: 0,
    recordsUnparsed: 0,
    recordsOutsideWindow: 0,
    recordsSkipped: 0,
    problems: 0,
    problemsByCode: {},
  };
}

/** The prefilter of a read: the principals' needles, and the Regions whose calls the tally already holds. */
export interface RecordPrefilter {
  readonly needles: PrincipalFilter;
  /**
   * The Regions of the calls the tally holds so far (asked once per file): a record is skipped only when its
   * Region is one of them, so the Regions read come out as without the filter. Absent: none, every record parsed.
   */
  readonly knownRegions?: () => Iterable<string>;
}

/** Options shared by everything that parses trail inputs. */
export interface TrailParseOptions {
  /** Records whose eventTime falls outside are counted in `recordsOutsideWindow` and not yielded. */
  window?: TimeWindow;
  /** Drop records outside `window` by eventTime (default true). Records without a parseable eventTime pass. */
  filterRecords?: boolean;
  /** Problems listed one by one per file; further ones are folded into one summary problem. Default 100. */
  maxProblemsPerFile?: number;
  /**
   * Documents larger than this (decompressed bytes) are streamed record by record instead of parsed whole
   * (default STREAM_DOCUMENT_BYTES in records-stream.ts; tests lower it).
   */
  streamDocumentBytes?: number;
  /** Stats to add to (a fresh object when absent). */
  stats?: TrailReadStats;
  /**
   * Parse only the records that may belong to these principals (`prefilter.ts`); the others are counted
   * unparsed. Absent (the default): every record is parsed, as a read for every principal (the usage store) needs.
   */
  principalFilter?: RecordPrefilter;
}

/** Default per-file cap on listed problems: enough to diagnose, not enough to drown the summary. */
export const DEFAULT_MAX_PROBLEMS_PER_FILE = 100;

/** Items per batch when a large input is streamed (bounds memory; large enough to amortize async overhead). */
export const STREAM_BATCH_ITEMS = 2000;

/**
 * Largest text parsed as a single JSON document: V8's maximum string length (~512 MiB on 64-bit). Larger
 * inputs can only be read as NDJSON, line by line.
 */
export const MAX_DOCUMENT_CHARS = bufferConstants.MAX_STRING_LENGTH;

/** Bytes of a UTF-8 byte order mark at the start of `data` (EF BB BF): 3, or 0 without one. */
export function bomLength(data: Uint8Array): number {
  return data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf ? 3 : 0;
}

/** True when the bytes start with the gzip magic number (RFC 1952: 0x1f 0x8b). */
export function isGzip(buf: Uint8Array): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

/** True for a plain JSON object. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Collects the items of one input, applying the window filter, problem cap and stats. One per file.
 * @internal exported for the reader in this folder.
 */
export class FileSink {
  items: TrailItem[] = [];
  private listed = 0;
  private folded = 0;
  private foldedCodes = new Set<string>();
  private recordIndex = 0;
  private readonly sinceMs: number;
  private readonly untilMs: number;
  private readonly filter: boolean;
  readonly stats: TrailReadStats;
  private readonly maxProblems: number;

  constructor(
    readonly file: string,
    options: TrailParseOptions,
  ) {
    this.stats = options.stats ?? createTrailStats();
    this.maxProblems = options.maxProblemsPerFile ?? DEFAULT_MAX_PROBLEMS_PER_FILE;
    const w = options.window;
    this.filter = options.filterRecords !== false && !!w && (!!w.since || !!w.until);
    this.sinceMs = w?.since ? w.since.getTime() : -Infinity;
    this.untilMs = w?.until ? w.until.getTime() : Infinity;
  }

  /** Number of records (yielded or filtered out) seen so far in this file. */
  get recordCount(): number {
    return this.recordIndex;
  }

  /** A record at the next record index (NDJSON numbering) or at an explicit array index. */
  record(record: Record<string, unknown>, index?: number, line?: number): void {
    const idx = index ?? this.recordIndex;
    this.recordIndex++;
    if (this.filter) {
      const t = record.eventTime;
      if (typeof t === 'string') {
        const ms = Date.parse(t);
        if (ms === ms && (ms < this.sinceMs || ms >= this.untilMs)) {
          this.stats.recordsOutsideWindow++;
          return;
        }
      }
    }
    this.stats.records++;
    const source: RecordSource = line === undefined ? { file: this.file, index: idx } : { file: this.file, index: idx, line };
    this.items.push({ kind: 'record', record, source });
  }

  /** The window a prefilter scan classifies skipped records by, when records outside it are dropped. */
  get scanWindow(): ScanWindow | undefined {
    return this.filter ? { sinceMs: this.sinceMs, untilMs: this.untilMs } : undefined;
  }

  /** {@link scanWindow} of a read with these options, before any file is opened (for scan workers). */
  static scanWindowOf(options: Pick<TrailParseOptions, 'window' | 'filterRecords'>): ScanWindow | undefined {
    return new FileSink('', options).scanWindow;
  }

  /**
   * A record at the next index that was not parsed (the prefilter): counted outside the window when `outside`
   * (its `eventTime`, read off its bytes, lies outside), else in it.
   */
  unparsed(outside: boolean): void {
    this.recordIndex++;
    if (outside) {
      this.stats.recordsOutsideWindow++;
      return;
    }
    this.stats.records++;
    this.stats.recordsUnparsed++;
  }

  /** A problem in this file; `skipped` when it stands for a skipped record/line. */
  problem(code: string, message: string, position?: string, skipped = false): void {
    this.stats.problems++;
    this.stats.problemsByCode[code] = (this.stats.problemsByCode[code] ?? 0) + 1;
    if (skipped) this.stats.recordsSkipped++;
    if (this.listed >= this.maxProblems) {
      this.folded++;
      this.foldedCodes.add(code);
      return;
    }
    this.listed++;
    const problem: InputProblem = { code, message, file: this.file };
    if (position !== undefined) problem.position = position;
    this.items.push({ kind: 'problem', problem });
  }

  /** Takes the items collected so far (for streaming in batches). */
  take(): TrailItem[] {
    const out = this.items;
    this.items = [];
    return out;
  }

  /** Adds the summary of folded problems, if any. Call once at the end of the file. */
  finish(): void {
    if (this.folded > 0) {
      // Not counted again in stats.problems: the folded ones were counted when they happened.
      this.items.push({
        kind: 'problem',
        problem: {
          code: 'more-problems',
          file: this.file,
          message:
            `${this.folded} more problem(s) in ${this.file} (${[...this.foldedCodes].sort().join(', ')}) were counted but not ` +
            `listed one by one; fix the ones listed above and run again to see the rest.`,
        },
      });
    }
  }
}
