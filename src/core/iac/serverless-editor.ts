/**
 * The editor of serverless.yml (format `serverless`): the provider's statements (`provider.iam.role.statements`,
 * and the older `provider.iamRoleStatements`) and managed policies (`provider.iam.role.managedPolicies`, the
 * older `provider.iamManagedPolicies`); with `site.function`, that function's `iamRoleStatements`
 * (serverless-iam-roles-per-function; with `iamRoleStatementsInherit: true` the provider's statements are
 * reported as inherited).
 *
 * References are CloudFormation intrinsics (`cfn-intrinsics.ts`) and serverless variables. Which `${…}` is a
 * serverless variable follows serverless v3's own parser (lib/configuration/variables/parse.js): `${` followed
 * by a source type (a lowercase letter, then letters, digits or dots) and `:` (not `::`) or `(`, such as
 * `${self:custom.table}`, `${env:X}`, `${opt:stage}`, `${sls:stage}`, `${cf:stack.output}`, `${file(x.yml):k}`.
 * Anything else passes through to CloudFormation as text (`${AWS::Region}` in a `Sub`, `${Bucket}`,
 * `${cognito-identity.amazonaws.com:sub}`). The exception is the `aws:` namespace: serverless's `aws` source
 * has only `accountId` and `region`, and rejects `${aws:username}` instead of passing it on
 * (serverless/serverless#12045), so a file that deploys holds no such thing; where one is written, it is read
 * as the IAM policy variable its author meant, literal text. A variable's reference key is its text without
 * `${` and `}` (`self:custom.table`); variables are written back inline, and a string mixing them with
 * CloudFormation references becomes a `Sub` (serverless resolves its variables first).
 */

import { placeStatements } from './align.js';
import { parseTemplate } from './cfn-sites.js';
import type { Emitter } from './emit.js';
import { flushCreations, keepAndAdd, localEdit, usesShortForm, writeAttachmentList, type Creation } from './grant-write.js';
import { JsonEmitter } from './json-emit.js';
import { cfnStringWriter, type StringWriter } from './ref-writer.js';
import { policyString, type ReadContext } from './cfn-intrinsics.js';
import { checkWritten, iacError, readContext, withLayout } from './site-context.js';
import { readStatementList } from './statements.js';
import { statementStyle, statementValue, writeSlot, type StatementSlot, type StatementStyle } from './statement-write.js';
import { isNull, positionAt, valueAt, valueOf, type TMap, type TNode, type TTree } from './tree.js';
import type { GrantSite, IacEditor, SiteEdit, SiteGrants } from './types.js';
import { YamlEmitter } from './yaml-emit.js';

type ServerlessSite = Extract<GrantSite, { format: 'serverless' }>;

/** Whether `${inner}` is a serverless variable; see the module comment for the rule and its source. */
export function isServerlessVariable(inner: string): boolean {
  if (inner.startsWith('aws:')) return /^aws:(accountId|region)\s*(,|$)/.test(inner);
  return /^[a-z][a-zA-Z0-9.]*(:(?!:)|\()/.test(inner);
}

/** Where the site's grants live in the file. */
interface ServerlessModel {
  tree: TTree;
  ctx: ReadContext;
  grants: SiteGrants;
  /** The map the site's keys belong to: `provider` or `functions.NAME`. */
  owner: TMap;
  slots: Array<StatementSlot & { path: string[] }>;
  attachmentLists: Array<{ path: string[]; list: TNode; items: Array<{ node: TNode; value: string }> }>;
}

const PROVIDER_STATEMENTS = [['iam', 'role', 'statements'], ['iamRoleStatements']];
const PROVIDER_MANAGED = [['iam', 'role', 'managedPolicies'], ['iamManagedPolicies']];

function readModel(text: string, site: ServerlessSite): ServerlessModel {
  const tree = parseTemplate(text, site);
  const ctx = readContext(tree, site, { dialectVariable: isServerlessVariable });
  const provider = valueOf(tree.root, 'provider');
  const owner = site.function === undefined ? provider : functionMap(tree, site);
  if (owner?.kind !== 'map') {
    throw iacError('iac-site-not-found', site, text, (owner ?? tree.root).start, 'the file has no provider map; is it a serverless.yml?');
  }
  const role = valueAt(provider, ['iam', 'role']);
  if (site.function === undefined && role?.kind === 'scalar' && !isNull(role)) {
    throw iacError('iac-unsupported', site, text, role.start, 'provider.iam.role names an existing role: its policies are not written in this file');
  }
  const m: ServerlessModel = { tree, ctx, owner, slots: [], attachmentLists: [], grants: { site, statements: [], attachments: [], templates: [], references: [], position: positionAt(tree, owner.start) } };
  const statementPaths = site.function === undefined ? PROVIDER_STATEMENTS : [['iamRoleStatements']];
  for (const path of statementPaths) {
    const node = valueAt(owner, path);
    if (node === undefined) continue;
    const list = readStatementList(node, ctx, site.file);
    m.slots.push({ node, statements: list.statements, nodes: list.nodes, path });
  }
  if (site.function === undefined) readManaged(m, owner);
  else readInherited(m, provider, owner);
  m.grants.statements = m.slots.flatMap((s) => s.statements);
  m.grants.attachments = m.attachmentLists.flatMap((l) => l.items.map((i) => ({ policy: i.value })));
  if (m.slots[0]) m.grants.position = positionAt(tree, m.slots[0].node.start);
  m.grants.references = ctx.refs.table;
  return m;
}

function functionMap(tree: TTree, site: ServerlessSite & { function?: string }): TNode {
  const functions = valueOf(tree.root, 'functions');
  const fn = valueOf(functions, site.function!);
  if (fn?.kind === 'map') return fn;
  const names = functions?.kind === 'map' ? functions.pairs.map((p) => p.key).join(', ') : '';
  const at = fn ?? functions ?? tree.root;
  throw iacError('iac-site-not-found', site, tree.text, at.start, `no function ${site.function}; functions here: ${names || 'none'}`);
}

function readManaged(m: ServerlessModel, provider: TMap): void {
  for (const path of PROVIDER_MANAGED) {
    const list = valueAt(provider, path);
    if (list === undefined) continue;
    const nodes = isNull(list) ? [] : list.kind === 'seq' && list.tag === undefined ? list.items : [list];
    m.attachmentLists.push({ path, list, items: nodes.map((node) => ({ node, value: policyString(node, m.ctx) })) });
  }
}

function readInherited(m: ServerlessModel, provider: TNode | undefined, fn: TMap): void {
  if (valueOf(fn, 'iamRoleStatementsInherit')?.kind !== 'scalar' || (valueOf(fn, 'iamRoleStatementsInherit') as { value: unknown }).value !== true) return;
  for (const path of PROVIDER_STATEMENTS) {
    const node = valueAt(provider, path);
    if (node === undefined) continue;
    const list = readStatementList(node, m.ctx, m.grants.site.file);
    const inherited = { from: `provider.${path.join('.')}`, position: positionAt(m.tree, node.start), statements: list.statements, attachments: [], templates: [] };
    (m.grants.inherited ??= []).push(inherited);
  }
}

function write(text: string, site: ServerlessSite, edit: SiteEdit): string {
  const m = readModel(text, site);
  const local = localEdit(edit, m.ctx.refs);
  if (local.templates.length > 0) throw iacError('iac-unsupported', site, text, m.owner.start, 'serverless.yml has no SAM policy templates');
  if (site.function !== undefined && local.attachments.length > 0) {
    throw iacError('iac-unsupported', site, text, m.owner.start, 'a function of serverless-iam-roles-per-function cannot attach managed policies; attach them at the provider');
  }
  const emitter: Emitter = m.tree.syntax === 'yaml' ? new YamlEmitter(m.tree) : new JsonEmitter(m.tree);
  const writer = cfnStringWriter({ tree: m.tree, refs: m.ctx.refs, shortForm: usesShortForm(m.tree), dialectVariable: isServerlessVariable });
  const style = statementStyle(m.tree, m.slots.flatMap((s) => s.nodes), writer);
  const creations: Creation[] = [];
  writeStatements(m, local.statements, emitter, style, creations, site);
  writeManaged(m, local.attachments, emitter, writer, creations);
  flushCreations(emitter, m.owner, creations, m.ctx.unsupported);
  const written = emitter.result();
  checkWritten((t) => readModel(t, site).grants, written, edit, site);
  return written;
}

function writeStatements(m: ServerlessModel, statements: SiteEdit['statements'], emitter: Emitter, style: StatementStyle, creations: Creation[], site: ServerlessSite): void {
  const placed = placeStatements(m.slots.map((s) => s.statements), statements);
  if (m.slots.length === 0) {
    if (statements.length === 0) return;
    const path = site.function === undefined ? PROVIDER_STATEMENTS[0] : ['iamRoleStatements'];
    creations.push({ path, value: { kind: 'list', items: placed[0].map((p) => statementValue(p.statement, style)) } });
    return;
  }
  m.slots.forEach((slot, i) => writeSlot(emitter, slot, placed[i], style));
}

/** Managed policies: kept where they are; new ones go to the first list there is (or a new `iam.role.managedPolicies`). */
function writeManaged(m: ServerlessModel, wanted: string[], emitter: Emitter, writer: StringWriter, creations: Creation[]): void {
  let remaining = [...wanted];
  const keptPerList = m.attachmentLists.map((l) => {
    const values = l.items.map((x) => x.value);
    const { kept } = keepAndAdd(values, remaining, (v) => v);
    const keptValues = values.filter((_v, i) => kept.has(i));
    for (const v of keptValues) remaining.splice(remaining.indexOf(v), 1);
    return keptValues;
  });
  if (m.attachmentLists.length === 0) {
    if (remaining.length > 0) creations.push({ path: PROVIDER_MANAGED[0], value: { kind: 'list', items: remaining.map((v) => writer(v)) } });
    return;
  }
  keptPerList[0].push(...remaining);
  m.attachmentLists.forEach((l, i) => {
    const parent = valueAt(m.owner, l.path.slice(0, -1)) as TMap;
    writeAttachmentList(emitter, { list: l.list, items: l.items, parent, key: l.path[l.path.length - 1] }, keptPerList[i], writer, m.ctx.unsupported);
  });
}

function asServerlessSite(site: GrantSite): ServerlessSite {
  if (site.format !== 'serverless') throw new TypeError(`the serverless editor was given a ${site.format} site`);
  return site;
}

/** Reads and edits the IAM statements and managed policies of serverless.yml. */
export const serverlessEditor: IacEditor = {
  format: 'serverless',
  read: (text, site) => readModel(text, asServerlessSite(site)).grants,
  write: (text, site, edit) => withLayout(site, text, () => write(text, asServerlessSite(site), edit)),
};
