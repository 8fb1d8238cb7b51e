/**
 * Streaming a large `{"Records":[…]}` (or bare `[…]`) document record by record: a hand-written scanner
 * finds where each element of the records array starts and ends (tracking strings, escapes and nesting
 * depth, byte by byte) and parses each element alone with JSON.parse. Memory: the element in progress and
 * the current chunk, whatever the document's size (the whole-document path needs ~5× the document in memory,
 * and cannot exceed V8's ~512 MiB string limit at all). Why not a streaming tokenizer package: they build each
 * value token by token in JavaScript, while this leaves the values to JSON.parse (docs/BENCHMARKS.md).
 */
import { FileSink, MAX_DOCUMENT_CHARS, bomLength, isObject } from './sink.js';
import { truncatedAfterData, truncatedDocument } from './formats.js';

/**
 * Documents larger than this (decompressed bytes) are streamed record by record; smaller ones keep the
 * whole-document fast path (one JSON.parse). 32 MiB: delivered CloudTrail files are well below (a few MB at
 * most), while the whole-document path's peak memory (~5× the text) stays under ~200 MB.
 */
export const STREAM_DOCUMENT_BYTES = 32 * 1024 * 1024;

/** Scanner states. */
const BETWEEN = 0;
const ELEMENT = 1;
const TAIL = 2;
const FAILED = 3;

/** Streams the elements of one records array into a sink. Feed it with {@link push}, then {@link end}. */
export class RecordsScanner {
  private state = BETWEEN;
  /** Nesting depth inside the current element (0 for a scalar or string element). */
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Bytes of the element in progress from earlier chunks. */
  private parts: Buffer[] = [];
  private partsLen = 0;
  private index = 0;
  /** Bytes consumed (for the position of a cut). */
  private consumed = 0;
  /** Non-blank bytes after the array's `]` that the document's form does not allow. */
  private junkAfter = false;

  private constructor(
    private readonly sink: FileSink,
    /** The document is `{"Records":[…]}`: one `}` follows the array. */
    private closeBrace: boolean,
  ) {}

  /**
   * A scanner for a document whose first bytes are `head` (at least the opening, e.g. 64 bytes), fed with
   * `head` from the array's first element on; undefined when the document is not `{"Records":[` or `[`
   * (then it cannot be streamed: a whole-document parse decides).
   */
  static start(sink: FileSink, head: Buffer): RecordsScanner | undefined {
    let from = bomLength(head);
    const text = head.subarray(from, from + 128).toString('latin1');
    const m = /^\s*(\[|\{\s*"Records"\s*:\s*\[)/.exec(text);
    if (!m) return undefined;
    from += m[0].length;
    const scanner = new RecordsScanner(sink, m[1] !== '[');
    scanner.push(head.subarray(from));
    return scanner;
  }

  /** Feeds the next bytes of the document. */
  push(chunk: Buffer): void {
    const n = chunk.length;
    let start = this.state === ELEMENT ? 0 : -1;
    for (let i = 0; i < n; i++) {
      const c = chunk[i]!;
      if (this.state === ELEMENT) {
        if (this.inString) {
          // Most bytes are inside strings: jump to the closing quote with indexOf (native) instead of looking
          // at each byte (scan and parse 10.8 → 7.4 ns a byte on the bench's records; docs/BENCHMARKS.md).
          const q = this.stringEnd(chunk, i);
          if (q === -1) {
            i = n;
            break;
          }
          i = q;
          this.inString = false;
          if (this.depth === 0) this.emit(chunk, start, i + 1); // a string element
          continue;
        }
        if (c === 0x22) this.inString = true;
        else if (c === 0x7b || c === 0x5b) this.depth++;
        else if (c === 0x7d || c === 0x5d) {
          if (this.depth === 0) {
            this.emit(chunk, start, i); // a scalar ended by the array's `]`
            this.state = TAIL;
          } else if (--this.depth === 0) this.emit(chunk, start, i + 1);
        } else if (this.depth === 0 && (c === 0x2c || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) {
          this.emit(chunk, start, i); // a scalar element
        }
        continue;
      }
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
      if (this.state === BETWEEN) {
        if (c === 0x2c) continue;
        if (c === 0x5d) {
          this.state = TAIL;
          continue;
        }
        this.state = ELEMENT;
        start = i;
        this.depth = c === 0x7b || c === 0x5b ? 1 : 0;
        this.inString = c === 0x22;
      } else if (this.state === TAIL) {
        if (c === 0x7d && this.closeBrace) this.closeBrace = false;
        else this.junkAfter = true;
      }
    }
    if (this.state === ELEMENT && start >= 0) this.keep(chunk.subarray(start));
    this.consumed += n;
  }

  /**
   * Offset of the quote that closes the string in progress, searching `chunk` from `i`; -1 when the string
   * goes on past the chunk (then {@link escaped} says whether the chunk ended on a pending backslash).
   */
  private stringEnd(chunk: Buffer, i: number): number {
    if (this.escaped) {
      this.escaped = false;
      i++; // the escaped byte, whatever it is
    }
    const n = chunk.length;
    for (let from = i; from < n; ) {
      const q = chunk.indexOf(0x22, from);
      if (q === -1) break;
      // A quote after an odd run of backslashes is escaped (runs start at or after i: earlier escapes are done).
      let k = q - 1;
      while (k >= i && chunk[k] === 0x5c) k--;
      if ((q - 1 - k) % 2 === 0) return q;
      from = q + 1;
    }
    let k = n - 1;
    while (k >= i && chunk[k] === 0x5c) k--;
    this.escaped = (n - 1 - k) % 2 === 1;
    return -1;
  }

  /** Keeps the part of the element in progress that this chunk holds. */
  private keep(part: Buffer): void {
    this.parts.push(part);
    this.partsLen += part.length;
    if (this.partsLen > MAX_DOCUMENT_CHARS) {
      this.sink.problem('too-large', `record ${this.index} of ${this.sink.file} is over ${MAX_DOCUMENT_CHARS} bytes; the rest of the file was not read.`, `record ${this.index}`);
      this.state = FAILED;
      this.parts = [];
    }
  }

  /** One element ends at `end` of `chunk` (it began at `start`, or in earlier chunks): parse and record it. */
  private emit(chunk: Buffer, start: number, end: number): void {
    const bytes = this.parts.length === 0 ? chunk.subarray(start, end) : Buffer.concat([...this.parts, chunk.subarray(0, end)]);
    this.parts = [];
    this.partsLen = 0;
    this.state = BETWEEN;
    const i = this.index++;
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      this.sink.problem('not-json', `record ${i} of the records array is not valid JSON (${err instanceof Error ? err.message : String(err)}); it was skipped.`, `record ${i}`, true);
      return;
    }
    if (isObject(value)) this.sink.record(value, i);
    else this.sink.problem('not-a-record', `element ${i} of the records array is not a record object; it was skipped (the other records were read).`, `record ${i}`, true);
  }

  /** Ends the document; `truncated` when its gzip stream was cut short. */
  end(truncated: boolean): void {
    if (this.state === FAILED) return;
    if (this.state === BETWEEN || this.state === ELEMENT) {
      const n = this.sink.recordCount;
      if (truncated) {
        this.sink.problem(
          'gzip-truncated',
          `${this.sink.file} is a truncated gzip file: it ends before its data does. ${n} complete record(s) before the cut ` +
            'were read; the rest of the file is lost. Fetch the file again.',
          `after byte ${this.consumed} of the decompressed data`,
        );
      } else truncatedDocument(this.sink, n, this.consumed);
      return;
    }
    // The array closed but the gzip stream was cut after it (in its trailer): said as the whole-document path says it.
    if (truncated) truncatedAfterData(this.sink);
    if (this.junkAfter || this.closeBrace) {
      this.sink.problem(
        'not-json',
        `${this.sink.file}: what follows the records array is not the end of the document; the ${this.sink.recordCount} record(s) in the array were read.`,
        'end of file',
      );
    }
  }
}
