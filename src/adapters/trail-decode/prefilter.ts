/**
 * The byte prefilter of the local read path: in a `{"Records":[…]}` document (what CloudTrail delivers), the
 * records that cannot belong to the principals a command reports on are counted but never `JSON.parse`d.
 *
 * How: the document is cut into record spans without parsing. The first record's opening bytes up to its first
 * key (`{"eventVersion":` in CloudTrail's compact form) mark where each record starts: in valid JSON those bytes
 * cannot occur inside a string (the `"` would end it and a bare word follow). Each span must end in `},`, the last
 * in `}` before `]}`; anything else (another shape, whitespace-indented records, a cut document) and the file
 * takes the full path (`formats.ts`), so its problems are reported exactly as before. A span is parsed when its
 * bytes hold a needle (`core/trail/prefilter.ts`) or an escape, or when what is counted without parsing cannot be
 * read off its bytes with certainty: exactly one `"eventTime":"…"` (the time window) and one `"awsRegion":"…"`
 * without a backslash, the Region one the tally has already seen a call in (the Regions read reach the
 * suggestion, `core/trail/region-coverage.ts`, so a Region seen only in skipped records is parsed). Every
 * parsed span must parse as an object, else the file takes the full path.
 *
 * What it does not check: the JSON syntax inside a skipped record's body (checking it is the cost being saved).
 * A file whose only damage lies there is read for the principals where the full path would refuse the whole
 * file; delivered files are machine-written and gzip-checked (CRC), so this is a hand-edited file's case. Nor
 * the depth of what it reads off a skipped record's bytes: an object nested in a record that begins with the
 * record's first key would be counted as a record of its own, and a record without a top-level `eventTime` or
 * `awsRegion` but with exactly one nested key of that name would be counted by the nested value. CloudTrail
 * writes neither; a parsed span cut that way fails to parse and sends the file the full way.
 */

import type { PrincipalFilter } from '../../core/trail/prefilter.js';
import type { FileSink, RecordPrefilter } from './sink.js';

export type { RecordPrefilter } from './sink.js';

/**
 * The prefilter of a read into `tally` for the principals of `needles`: a record is skipped only when its Region
 * is one the tally already holds a call in, so the Regions read (which reach the suggestion) come out as without it.
 */
export function prefilterInto(needles: PrincipalFilter, tally: { readonly ledger: { regionsSeen(): Iterable<string> } }): RecordPrefilter {
  return { needles, knownRegions: () => tally.ledger.regionsSeen() };
}

/** The byte forms of a filter's needles, built once per read. */
interface ByteNeedles {
  exact: Array<{ find: Buffer; alsoHolds?: Buffer }>;
  roleNames: Buffer[];
  passAlways: Buffer[];
}

const byteCache = new WeakMap<PrincipalFilter, ByteNeedles>();

function bytesOf(f: PrincipalFilter): ByteNeedles {
  let b = byteCache.get(f);
  if (!b) {
    const enc = (s: string): Buffer => Buffer.from(s, 'utf8');
    b = { exact: f.exact.map((e) => ({ find: enc(e.find), ...(e.alsoHolds ? { alsoHolds: enc(e.alsoHolds) } : {}) })), roleNames: f.roleNames.map(enc), passAlways: f.passAlways.map(enc) };
    byteCache.set(f, b);
  }
  return b;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SLASH = 0x2f;
const ROLE_SLASH = Buffer.from('role/');
/**
 * The keys read without parsing, searched by their tails (`Time":"`: a needle starting with a rare byte is
 * found several times faster than one starting with `"`) and checked to be the key.
 */
const EVENT_TIME = { tail: Buffer.from('Time":"'), head: Buffer.from('"event') };
const AWS_REGION = { tail: Buffer.from('Region":"'), head: Buffer.from('"aws') };
const DOCUMENT_START = /^[ \t\n\r]*\{[ \t\n\r]*"Records"[ \t\n\r]*:[ \t\n\r]*\[[ \t\n\r]*/;
const FIRST_KEY = /^\{"[A-Za-z]+":/;

/** The record spans of a document: `starts[i]`..`ends[i]` (exclusive) is record i's JSON object. */
interface Spans {
  starts: number[];
  ends: number[];
}

function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Position after the whitespace before `end` (exclusive), going back no further than `floor`. */
function trimBack(data: Buffer, end: number, floor: number): number {
  while (end > floor && isSpace(data[end - 1])) end--;
  return end;
}

/**
 * The record spans of a compact `{"Records":[{…},{…}]}` document, or undefined when it is not one (then the
 * full path reads it). `from`: the first byte after a byte order mark.
 */
export function recordSpans(data: Buffer, from: number): Spans | undefined {
  const head = DOCUMENT_START.exec(data.toString('latin1', from, Math.min(data.length, from + 64)));
  if (!head) return undefined;
  const first = from + head[0].length;
  const key = FIRST_KEY.exec(data.toString('latin1', first, Math.min(data.length, first + 40)));
  if (!key) return undefined;
  const marker = data.subarray(first, first + key[0].length);
  // The end: `]` then `}`, with only whitespace around.
  let end = trimBack(data, data.length, first);
  if (data[end - 1] !== 0x7d) return undefined;
  end = trimBack(data, end - 1, first);
  if (data[end - 1] !== 0x5d) return undefined;
  const close = end - 1;
  const starts: number[] = [];
  for (let i = first; i !== -1 && i < close; i = data.indexOf(marker, i + 1)) starts.push(i);
  const ends: number[] = new Array<number>(starts.length);
  for (let k = 0; k < starts.length; k++) {
    const last = k === starts.length - 1;
    let e = trimBack(data, last ? close : starts[k + 1]!, starts[k]!);
    if (!last) {
      if (data[e - 1] !== 0x2c) return undefined;
      e = trimBack(data, e - 1, starts[k]!);
    }
    if (data[e - 1] !== 0x7d || e - starts[k]! < 2) return undefined;
    ends[k] = e;
  }
  return { starts, ends };
}

/** Marks the spans holding an occurrence of `needle` (`check`, when given, must accept it in span k). */
function markHits(data: Buffer, spans: Spans, pass: Uint8Array, needle: Buffer, check?: (at: number, k: number) => boolean): void {
  const { starts, ends } = spans;
  let k = 0;
  for (let at = data.indexOf(needle, starts[0]); at !== -1; at = data.indexOf(needle, at + 1)) {
    while (k < starts.length && ends[k]! <= at) k++;
    if (k === starts.length) return;
    if (at >= starts[k]! && !pass[k] && (!check || check(at, k))) pass[k] = 1;
  }
}

/** Does span k hold `bytes`? */
function spanHolds(data: Buffer, spans: Spans, k: number, bytes: Buffer): boolean {
  return data.subarray(spans.starts[k], spans.ends[k]).indexOf(bytes) !== -1;
}

/** Does a `/`-segment after `role/` at `at` equal `name` (lower-case ASCII), ignoring ASCII case? */
function roleSegmentIs(data: Buffer, at: number, name: Buffer): boolean {
  let i = at + ROLE_SLASH.length;
  for (;;) {
    let j = 0;
    while (j < name.length && i + j < data.length && sameIgnoringCase(data[i + j]!, name[j]!)) j++;
    const after = data[i + j];
    if (j === name.length && (after === SLASH || after === QUOTE || after === BACKSLASH)) return true;
    // The next segment, if this one ends in a slash.
    while (i < data.length && data[i] !== SLASH && data[i] !== QUOTE && data[i] !== BACKSLASH) i++;
    if (data[i] !== SLASH) return false;
    i++;
  }
}

/** Is byte `c` the lower-case ASCII byte `lower`, or its upper case? */
function sameIgnoringCase(c: number, lower: number): boolean {
  return c === lower || (c >= 0x41 && c <= 0x5a && c + 0x20 === lower);
}

/** Does `data` hold `bytes` at `at`? Byte by byte: for a few bytes cheaper than `Buffer.compare`'s call. */
function bytesAt(data: Buffer, at: number, bytes: Buffer): boolean {
  for (let j = 0; j < bytes.length; j++) if (data[at + j] !== bytes[j]) return false;
  return true;
}

/**
 * For each span, where the value of its only `"KEY":"` begins, or -1 (none, or more than one): one indexOf
 * pass over the document for the key's tail, each hit checked to be the whole key.
 */
function onlyValue(data: Buffer, spans: Spans, key: { tail: Buffer; head: Buffer }): Int32Array {
  const { starts, ends } = spans;
  const at = new Int32Array(starts.length).fill(-1);
  const seen = new Uint8Array(starts.length);
  const back = key.head.length;
  let k = 0;
  for (let i = data.indexOf(key.tail, starts[0]); i !== -1; i = data.indexOf(key.tail, i + 1)) {
    while (k < starts.length && ends[k]! <= i) k++;
    if (k === starts.length) break;
    if (i - back < starts[k]! || !bytesAt(data, i - back, key.head)) continue;
    if (seen[k]++ === 0) at[k] = i + key.tail.length;
    else at[k] = -1;
  }
  return at;
}

/** The string value beginning at `i` (after its opening quote), when plain ASCII without a backslash. */
function plainValue(data: Buffer, i: number, end: number): string | undefined {
  if (i < 0) return undefined;
  // Values read here are short (a Region, a time): byte by byte, stopping at the first quote or backslash.
  let close = i;
  while (close < end && data[close] !== QUOTE) {
    if (data[close] === BACKSLASH || data[close]! >= 0x80) return undefined;
    close++;
  }
  if (close >= end) return undefined;
  return data.toString('latin1', i, close);
}

/**
 * Marks for parsing the spans whose counts cannot be read off their bytes (see the module comment); returns
 * the eventTime of each span left unmarked when the window filters by time.
 */
function markUncountable(data: Buffer, spans: Spans, pass: Uint8Array, byTime: boolean, knownRegions?: () => Iterable<string>): Array<string | undefined> {
  const n = spans.starts.length;
  const times = new Array<string | undefined>(n);
  const timeAt = byTime ? onlyValue(data, spans, EVENT_TIME) : undefined;
  const regions = new Set(knownRegions?.() ?? []);
  const regionAt = onlyValue(data, spans, AWS_REGION);
  for (let k = 0; k < n; k++) {
    if (pass[k]) continue;
    const r = plainValue(data, regionAt[k]!, spans.ends[k]!);
    if (r === undefined || !regions.has(r)) {
      pass[k] = 1;
      continue;
    }
    if (timeAt) {
      const t = plainValue(data, timeAt[k]!, spans.ends[k]!);
      if (t === undefined) pass[k] = 1;
      else times[k] = t;
    }
  }
  return times;
}

/**
 * Reads a compact `{"Records":[…]}` document through the prefilter into `sink`: records that may be the
 * principals' are parsed and given to the sink, the others counted (`FileSink.unparsed`). Returns false, having
 * given the sink nothing, when the document is not one this path reads (then read it the full way).
 */
export function readPrefiltered(sink: FileSink, data: Buffer, from: number, prefilter: RecordPrefilter): boolean {
  const spans = recordSpans(data, from);
  if (!spans) return false;
  const n = spans.starts.length;
  const pass = new Uint8Array(n);
  const needles = bytesOf(prefilter.needles);
  for (const e of needles.exact) markHits(data, spans, pass, e.find, e.alsoHolds ? (_at, k) => spanHolds(data, spans, k, e.alsoHolds!) : undefined);
  for (const b of needles.passAlways) markHits(data, spans, pass, b);
  for (const name of needles.roleNames) markHits(data, spans, pass, ROLE_SLASH, (at) => roleSegmentIs(data, at, name));
  const eventTimes = markUncountable(data, spans, pass, sink.filtersByTime, prefilter.knownRegions);
  const parsed: Array<Record<string, unknown> | undefined> = new Array<Record<string, unknown> | undefined>(n);
  for (let k = 0; k < n; k++) {
    if (!pass[k]) continue;
    let v: unknown;
    try {
      v = JSON.parse(data.toString('utf8', spans.starts[k], spans.ends[k]));
    } catch {
      return false;
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    parsed[k] = v as Record<string, unknown>;
  }
  for (let k = 0; k < n; k++) {
    const v = parsed[k];
    if (v) sink.record(v, k);
    else sink.unparsed(eventTimes[k]);
  }
  return true;
}
