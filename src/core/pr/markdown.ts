/**
 * Untrusted values in GitHub-flavoured Markdown. A pull-request body quotes ARNs, session names, event names and
 * resource names straight from CloudTrail records and policies: whoever can write a log record (any caller of an
 * AWS API) or a policy could otherwise put a link, an image, raw HTML, an `@`-mention (a notification to a
 * stranger), an issue cross-reference, a heading or a table row into a reviewer's pull request.
 *
 * Two renderings, each safe anywhere inside one line: {@link markdownText} (visible as written, every construct
 * disarmed) and {@link markdownCode} (a code span, in which GitHub renders nothing). Both first apply
 * `escapeControls` (render/escape.ts), so no value can break a line and start a block of its own.
 *
 * Sources: CommonMark 0.31.2 ("Backslash escapes": any ASCII punctuation may be escaped; "Code spans"); GitHub
 * Flavored Markdown spec 0.29-gfm ("Tables": `\|` inside a cell, also inside code spans; "Autolinks
 * (extension)": `www.`, `http://`, `https://`, e-mail addresses); GitHub Docs, "Writing mathematical
 * expressions" (`\$`). Mentions and `#123` references are linked by GitHub after rendering, so escapes do not
 * stop them: a zero-width space after `@` and `#` does (Dependabot quotes release notes the same way).
 */
import { escapeControls } from '../render/escape.js';

/** Inserted after `@` and `#` before a name or number: invisible, and no mention or reference matches across it. */
export const ZERO_WIDTH_SPACE = '\u200b';

/** Characters escaped wherever they are: code spans, emphasis, links, HTML, tables, strikethrough, entities, math. */
const ALWAYS_ESCAPED = /[\\`*_[\]<>|~&$#]/g;

/**
 * Visible text for an untrusted value, to place inside a line of Markdown: it renders as the value reads (with
 * `escapeControls`' visible escapes for control characters) and holds no construct of its own. A
 * zero-width space follows `@` and `#` before a letter or digit, so copying a rendered value may carry it.
 */
export function markdownText(value: unknown): string {
  return escapeLineStart(escapeInline(escapeControls(typeof value === 'string' ? value : String(value))));
}

/** {@link markdownText} without the line-start rules: for text that follows something else on its line. */
function escapeInline(text: string): string {
  return text
    .replace(ALWAYS_ESCAPED, (c) => `\\${c}`)
    // GFM's extended autolinks: `http://…`, `www.…` (an escaped `:` or `.` is not part of one).
    .replace(/:(?=\/\/)/g, '\\:')
    .replace(/(www)\./gi, '$1\\.')
    // Mentions, team mentions, e-mail autolinks and issue references are matched on the rendered text.
    .replace(/([@#])(?=[\p{L}\p{N}_])/gu, `$1${ZERO_WIDTH_SPACE}`);
}

/**
 * At the start of a line a value could begin a list (`-`, `+`, `1.`), a setext underline (`=`) or an indented
 * code block: escape that first character, whatever the caller puts before the value.
 */
function escapeLineStart(text: string): string {
  // A marker counts only before a space or the end (`-foo`, `0.1.0` are text); `--`, `==` could begin a rule.
  if (/^[-+=](?:$|[\s\-+=])/.test(text)) return `\\${text}`;
  const ordered = /^(\d{1,9})([.)])(?=$|\s)/.exec(text);
  if (ordered) return `${ordered[1]}\\${ordered[2]}${text.slice(ordered[0].length)}`;
  // A space as an entity: leading spaces are not dropped, and four of them do not make a code block.
  if (text.startsWith(' ')) return `&#32;${text.slice(1)}`;
  return text;
}

/** Options of {@link markdownCode}. */
export interface MarkdownCodeOptions {
  /**
   * The span sits in a table cell: `|` is written `\|` (GFM splits cells before it reads code spans, and
   * unescapes `\|` inside them). Outside a table `\|` would show its backslash, so only tables ask for it.
   */
  table?: boolean;
}

/**
 * An untrusted value as one code span: GitHub renders nothing inside it (no HTML, link, mention or emphasis),
 * and its fence is longer than any run of backticks in the value, so the value cannot close it. An empty value
 * is shown as `(empty)` in italics: an empty code span is not one.
 */
export function markdownCode(value: unknown, options: MarkdownCodeOptions = {}): string {
  let text = escapeControls(typeof value === 'string' ? value : String(value));
  if (text === '') return '*(empty)*';
  if (options.table) text = text.replace(/\|/g, '\\|');
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  // CommonMark strips one space from each end when both ends have one: pad so the value's own ends survive,
  // and so a backtick at either end is not read as part of the fence.
  const pad = /^[` ]|[` ]$/.test(text) && !/^ +$/.test(text) ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * Prose that quotes names in backticks (an editor's note: "reference `aws_s3_bucket.b.arn` could not be
 * resolved"): each backtick-quoted part becomes a {@link markdownCode} span, the rest {@link markdownText}. An
 * unpaired backtick is shown as written.
 */
export function markdownProse(value: string, options: MarkdownCodeOptions = {}): string {
  const parts = value.split(/`([^`]+)`/);
  // Only the first part can start a line; a part after a code span follows it.
  return parts
    .map((part, i) => (i % 2 === 1 ? markdownCode(part, options) : i === 0 ? (part === '' ? '' : markdownText(part)) : escapeInline(escapeControls(part))))
    .join('');
}

/**
 * `value` cut to at most `max` UTF-16 units, ending in `…` when cut (never inside a surrogate pair). The short
 * body clips every value so that no single one can take the space of a section.
 */
export function clipText(value: string, max: number): string {
  if (value.length <= max) return value;
  if (max <= 1) return '…';
  let end = max - 1;
  const last = value.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${value.slice(0, end)}…`;
}

/**
 * A Markdown link to a URL the caller built (the report on the pull request's branch); undefined when `url` is
 * not an `https://` URL. The destination is percent-encoded where Markdown or HTML would read it.
 */
export function markdownLink(label: string, url: string): string | undefined {
  if (!/^https:\/\/[^\s/]/i.test(url)) return undefined;
  const destination = url.replace(/[<>()\\"'`\s|\u0000-\u001f\u007f-\u009f]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  return `[${label}](${destination})`;
}

/** `1234567` → `1,234,567`: the same on every machine (no locale data). */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
