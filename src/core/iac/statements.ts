/**
 * Reading a site's `Statement` value into the policy model with the policy parser (`policy/parse.ts`), after the
 * intrinsics and variables in it became strings with reference tokens (`cfn-intrinsics.ts`).
 */

import { describeLocation, PolicyError } from '../policy/errors.js';
import { parsePolicyDocument } from '../policy/parse.js';
import type { Statement } from '../policy/types.js';
import { intrinsicIn, toPlain, type ReadContext } from './cfn-intrinsics.js';
import { isNull, type TMap, type TNode } from './tree.js';
import { REFERENCE_TOKEN } from './types.js';

/** A `Statement` value as read: its statements and the map node each came from. */
export interface StatementList {
  statements: Statement[];
  nodes: TMap[];
  /** `Statement` was one map rather than a list. */
  single: boolean;
}

/**
 * The parser accepts a resource only when it is `*`, an ARN or starts with a policy variable; a resource that is
 * a reference (`!GetAtt Orders.Arn`) is a token. It is given this prefix for the parse and loses it after.
 */
const RESOURCE_GUARD = '${\uE002}';
const TOKEN_OPEN = '\uE000';

/** The statements of a `Statement` value: a list of maps or one map. Unsupported shapes fail at their line. */
export function readStatementList(node: TNode | undefined, ctx: ReadContext, documentName: string): StatementList {
  if (node === undefined || isNull(node)) return { statements: [], nodes: [], single: false };
  if (intrinsicIn(node, ctx)) return ctx.unsupported(`the statement list is computed (${node.tag ?? 'an intrinsic function'}); edit it by hand or write the statements out`, node);
  if (node.kind === 'map') return { statements: [readStatement(node, ctx, documentName, 0)], nodes: [node], single: true };
  if (node.kind !== 'seq') return ctx.unsupported('Statement must be a list of statements or one statement', node);
  const nodes = node.items.map((item) => {
    if (item.kind !== 'map' || intrinsicIn(item, ctx)) return ctx.unsupported(`a statement must be a map of Effect, Action, Resource…${item.tag ? `, not ${item.tag}` : ''}`, item);
    return item;
  });
  return { statements: nodes.map((n, i) => readStatement(n, ctx, documentName, i)), nodes, single: false };
}

function readStatement(node: TMap, ctx: ReadContext, documentName: string, index: number): Statement {
  const plain = toPlain(node, ctx) as Record<string, unknown>;
  for (const key of ['Resource', 'NotResource']) plain[key] = guard(plain[key]);
  try {
    const statement = parsePolicyDocument({ Statement: [plain] }, documentName).statements[0];
    if (statement.resource) statement.resource = statement.resource.map(unguard);
    if (statement.notResource) statement.notResource = statement.notResource.map(unguard);
    return statement;
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    const prefix = `${describeLocation(e.location)}: `;
    const problem = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
    return ctx.unsupported(`statement ${index + 1}: ${showWritten(problem, ctx)}`, node);
  }
}

/** A message with each reference token shown as the reference was written. */
function showWritten(message: string, ctx: ReadContext): string {
  return message.replace(REFERENCE_TOKEN, (_m, i: string) => ctx.refs.table[Number(i)]?.written ?? '?').replace(RESOURCE_GUARD, '');
}

function guard(value: unknown): unknown {
  if (typeof value === 'string') return value.startsWith(TOKEN_OPEN) ? RESOURCE_GUARD + value : value;
  if (Array.isArray(value)) return value.map(guard);
  return value;
}

function unguard(value: string): string {
  return value.startsWith(RESOURCE_GUARD) ? value.slice(RESOURCE_GUARD.length) : value;
}
