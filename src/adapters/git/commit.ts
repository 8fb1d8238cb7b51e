/**
 * Staging the files the editors changed and committing them on the tool's branch, with the message from
 * `core/pr/commit-message.ts` and the identity from the caller, the environment or git's configuration.
 */
import { GitError } from './errors.js';
import { assertToolBranch, currentBranch, resolveCommit, type GitIdentity } from './repository.js';
import { runGit, type GitContext } from './run.js';

/** What git says when it cannot tell who commits (C locale). */
const IDENTITY_UNKNOWN = /please tell me who you are|empty ident name|unable to auto-detect email|no email was given|no name was given/i;

const IDENTITY_HINT =
  'Set git\'s identity (`git config user.name "..."` and `git config user.email "..."`, or GIT_AUTHOR_NAME, ' +
  'GIT_AUTHOR_EMAIL, GIT_COMMITTER_NAME, GIT_COMMITTER_EMAIL). In GitHub Actions the bot is ' +
  '"github-actions[bot]" <41898282+github-actions[bot]@users.noreply.github.com>.';

/**
 * Stages exactly `files` (paths relative to the context's folder) — never `git add -A`: other files in the
 * tree are not the tool's to commit. Deleted files are staged as deletions.
 */
export async function stageFiles(ctx: GitContext, files: readonly string[]): Promise<void> {
  if (files.length === 0) throw new GitError({ code: 'git-nothing-to-commit', message: 'No files were given to stage.', hint: 'Pass the files the edit changed.' });
  await runGit(ctx, ['add', '--all', '--', ...files], { hint: 'Check that each file is inside the repository.' });
}

/** Whether the index holds changes against HEAD. */
export async function hasStagedChanges(ctx: GitContext): Promise<boolean> {
  const out = await runGit(ctx, ['diff', '--cached', '--quiet', '--exit-code'], { okExitCodes: [1] });
  return out.exitCode === 1;
}

/** The environment that sets the author and committer to `identity`. */
function identityEnvironment(identity: GitIdentity | undefined): Record<string, string> {
  if (!identity) return {};
  return {
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email,
  };
}

/** Options of {@link commitStaged}. */
export interface CommitOptions {
  /** The full message (subject, body, trailers). */
  message: string;
  /** The tool's branch, which must be checked out. */
  branch: string;
  /** The base branch, on which nothing is ever committed. */
  base: string;
  /** Author and committer; default: git's configuration and environment. */
  identity?: GitIdentity;
}

/**
 * Commits what is staged on the tool's branch and returns the new commit. Refuses when the checked-out branch
 * is not `branch`, or is the base or outside `policy-trim/`, and when nothing is staged. The message goes
 * through stdin (no argument length limit, no option parsing) and only trailing white space is cleaned.
 */
export async function commitStaged(ctx: GitContext, options: CommitOptions): Promise<string> {
  assertToolBranch(options.branch, options.base);
  const checkedOut = await currentBranch(ctx);
  if (checkedOut !== options.branch) {
    throw new GitError({
      code: 'git-protected-branch',
      message: `policy-trim commits only on ${options.branch}, but ${checkedOut ?? 'a detached HEAD'} is checked out.`,
      hint: 'Prepare the branch first (it checks the branch out).',
    });
  }
  if (!(await hasStagedChanges(ctx))) {
    throw new GitError({ code: 'git-nothing-to-commit', message: `Nothing is staged to commit on ${options.branch}.`, hint: 'Stage the edited files first; an edit that changes nothing needs no commit.' });
  }
  try {
    await runGit(ctx, ['commit', '--quiet', '--cleanup=whitespace', '--file=-'], { input: options.message, env: identityEnvironment(options.identity) });
  } catch (err) {
    if (err instanceof GitError && IDENTITY_UNKNOWN.test(err.message)) {
      throw new GitError({ code: 'git-identity-missing', message: 'git does not know who commits.', hint: IDENTITY_HINT, command: err.command });
    }
    throw err;
  }
  return (await resolveCommit(ctx, 'HEAD'))!;
}
