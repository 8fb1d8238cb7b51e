/**
 * One role's pull request, computed: its usage in the run's activity, the suggestion bound for the planner
 * (exactly `suggest`'s, through cli/suggest-wiring.ts), the checked file edits, and the title and body a
 * reviewer reads. No git and no GitHub here: the dry run prints this, the publisher commits and opens it.
 */
import { principalAccount } from '../core/catalog/arn.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBundledSamTemplates } from '../adapters/fs/bundled-sam.js';
import { dataDir } from '../adapters/fs/bundled-data.js';
import type { RoleConfig } from '../core/config/types.js';
import { planEdits } from '../core/iac/plan.js';
import type { PlanInput, PlanResult, SiteText } from '../core/iac/plan-types.js';
import { siteLabel } from '../core/iac/plan-grants.js';
import { EMPTIED_POLICY_NOTE } from '../core/iac/plan-site.js';
import { dataEventsRecorded, planFacts, renderPullRequest, type ActivitySourceRead, type ObservedActivity, type PullRequestText, type SiteEditNote } from '../core/pr/body.js';
import { suggest } from '../core/trim/suggest.js';
import type { TrimInput } from '../core/trim/types.js';
import { roleNameOf } from './options.js';
import type { CliIo } from './io.js';
import { compareLiveRole, LIVE_GRANTS_REMOVED } from './pr-live-diff.js';
import { checkRoleActivity, roleUsage, trimOptionsFrom, type ObservedRun, type TrimContext } from './suggest-wiring.js';

/** Everything a role's pull request is made of. */
export interface RolePullRequest {
  role: RoleConfig;
  /** The role's ARN when known (the trail or IAM), else the role as the configuration writes it. */
  roleArn: string;
  branch: string;
  plan: PlanResult;
  text: PullRequestText;
  /** Where the full report is committed when the body is shortened. */
  reportPath: string;
  /** The observation window for the commit message (ISO timestamps; an open start is said in words). */
  window: { from: string; to: string };
  /**
   * How the live role compares with the repository's grant (issue 10 §1), for stderr; the body has them too.
   * Optional so that a pull request built by hand (tests of the publisher) need not say.
   */
  liveNotes?: string[];
}

/** What the plan of one role is made from, read before: sites, reference values, managed policies. */
export interface RolePlanInputs {
  role: RoleConfig;
  branch: string;
  sites: SiteText[];
  values: PlanInput['values'];
  managed: PlanInput['managedPolicies'];
  /** Why the managed policies' documents are missing, when IAM could not be read (said in the attachments' notes). */
  managedUnread?: string;
  /** The branch pull requests merge into, for the body's rollback section; unknown in a dry run without one. */
  base?: string;
  /** Notes of the command itself for the body (a file changed by hand since the last run). */
  extraNotes?: SiteEditNote[];
}

/** policy-trim's version, from the package.json beside the bundled data (as `--version` reads it). */
export function toolVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(dataDir(), '..', 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The full report's path on the branch when the body must be shortened: one file per role. */
export function reportPathFor(branch: string): string {
  return `.policy-trim/reports/${branch.replace(/^policy-trim\//, '').replace(/\//g, '-')}.md`;
}

/** Who the role is in this run: its ARN when the trail or IAM knows it, and its usage. */
export interface RoleIdentity {
  roleArn: string;
  usage: ReturnType<typeof roleUsage>['usage'];
}

/**
 * The role's identity and usage in the run; no activity by the role is an error (`no-activity`) unless
 * `--allow-no-activity`, as in `suggest`.
 */
export function identifyRole(args: Record<string, unknown>, io: CliIo, ctx: TrimContext, run: ObservedRun, role: RoleConfig, liveArn?: string): RoleIdentity {
  const { roleArn: traced, usage } = roleUsage(run, liveArn ?? role.role);
  checkRoleActivity(args, io, run, ctx, { usage, roleArn: traced, role: role.role });
  return { roleArn: traced ?? liveArn ?? role.role, usage };
}

/**
 * Plans one role: suggestion, checked edits, the live role compared with the repository's grant, title and
 * body. Throws IacError and InternalError; the live role's comparison never throws.
 */
export async function planRole(args: Record<string, unknown>, io: CliIo, ctx: TrimContext, run: ObservedRun, inputs: RolePlanInputs, who: RoleIdentity): Promise<RolePullRequest> {
  const { roleArn, usage } = who;
  const written = inputs.role.role;
  const name = roleNameOf(roleArn) ?? written.slice(written.lastIndexOf('/') + 1);
  const context: Omit<TrimInput, 'documents'> = { usage, catalog: ctx.catalog, knowledge: ctx.knowledge, recording: run.recording, options: trimOptionsFrom(args, ctx, `${name}-trimmed`) };
  const plan = planEdits({
    role: roleArn,
    sites: inputs.sites,
    values: inputs.values,
    managedPolicies: inputs.managed,
    ...(inputs.managedUnread ? { managedPoliciesUnread: inputs.managedUnread } : {}),
    suggestFor: (documents) => suggest({ ...context, documents }),
    inlineResolved: Boolean(args['inline-resolved']),
    samTemplates: loadBundledSamTemplates(),
    trimContext: context,
  });
  // §1: the plan above is the repository's whatever the live role holds; the comparison only adds notes. The
  // role is read as the configuration names it, as for its managed policies, so IAM is asked once.
  const live = await compareLiveRole(written, plan.granted, { args, io, catalog: ctx.catalog });
  const reportPath = reportPathFor(inputs.branch);
  const text = renderPullRequest({
    role: roleArn,
    account: principalAccount(roleArn) ?? 'unknown',
    result: plan.suggestion,
    observed: observedActivity(args, ctx, run, usage),
    recording: run.recording,
    // Asked of the recording for every action the suggestion speaks of: derived from the findings alone, the
    // coverage lists only the types a removal or a kept action happens to cite (SNS and Lambda went missing).
    dataEvents: dataEventsRecorded(plan.suggestion, run.recording, ctx.knowledge),
    edits: [...editNotes(plan), ...(inputs.extraNotes ?? [])],
    planNotes: planNotes(plan),
    liveRole: live.notes,
    toolVersion: toolVersion(),
    ...(inputs.base === undefined ? {} : { baseBranch: inputs.base }),
    report: { path: reportPath },
    original: plan.granted,
    beforeMerging: [...beforeMerging(plan), ...(live.removesLiveGrants ? [LIVE_GRANTS_REMOVED] : [])],
    // The body describes the edit: what it keeps, and what an unresolved reference may allow (body-plan.ts).
    plan: planFacts(plan.granted, plan.trimmed, (p) => ctx.catalog.expandActionPattern(p)),
    levelOf: (action) => ctx.catalog.action(action)?.accessLevel,
  });
  const window = { from: ctx.window.since?.toISOString() ?? 'the oldest record read', to: (ctx.window.until ?? io.now()).toISOString() };
  return { role: inputs.role, roleArn, branch: inputs.branch, plan, text, reportPath, window, liveNotes: live.notes };
}

/** The notes the body puts in its "Before merging" list: policies left without statements, which IAM refuses. */
export function beforeMerging(plan: PlanResult): string[] {
  return [...new Set([...plan.edits.flatMap((e) => e.notes), ...(plan.notes ?? [])].filter((n) => n.endsWith(EMPTIED_POLICY_NOTE)))];
}

/** The body's "files edited" entries: one per edited file, with the notes on its sites. */
export function editNotes(plan: PlanResult): SiteEditNote[] {
  return plan.edits.map((e) => ({ file: e.file, site: e.sites.map(siteLabel).join(', '), notes: e.notes }));
}

/** The plan's notes that belong to no edited file: files it left alone, references it could not resolve. */
export function planNotes(plan: PlanResult): string[] {
  const said = new Set(plan.edits.flatMap((e) => e.notes));
  const others = (plan.notes ?? []).filter((n) => ![...said].some((m) => n === m || n.endsWith(m)));
  for (const u of plan.unresolved) {
    others.push(`${siteLabel(u.site)}: \`${u.reference.written}\` is not resolved (--tf-state, --stack, --parameters give values): the statements using it are trimmed at action level only, and it is kept as written.`);
  }
  return [...new Set(others)];
}

/** The window, the sources read and the record counts, as the body reports them. */
export function observedActivity(args: Record<string, unknown>, ctx: TrimContext, run: ObservedRun, usage: { records: number; sessions: string[] }): ObservedActivity {
  const stats = run.activity.stats;
  const trails = ((args.trail as string[] | undefined) ?? []).map(String);
  const local = trails.filter((t) => !t.startsWith('s3://'));
  const sources: ActivitySourceRead[] = [
    ...local.map((location) => ({ kind: 'files' as const, location, ...(local.length === 1 ? { files: stats.filesRead } : {}) })),
    ...trails.filter((t) => t.startsWith('s3://')).map((location) => ({ kind: 's3' as const, location })),
    ...(args['trail-name'] ? [{ kind: 's3' as const, location: `trail ${String(args['trail-name'])}` }] : []),
    ...(args.lookup ? [{ kind: 'event-history' as const, location: String(args.region ?? 'the default Region') }] : []),
  ];
  return {
    window: { ...(ctx.window.since ? { since: ctx.window.since.toISOString() } : {}), ...(ctx.window.until ? { until: ctx.window.until.toISOString() } : {}) },
    sources,
    records: { read: stats.records, byRole: usage.records, outsideWindow: stats.recordsOutsideWindow, problems: stats.problems },
    sessions: usage.sessions,
  };
}
