/**
 * Reading CloudFormation intrinsics inside a policy into strings with reference tokens (`types.ts`), in short
 * form (`!GetAtt Orders.Arn`) or long form (`{"Fn::GetAtt": ["Orders", "Arn"]}`), the two being one tree shape
 * here (a tagged node, or a map with the one key `Ref` / `Fn::…`):
 * - `Ref X` → one token, key `Ref:X` (pseudo parameters too: `Ref:AWS::AccountId`);
 * - `GetAtt X.Attr` / `[X, Attr]` → key `GetAtt:X.Attr`;
 * - `Sub` → its text with a token per `${X}` (`Ref:X`), `${X.Attr}` (`GetAtt:X.Attr`) or variable of its map;
 *   `${!Literal}` is the literal text `${Literal}`;
 * - `Join [delimiter, [parts]]` → the parts joined, each part a literal or tokens;
 * - anything else (`If`, `Select`, `ImportValue`, `FindInMap`, …) → one opaque token whose key is the node's
 *   text with its layout collapsed: kept as written, compared as a symbol.
 * A dialect (serverless.yml) may claim `${…}` as its own variables, in plain strings and in `Sub` texts alike.
 */

import { closingBrace, type ReferenceCollector } from './references.js';
import type { TNode, TTree } from './tree.js';
import { longFormName } from './yaml-tags.js';

/** What reading a value needs: the text, the site's references, the dialect's variables, and how to fail. */
export interface ReadContext {
  tree: TTree;
  refs: ReferenceCollector;
  /** Whether `${inner}` is a variable of the file's own tool (serverless); its reference key is then `inner`. */
  dialectVariable?: (inner: string) => boolean;
  /** Throws an IacError `iac-unsupported` at the node. */
  unsupported: (message: string, node: TNode) => never;
  /** False for plain policy files, where `{"Ref": …}` is just a map (default true). */
  intrinsics?: boolean;
}

/** An intrinsic function call: its long-form name, its argument, and whether it was written in short form. */
export interface Intrinsic {
  name: string;
  arg: TNode;
  short: boolean;
}

/** The intrinsic a node is, if it is one. */
export function asIntrinsic(node: TNode): Intrinsic | undefined {
  if (node.tag !== undefined && node.tag.startsWith('!') && !node.tag.startsWith('!!')) {
    return { name: longFormName(node.tag), arg: { ...node, tag: undefined } as TNode, short: true };
  }
  if (node.kind === 'map' && node.tag === undefined && node.pairs.length === 1) {
    const key = node.pairs[0].key;
    if (key === 'Ref' || key.startsWith('Fn::')) return { name: key, arg: node.pairs[0].value, short: false };
  }
  return undefined;
}

/** The intrinsic a node is in this context (never one in a plain policy file). */
export function intrinsicIn(node: TNode, ctx: Pick<ReadContext, 'intrinsics'>): Intrinsic | undefined {
  return ctx.intrinsics === false ? undefined : asIntrinsic(node);
}

/**
 * A node as a plain value for the policy parser: strings carry tokens, intrinsics become strings, lists and maps
 * stay lists and maps, numbers and booleans stay as they are (the parser turns condition values into strings).
 */
export function toPlain(node: TNode, ctx: ReadContext): unknown {
  if (intrinsicIn(node, ctx)) return policyString(node, ctx);
  if (node.kind === 'scalar') return typeof node.value === 'string' ? dialectVariables(node.value, ctx) : node.value;
  if (node.kind === 'seq') return node.items.map((item) => toPlain(item, ctx));
  const out: Record<string, unknown> = {};
  for (const pair of node.pairs) out[pair.key] = toPlain(pair.value, ctx);
  return out;
}

/** A node that must be one string (a list item, a Join part, an attachment): its text with tokens. */
export function policyString(node: TNode, ctx: ReadContext): string {
  const fn = intrinsicIn(node, ctx);
  if (!fn) {
    if (node.kind === 'scalar' && node.value !== null) return typeof node.value === 'string' ? dialectVariables(node.value, ctx) : String(node.value);
    return ctx.unsupported('expected a string or an intrinsic function here', node);
  }
  switch (fn.name) {
    case 'Ref':
      return refString(node, fn.arg, ctx);
    case 'Fn::GetAtt':
      return getAttString(node, fn.arg, ctx);
    case 'Fn::Sub':
      return subString(node, fn.arg, ctx);
    case 'Fn::Join':
      return joinString(node, fn.arg, ctx);
    default:
      return opaque(node, ctx);
  }
}

/** The node's text as written, and the same with its layout collapsed (the key of an opaque reference). */
function writtenOf(node: TNode, ctx: Pick<ReadContext, 'tree'>): { written: string; key: string } {
  const written = ctx.tree.text.slice(node.start, node.end);
  return { written, key: written.replace(/\s*\n\s*/g, ' ').trim() };
}

function opaque(node: TNode, ctx: ReadContext): string {
  const { written, key } = writtenOf(node, ctx);
  return ctx.refs.token({ written, key }, node);
}

function refString(node: TNode, arg: TNode, ctx: ReadContext): string {
  if (arg.kind !== 'scalar' || typeof arg.value !== 'string') return opaque(node, ctx);
  return ctx.refs.token({ written: writtenOf(node, ctx).written, key: `Ref:${arg.value}` }, node);
}

function getAttString(node: TNode, arg: TNode, ctx: ReadContext): string {
  let resource: string | undefined;
  let attribute: string | undefined;
  if (arg.kind === 'scalar' && typeof arg.value === 'string' && arg.value.includes('.')) {
    const dot = arg.value.indexOf('.');
    resource = arg.value.slice(0, dot);
    attribute = arg.value.slice(dot + 1);
  } else if (arg.kind === 'seq' && arg.items.length === 2 && arg.items.every(isPlainString)) {
    [resource, attribute] = arg.items.map((i) => (i as { value: string }).value);
  }
  if (!resource || !attribute) return opaque(node, ctx);
  return ctx.refs.token({ written: writtenOf(node, ctx).written, key: `GetAtt:${resource}.${attribute}` }, node);
}

function isPlainString(node: TNode): boolean {
  return node.kind === 'scalar' && node.tag === undefined && typeof node.value === 'string';
}

function subString(node: TNode, arg: TNode, ctx: ReadContext): string {
  if (isPlainString(arg)) return subText(arg.kind === 'scalar' ? String(arg.value) : '', new Map(), ctx);
  if (arg.kind === 'seq' && arg.items.length === 2 && isPlainString(arg.items[0]) && arg.items[1].kind === 'map' && !asIntrinsic(arg.items[1])) {
    const vars = new Map(arg.items[1].pairs.map((p) => [p.key, p.value] as const));
    return subText(String((arg.items[0] as { value: string }).value), vars, ctx);
  }
  return opaque(node, ctx);
}

/** The text of a `Sub` with a token for each variable; `${!X}` is the literal `${X}`. */
function subText(template: string, vars: Map<string, TNode>, ctx: ReadContext): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('${', i);
    if (open < 0) break;
    const close = closingBrace(template, open);
    if (close < 0) break;
    out += template.slice(i, open);
    const inner = template.slice(open + 2, close);
    out += subVariable(inner, vars, ctx);
    i = close + 1;
  }
  return out + template.slice(i);
}

function subVariable(inner: string, vars: Map<string, TNode>, ctx: ReadContext): string {
  if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
  if (ctx.dialectVariable?.(inner)) return ctx.refs.token({ written: `\${${inner}}`, key: inner });
  const bound = vars.get(inner);
  if (bound) return policyString(bound, ctx);
  const written = `\${${inner}}`;
  // `${X.Attr}` is GetAtt unless X is a pseudo parameter (`AWS::…` has no dot before its attribute).
  const dot = inner.indexOf('.');
  if (dot > 0 && !inner.startsWith('AWS::')) return ctx.refs.token({ written, key: `GetAtt:${inner.slice(0, dot)}.${inner.slice(dot + 1)}` });
  return ctx.refs.token({ written, key: `Ref:${inner}` });
}

function joinString(node: TNode, arg: TNode, ctx: ReadContext): string {
  if (arg.kind !== 'seq' || arg.items.length !== 2) return opaque(node, ctx);
  const [delimiter, parts] = arg.items;
  if (!isPlainString(delimiter) || parts.kind !== 'seq' || asIntrinsic(parts)) return opaque(node, ctx);
  return parts.items.map((part) => policyString(part, ctx)).join(String((delimiter as { value: string }).value));
}

/** A plain string with the dialect's `${…}` variables as tokens (nothing changes without a dialect). */
function dialectVariables(value: string, ctx: ReadContext): string {
  if (!ctx.dialectVariable || !value.includes('${')) return value;
  let out = '';
  let i = 0;
  while (i < value.length) {
    const open = value.indexOf('${', i);
    if (open < 0) break;
    const close = closingBrace(value, open);
    if (close < 0) break;
    const inner = value.slice(open + 2, close);
    out += value.slice(i, open);
    out += ctx.dialectVariable(inner) ? ctx.refs.token({ written: `\${${inner}}`, key: inner }) : value.slice(open, close + 1);
    i = close + 1;
  }
  return out + value.slice(i);
}
