/**
 * The edit planner of `policy-trim pr` (issue 10 §1-2): given the text of every site that grants the role
 * something, it trims each statement where it is written, replaces over-granting managed-policy attachments and
 * SAM policy templates by explicit statements, edits the files in place with the format's editor, and checks
 * the result by reading it back, before anything is written. Pure: the command reads and writes the files.
 *
 * In `granted` and `trimmed`, a reference no value resolves is an opaque symbol (`opaqueSymbol` in
 * plan-resolve.ts: private-use brackets around the file and the reference's key), so the policy engine compares
 * it as a name that matches only itself.
 */

import { editorFor } from './editors.js';
import { checkPlan } from './plan-check.js';
import { grantDocuments, siteLabel, unresolvedReferences, viewSite, type SiteRead, type SiteView } from './plan-grants.js';
import { canHostStatements, type AttachmentDecisions, hostStatements, planSite, replacedNote, siteEdit, uniqueSids, type MovedAttachment, type SitePlan, type SitePlanner } from './plan-site.js';
import type { FileEdit, PlanInput, PlanResult, SiteText } from './plan-types.js';
import type { IacEditor, IacFormat } from './types.js';

/** The editor of each format; the registry's by default (tests pass their own to check the check). */
export type EditorLookup = (format: IacFormat) => IacEditor;

/**
 * Plan and check the edits that trim the role's grants where they are written; see the module comment and
 * PlanResult. Throws IacError when a site cannot be read (naming its file and line) and `iac-edit-check-failed`
 * when an edited file would not hold the plan or the plan would not be provably safe.
 */
export function planEdits(input: PlanInput, editors: EditorLookup = editorFor): PlanResult {
  const reads = input.sites.map((s) => readSite(s, editors));
  const views = reads.map((r) => viewSite(r, reads, input));
  const granted = grantDocuments(views, input);
  const catalog = input.trimContext?.catalog;
  const planner: SitePlanner = {
    suggestFor: (d) => input.suggestFor(d),
    values: input.values,
    inlineResolved: input.inlineResolved === true,
    ...(input.managedPoliciesUnread ? { managedUnread: input.managedPoliciesUnread } : {}),
    ...(catalog ? { expand: (p: string) => catalog.expandActionPattern(p) } : {}),
  };
  const plans = planSites(views, planner);
  const before = fileTexts(input.sites);
  const after = writeFiles(plans, before, editors);
  const check = checkPlan(plans, after, editors, input, granted);
  const notes = [...plans.flatMap((p) => p.notes), ...check.notes];
  return {
    edits: fileEdits(plans, before, after),
    granted,
    trimmed: check.trimmed,
    suggestion: input.suggestFor(granted),
    unresolved: unresolvedReferences(views, input),
    notes,
  };
}

function readSite(s: SiteText, editors: EditorLookup): SiteRead {
  return { site: s.site, text: s.text, grants: editors(s.site.format).read(s.text, s.site), label: siteLabel(s.site) };
}

/** Plan every site, place the statements of attachments whose site cannot hold them, and settle the Sids. */
function planSites(views: readonly SiteView[], planner: SitePlanner): SitePlan[] {
  const plans: SitePlan[] = [];
  const moved: MovedAttachment[] = [];
  const decisions: AttachmentDecisions = new Map();
  for (const view of views) {
    const planned = planSite(view, planner, decisions);
    plans.push(planned.plan);
    moved.push(...planned.moved);
  }
  for (const m of moved) placeMoved(m, plans, planner);
  for (const plan of plans) uniqueSids(plan);
  return plans;
}

/**
 * An attachment whose own site holds no statements (a Terraform `aws_iam_role_policy_attachment`): its
 * statements go to a site of the role that can hold them, in the same file first, then in the same format;
 * with none, the attachment stays, and a note says why.
 */
function placeMoved(m: MovedAttachment, plans: readonly SitePlan[], planner: SitePlanner): void {
  const { site } = m.from.view;
  const hosts = plans.filter((p) => p !== m.from && canHostStatements(p.view));
  const host = hosts.find((p) => p.view.site.file === site.file) ?? hosts.find((p) => p.view.site.format === site.format);
  if (!host) {
    m.from.notes.push(`${m.from.view.label}: managed policy ${m.info.arn} grants more than the role used, but it is kept: no site of the role in this code can hold its statements instead (add an aws_iam_role_policy for the role to the configuration).`);
    return;
  }
  hostStatements(host, m.statements, planner);
  m.from.dropped.add(m.info.attachment);
  m.from.changed = true;
  m.from.notes.push(replacedNote(m.info, m.from, host, m.statements.length));
}

/** Each file's text as read, once (several sites may share a file). */
function fileTexts(sites: readonly SiteText[]): Map<string, string> {
  const texts = new Map<string, string>();
  for (const s of sites) if (!texts.has(s.site.file)) texts.set(s.site.file, s.text);
  return texts;
}

/**
 * The edited text of each file with a site the plan changes (read back by the check even when the text came out
 * the same, which would be an editor's fault): its changed sites written one after the other, each to the text
 * the one before produced (every editor finds its site anew in the text it is given).
 */
function writeFiles(plans: readonly SitePlan[], before: ReadonlyMap<string, string>, editors: EditorLookup): Map<string, string> {
  const after = new Map<string, string>();
  for (const plan of plans) {
    if (!plan.changed) continue;
    const { site } = plan.view;
    const text = after.get(site.file) ?? before.get(site.file)!;
    after.set(site.file, editors(site.format).write(text, site, siteEdit(plan)));
  }
  return after;
}

/** One FileEdit per file whose text changes, in the order the files first appear among the sites. */
function fileEdits(plans: readonly SitePlan[], before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): FileEdit[] {
  const edits: FileEdit[] = [];
  for (const [file, text] of before) {
    const changed = after.get(file);
    if (changed === undefined || changed === text) continue;
    const mine = plans.filter((p) => p.view.site.file === file);
    edits.push({ file, before: text, after: changed, sites: mine.filter((p) => p.changed).map((p) => p.view.site), notes: mine.flatMap((p) => p.notes) });
  }
  return edits;
}
