/**
 * The one error type of the git adapter: a stable code, what happened (naming the git command, with any
 * credential removed), and what to do next.
 */
import { PolicyTrimError } from '../../core/errors.js';

/** Stable codes of {@link GitError}. */
export type GitErrorCode =
  /** `git` is not on PATH. */
  | 'git-not-installed'
  /** The folder is not inside a git work tree. */
  | 'git-not-a-repository'
  /** Tracked files have changes, staged or not: the tool would mix them into its commit or lose them. */
  | 'git-dirty-work-tree'
  /** The operation would commit on or push the base branch, or a branch outside `policy-trim/`. */
  | 'git-protected-branch'
  /** The remote branch has commits the tool did not make: it pushes nothing there. */
  | 'git-branch-has-other-commits'
  /** The remote branch moved after it was inspected (the lease no longer holds). */
  | 'git-push-rejected'
  /** git does not know who commits: no user.name / user.email and no GIT_AUTHOR_* / GIT_COMMITTER_*. */
  | 'git-identity-missing'
  /** Nothing staged to commit. */
  | 'git-nothing-to-commit'
  /** The remote's default branch could not be found. */
  | 'git-no-base-branch'
  /** Any other failing git command. */
  | 'git-failed';

/** Fields of a {@link GitError}. */
export interface GitErrorInit {
  code: GitErrorCode;
  message: string;
  hint: string;
  /** The git command that failed, as shown to the user (credentials removed). */
  command?: string;
}

/** An error of the git adapter; always the user's side (their repository, remote, identity or permissions). */
export class GitError extends PolicyTrimError {
  declare readonly code: GitErrorCode;
  /** The git command that failed, credentials removed. */
  readonly command?: string;

  constructor(init: GitErrorInit) {
    super({ code: init.code, message: init.message, hint: init.hint, source: 'user' });
    this.command = init.command;
  }
}

/** A commit on a pull-request branch, as the safety checks report it. */
export interface BranchCommit {
  sha: string;
  /** `Name <email>` of the author. */
  author: string;
  subject: string;
  /** Whether the commit carries policy-trim's trailers (for this role). */
  byTool: boolean;
}

/**
 * The remote branch holds commits policy-trim did not make (a person's fix, a merge from the base, or a
 * branch the tool never created): nothing is pushed, and the caller comments on the pull request instead.
 */
export class GitBranchHasOtherCommitsError extends GitError {
  /** The commits on the branch (newest first) that are not the tool's. */
  readonly commits: readonly BranchCommit[];
  /** Whether the tool ever committed on the branch (false: it did not create it). */
  readonly createdByTool: boolean;

  constructor(branch: string, commits: readonly BranchCommit[], createdByTool: boolean) {
    const list = commits.map((c) => `${c.sha.slice(0, 12)} ${c.author}: ${c.subject}`).join('; ');
    super({
      code: 'git-branch-has-other-commits',
      message: createdByTool
        ? `The branch ${branch} has ${commits.length} commit(s) since policy-trim's last one that policy-trim did not make (${list}); nothing was pushed.`
        : `The branch ${branch} was not created by policy-trim (${list}); nothing was pushed.`,
      hint: createdByTool
        ? 'Merge or close the pull request, or delete the branch, and policy-trim will propose a fresh one on its next run.'
        : `Rename or delete the branch ${branch} so policy-trim can use it.`,
    });
    this.commits = commits;
    this.createdByTool = createdByTool;
  }
}
