/**
 * Turning the bytes of one CloudTrail input (a local file or an S3 object body) into records and problems.
 *
 * Shared by the local reader (`trail-reader.ts`) and the S3 adapter, so both accept exactly the same inputs:
 * - `{"Records":[...]}` (what CloudTrail delivers to S3), a bare JSON array of records, a single record object,
 *   `aws cloudtrail lookup-events` output (`{"Events":[{"CloudTrailEvent":"<json>"}]}`), and newline-delimited
 *   JSON (one record per line; a line may also hold a whole `{"Records":[...]}` document);
 * - plain or gzip (detected by the magic bytes 1f 8b, whatever the name says; multi-member gzip works).
 *
 * Bad input is reported as a problem and never stops the run. Decision on truncated gzip: complete records
 * decoded before the truncation ARE used (they are real activity; dropping them could make a suggestion drop
 * a permission that was used) and the file is reported as `gzip-truncated` with how many were recovered, so
 * the user can re-fetch it. Corrupt gzip (bad header, bad data, CRC mismatch) is reported and its records are
 * not used, because its bytes cannot be trusted.
 */

import { constants as zc, createGunzip, gunzip, gunzipSync } from 'node:zlib';
import { constants as bufferConstants } from 'node:buffer';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import type { ActivityItem } from '../../core/ports/activity-source.js';
import type { InputProblem, RecordSource } from '../../core/usage/types.js';
import type { TimeWindow } from '../../core/usage/time-window.js';

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
  /** Records read but not yielded because their eventTime is outside the window. */
  recordsOutsideWindow: number;
  /** Array elements or lines that were skipped (not an object, not JSON, not CloudTrail). Each is also a problem. */
  recordsSkipped: number;
  /** Problems found (including ones folded into a per-file "more problems" summary). */
  problems: number;
  /** Problems by code. */
  problemsByCode: Record<string, number>;
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
    recordsOutsideWindow: 0,
    recordsSkipped: 0,
    problems: 0,
    problemsByCode: {},
  };
}

/** Options shared by everything that parses trail inputs. */
export interface TrailParseOptions {
  /** Records whose eventTime falls outside are counted in `recordsOutsideWindow` and not yielded. */
  window?: TimeWindow;
  /** Drop records outside `window` by eventTime (default true). Records without a parseable eventTime pass. */
  filterRecords?: boolean;
  /** Problems listed one by one per file; further ones are folded into one summary problem. Default 100. */
  maxProblemsPerFile?: number;
  /** Stats to add to (a fresh object when absent). */
  stats?: TrailReadStats;
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

/** True when the bytes start with the gzip magic number (RFC 1952: 0x1f 0x8b). */
export function isGzip(buf: Uint8Array): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

const KEY_HINTS = ['eventVersion', 'eventName', 'eventSource', 'eventTime', 'userIdentity', 'eventID'];

/** Does a JSON object look like a CloudTrail record (has at least one of the record's own top-level keys)? */
export function looksLikeRecord(value: Record<string, unknown>): boolean {
  for (const k of KEY_HINTS) if (k in value) return true;
  return false;
}

function isObject(v: unknown): v is Record<string, unknown> {
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

/** Line and column (1-based) of a character offset. */
function lineCol(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let lastNl = -1;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) {
    line++;
    lastNl = i;
  }
  return { line, column: pos - lastNl };
}

/** Where a JSON.parse error happened, as `line L, column C`, from V8's message (Node 20 and later forms). */
function jsonErrorPosition(err: unknown, text: string, base = 0): string | undefined {
  const msg = err instanceof Error ? err.message : String(err);
  const p = /position (\d+)/.exec(msg);
  if (p) {
    const { line, column } = lineCol(text, Number(p[1]));
    return `line ${line + base}, column ${column}`;
  }
  const lc = /line (\d+) column (\d+)/.exec(msg);
  if (lc) return `line ${Number(lc[1]) + base}, column ${lc[2]}`;
  return undefined;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Handles one parsed JSON value (a whole document, or one NDJSON line). */
function handleValue(sink: FileSink, value: unknown, line?: number): void {
  const where = line === undefined ? undefined : `line ${line}`;
  if (Array.isArray(value)) {
    handleArray(sink, value, line, false);
    return;
  }
  if (isObject(value)) {
    const recs = value.Records;
    if (recs !== undefined) {
      if (Array.isArray(recs)) handleArray(sink, recs, line, true);
      else
        sink.problem(
          'not-cloudtrail',
          `"Records" is ${recs === null ? 'null' : typeof recs}, not an array: this is not a CloudTrail log file; ` +
            'check that the file is a CloudTrail log (or export the records as {"Records":[...]}).',
          where,
        );
      return;
    }
    const events = value.Events;
    if (Array.isArray(events) && !looksLikeRecord(value)) {
      handleLookupEvents(sink, events, line);
      return;
    }
    if (looksLikeRecord(value)) {
      sink.record(value, undefined, line);
      return;
    }
    const keys = Object.keys(value).slice(0, 5);
    sink.problem(
      'not-cloudtrail',
      `JSON object without a "Records" array and without CloudTrail record fields (keys: ${keys.length ? keys.join(', ') : 'none'}); ` +
        'expected {"Records":[...]}, an array of records, or one record per line; check that this is a CloudTrail log.',
      where,
      true,
    );
    return;
  }
  sink.problem(
    'not-cloudtrail',
    `JSON ${value === null ? 'null' : typeof value} where a CloudTrail record or {"Records":[...]} was expected; ` +
      'check that this is a CloudTrail log.',
    where,
    true,
  );
}

function handleArray(sink: FileSink, arr: unknown[], line: number | undefined, inRecords: boolean): void {
  const n = arr.length;
  let objects = 0;
  for (let i = 0; i < n; i++) if (isObject(arr[i])) objects++;
  const what = inRecords ? '"Records" array' : 'JSON array';
  if (objects === 0 && n > 0) {
    const kinds = [...new Set(arr.slice(0, 50).map((v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v)))];
    sink.problem(
      'not-cloudtrail',
      `${what} of ${n} value(s) (${kinds.join(', ')}) and no record objects: this is not CloudTrail; ` +
        'check that the file is a CloudTrail log.',
      line === undefined ? undefined : `line ${line}`,
    );
    sink.stats.recordsSkipped += n;
    return;
  }
  const base = line === undefined ? 0 : sink.recordCount;
  for (let i = 0; i < n; i++) {
    const v = arr[i];
    if (isObject(v)) {
      if (line === undefined) sink.record(v, i);
      else sink.record(v, base + i, line);
    } else {
      const kind = v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`;
      sink.problem(
        'not-a-record',
        `element ${i} of the ${what} is ${kind}, not a record object; it was skipped (the other records were read).`,
        line === undefined ? `record ${i}` : `line ${line}, record ${i}`,
        true,
      );
    }
  }
}

/** `aws cloudtrail lookup-events` output: each event carries the record as a JSON string in `CloudTrailEvent`. */
function handleLookupEvents(sink: FileSink, events: unknown[], line: number | undefined): void {
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const pos = line === undefined ? `event ${i}` : `line ${line}, event ${i}`;
    const raw = isObject(e) ? e.CloudTrailEvent : undefined;
    if (typeof raw === 'string') {
      try {
        const rec = JSON.parse(raw) as unknown;
        if (isObject(rec)) {
          sink.record(rec, i, line);
          continue;
        }
      } catch {
        // fall through to the problem below
      }
      sink.problem('not-json', `Events[${i}].CloudTrailEvent is not a JSON object; the event was skipped.`, pos, true);
    } else if (isObject(e) && looksLikeRecord(e)) {
      sink.record(e, i, line);
    } else {
      sink.problem(
        'not-a-record',
        `Events[${i}] has no "CloudTrailEvent" string; expected the output of "aws cloudtrail lookup-events".`,
        pos,
        true,
      );
    }
  }
}

/** Parses NDJSON text line by line (lines numbered from `firstLine`). */
function parseLines(sink: FileSink, text: string, firstLine = 1): void {
  let start = 0;
  let lineNo = firstLine;
  const len = text.length;
  while (start <= len) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = len;
    parseOneLine(sink, text.slice(start, end), lineNo);
    start = end + 1;
    lineNo++;
  }
}

function parseOneLine(sink: FileSink, line: string, lineNo: number): void {
  if (line.length === 0 || line.trim() === '') return;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    const col = jsonErrorPosition(err, line);
    sink.problem(
      'not-json',
      `line ${lineNo} is not valid JSON (${errorText(err)}); it was skipped. Fix or remove the line; the other lines were read.`,
      col ? col.replace(/^line 1,/, `line ${lineNo},`) : `line ${lineNo}`,
      true,
    );
    return;
  }
  handleValue(sink, value, lineNo);
}

/** Does the first non-blank line of the text parse on its own as a JSON object or array (NDJSON)? */
function firstLineIsJson(text: string, from: number): boolean {
  let end = text.indexOf('\n', from);
  if (end === -1) return false; // a single line: not NDJSON, the whole-document error stands
  const line = text.slice(from, end);
  try {
    const v = JSON.parse(line) as unknown;
    return typeof v === 'object' && v !== null;
  } catch {
    return false;
  }
}

/**
 * Offsets [start, end) of the complete top-level elements of the JSON array whose `[` is at `open`, stopping
 * at the first incomplete one (used to salvage records from a truncated document).
 */
export function completeArrayElements(text: string, open: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  for (let i = open + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped char
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    if (start === -1 && c !== 0x2c && c !== 0x5d) start = i;
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      if (depth === 0) {
        // the array's own `]`
        if (start !== -1) out.push([start, i]);
        return out;
      }
      depth--;
    } else if (c === 0x2c && depth === 0) {
      if (start !== -1) out.push([start, i]);
      start = -1;
    }
  }
  return out; // the element in progress (if any) is incomplete
}

/** Salvages complete records from a truncated `{"Records":[` or `[` document; returns how many were read. */
function salvage(sink: FileSink, text: string, from: number): number {
  let open = -1;
  if (text[from] === '[') open = from;
  else {
    const m = /^\{\s*"Records"\s*:\s*\[/.exec(text.slice(from, from + 64));
    if (m) open = from + m[0].length - 1;
  }
  if (open === -1) return 0;
  let n = 0;
  const spans = completeArrayElements(text, open);
  for (let i = 0; i < spans.length; i++) {
    try {
      const v = JSON.parse(text.slice(spans[i][0], spans[i][1])) as unknown;
      if (isObject(v)) {
        sink.record(v, i);
        n++;
      }
    } catch {
      break;
    }
  }
  return n;
}

/**
 * Parses the whole (decompressed) text of one input into the sink.
 * @param truncated the bytes are known to be cut short (truncated gzip): salvage complete records.
 */
export function parseTrailText(sink: FileSink, text: string, truncated = false): void {
  let i = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1; // UTF-8 byte order mark
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
    else break;
  }
  if (i >= text.length) {
    if (truncated) {
      sink.problem(
        'gzip-truncated',
        `${sink.file} is a truncated gzip file and nothing could be decoded from it. Fetch the file again.`,
        'start of file',
      );
    } else {
      sink.problem(
        'empty-file',
        `${sink.file} is empty${text.length > 0 ? ' (only whitespace)' : ''}: it holds no records. ` +
          'If it was downloaded, the download may have failed: fetch it again.',
      );
    }
    return;
  }
  const first = text[i];
  if (first !== '{' && first !== '[') {
    const { line, column } = lineCol(text, i);
    const binary = /[\u0000-\u0008\u000e-\u001f]/.test(text.slice(i, i + 64));
    sink.problem(
      'not-json',
      `${sink.file} is not JSON${binary ? ' (it looks binary)' : ''}: a CloudTrail log starts with { or [. ` +
        'Check that this is a CloudTrail log file (.json or .json.gz), or remove it from the input.',
      `line ${line}, column ${column}`,
    );
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(i === 0 ? text : text.slice(i));
  } catch (err) {
    if (truncated) {
      const n = salvage(sink, text, i);
      sink.problem(
        'gzip-truncated',
        `${sink.file} is a truncated gzip file: it ends before its data does. ${n} complete record(s) before the cut ` +
          'were read; the rest of the file is lost. Fetch the file again (e.g. re-download it from the trail bucket).',
        `after character ${text.length} of the decompressed data`,
      );
      return;
    }
    if (firstLineIsJson(text, i)) {
      parseLines(sink, text.slice(i), lineCol(text, i).line);
      return;
    }
    sink.problem(
      'not-json',
      `${sink.file} is not valid JSON (${errorText(err)}); none of its records were read. ` +
        'Fix the file (or re-fetch it) and run again; the other files were read.',
      jsonErrorPosition(err, text),
    );
    return;
  }
  handleValue(sink, value);
  if (truncated) {
    sink.problem(
      'gzip-truncated',
      `${sink.file} is a truncated gzip file: its data decoded completely (${sink.recordCount} record(s)) but the end ` +
        'of the gzip stream is missing, so its integrity could not be checked. Fetch the file again to be sure.',
      'end of file',
    );
  }
}

/**
 * Output chunk of the whole-buffer gunzip (bytes). zlib's default (16 KiB) splits a typical CloudTrail file
 * (30-40 KiB gzip, ~650 KiB of JSON) into ~40 thread-pool round trips plus a concatenation; 1 MiB does it in
 * one and halves the CPU of decompression (100k-record bench trail: 4.2 -> 1.7 us per record). Memory: one
 * such chunk per file being decompressed (at most the read-ahead, DEFAULT_READ_AHEAD in trail-reader.ts).
 */
const GUNZIP_CHUNK_BYTES = 1024 * 1024;

/** Decompresses a whole gzip buffer; on truncation returns what could be decoded. */
export async function gunzipBuffer(buf: Buffer): Promise<{ data: Buffer; truncated: boolean } | { error: Error }> {
  try {
    const data = await new Promise<Buffer>((resolve, reject) =>
      gunzip(buf, { chunkSize: GUNZIP_CHUNK_BYTES }, (err, out) => (err ? reject(err) : resolve(out))),
    );
    return { data, truncated: false };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'Z_BUF_ERROR') {
      // "unexpected end of file": decode what is there, without requiring the stream's end.
      try {
        const data = gunzipSync(buf, { finishFlush: zc.Z_SYNC_FLUSH });
        return { data, truncated: true };
      } catch (err2) {
        return { error: err2 as Error };
      }
    }
    return { error: e };
  }
}

function gzipCorrupt(sink: FileSink, err: Error): void {
  sink.problem(
    'gzip-corrupt',
    `${sink.file} looks like gzip but cannot be decompressed (${err.message}); its records were not read. ` +
      'Fetch the file again; if it is not meant to be gzip, remove it from the input.',
    'gzip data',
  );
}

/**
 * Parses one whole input held in memory (plain or gzip) and returns its items. Never throws for bad input.
 * Adds to `options.stats` (filesRead, bytesRead, records, problems).
 */
export async function parseTrailBuffer(name: string, body: Uint8Array, options: TrailParseOptions = {}): Promise<TrailItem[]> {
  const sink = new FileSink(name, options);
  sink.stats.filesRead++;
  sink.stats.bytesRead += body.length;
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (isGzip(buf)) {
    const r = await gunzipBuffer(buf);
    if ('error' in r) gzipCorrupt(sink, r.error);
    else decodeAndParse(sink, r.data, r.truncated);
  } else {
    decodeAndParse(sink, buf, false);
  }
  sink.finish();
  return sink.items;
}

function decodeAndParse(sink: FileSink, data: Buffer, truncated: boolean): void {
  if (data.length > MAX_DOCUMENT_CHARS) {
    // Too big for one string: stream it line by line (NDJSON) instead.
    parseLargeSync(sink, data, truncated);
    return;
  }
  parseTrailText(sink, data.toString('utf8'), truncated);
}

/** A decompressed buffer too large for one string: only NDJSON can be read from it. */
function parseLargeSync(sink: FileSink, data: Buffer, truncated: boolean): void {
  const splitter = new LineSplitter(sink);
  if (!splitter.push(data)) tooLarge(sink, data.length);
  else splitter.end(truncated);
}

function tooLarge(sink: FileSink, size: number): void {
  sink.problem(
    'too-large',
    `${sink.file} decompresses to ${size} bytes or more, too large to parse as one JSON document; its records were ` +
      "not read. Convert it to one record per line (NDJSON), e.g. `jq -c '.Records[]'`, and run again.",
  );
}

/**
 * Splits a byte stream into lines. The first non-blank line decides the mode: if it parses on its own as JSON
 * (NDJSON, or a one-line compact CloudTrail document) every line is parsed as it arrives; otherwise the
 * input is a multi-line document and is collected whole (up to {@link MAX_DOCUMENT_CHARS}) and parsed at the end.
 */
class LineSplitter {
  private mode: 'sniff' | 'lines' | 'document' = 'sniff';
  private partial: Buffer[] = [];
  private partialLen = 0;
  private doc: Buffer[] = [];
  private docLen = 0;
  private lineNo = 0;
  private failed = false;

  constructor(private readonly sink: FileSink) {}

  /** Feeds a chunk; returns false when the input turned out too large to handle (a problem was not yet added). */
  push(chunk: Buffer): boolean {
    if (this.failed) return false;
    if (this.mode === 'document') return this.addDoc(chunk);
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) {
        if (start < chunk.length) {
          const rest = chunk.subarray(start);
          this.partial.push(rest);
          this.partialLen += rest.length;
          if (this.partialLen > MAX_DOCUMENT_CHARS) {
            this.failed = true;
            return false;
          }
        }
        return true;
      }
      let lineBuf = chunk.subarray(start, nl);
      if (this.partial.length > 0) {
        this.partial.push(lineBuf);
        lineBuf = Buffer.concat(this.partial, this.partialLen + lineBuf.length);
        this.partial = [];
        this.partialLen = 0;
      }
      start = nl + 1;
      this.lineNo++;
      if (!this.onLine(lineBuf)) {
        // switched to document mode: the rest of this chunk belongs to the document
        return this.addDoc(chunk.subarray(start));
      }
    }
  }

  /** Handles one complete line; returns false when it switched to document mode. */
  private onLine(lineBuf: Buffer): boolean {
    if (this.mode === 'lines') {
      parseOneLine(this.sink, lineBuf.toString('utf8'), this.lineNo);
      return true;
    }
    // sniff
    const line = lineBuf.toString('utf8');
    const trimmed = line.replace(/^\uFEFF/, '').trim();
    if (trimmed === '') {
      this.doc.push(lineBuf, NL);
      this.docLen += lineBuf.length + 1;
      return true;
    }
    try {
      const v = JSON.parse(trimmed) as unknown;
      if (typeof v === 'object' && v !== null) {
        this.mode = 'lines';
        this.doc = [];
        this.docLen = 0;
        handleValue(this.sink, v, this.lineNo);
        return true;
      }
    } catch {
      // not a standalone line: a multi-line document
    }
    this.mode = 'document';
    this.doc.push(lineBuf, NL);
    this.docLen += lineBuf.length + 1;
    return false;
  }

  private addDoc(chunk: Buffer): boolean {
    if (chunk.length === 0) return true;
    this.doc.push(chunk);
    this.docLen += chunk.length;
    if (this.docLen > MAX_DOCUMENT_CHARS) {
      this.failed = true;
      return false;
    }
    return true;
  }

  /** Ends the input; `truncated` when the gzip stream was cut short. */
  end(truncated: boolean): void {
    if (this.failed) return;
    if (this.mode === 'lines') {
      const rest = Buffer.concat(this.partial, this.partialLen);
      if (truncated) {
        const before = this.sink.recordCount;
        const lost = rest.toString('utf8').trim() !== '';
        this.sink.problem(
          'gzip-truncated',
          `${this.sink.file} is a truncated gzip file: it ends before its data does. The ${before} complete record(s) ` +
            `before the cut were read${lost ? '; the last, incomplete line was skipped' : ''}. Fetch the file again.`,
          `line ${this.lineNo + 1}`,
        );
        return;
      }
      this.lineNo++;
      parseOneLine(this.sink, rest.toString('utf8'), this.lineNo);
      return;
    }
    // sniff (nothing but blank lines so far, or one unterminated line) or document
    const all = Buffer.concat([...this.doc, ...this.partial], this.docLen + this.partialLen);
    parseTrailText(this.sink, all.toString('utf8'), truncated);
  }
}

const NL = Buffer.from('\n');

/**
 * Parses one input arriving as a stream of bytes (e.g. an S3 object body or a large local file), in batches
 * of at most about {@link STREAM_BATCH_ITEMS} items, with memory bounded by the batch and the longest line
 * (NDJSON) or by the document (a multi-line JSON document is parsed whole). gzip is detected by magic bytes.
 * Never throws for bad input or a failing stream: those become problems.
 */
export async function* parseTrailStream(
  name: string,
  body: AsyncIterable<Uint8Array> | Readable,
  options: TrailParseOptions = {},
): AsyncGenerator<TrailItem[]> {
  const sink = new FileSink(name, options);
  sink.stats.filesRead++;
  const src = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  try {
    yield* streamBatches(sink, src);
  } finally {
    // Stopped early or failed: release the source (for a Readable this destroys it, closing a socket or file).
    try {
      await src.return?.(undefined);
    } catch {
      // already failed; the failure was reported
    }
  }
}

async function* streamBatches(sink: FileSink, src: AsyncIterator<Uint8Array>): AsyncGenerator<TrailItem[]> {
  // Gather at least the 2 bytes of a gzip magic number before deciding (a source may send tiny chunks).
  const head: Buffer[] = [];
  let headLen = 0;
  let ended = false;
  try {
    while (headLen < 2) {
      const r = await src.next();
      if (r.done) {
        ended = true;
        break;
      }
      const b = toBuffer(r.value);
      head.push(b);
      headLen += b.length;
    }
  } catch (err) {
    readError(sink, err);
    sink.finish();
    yield sink.take();
    return;
  }
  const firstChunk = Buffer.concat(head, headLen);
  sink.stats.bytesRead += firstChunk.length;
  async function* rest(): AsyncGenerator<Buffer> {
    if (firstChunk.length > 0) yield firstChunk;
    if (ended) return;
    for (let r = await src.next(); !r.done; r = await src.next()) {
      const b = toBuffer(r.value);
      sink.stats.bytesRead += b.length;
      yield b;
    }
  }
  const gz = isGzip(firstChunk);
  let chunks: AsyncIterable<Buffer>;
  let gunzipper: ReturnType<typeof createGunzip> | undefined;
  if (gz) {
    // Z_SYNC_FLUSH on every write: everything decodable from the bytes so far is emitted at once, so when a
    // truncated file ends in an error, the records before the cut have already come through.
    gunzipper = createGunzip({ flush: zc.Z_SYNC_FLUSH });
    pipeline(Readable.from(rest()), gunzipper, () => {
      // errors surface through iterating `gunzipper`
    });
    chunks = gunzipper as AsyncIterable<Buffer>;
  } else {
    chunks = rest();
  }
  const splitter = new LineSplitter(sink);
  let truncated = false;
  let sawData = false;
  try {
    for await (const chunk of chunks) {
      if (chunk.length > 0) sawData = true;
      if (!splitter.push(chunk)) {
        tooLarge(sink, MAX_DOCUMENT_CHARS);
        if (gunzipper) gunzipper.destroy();
        sink.finish();
        yield sink.take();
        return;
      }
      if (sink.items.length >= STREAM_BATCH_ITEMS) yield sink.take();
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (gz && e.code === 'Z_BUF_ERROR') truncated = true;
    else if (gz && e.code === 'Z_DATA_ERROR') {
      gzipCorrupt(sink, e);
      sink.finish();
      yield sink.take();
      return;
    } else {
      readError(sink, err);
      sink.finish();
      yield sink.take();
      return;
    }
  }
  if (!sawData && !truncated) {
    parseTrailText(sink, '', false); // reports empty-file
  } else {
    splitter.end(truncated);
  }
  sink.finish();
  yield sink.take();
}

function toBuffer(u: Uint8Array | string): Buffer {
  if (typeof u === 'string') return Buffer.from(u, 'utf8');
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

/** Reports an I/O error while reading an input (the records read before it stand). */
export function readError(sink: FileSink, err: unknown): void {
  const e = err as NodeJS.ErrnoException;
  sink.problem(
    'read-error',
    `could not read ${sink.file}${e?.code ? ` (${e.code})` : ''}: ${errorText(err)}. Records read before the error were used; ` +
      'check the file (or the connection) and run again.',
  );
}

/**
 * Turns one named input — a Buffer or a stream (Readable, S3 `GetObject` body) — into trail items, one by one.
 * This is the entry point for the S3 adapter: it parses exactly like local files.
 */
export async function* readTrailObject(
  name: string,
  body: Uint8Array | AsyncIterable<Uint8Array> | Readable,
  options: TrailParseOptions = {},
): AsyncGenerator<TrailItem> {
  for await (const batch of readTrailObjectBatches(name, body, options)) yield* batch;
}

/** Like {@link readTrailObject}, in batches (cheaper per record: one await per batch, not per record). */
export async function* readTrailObjectBatches(
  name: string,
  body: Uint8Array | AsyncIterable<Uint8Array> | Readable,
  options: TrailParseOptions = {},
): AsyncGenerator<TrailItem[]> {
  if (body instanceof Uint8Array) {
    yield await parseTrailBuffer(name, body, options);
    return;
  }
  yield* parseTrailStream(name, body, options);
}
