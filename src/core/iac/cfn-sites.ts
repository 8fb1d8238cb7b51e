/**
 * Finding and reading a CloudFormation or SAM site in a template (YAML or JSON): the resource, where its
 * statements, attachments and SAM policy templates are written, and what each holds.
 * - `AWS::IAM::Policy` / `AWS::IAM::ManagedPolicy`: `Properties.PolicyDocument`;
 * - `AWS::IAM::Role`: `Properties.Policies[*]` (the entry named `site.policy`, or all) and `ManagedPolicyArns`;
 * - `AWS::Serverless::Function`: `Properties.Policies`, one value or a list mixing managed policy names/ARNs,
 *   SAM policy templates and inline documents; `Globals.Function.Policies` is reported as inherited (SAM does
 *   not list `Policies` among the properties Globals may set, so a template holding it may not deploy; it is
 *   read, never written).
 */

import { asIntrinsic, policyString, type ReadContext } from './cfn-intrinsics.js';
import { parseJsonTree } from './json-tree.js';
import { iacError, readContext, treeFailure } from './site-context.js';
import { readStatementList } from './statements.js';
import type { StatementSlot } from './statement-write.js';
import { isNull, pairOf, positionAt, stringValue, valueAt, valueOf, type TMap, type TNode, type TTree } from './tree.js';
import type { GrantSite, InheritedGrants, SamTemplateUse, SiteGrants } from './types.js';
import { parseYamlTree } from './yaml-tree.js';

/** A site of format `cloudformation` or `sam`. */
export type CfnSite = Extract<GrantSite, { format: 'cloudformation' | 'sam' }>;

/** One entry of a grant list (a role's `Policies`, `ManagedPolicyArns`, a SAM function's `Policies`). */
export type GrantItem =
  | { kind: 'doc'; node: TNode; slot: StatementSlot }
  | { kind: 'attachment'; node: TNode; value: string }
  | { kind: 'template'; node: TNode; use: SamTemplateUse };

/** A site as found in the template: where each kind of grant is written. */
export interface CfnModel {
  tree: TTree;
  ctx: ReadContext;
  grants: SiteGrants;
  properties: TMap;
  /** The list that holds inline documents (role `Policies`, SAM `Policies`), or its single value, when present. */
  docList?: TNode;
  docItems: GrantItem[];
  /** Role `ManagedPolicyArns` (SAM keeps attachments in `docList`). */
  attachmentList?: TNode;
  attachmentItems: GrantItem[];
  /** An `AWS::IAM::Policy`-like resource: one document, its statements in `slot`. */
  document?: StatementSlot;
}

const ROLE = 'AWS::IAM::Role';
const POLICY_TYPES = ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'];
const FUNCTION = 'AWS::Serverless::Function';

/** Parse a template: JSON when it starts with `{`, YAML otherwise. */
export function parseTemplate(text: string, site: GrantSite): TTree {
  const fail = treeFailure(site, text);
  return text.replace(/^\uFEFF/, '').trimStart().startsWith('{') ? parseJsonTree(text, fail) : parseYamlTree(text, fail);
}

/** Find the site and read what it grants. */
export function readCfnModel(text: string, site: CfnSite): CfnModel {
  const tree = parseTemplate(text, site);
  const ctx = readContext(tree, site);
  const resource = findResource(tree, site);
  const properties = valueOf(resource, 'Properties');
  if (properties?.kind !== 'map' || asIntrinsic(properties)) {
    throw iacError('iac-unsupported', site, text, (properties ?? resource).start, `resource ${resourceName(site)} has no Properties map to edit`);
  }
  const type = stringValue(valueOf(resource, 'Type'));
  const model: CfnModel = { tree, ctx, properties, docItems: [], attachmentItems: [], grants: emptyGrants(site, tree, properties) };
  if (type === FUNCTION) readSamFunction(model, site);
  else if (type === ROLE) readRole(model, site);
  else readPolicyResource(model, site);
  model.grants.references = ctx.refs.table;
  return model;
}

function emptyGrants(site: GrantSite, tree: TTree, at: TNode): SiteGrants {
  return { site, statements: [], attachments: [], templates: [], references: [], position: positionAt(tree, at.start) };
}

function resourceName(site: CfnSite): string {
  return site.format === 'sam' ? site.function : site.resource;
}

function findResource(tree: TTree, site: CfnSite): TMap {
  const resources = valueOf(tree.root, 'Resources');
  if (resources?.kind !== 'map') {
    throw iacError('iac-site-not-found', site, tree.text, tree.root.start, 'the file has no Resources map; is it a CloudFormation or SAM template?');
  }
  const types = site.format === 'sam' ? [FUNCTION] : [ROLE, ...POLICY_TYPES];
  const name = resourceName(site);
  const found = pairOf(resources, name);
  const type = stringValue(valueOf(found?.value, 'Type'));
  if (found?.value.kind === 'map' && type !== undefined && types.includes(type)) return found.value;
  const here = types
    .map((t) => [t, resources.pairs.filter((p) => stringValue(valueOf(p.value, 'Type')) === t).map((p) => p.key)] as const)
    .filter(([, names]) => names.length > 0)
    .map(([t, names]) => `of type ${t} here: ${names.join(', ')}`);
  const what = found ? `resource ${name} is ${type ?? 'of no Type'}, not ${types.join(' or ')}` : `no resource ${name}`;
  const position = found ? found.keyStart : resources.start;
  throw iacError('iac-site-not-found', site, tree.text, position, `${what}; ${here.length > 0 ? `resources ${here.join('; ')}` : `no resources of type ${types.join(' or ')} in the file`}`);
}

function readPolicyResource(model: CfnModel, site: CfnSite): void {
  const doc = valueOf(model.properties, 'PolicyDocument');
  if (doc?.kind !== 'map' || asIntrinsic(doc)) {
    throw iacError('iac-unsupported', site, model.tree.text, (doc ?? model.properties).start, `${resourceName(site)} has no PolicyDocument map (a PolicyDocument written as a string or an intrinsic cannot be edited)`);
  }
  const slot = documentSlot(doc, model.ctx, site, model.tree);
  model.document = slot;
  model.grants.statements = slot.statements;
  model.grants.position = positionAt(model.tree, doc.start);
}

/** The statements of a policy document map. */
function documentSlot(doc: TNode, ctx: ReadContext, site: GrantSite, tree: TTree, removable = false): StatementSlot {
  const statement = pairOf(doc, 'Statement');
  if (!statement) throw iacError('iac-unsupported', site, tree.text, doc.start, 'a policy document without a Statement');
  const list = readStatementList(statement.value, ctx, site.file);
  return { node: statement.value, statements: list.statements, nodes: list.nodes, removable };
}

function readRole(model: CfnModel, site: CfnSite): void {
  const { tree, ctx, properties } = model;
  const named = site.format === 'cloudformation' ? site.policy : undefined;
  const policies = valueOf(properties, 'Policies');
  if (policies && !isNull(policies)) {
    if (policies.kind !== 'seq' || asIntrinsic(policies)) throw iacError('iac-unsupported', site, tree.text, policies.start, 'Policies is computed (an intrinsic function); edit it by hand');
    model.docList = policies;
    const entries = policies.items.filter((item) => named === undefined || policyName(item, ctx) === named);
    if (named !== undefined && entries.length === 0) {
      const names = policies.items.map((item) => policyName(item, ctx)).join(', ');
      throw iacError('iac-site-not-found', site, tree.text, policies.start, `role ${resourceName(site)} has no Policies entry named ${named}; its policies: ${names || 'none'}`);
    }
    for (const item of entries) {
      const doc = valueOf(item, 'PolicyDocument');
      if (doc?.kind !== 'map' || asIntrinsic(doc)) throw iacError('iac-unsupported', site, tree.text, item.start, 'a Policies entry without a PolicyDocument map');
      model.docItems.push({ kind: 'doc', node: item, slot: documentSlot(doc, ctx, site, tree, named === undefined) });
    }
    model.grants.position = positionAt(tree, (entries[0] ?? policies).start);
  } else if (named !== undefined) {
    throw iacError('iac-site-not-found', site, tree.text, properties.start, `role ${resourceName(site)} has no Policies; no entry named ${named}`);
  }
  model.grants.statements = model.docItems.flatMap((d) => (d.kind === 'doc' ? d.slot.statements : []));
  const managed = valueOf(properties, 'ManagedPolicyArns');
  model.attachmentList = managed;
  if (managed && !isNull(managed)) {
    const items = managed.kind === 'seq' && !asIntrinsic(managed) ? managed.items : [managed];
    model.attachmentItems = items.map((node) => ({ kind: 'attachment', node, value: policyString(node, ctx) }));
    model.grants.attachments = model.attachmentItems.map((a) => ({ policy: (a as { value: string }).value }));
  }
}

function policyName(item: TNode, ctx: ReadContext): string {
  const name = valueOf(item, 'PolicyName');
  if (!name) return '(unnamed)';
  return stringValue(name) ?? ctx.tree.text.slice(name.start, name.end);
}

function readSamFunction(model: CfnModel, site: CfnSite): void {
  const { tree, ctx, properties } = model;
  const policies = valueOf(properties, 'Policies');
  if (policies && !isNull(policies)) {
    model.docList = policies;
    model.docItems = samItems(policies, ctx, site, tree);
    model.grants.position = positionAt(tree, policies.start);
    Object.assign(model.grants, grantsOf(model.docItems));
  }
  const globals = valueAt(tree.root, ['Globals', 'Function', 'Policies']);
  if (globals && !isNull(globals)) {
    const inherited: InheritedGrants = { from: 'Globals.Function.Policies', position: positionAt(tree, globals.start), ...grantsOf(samItems(globals, ctx, site, tree)) };
    model.grants.inherited = [inherited];
  }
}

/** The grants of a list of items, by kind. */
function grantsOf(items: readonly GrantItem[]): Pick<SiteGrants, 'statements' | 'attachments' | 'templates'> {
  return {
    statements: items.flatMap((i) => (i.kind === 'doc' ? i.slot.statements : [])),
    attachments: items.flatMap((i) => (i.kind === 'attachment' ? [{ policy: i.value }] : [])),
    templates: items.flatMap((i) => (i.kind === 'template' ? [i.use] : [])),
  };
}

function samItems(policies: TNode, ctx: ReadContext, site: CfnSite, tree: TTree): GrantItem[] {
  if (policies.kind === 'seq' && !asIntrinsic(policies)) return policies.items.map((item) => samItem(item, ctx, site, tree));
  if (policies.kind === 'seq' || (policies.kind === 'map' && asIntrinsic(policies) && !['Ref', 'Fn::Sub', 'Fn::GetAtt', 'Fn::Join'].includes(asIntrinsic(policies)!.name))) {
    throw iacError('iac-unsupported', site, tree.text, policies.start, `Policies is computed (${policies.tag ?? 'an intrinsic function'}); edit it by hand`);
  }
  return [samItem(policies, ctx, site, tree)];
}

function samItem(node: TNode, ctx: ReadContext, site: CfnSite, tree: TTree): GrantItem {
  if (node.kind === 'scalar' || asIntrinsic(node)) return { kind: 'attachment', node, value: policyString(node, ctx) };
  if (node.kind === 'map' && pairOf(node, 'Statement')) return { kind: 'doc', node, slot: documentSlot(node, ctx, site, tree, true) };
  if (node.kind === 'map' && node.pairs.length === 1) {
    const [pair] = node.pairs;
    const params = pair.value;
    if (isNull(params) || (params.kind === 'map' && !asIntrinsic(params))) {
      const parameters: Record<string, string> = {};
      for (const p of params.kind === 'map' ? params.pairs : []) parameters[p.key] = policyString(p.value, ctx);
      return { kind: 'template', node, use: { template: pair.key, parameters } };
    }
  }
  return ctx.unsupported('a Policies entry that is neither a managed policy, a SAM policy template nor a policy document', node);
}
