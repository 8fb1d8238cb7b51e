/**
 * A small detector of the Markdown constructs an untrusted value must never produce in a pull request: raw HTML
 * and autolinks (`<`), links and images (`](`, `][`, `![`), bare-URL autolinks (`https://`, `www.`), mentions
 * and issue references (`@name`, `#12` as GitHub links them, on the rendered text), code spans that do not
 * close, math (`$`), and, for a value on its own, table cells, emphasis and block markers at the line's start.
 *
 * It reads one line as CommonMark/GFM would, only as far as these constructs need: a backslash before ASCII
 * punctuation makes it literal; a backtick run opens a code span closed by the next run of the same length,
 * whose content is literal (GitHub links nothing in it).
 */

/** ASCII punctuation: what a backslash escapes (CommonMark, "Backslash escapes"). */
const PUNCT = /[!-/:-@[-`{-~]/;

/** One line, split: literal text outside code spans (escapes resolved, `\u0001` for each escaped char in `raw`). */
interface Scanned {
  /** The source outside code spans, an escaped character replaced by U+0001 (so it matches nothing). */
  raw: string;
  /** The text as rendered outside code spans: escapes resolved, `&#32;` as a space. */
  text: string;
  /** Contents of the code spans. */
  spans: string[];
  /** A backtick run that no run of the same length closes. */
  unclosed: boolean;
}

function scan(line: string): Scanned {
  let raw = '';
  let text = '';
  const spans: string[] = [];
  let unclosed = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length && PUNCT.test(line[i + 1]!)) {
      raw += '\u0001';
      text += line[i + 1];
      i += 2;
      continue;
    }
    if (c === '`') {
      let n = 0;
      while (line[i + n] === '`') n++;
      const close = findRun(line, i + n, n);
      if (close < 0) {
        unclosed = true;
        raw += '`'.repeat(n);
        text += '`'.repeat(n);
        i += n;
        continue;
      }
      spans.push(line.slice(i + n, close));
      raw += '\u0002';
      text += '\u0002';
      i = close + n;
      continue;
    }
    if (line.startsWith('&#32;', i)) {
      raw += '\u0001';
      text += ' ';
      i += 5;
      continue;
    }
    raw += c;
    text += c;
    i++;
  }
  return { raw, text, spans, unclosed };
}

/** The index of the next backtick run of exactly `n` from `from`, or -1. */
function findRun(line: string, from: number, n: number): number {
  let i = from;
  while (i < line.length) {
    if (line[i] !== '`') {
      i++;
      continue;
    }
    let m = 0;
    while (line[i + m] === '`') m++;
    if (m === n) return i;
    i += m;
  }
  return -1;
}

/** Options of {@link markdownDangers}. */
export interface DetectorOptions {
  /**
   * `value`: the line is one rendered value: also flag table pipes, emphasis and block markers at its start.
   * `line`: a line of the body, whose own structure (lists, tables, bold) is the renderer's: inline constructs only.
   */
  mode: 'value' | 'line';
  /** The line is a table row: a `|` inside a code span must be escaped too. */
  table?: boolean;
}

/** The dangerous constructs a line of Markdown holds (empty: none). */
export function markdownDangers(line: string, options: DetectorOptions): string[] {
  const found: string[] = [];
  if (/[\n\r]/.test(line)) found.push('line break');
  const s = scan(line);
  if (/<[A-Za-z/!?]/.test(s.raw)) found.push('html or autolink');
  if (/\]\(|\]\[|!\[|\[[^\]]*\]:/.test(s.raw)) found.push('link or image');
  if (/(?:https?|ftp):\/\//i.test(s.raw) || /www\./i.test(s.raw)) found.push('bare url autolink');
  if (/(?:^|[^\p{L}\p{N}_])@[\p{L}\p{N}]/u.test(s.text) || /[\p{L}\p{N}_.+-]@[\p{L}\p{N}]/u.test(s.text)) found.push('mention or e-mail');
  if (/#[\p{L}\p{N}]/u.test(s.text)) found.push('issue reference');
  if (s.unclosed) found.push('unclosed code span');
  if (s.raw.includes('$')) found.push('math');
  if (options.table && s.spans.some((span) => /(?:^|[^\\])\|/.test(span))) found.push('table cell split in a code span');
  if (options.mode === 'value') {
    if (s.raw.includes('|')) found.push('table cell');
    if (/[*_~]/.test(s.raw)) found.push('emphasis');
    if (/^ {0,3}(?:#|>|[-+*](?:\s|$)|\d{1,9}[.)](?:\s|$)|[-=]{2,}\s*$)/.test(s.raw) || /^ {4}/.test(s.raw)) found.push('block at line start');
  }
  return found;
}

/** True when `md` is exactly one code span (its fence appears nowhere inside). */
export function isSingleCodeSpan(md: string): boolean {
  const open = /^`+/.exec(md)?.[0];
  if (!open || !md.endsWith(open) || md.length < open.length * 2 + 1) return false;
  return findRun(md, open.length, open.length) === md.length - open.length;
}

/** What a code span shows: its content, one space stripped from each end when both have one (CommonMark). */
export function codeSpanContent(md: string): string {
  const fence = /^`+/.exec(md)![0].length;
  const inner = md.slice(fence, md.length - fence);
  return inner.length >= 2 && inner.startsWith(' ') && inner.endsWith(' ') && !/^ +$/.test(inner) ? inner.slice(1, -1) : inner;
}

/** What a line of text renders as outside code spans (escapes resolved): for fidelity checks. */
export function renderedText(md: string): string {
  return scan(md).text;
}
