/**
 * Splitting a decompressed byte stream into NDJSON lines, collecting a multi-line document, or handing a large
 * records array to the record-by-record scanner (`records-stream.ts`). Used by `decode.ts`.
 */
import { FileSink, MAX_DOCUMENT_CHARS } from './sink.js';
import { handleValue, parseOneLine, parseTrailText } from './formats.js';
import { RecordsScanner, STREAM_DOCUMENT_BYTES } from './records-stream.js';

/**
 * Splits a byte stream into lines. The first non-blank line decides the mode: if it parses on its own as JSON
 * (NDJSON, or a one-line compact CloudTrail document) every line is parsed as it arrives; otherwise the
 * input is a multi-line document and is collected whole (up to {@link MAX_DOCUMENT_CHARS}) and parsed at the end.
 */
export class LineSplitter {
  private mode: 'sniff' | 'lines' | 'document' | 'records' = 'sniff';
  private scanner: RecordsScanner | undefined;
  private partial: Buffer[] = [];
  private partialLen = 0;
  private doc: Buffer[] = [];
  private docLen = 0;
  private lineNo = 0;
  private failed = false;

  /** @param streamBytes a document that grows past this many bytes is streamed record by record if it can be. */
  constructor(
    private readonly sink: FileSink,
    private readonly streamBytes = STREAM_DOCUMENT_BYTES,
  ) {}

  /** Feeds a chunk; returns false when the input turned out too large to handle (a problem was not yet added). */
  push(chunk: Buffer): boolean {
    if (this.failed) return false;
    if (this.scanner) {
      this.scanner.push(chunk);
      return true;
    }
    if (this.mode === 'document') return this.addDoc(chunk);
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) {
        if (start < chunk.length) {
          const rest = chunk.subarray(start);
          this.partial.push(rest);
          this.partialLen += rest.length;
          // One long line (a compact document) in sniff mode: a records array can be streamed.
          if (this.mode === 'sniff' && this.docLen + this.partialLen > this.streamBytes && this.startRecords()) return true;
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
    if (this.docLen > this.streamBytes && this.startRecords()) return true;
    if (this.docLen > MAX_DOCUMENT_CHARS) {
      this.failed = true;
      return false;
    }
    return true;
  }

  /**
   * Switches to streaming record by record when what is collected so far opens a records array (then it is
   * handed to the scanner and released); returns whether it did.
   */
  private startRecords(): boolean {
    if (this.scanner) return true;
    const collected = Buffer.concat([...this.doc, ...this.partial], this.docLen + this.partialLen);
    this.scanner = RecordsScanner.start(this.sink, collected);
    if (!this.scanner) return false;
    this.mode = 'records';
    this.doc = [];
    this.partial = [];
    this.docLen = this.partialLen = 0;
    return true;
  }

  /** Ends the input; `truncated` when the gzip stream was cut short. */
  end(truncated: boolean): void {
    if (this.failed) return;
    if (this.scanner) {
      this.scanner.end(truncated);
      return;
    }
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
