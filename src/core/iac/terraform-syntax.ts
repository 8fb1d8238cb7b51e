/**
 * The structure of a Terraform file over the lexer's tokens: bodies of attributes and blocks with their source
 * ranges, and each attribute's expression sorted into the shapes the editor reads (templates, tuples, objects,
 * traversals, function calls; anything else is kept as an opaque expression). It is not an evaluator: it only
 * needs to know where things start and end, and which values are literal.
 */

import { HclSyntaxError, lex, type Token } from './terraform-lexer.js';

/** An expression with its source range `[start, end)`. */
export type Expr =
  /** A quoted template (`"..."`) or a heredoc. */
  | { kind: 'template'; start: number; end: number; token: Token }
  | { kind: 'tuple'; start: number; end: number; items: Expr[] }
  | { kind: 'object'; start: number; end: number; entries: ObjectEntry[] }
  /** `aws_s3_bucket.b.arn`, `var.x`, `data.a.b.c[0]`: `text` is the traversal without blanks. */
  | { kind: 'traversal'; start: number; end: number; text: string }
  | { kind: 'call'; start: number; end: number; name: string; args: Expr[] }
  /** A number, `true`, `false` or `null`. */
  | { kind: 'literal'; start: number; end: number; text: string }
  /** Conditionals, `for` expressions, operators, splats: kept as written. */
  | { kind: 'other'; start: number; end: number };

/** `key = value` (or `key: value`) inside an object constructor. */
export interface ObjectEntry {
  /** The key's text: an identifier, or a quoted key's value. */
  key: string;
  start: number;
  end: number;
  keyStart: number;
  keyEnd: number;
  /** True when the key was written in quotes. */
  quoted: boolean;
  value: Expr;
}

/** `name = expression` in a body. `start` is the name, `end` the end of the expression. */
export interface HclAttribute {
  kind: 'attribute';
  name: string;
  start: number;
  end: number;
  expr: Expr;
}

/** `type "label" ... { body }`. `start` is the type, `end` just after the closing brace. */
export interface HclBlock {
  kind: 'block';
  type: string;
  labels: string[];
  start: number;
  end: number;
  /** Offset of the opening and closing braces. */
  open: number;
  close: number;
  items: HclItem[];
}

/** An item of a body. */
export type HclItem = HclAttribute | HclBlock;

/** Tokens without comments, with each bracket's partner precomputed. */
class TokenStream {
  readonly toks: Token[];
  /** Index of the partner of each bracket token, -1 for other tokens. */
  readonly partner: Int32Array;

  constructor(tokens: Token[]) {
    this.toks = tokens.filter((t) => t.kind !== 'comment');
    this.partner = new Int32Array(this.toks.length).fill(-1);
    const stack: number[] = [];
    this.toks.forEach((t, i) => {
      if (t.kind !== 'punct') return;
      if ('{[('.includes(t.text)) stack.push(i);
      else if ('}])'.includes(t.text)) {
        const open = stack.pop();
        if (open === undefined || '{[('.indexOf(this.toks[open]!.text) !== '}])'.indexOf(t.text)) {
          throw new HclSyntaxError(t.start, `unbalanced ${JSON.stringify(t.text)}`);
        }
        this.partner[open] = i;
        this.partner[i] = open;
      }
    });
    if (stack.length > 0) throw new HclSyntaxError(this.toks[stack[0]!]!.start, `unclosed ${JSON.stringify(this.toks[stack[0]!]!.text)}`);
  }

  is(i: number, kind: Token['kind'], text?: string): boolean {
    const t = this.toks[i];
    return t !== undefined && t.kind === kind && (text === undefined || t.text === text);
  }
}

/** The top-level items of a Terraform file. Throws HclSyntaxError where the text is not HCL. */
export function parseHcl(text: string): HclItem[] {
  const s = new TokenStream(lex(text));
  const { items, next } = parseBody(s, 0);
  if (!s.is(next, 'eof')) throw new HclSyntaxError(s.toks[next]!.start, `unexpected ${JSON.stringify(s.toks[next]!.text)}`);
  return items;
}

/** Items from token `i` until a `}` or the end of input (which it does not consume). */
function parseBody(s: TokenStream, i: number): { items: HclItem[]; next: number } {
  const items: HclItem[] = [];
  for (;;) {
    while (s.is(i, 'nl')) i++;
    if (s.is(i, 'eof') || s.is(i, 'punct', '}')) return { items, next: i };
    const name = s.toks[i]!;
    if (name.kind !== 'ident') throw new HclSyntaxError(name.start, `expected an attribute or block name, found ${JSON.stringify(name.text)}`);
    if (s.is(i + 1, 'punct', '=')) {
      const end = expressionEnd(s, i + 2);
      if (end === i + 2) throw new HclSyntaxError(name.start, `attribute ${name.text} has no value`);
      const expr = parseExpr(s, i + 2, end);
      items.push({ kind: 'attribute', name: name.text, start: name.start, end: expr.end, expr });
      i = end;
    } else {
      const block = parseBlock(s, i);
      items.push(block.block);
      i = block.next;
    }
  }
}

/** Index after an attribute's expression starting at `i`: the newline, `}` or end of input at bracket depth 0. */
function expressionEnd(s: TokenStream, i: number): number {
  while (!s.is(i, 'nl') && !s.is(i, 'eof') && !s.is(i, 'punct', '}')) {
    const p = s.partner[i]!;
    i = p > i ? p + 1 : i + 1;
  }
  return i;
}

function parseBlock(s: TokenStream, i: number): { block: HclBlock; next: number } {
  const type = s.toks[i]!;
  const labels: string[] = [];
  let j = i + 1;
  for (; !s.is(j, 'punct', '{'); j++) {
    const t = s.toks[j]!;
    if (t.kind === 'ident') labels.push(t.text);
    else if (t.kind === 'string' && literalOnly(t) !== undefined) labels.push(literalOnly(t)!);
    else throw new HclSyntaxError(t.start, `expected a block label or "{" after ${type.text}, found ${JSON.stringify(t.text)}`);
  }
  const close = s.partner[j]!;
  const body = parseBody(s, j + 1);
  if (body.next !== close) throw new HclSyntaxError(s.toks[body.next]!.start, 'unexpected token in block body');
  const block: HclBlock = { kind: 'block', type: type.text, labels, start: type.start, end: s.toks[close]!.end, open: s.toks[j]!.start, close: s.toks[close]!.start, items: body.items };
  const next = close + 1;
  if (!s.is(next, 'nl') && !s.is(next, 'eof') && !s.is(next, 'punct', '}')) throw new HclSyntaxError(s.toks[next]!.start, 'expected a newline after a block');
  return { block, next };
}

/** The value of a template that holds only literal text (no interpolation or directive), else undefined. */
export function literalOnly(t: Token): string | undefined {
  const parts = t.parts ?? [];
  if (parts.some((p) => p.kind !== 'literal')) return undefined;
  return parts.map((p) => (p.kind === 'literal' ? p.value : '')).join('');
}

/** The expression of tokens `[a, b)` (newlines at either end ignored). */
function parseExpr(s: TokenStream, a: number, b: number): Expr {
  while (a < b && s.is(a, 'nl')) a++;
  while (b > a && s.is(b - 1, 'nl')) b--;
  if (a >= b) throw new HclSyntaxError(s.toks[a]!.start, 'expected an expression');
  const first = s.toks[a]!;
  const start = first.start;
  const end = s.toks[b - 1]!.end;
  if (b === a + 1) {
    if (first.kind === 'string' || first.kind === 'heredoc') return { kind: 'template', start, end, token: first };
    if (first.kind === 'number' || (first.kind === 'ident' && ['true', 'false', 'null'].includes(first.text))) return { kind: 'literal', start, end, text: first.text };
  }
  const wraps = s.partner[a] === b - 1;
  const isFor = s.is(a + 1, 'ident', 'for') || (s.is(a + 1, 'nl') && s.is(a + 2, 'ident', 'for'));
  if (wraps && first.text === '[' && !isFor) return { kind: 'tuple', start, end, items: splitItems(s, a + 1, b - 1, false).map(([x, y]) => parseExpr(s, x, y)) };
  if (wraps && first.text === '{' && !isFor) return { kind: 'object', start, end, entries: splitItems(s, a + 1, b - 1, true).map(([x, y]) => parseEntry(s, x, y)) };
  if (first.kind === 'ident' && s.is(a + 1, 'punct', '(') && s.partner[a + 1] === b - 1) {
    return { kind: 'call', start, end, name: first.text, args: splitItems(s, a + 2, b - 1, false).map(([x, y]) => parseExpr(s, x, y)) };
  }
  if (isTraversal(s, a, b)) return { kind: 'traversal', start, end, text: s.toks.slice(a, b).map((t) => (t.kind === 'nl' ? '' : t.text)).join('') };
  return { kind: 'other', start, end };
}

/**
 * `ident (.name | .number | .* | [ ... ])*`: a reference to something Terraform knows (a resource attribute,
 * a variable, a local, a data source, a module output), indexes and splats included.
 */
function isTraversal(s: TokenStream, a: number, b: number): boolean {
  if (!s.is(a, 'ident') || ['true', 'false', 'null', 'for'].includes(s.toks[a]!.text)) return false;
  let i = a + 1;
  while (i < b) {
    if (s.is(i, 'punct', '.') && (s.is(i + 1, 'ident') || s.is(i + 1, 'number') || s.is(i + 1, 'punct', '*'))) i += 2;
    else if (s.is(i, 'punct', '[') && s.partner[i]! < b) i = s.partner[i]! + 1;
    else return false;
  }
  return true;
}

/** Index ranges of the comma-separated items in `[a, b)`; in objects a newline separates entries too. */
function splitItems(s: TokenStream, a: number, b: number, newlines: boolean): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let from = a;
  const cut = (to: number) => {
    let x = from;
    while (x < to && s.is(x, 'nl')) x++;
    if (x < to) out.push([x, to]);
  };
  for (let i = a; i < b; ) {
    if (s.is(i, 'punct', ',') || (newlines && s.is(i, 'nl'))) {
      cut(i);
      from = ++i;
    } else {
      const p = s.partner[i]!;
      i = p > i ? p + 1 : i + 1;
    }
  }
  cut(b);
  return out;
}

function parseEntry(s: TokenStream, a: number, b: number): ObjectEntry {
  const keyTok = s.toks[a]!;
  let sep = a + 1;
  let key: string;
  let quoted = false;
  if (keyTok.kind === 'ident') key = keyTok.text;
  else if (keyTok.kind === 'string' && literalOnly(keyTok) !== undefined) {
    key = literalOnly(keyTok)!;
    quoted = true;
  } else if (keyTok.kind === 'punct' && keyTok.text === '(') {
    sep = s.partner[a]! + 1;
    key = keyTok.text; // a computed key: the reader refuses it by its text
  } else throw new HclSyntaxError(keyTok.start, `expected an object key, found ${JSON.stringify(keyTok.text)}`);
  if (!s.is(sep, 'punct', '=') && !s.is(sep, 'punct', ':')) throw new HclSyntaxError(s.toks[sep]!.start, 'expected "=" or ":" after an object key');
  const value = parseExpr(s, sep + 1, b);
  return { key, start: keyTok.start, end: value.end, keyStart: keyTok.start, keyEnd: s.toks[sep - 1]!.end, quoted, value };
}
