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
 * Kind order, then id (removed actions keep their access-level order); independent of the ledger's order. As
 * a stable sort by that comparator, with each kind's bucket sorted apart (a `*` grant has ~22,000 findings).
 */
function sortFindings(findings: Finding[]): Finding[] {
  const buckets = new Map<number, Finding[]>();
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i]!;
    const rank = FINDING_ORDER.indexOf(f.kind);
    const b = buckets.get(rank);
    if (b) b.push(f);
    else buckets.set(rank, [f]);
  }
  const out: Finding[] = [];
  for (const rank of [...buckets.keys()].sort((x, y) => x - y)) {
    const b = buckets.get(rank)!;
    // One kind per rank (FINDING_ORDER names each once); kinds it lacks share -1, sorted by id as before.
    if (b[0]!.kind !== 'removed-action') b.sort((x, y) => cmp(x.id, y.id));
    for (let i = 0; i < b.length; i++) out.push(b[i]!);
  }
  return out;
}

/** The size of the union of two sets of action ids (or of a map's keys and a set). */
function sizeOfUnion(a: ReadonlySet<string> | ReadonlyMap<string, unknown>, b: ReadonlySet<string>): number {
  let n = a.size;
  for (const x of b) if (!a.has(x)) n++;
  return n;
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
  const classified = classifyStatements(grantDocs, catalog, usage.unmapped);
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

  return {
    documents: out.documents,
    findings: sortFindings(findings),
    evidence: out.evidence,
    stats: {
      grantedActions: sizeOfUnion(decisions.grantedFrom, verbatimGrants),
      keptActions: sizeOfUnion(keptActions, verbatimGrants),
      removedActions: removed.removed.length,
      narrowedActions: findings.filter((f) => f.kind === 'narrowed-resource').length,
      unobservableActions: findings.filter((f) => f.kind === 'kept-unobservable').length,
      ...(input.lastAccessed ? { lastAccessedActions: findings.filter((f) => f.kind === 'kept-last-accessed').length } : {}),
      verbatimStatements: classified.denies.length + classified.verbatimAllows.length,
      deniedAttempts: usage.denied.length,
    },
  };
}
