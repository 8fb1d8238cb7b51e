/**
 * Trim: diff what a role's policies grant against what CloudTrail shows it used, and synthesize the narrowed
 * policy, with a finding (and evidence) for every change. Pure: everything arrives already read.
 *
 * Safety choices (README, "The safety contract"), each erring towards keeping:
 * - Deny statements are copied verbatim; so is any Allow statement trim cannot reason about (policy variables
 *   in Resource/NotResource, actions unknown to the catalog, Principal in an identity policy, no Action).
 * - An Allow statement with a Condition is narrowed, and every statement derived from it carries the identical
 *   condition block; statements with different conditions are never merged.
 * - NotAction Allow statements become the explicit used/unobservable subset of their complement; NotResource
 *   Allow statements become explicit used ARNs (or patterns provably disjoint from every NotResource entry).
 * - An action CloudTrail could not have shown (data event not selected, never logged, secondary-only, management
 *   events excluded, baseline) keeps the original statement's resources: there is no evidence to narrow by.
 * - A used call whose resource the ledger could not determine keeps the original resources.
 * - Wildcards appear only when exact against the catalog AND covered by the original statement's own pattern,
 *   so actions AWS adds later are granted by the suggestion only if the original granted them too.
 */
import type { PolicyDocument } from '../policy/types.js';
import { assemble } from './assemble.js';
import { classifyStatements, unmatchedUses, verbatimFindings } from './classify.js';
import { createDecisionContext } from './context.js';
import { decideActions } from './decide.js';
import { attemptFindings, boundaryFindings, keptFindings, removedFindings } from './findings.js';
import { cmp } from './model.js';
import { draftStatements, mergeEntries } from './synthesize.js';
import { FINDING_ORDER, type Finding, type TrimInput, type TrimResult } from './types.js';

function isAwsManaged(doc: PolicyDocument): boolean {
  return doc.kind === 'aws-managed' || /^arn:aws[a-z-]*:iam::aws:policy\//.test(doc.name);
}

/** Notes about the inputs: the trail's recording, and AWS-managed policies (which cannot be edited). */
function inputFindings(input: TrimInput, grantDocs: PolicyDocument[]): Finding[] {
  const { recording } = input;
  const findings: Finding[] = [
    {
      id: `recording/${recording.origin}`,
      kind: 'recording',
      origin: recording.origin,
      message: recording.notes.length > 0 ? recording.notes.join(' ') : `Trail recording configuration from ${recording.source}.`,
    },
  ];
  for (const d of grantDocs) {
    if (!isAwsManaged(d)) continue;
    findings.push({
      id: `aws-managed/${d.name}`,
      kind: 'aws-managed',
      document: d.name,
      message: `${d.name} is AWS-managed and cannot be edited: detach it and attach the suggested policy instead.`,
    });
  }
  return findings;
}

/** Every action a verbatim Allow grants (kept whatever the usage). */
function verbatimGrantsOf(input: TrimInput, c: ReturnType<typeof classifyStatements>): Set<string> {
  const out = new Set<string>();
  for (const v of c.verbatimAllows) {
    for (const p of v.st.action ?? []) input.catalog.expandActionPattern(p).forEach((a) => out.add(a));
    if (v.st.notAction) input.catalog.expandNotAction(v.st.notAction).forEach((a) => out.add(a));
  }
  return out;
}

/**
 * Diff granted against used and synthesize the narrowed policy, in phases: classify the statements, decide
 * per (statement, action), merge and group into statements, write the findings, assemble the documents. See
 * the module comment for the safety choices. The result is not yet verified: call {@link suggest}
 * (suggest.ts) for the checked version.
 */
export function trimPolicy(input: TrimInput): TrimResult {
  const { catalog, usage } = input;
  const grantDocs = input.documents.filter((d) => d.kind !== 'boundary');
  const boundaryDocs = input.documents.filter((d) => d.kind === 'boundary');
  const classified = classifyStatements(grantDocs, catalog);
  const ctx = createDecisionContext(input);
  const unmatched = unmatchedUses(classified.analyzed, usage.used, ctx.canon, catalog);
  const decisions = decideActions(classified.analyzed, ctx, unmatched);
  const finalEntries = mergeEntries(decisions.entries); // decisions.entries are merged in place: not read after
  const drafts = draftStatements(finalEntries, catalog);

  const keptActions = new Set(finalEntries.map((e) => e.action));
  const verbatimGrants = verbatimGrantsOf(input, classified);
  const removed = removedFindings(decisions, keptActions, verbatimGrants, catalog);
  const findings: Finding[] = [
    ...inputFindings(input, grantDocs),
    ...verbatimFindings(classified),
    ...removed.findings,
    ...keptFindings(classified.analyzed, finalEntries, drafts, decisions, ctx),
    ...attemptFindings(usage, grantDocs, ctx, catalog),
    ...boundaryFindings(boundaryDocs, keptActions),
  ];
  const opts = input.options ?? {};
  const target = opts.target ?? 'managed';
  const out = assemble(classified, drafts, target, opts.documentName ?? 'policy-trim');
  findings.push(out.sizeFinding);

  // Kind order, then id (removed actions keep their access-level order); independent of the ledger's order.
  findings.sort((a, b) => FINDING_ORDER.indexOf(a.kind) - FINDING_ORDER.indexOf(b.kind) || (a.kind === 'removed-action' ? 0 : cmp(a.id, b.id)));
  const allGranted = new Set<string>([...decisions.grantedFrom.keys(), ...verbatimGrants]);
  return {
    documents: out.documents,
    findings,
    evidence: out.evidence,
    stats: {
      grantedActions: allGranted.size,
      keptActions: new Set([...keptActions, ...verbatimGrants]).size,
      removedActions: removed.removed.length,
      narrowedActions: findings.filter((f) => f.kind === 'narrowed-resource').length,
      unobservableActions: findings.filter((f) => f.kind === 'kept-unobservable').length,
      verbatimStatements: classified.denies.length + classified.verbatimAllows.length,
      deniedAttempts: usage.denied.length,
    },
  };
}
