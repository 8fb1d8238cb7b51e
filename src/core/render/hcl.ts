/**
 * A tiny HCL writer for the subset the Terraform renderers emit, laid out the way `terraform fmt` leaves it,
 * so that running fmt on our output changes nothing.
 *
 * The fmt rules we follow (hashicorp/hcl `hclwrite/format.go`, which `terraform fmt` uses):
 * - indent two spaces per open bracket level;
 * - in a run of consecutive lines that each hold a whole `name = value` attribute, the `=` signs are aligned
 *   one column after the longest name (widths counted in grapheme clusters). A line that opens a multi-line
 *   value (`actions = [`) is not part of a run: it ends the run and keeps a single space before `=`; blank
 *   lines, block headers, closing brackets and comments end a run too;
 * - one space after a comma, none inside `[` `]` or `(` `)`, `{}` for an empty object or block;
 * - fmt neither adds nor removes blank lines, so where we put them is our style choice: in block bodies, a blank
 *   line around every multi-line attribute and every nested block (the layout iam-policy-json-to-terraform users
 *   know); inside `jsonencode({...})` objects none (the layout of the AWS provider's own examples).
 */

/** An HCL expression in the subset we write. */
export type HclExpr =
  | { t: 'str'; v: string }
  | { t: 'list'; items: HclExpr[] }
  | { t: 'obj'; entries: Array<[string, HclExpr]> }
  | { t: 'call'; fn: string; arg: HclExpr }
  /** A reference written bare, such as `aws_iam_role.orders.id` (the caller vouches that it is a valid traversal). */
  | { t: 'ref'; v: string };

/** An item of a block body. */
export type HclBodyItem =
  | { t: 'attr'; name: string; value: HclExpr }
  | { t: 'block'; type: string; labels: string[]; body: HclBodyItem[] }
  | { t: 'comment'; text: string };

/** Indent unit (terraform fmt: two spaces). */
const INDENT = '  ';

/**
 * Escape a string for an HCL quoted template: backslash, quote and control characters as escapes, and the
 * template introducers `${` → `$${` and `%{` → `%%{`, so IAM policy variables such as `${aws:username}` reach
 * AWS literally instead of being read by Terraform as an interpolation.
 */
export function hclEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += '\\u' + code.toString(16).padStart(4, '0');
    else out += ch;
  }
  // Non-overlapping, left to right: `$${` (a literal `$${` in the policy) becomes `$$${`, which HCL reads as
  // `$` followed by the escape `$${`, i.e. the original text.
  // (Function replacers: in a replacement *string*, JavaScript reads `$$` as one `$`.)
  return out.replaceAll('${', () => '$${').replaceAll('%{', () => '%%{');
}

/** `"..."` with hclEscape applied. */
export function hclString(s: string): string {
  return `"${hclEscape(s)}"`;
}

/** Words HCL would not read as a literal object key when written bare. */
const RESERVED_KEYS = new Set(['true', 'false', 'null', 'for', 'in', 'if', 'endif', 'else', 'endfor']);

/** An object key: bare when it is a plain identifier, quoted otherwise (`"aws:username"`, `"ForAnyValue:StringLike"`). */
export function hclKey(k: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) && !RESERVED_KEYS.has(k) ? k : hclString(k);
}

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

function graphemeCount(s: string): number {
  let n = 0;
  for (const _ of segmenter.segment(s)) n++;
  return n;
}

/**
 * Width fmt uses to align `=` after a name or key: grapheme clusters counted token by token, as hclwrite's
 * `Tokens.Columns` does. A quoted key is three tokens (quote, text, quote), so a combining mark at the start of
 * the text does not merge with the quote.
 */
export function columns(nameOrQuotedKey: string): number {
  if (nameOrQuotedKey.startsWith('"')) return 2 + graphemeCount(nameOrQuotedKey.slice(1, -1));
  return graphemeCount(nameOrQuotedKey);
}

/**
 * Lines of an expression at `indent`: the first line is the part that follows `name = ` (no indent); the
 * following lines carry their full indentation.
 */
function exprLines(e: HclExpr, indent: string): string[] {
  const inner = indent + INDENT;
  switch (e.t) {
    case 'str':
      return [hclString(e.v)];
    case 'ref':
      return [e.v];
    case 'list': {
      if (e.items.length === 0) return ['[]'];
      const only = e.items[0]!;
      if (e.items.length === 1 && only.t === 'str') return [`[${hclString(only.v)}]`];
      const lines = ['['];
      for (const item of e.items) {
        const itemLines = exprLines(item, inner);
        itemLines[0] = inner + itemLines[0];
        itemLines[itemLines.length - 1] += ',';
        lines.push(...itemLines);
      }
      lines.push(indent + ']');
      return lines;
    }
    case 'obj': {
      if (e.entries.length === 0) return ['{}'];
      const body: HclBodyItem[] = e.entries.map(([k, v]) => ({ t: 'attr', name: hclKey(k), value: v }));
      return ['{', ...bodyLines(body, inner, false), indent + '}'];
    }
    case 'call': {
      const lines = exprLines(e.arg, indent);
      lines[0] = `${e.fn}(${lines[0]}`;
      lines[lines.length - 1] += ')';
      return lines;
    }
  }
}

/**
 * Lines of a body at `indent` (each line fully indented; blank lines are empty strings). `blankLines`:
 * separate multi-line attributes and blocks from their neighbours with a blank line.
 */
export function bodyLines(items: HclBodyItem[], indent: string, blankLines: boolean): string[] {
  // Render each item, then align `=` across runs of adjacent single-line attributes.
  type Rendered = { lines: string[]; align?: { name: string; rest: string } };
  const rendered: Rendered[] = items.map((item) => {
    switch (item.t) {
      case 'comment':
        return { lines: [`${indent}# ${item.text}`] };
      case 'attr': {
        const v = exprLines(item.value, indent);
        if (v.length === 1) return { lines: [], align: { name: item.name, rest: v[0]! } };
        return { lines: [`${indent}${item.name} = ${v[0]}`, ...v.slice(1)] };
      }
      case 'block': {
        const header = [item.type, ...item.labels.map(hclString)].join(' ');
        if (item.body.length === 0) return { lines: [`${indent}${header} {}`] };
        return { lines: [`${indent}${header} {`, ...bodyLines(item.body, indent + INDENT, true), `${indent}}`] };
      }
    }
  });

  const out: string[] = [];
  let run: Array<{ name: string; rest: string }> = [];
  const flush = () => {
    const width = Math.max(0, ...run.map((a) => columns(a.name)));
    for (const a of run) out.push(`${indent}${a.name}${' '.repeat(width - columns(a.name))} = ${a.rest}`);
    run = [];
  };
  let prevSingle: boolean | undefined;
  for (const r of rendered) {
    const single = r.align !== undefined;
    // Comments stick to what follows them; everything else gets a blank line unless two single-line attributes meet.
    const prevWasComment = out.length > 0 && run.length === 0 && out[out.length - 1]!.trimStart().startsWith('#');
    if (blankLines && prevSingle !== undefined && !(prevSingle && single) && !prevWasComment) {
      flush();
      out.push('');
    }
    if (single) run.push(r.align!);
    else {
      flush();
      out.push(...r.lines);
    }
    prevSingle = single;
  }
  flush();
  return out;
}

/** A whole HCL file from top-level body items, ending with one newline. */
export function hclFile(items: HclBodyItem[]): string {
  return bodyLines(items, '', true).join('\n') + '\n';
}
