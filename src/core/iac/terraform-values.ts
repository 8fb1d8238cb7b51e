/**
 * Terraform values ↔ IAM policy strings with reference tokens.
 *
 * Reading: a quoted template becomes its text with each `${...}` replaced by a reference token; a bare
 * traversal (`aws_s3_bucket.b.arn`) or an opaque expression (`var.on ? "a" : "b"`, `format(...)`) as a whole
 * value becomes a string that is exactly one token. IAM policy variables are written `$${aws:username}` in
 * Terraform strings (the HCL escape) and also `&{aws:username}` in `aws_iam_policy_document` (the provider
 * turns `&{` into `${`): both read as the IAM form `${aws:username}`.
 *
 * Writing is the inverse, in the site's own variable form, and a token goes back as it was written: bare
 * when it was bare, `${...}` as written inside strings.
 */

import { InvariantError } from '../errors.js';
import { REFERENCE_TOKEN, referenceToken, type GrantSite, type IacReference, type ReferenceTable } from './types.js';
import { IacError } from './errors.js';
import { hclEscape } from '../render/hcl.js';
import { positionAt, type TemplatePart, type Token } from './terraform-lexer.js';
import { literalOnly, type Expr } from './terraform-syntax.js';

/** How a site writes IAM policy variables in its strings: `&{...}` (data sources) or `$${...}`. */
export type VariableForm = '&' | '$$';

/** What reading values at one site needs: the text (for positions and written forms), the site, the references. */
export class ReadContext {
  readonly references: IacReference[] = [];
  private readonly byKey = new Map<string, number>();

  constructor(
    readonly text: string,
    readonly site: GrantSite,
  ) {}

  /** The token for a reference; one index per key, the first written form kept. */
  token(key: string, written: string): string {
    let index = this.byKey.get(key);
    if (index === undefined) {
      index = this.references.push({ key, written }) - 1;
      this.byKey.set(key, index);
    }
    return referenceToken(index);
  }

  /** An IacError `iac-unsupported` at `offset`. */
  unsupported(offset: number, message: string, hint?: string): IacError {
    return new IacError({ code: 'iac-unsupported', site: this.site, message, hint, position: positionAt(this.text, offset) });
  }
}

/** Functions whose result is a list: as a whole value they stand for several values, not one. */
const LIST_FUNCTIONS = new Set([
  'concat', 'flatten', 'distinct', 'compact', 'tolist', 'toset', 'split', 'keys', 'values', 'setunion', 'setintersection',
  'setsubtract', 'setproduct', 'slice', 'sort', 'reverse', 'coalescelist', 'matchkeys', 'chunklist', 'range', 'formatlist',
]);

/** Blanks out of an expression's text, so one meaning has one key whatever the spacing. */
function opaqueKey(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

/**
 * The IAM string a template stands for, tokens in place of interpolations. `ampersand`: read `&{` as `${`
 * (aws_iam_policy_document strings). A directive (`%{ if }`) cannot be read as one string: refused.
 */
export function templateValue(ctx: ReadContext, token: Token, ampersand: boolean): string {
  let out = '';
  for (const part of token.parts ?? []) {
    if (part.kind === 'literal') out += ampersand ? part.value.replaceAll('&{', '${') : part.value;
    else out += interpolationValue(ctx, part);
  }
  return out;
}

/**
 * The reference token of one interpolation: keyed by its traversal (blanks dropped) or, for any other
 * expression, by its text; written as the whole `${...}`. An interpolated string literal is its text. A
 * directive (`%{ if }`) is refused.
 */
export function interpolationValue(ctx: ReadContext, part: Exclude<TemplatePart, { kind: 'literal' }>): string {
  if (part.kind === 'directive') throw ctx.unsupported(part.start, 'a template directive (%{...}) in a policy string', 'Write the policy with literal strings and ${...} references.');
  const inner = ctx.text.slice(part.innerStart, part.innerEnd);
  const t = part.tokens.filter((x) => x.kind !== 'nl' && x.kind !== 'comment');
  // `${"$"}` is literal text (the writer's way to put a `$` just before an interpolation), not a reference.
  const literal = t.length === 1 && t[0]!.kind === 'string' ? literalOnly(t[0]!) : undefined;
  if (literal !== undefined) return literal;
  const traversal = t.length > 0 && t[0]!.kind === 'ident' && t.every((x) => x.kind === 'ident' || x.kind === 'number' || (x.kind === 'punct' && '.[]*'.includes(x.text)));
  const key = traversal ? t.map((x) => x.text).join('') : opaqueKey(inner);
  return ctx.token(key, ctx.text.slice(part.start, part.end));
}

/**
 * One IAM string from an expression: a template, a literal, or a reference (bare traversal or opaque
 * expression) as one token. `what` names the value in messages. Lists, objects and list-valued calls are
 * refused: they are not one string.
 */
export function stringValue(ctx: ReadContext, expr: Expr, what: string, ampersand: boolean): string {
  switch (expr.kind) {
    case 'template':
      return templateValue(ctx, expr.token, ampersand);
    case 'literal':
      return expr.text;
    case 'traversal':
      return ctx.token(expr.text, ctx.text.slice(expr.start, expr.end));
    case 'call':
    case 'other': {
      const written = ctx.text.slice(expr.start, expr.end);
      if (expr.kind === 'call' && LIST_FUNCTIONS.has(expr.name)) {
        throw ctx.unsupported(expr.start, `${what} is ${abbreviate(written)}, a list the editor cannot read item by item`, 'Write the values as a list of strings and references, [a, b, ...].');
      }
      if (expr.kind === 'other' && /^\[\s*for\b/.test(written)) {
        throw ctx.unsupported(expr.start, `${what} is a for expression, a list the editor cannot read item by item`, 'Write the values as a list of strings and references, [a, b, ...].');
      }
      return ctx.token(opaqueKey(written), written);
    }
    default:
      throw ctx.unsupported(expr.start, `${what}: expected a string or a reference, found a ${expr.kind === 'tuple' ? 'list' : 'map'}`);
  }
}

/**
 * A list of IAM strings. `scalarOk`: a single value stands for a one-element list (IAM JSON allows
 * `"Action": "s3:GetObject"`). A whole list written as an expression (`concat(...)`, `var.arns`) is refused
 * with its line, since the editor could not rewrite its items.
 */
export function stringList(ctx: ReadContext, expr: Expr, what: string, opts: { ampersand: boolean; scalarOk: boolean }): string[] {
  if (expr.kind === 'tuple') return expr.items.map((item, i) => stringValue(ctx, item, `${what}[${i}]`, opts.ampersand));
  if (opts.scalarOk && expr.kind !== 'object') return [stringValue(ctx, expr, what, opts.ampersand)];
  const written = abbreviate(ctx.text.slice(expr.start, expr.end));
  throw ctx.unsupported(expr.start, `${what} is ${written}, not a list of values the editor can rewrite item by item`, 'Write it as a list, [a, b, ...], of strings and references.');
}

/** The first line of an expression, shortened for a message. */
export function abbreviate(text: string): string {
  const first = text.split('\n')[0]!;
  return first.length > 60 || first !== text ? `${first.slice(0, 60)}…` : first;
}

// ---------------------------------------------------------------------------------------------------------
// Writing

/** The reference a token index names in an edit's table. */
function reference(refs: ReferenceTable, index: number): IacReference {
  const r = refs[index];
  if (r === undefined) throw new InvariantError(`reference token ${index} is not in the edit's reference table (${refs.length} entries)`);
  return r;
}

/** How a reference is written inside a template: as written when it was an interpolation, else wrapped. */
function interpolation(r: IacReference): string {
  return r.written.startsWith('${') ? r.written : `\${${r.written}}`;
}

/** The index when `value` is exactly one reference token. */
export function loneToken(value: string): number | undefined {
  const m = /^\uE000(\d+)\uE001$/.exec(value);
  return m ? Number(m[1]) : undefined;
}

/**
 * The body of a template (no quotes) for an IAM string: literal text through `escape`, tokens as
 * interpolations. Literal `$`s just before an interpolation would make `$${`, which HCL reads as an escape,
 * so they are written inside an interpolated string literal, `${"$"}`.
 */
export function templateBody(value: string, refs: ReferenceTable, escape: (literal: string) => string): string {
  let out = '';
  let last = 0;
  for (const m of value.matchAll(REFERENCE_TOKEN)) {
    let lit = escape(value.slice(last, m.index));
    const dollars = /\$+$/.exec(lit);
    if (dollars) lit = `${lit.slice(0, dollars.index)}\${"${dollars[0]}"}`;
    out += lit + interpolation(reference(refs, Number(m[1])));
    last = m.index + m[0].length;
  }
  return out + escape(value.slice(last));
}

/**
 * An HCL expression for an IAM string: a lone token as its original expression (bare stays bare, `"${x}"`
 * stays quoted), anything else a quoted template with IAM variables in the site's `form`.
 */
export function hclValue(value: string, refs: ReferenceTable, form: VariableForm): string {
  const lone = loneToken(value);
  if (lone !== undefined) {
    const r = reference(refs, lone);
    return r.written.startsWith('${') ? `"${r.written}"` : r.written;
  }
  return `"${templateBody(value, refs, (lit) => escapeLiteral(lit, form))}"`;
}

/** A literal piece of an IAM string for an HCL quoted template, IAM variables in `form`. */
function escapeLiteral(literal: string, form: VariableForm): string {
  return hclEscape(form === '&' ? literal.replaceAll('${', '&{') : literal);
}
