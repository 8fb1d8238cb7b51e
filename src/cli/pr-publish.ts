/**
 * Publishing one role's pull request: the branch is rebuilt from the base, the edited files are committed with
 * the tool's message and trailers, pushed under a lease, and the pull request found by its head branch is
 * created, updated or closed. Every safety check lives in the git adapter (adapters/git), which runs it whatever
 * this module checked; here the decisions are made: push nothing over a person's commits (comment instead, once
 * for the same commits), no new commit when the branch already holds this very edit, close the pull request when
 * nothing is left to trim.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { commitStaged, hasStagedChanges, stageFiles } from '../adapters/git/commit.js';
import { GitBranchHasOtherCommitsError } from '../adapters/git/errors.js';
import { pushToolBranch, type RemoteBranchState } from '../adapters/git/remote-branch.js';
import { resolveCommit } from '../adapters/git/repository.js';
import { runGit, type GitContext } from '../adapters/git/run.js';
import type { GitHubClient, PullRequest } from '../adapters/github/client.js';
import { blockedAlreadySaid, blockedComment } from '../core/pr/blocked-comment.js';
import { trimCommitMessage } from '../core/pr/commit-message.js';
import { editsOf, type AnyPullRequest } from './pr-dry-run.js';
import type { RolePullRequest } from './pr-plan.js';
import { toolVersion } from './pr-plan.js';

/** What happened to one role's pull request. */
export type PublishStatus = 'created' | 'updated' | 'unchanged' | 'closed' | 'nothing-to-trim' | 'blocked';

/** The outcome of publishing one role. */
export interface PublishResult {
  status: PublishStatus;
  url?: string;
  /** Whether a new commit was pushed. */
  pushed: boolean;
  /**
   * For `blocked`: whether a comment was posted now (false: an earlier run's comment already names these
   * commits, so the pull request is left as it is).
   */
  commented?: boolean;
}

/** What every role of a run shares. */
export interface PublishContext {
  git: GitContext;
  base: string;
  github: GitHubClient;
  labels: string[];
  /** The base commit the role's branch was prepared on. */
  baseSha: string;
}

/** The sentence closing a pull request with nothing left to trim. */
export const NOTHING_LEFT_COMMENT =
  'policy-trim: nothing left to trim. The role now uses everything its policy grants (or the grants were trimmed by another change), so this pull request is closed. policy-trim will open a new one if unused permissions appear again.';

/** Publishes one role (the branch is checked out, on the base, with the edits planned from its files). */
export async function publishRole(pr: AnyPullRequest, remote: RemoteBranchState, ctx: PublishContext): Promise<PublishResult> {
  const open = await ctx.github.findOpenPullRequest(pr.branch, ctx.base);
  if (remote.kind === 'other-commits') {
    if (!open) throw new GitBranchHasOtherCommitsError(pr.branch, remote.commits, remote.createdByTool);
    // Once per situation: a scheduled run finding the same commits again has nothing new to say.
    const said = blockedAlreadySaid(await ctx.github.listComments(open.number), remote.commits);
    if (!said) await ctx.github.comment(open.number, blockedComment({ branch: pr.branch, title: pr.text.title, commits: remote.commits }));
    return { status: 'blocked', url: open.url, pushed: false, commented: !said };
  }
  if (editsOf(pr).length === 0) {
    if (!open) return { status: 'nothing-to-trim', pushed: false };
    const closed = await ctx.github.closePullRequest(open.number, NOTHING_LEFT_COMMENT);
    return { status: 'closed', url: closed.url, pushed: false };
  }
  const pushed = await commitAndPush(pr, remote, ctx);
  const body = pr.text.body;
  if (!open) {
    const created = await ctx.github.createPullRequest({ head: pr.branch, base: ctx.base, title: pr.text.title, body });
    await addMissingLabels(ctx, created);
    return { status: 'created', url: created.url, pushed };
  }
  const same = open.title === pr.text.title && open.body === body;
  if (!same) await ctx.github.updatePullRequest(open.number, { title: pr.text.title, body });
  const labelled = await addMissingLabels(ctx, open);
  return { status: same && !pushed && !labelled ? 'unchanged' : 'updated', url: open.url, pushed };
}

/** Adds the labels the pull request does not have yet; true when some were added. */
async function addMissingLabels(ctx: PublishContext, pr: PullRequest): Promise<boolean> {
  const missing = ctx.labels.filter((l) => !pr.labels.includes(l));
  if (missing.length) await ctx.github.addLabels(pr.number, missing);
  return missing.length > 0;
}

/**
 * Writes the edited files (and the full report when the body is shortened), commits them, and pushes under a
 * lease on what the remote branch held — unless it already holds this very edit on this very base, in which
 * case nothing is pushed and no commit is added to its history. Returns whether a commit was pushed.
 */
async function commitAndPush(pr: AnyPullRequest, remote: RemoteBranchState, ctx: PublishContext): Promise<boolean> {
  const files = editsOf(pr).map((e) => ({ path: e.file, text: e.after }));
  if (pr.text.fullReport !== undefined) files.push({ path: pr.reportPath, text: pr.text.fullReport });
  for (const f of files) {
    const full = join(ctx.git.cwd, ...f.path.split('/'));
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, f.text, 'utf8');
  }
  await stageFiles(ctx.git, files.map((f) => f.path));
  if (!(await hasStagedChanges(ctx.git))) return false; // the edit is already on the base: nothing to commit
  const message = 'kind' in pr ? pr.commitMessage : trimMessage(pr, files.map((f) => f.path));
  const sha = await commitStaged(ctx.git, { message, branch: pr.branch, base: ctx.base });
  const target = { branch: pr.branch, base: ctx.base, role: pr.roleArn };
  if (remote.kind === 'tool' && (await sameEdit(ctx, remote.sha, sha))) return false;
  await pushToolBranch(ctx.git, target, remote.kind === 'absent' ? null : remote.sha);
  return true;
}

/** The commit message of a trim. */
function trimMessage(pr: RolePullRequest, files: string[]): string {
  const s = pr.plan.suggestion.stats;
  return trimCommitMessage({ role: pr.roleArn, toolVersion: toolVersion(), removedActions: s.removedActions, narrowedActions: s.narrowedActions, files, window: pr.window });
}

/** Whether the remote branch's commit holds the same tree on the same base as the new one. */
async function sameEdit(ctx: PublishContext, remoteSha: string, localSha: string): Promise<boolean> {
  const tree = async (ref: string) => (await runGit(ctx.git, ['rev-parse', `${ref}^{tree}`])).stdout.trim();
  const parent = await resolveCommit(ctx.git, `${remoteSha}^`);
  return parent === ctx.baseSha && (await tree(remoteSha)) === (await tree(localSha));
}
