/**
 * Reads back what the `jsonencode` Terraform renderer writes: `locals { NAME = jsonencode({...}) }` or a bare
 * `jsonencode({...})`, where the argument uses only strings, lists and objects. It exists so tests can check
 * JSON → Terraform → JSON round trips, and so a policy kept in that form can be read again. It is not a
 * general HCL parser: interpolations (`${...}`), references, numbers, heredocs and functions other than
 * `jsonencode` are reported as errors with their line and column.
 */

import { PolicyTrimError } from '../errors.js';
import type { ConditionBlock, Effect, PolicyDocument, PrincipalBlock, Statement } from '../policy/types.js';

/** A plain JSON-like value (what `JSON.parse` would give for the same document). */
export type PlainValue = string | PlainValue[] | { [key: string]: PlainValue };

/** Input that is not in the accepted subset, or not an IAM policy (the user's input); names the file and position. */
export class PolicyTextError extends PolicyTrimError {
  declare readonly code: 'policy-text-invalid';
  constructor(
    /** The file (or other name) the text came from. */
    readonly file: string,
    readonly line: number | undefined,
    readonly column: number | undefined,
    readonly reason: string,
  ) {
    super({
      code: 'policy-text-invalid',
      message: `${file}${line !== undefined ? `:${line}:${column}` : ''}: ${reason}`,
      hint: 'Keep the policy as jsonencode({...}) of literal strings, lists and objects (what `policy-trim render --terraform-style jsonencode` writes), or give it as JSON or YAML.',
      source: 'user',
    });
  }
}

type Tok =
  | { k: 'punct'; v: string; line: number; col: number }
  | { k: 'ident'; v: string; line: number; col: number }
  | { k: 'str'; v: string; line: number; col: number }
  | { k: 'eof'; v: ''; line: number; col: number };

function tokenize(text: string, source: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const fail = (reason: string, at = i): never => {
    throw new PolicyTextError(source, line, at - lineStart + 1, reason);
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
    } else if (c === ' ' || c === '\t' || c === '\r') i++;
    else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) fail('unterminated /* comment');
      for (let j = i; j < end; j++) if (text[j] === '\n') (line++, (lineStart = j + 1));
      i = end + 2;
    } else if ('{}[]()=,:'.includes(c)) {
      toks.push({ k: 'punct', v: c, line, col: i - lineStart + 1 });
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      const start = i;
      while (i < text.length && /[A-Za-z0-9_-]/.test(text[i]!)) i++;
      toks.push({ k: 'ident', v: text.slice(start, i), line, col: start - lineStart + 1 });
    } else if (c === '"') {
      const start = i;
      i++;
      let v = '';
      for (;;) {
        if (i >= text.length || text[i] === '\n') fail('unterminated string', start);
        const ch = text[i]!;
        if (ch === '"') {
          i++;
          break;
        }
        if (ch === '\\') {
          const e = text[i + 1];
          const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
          if (e !== undefined && e in simple) {
            v += simple[e];
            i += 2;
          } else if (e === 'u' || e === 'U') {
            const len = e === 'u' ? 4 : 8;
            const hex = text.slice(i + 2, i + 2 + len);
            if (!new RegExp(`^[0-9A-Fa-f]{${len}}$`).test(hex)) fail(`bad \\${e} escape`);
            const cp = parseInt(hex, 16);
            if (cp > 0x10ffff) fail(`\\${e} escape beyond U+10FFFF`);
            v += String.fromCodePoint(cp);
            i += 2 + len;
          } else fail(`unsupported escape \\${e ?? ''}`);
        } else if ((ch === '$' || ch === '%') && text[i + 1] === ch && text[i + 2] === '{') {
          // `$${` / `%%{`: the escaped template introducers.
          v += ch + '{';
          i += 3;
        } else if ((ch === '$' || ch === '%') && text[i + 1] === '{') {
          fail(`template ${ch}{...} is not supported here (only literal strings; write $${ch}{ for a literal)`);
        } else {
          const cp = text.codePointAt(i)!;
          v += String.fromCodePoint(cp);
          i += cp > 0xffff ? 2 : 1;
        }
      }
      toks.push({ k: 'str', v, line, col: start - lineStart + 1 });
    } else fail(`unexpected character ${JSON.stringify(c)}`);
  }
  toks.push({ k: 'eof', v: '', line, col: i - lineStart + 1 });
  return toks;
}

class Parser {
  private pos = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly source: string,
  ) {}

  private peek(): Tok {
    return this.toks[this.pos]!;
  }
  private next(): Tok {
    return this.toks[this.pos++]!;
  }
  fail(t: Tok, reason: string): never {
    throw new PolicyTextError(this.source, t.line, t.col, reason);
  }
  private describe(t: Tok): string {
    return t.k === 'eof' ? 'end of input' : t.k === 'str' ? `string ${JSON.stringify(t.v)}` : `"${t.v}"`;
  }
  expect(k: Tok['k'], v?: string): Tok {
    const t = this.next();
    if (t.k !== k || (v !== undefined && t.v !== v)) this.fail(t, `expected ${v ?? k}, found ${this.describe(t)}`);
    return t;
  }
  private isPunct(v: string): boolean {
    const t = this.peek();
    return t.k === 'punct' && t.v === v;
  }

  /** `locals { NAME = jsonencode(...) }` or `jsonencode(...)`. */
  file(): { name: string | undefined; value: PlainValue } {
    let name: string | undefined;
    let value: PlainValue;
    const first = this.peek();
    if (first.k === 'ident' && first.v === 'locals') {
      this.next();
      this.expect('punct', '{');
      name = this.expect('ident').v;
      this.expect('punct', '=');
      value = this.call();
      this.expect('punct', '}');
    } else value = this.call();
    this.expect('eof');
    return { name, value };
  }

  private call(): PlainValue {
    this.expect('ident', 'jsonencode');
    this.expect('punct', '(');
    const v = this.value();
    this.expect('punct', ')');
    return v;
  }

  value(): PlainValue {
    const t = this.next();
    if (t.k === 'str') return t.v;
    if (t.k === 'punct' && t.v === '[') {
      const items: PlainValue[] = [];
      while (!this.isPunct(']')) {
        items.push(this.value());
        if (!this.isPunct(']')) this.expect('punct', ',');
      }
      this.next();
      return items;
    }
    if (t.k === 'punct' && t.v === '{') {
      const entries: Array<[string, PlainValue]> = [];
      const seen = new Set<string>();
      while (!this.isPunct('}')) {
        const kt = this.next();
        if (kt.k !== 'str' && kt.k !== 'ident') this.fail(kt, `expected an object key, found ${this.describe(kt)}`);
        if (seen.has(kt.v)) this.fail(kt, `duplicate key ${JSON.stringify(kt.v)}`);
        seen.add(kt.v);
        const sep = this.next();
        if (sep.k !== 'punct' || (sep.v !== '=' && sep.v !== ':')) this.fail(sep, `expected = after key, found ${this.describe(sep)}`);
        entries.push([kt.v, this.value()]);
        if (this.isPunct(',')) this.next();
      }
      this.next();
      // fromEntries defines own properties, so a key such as "__proto__" stays an ordinary key.
      return Object.fromEntries(entries);
    }
    return this.fail(t, `expected a string, [ or {, found ${this.describe(t)}`);
  }
}

/** Parse the jsonencode subset into a plain value; `name` is the local's name when wrapped in `locals`. */
export function parseJsonencode(text: string, source = 'terraform'): { name: string | undefined; value: PlainValue } {
  return new Parser(tokenize(text, source), source).file();
}

const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Convert an IAM policy value (from `JSON.parse` or parseJsonencode) into the policy model, strictly: unknown
 * keys, a bad `Effect`, or a non-string where a string is needed throw a PolicyTextError naming the
 * statement. Single strings become one-element lists; numbers and booleans in condition values become their
 * text (IAM compares them as strings). Used by the render round-trip tests and the golden-file runner.
 */
export function policyDocumentFromIam(value: unknown, name: string): PolicyDocument {
  const fail = (where: string, reason: string): never => {
    throw new PolicyTextError(name, undefined, undefined, `${where}: ${reason}`);
  };
  if (!isObject(value)) return fail('document', 'expected a JSON object');
  for (const k of Object.keys(value)) if (!['Version', 'Id', 'Statement'].includes(k)) fail('document', `unknown key ${JSON.stringify(k)}`);
  const doc: PolicyDocument = { name, statements: [] };
  if (value.Version !== undefined) {
    if (typeof value.Version !== 'string') fail('Version', 'expected a string');
    doc.version = value.Version as string;
  }
  if (value.Id !== undefined) {
    if (typeof value.Id !== 'string') fail('Id', 'expected a string');
    doc.id = value.Id as string;
  }
  const raw = value.Statement;
  let list: unknown[] = [];
  if (Array.isArray(raw)) list = raw;
  else if (isObject(raw)) {
    list = [raw];
    doc.singleStatementObject = true;
  } else if (raw !== undefined) fail('Statement', 'expected a statement object or a list of them');

  const strings = (where: string, v: unknown, scalars = false): string[] => {
    const one = (x: unknown): string => {
      if (typeof x === 'string') return x;
      if (scalars && (typeof x === 'number' || typeof x === 'boolean')) return String(x);
      return fail(where, `expected a string, found ${JSON.stringify(x)}`);
    };
    return Array.isArray(v) ? v.map(one) : [one(v)];
  };
  const principal = (where: string, v: unknown): PrincipalBlock => {
    if (v === '*') return '*';
    if (!isObject(v)) return fail(where, 'expected "*" or an object of principal kinds');
    return Object.fromEntries(Object.entries(v).map(([kind, ids]) => [kind, strings(`${where}.${kind}`, ids)]));
  };

  list.forEach((s, index) => {
    const where = `Statement[${index}]`;
    if (!isObject(s)) fail(where, 'expected an object');
    const o = s as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!STATEMENT_KEYS.has(k)) fail(where, `unknown key ${JSON.stringify(k)}`);
    if (o.Effect !== 'Allow' && o.Effect !== 'Deny') fail(`${where}.Effect`, `expected "Allow" or "Deny", found ${JSON.stringify(o.Effect)}`);
    const st: Statement = { effect: o.Effect as Effect };
    if (o.Sid !== undefined) {
      if (typeof o.Sid !== 'string') fail(`${where}.Sid`, 'expected a string');
      st.sid = o.Sid as string;
    }
    if (o.Principal !== undefined) st.principal = principal(`${where}.Principal`, o.Principal);
    if (o.NotPrincipal !== undefined) st.notPrincipal = principal(`${where}.NotPrincipal`, o.NotPrincipal);
    if (o.Action !== undefined) st.action = strings(`${where}.Action`, o.Action);
    if (o.NotAction !== undefined) st.notAction = strings(`${where}.NotAction`, o.NotAction);
    if (o.Resource !== undefined) st.resource = strings(`${where}.Resource`, o.Resource);
    if (o.NotResource !== undefined) st.notResource = strings(`${where}.NotResource`, o.NotResource);
    if (o.Condition !== undefined) {
      if (!isObject(o.Condition)) fail(`${where}.Condition`, 'expected an object of operators');
      const cond: ConditionBlock = Object.fromEntries(
        Object.entries(o.Condition as Record<string, unknown>).map(([op, keys]) => {
          if (!isObject(keys)) fail(`${where}.Condition.${op}`, 'expected an object of condition keys');
          return [op, Object.fromEntries(Object.entries(keys as Record<string, unknown>).map(([k, vs]) => [k, strings(`${where}.Condition.${op}.${k}`, vs, true)]))];
        }),
      );
      st.condition = cond;
    }
    doc.statements.push(st);
  });
  return doc;
}

/**
 * Read a policy written by the `jsonencode` Terraform renderer back into the policy model. The document's
 * `name` is the local's name (or `source` for a bare expression).
 */
export function parseJsonencodePolicy(text: string, source = 'terraform'): PolicyDocument {
  const { name, value } = parseJsonencode(text, source);
  return policyDocumentFromIam(value, name ?? source);
}
