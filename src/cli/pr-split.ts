/**
 * `policy-trim pr --split-by-function`: one role's pull request that adds a role per function of the shared role
 * to the file where the shared role is defined (core/split/add-roles.ts). The split is `suggest
 * --split-by-function`'s own (cli/suggest-split.ts splitRole over core/split), made from what the repository
 * grants the role (core/split/repo-grant.ts, the planner's reading of its `defined-in` sites); its functions come
 * from the same places (`roles[].functions`, `--functions`, `--function-roles-from-lambda`, `--event-source`).
 * No git and no GitHub here: the dry run prints it, the publisher commits and opens it, as for a trim.
 */
import { readdir, readFile } from 'node:fs/promises';
import type { Argv } from 'yargs';
import { join } from 'node:path';
import { loadBundledSamTemplates } from '../adapters/fs/bundled-sam.js';
import type { RoleConfig } from '../core/config/types.js';
import type { FileEdit } from '../core/iac/plan-types.js';
import { splitCommitMessage } from '../core/pr/commit-message.js';
import type { PullRequestText } from '../core/pr/body.js';
import { BRANCH_PREFIX, roleRefFrom } from '../core/pr/branch.js';
import { terminalLines } from '../core/render/escape.js';
import { addSplitRoles, splitTarget, type SplitTarget } from '../core/split/add-roles.js';
import type { TerraformText } from '../core/split/add-roles-terraform.js';
import { isJsonText } from '../core/split/add-roles-json.js';
import { renderSplitPullRequest } from '../core/split/pr-body.js';
import { repositoryGrant } from '../core/split/repo-grant.js';
import { splitSummaryLines } from '../core/split/summary.js';
import { describeWindow } from '../core/usage/time-window.js';
import { CliError, usageError } from './errors.js';
import type { CliIo } from './io.js';
import type { PrRepository } from './pr-config.js';
import { observedActivity, reportPathFor, toolVersion, type RoleIdentity, type RolePlanInputs } from './pr-plan.js';
import { functionsOf, splitRole } from './suggest-split.js';
import type { ObservedRun, TrimContext } from './suggest-wiring.js';

/** A split's pull request: what the dry run prints and the publisher commits. */
export interface SplitPullRequest {
  kind: 'split';
  role: RoleConfig;
  roleArn: string;
  branch: string;
  /** The one edited file (the roles added). */
  edits: FileEdit[];
  text: PullRequestText;
  reportPath: string;
  /** The commit message (it names the one edited file; a full report committed with it needs no mention). */
  commitMessage: string;
  /** Where the functions came from and the split's summary, for stderr. */
  notes: string[];
}

/** The split's options: `--split-by-function` and what it reads (as `suggest --split-by-function` has them). */
export function withPrSplitOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option('split-by-function', { type: 'boolean', default: false, describe: 'Instead of trimming the role, add one role per function of it to the file where it is defined (the shared role stays as it is)' })
    .option('functions', { type: 'string', array: true, describe: 'With --split-by-function, offline: the role\'s functions (comma-separated or repeated), when the configuration does not list them' })
    .option('function-roles-from-lambda', { type: 'boolean', default: false, describe: 'With --split-by-function: read which functions use the role, their VPC, tracing and event sources from Lambda' })
    .option('event-source', { type: 'string', array: true, describe: 'With --split-by-function, offline: FUNCTION=SOURCE_ARN, an event source Lambda reads with the role for that function' });
}

/** The split's options without `--split-by-function`, or with `--discover`: usage errors. */
export function checkPrSplitOptions(args: Record<string, unknown>): void {
  const only = ['functions', 'event-source'].filter((o) => args[o] !== undefined).concat(args['function-roles-from-lambda'] ? ['function-roles-from-lambda'] : []);
  if (!args['split-by-function']) {
    if (only.length) throw usageError(`--${only[0]} goes with --split-by-function`);
    return;
  }
  if (args.discover) throw usageError('--discover and --split-by-function cannot be combined', 'Run --discover first to write the configuration, then pr --split-by-function --role R.');
  if (args['inline-resolved']) throw usageError('--inline-resolved does not apply to --split-by-function: the new roles are always written with resolved values');
}

/** The segment a split's branch adds after the branch prefix: `policy-trim/split-by-function/<role>`. */
export const SPLIT_BRANCH_SEGMENT = 'split-by-function/';

/**
 * The split's branch from the role's trim branch: distinct from it (a split and a trim of one role are two pull
 * requests), in the tool's namespace. A role named `split-by-function` would own the ref the segment needs: refused.
 */
export function splitBranchOf(trimBranch: string, repo: PrRepository): string {
  const prefix = repo.config.config.pr.branchPrefix ?? BRANCH_PREFIX;
  if (repo.config.config.roles.some((r) => roleRefFrom(r.role).name.toLowerCase() === SPLIT_BRANCH_SEGMENT.slice(0, -1))) {
    throw new CliError('pr-branch-split', `${repo.config.file} has a role named ${SPLIT_BRANCH_SEGMENT.slice(0, -1)}, whose branch is the folder split branches live in`, 'Split that role\'s pull requests by hand, or rename the role in the configuration to its ARN with a path.');
  }
  return prefix + SPLIT_BRANCH_SEGMENT + trimBranch.slice(prefix.length);
}

/** The other `.tf` files of the target's folder (Terraform wants an address once per module). */
async function neighbours(repo: PrRepository, target: SplitTarget): Promise<TerraformText[]> {
  if (target.format !== 'terraform') return [];
  const folder = target.file.includes('/') ? target.file.slice(0, target.file.lastIndexOf('/') + 1) : '';
  const names = (await readdir(join(repo.root, ...folder.split('/').filter(Boolean)))).filter((n) => n.endsWith('.tf') && folder + n !== target.file).sort();
  return Promise.all(names.map(async (n) => ({ file: folder + n, text: await readFile(join(repo.root, ...folder.split('/').filter(Boolean), n), 'utf8') })));
}

/** What planning a split needs of the run. */
export interface SplitRun {
  args: Record<string, unknown>;
  io: CliIo;
  ctx: TrimContext;
  run: ObservedRun;
  repo: PrRepository;
}

/**
 * Plans one role's split: the repository's grant, the role's functions, the split (proved per function, as
 * `suggest` proves), the roles added to the file and checked (size, names), title and body. Throws SplitError,
 * IacError and InternalError with nothing written.
 */
export async function planSplitRole(r: SplitRun, inputs: RolePlanInputs, who: RoleIdentity): Promise<SplitPullRequest> {
  const { args, io, ctx, run, repo } = r;
  const documents = repositoryGrant({ role: who.roleArn, sites: inputs.sites, values: inputs.values, managedPolicies: inputs.managed, samTemplates: loadBundledSamTemplates(), ...(inputs.managedUnread ? { managedPoliciesUnread: inputs.managedUnread } : {}) });
  const known = await functionsOf(args, io, inputs.role.role, who.roleArn, repo.config);
  const { split, output } = splitRole(args, ctx, run, { roleArn: who.roleArn, documents, known });
  const target = splitTarget(inputs.sites);
  const added = addSplitRoles(target, output, await neighbours(repo, target));
  const edit: FileEdit = { file: target.file, before: target.text, after: added.after, sites: inputs.sites.filter((s) => s.site.file === target.file).map((s) => s.site), notes: [] };
  const window = describeWindow(ctx.window);
  const reportPath = reportPathFor(inputs.branch);
  const text = renderSplitPullRequest({
    role: who.roleArn,
    split,
    edit: { file: target.file, format: target.format, roles: added.roles, json: isJsonText(target.text) },
    observed: observedActivity(args, ctx, run, who.usage),
    window,
    toolVersion: toolVersion(),
    ...(inputs.base === undefined ? {} : { baseBranch: inputs.base }),
    reportPath,
  });
  const dates = { from: ctx.window.since?.toISOString() ?? 'the oldest record read', to: (ctx.window.until ?? io.now()).toISOString() };
  const commitMessage = splitCommitMessage({ role: who.roleArn, toolVersion: toolVersion(), file: target.file, roles: added.roles, residual: split.residual !== undefined, window: dates });
  const notes = [...splitSummaryLines(split, { roleArn: who.roleArn, window }), ...known.notes];
  return { kind: 'split', role: inputs.role, roleArn: who.roleArn, branch: inputs.branch, edits: [edit], text, reportPath, commitMessage, notes };
}

/** The split's summary and where its functions came from, on stderr unless `--quiet`. */
export function printSplitNotes(args: Record<string, unknown>, io: CliIo, pr: SplitPullRequest): void {
  if (!args.quiet) io.stderr(terminalLines(pr.notes));
}
