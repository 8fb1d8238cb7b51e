/**
 * Writing the grants that are not statements, shared by the CloudFormation, SAM and serverless editors: the
 * managed-policy attachments and SAM policy templates an edit keeps stay as written, the ones it drops are
 * removed from their list, new ones are appended; and an edit's tokens are re-spelled in the site's own table.
 */

import type { Statement } from '../policy/types.js';
import type { Emitter, ListEntry, NewValue } from './emit.js';
import { retoken, type ReferenceCollector } from './references.js';
import type { StringWriter } from './ref-writer.js';
import { CFN_SHORT_TAGS } from './yaml-tags.js';
import { isNull, type QuoteStyle, type TMap, type TNode, type TTree } from './tree.js';
import type { SamTemplateUse, SiteEdit } from './types.js';

/** An edit whose tokens index the site's own reference table. */
export interface LocalEdit {
  statements: Statement[];
  attachments: string[];
  templates: SamTemplateUse[];
}

/** Re-spell an edit's tokens (indexes into `edit.references`) as tokens of the site's collector, by key. */
export function localEdit(edit: SiteEdit, refs: ReferenceCollector): LocalEdit {
  const re = (v: string) => retoken(v, edit.references, refs);
  const list = (v: string[] | undefined) => v?.map(re);
  const block = <T extends Record<string, unknown>>(b: T | undefined): T | undefined =>
    b === undefined ? undefined : (Object.fromEntries(Object.entries(b).map(([k, v]) => [k, Array.isArray(v) ? v.map(re) : typeof v === 'string' ? re(v) : block(v as Record<string, unknown>)])) as T);
  const statements = edit.statements.map((s): Statement => {
    const out: Statement = { ...s, action: list(s.action), notAction: list(s.notAction), resource: list(s.resource), notResource: list(s.notResource) };
    out.condition = block(s.condition);
    if (s.principal !== undefined) out.principal = s.principal === '*' ? '*' : block(s.principal);
    if (s.notPrincipal !== undefined) out.notPrincipal = s.notPrincipal === '*' ? '*' : block(s.notPrincipal);
    for (const key of Object.keys(out) as Array<keyof Statement>) if (out[key] === undefined) delete out[key];
    return out;
  });
  const templates = edit.templates.map((t) => ({ template: t.template, parameters: Object.fromEntries(Object.entries(t.parameters).map(([k, v]) => [k, re(v)])) }));
  return { statements, attachments: edit.attachments.map((a) => re(a.policy)), templates };
}

/** Whether a YAML template writes intrinsics in short form (`!Ref`); JSON templates never do. */
export function usesShortForm(tree: TTree): boolean {
  if (tree.syntax === 'json') return false;
  const short = new RegExp(`(^|[\\s[{,:-])!(${CFN_SHORT_TAGS.join('|')})\\b`, 'm');
  if (short.test(tree.text)) return true;
  return !/(\bFn::[A-Za-z]+\s*:|(^|[\s{,-])Ref\s*:)/m.test(tree.text);
}

/** A comparable spelling of a SAM template use. */
export function templateKey(use: SamTemplateUse): string {
  return JSON.stringify([use.template, Object.entries(use.parameters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
}

/** A SAM template use as a value: `DynamoDBCrudPolicy: {TableName: !Ref T}` (`{}` without parameters). */
export function templateValue(use: SamTemplateUse, writer: StringWriter, quote?: QuoteStyle): NewValue {
  const params = Object.entries(use.parameters).map(([k, v]): [string, NewValue] => [k, writer(v, quote)]);
  return { kind: 'map', entries: [[use.template, { kind: 'map', entries: params, flow: params.length === 0 }]] };
}

/**
 * Which of `old` the edit keeps (each wanted value consumes one equal old one) and what it adds, in order:
 * kept items first, as they stand, then the new values.
 */
export function keepAndAdd<T>(old: readonly T[], wanted: readonly T[], key: (v: T) => string): { kept: Set<number>; added: T[] } {
  const remaining = wanted.map((w) => ({ w, k: key(w), used: false }));
  const kept = new Set<number>();
  old.forEach((o, i) => {
    const match = remaining.find((r) => !r.used && r.k === key(o));
    if (match) {
      match.used = true;
      kept.add(i);
    }
  });
  return { kept, added: remaining.filter((r) => !r.used).map((r) => r.w) };
}

/** The quoting of the first plain string among nodes. */
export function quoteOfFirst(nodes: readonly TNode[]): QuoteStyle | undefined {
  const first = nodes.find((n) => n.kind === 'scalar' && n.tag === undefined && typeof n.value === 'string');
  return first?.kind === 'scalar' ? first.quote : undefined;
}

/**
 * Write a list of attachments (`ManagedPolicyArns`, `managedPolicies`): kept ones untouched, dropped ones
 * removed, new ones appended; the list is added to `parent` as `key` when it does not exist yet.
 */
export function writeAttachmentList(
  emitter: Emitter,
  target: { list?: TNode; items: ReadonlyArray<{ node: TNode; value: string }>; parent: TMap; key: string },
  wanted: readonly string[],
  writer: StringWriter,
  unsupported: (message: string, node: TNode) => never,
): void {
  const { kept, added } = keepAndAdd(target.items.map((i) => i.value), wanted, (v) => v);
  if (kept.size === target.items.length && added.length === 0) return;
  const quote = quoteOfFirst(target.items.map((i) => i.node));
  const news = added.map((v) => writer(v, quote));
  if (!target.list || isNull(target.list)) {
    if (target.list) emitter.replace(target.list, { kind: 'list', items: news });
    else emitter.addPair(target.parent, target.key, { kind: 'list', items: news });
    return;
  }
  if (target.list.kind !== 'seq' || target.list.tag !== undefined) return unsupported(`${target.key} is computed; change its managed policies by hand`, target.list);
  const entries: ListEntry[] = [...[...kept].map((keep) => ({ keep })), ...news.map((insert) => ({ insert }))];
  emitter.editList(target.list, entries);
}

/** A value to add at a path (below a site's map) whose last keys do not exist yet. */
export interface Creation {
  path: string[];
  value: NewValue;
}

/**
 * Add values at paths that do not exist yet, creating the maps on the way (`iam:` → `role:` → `statements:`).
 * Creations under the same missing key are merged into one, so two of them never add the same key twice.
 */
export function flushCreations(emitter: Emitter, owner: TMap, creations: readonly Creation[], unsupported: (message: string, node: TNode) => never): void {
  const groups = new Map<TNode, Map<string, Array<[string[], NewValue]>>>();
  for (const { path, value } of creations) {
    let node: TNode = owner;
    let depth = 0;
    while (depth < path.length) {
      const next: TNode | undefined = node.kind === 'map' ? node.pairs.find((p) => p.key === path[depth])?.value : undefined;
      if (next === undefined || isNull(next)) break;
      if (next.kind !== 'map' && depth < path.length - 1) return unsupported(`${path.slice(0, depth + 1).join('.')} is not a map`, next);
      node = next;
      depth++;
    }
    const existingNull = node.kind === 'map' ? node.pairs.find((p) => p.key === path[depth])?.value : undefined;
    const anchor = existingNull ?? node;
    const byKey = groups.get(anchor) ?? new Map<string, Array<[string[], NewValue]>>();
    groups.set(anchor, byKey);
    const rest = existingNull ? path.slice(depth + 1) : path.slice(depth);
    const first = existingNull ? '' : rest[0];
    byKey.set(first, [...(byKey.get(first) ?? []), [existingNull ? rest : rest.slice(1), value]]);
  }
  for (const [anchor, byKey] of groups) {
    for (const [key, parts] of byKey) {
      const value = nested(parts);
      if (key === '') emitter.replace(anchor, value);
      else emitter.addPair(anchor as TMap, key, value);
    }
  }
}

/** Nested maps holding each value at its path (an empty path is the value itself). */
function nested(parts: ReadonlyArray<[string[], NewValue]>): NewValue {
  const whole = parts.find(([path]) => path.length === 0);
  if (whole) return whole[1];
  const keys = [...new Set(parts.map(([path]) => path[0]))];
  return { kind: 'map', entries: keys.map((k) => [k, nested(parts.filter(([p]) => p[0] === k).map(([p, v]) => [p.slice(1), v]))]) };
}
