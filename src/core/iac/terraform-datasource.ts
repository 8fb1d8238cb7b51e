/**
 * `data "aws_iam_policy_document" "NAME"`: its `statement` blocks read into statements, and written back in
 * terraform fmt layout (hcl.ts) at the block's indentation, attributes in the order the block already uses.
 * `source_policy_documents` / `override_policy_documents` (and the older `source_json` / `override_json`)
 * merge other documents in by reference: they are read as references and kept as written.
 */

import type { ConditionBlock, Effect, PrincipalBlock, Statement } from '../policy/types.js';
import { bodyLines, type HclBodyItem, type HclExpr } from '../render/hcl.js';
import { REFERENCE_TOKEN, type GrantSite, type IncludedDocument, type ReferenceTable } from './types.js';
import { IacError } from './errors.js';
import type { HclAttribute, HclBlock, HclItem } from './terraform-syntax.js';
import { hclValue, stringList, stringValue, type ReadContext, type VariableForm } from './terraform-values.js';
import { leadingCommentStart, lineIndent, mergeOrder, type FieldNode, type ListField, type TextEdit, type WrittenStatement } from './terraform-splice.js';
import type { StatementLayout } from './terraform-statements.js';
import type { Expr } from './terraform-syntax.js';

/** What a data source holds. */
export interface DataSourceRead {
  written: WrittenStatement[];
  included: IncludedDocument[];
  /** How its strings write IAM policy variables. */
  form: VariableForm;
  /** The order of attribute and block names its statements use, over all of them. */
  order: string[];
  /** The names each statement uses, in its order. */
  orders: string[][];
}

const INCLUDES: Record<string, IncludedDocument['how']> = {
  source_policy_documents: 'source',
  source_json: 'source',
  override_policy_documents: 'override',
  override_json: 'override',
};
const DOCUMENT_ATTRIBUTES = new Set(['version', 'policy_id', ...Object.keys(INCLUDES)]);
const STATEMENT_LISTS: Record<string, 'action' | 'notAction' | 'resource' | 'notResource'> = {
  actions: 'action',
  not_actions: 'notAction',
  resources: 'resource',
  not_resources: 'notResource',
};

/** Read the statements and included documents of a data source block. */
export function readDataSource(ctx: ReadContext, block: HclBlock): DataSourceRead {
  const body = ctx.text.slice(block.open, block.close);
  // The block's own form: `&{` when it uses it (the provider's documented form), else `$${` (the HCL escape,
  // which is what the project's own renderer writes).
  const form: VariableForm = body.includes('&{') ? '&' : '$$';
  const out: DataSourceRead = { written: [], included: [], form, order: [], orders: [] };
  for (const item of block.items) {
    if (item.kind === 'block' && item.type === 'statement') {
      const fields: Partial<Record<ListField, FieldNode>> = {};
      for (const x of item.items) if (x.kind === 'attribute' && x.name in STATEMENT_LISTS) fields[STATEMENT_LISTS[x.name]!] = fieldNode(x.expr);
      out.written.push({ statement: readStatement(ctx, item), start: item.start, end: item.end, commentStart: leadingCommentStart(ctx.text, item.start), fields });
      const names = [...new Set(item.items.map(nameOf))];
      out.orders.push(names);
      for (const name of names) if (!out.order.includes(name)) out.order.push(name);
    } else if (item.kind === 'block' && item.type === 'dynamic') {
      throw ctx.unsupported(item.start, `a dynamic "${item.labels[0] ?? ''}" block: its statements are computed`, 'Write the statements as statement blocks, or name another site.');
    } else if (item.kind === 'attribute' && item.name in INCLUDES) {
      const values = item.name.endsWith('_json') ? [stringValue(ctx, item.expr, item.name, false)] : stringList(ctx, item.expr, item.name, { ampersand: false, scalarOk: false });
      out.included.push(...values.map((document) => ({ how: INCLUDES[item.name]!, document })));
    } else if (!(item.kind === 'attribute' && DOCUMENT_ATTRIBUTES.has(item.name))) {
      throw ctx.unsupported(item.start, `unexpected ${item.kind} ${nameOf(item)} in an aws_iam_policy_document`);
    }
  }
  return out;
}

/** Where a value is written, item by item when it is a list (see terraform-statements' patch). */
export function fieldNode(e: Expr): FieldNode {
  return { start: e.start, end: e.end, ...(e.kind === 'tuple' ? { items: e.items.map((i) => ({ start: i.start, end: i.end })) } : {}) };
}

function nameOf(item: HclItem): string {
  return item.kind === 'attribute' ? item.name : item.type;
}

/** One `statement { ... }` block. */
function readStatement(ctx: ReadContext, block: HclBlock): Statement {
  const st: Statement = { effect: 'Allow' };
  for (const item of block.items) {
    if (item.kind === 'attribute' && item.name in STATEMENT_LISTS) {
      st[STATEMENT_LISTS[item.name]!] = stringList(ctx, item.expr, item.name, { ampersand: true, scalarOk: false });
    } else if (item.kind === 'attribute' && item.name === 'sid') st.sid = stringValue(ctx, item.expr, 'sid', true);
    else if (item.kind === 'attribute' && item.name === 'effect') st.effect = effectOf(ctx, item);
    else if (item.kind === 'block' && item.type === 'condition') {
      const a = attributes(ctx, item, ['test', 'variable', 'values']);
      const test = stringValue(ctx, a.test!.expr, 'condition test', true);
      const variable = stringValue(ctx, a.variable!.expr, 'condition variable', true);
      const values = stringList(ctx, a.values!.expr, 'condition values', { ampersand: true, scalarOk: false });
      const cond: ConditionBlock = (st.condition ??= {});
      const keys = (cond[test] ??= {});
      keys[variable] = [...(keys[variable] ?? []), ...values];
    } else if (item.kind === 'block' && (item.type === 'principals' || item.type === 'not_principals')) {
      const a = attributes(ctx, item, ['type', 'identifiers']);
      const type = stringValue(ctx, a.type!.expr, `${item.type} type`, true);
      const ids = stringList(ctx, a.identifiers!.expr, `${item.type} identifiers`, { ampersand: true, scalarOk: false });
      const field = item.type === 'principals' ? 'principal' : 'notPrincipal';
      st[field] = addPrincipal(st[field], type, ids);
    } else if (item.kind === 'block' && item.type === 'dynamic') {
      throw ctx.unsupported(item.start, `a dynamic "${item.labels[0] ?? ''}" block inside a statement`, 'Write the blocks out, or name another site.');
    } else throw ctx.unsupported(item.start, `unexpected ${item.kind} ${nameOf(item)} in a statement block`);
  }
  return st;
}

function effectOf(ctx: ReadContext, item: HclAttribute): Effect {
  const v = stringValue(ctx, item.expr, 'effect', true);
  if (v !== 'Allow' && v !== 'Deny') throw ctx.unsupported(item.expr.start, `effect is ${JSON.stringify(v)}, not "Allow" or "Deny"`);
  return v;
}

/** The named attributes of a nested block, each required. */
function attributes(ctx: ReadContext, block: HclBlock, names: string[]): Record<string, HclAttribute> {
  const out: Record<string, HclAttribute> = {};
  for (const item of block.items) {
    if (item.kind !== 'attribute' || !names.includes(item.name)) throw ctx.unsupported(item.start, `unexpected ${nameOf(item)} in a ${block.type} block`);
    out[item.name] = item;
  }
  const missing = names.find((n) => out[n] === undefined);
  if (missing) throw ctx.unsupported(block.start, `a ${block.type} block without ${missing}`);
  return out;
}

/** `type = "*"` with identifiers `["*"]` is IAM's `"*"`; other types are merged by kind. */
function addPrincipal(p: PrincipalBlock | undefined, type: string, ids: string[]): PrincipalBlock {
  if (type === '*' && ids.length === 1 && ids[0] === '*' && p === undefined) return '*';
  const out: Record<string, string[]> = p === undefined || p === '*' ? {} : { ...p };
  out[type] = [...(out[type] ?? []), ...ids];
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Writing

/** Attribute and block names in the order terraform.ts's data source writes them. */
const DEFAULT_ORDER = ['sid', 'effect', 'resources', 'not_resources', 'actions', 'not_actions', 'condition', 'principals', 'not_principals'];

/**
 * An HCL value for a data source string. The provider turns every `&{` of its strings into `${`, whatever
 * form the block writes variables in, so a literal `&{` cannot be written there: refused.
 */
function dataSourceValue(v: string, refs: ReferenceTable, form: VariableForm, site: GrantSite): string {
  if (v.replace(REFERENCE_TOKEN, '').includes('&{')) {
    throw new IacError({ code: 'iac-unsupported', site, message: `the value ${JSON.stringify(v)} holds "&{", which aws_iam_policy_document would read as "\${"` });
  }
  return hclValue(v, refs, form);
}

/** Renders statements as `statement` blocks: values go in as placeholders so hcl.ts lays out the block. */
class StatementRenderer {
  private raw: string[] = [];

  constructor(
    private readonly refs: ReferenceTable,
    private readonly read: DataSourceRead,
    private readonly site: GrantSite,
  ) {}

  private value(v: string): HclExpr {
    this.raw.push(dataSourceValue(v, this.refs, this.read.form, this.site));
    return { t: 'str', v: `\uE002${this.raw.length - 1}\uE003` };
  }

  private list(vs: string[]): HclExpr {
    return { t: 'list', items: vs.map((v) => this.value(v)) };
  }

  /** `order`: the names the statement it replaces (or the block) uses, which says whether to write effect. */
  private items(st: Statement, order: readonly string[]): Map<string, HclBodyItem[]> {
    const m = new Map<string, HclBodyItem[]>();
    const attr = (name: string, value: HclExpr) => m.set(name, [{ t: 'attr', name, value }]);
    if (st.sid !== undefined) attr('sid', this.value(st.sid));
    // A statement written without `effect` relies on the default, Allow: so does its rewrite.
    if (st.effect === 'Deny' || order.length === 0 || order.includes('effect')) attr('effect', this.value(st.effect));
    for (const [name, field] of Object.entries(STATEMENT_LISTS)) if (st[field] !== undefined) attr(name, this.list(st[field]!));
    const conditions: HclBodyItem[] = [];
    for (const [test, keys] of Object.entries(st.condition ?? {})) {
      for (const [variable, values] of Object.entries(keys)) {
        const body: HclBodyItem[] = [
          { t: 'attr', name: 'test', value: this.value(test) },
          { t: 'attr', name: 'variable', value: this.value(variable) },
          { t: 'attr', name: 'values', value: this.list(values) },
        ];
        conditions.push({ t: 'block', type: 'condition', labels: [], body });
      }
    }
    if (conditions.length > 0) m.set('condition', conditions);
    for (const [type, p] of [['principals', st.principal], ['not_principals', st.notPrincipal]] as const) {
      if (p === undefined) continue;
      const kinds = p === '*' ? [['*', ['*']] as const] : Object.entries(p);
      m.set(type, kinds.map(([kind, ids]) => ({ t: 'block', type, labels: [], body: [{ t: 'attr', name: 'type', value: this.value(kind) }, { t: 'attr', name: 'identifiers', value: this.list([...ids]) }] })));
    }
    return m;
  }

  /** The statement block's text at `indent`, first line unindented, in the way of statement `like` when given. */
  render(st: Statement, indent: string, eol: string, like: number | undefined): string {
    this.raw = [];
    const order = like === undefined ? this.read.order : this.read.orders[like]!;
    const items = this.items(st, order);
    const body = mergeOrder(order, DEFAULT_ORDER).flatMap((name) => items.get(name) ?? []);
    const lines = bodyLines([{ t: 'block', type: 'statement', labels: [], body }], indent, true);
    const text = lines.join(eol).slice(indent.length);
    return text.replace(/"\uE002(\d+)\uE003"/g, (_, i: string) => this.raw[Number(i)]!);
  }
}

/** How a data source block writes its statements. */
export function dataSourceLayout(text: string, block: HclBlock, read: DataSourceRead, refs: ReferenceTable, site: GrantSite): StatementLayout {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const renderer = new StatementRenderer(refs, read, site);
  const blockIndent = lineIndent(text, block.start);
  const indent = read.written.length > 0 ? lineIndent(text, read.written[0]!.start) : blockIndent + '  ';
  const item = (v: string) => dataSourceValue(v, refs, read.form, site);
  return {
    written: read.written,
    writer: { item, list: (vs) => `[${vs.map(item).join(', ')}]`, eol },
    render: (st, like) => renderer.render(st, like === undefined ? indent : lineIndent(text, read.written[like]!.start), eol, like),
    separator: eol + eol + indent,
    removable: /\s/,
    whole: (texts) => wholeBody(text, block, read, texts, { indent, blockIndent, eol }),
  };
}

/** Write statements into a block that has none, or remove all of them. */
function wholeBody(text: string, block: HclBlock, read: DataSourceRead, texts: string[], f: { indent: string; blockIndent: string; eol: string }): TextEdit[] {
  if (texts.length === 0) {
    return read.written.map((w, k) => {
      let from = w.commentStart;
      const floor = k === 0 ? block.open + 1 : read.written[k - 1]!.end;
      while (from > floor && /\s/.test(text[from - 1]!)) from--;
      return { start: from, end: w.end, text: '' };
    });
  }
  const others = block.items.length > 0;
  const at = others ? block.items[block.items.length - 1]!.end : block.open + 1;
  const joined = texts.map((t) => f.indent + t).join(f.eol + f.eol);
  const closeOnOwnLine = text.slice(at, block.close).includes('\n');
  if (!closeOnOwnLine) return [{ start: at, end: block.close, text: f.eol + (others ? f.eol : '') + joined + f.eol + f.blockIndent }];
  return [{ start: at, end: at, text: f.eol + (others ? f.eol : '') + joined }];
}
