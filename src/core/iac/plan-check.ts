/**
 * The plan's check before anything is written (issue 10 §2, "a file the tool cannot parse back is never
 * written"): every edited file is read back with its editor, and each site must hold exactly the planned
 * statements, attachments and templates (references compared by key, so an unresolved one is an opaque
 * symbol); then what the files grant after the edits (`trimmed`) must be never wider than before (`granted`)
 * and still allow every observed successful call `granted` allowed. Any failure is an `iac-edit-check-failed`
 * IacError naming the file: the planner returns nothing, so nothing is written.
 */

import { explainEvaluation, verifyCovers, verifyNeverWider } from '../policy/index.js';
import type { AccessRequest, PolicyDocument, VerifyResult } from '../policy/types.js';
import { observedCalls } from '../trim/suggest.js';
import { statementKey } from './align.js';
import { IacError } from './errors.js';
import { grantDocuments, viewSite, type SiteRead } from './plan-grants.js';
import { byKey } from './plan-resolve.js';
import { siteEdit, type SitePlan } from './plan-site.js';
import type { PlanInput } from './plan-types.js';
import type { GrantSite, IacEditor, IacFormat, ReferenceTable, SiteEdit, SiteGrants } from './types.js';

const HINT = 'This is a bug in policy-trim: nothing was written. Please report it with the file.';

function failed(site: GrantSite, message: string, cause?: unknown): IacError {
  return new IacError({ code: 'iac-edit-check-failed', site, message, hint: HINT, cause });
}

/** What the check returns: the documents after the edits, and notes on checks that could not run. */
export interface CheckResult {
  trimmed: PolicyDocument[];
  notes: string[];
}

/**
 * Check the edited texts (`after`: file → text, for the files that change) against the plans, then prove the
 * result against `granted`. Returns the documents the edited files grant.
 */
export function checkPlan(plans: readonly SitePlan[], after: ReadonlyMap<string, string>, editors: (format: IacFormat) => IacEditor, input: PlanInput, granted: PolicyDocument[]): CheckResult {
  const reads = plans.map((plan): SiteRead => {
    const text = after.get(plan.view.site.file);
    if (text === undefined) return plan.view;
    const grants = readBack(plan, text, editors);
    compareWithPlan(plan, grants);
    return { site: plan.view.site, text, grants, label: plan.view.label };
  });
  const trimmed = grantDocuments(
    reads.map((r) => viewSite(r, reads, input)),
    input,
  );
  const notes = prove(granted, trimmed, plans, input);
  return { trimmed, notes };
}

/** A site read back; a site whose block the plan removes (an attachment replaced) reads back as empty. */
function readBack(plan: SitePlan, text: string, editors: (format: IacFormat) => IacEditor): SiteGrants {
  const { site } = plan.view;
  const edit = siteEdit(plan);
  try {
    return editors(site.format).read(text, site);
  } catch (e) {
    const empty = edit.statements.length + edit.attachments.length + edit.templates.length === 0;
    if (empty && e instanceof IacError && e.code === 'iac-site-not-found') {
      return { site, statements: [], attachments: [], templates: [], references: [], position: plan.view.grants.position };
    }
    throw failed(site, `the edited file does not read back at ${plan.view.label} (${(e as Error).message})`, e);
  }
}

/** The grants of an edit or a read, as sorted strings with references spelled by key. */
function comparable(g: Pick<SiteEdit, 'statements' | 'attachments' | 'templates'>, table: ReferenceTable): string {
  const k = (v: string) => byKey(v, table);
  return JSON.stringify({
    statements: g.statements.map((s) => k(statementKey(s))).sort(),
    attachments: g.attachments.map((a) => k(a.policy)).sort(),
    templates: g.templates.map((t) => k(JSON.stringify([t.template, Object.entries(t.parameters).sort()]))).sort(),
  });
}

function compareWithPlan(plan: SitePlan, back: SiteGrants): void {
  const edit = siteEdit(plan);
  if (comparable(edit, edit.references) !== comparable(back, back.references)) {
    throw failed(plan.view.site, `the edited file does not hold the planned policy at ${plan.view.label}`);
  }
}

/** Never wider, and covers what ran; a failure names the site of the statement at fault. */
function prove(granted: PolicyDocument[], trimmed: PolicyDocument[], plans: readonly SitePlan[], input: PlanInput): string[] {
  const context = input.trimContext;
  if (!context) {
    return ['The whole-plan proof (never wider over the catalog, every observed call still allowed) did not run: the planner was given no trim context. Each statement\'s suggestion was proven by itself, and every edited file was read back.'];
  }
  const neverWider = verifyNeverWider(granted, trimmed, context.catalog);
  if (!neverWider.ok) throw atFault(neverWider, plans, granted);
  const calls = observedCalls({ ...context, documents: granted });
  const covers = verifyCovers(trimmed, calls.certain);
  if (!covers.ok) throw atFault(covers, plans, granted, calls.certain);
  const conditional = verifyCovers(trimmed, calls.conditional, { allowConditional: true });
  if (!conditional.ok) throw atFault(conditional, plans, granted, calls.conditional);
  return [];
}

/**
 * The error for a failed proof, at the site whose document the first counterexample names (for a call nothing
 * allows any more: the site whose document allowed it before), else the first site the plan changes.
 */
function atFault(result: VerifyResult, plans: readonly SitePlan[], granted: PolicyDocument[], calls: AccessRequest[] = []): IacError {
  const c = result.counterexamples[0];
  let document = c?.statement?.document;
  if (document === undefined && c !== undefined && calls.length > 0) {
    document = explainEvaluation(granted, { action: c.action, resource: c.resource }, { mode: 'must-allow' }).allowedBy[0]?.document;
  }
  const byLabel = [...plans].sort((a, b) => b.view.label.length - a.view.label.length).find((p) => document?.startsWith(p.view.label));
  const plan = byLabel ?? plans.find((p) => p.changed) ?? plans[0];
  return failed(plan.view.site, `the edited files fail the plan's safety check: ${c?.message ?? result.notes.join('; ')}`);
}
