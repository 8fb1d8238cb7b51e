/**
 * The remote side of the tool's branch: what is on it, and pushing to it safely. The tool owns a branch only
 * while every commit on it (beyond the base) is its own; a commit without its trailers — a person's fix, a
 * merge from the base, a branch someone else created under the same name — means nothing is pushed and the
 * caller comments on the pull request instead. The push itself is a force-push (each run rebuilds the branch
 * from the base) guarded by a lease on the commit that was inspected, so a push that lands in between is
 * never overwritten.
 */
import { isToolCommit } from '../../core/pr/commit-message.js';
import { GitBranchHasOtherCommitsError, GitError, type BranchCommit } from './errors.js';
import { assertToolBranch, resolveCommit } from './repository.js';
import { runGit, type GitContext } from './run.js';

/** What the remote holds under the tool's branch name. */
export type RemoteBranchState =
  /** No such branch: the first push creates it. */
  | { kind: 'absent' }
  /** Every commit beyond the base is the tool's: it may be replaced (with a lease on `sha`). */
  | { kind: 'tool'; sha: string }
  /** Commits the tool did not make (see `createdByTool`): push nothing. */
  | { kind: 'other-commits'; sha: string; commits: BranchCommit[]; createdByTool: boolean };

/** Which branch, against which base, for which role. */
export interface BranchTarget {
  /** The tool's branch (`policy-trim/...`). */
  branch: string;
  /** The base branch of the pull request. */
  base: string;
  /** The role's ARN as written in the commits' trailer: a tool commit for another role is not this branch's. */
  role?: string;
}

const FIELD = '\u001f';
const RECORD = '\u001e';

/** The commits in `range` (newest first), each with whether it is the tool's. */
async function commitsIn(ctx: GitContext, range: string[], role: string | undefined): Promise<BranchCommit[]> {
  const format = ['%H', '%an <%ae>', '%s', '%B'].join('%x1f') + '%x1e';
  const out = await runGit(ctx, ['log', `--format=${format}`, ...range, '--']);
  return out.stdout
    .split(RECORD)
    .map((r) => r.replace(/^\n/, ''))
    .filter((r) => r.length > 0)
    .map((record) => {
      const [sha, author, subject, body] = record.split(FIELD) as [string, string, string, string];
      return { sha, author, subject, byTool: isToolCommit(body, role) };
    });
}

/** The commit the remote's branch points at, or undefined when it has no such branch. */
export async function remoteBranchSha(ctx: GitContext, branch: string): Promise<string | undefined> {
  const ref = `refs/heads/${branch}`;
  const out = await runGit(ctx, ['ls-remote', '--heads', ctx.remote, ref], {
    network: true,
    hint: `Check that the remote ${ctx.remote} is reachable and that the token may read it.`,
  });
  const line = out.stdout.split('\n').find((l) => l.endsWith(`\t${ref}`));
  return line?.split('\t')[0];
}

/** Fetches the base and the branch into their remote-tracking refs (forced: the tool's branch is rewritten). */
async function fetchBranches(ctx: GitContext, target: BranchTarget): Promise<void> {
  const refspecs = [target.base, target.branch].map((b) => `+refs/heads/${b}:refs/remotes/${ctx.remote}/${b}`);
  await runGit(ctx, ['fetch', '--quiet', '--no-tags', ctx.remote, ...refspecs], {
    network: true,
    hint: `Check that the remote ${ctx.remote} is reachable and that the token may read it.`,
  });
}

/**
 * Fetches the rest of the history when the clone is shallow (actions/checkout fetches one commit by
 * default): with the base's history cut off, every older commit under the branch would look like one the base
 * does not hold, and so like someone else's.
 */
async function ensureFullHistory(ctx: GitContext, base: string): Promise<void> {
  const shallow = await runGit(ctx, ['rev-parse', '--is-shallow-repository']);
  if (shallow.stdout.trim() !== 'true') return;
  await runGit(ctx, ['fetch', '--quiet', '--no-tags', '--unshallow', ctx.remote, `+refs/heads/${base}:refs/remotes/${ctx.remote}/${base}`], {
    network: true,
    hint: 'Check out with the full history (actions/checkout: `fetch-depth: 0`).',
  });
}

/**
 * What is on the remote branch: absent, the tool's alone, or holding commits the tool did not make. A branch
 * with no commits beyond the base (its pull request was merged) is the tool's when its tip commit is.
 */
export async function inspectRemoteBranch(ctx: GitContext, target: BranchTarget): Promise<RemoteBranchState> {
  const tracking = `refs/remotes/${ctx.remote}/${target.branch}`;
  if ((await remoteBranchSha(ctx, target.branch)) === undefined) {
    await runGit(ctx, ['update-ref', '-d', tracking]); // a stale tracking ref must not look like the branch
    return { kind: 'absent' };
  }
  await ensureFullHistory(ctx, target.base);
  await fetchBranches(ctx, target);
  const sha = (await resolveCommit(ctx, tracking))!;
  let commits = await commitsIn(ctx, [`refs/remotes/${ctx.remote}/${target.base}..${sha}`], target.role);
  if (commits.length === 0) commits = await commitsIn(ctx, ['-1', sha], target.role);
  const others = commits.filter((c) => !c.byTool);
  if (others.length === 0) return { kind: 'tool', sha };
  return { kind: 'other-commits', sha, commits: others, createdByTool: commits.some((c) => c.byTool) };
}

/** The remote branch is no longer where the caller saw it: nothing is pushed. */
function branchMovedError(target: BranchTarget, command?: string): GitError {
  return new GitError({
    code: 'git-push-rejected',
    message: `The remote branch ${target.branch} changed after policy-trim looked at it; nothing was pushed.`,
    hint: 'Run policy-trim again: it will look at the branch as it is now.',
    command,
  });
}

/** A push the remote refused because the lease no longer held becomes `git-push-rejected`; others stay as they are. */
function pushError(err: unknown, target: BranchTarget): unknown {
  if (err instanceof GitError && /stale info|\(fetch first\)|non-fast-forward|\[rejected\]/.test(err.message)) return branchMovedError(target, err.command);
  return err;
}

/**
 * `git push --force-with-lease=refs/heads/BRANCH:EXPECTED` of `localSha` to the branch: the remote takes it only
 * while its branch is still at `expectedSha` (`null`: still absent). The low-level step of
 * {@link pushToolBranch}, which decides whether to push at all.
 */
export async function pushWithLease(ctx: GitContext, target: BranchTarget, localSha: string, expectedSha: string | null): Promise<void> {
  assertToolBranch(target.branch, target.base);
  const ref = `refs/heads/${target.branch}`;
  const args = ['push', '--quiet', `--force-with-lease=${ref}:${expectedSha ?? ''}`, ctx.remote, `${localSha}:${ref}`];
  try {
    await runGit(ctx, args, { network: true, hint: `Check that the token may push to ${ctx.remote} (contents: write).` });
  } catch (err) {
    throw pushError(err, target);
  }
}

/**
 * Pushes the local tool branch to the remote, replacing the tool's previous commits. Checks everything again
 * first, whatever the caller did: the branch is the tool's and not the base; every local commit beyond the
 * base is the tool's; the remote branch is absent or the tool's alone (else
 * {@link GitBranchHasOtherCommitsError}) and still where the caller saw it (`expectedSha`, `null` for absent;
 * else `git-push-rejected`); and the push is leased on that commit. Returns the pushed commit.
 */
export async function pushToolBranch(ctx: GitContext, target: BranchTarget, expectedSha: string | null): Promise<string> {
  assertToolBranch(target.branch, target.base);
  const localSha = await resolveCommit(ctx, `refs/heads/${target.branch}`);
  if (localSha === undefined) throw new GitError({ code: 'git-failed', message: `There is no local branch ${target.branch} to push.`, hint: 'Prepare the branch and commit first.' });
  const local = await commitsIn(ctx, [`refs/remotes/${ctx.remote}/${target.base}..${localSha}`], target.role);
  if (local.length === 0 || local.some((c) => !c.byTool)) {
    throw new GitError({
      code: 'git-protected-branch',
      message: `The local branch ${target.branch} holds ${local.length === 0 ? 'no commit of policy-trim' : 'commits policy-trim did not make'}; nothing was pushed.`,
      hint: 'Let policy-trim prepare the branch from the base and commit its edit.',
    });
  }
  const now = await inspectRemoteBranch(ctx, target);
  if (now.kind === 'other-commits') throw new GitBranchHasOtherCommitsError(target.branch, now.commits, now.createdByTool);
  const nowSha = now.kind === 'absent' ? null : now.sha;
  if (nowSha !== expectedSha) throw branchMovedError(target);
  await pushWithLease(ctx, target, localSha, expectedSha);
  return localSha;
}
