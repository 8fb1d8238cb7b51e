/**
 * The edit of one site (issue 10 §1-2): each statement trimmed where it stands, and each managed-policy
 * attachment or SAM policy template that would lose something replaced by its trimmed statements, written at the
 * site (or, for a site that cannot hold statements, handed on for another site of the role to take).
 */

import type { Statement } from '../policy/types.js';
import type { AttachmentInfo, SiteView, TemplateInfo } from './plan-grants.js';
import { readCfnModel } from './cfn-sites.js';
import { byKey } from './plan-resolve.js';
import { canonicalStatement, trimStatement, type StatementOutcome, type StatementTrimmer } from './plan-statements.js';
import { splitTokens } from './references.js';
import { writeBack } from './plan-writeback.js';
import type { ManagedAttachment, SamTemplateUse, SiteEdit } from './types.js';

/** What planning a site needs. */
export interface SitePlanner extends StatementTrimmer {
  inlineResolved: boolean;
  /** Why managed policies' documents are missing (PlanInput.managedPoliciesUnread), for the notes that need it. */
  managedUnread?: string;
}

/** The planned edit of a site, in tokens of `view.table`. */
export interface SitePlan {
  view: SiteView;
  statements: Statement[];
  /** Attachments and template uses the plan replaces by statements (the others stay, in their order). */
  dropped: Set<ManagedAttachment | SamTemplateUse>;
  changed: boolean;
  notes: string[];
  /** The statement objects of the site as read (kept ones are these very objects). */
  originals: ReadonlySet<Statement>;
}

/** An attachment to replace whose site cannot hold its statements (resolved, literal). */
export interface MovedAttachment {
  from: SitePlan;
  info: AttachmentInfo;
  statements: Statement[];
}

/**
 * Whether each attachment list entry met so far is replaced (true) or kept, by {@link attachmentKey}: sites that
 * read the same list (a CloudFormation role's `ManagedPolicyArns`, read by each site naming one of its
 * policies) must agree, and its statements are written once.
 */
export type AttachmentDecisions = Map<string, boolean>;

/** Plan a site; attachments its site cannot replace by statements are returned for another site to host. */
export function planSite(view: SiteView, planner: SitePlanner, decisions: AttachmentDecisions = new Map()): { plan: SitePlan; moved: MovedAttachment[] } {
  const plan: SitePlan = { view, statements: [], dropped: new Set(), changed: false, notes: [], originals: new Set(view.grants.statements) };
  view.grants.statements.forEach((st, i) => addOutcome(plan, st, trimStatement(st, view.table, planner, `${view.label}[${i}]`), planner, describeStatement(st, i)));
  for (const t of view.templates) planTemplate(plan, t, planner);
  const moved: MovedAttachment[] = [];
  for (const a of view.attachments) {
    const m = planAttachment(plan, a, planner, decisions);
    if (m) moved.push(m);
  }
  noteKeptAsWritten(plan);
  noteEmptied(plan);
  return { plan, moved };
}

/**
 * A policy of its own (a JSON file, a Terraform policy or document, a CloudFormation policy resource or named
 * role policy) left without statements is written so, but IAM refuses a policy document without statements:
 * the reviewer is told to remove the policy instead. Roles, SAM functions and serverless roles drop an emptied
 * policy themselves (their editors remove it).
 */
function noteEmptied(plan: SitePlan): void {
  const { view } = plan;
  if (!plan.changed || plan.statements.length > 0 || view.grants.statements.length === 0) return;
  const { site } = view;
  const own =
    site.format === 'json' ||
    (site.format === 'terraform' && /^(data\.|aws_iam_policy\.|aws_iam_role_policy\.)/.test(site.address)) ||
    (site.format === 'cloudformation' && (site.policy !== undefined || readCfnModel(view.text, site).document !== undefined));
  if (own) plan.notes.push(`${view.label}: ${EMPTIED_POLICY_NOTE}`);
}

/** The note on a policy of its own the edit leaves without statements (after the site's label); see {@link noteEmptied}. */
export const EMPTIED_POLICY_NOTE =
  'no statement is left. IAM does not accept a policy document without statements: remove this policy (and whatever attaches it) rather than deploy it empty.';

function describeStatement(st: Statement, index: number): string {
  return `statement ${index + 1}${st.sid === undefined ? '' : ` (${st.sid})`}`;
}

/** Add what a statement became to the plan, written back in the site's references. */
function addOutcome(plan: SitePlan, original: Statement, outcome: StatementOutcome, planner: SitePlanner, what: string): void {
  const { view } = plan;
  if (outcome.kind === 'keep') {
    plan.statements.push(original);
    return;
  }
  plan.changed = true;
  if (outcome.kind === 'actions') {
    plan.statements.push(outcome.statement);
    plan.notes.push(`${view.label}: ${what} names resources by a reference that is not resolved; it was trimmed at action level only, its resources kept as written.`);
    return;
  }
  for (const s of outcome.statements) {
    const back = writeBack(s, original, { table: view.table, values: planner.values, inlineResolved: planner.inlineResolved });
    plan.statements.push(back.statement);
    for (const literal of back.literals) plan.notes.push(`${view.label}: ${what} now names ${literal} as a literal ARN: no reference of the site resolves to its beginning.`);
  }
}

/**
 * `FILE:LINE` of something written at a site: the first line from the site's start that holds `needle`, else the
 * site's own line. The editors give the site's position only; this finds an attachment or a template in its list
 * (a note that points at the wrong line would send the reviewer looking for nothing).
 */
function position(view: SiteView, needle = ''): string {
  const lines = view.text.split('\n');
  let line = view.grants.position.line;
  for (let i = line - 1; needle !== '' && i < lines.length; i++) {
    if (lines[i].includes(needle)) {
      line = i + 1;
      break;
    }
  }
  return `${view.site.file}:${line}`;
}

/** What an attachment is written with: its longest literal part, else the first reference as written. */
function writtenPart(a: AttachmentInfo, view: SiteView): string {
  const parts = splitTokens(a.attachment.policy);
  const literal = parts.flatMap((p) => ('text' in p ? [p.text] : [])).sort((x, y) => y.length - x.length)[0];
  if (literal !== undefined && literal.length > 3) return literal;
  const ref = parts.find((p): p is { ref: number } => 'ref' in p);
  return ref === undefined ? '' : (view.grants.references[ref.ref]?.written ?? '');
}

/** A template kept as it is when nothing of it would go; else its trimmed statements replace it at the site. */
function planTemplate(plan: SitePlan, t: TemplateInfo, planner: SitePlanner): void {
  if (!t.statements) {
    plan.notes.push(`${plan.view.label}: SAM policy template ${t.use.template} kept as written and not trimmed: ${t.problem ?? 'it did not expand'}.`);
    return;
  }
  const name = `${plan.view.label}/${t.use.template}`;
  const outcomes = t.statements.map((st, i) => trimStatement(st, plan.view.table, planner, `${name}[${i}]`));
  if (outcomes.every((o) => o.kind === 'keep')) return;
  plan.dropped.add(t.use);
  const before = plan.statements.length;
  t.statements.forEach((st, i) => addOutcome(plan, st, outcomes[i], planner, `${t.use.template}'s statement ${i + 1}`));
  plan.changed = true;
  const n = plan.statements.length - before;
  plan.notes.push(`${plan.view.label}: SAM policy template ${t.use.template} (at ${position(plan.view, `${t.use.template}:`)}) replaced by ${n} explicit ${n === 1 ? 'statement' : 'statements'}, expanded from its published definition and trimmed.`);
}

/**
 * An attachment kept when its document is unknown or nothing of it would go; otherwise replaced by its trimmed
 * statements at the site, or handed on (returned) when the site cannot hold statements.
 */
function planAttachment(plan: SitePlan, a: AttachmentInfo, planner: SitePlanner, decisions: AttachmentDecisions): MovedAttachment | undefined {
  const key = attachmentKey(plan.view, a);
  const decided = decisions.get(key);
  if (decided !== undefined) {
    if (decided) {
      plan.dropped.add(a.attachment);
      plan.changed = true;
    }
    return undefined;
  }
  decisions.set(key, false);
  const keep = (note?: string) => {
    if (note) plan.notes.push(`${plan.view.label}: ${note}`);
    return undefined;
  };
  if (a.ownSite) return keep();
  if (a.unresolved.length > 0) return keep(`managed policy ${a.resolved} kept: it is named by ${a.unresolved.map((r) => r.written).join(', ')}, which is not resolved.`);
  if (!a.document || !a.arn) return keep(`managed policy ${a.arn ?? a.resolved} (attached at ${position(plan.view, writtenPart(a, plan.view))}) kept as written: ${unknownDocument(planner)}.`);
  const statements = trimmedDocument(a, planner);
  if (!statements) return keep();
  if (!canHostStatements(plan.view)) return { from: plan, info: a, statements };
  plan.dropped.add(a.attachment);
  decisions.set(key, true);
  hostStatements(plan, statements, planner);
  plan.notes.push(replacedNote(a, plan, plan, statements.length));
  return undefined;
}

/** Why an attachment's document is missing: the reason the command gave, else that it was not given. */
function unknownDocument(planner: SitePlanner): string {
  const why = planner.managedUnread?.trim().replace(/[.\s]+$/, '');
  return why ? `its document is not known (${why})` : 'its document is not known';
}

/** Where an attachment is written: the resource or function whose list holds it, and the attachment by key. */
function attachmentKey(view: SiteView, a: AttachmentInfo): string {
  const { site } = view;
  const owner = site.format === 'cloudformation' ? `${site.file}#${site.resource}` : view.label;
  return `${owner}\u0000${byKey(a.attachment.policy, view.grants.references)}`;
}

/** The trimmed statements of an attached policy (resolved), or undefined when none would change. */
function trimmedDocument(a: AttachmentInfo, planner: SitePlanner): Statement[] | undefined {
  const outcomes = a.document!.statements.map((st, i) => trimStatement(st, [], planner, `${a.arn}[${i}]`));
  if (outcomes.every((o) => o.kind === 'keep')) return undefined;
  return a.document!.statements.flatMap((st, i) => {
    const o = outcomes[i];
    return o.kind === 'keep' ? [st] : o.kind === 'actions' ? [o.statement] : o.statements;
  });
}

/**
 * Append statements (resolved) to a site's plan, written back in its references; one the site already holds (up
 * to its Sid: two replaced policies often keep the same used call) is not written twice.
 */
export function hostStatements(plan: SitePlan, statements: readonly Statement[], planner: SitePlanner): void {
  const site = { table: plan.view.table, values: planner.values, inlineResolved: planner.inlineResolved };
  const held = new Set(plan.statements.map(canonicalStatement));
  for (const s of statements) {
    const written = writeBack(s, undefined, site).statement;
    if (held.has(canonicalStatement(written))) continue;
    held.add(canonicalStatement(written));
    plan.statements.push(written);
  }
  plan.changed = true;
}

/** The note for an attachment replaced by statements at `host`. */
export function replacedNote(a: AttachmentInfo, from: SitePlan, host: SitePlan, n: number): string {
  const aws = /^arn:[^:]+:iam::aws:policy\//.test(a.arn!);
  const where = host === from ? '' : ` at ${host.view.label}`;
  const stays = aws ? 'the AWS managed policy itself is unchanged' : 'the policy itself stays in the account, attached to any other role that uses it';
  return `${from.view.label}: managed policy ${a.arn} (attached at ${position(from.view, writtenPart(a, from.view))}) replaced by ${n} explicit ${n === 1 ? 'statement' : 'statements'}${where}; the attachment is removed from this code only: ${stays}.`;
}

/**
 * Whether trimmed statements may be written at a site without granting them to anyone but the role: a SAM
 * function, a serverless role, a CloudFormation role (attachments are only read at roles), and a Terraform
 * `aws_iam_role_policy` or an `aws_iam_role` that writes inline statements. A Terraform `aws_iam_policy` or
 * policy document may be attached elsewhere too; an attachment block holds no statements.
 */
export function canHostStatements(view: SiteView): boolean {
  const { site } = view;
  if (site.format === 'json') return false;
  if (site.format !== 'terraform') return true;
  if (site.address.startsWith('aws_iam_role_policy.')) return true;
  return site.address.startsWith('aws_iam_role.') && view.grants.statements.length > 0;
}

/** Notes for what the site holds but the plan never rewrites. */
function noteKeptAsWritten(plan: SitePlan): void {
  const { view } = plan;
  for (const i of view.inherited) {
    const n = i.statements.length + i.attachments.length + i.templates.length;
    if (n > 0) plan.notes.push(`${view.label}: the grants inherited from ${i.from} (line ${i.position.line}) are kept as written; trim them where they are written.`);
  }
  const included = view.grants.included ?? [];
  if (included.length > 0) plan.notes.push(`${view.label}: ${included.length} policy ${included.length === 1 ? 'document' : 'documents'} merged in by reference (source/override_policy_documents) kept as written and not counted.`);
}

/**
 * Make the Sids of a plan's statements unique (IAM requires it within a document): the site's own statements
 * keep theirs; a statement the plan wrote whose Sid is taken gets the next free number.
 */
export function uniqueSids(plan: SitePlan): void {
  const kept = plan.statements.filter((s) => plan.originals.has(s));
  const used = new Set(kept.flatMap((s) => (s.sid === undefined ? [] : [s.sid])));
  plan.statements = plan.statements.map((s) => {
    if (s.sid === undefined || plan.originals.has(s)) return s;
    if (!used.has(s.sid)) {
      used.add(s.sid);
      return s;
    }
    let n = 2;
    while (used.has(`${s.sid}${n}`)) n++;
    const sid = `${s.sid}${n}`;
    used.add(sid);
    return { ...s, sid };
  });
}

/** The edit a plan writes: its statements, and the attachments and templates it does not replace, in their order. */
export function siteEdit(plan: SitePlan): SiteEdit {
  const { view } = plan;
  return {
    statements: plan.statements,
    attachments: view.grants.attachments.filter((a) => !plan.dropped.has(a)),
    templates: view.grants.templates.filter((t) => !plan.dropped.has(t)),
    references: view.table,
  };
}
