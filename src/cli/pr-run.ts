/**
 * The body of `policy-trim pr --role R | --all`: the configuration and the activity are read once, then each
 * role is planned and either printed (`--dry-run`) or published (branch, commit, push, pull request). A role
 * that fails is reported and the others go on; the exit code says whether every role went through.
 */
import { assertCleanWorkTree, checkoutBranch, currentBranch, defaultBranch, prepareBranch, resolveCommit } from '../adapters/git/repository.js';
import { inspectRemoteBranch } from '../adapters/git/remote-branch.js';
import { runGit, type GitContext } from '../adapters/git/run.js';
import type { RoleConfig } from '../core/config/types.js';
import { isToolBranchName } from '../core/pr/branch.js';
import { forTerminal } from '../core/render/escape.js';
import { EXIT, reportError } from './errors.js';
import type { CliIo } from './io.js';
import { branchesFor, loadPrConfig, mergedArgs, selectedRoles, type PrRepository } from './pr-config.js';
import { printDryRun, type AnyPullRequest } from './pr-dry-run.js';
import { githubClient, githubToken, repositorySlug } from './pr-github.js';
import { managedPolicies, parameterTexts, readSiteTexts, referenceValues, valuesForRole } from './pr-inputs.js';
import type { RoleSelection } from './pr-options.js';
import { editNotes, identifyRole, planNotes, planRole, type RoleIdentity, type RolePlanInputs, type RolePullRequest } from './pr-plan.js';
import { planSplitRole, printSplitNotes, splitBranchOf } from './pr-split.js';
import { handEditedNotes } from './pr-hand-edits.js';
import { publishRole, type PublishContext, type PublishResult } from './pr-publish.js';
import { assertTrailPathsExist } from './sources.js';
import { closeAwsClients } from './aws-wiring.js';
import { observeActivity, printActivitySummary, trimContext, type ObservedRun, type TrimContext } from './suggest-wiring.js';

/** What every role of a run shares once read. */
interface RunState {
  args: Record<string, unknown>;
  io: CliIo;
  repo: PrRepository;
  ctx: TrimContext;
  run: ObservedRun;
  values: Awaited<ReturnType<typeof referenceValues>>;
  /** The --parameters files' texts, for the Region a samconfig names (offline values, per role). */
  parameterFiles: Awaited<ReturnType<typeof parameterTexts>>;
  branches: Map<RoleConfig, string>;
  /** The base branch when known (`--base`, `pr.base`, or the remote's default when publishing). */
  base?: string;
}

/** `pr --role`/`--all`: returns the exit code (the first failing role's, else 0). */
export async function runRoles(rawArgs: Record<string, unknown>, io: CliIo, selection: Exclude<RoleSelection, { kind: 'discover' }>): Promise<number> {
  const repo = await loadPrConfig(rawArgs, io);
  const args = mergedArgs(rawArgs, repo, io);
  try {
    return await runMerged(args, io, repo, selection);
  } finally {
    await closeAwsClients(args); // the clients are made for the merged arguments
  }
}

/** Everything after the configuration: roles, activity once, then each role printed or published. */
async function runMerged(args: Record<string, unknown>, io: CliIo, repo: PrRepository, selection: Exclude<RoleSelection, { kind: 'discover' }>): Promise<number> {
  const roles = selectedRoles(selection, repo);
  const trimBranches = branchesFor(roles, repo);
  // A split is its own pull request, on its own branch, beside the role's trim.
  const branches = args['split-by-function'] ? new Map([...trimBranches].map(([r, b]) => [r, splitBranchOf(b, repo)])) : trimBranches;
  const ctx = trimContext(args, io);
  if (!args['allow-missing']) await assertTrailPathsExist(((args.trail as string[] | undefined) ?? []).filter((t) => !t.startsWith('s3://')));
  const dry = Boolean(args['dry-run']);
  const git: GitContext = { cwd: repo.root, remote: 'origin', token: githubToken(args, io.env), env: { ...process.env, ...io.env } };
  if (!dry) await assertCleanWorkTree(git); // before anything slow is read: a dirty tree is refused anyway
  const publish = dry ? undefined : await publishContext(args, io, repo, git);
  const base = publish?.base ?? (args.base as string | undefined) ?? repo.config.config.pr.base;
  const values = await referenceValues(args, io, roles.map((r) => r.role).filter((r) => r.startsWith('arn:')));
  const only = roles.length === 1 && roles[0]!.role.startsWith('arn:') ? { role: roles[0]!.role } : {};
  const run = await observeActivity(args, io, ctx, only);
  printActivitySummary(args, io, run);
  const state: RunState = { args, io, repo, ctx, run, values, parameterFiles: await parameterTexts(args), branches, base };
  if (dry) return eachRole(roles, io, args, (role) => dryRunRole(state, role));
  const start = (await currentBranch(git)) ?? (await resolveCommit(git, 'HEAD'))!;
  try {
    return await eachRole(roles, io, args, (role) => publishOne(state, publish!, role));
  } finally {
    await restore(git, start, io);
  }
}

/** Runs `one` for every role; a failing role is reported and the next one goes on. */
async function eachRole(roles: readonly RoleConfig[], io: CliIo, args: Record<string, unknown>, one: (role: RoleConfig) => Promise<void>): Promise<number> {
  let code: number = EXIT.OK;
  for (const role of roles) {
    try {
      await one(role);
    } catch (e) {
      if (roles.length > 1) io.stderr(`${forTerminal(role.role)}: failed; the other roles go on\n`);
      const c = reportError(e, io, Boolean(args.debug));
      if (code === EXIT.OK) code = c;
    }
  }
  return code;
}

/** The repository, the client and the base every published role shares. */
async function publishContext(args: Record<string, unknown>, io: CliIo, repo: PrRepository, git: GitContext): Promise<Omit<PublishContext, 'baseSha'>> {
  const slug = await repositorySlug(args, io.env, git);
  const github = githubClient(args, io.env, slug);
  const base = (args.base as string | undefined) ?? repo.config.config.pr.base ?? (await defaultBranch(git));
  const labels = [...new Set([...repo.config.config.pr.labels, ...((args.label as string[] | undefined) ?? []).map(String)])];
  return { git, base, github, labels };
}

/** The planner's inputs for one role, read from the work tree as it is now. */
async function roleInputs(state: RunState, role: RoleConfig) {
  const live = await managedPolicies(state.args, state.io, role.role);
  const who = identifyRole(state.args, state.io, state.ctx, state.run, role, live.roleArn);
  const sites = await readSiteTexts(role, state.repo);
  return { live, who, sites, values: roleValues(state, who.roleArn, sites) };
}

/** The role's reference values: the run's explicit ones and what its ARN, its code and the trail say. */
function roleValues(state: RunState, roleArn: string, sites: Parameters<typeof valuesForRole>[2]) {
  return valuesForRole(state.values, roleArn, sites, state.parameterFiles, state.run.recording);
}

/** `--dry-run` for one role: plan from the checked-out files and print. */
async function dryRunRole(state: RunState, role: RoleConfig): Promise<void> {
  const { live, who, sites, values } = await roleInputs(state, role);
  const inputs: RolePlanInputs = { role, branch: state.branches.get(role)!, sites, values, managed: live.managed, managedUnread: live.unread, base: state.base };
  printDryRun(await planAny(state, inputs, who), state.io);
}

/** A trim's plan, or with `--split-by-function` a split's; its notes printed on stderr. */
async function planAny(state: RunState, inputs: RolePlanInputs, who: RoleIdentity): Promise<AnyPullRequest> {
  if (state.args['split-by-function']) {
    const pr = await planSplitRole(state, inputs, who);
    printSplitNotes(state.args, state.io, pr);
    return pr;
  }
  const pr = await planRole(state.args, state.io, state.ctx, state.run, inputs, who);
  printPlanNotes(state.args, state.io, pr);
  return pr;
}

/** One role for real: branch from the base, plan from its files, then commit, push and open or update. */
async function publishOne(state: RunState, publish: Omit<PublishContext, 'baseSha'>, role: RoleConfig): Promise<void> {
  const branch = state.branches.get(role)!;
  const live = await managedPolicies(state.args, state.io, role.role);
  const who = identifyRole(state.args, state.io, state.ctx, state.run, role, live.roleArn);
  const remote = await inspectRemoteBranch(publish.git, { branch, base: publish.base, role: who.roleArn });
  const baseSha = await prepareBranch(publish.git, { branch, base: publish.base });
  const sites = await readSiteTexts(role, state.repo);
  const extraNotes = remote.kind === 'tool' ? await handEditedNotes(publish.git, remote.sha, sites, publish.base) : [];
  for (const n of extraNotes) state.io.stderr(`${forTerminal(role.role)}: note: ${forTerminal(n.notes.join(' '))}\n`);
  const pr = await planAny(state, { role, branch, sites, values: roleValues(state, who.roleArn, sites), managed: live.managed, managedUnread: live.unread, base: publish.base, extraNotes }, who);
  const result = await publishRole(pr, remote, { ...publish, baseSha });
  report(state.io, pr, result);
}

/**
 * The plan's notes on stderr (what was kept and why, references left as written) and how the live role
 * compares with the repository, unless `--quiet`.
 */
export function printPlanNotes(args: Record<string, unknown>, io: CliIo, pr: RolePullRequest): void {
  if (args.quiet) return;
  for (const note of new Set([...editNotes(pr.plan).flatMap((n) => n.notes), ...planNotes(pr.plan), ...(pr.liveNotes ?? [])])) io.stderr(`${forTerminal(pr.role.role)}: note: ${forTerminal(note)}\n`);
}

/** stdout: the pull request's URL (the result); stderr: what was done. */
function report(io: CliIo, pr: AnyPullRequest, result: PublishResult): void {
  if (result.url) io.stdout(`${result.url}\n`);
  const what: Record<PublishResult['status'], string> = {
    created: 'pull request created',
    updated: result.pushed ? 'pull request updated (new commit pushed)' : 'pull request updated (the branch already held this edit: no new commit)',
    unchanged: 'pull request unchanged (the branch already held this edit)',
    closed: 'nothing left to trim: pull request closed with a comment',
    'nothing-to-trim': 'nothing left to trim: no pull request opened',
    blocked: result.commented === false
      ? 'the branch holds commits policy-trim did not make: nothing pushed; the pull request already has a comment naming them'
      : 'the branch holds commits policy-trim did not make: nothing pushed; commented on the pull request',
  };
  io.stderr(`${forTerminal(pr.role.role)}: branch ${forTerminal(pr.branch)}: ${what[result.status]}${result.url ? ` ${forTerminal(result.url)}` : ''}\n`);
}

/** Back to the branch (or commit) the run started on; a tool branch left mid-edit is reset first. */
async function restore(git: GitContext, start: string, io: CliIo): Promise<void> {
  try {
    const now = await currentBranch(git);
    if (now !== undefined && isToolBranchName(now)) await runGit(git, ['reset', '--quiet', '--hard']);
    if (now !== start) await checkoutBranch(git, start);
  } catch (e) {
    io.stderr(`warning: could not check out ${forTerminal(start)} again (${forTerminal((e as Error).message)}); run \`git checkout ${forTerminal(start)}\`.\n`);
  }
}
