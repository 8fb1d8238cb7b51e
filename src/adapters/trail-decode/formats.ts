/**
 * The JSON shapes a trail input may hold, read from text: `{"Records":[...]}`, a bare array of records, a
 * single record, `aws cloudtrail lookup-events` output and newline-delimited JSON; and what can be salvaged
 * from a truncated document. Everything lands in a {@link FileSink}.
 */

import { FileSink, MAX_DOCUMENT_CHARS, isObject } from './sink.js';

const KEY_HINTS = ['eventVersion', 'eventName', 'eventSource', 'eventTime', 'userIdentity', 'eventID'];

/** Does a JSON object look like a CloudTrail record (has at least one of the record's own top-level keys)? */
export function looksLikeRecord(value: Record<string, unknown>): boolean {
  for (const k of KEY_HINTS) if (k in value) return true;
  return false;
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

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Handles one parsed JSON value (a whole document, or one NDJSON line). */
export function handleValue(sink: FileSink, value: unknown, line?: number): void {
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

export function parseOneLine(sink: FileSink, line: string, lineNo: number): void {
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
export function completeArrayElements(text: string, open: number): Array<[number, number]> & { closed?: boolean } {
  const out: Array<[number, number]> & { closed?: boolean } = [];
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
        out.closed = true;
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

/** Offset of the `[` that opens the records of a `{"Records":[` or `[` document starting at `from`, or -1. */
export function recordsArrayOpen(text: string, from: number): number {
  if (text[from] === '[') return from;
  const m = /^\{\s*"Records"\s*:\s*\[/.exec(text.slice(from, from + 64));
  return m ? from + m[0].length - 1 : -1;
}

/**
 * Salvages complete records from a truncated `{"Records":[` or `[` document; returns how many were read, or
 * -1 when `onlyIfCut` and the document is not cut short (its records array closes: the error is elsewhere).
 */
function salvage(sink: FileSink, text: string, from: number, onlyIfCut = false): number {
  const open = recordsArrayOpen(text, from);
  if (open === -1) return onlyIfCut ? -1 : 0;
  const spans = completeArrayElements(text, open);
  if (onlyIfCut && spans.closed) return -1;
  let n = 0;
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

/** Reports a plain document cut short, after `n` complete records were salvaged. */
export function truncatedDocument(sink: FileSink, n: number, length: number): void {
  sink.problem(
    'truncated',
    `${sink.file} ends before its data does (the records array is never closed). The ${n} complete record(s) before ` +
      'the cut were read; the rest of the file is lost. Fetch or copy the file again.',
    `after character ${length}`,
  );
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
    // A document cut short (an interrupted download or copy): keep its complete records, as for a truncated
    // gzip file (they are real activity; dropping them could drop a permission that was used).
    const n = salvage(sink, text, i, true);
    if (n >= 0) {
      truncatedDocument(sink, n, text.length);
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
  if (truncated) truncatedAfterData(sink);
}

/** Reports a gzip file whose data decoded completely but whose end (the gzip trailer) is missing. */
export function truncatedAfterData(sink: FileSink): void {
  sink.problem(
    'gzip-truncated',
    `${sink.file} is a truncated gzip file: its data decoded completely (${sink.recordCount} record(s)) but the end ` +
      'of the gzip stream is missing, so its integrity could not be checked. Fetch the file again to be sure.',
    'end of file',
  );
}

