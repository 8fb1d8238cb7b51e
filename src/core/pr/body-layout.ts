/**
 * The body's shape: sections of blocks of rows, rendered whole (the full report) or with rows cut so the body
 * fits GitHub's limit. Rows are the unit that can be left out ("… N more, see the full report"): a removed
 * action, a narrowed one, a group of unobservable actions, an edited file. Everything else (headings, intros)
 * is always shown, and is short by construction: every untrusted value in it is clipped in the short body.
 */
import { clipText, formatCount, markdownCode, markdownProse, markdownText } from './markdown.js';

/** How much of each value and inner list a rendering shows. */
export interface RenderLimits {
  /** Longest untrusted value shown, in UTF-16 units (before escaping). */
  clip: number;
  /** Longest sentence shown (a reason, a note): longer than a value, as they are written to be read whole. */
  proseClip: number;
  /** Most entries of a list inside one row (a narrowed action's resources, a group's actions). */
  listMax: number;
}

/** The full report: everything. */
export const FULL_LIMITS: RenderLimits = { clip: Number.POSITIVE_INFINITY, proseClip: Number.POSITIVE_INFINITY, listMax: Number.POSITIVE_INFINITY };
/** The shortened body: values and inner lists clipped, so that no one row can be large. */
export const SHORT_LIMITS: RenderLimits = { clip: 200, proseClip: 1_000, listMax: 10 };

/** A run of rows of one kind, under an optional heading. */
export interface Block {
  /** `list`: rows are list items; `table`: rows are table rows (after `header`). */
  kind: 'list' | 'table';
  /**
   * A blank line between rows: needed after a row that ends in an HTML block (`</details>`), which would
   * otherwise swallow the next line.
   */
  loose?: boolean;
  /** Lines always shown (a sub-heading). */
  head?: string[];
  /** Lines shown before the first row only when a row is shown (a table's header and delimiter rows). */
  header?: string[];
  rows: string[];
  /** Never cut, whatever the length (how to roll back, the verdicts of the safety check). */
  fixed?: boolean;
  /** Continues the previous block's list (no blank line between): the same list, partly fixed, partly cut. */
  attached?: boolean;
}

/** A `###` section: heading, intro paragraphs, blocks. */
export interface Section {
  heading: string;
  intro?: string[];
  blocks: Block[];
}

/** What "… N more" says: the rows left out are in the full report. */
export function moreLine(hidden: number): string {
  return `… ${formatCount(hidden)} more, see the full report`;
}

function rowJoiner(block: Block): string {
  return block.loose ? '\n\n' : '\n';
}

/** A block with its first `shown` rows, and the "… N more" line for the rest. */
export function renderBlock(block: Block, shown = block.rows.length): string {
  const rows = block.rows.slice(0, shown);
  const hidden = block.rows.length - rows.length;
  const chunks: string[] = [];
  if (block.head?.length) chunks.push(block.head.join('\n'));
  let body = rows.length ? [...(block.header ?? []), rows.join(rowJoiner(block))].join('\n') : '';
  if (hidden > 0) {
    // A table ends at a blank line: the note is a paragraph after it. In a list it is one more item.
    const note = block.kind === 'list' ? `- ${moreLine(hidden)}` : `*${moreLine(hidden)}.*`;
    body = body ? `${body}${block.kind === 'list' ? rowJoiner(block) : '\n\n'}${note}` : note;
  }
  if (body) chunks.push(body);
  return chunks.join('\n\n');
}

/** A section with `shown[i]` rows of its block i (default: all). */
export function renderSection(section: Section, shown?: readonly number[]): string {
  const parts = [section.heading, ...(section.intro ?? [])];
  let previousShown = false;
  section.blocks.forEach((b, i) => {
    const text = renderBlock(b, shown?.[i] ?? b.rows.length);
    if (!text) return;
    if (b.attached && previousShown) parts[parts.length - 1] += `\n${text}`;
    else parts.push(text);
    previousShown = true;
  });
  return parts.join('\n\n');
}

/** Characters each further row of a block adds (its joiner, and the header with the first row). */
export function rowCosts(block: Block): number[] {
  return block.rows.map((row, i) => row.length + (i === 0 ? (block.header ?? []).reduce((n, l) => n + l.length + 1, 0) : rowJoiner(block).length));
}

/** How values are quoted in one rendering: escaped, and clipped to the rendering's limits. */
export interface Quoter {
  /** Visible text ({@link markdownText}). */
  text(value: string): string;
  /** A code span ({@link markdownCode}); `table` inside a table cell. */
  code(value: string, table?: boolean): string;
  /** Prose with backtick-quoted names ({@link markdownProse}). */
  prose(value: string, table?: boolean): string;
  /** At most `listMax` entries, then `+N more` (already Markdown). */
  list(items: readonly string[]): string[];
  limits: RenderLimits;
}

/** A {@link Quoter} for `limits`. */
export function quoter(limits: RenderLimits): Quoter {
  const clip = (v: string) => clipText(v, limits.clip);
  return {
    limits,
    text: (v) => markdownText(clip(v)),
    code: (v, table) => markdownCode(clip(v), { table: table ?? false }),
    prose: (v, table) => markdownProse(clipText(v, limits.proseClip), { table: table ?? false }),
    list(items) {
      if (items.length <= limits.listMax) return [...items];
      return [...items.slice(0, limits.listMax), `+${formatCount(items.length - limits.listMax)} more`];
    },
  };
}
