/**
 * The HCL lexer and block structure against inputs that fool a naive scanner: braces and quotes inside
 * strings, comments and heredocs, marker-like lines inside heredocs, nested strings inside interpolations,
 * escapes, CRLF line ends; and syntax errors reported where they are.
 */

import { describe, expect, it } from 'vitest';
import { HclSyntaxError, lex, positionAt, type Token } from '../../src/core/iac/terraform-lexer.js';
import { literalOnly, parseHcl, type HclBlock, type HclItem } from '../../src/core/iac/terraform-syntax.js';

const kinds = (text: string) => lex(text).map((t) => `${t.kind}:${t.text}`);
const blocks = (items: HclItem[]) => items.filter((i): i is HclBlock => i.kind === 'block');
const blockText = (text: string, b: HclBlock) => text.slice(b.start, b.end);

/** The top-level blocks' `type label...` and their source text. */
function outline(text: string): Array<[string, string]> {
  return blocks(parseHcl(text)).map((b) => [[b.type, ...b.labels].join(' '), blockText(text, b)]);
}

describe('lexer', () => {
  it('a brace inside a string is part of the string', () => {
    expect(kinds('a = "}{" # "quoted" {\n')).toEqual(['ident:a', 'punct:=', 'string:"}{"', 'comment:# "quoted" {', 'nl:\n', 'eof:']);
  });

  it('comments of all three kinds may hold quotes and braces', () => {
    const text = '// it\'s "open {\n/* a "quote" } and\n   a second line */ b = 1\n# {"\n';
    expect(kinds(text)).toEqual([
      'comment:// it\'s "open {',
      'nl:\n',
      'comment:/* a "quote" } and\n   a second line */',
      'ident:b',
      'punct:=',
      'number:1',
      'nl:\n',
      'comment:# {"',
      'nl:\n',
      'eof:',
    ]);
  });

  it('interpolations nest strings and braces', () => {
    const [, , str] = lex('x = "a${join("}", [for s in ["{"] : "${s}}"])}b"\n') as Token[];
    expect(str!.kind).toBe('string');
    expect(str!.text).toBe('"a${join("}", [for s in ["{"] : "${s}}"])}b"');
    expect(str!.parts!.map((p) => p.kind)).toEqual(['literal', 'interpolation', 'literal']);
  });

  it('escapes and escaped template introducers decode to their text', () => {
    const [, , str] = lex('x = "q\\"\\\\ \\u00e9 $${aws:username} %%{x} $x %y 😀"\n');
    expect(literalOnly(str!)).toBe('q"\\ é ${aws:username} %{x} $x %y 😀');
  });

  it('$$${ is a literal $ followed by the escape $${', () => {
    const [, , str] = lex('x = "$$${a}"\n');
    expect(literalOnly(str!)).toBe('$${a}');
  });

  it('a template directive is a part of its own', () => {
    const [, , str] = lex('x = "%{ if a }b%{ endif }"\n');
    expect(str!.parts!.map((p) => p.kind)).toEqual(['directive', 'literal', 'directive']);
  });

  it('a heredoc ends only at a line holding just its marker', () => {
    const text = ['p = <<EOF', '{ "a": "}" }', '  EOFX', 'EOF2', 'x EOF', 'EOF_NOT', ' "${var.x}" EOF', 'EOF', 'q = 1', ''].join('\n');
    const toks = lex(text);
    const doc = toks.find((t) => t.kind === 'heredoc')!;
    expect(doc.text).toBe(text.slice(text.indexOf('<<'), text.indexOf('\nq = 1')));
    expect(toks.filter((t) => t.kind === 'ident').map((t) => t.text)).toEqual(['p', 'q']);
  });

  it('an indented heredoc (<<-) may indent its closing marker; templates inside are parts', () => {
    const text = 'p = <<-EOT\n    {"r": "${aws_s3_bucket.b.arn}/*", "v": "$${aws:username}"}\n    EOT\n';
    const doc = lex(text).find((t) => t.kind === 'heredoc')!;
    expect(doc.text.endsWith('    EOT')).toBe(true);
    expect(doc.parts!.map((p) => p.kind)).toEqual(['literal', 'interpolation', 'literal']);
    expect(doc.parts![2]!.kind === 'literal' && doc.parts![2]!.value).toContain('"v": "${aws:username}"');
  });

  it('a marker-like line inside an interpolation does not close the heredoc', () => {
    const text = 'p = <<EOF\n${join(",", [\nEOF\n])}\nEOF\n';
    expect(lex(text).find((t) => t.kind === 'heredoc')!.text).toBe(text.slice(4, -1));
  });

  it('CRLF line ends: \\r is a blank, comments stop before it, heredoc markers match', () => {
    const text = 'a = 1 # c\r\np = <<EOF\r\n{}\r\nEOF\r\n';
    const toks = lex(text);
    expect(toks.find((t) => t.kind === 'comment')!.text).toBe('# c');
    expect(toks.find((t) => t.kind === 'heredoc')!.text).toBe('<<EOF\r\n{}\r\nEOF');
  });

  it.each([
    ['x = "abc\n', 'unterminated string', 4],
    ['x = <<EOF\nabc\n', 'heredoc <<EOF has no closing EOF line', 4],
    ['/* open', 'unterminated /* comment', 0],
    // The `"` after `a` opens a string inside the interpolation, which the newline leaves unterminated.
    ['x = "${a"\n', 'unterminated string', 8],
    ['x = ]\n', 'unbalanced "]"', 4],
    ['x = @\n', 'unexpected character "@"', 4],
  ])('reports %j as %j at its offset', (text, message, offset) => {
    let err: unknown;
    try {
      parseHcl(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HclSyntaxError);
    expect((err as HclSyntaxError).message).toBe(message);
    expect((err as HclSyntaxError).offset).toBe(offset);
  });

  it('positions are 1-based lines and columns', () => {
    expect(positionAt('ab\ncd\n', 4)).toEqual({ line: 2, column: 2 });
    expect(positionAt('ab', 0)).toEqual({ line: 1, column: 1 });
  });
});

describe('blocks', () => {
  it('finds top-level blocks by type and labels with their exact ranges', () => {
    const text = [
      '# "resource" "x" {',
      'resource "aws_s3_bucket" "b" {',
      '  bucket = "a}b${var.x == "}" ? "{" : "}"}"',
      '  policy = <<EOF',
      '}',
      'EOF',
      '}',
      '',
      'data "aws_iam_policy_document" "p" {',
      '  statement {',
      '    actions = ["s3:*"] // }',
      '  }',
      '}',
      'locals { a = { b = "}" } }',
      '',
    ].join('\n');
    expect(outline(text)).toEqual([
      ['resource aws_s3_bucket b', text.slice(text.indexOf('resource "aws'), text.indexOf('\n\ndata'))],
      ['data aws_iam_policy_document p', text.slice(text.indexOf('data'), text.indexOf('\nlocals'))],
      ['locals', 'locals { a = { b = "}" } }'],
    ]);
  });

  it('reads attributes and nested blocks with their expressions', () => {
    const text = 'data "x" "y" {\n  a = [1, "two", var.three, f(4)]\n  inner {\n    b = { k = "v", "q" = [] }\n  }\n}\n';
    const [data] = blocks(parseHcl(text));
    const [a, inner] = data!.items;
    expect(a).toMatchObject({ kind: 'attribute', name: 'a', expr: { kind: 'tuple' } });
    const items = a!.kind === 'attribute' && a.expr.kind === 'tuple' ? a.expr.items : [];
    expect(items.map((e) => e.kind)).toEqual(['literal', 'template', 'traversal', 'call']);
    expect(inner).toMatchObject({ kind: 'block', type: 'inner' });
    const b = inner!.kind === 'block' ? inner.items[0]! : undefined;
    expect(b?.kind === 'attribute' && b.expr.kind === 'object' && b.expr.entries.map((e) => [e.key, e.quoted, e.value.kind])).toEqual([
      ['k', false, 'template'],
      ['q', true, 'tuple'],
    ]);
  });

  it('sorts expressions: traversals with indexes and splats, calls, and the rest as other', () => {
    const text = 'a = aws_s3_bucket.b[0].arn\nb = data.x.y["k"].z\nc = var.on ? "a" : "b"\nd = [for s in var.l : s]\ne = module.m.out\nf = aws_s3_bucket.b.*.arn\n';
    const exprs = parseHcl(text).map((i) => (i.kind === 'attribute' ? i.expr : undefined));
    expect(exprs.map((e) => e?.kind)).toEqual(['traversal', 'traversal', 'other', 'other', 'traversal', 'traversal']);
    expect(exprs[1]!.kind === 'traversal' && exprs[1]!.text).toBe('data.x.y["k"].z');
  });

  it('refuses a block without a newline after its closing brace', () => {
    expect(() => parseHcl('a {} b {}\n')).toThrow(HclSyntaxError);
  });
});
