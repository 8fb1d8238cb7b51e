/**
 * What the role's sites grant, as the planner reasons about it (issue 10 §1, "what is granted is the union of
 * all of them"): each site's statements, the managed policies attached there (by the attachment resolved to an
 * ARN; a SAM managed-policy name is an AWS-managed policy), the SAM policy templates expanded from their
 * published definitions, and what the site inherits from elsewhere in its file. The same reading serves the
 * files before (`granted`) and after the edits (`trimmed`), so both sides of the proof are built alike.
 */

import type { PolicyDocument, Statement } from '../policy/types.js';
import { IacError } from './errors.js';
import { hasToken, statementStrings, symbolicStatement } from './plan-resolve.js';
import { resolveTokens } from './resolve.js';
import type { PlanInput, UnresolvedReference } from './plan-types.js';
import { expandSamTemplate } from './sam-templates.js';
import type { GrantSite, IacReference, ManagedAttachment, SamTemplateUse, SiteGrants, TextPosition } from './types.js';

/** One site as read from a text. */
export interface SiteRead {
  site: GrantSite;
  /** The text of the site's file, as read. */
  text: string;
  grants: SiteGrants;
  /** `FILE#SITE`: the name of the site's document and how notes name it. */
  label: string;
}

/** A managed-policy attachment and what the plan knows of it. */
export interface AttachmentInfo {
  attachment: ManagedAttachment;
  /** The attachment resolved (unresolved references left as tokens). */
  resolved: string;
  unresolved: IacReference[];
  /** The ARN it names, when it resolves to one (a SAM name becomes an AWS-managed policy's ARN). */
  arn?: string;
  /** Its document, from PlanInput.managedPolicies. */
  document?: PolicyDocument;
  /** The label of another site of the role that defines this very policy (it is trimmed there). */
  ownSite?: string;
}

/** A SAM policy template use and its expansion (statements in tokens of the view's table), or why there is none. */
export interface TemplateInfo {
  use: SamTemplateUse;
  statements?: Statement[];
  problem?: string;
}

/** A site with its attachments and templates looked up; `table` extends the site's with the templates' references. */
export interface SiteView extends SiteRead {
  table: IacReference[];
  attachments: AttachmentInfo[];
  templates: TemplateInfo[];
  inherited: Array<{ from: string; position: TextPosition; statements: Statement[]; attachments: AttachmentInfo[]; templates: TemplateInfo[] }>;
}

/** `FILE#SITE` for a site (`FILE` alone for a whole JSON file). */
export function siteLabel(site: GrantSite): string {
  switch (site.format) {
    case 'json':
      return site.pointer ? `${site.file}#${site.pointer}` : site.file;
    case 'terraform':
      return `${site.file}#${site.address}`;
    case 'cloudformation':
      return `${site.file}#${site.resource}${site.policy === undefined ? '' : `/${site.policy}`}`;
    case 'sam':
      return `${site.file}#${site.function}`;
    case 'serverless':
      return `${site.file}#${site.function === undefined ? 'provider' : `functions.${site.function}`}`;
  }
}

/** Look up a site's attachments and expand its templates (see SiteView). */
export function viewSite(read: SiteRead, all: readonly SiteRead[], input: PlanInput): SiteView {
  const table = [...read.grants.references];
  const expand = (uses: readonly SamTemplateUse[], position: TextPosition) => uses.map((use) => expandTemplate(use, table, read.site, position, input));
  const info = (attachments: readonly ManagedAttachment[]) => attachments.map((a) => attachmentInfo(a, read, all, input));
  const templates = expand(read.grants.templates, read.grants.position);
  const inherited = (read.grants.inherited ?? []).map((i) => ({ from: i.from, position: i.position, statements: i.statements, attachments: info(i.attachments), templates: expand(i.templates, i.position) }));
  return { ...read, table, attachments: info(read.grants.attachments), templates, inherited };
}

/**
 * Expand one template use, extending `table` in place (each expansion keeps the table it was given as a prefix,
 * so the tokens of earlier expansions stay valid). An unknown template or a missing parameter is not fatal: the
 * template is kept as written and the problem reported.
 */
function expandTemplate(use: SamTemplateUse, table: IacReference[], site: GrantSite, position: TextPosition, input: PlanInput): TemplateInfo {
  if (!input.samTemplates) return { use, problem: 'the SAM policy template definitions were not given to the planner' };
  try {
    const expansion = expandSamTemplate(use, table, input.samTemplates, { site, position });
    table.push(...expansion.references.slice(table.length));
    return { use, statements: expansion.statements };
  } catch (e) {
    if (e instanceof IacError) return { use, problem: e.message };
    throw e;
  }
}

const AWS_MANAGED = /^arn:[^:]+:iam::aws:policy\//;

function attachmentInfo(attachment: ManagedAttachment, read: SiteRead, all: readonly SiteRead[], input: PlanInput): AttachmentInfo {
  const { text, unresolved } = resolveTokens(attachment.policy, read.grants.references, input.values);
  const info: AttachmentInfo = { attachment, resolved: text, unresolved };
  const ownSite = definingSite(attachment.policy, read, all);
  if (ownSite) return { ...info, ownSite };
  if (hasToken(text)) return info;
  const arn = text.startsWith('arn:') ? text : read.site.format === 'sam' ? awsManagedArn(text, input) : undefined;
  return { ...info, arn, document: arn === undefined ? undefined : input.managedPolicies.get(arn) };
}

/**
 * A SAM managed-policy name is an AWS-managed policy (`AmazonS3ReadOnlyAccess` →
 * `arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess`); SAM knows the paths of some (`service-role/…`), so a given
 * document under a path with that name is taken when there is no document at the root.
 */
function awsManagedArn(name: string, input: PlanInput): string {
  const root = `arn:aws:iam::aws:policy/${name}`;
  if (input.managedPolicies.has(root)) return root;
  const withPath = [...input.managedPolicies.keys()].find((arn) => AWS_MANAGED.test(arn) && arn.endsWith(`/${name}`));
  return withPath ?? root;
}

/**
 * The site of the role that defines the attached policy itself, when the attachment is exactly a reference to it:
 * Terraform `aws_iam_policy.NAME.arn` (a site `aws_iam_policy.NAME` in the same directory), CloudFormation
 * `!Ref NAME` (a site `NAME` in the same template). Its statements are trimmed there, not replaced here.
 */
function definingSite(policy: string, read: SiteRead, all: readonly SiteRead[]): string | undefined {
  const m = /^\uE000(\d+)\uE001$/.exec(policy);
  const key = m ? read.grants.references[Number(m[1])]?.key : undefined;
  if (key === undefined) return undefined;
  const tf = /^(aws_iam_policy\.[^.]+)\.(arn|id)$/.exec(key);
  const cfn = /^Ref:([^:]+)$/.exec(key);
  const found = all.find(({ site }) => {
    if (tf && site.format === 'terraform') return site.address === tf[1] && folder(site.file) === folder(read.site.file);
    if (cfn && site.format === 'cloudformation') return site.resource === cfn[1] && site.file === read.site.file;
    return false;
  });
  return found ? siteLabel(found.site) : undefined;
}

/** The folder of a repository path (`/` separators; a Terraform module is a folder). */
function folder(file: string): string {
  return file.slice(0, file.lastIndexOf('/') + 1);
}

/** The documents a set of site views grants (see the module comment); a managed policy attached twice counts once. */
export function grantDocuments(views: readonly SiteView[], input: PlanInput): PolicyDocument[] {
  const docs: PolicyDocument[] = [];
  const managed = new Set<string>();
  const add = (name: string, statements: Statement[], view: SiteView, kind: PolicyDocument['kind'] = 'inline') => {
    if (statements.length > 0) docs.push({ name, version: '2012-10-17', kind, statements: statements.map((s) => symbolicStatement(s, view.table, input.values, view.site)) });
  };
  const addManaged = (infos: readonly AttachmentInfo[]) => {
    for (const a of infos) {
      if (!a.document || !a.arn || a.ownSite || managed.has(a.arn)) continue;
      managed.add(a.arn);
      docs.push({ ...a.document, name: a.arn, kind: a.document.kind ?? (AWS_MANAGED.test(a.arn) ? 'aws-managed' : 'customer-managed') });
    }
  };
  for (const view of views) {
    add(view.label, view.grants.statements, view, view.site.format === 'json' ? 'file' : 'inline');
    for (const t of view.templates) add(`${view.label}/${t.use.template}`, t.statements ?? [], view);
    addManaged(view.attachments);
    for (const i of view.inherited) {
      add(`${view.label} (${i.from})`, i.statements, view);
      for (const t of i.templates) add(`${view.label} (${i.from})/${t.use.template}`, t.statements ?? [], view);
      addManaged(i.attachments);
    }
  }
  return docs;
}

/** Every reference of the views that no value resolves, once per site and key. */
export function unresolvedReferences(views: readonly SiteView[], input: PlanInput): UnresolvedReference[] {
  const out: UnresolvedReference[] = [];
  for (const view of views) {
    const seen = new Set<string>();
    const strings = [
      ...view.grants.statements.flatMap(statementStrings),
      ...[view.templates, ...view.inherited.map((i) => i.templates)].flat().flatMap((t) => [...Object.values(t.use.parameters), ...(t.statements ?? []).flatMap(statementStrings)]),
      // An attachment of a policy defined at another site needs no value: its statements are read there.
      ...[view.attachments, ...view.inherited.map((i) => i.attachments)].flat().flatMap((a) => (a.ownSite ? [] : [a.attachment.policy])),
      ...view.inherited.flatMap((i) => i.statements.flatMap(statementStrings)),
    ];
    for (const s of strings) {
      for (const reference of resolveTokens(s, view.table, input.values).unresolved) {
        if (seen.has(reference.key)) continue;
        seen.add(reference.key);
        out.push({ site: view.site, reference });
      }
    }
  }
  return out;
}
