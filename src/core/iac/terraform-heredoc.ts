/**
 * `policy = <<EOF ... EOF` (or `<<-EOT`) holding a JSON policy document, with `${...}` interpolations inside
 * its strings. The heredoc is decoded (interpolations → reference tokens, `$${` → `${`) with a map from each
 * decoded character back to the file, parsed with jsonc-parser for node offsets, and changed statements are
 * printed as JSON in the heredoc's own indentation, then encoded back into the template.
 */

import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { IamObject, type IamNode } from '../render/canonical.js';
import type { PlainValue } from '../render/parse-jsonencode.js';
import type { ReferenceTable } from './types.js';
import type { Token } from './terraform-lexer.js';
import { reasonOf, statementFromPlain, statementTree, styleOf, type IamStyle, type Shape } from './terraform-iam.js';
import { IAM_KEYS, containerLayout, type DocumentRead } from './terraform-jsonencode.js';
import { LIST_FIELDS, lineIndent, type FieldNode, type ListField, type WrittenStatement } from './terraform-splice.js';
import type { StatementLayout } from './terraform-statements.js';
import { interpolationValue, templateBody, type ReadContext } from './terraform-values.js';

/** A heredoc's JSON and, for every decoded character (and the end), its offset in the file. */
interface Decoded {
  json: string;
  source: number[];
}

/** The heredoc's text as JSON: interpolations as tokens, escaped introducers unescaped. */
function decode(ctx: ReadContext, token: Token): Decoded {
  let json = '';
  const source: number[] = [];
  for (const part of token.parts ?? []) {
    if (part.kind !== 'literal') {
      const t = interpolationValue(ctx, part);
      json += t;
      for (let k = 0; k < t.length; k++) source.push(k === t.length - 1 ? part.end - 1 : part.start);
      continue;
    }
    for (let i = part.start; i < part.end; ) {
      const c = ctx.text[i]!;
      if ((c === '$' || c === '%') && ctx.text[i + 1] === c && ctx.text[i + 2] === '{') {
        json += c + '{';
        source.push(i + 1, i + 2);
        i += 3;
      } else {
        json += c;
        source.push(i++);
      }
    }
  }
  source.push(token.end);
  return { json, source };
}

/** What a heredoc site holds, with the indentation unit of each statement. */
export interface HeredocRead extends DocumentRead {
  units: string[];
}

/** Read a JSON policy heredoc. */
export function readHeredoc(ctx: ReadContext, token: Token): HeredocRead {
  const d = decode(ctx, token);
  const errors: ParseError[] = [];
  const root = parseTree(d.json, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length > 0 || root?.type !== 'object') {
    const at = errors[0]?.offset ?? 0;
    const why = d.json[at] === '\uE000' ? 'a ${...} outside a JSON string' : errors[0] ? printParseErrorCode(errors[0].error) : 'not a JSON object';
    throw ctx.unsupported(d.source[at] ?? token.start, `the heredoc policy is not a JSON policy document (${why})`, 'Keep the heredoc a JSON document with ${...} only inside strings, or write the policy with jsonencode({...}).');
  }
  const value = findNodeAtLocation(root, ['Statement']);
  if (value === undefined) throw ctx.unsupported(token.start, 'the heredoc policy has no Statement');
  const objects = value.type === 'array' ? (value.children ?? []) : [value];
  const at = (offset: number) => d.source[offset]!;
  const written: WrittenStatement[] = [];
  const shapes: Shape[] = [];
  const units: string[] = [];
  objects.forEach((node, i) => {
    const start = at(node.offset);
    const end = at(node.offset + node.length - 1) + 1;
    if (node.type !== 'object') throw ctx.unsupported(start, `Statement[${i}] is not an object`);
    written.push({ statement: readStatement(ctx, node, i, start), start, end, commentStart: start, fields: fieldNodes(node, at) });
    shapes.push(shapeOf(d.json, node));
    const firstKey = node.children?.[0];
    const unit = firstKey ? lineIndent(ctx.text, at(firstKey.offset)).slice(lineIndent(ctx.text, start).length) : '';
    units.push(unit === '' ? '  ' : unit);
  });
  const container = { start: at(value.offset), end: at(value.offset + value.length - 1) + 1, single: value.type !== 'array' };
  return { written, shapes, container, units };
}

/** Where the list fields of a statement node are, in file offsets. */
function fieldNodes(node: Node, at: (offset: number) => number): Partial<Record<ListField, FieldNode>> {
  const range = (n: Node) => ({ start: at(n.offset), end: at(n.offset + n.length - 1) + 1 });
  const fields: Partial<Record<ListField, FieldNode>> = {};
  for (const p of node.children ?? []) {
    const f = LIST_FIELDS.find((x) => IAM_KEYS[x] === p.children![0]!.value);
    const v = p.children![1]!;
    if (f !== undefined) fields[f] = { ...range(v), ...(v.type === 'array' ? { items: (v.children ?? []).map(range) } : {}) };
  }
  return fields;
}

function readStatement(ctx: ReadContext, node: Node, index: number, start: number) {
  try {
    return statementFromPlain(getNodeValue(node) as PlainValue, `Statement[${index}]`);
  } catch (err) {
    const reason = reasonOf(err);
    if (reason === undefined) throw err;
    throw ctx.unsupported(start, reason.replace(/^Statement\[0\]/, `Statement[${index}]`));
  }
}

function shapeOf(json: string, node: Node): Shape {
  const oneLine = !json.slice(node.offset, node.offset + node.length).includes('\n');
  if (node.type === 'array') return { t: 'list', oneLine, items: (node.children ?? []).map((n) => shapeOf(json, n)) };
  if (node.type === 'object') {
    const entries = (node.children ?? []).map((p): [string, Shape] => [String(p.children![0]!.value), shapeOf(json, p.children![1]!)]);
    return { t: 'object', oneLine, quoted: true, entries };
  }
  return { t: 'scalar' };
}

// ---------------------------------------------------------------------------------------------------------
// Writing

/** Escape the template introducers of text that goes into a heredoc as literal. */
function templateEscape(s: string): string {
  return s.replaceAll('${', () => '$${').replaceAll('%{', () => '%%{');
}

/** A JSON string for a heredoc: escaped for JSON, then for the template, tokens as interpolations. */
function jsonString(v: string, refs: ReferenceTable): string {
  return `"${templateBody(v, refs, (lit) => templateEscape(JSON.stringify(lit).slice(1, -1)))}"`;
}

/** JSON printing of a statement tree for a heredoc: strings escaped for JSON, then for the template. */
class JsonPrinter {
  constructor(
    private readonly refs: ReferenceTable,
    private readonly style: IamStyle,
    private readonly unit: string,
    private readonly eol: string,
  ) {}

  private str(v: string): string {
    return jsonString(v, this.refs);
  }

  print(node: IamNode, indent: string, oneLine: boolean): string {
    if (typeof node === 'string') return this.str(node);
    const items: string[] = Array.isArray(node) ? node.map((n) => this.print(n, indent + this.unit, oneLine || this.style.listsOneLine === true)) : [];
    if (node instanceof IamObject) items.push(...node.entries.map(([k, v]) => `${this.str(k)}: ${this.print(v, indent + this.unit, oneLine)}`));
    const [open, close] = Array.isArray(node) ? ['[', ']'] : ['{', '}'];
    if (items.length === 0) return open + close;
    if (oneLine || (Array.isArray(node) && this.style.listsOneLine === true)) return `${open}${items.join(', ')}${close}`;
    const inner = indent + this.unit;
    return `${open}${this.eol}${items.map((x) => inner + x).join(`,${this.eol}`)}${this.eol}${indent}${close}`;
  }
}

/** How a JSON heredoc writes its statements. */
export function heredocLayout(text: string, read: HeredocRead, refs: ReferenceTable): StatementLayout {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const item = (v: string) => jsonString(v, refs);
  const writer = { item, list: (vs: string[]) => `[${vs.map(item).join(', ')}]`, eol };
  return containerLayout(text, read, { eol, trailingComma: false, writer }, (st, like, indent) => {
    const style = styleOf(like === undefined ? undefined : read.shapes[like], read.shapes);
    const printer = new JsonPrinter(refs, style, read.units[like ?? 0] ?? '  ', eol);
    return printer.print(statementTree(st, style), indent, style.objectOneLine);
  });
}
