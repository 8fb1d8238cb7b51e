/**
 * Writing a new list of statements over the statements a site holds, touching as little text as possible.
 * A statement equal to one already written keeps its bytes (comments inside included). A changed statement
 * keeps the comment lines above the statement it came from and gets the smallest rewrite: when a trim only
 * removes actions or narrows resources, its other text (comments, Sid, conditions, layout) is kept and only
 * the changed lists are edited item by item — kept items keep their bytes (and the comment lines above them),
 * surplus items go with the separator before them. Anything else (a Sid, effect, condition or principal that
 * changed, a list added or dropped) renders the whole statement in the site's style instead.
 */

import type { Statement } from '../policy/types.js';
import type { ReferenceTable } from './types.js';
import {
  LIST_FIELDS,
  applyEdits,
  keyedStatement,
  keyedString,
  leadingCommentStart,
  lineIndent,
  placeTexts,
  type FieldNode,
  type SlotLayout,
  type TextEdit,
  type WrittenStatement,
} from './terraform-splice.js';

/** How a site writes one value and a one-line list of values. */
export interface ValueWriter {
  item(value: string): string;
  list(values: string[]): string;
  eol: string;
}

/** The statement without its list fields, for comparing the rest. */
function rest(st: Statement): Statement {
  const out: Statement = { ...st };
  for (const f of LIST_FIELDS) delete out[f];
  return out;
}

/**
 * The new text of the written statement `[start, end)` for `st`, or undefined when only a whole rewrite can
 * say it (see the module comment).
 */
function patchStatement(text: string, at: WrittenStatement, origRefs: ReferenceTable, st: Statement, editRefs: ReferenceTable, writer: ValueWriter): string | undefined {
  if (at.fields === undefined || keyedStatement(rest(at.statement), origRefs) !== keyedStatement(rest(st), editRefs)) return undefined;
  const edits: TextEdit[] = [];
  for (const f of LIST_FIELDS) {
    const before = at.statement[f];
    const after = st[f];
    if (before === undefined && after === undefined) continue;
    const node = at.fields[f];
    if (before === undefined || after === undefined || node === undefined) return undefined;
    const keyedBefore = before.map((v) => keyedString(v, origRefs));
    const keyedAfter = after.map((v) => keyedString(v, editRefs));
    if (JSON.stringify(keyedBefore) === JSON.stringify(keyedAfter)) continue;
    edits.push(...patchField(text, node, keyedBefore, after, keyedAfter, writer));
  }
  const shifted = edits.map((e) => ({ ...e, start: e.start - at.start, end: e.end - at.start }));
  return applyEdits(text.slice(at.start, at.end), shifted);
}

/** The edits of one field: a list edited item by item, a single value replaced (by a list if need be). */
function patchField(text: string, node: FieldNode, keyedBefore: string[], after: string[], keyedAfter: string[], writer: ValueWriter): TextEdit[] {
  if (node.items === undefined) {
    const value = after.length === 1 ? writer.item(after[0]!) : writer.list(after);
    return [{ start: node.start, end: node.end, text: value }];
  }
  const items = node.items;
  const used = new Set<number>();
  const texts = after.map((v, k) => {
    const j = keyedBefore.findIndex((b, j) => !used.has(j) && b === keyedAfter[k]);
    if (j < 0) return writer.item(v);
    used.add(j);
    return text.slice(leadingCommentStart(text, items[j]!.start), items[j]!.end);
  });
  const slots = items.map((i) => ({ ...i, commentStart: leadingCommentStart(text, i.start) }));
  const first = slots[0];
  const multiLine = first !== undefined && text.slice(node.start, first.commentStart).includes('\n');
  return placeTexts(text, slots, texts, {
    separator: multiLine ? `,${writer.eol}${lineIndent(text, first.start)}` : ', ',
    removable: /[\s,]/,
    whole: (ts) => [{ start: node.start, end: node.end, text: ts.length === 0 ? '[]' : writer.list(after) }],
  });
}

const lower = (xs: string[] | undefined) => new Set((xs ?? []).map((x) => x.toLowerCase()));

/**
 * For each new statement, the original it comes from (or undefined): the same statement, else the same Sid,
 * else an original of the same effect whose actions include all of its actions (a narrowed statement), else
 * the original at the same place when they share an action. Each original is used once.
 */
export function pairStatements(originals: readonly Statement[], origRefs: ReferenceTable, edits: readonly Statement[], editRefs: ReferenceTable): Array<number | undefined> {
  const used = new Set<number>();
  const pairs: Array<number | undefined> = edits.map(() => undefined);
  const origKeys = originals.map((s) => keyedStatement(s, origRefs));
  const pass = (test: (o: Statement, j: number, e: Statement, k: number) => boolean) => {
    edits.forEach((e, k) => {
      if (pairs[k] !== undefined) return;
      const j = originals.findIndex((o, j) => !used.has(j) && test(o, j, e, k));
      if (j >= 0) {
        pairs[k] = j;
        used.add(j);
      }
    });
  };
  pass((_o, j, e) => origKeys[j] === keyedStatement(e, editRefs));
  pass((o, _j, e) => o.sid !== undefined && o.sid === e.sid);
  pass((o, _j, e) => {
    const mine = lower(e.action ?? e.notAction);
    const theirs = lower(o.action ?? o.notAction);
    return o.effect === e.effect && mine.size > 0 && [...mine].every((a) => theirs.has(a));
  });
  pass((o, j, e, k) => j === k && [...lower(e.action)].some((a) => lower(o.action).has(a)));
  return pairs;
}

/** How one site writes its statements. */
export interface StatementLayout extends SlotLayout {
  /** The statements already written, in order. */
  written: readonly WrittenStatement[];
  /** Render a statement anew, its first line unindented, like the written statement `like` when given. */
  render(st: Statement, like: number | undefined): string;
  /** How the site writes single values, for patching the lists of a changed statement. */
  writer: ValueWriter;
}

/** The edits that replace a site's statements by `edits` (see the module comment and placeTexts). */
export function writeStatements(text: string, layout: StatementLayout, origRefs: ReferenceTable, edits: readonly Statement[], editRefs: ReferenceTable): TextEdit[] {
  const written = layout.written;
  const pairs = pairStatements(written.map((w) => w.statement), origRefs, edits, editRefs);
  const texts = edits.map((st, k) => {
    const j = pairs[k];
    if (j === undefined) return layout.render(st, undefined);
    const w = written[j]!;
    if (keyedStatement(w.statement, origRefs) === keyedStatement(st, editRefs)) return text.slice(w.commentStart, w.end);
    const own = patchStatement(text, w, origRefs, st, editRefs, layout.writer) ?? layout.render(st, j);
    return text.slice(w.commentStart, w.start) + own;
  });
  return placeTexts(text, written, texts, layout);
}

