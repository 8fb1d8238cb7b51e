/**
 * A lexer for HCL native syntax (Terraform `.tf`), exact about where every token starts and ends, so the
 * Terraform editor can find a block and rewrite only its statements. No npm HCL2 parser gives source ranges
 * (the ones published convert HCL to JSON), so this scanner follows hashicorp/hcl's `hclsyntax` spec for the
 * parts that decide where a construct ends:
 * - comments: `#` and `//` to the end of the line, `/* ... *\/`;
 * - quoted templates with escapes (`\n`, `\"`, `\uXXXX`), the escaped introducers `$${` / `%%{`, and
 *   interpolations `${...}` / directives `%{...}` whose contents are lexed recursively (so a `}` or a `"` inside
 *   a nested string does not end them);
 * - heredocs `<<EOF` / `<<-EOF`, ended by a line holding only the marker (indentation allowed), with templates
 *   inside and no backslash escapes;
 * - newlines as tokens (they end attributes), brackets, operators, identifiers and numbers.
 * Offsets are UTF-16 indices into the text, as JavaScript strings count them.
 */

import { PolicyTrimError } from '../errors.js';

/** Kinds of token. `string` is a quoted template, `heredoc` a heredoc template; `nl` a newline. */
export type TokenKind = 'ident' | 'number' | 'punct' | 'string' | 'heredoc' | 'nl' | 'comment' | 'eof';

/** A piece of a template: literal text (decoded), an interpolation `${...}` or a directive `%{...}`. */
export type TemplatePart =
  | { kind: 'literal'; start: number; end: number; value: string }
  | { kind: 'interpolation' | 'directive'; start: number; end: number; innerStart: number; innerEnd: number; tokens: Token[] };

/** One token with its source range `[start, end)`. */
export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  /** The token's source text (for a template: the whole literal, quotes or heredoc markers included). */
  text: string;
  /** Templates only: their parts, in order. */
  parts?: TemplatePart[];
}

/** Text that is not HCL native syntax; `offset` is where the lexer or parser stopped. */
export class HclSyntaxError extends PolicyTrimError {
  constructor(
    readonly offset: number,
    reason: string,
  ) {
    super({ code: 'iac-parse-error', message: reason, hint: 'Check the file with `terraform validate`; policy-trim reads only valid HCL.' });
  }
}

/** Operators of more than one character, longest first so `...` wins over `.`. */
const MULTI_PUNCT = ['...', '==', '!=', '<=', '>=', '&&', '||', '=>'];
const SINGLE_PUNCT = '{}[]()=,.:?+-*/%<>!';
const OPENERS = '{[(';
const CLOSERS = '}])';
const IDENT_START = /[\p{ID_Start}_]/u;
const IDENT_PART = /[\p{ID_Continue}_-]/u;
const HEREDOC_HEADER = /<<(-?)([\p{ID_Start}_][\p{ID_Continue}_-]*)\r?\n/uy;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/** Every token of `text`, comments and newlines included, ending with one `eof` token. */
export function lex(text: string): Token[] {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte-order mark is not syntax
  return lexTokens(text, start, false).tokens;
}

/**
 * Tokens from `pos` on. Inside a template (`inTemplate`), stops at the `}` (or `~}`) that closes the
 * interpolation — the first one outside any bracket opened here — and returns its offset as `end`.
 */
function lexTokens(text: string, pos: number, inTemplate: boolean): { tokens: Token[]; end: number } {
  const tokens: Token[] = [];
  const push = (kind: TokenKind, start: number, end: number, parts?: TemplatePart[]) =>
    tokens.push({ kind, start, end, text: text.slice(start, end), ...(parts ? { parts } : {}) });
  let depth = 0;
  let i = pos;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') push('nl', i, ++i);
    else if (c === ' ' || c === '\t' || c === '\r') i++;
    else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      const start = i;
      while (i < text.length && text[i] !== '\n') i++;
      push('comment', start, text[i - 1] === '\r' ? i - 1 : i);
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) throw new HclSyntaxError(i, 'unterminated /* comment');
      push('comment', i, (i = close + 2));
    } else if (c === '"') {
      const t = lexQuoted(text, i);
      push('string', i, t.end, t.parts);
      i = t.end;
    } else if (c === '<' && text[i + 1] === '<') {
      const t = lexHeredoc(text, i);
      push('heredoc', i, t.end, t.parts);
      i = t.end;
    } else if (IDENT_START.test(c)) {
      const start = i;
      while (i < text.length && IDENT_PART.test(text[i]!)) i++;
      push('ident', start, i);
    } else if (c >= '0' && c <= '9') {
      const m = /[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
      m.lastIndex = i;
      m.exec(text);
      push('number', i, (i = m.lastIndex));
    } else if (inTemplate && depth === 0 && (c === '}' || (c === '~' && text[i + 1] === '}'))) {
      return { tokens, end: i };
    } else {
      const multi = MULTI_PUNCT.find((p) => text.startsWith(p, i));
      if (multi === undefined && !SINGLE_PUNCT.includes(c)) throw new HclSyntaxError(i, `unexpected character ${JSON.stringify(c)}`);
      if (OPENERS.includes(c)) depth++;
      else if (CLOSERS.includes(c) && --depth < 0) throw new HclSyntaxError(i, `unbalanced ${JSON.stringify(c)}`);
      push('punct', i, (i += (multi ?? c).length));
    }
  }
  if (inTemplate) throw new HclSyntaxError(pos, 'unterminated interpolation');
  push('eof', i, i);
  return { tokens, end: i };
}

/** Builds the parts of a template while its scanner walks the text. */
class TemplateParts {
  readonly parts: TemplatePart[] = [];
  private literal = '';
  private literalStart: number;

  constructor(start: number) {
    this.literalStart = start;
  }

  add(s: string): void {
    this.literal += s;
  }

  /** Ends the current literal at `end` (if it has text). */
  flush(end: number): void {
    if (end > this.literalStart) this.parts.push({ kind: 'literal', start: this.literalStart, end, value: this.literal });
    this.literal = '';
    this.literalStart = end;
  }

  /**
   * At `i` (a `$`, `%` or other character): handles the escaped introducers and lexes an interpolation or a
   * directive. Returns the offset after what it consumed, or undefined when `i` holds an ordinary character.
   */
  template(text: string, i: number): number | undefined {
    const c = text[i];
    if (c !== '$' && c !== '%') return undefined;
    if (text[i + 1] === c && text[i + 2] === '{') {
      this.add(c + '{');
      return i + 3;
    }
    if (text[i + 1] !== '{') return undefined;
    this.flush(i);
    const innerStart = text[i + 2] === '~' ? i + 3 : i + 2;
    const inner = lexTokens(text, innerStart, true);
    const end = (text[inner.end] === '~' ? inner.end + 1 : inner.end) + 1;
    const kind = c === '$' ? 'interpolation' : 'directive';
    this.parts.push({ kind, start: i, end, innerStart, innerEnd: inner.end, tokens: inner.tokens });
    this.literalStart = end;
    return end;
  }
}

/** A quoted template starting at the `"` at `start`. */
function lexQuoted(text: string, start: number): { end: number; parts: TemplatePart[] } {
  const parts = new TemplateParts(start + 1);
  let i = start + 1;
  for (;;) {
    const c = text[i];
    if (c === undefined || c === '\n') throw new HclSyntaxError(start, 'unterminated string');
    if (c === '"') {
      parts.flush(i);
      return { end: i + 1, parts: parts.parts };
    }
    if (c === '\\') {
      const t = decodeEscape(text, i);
      parts.add(t.value);
      i = t.end;
      continue;
    }
    const next = parts.template(text, i);
    if (next !== undefined) i = next;
    else {
      const cp = text.codePointAt(i)!;
      parts.add(String.fromCodePoint(cp));
      i += cp > 0xffff ? 2 : 1;
    }
  }
}

/** The escape sequence at `i` (a backslash) in a quoted template. */
function decodeEscape(text: string, i: number): { value: string; end: number } {
  const e = text[i + 1] ?? '';
  if (e in ESCAPES) return { value: ESCAPES[e]!, end: i + 2 };
  if (e === 'u' || e === 'U') {
    const len = e === 'u' ? 4 : 8;
    const hex = text.slice(i + 2, i + 2 + len);
    const cp = /^[0-9A-Fa-f]+$/.test(hex) && hex.length === len ? parseInt(hex, 16) : NaN;
    if (!(cp <= 0x10ffff)) throw new HclSyntaxError(i, `bad \\${e} escape`);
    return { value: String.fromCodePoint(cp), end: i + 2 + len };
  }
  throw new HclSyntaxError(i, `unsupported escape \\${e}`);
}

/**
 * A heredoc starting at the `<<` at `start`: the body runs from the line after the header to the line that
 * holds only the marker (indentation and trailing blanks allowed, as hclsyntax allows). A marker-like line is
 * only a closing line when it starts in literal text, never inside an interpolation.
 */
function lexHeredoc(text: string, start: number): { end: number; parts: TemplatePart[] } {
  HEREDOC_HEADER.lastIndex = start;
  const header = HEREDOC_HEADER.exec(text);
  if (!header) throw new HclSyntaxError(start, 'expected a heredoc (<<MARKER or <<-MARKER followed by a newline)');
  const marker = header[2]!;
  const closing = new RegExp(`[ \\t]*${marker}(?=[ \\t]*(\\r?\\n|$))`, 'y');
  const parts = new TemplateParts(HEREDOC_HEADER.lastIndex);
  let i = HEREDOC_HEADER.lastIndex;
  let lineStart = true;
  for (;;) {
    if (lineStart) {
      closing.lastIndex = i;
      if (closing.test(text)) {
        parts.flush(i);
        return { end: closing.lastIndex, parts: parts.parts };
      }
    }
    if (i >= text.length) throw new HclSyntaxError(start, `heredoc <<${marker} has no closing ${marker} line`);
    const next = parts.template(text, i);
    if (next !== undefined) {
      i = next;
      lineStart = false;
    } else {
      parts.add(text[i]!);
      lineStart = text[i] === '\n';
      i++;
    }
  }
}

/** 1-based line and column of `offset`. */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
