/**
 * The byte half of the prefilter (`prefilter.ts`): one pass set over a compact `{"Records":[…]}` document that
 * says, per record, whether it must be parsed and, when not, what is counted for it (its Region, whether its
 * `eventTime` lies outside the window), without `JSON.parse`. It needs no catalog, no tally and no state
 * between documents, so it runs where the bytes are: in this thread, or in the scan workers beside the
 * decompression (`adapters/fs/scan-pool.ts`), its result sent back as typed arrays.
 *
 * How: the document is cut into record spans at the first record's opening bytes up to its first key
 * (`{"eventVersion":` in CloudTrail's compact form): in valid JSON those bytes cannot occur inside a string (the
 * `"` would end it and a bare word follow). Each span must end in `},`, the last in `}` before `]}`; anything
 * else (another shape, whitespace-indented records, a cut document) gives no scan, and the file takes the full
 * path (`formats.ts`), so its problems are reported exactly as before. A span must be parsed when its bytes hold
 * a needle (`core/trail/prefilter.ts`) or an escape, or when what is counted without parsing cannot be read off
 * its bytes with certainty: exactly one `"eventTime":"…"` (the time window) and one `"awsRegion":"…"`, plain
 * ASCII without a backslash. Whether its Region is one the tally already holds is the caller's question
 * (`prefilter.ts`): the scan only names it.
 *
 * What it does not check: the JSON syntax inside a skipped record's body (checking it is the cost being saved),
 * nor the depth of the keys it reads (an object nested in a record that begins with the record's first key would
 * be counted as a record of its own; a record without a top-level `eventTime` or `awsRegion` but with exactly
 * one nested key of that name would be counted by the nested value). CloudTrail writes neither; a parsed span
 * cut that way fails to parse and sends the file the full way.
 */

import type { PrincipalFilter } from '../../core/trail/prefilter.js';

/** The window a scan classifies skipped records by, in epoch milliseconds (since inclusive, until exclusive). */
export interface ScanWindow {
  sinceMs: number;
  untilMs: number;
}

/** What a scan says about each record of one document; typed arrays, so it crosses threads cheaply. */
export interface DocumentScan {
  /** Record k is the JSON object at bytes `starts[k]`..`ends[k]` (exclusive). */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  /** 1 when record k must be parsed: a needle or an escape, or its Region or time cannot be read off its bytes. */
  readonly pass: Uint8Array;
  /** For a record not passed: the index in `regions` of its `awsRegion`. */
  readonly region: Uint8Array;
  /** The distinct Regions of the records not passed, in order of first appearance. */
  readonly regions: string[];
  /** For a record not passed: 1 when its `eventTime` lies outside the window (always 0 without a window). */
  readonly outside: Uint8Array;
}

/** The byte forms of a filter's needles. */
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
/** Distinct Regions one scan can name (a `Uint8Array` index); a record of a further one is passed. */
const MAX_REGIONS = 255;

/** The record spans of a document. */
interface Spans {
  starts: Int32Array;
  ends: Int32Array;
}

function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Position after the whitespace before `end` (exclusive), going back no further than `floor`. */
function trimBack(data: Uint8Array, end: number, floor: number): number {
  while (end > floor && isSpace(data[end - 1])) end--;
  return end;
}

/** The record starts of a compact document and where its array closes, or undefined when it is not one. */
function recordStarts(data: Buffer, from: number): { starts: number[]; close: number } | undefined {
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
  return { starts, close };
}

/**
 * The record spans of a compact `{"Records":[{…},{…}]}` document, or undefined when it is not one (then the
 * full path reads it). `from`: the first byte after a byte order mark.
 */
export function recordSpans(data: Buffer, from: number): Spans | undefined {
  const found = recordStarts(data, from);
  if (!found) return undefined;
  const { close } = found;
  const starts = Int32Array.from(found.starts);
  const n = starts.length;
  const ends = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const last = k === n - 1;
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
  const n = starts.length;
  let k = 0;
  for (let at = data.indexOf(needle, starts[0]); at !== -1; at = data.indexOf(needle, at + 1)) {
    while (k < n && ends[k]! <= at) k++;
    if (k === n) return;
    if (at >= starts[k]! && !pass[k] && (!check || check(at, k))) pass[k] = 1;
  }
}

/** Does span k hold `bytes`? */
function spanHolds(data: Buffer, spans: Spans, k: number, bytes: Buffer): boolean {
  // Searched within the span only: a file of another account may not hold the bytes at all.
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
function bytesAt(data: Uint8Array, at: number, bytes: Uint8Array): boolean {
  for (let j = 0; j < bytes.length; j++) if (data[at + j] !== bytes[j]) return false;
  return true;
}

/**
 * For each span, where the value of its only `"KEY":"` begins, or -1 (none, or more than one): one indexOf
 * pass over the document for the key's tail, each hit checked to be the whole key.
 */
function onlyValue(data: Buffer, spans: Spans, key: { tail: Buffer; head: Buffer }): Int32Array {
  const { starts, ends } = spans;
  const n = starts.length;
  const at = new Int32Array(n).fill(-1);
  const seen = new Uint8Array(n);
  const back = key.head.length;
  let k = 0;
  for (let i = data.indexOf(key.tail, starts[0]); i !== -1; i = data.indexOf(key.tail, i + 1)) {
    while (k < n && ends[k]! <= i) k++;
    if (k === n) break;
    if (i - back < starts[k]! || !bytesAt(data, i - back, key.head)) continue;
    if (seen[k]++ === 0) at[k] = i + key.tail.length;
    else at[k] = -1;
  }
  return at;
}

/** Where the plain string value beginning at `i` (after its quote) closes, or -1 (not plain ASCII without a backslash). */
function plainValueEnd(data: Uint8Array, i: number, end: number): number {
  if (i < 0) return -1;
  // Values read here are short (a Region, a time): byte by byte, stopping at the first quote or backslash.
  let close = i;
  while (close < end && data[close] !== QUOTE) {
    if (data[close] === BACKSLASH || data[close]! >= 0x80) return -1;
    close++;
  }
  return close >= end ? -1 : close;
}

/** The index of the Region at `data[i..close)` in `names`/`bytes`, adding it when new; -1 past MAX_REGIONS. */
function regionIndex(data: Uint8Array, i: number, close: number, names: string[], bytes: Uint8Array[]): number {
  const len = close - i;
  for (let r = 0; r < bytes.length; r++) {
    const b = bytes[r]!;
    if (b.length === len && bytesAt(data, i, b)) return r;
  }
  if (names.length >= MAX_REGIONS) return -1;
  const name = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1', i, close);
  names.push(name);
  bytes.push(Buffer.from(name, 'latin1'));
  return names.length - 1;
}

/**
 * Scans a compact `{"Records":[…]}` document for the principals of `needles` (see the module comment); undefined
 * when the document is not one this path reads. `window`: classify skipped records by time (absent: the read does
 * not filter by time). `from`: the first byte after a byte order mark.
 */
export function scanDocument(data: Buffer, from: number, needles: PrincipalFilter, window?: ScanWindow): DocumentScan | undefined {
  const spans = recordSpans(data, from);
  if (!spans) return undefined;
  const n = spans.starts.length;
  const pass = new Uint8Array(n);
  if (n === 0) return { ...spans, pass, region: new Uint8Array(0), regions: [], outside: new Uint8Array(0) };
  const b = bytesOf(needles);
  for (const e of b.exact) markHits(data, spans, pass, e.find, e.alsoHolds ? (_at, k) => spanHolds(data, spans, k, e.alsoHolds!) : undefined);
  for (const x of b.passAlways) markHits(data, spans, pass, x);
  for (const name of b.roleNames) markHits(data, spans, pass, ROLE_SLASH, (at) => roleSegmentIs(data, at, name));
  const region = new Uint8Array(n);
  const regions: string[] = [];
  const regionBytes: Uint8Array[] = [];
  const regionAt = onlyValue(data, spans, AWS_REGION);
  for (let k = 0; k < n; k++) {
    if (pass[k]) continue;
    const close = plainValueEnd(data, regionAt[k]!, spans.ends[k]!);
    const r = close < 0 ? -1 : regionIndex(data, regionAt[k]!, close, regions, regionBytes);
    if (r < 0) pass[k] = 1;
    else region[k] = r;
  }
  const outside = new Uint8Array(n);
  if (window) classifyTimes(data, spans, pass, outside, window);
  return { ...spans, pass, region, regions, outside };
}

/** Marks in `outside` the unpassed records whose `eventTime` lies outside `window`; passes those whose time cannot be read. */
function classifyTimes(data: Buffer, spans: Spans, pass: Uint8Array, outside: Uint8Array, window: ScanWindow): void {
  const timeAt = onlyValue(data, spans, EVENT_TIME);
  const bounds = canonicalBounds(window);
  for (let k = 0; k < pass.length; k++) {
    if (pass[k]) continue;
    const at = timeAt[k]!;
    const close = plainValueEnd(data, at, spans.ends[k]!);
    if (close < 0) pass[k] = 1;
    else outside[k] = isOutside(data, at, close, window, bounds) ? 1 : 0;
  }
}

/** Length of CloudTrail's `eventTime` form, `YYYY-MM-DDTHH:MM:SSZ`. */
const CANONICAL_TIME_LENGTH = 20;

/** The window as canonical times to compare bytes with: a time is outside when `< since` or `>= until`. */
interface CanonicalBounds {
  since?: Uint8Array;
  until?: Uint8Array;
  /** False when a bound has no canonical form (a year outside 0000–9999): every time goes through `Date.parse`. */
  usable: boolean;
}

/** The last window's bounds: a read asks for the same window once per file. */
let lastBounds: { sinceMs: number; untilMs: number; bounds: CanonicalBounds } | undefined;

function canonicalBounds(window: ScanWindow): CanonicalBounds {
  if (lastBounds?.sinceMs !== window.sinceMs || lastBounds.untilMs !== window.untilMs) {
    lastBounds = { sinceMs: window.sinceMs, untilMs: window.untilMs, bounds: boundsOf(window) };
  }
  return lastBounds.bounds;
}

function boundsOf(window: ScanWindow): CanonicalBounds {
  // A time of whole seconds t is < sinceMs exactly when t < ceil(sinceMs / 1000) seconds; likewise for until.
  const canon = (ms: number): Uint8Array | undefined => {
    if (!Number.isFinite(ms)) return undefined;
    const iso = new Date(Math.ceil(ms / 1000) * 1000).toISOString();
    return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/.test(iso) ? Buffer.from(`${iso.slice(0, 19)}Z`, 'latin1') : undefined;
  };
  const since = canon(window.sinceMs);
  const until = canon(window.untilMs);
  const usable = (since !== undefined || !Number.isFinite(window.sinceMs)) && (until !== undefined || !Number.isFinite(window.untilMs));
  return { ...(since ? { since } : {}), ...(until ? { until } : {}), usable };
}

/**
 * Is the time at `data[at..close)` outside the window, as `Date.parse` reads it (a time it cannot read is in the
 * window, as for a parsed record)? A canonical time of a valid date compares as bytes; any other goes through
 * `Date.parse`.
 */
function isOutside(data: Buffer, at: number, close: number, window: ScanWindow, bounds: CanonicalBounds): boolean {
  if (bounds.usable && close - at === CANONICAL_TIME_LENGTH && isCanonicalTime(data, at)) {
    return (bounds.since !== undefined && compareBytes(data, at, bounds.since) < 0) || (bounds.until !== undefined && compareBytes(data, at, bounds.until) >= 0);
  }
  const ms = Date.parse(data.toString('latin1', at, close));
  return ms === ms && (ms < window.sinceMs || ms >= window.untilMs);
}

/** The number written by the `len` digits at `d[at..]`, or -1 when one of them is not a digit. */
function digitsAt(d: Uint8Array, at: number, len: number): number {
  let v = 0;
  for (let j = 0; j < len; j++) {
    const c = d[at + j]! - 0x30;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Digits where `YYYY-MM-DDTHH:MM:SSZ` has them, the separators, and fields every month has (day ≤ 28). */
function isCanonicalTime(d: Uint8Array, at: number): boolean {
  if (d[at + 4] !== 0x2d || d[at + 7] !== 0x2d || d[at + 10] !== 0x54 || d[at + 13] !== 0x3a || d[at + 16] !== 0x3a || d[at + 19] !== 0x5a) return false;
  const month = digitsAt(d, at + 5, 2);
  const day = digitsAt(d, at + 8, 2);
  const hour = digitsAt(d, at + 11, 2);
  const minute = digitsAt(d, at + 14, 2);
  const second = digitsAt(d, at + 17, 2);
  return digitsAt(d, at, 4) >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 28 && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59;
}

/** Compares the canonical time at `data[at..]` with `bound` (same length), byte by byte. */
function compareBytes(data: Uint8Array, at: number, bound: Uint8Array): number {
  for (let j = 0; j < bound.length; j++) {
    const diff = data[at + j]! - bound[j]!;
    if (diff !== 0) return diff;
  }
  return 0;
}
