/**
 * `policy = jsonencode({ Version = "2012-10-17", Statement = [ {...}, ... ] })`: the statement objects read
 * into statements, and changed ones written back as HCL objects in the layout of the object they replace
 * (one-line or multi-line objects and lists, bare single values, key order), through hcl.ts's fmt layout.
 */

import type { Statement } from '../policy/types.js';
import { IamObject, type IamNode } from '../render/canonical.js';
import { bodyLines, hclKey, hclString, type HclExpr } from '../render/hcl.js';
import type { PlainValue } from '../render/parse-jsonencode.js';
import type { ReferenceTable } from './types.js';
import type { Expr } from './terraform-syntax.js';
import { reasonOf, statementFromPlain, statementTree, styleOf, type IamStyle, type Shape } from './terraform-iam.js';
import { LIST_FIELDS, leadingCommentStart, lineIndent, type FieldNode, type ListField, type TextEdit, type WrittenStatement } from './terraform-splice.js';
import type { StatementLayout, ValueWriter } from './terraform-statements.js';
import { fieldNode } from './terraform-datasource.js';
import { hclValue, stringValue, type ReadContext } from './terraform-values.js';

/** The statements of an IAM-document-shaped policy and where its `Statement` value is. */
export interface DocumentRead {
  written: WrittenStatement[];
  /** The written shape of each statement (for its style). */
  shapes: Shape[];
  /** The `Statement` value's range; `single` when it is one object rather than a list. */
  container: { start: number; end: number; single: boolean };
}

/** Read the argument of `jsonencode(...)`. */
export function readJsonencode(ctx: ReadContext, call: Extract<Expr, { kind: 'call' }>): DocumentRead {
  const arg = call.args[0];
  if (call.args.length !== 1 || arg?.kind !== 'object') throw ctx.unsupported(call.start, 'jsonencode(...) of something other than an object constructor', 'Write the policy as jsonencode({ Version = ..., Statement = [...] }).');
  const entry = arg.entries.find((e) => e.key === 'Statement');
  if (entry === undefined) throw ctx.unsupported(arg.start, 'the policy object has no Statement');
  const value = entry.value;
  const objects = value.kind === 'tuple' ? value.items : [value];
  const written: WrittenStatement[] = [];
  const shapes: Shape[] = [];
  objects.forEach((o, i) => {
    if (o.kind !== 'object') throw ctx.unsupported(o.start, `Statement[${i}] is not an object constructor { ... }`, 'Write each statement as an object, or name the place that defines it.');
    const fields: Partial<Record<ListField, FieldNode>> = {};
    for (const e of o.entries) {
      const f = LIST_FIELDS.find((x) => IAM_KEYS[x] === e.key);
      if (f !== undefined) fields[f] = fieldNode(e.value);
    }
    written.push({ statement: readStatementObject(ctx, o, i), start: o.start, end: o.end, commentStart: leadingCommentStart(ctx.text, o.start), fields });
    shapes.push(shapeOf(ctx.text, o));
  });
  return { written, shapes, container: { start: value.start, end: value.end, single: value.kind !== 'tuple' } };
}

/** The IAM key of each list field. */
export const IAM_KEYS: Record<ListField, string> = { action: 'Action', notAction: 'NotAction', resource: 'Resource', notResource: 'NotResource' };

function readStatementObject(ctx: ReadContext, o: Expr, index: number): Statement {
  try {
    return statementFromPlain(plainValue(ctx, o, `Statement[${index}]`), `Statement[${index}]`);
  } catch (err) {
    const reason = reasonOf(err);
    if (reason === undefined) throw err;
    throw ctx.unsupported(o.start, reason.replace(/^Statement\[0\]/, `Statement[${index}]`));
  }
}

/** A plain value (strings with tokens, lists, objects) of an expression inside jsonencode. */
function plainValue(ctx: ReadContext, e: Expr, what: string): PlainValue {
  if (e.kind === 'tuple') return e.items.map((x, i) => plainValue(ctx, x, `${what}[${i}]`));
  if (e.kind !== 'object') return stringValue(ctx, e, what, false);
  const entries: Array<[string, PlainValue]> = [];
  for (const entry of e.entries) {
    if (!entry.quoted && !/^[\p{ID_Start}_]/u.test(entry.key)) throw ctx.unsupported(entry.start, `${what}: a computed object key`, 'Write object keys as names or quoted strings.');
    if (entries.some(([k]) => k === entry.key)) throw ctx.unsupported(entry.start, `${what}: duplicate key ${JSON.stringify(entry.key)}`);
    entries.push([entry.key, plainValue(ctx, entry.value, `${what}.${entry.key}`)]);
  }
  return Object.fromEntries(entries);
}

/** The written shape of an expression. */
function shapeOf(text: string, e: Expr): Shape {
  const oneLine = !text.slice(e.start, e.end).includes('\n');
  if (e.kind === 'tuple') return { t: 'list', oneLine, items: e.items.map((x) => shapeOf(text, x)) };
  if (e.kind === 'object') return { t: 'object', oneLine, quoted: e.entries[0]?.quoted ?? false, entries: e.entries.map((x) => [x.key, shapeOf(text, x.value)]) };
  return { t: 'scalar' };
}

// ---------------------------------------------------------------------------------------------------------
// Writing

/** Prints a statement tree as an HCL object; values go through placeholders so hcl.ts lays out the lines. */
class HclObjectPrinter {
  private raw: string[] = [];

  constructor(private readonly refs: ReferenceTable) {}

  private placeholder(text: string): HclExpr {
    this.raw.push(text);
    return { t: 'str', v: `\uE002${this.raw.length - 1}\uE003` };
  }

  private oneLine(node: IamNode, key: (k: string) => string): string {
    if (typeof node === 'string') return hclValue(node, this.refs, '$$');
    if (Array.isArray(node)) return `[${node.map((n) => this.oneLine(n, hclKey)).join(', ')}]`;
    if (node.entries.length === 0) return '{}';
    return `{ ${node.entries.map(([k, v]) => `${key(k)} = ${this.oneLine(v, hclKey)}`).join(', ')} }`;
  }

  private expr(node: IamNode, style: IamStyle): HclExpr {
    if (typeof node === 'string') return this.placeholder(this.oneLine(node, hclKey));
    if (Array.isArray(node)) return style.listsOneLine ? this.placeholder(this.oneLine(node, hclKey)) : { t: 'list', items: node.map((n) => this.expr(n, style)) };
    return { t: 'obj', entries: node.entries.map(([k, v]) => [k, this.expr(v, style)]) };
  }

  /** The statement object at `indent`, first line unindented. */
  statement(tree: IamObject, style: IamStyle, indent: string, eol: string): string {
    this.raw = [];
    const key = style.quoteKeys ? hclString : hclKey;
    if (style.objectOneLine) return this.oneLine(tree, key);
    const body = bodyLines(tree.entries.map(([k, v]) => ({ t: 'attr', name: key(k), value: this.expr(v, style) })), indent + '  ', false);
    const text = ['{', ...body, indent + '}'].join(eol);
    return text.replace(/"\uE002(\d+)\uE003"/g, (_, i: string) => this.raw[Number(i)]!);
  }
}

/** How a jsonencode policy writes its statements. */
export function jsonencodeLayout(text: string, read: DocumentRead, refs: ReferenceTable): StatementLayout {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const printer = new HclObjectPrinter(refs);
  const item = (v: string) => hclValue(v, refs, '$$');
  const writer = { item, list: (vs: string[]) => `[${vs.map(item).join(', ')}]`, eol };
  return containerLayout(text, read, { eol, trailingComma: true, writer }, (st, like, indent) => {
    const style = styleOf(like === undefined ? undefined : read.shapes[like], read.shapes);
    return printer.statement(statementTree(st, style), style, indent, eol);
  });
}

/**
 * The layout of a `Statement` list (or single object) that both jsonencode and heredoc JSON share: new
 * statements at the indentation of the one they replace (or of the first), separators copied from the list,
 * an empty list written `[]`, and a single object turned into a list when the edit has another number of
 * statements.
 */
export function containerLayout(
  text: string,
  read: DocumentRead,
  list: { eol: string; trailingComma: boolean; writer: ValueWriter },
  print: (st: Statement, like: number | undefined, indent: string) => string,
): StatementLayout {
  const { eol } = list;
  const { written, container } = read;
  const outer = lineIndent(text, container.start);
  const first = written[0];
  const defaultIndent = first !== undefined ? lineIndent(text, first.start) : outer + '  ';
  const multiLine = first === undefined || text.slice(container.start, first.commentStart).includes('\n');
  return {
    written,
    writer: list.writer,
    render: (st, like) => print(st, like, like === undefined ? defaultIndent : lineIndent(text, written[like]!.start)),
    separator: multiLine && !container.single ? ',' + eol + defaultIndent : ', ',
    removable: /[\s,]/,
    single: container.single,
    whole: (texts) => wholeList(container, texts, outer, list),
  };
}

function wholeList(container: DocumentRead['container'], texts: string[], outer: string, { eol, trailingComma }: { eol: string; trailingComma: boolean }): TextEdit[] {
  if (texts.length === 0) return [{ start: container.start, end: container.end, text: '[]' }];
  // A single object's lines are indented for `Statement = {`; inside a list they go one level deeper.
  const items = container.single ? texts.map((t) => t.replaceAll(eol, eol + '  ')) : texts;
  const inner = outer + '  ';
  return [{ start: container.start, end: container.end, text: `[${eol}${inner}${items.join(`,${eol}${inner}`)}${trailingComma ? ',' : ''}${eol}${outer}]` }];
}
