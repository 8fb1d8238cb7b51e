/**
 * The local side of a pull request: which repository and branch we are in, whether the work tree is clean,
 * putting the tool's branch on the base, staging the edited files and committing them. The checks that keep a
 * person's work safe live here too: a dirty tree is refused, and nothing is committed on the base branch or
 * outside `policy-trim/`.
 */
import { isToolBranchName } from '../../core/pr/branch.js';
import { GitError } from './errors.js';
import { runGit, type GitContext } from './run.js';

/** Who commits, when not left to git's own configuration (`user.name`, `GIT_AUTHOR_NAME`, …). */
export interface GitIdentity {
  name: string;
  email: string;
}

/** What is changed in the work tree, as paths relative to the repository root. */
export interface WorkTreeChanges {
  /** Tracked files with staged or unstaged changes (including deletions, renames and conflicts). */
  tracked: string[];
  /** Files git does not track and does not ignore. */
  untracked: string[];
}

/** The top folder of the work tree `cwd` is in. */
export async function repositoryRoot(ctx: GitContext): Promise<string> {
  const out = await runGit(ctx, ['rev-parse', '--show-toplevel'], {
    code: 'git-not-a-repository',
    hint: 'Run policy-trim inside a clone of the repository that defines the roles.',
  });
  return out.stdout.trim();
}

/** The work tree's changes, read from `git status --porcelain -z` (paths exactly as git holds them). */
export async function workTreeChanges(ctx: GitContext): Promise<WorkTreeChanges> {
  const out = await runGit(ctx, ['status', '--porcelain=v1', '-z', '--untracked-files=all']);
  const entries = out.stdout.split('\0');
  const changes: WorkTreeChanges = { tracked: [], untracked: [] };
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry.length < 4) continue;
    const status = entry.slice(0, 2);
    if (status === '??') changes.untracked.push(entry.slice(3));
    else changes.tracked.push(entry.slice(3));
    if (status[0] === 'R' || status[0] === 'C') i++; // a rename's next entry is its old path
  }
  return changes;
}

/**
 * Refuses a work tree with changes to tracked files: they would be carried onto the tool's branch or lost
 * when it is switched. Untracked files are allowed by default (a workflow's downloaded trail or
 * `terraform show -json` output): the tool stages only the files it edits, and git itself refuses to
 * overwrite an untracked file when switching branches.
 */
export async function assertCleanWorkTree(ctx: GitContext, options: { allowUntracked?: boolean } = {}): Promise<void> {
  const changes = await workTreeChanges(ctx);
  const dirty = options.allowUntracked === false ? [...changes.tracked, ...changes.untracked] : changes.tracked;
  if (dirty.length === 0) return;
  const shown = dirty.slice(0, 5).join(', ') + (dirty.length > 5 ? ` and ${dirty.length - 5} more` : '');
  throw new GitError({
    code: 'git-dirty-work-tree',
    message: `The work tree has uncommitted changes (${shown}); policy-trim changes nothing in a dirty tree.`,
    hint: 'Commit or stash them (`git stash --include-untracked`), then run again.',
  });
}

/** The branch checked out, or undefined when HEAD is detached (as in a GitHub Actions pull-request checkout). */
export async function currentBranch(ctx: GitContext): Promise<string | undefined> {
  const out = await runGit(ctx, ['symbolic-ref', '--quiet', '--short', 'HEAD'], { okExitCodes: [1] });
  return out.exitCode === 0 ? out.stdout.trim() : undefined;
}

/**
 * The remote's default branch, the base of the pull request: from `refs/remotes/<remote>/HEAD` when the clone
 * has it, else asked of the remote (`git ls-remote --symref`; actions/checkout does not set the former).
 */
export async function defaultBranch(ctx: GitContext): Promise<string> {
  const local = await runGit(ctx, ['symbolic-ref', '--quiet', `refs/remotes/${ctx.remote}/HEAD`], { okExitCodes: [1, 128] });
  const prefix = `refs/remotes/${ctx.remote}/`;
  if (local.exitCode === 0 && local.stdout.trim().startsWith(prefix)) return local.stdout.trim().slice(prefix.length);
  const remote = await runGit(ctx, ['ls-remote', '--symref', ctx.remote, 'HEAD'], { network: true, code: 'git-no-base-branch' });
  const match = /^ref: refs\/heads\/(\S+)\s+HEAD$/m.exec(remote.stdout);
  if (match) return match[1]!;
  throw new GitError({
    code: 'git-no-base-branch',
    message: `The remote ${ctx.remote} does not say which branch is its default.`,
    hint: 'Name the base branch of the pull request explicitly.',
  });
}

/** The commit a ref points at, or undefined when the ref does not exist. */
export async function resolveCommit(ctx: GitContext, ref: string): Promise<string | undefined> {
  const out = await runGit(ctx, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { okExitCodes: [1] });
  return out.exitCode === 0 ? out.stdout.trim() : undefined;
}

/**
 * Refuses a branch the tool must not commit on or push: the base branch, and anything outside `policy-trim/`.
 * Every writing operation calls it first, whatever its caller checked.
 */
export function assertToolBranch(branch: string, base: string): void {
  if (branch !== base && isToolBranchName(branch)) return;
  throw new GitError({
    code: 'git-protected-branch',
    message:
      branch === base
        ? `policy-trim never commits on or pushes the base branch ${base}.`
        : `policy-trim only writes branches under policy-trim/, not ${branch}.`,
    hint: 'This is the branch policy-trim would have written; check the branch and base names it was given.',
  });
}

/**
 * Puts the tool's branch on the remote's base (fetched first) and checks it out, creating the branch or
 * resetting it: each run starts from the current base, so the pull request never carries stale edits. Refuses
 * a dirty work tree. Returns the base commit.
 */
export async function prepareBranch(ctx: GitContext, options: { branch: string; base: string }): Promise<string> {
  assertToolBranch(options.branch, options.base);
  await assertCleanWorkTree(ctx);
  const tracking = `refs/remotes/${ctx.remote}/${options.base}`;
  await runGit(ctx, ['fetch', '--quiet', '--no-tags', ctx.remote, `+refs/heads/${options.base}:${tracking}`], {
    network: true,
    hint: `Check that the remote ${ctx.remote} has the branch ${options.base} and that the token may read it.`,
  });
  const baseSha = (await resolveCommit(ctx, tracking))!;
  await runGit(ctx, ['checkout', '--quiet', '--no-track', '-B', options.branch, baseSha]);
  return baseSha;
}

/** Checks out an existing branch (e.g. the one the run started on, when it is done). */
export async function checkoutBranch(ctx: GitContext, branch: string): Promise<void> {
  await runGit(ctx, ['checkout', '--quiet', branch, '--']);
}
