/**
 * Test helpers for the renderers, written independently of src/core/render so they can check it:
 * - normalizeIam: the meaning of an IAM policy value (sets as sorted lists, scalars as strings), to compare an
 *   input document with what a renderer wrote;
 * - fmtViolations: the `terraform fmt` layout rules (hashicorp/hcl hclwrite/format.go: indent by bracket
 *   depth, `=` aligned across runs of single-line attributes, one space before `=` on a line that opens a
 *   multi-line value) checked on text, for the HCL subset our renderers emit.
 */

type Json = unknown;

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v: Json): Json[] => (Array.isArray(v) ? v : [v]);
const asSet = (v: Json): string[] => [...new Set(asList(v).map((x) => String(x)))].sort();

function normPrincipal(p: Json): Json {
  if (p === '*') return '*';
  if (!isObject(p)) throw new Error(`bad principal ${JSON.stringify(p)}`);
  return Object.fromEntries(Object.keys(p).sort().map((k) => [k, asSet(p[k])]));
}

/**
 * The meaning of an IAM policy value, as a plain value two equivalent documents share. `dropEmpty`: leave out
 * an empty `Condition`, empty condition operators and an empty principal map, which the Terraform data
 * source cannot write (no block at all) — an empty condition constrains nothing, and IAM rejects `{}` as a
 * principal.
 */
export function normalizeIam(doc: Json, { dropEmpty = false } = {}): Json {
  if (!isObject(doc)) throw new Error('not an object');
  const statements = doc.Statement === undefined ? [] : asList(doc.Statement);
  return {
    Version: doc.Version,
    Id: doc.Id,
    Statement: statements.map((raw) => {
      if (!isObject(raw)) throw new Error('statement is not an object');
      const out: Record<string, Json> = { Sid: raw.Sid, Effect: raw.Effect };
      for (const k of ['Action', 'NotAction', 'Resource', 'NotResource']) if (raw[k] !== undefined) out[k] = asSet(raw[k]);
      for (const k of ['Principal', 'NotPrincipal']) {
        if (raw[k] === undefined) continue;
        const p = normPrincipal(raw[k]);
        if (!(dropEmpty && isObject(p) && Object.keys(p).length === 0)) out[k] = p;
      }
      if (raw.Condition !== undefined) {
        const c = raw.Condition as Record<string, Record<string, Json>>;
        const ops = Object.keys(c)
          .sort()
          .filter((op) => !dropEmpty || Object.keys(c[op]!).length > 0);
        if (!(dropEmpty && ops.length === 0)) {
          out.Condition = Object.fromEntries(ops.map((op) => [op, Object.fromEntries(Object.keys(c[op]!).sort().map((k) => [k, asSet(c[op]![k])]))]));
        }
      }
      return out;
    }),
  };
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
const width = (s: string): number => [...graphemes.segment(s)].length;

/** Replace every "..." literal's inner text by `x`s of the same grapheme width, so brackets inside strings are ignored. */
function maskStrings(line: string): string {
  let out = '';
  let i = 0;
  while (i < line.length) {
    if (line[i] === '"') {
      let j = i + 1;
      while (j < line.length && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      out += '"' + 'x'.repeat(width(line.slice(i + 1, j))) + '"';
      i = j + 1;
    } else out += line[i++];
  }
  return out;
}

const bracketDelta = (s: string): number => {
  let n = 0;
  for (const c of s) {
    if ('{[('.includes(c)) n++;
    else if ('}])'.includes(c)) n--;
  }
  return n;
};

/** Layout problems `terraform fmt` would change, one message per problem (empty: fmt leaves the text as is). */
export function fmtViolations(text: string): string[] {
  const problems: string[] = [];
  if (!text.endsWith('\n') || text.endsWith('\n\n')) problems.push('file must end with exactly one newline');
  const lines = text.slice(0, -1).split('\n');
  const masked = lines.map(maskStrings);
  // Indentation (hclwrite formatIndent): a stack of per-line net bracket openings.
  const stack: number[] = [];
  type Assign = { line: number; leadWidth: number; eqCol: number };
  let chain: Assign[] = [];
  const closeChain = () => {
    if (chain.length > 0) {
      const want = Math.max(...chain.map((a) => a.leadWidth)) + 1;
      for (const a of chain) if (a.eqCol !== want) problems.push(`line ${a.line}: "=" at column ${a.eqCol}, fmt puts it at ${want}`);
    }
    chain = [];
  };
  masked.forEach((m, idx) => {
    const n = idx + 1;
    if (m.trim() === '') {
      if (m !== '') problems.push(`line ${n}: whitespace on a blank line`);
      if (idx > 0 && masked[idx - 1]!.trim() === '') problems.push(`line ${n}: two blank lines in a row`);
      closeChain();
      return;
    }
    if (/\s$/.test(m)) problems.push(`line ${n}: trailing whitespace`);
    const net = bracketDelta(m);
    let depth = stack.length;
    if (net > 0) stack.push(net);
    else if (net < 0) {
      let closed = -net;
      while (closed > 0 && stack.length > 0) {
        const top = stack[stack.length - 1]!;
        if (closed >= top) {
          closed -= top;
          stack.pop();
        } else {
          stack[stack.length - 1] = top - closed;
          closed = 0;
        }
      }
      depth = stack.length;
    }
    const indent = m.length - m.trimStart().length;
    if (indent !== 2 * depth) problems.push(`line ${n}: indent ${indent}, fmt uses ${2 * depth}`);
    const body = m.trimStart();
    if (body.startsWith('#')) {
      closeChain();
      return;
    }
    if (/\[ | \]|\( | \)|,\S|\s,/.test(body)) problems.push(`line ${n}: spacing around brackets or commas`);
    const eq = body.indexOf('=', 1);
    if (eq < 0) {
      closeChain();
      return;
    }
    const lead = body.slice(0, eq).trimEnd();
    if (!/ $/.test(body.slice(0, eq)) || body[eq + 1] !== ' ' || body[eq + 2] === ' ') problems.push(`line ${n}: spaces around "="`);
    if (bracketDelta(body.slice(eq)) === 0) {
      chain.push({ line: n, leadWidth: width(lead), eqCol: width(body.slice(0, eq)) });
    } else {
      closeChain();
      if (body.slice(lead.length, eq) !== ' ') problems.push(`line ${n}: a line opening a multi-line value keeps one space before "="`);
    }
  });
  closeChain();
  if (stack.length !== 0) problems.push('unbalanced brackets');
  return problems;
}

/** Unescape the inside of an HCL quoted string (no interpolations: our renderers escape them all). */
function hclUnquote(q: string): string {
  const s = q.slice(1, -1);
  let out = '';
  for (let i = 0; i < s.length; ) {
    const c = s[i]!;
    if (c === '\\') {
      const e = s[i + 1]!;
      if (e === 'u') {
        out += String.fromCodePoint(parseInt(s.slice(i + 2, i + 6), 16));
        i += 6;
      } else {
        out += ({ n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' } as Record<string, string>)[e] ?? fail(`bad escape \\${e}`);
        i += 2;
      }
    } else if ((c === '$' || c === '%') && s[i + 1] === c && s[i + 2] === '{') {
      out += c + '{';
      i += 3;
    } else if ((c === '$' || c === '%') && s[i + 1] === '{') fail(`interpolation in ${q}`);
    else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Set an own property, even for keys such as `__proto__` (plain assignment would set the prototype). */
function put<T>(o: Record<string, T>, k: string, v: T): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

function fail(msg: string): never {
  throw new Error(msg);
}

/** Quoted strings on a line, in order (a string literal never spans lines in our output). */
const quoted = (line: string): string[] => [...line.matchAll(/"(?:[^"\\]|\\.)*"/g)].map((m) => hclUnquote(m[0]));

/**
 * What IAM JSON the AWS provider's `aws_iam_policy_document` would produce for our data-source output, read
 * line by line (our layout: one attribute or block header per line, list items one per line). Mirrors the
 * provider: no `version` means 2012-10-17; principals type "*" with ["*"] is `"Principal": "*"`.
 */
export function readDataSource(text: string): Record<string, unknown> {
  const doc: Record<string, unknown> = { Version: '2012-10-17' };
  const statements: Array<Record<string, unknown>> = [];
  let st: Record<string, unknown> | undefined;
  let block: { kind: string; attrs: Record<string, string | string[]> } | undefined;
  let pendingList: { name: string; items: string[] } | undefined;
  const attrNames: Record<string, string> = {
    sid: 'Sid', effect: 'Effect', actions: 'Action', not_actions: 'NotAction', resources: 'Resource', not_resources: 'NotResource',
  };
  const setAttr = (name: string, value: string | string[]) => {
    if (block) block.attrs[name] = value;
    else if (st) st[attrNames[name] ?? fail(`unknown statement attribute ${name}`)] = value;
    else if (name === 'version') doc.Version = value;
    else if (name === 'policy_id') doc.Id = value;
    else fail(`unknown attribute ${name}`);
  };
  const closeBlock = () => {
    const b = block!;
    block = undefined;
    if (b.kind === 'condition') {
      const c = ((st!.Condition as Record<string, Record<string, string[]>>) ??= {});
      const op = b.attrs.test as string;
      if (!Object.hasOwn(c, op)) put(c, op, {});
      put(c[op]!, b.attrs.variable as string, b.attrs.values as string[]);
    } else {
      const key = b.kind === 'principals' ? 'Principal' : 'NotPrincipal';
      const ids = b.attrs.identifiers as string[];
      if (b.attrs.type === '*') {
        if (ids.length !== 1 || ids[0] !== '*') fail('type "*" needs identifiers ["*"]');
        st![key] = '*';
      } else {
        const p = (st![key] ??= {}) as Record<string, string[]>;
        if (typeof p !== 'object') fail('mixed "*" and typed principals');
        const kind = b.attrs.type as string;
        put(p, kind, [...(Object.hasOwn(p, kind) ? p[kind]! : []), ...ids]);
      }
    }
  };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (pendingList) {
      if (line === ']') {
        setAttr(pendingList.name, pendingList.items);
        pendingList = undefined;
      } else pendingList.items.push(...quoted(line));
      continue;
    }
    if (line.startsWith('data "aws_iam_policy_document"')) continue;
    if (line === 'statement {') st = {};
    else if (line === 'condition {' || line === 'principals {' || line === 'not_principals {') block = { kind: line.split(' ')[0]!, attrs: {} };
    else if (line === '}') {
      if (block) closeBlock();
      else if (st) {
        statements.push(st);
        st = undefined;
      }
    } else {
      const m = /^([a-z_]+)\s+= (.*)$/s.exec(line) ?? fail(`unexpected line ${line}`);
      const [, name, value] = m as unknown as [string, string, string];
      if (value === '[') pendingList = { name, items: [] };
      else if (value.startsWith('[')) setAttr(name, quoted(value));
      else setAttr(name, quoted(value)[0] ?? fail(`bad value ${value}`));
    }
  }
  doc.Statement = statements;
  return doc;
}
