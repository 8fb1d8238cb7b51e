/**
 * The errors of the pull-request core: a role that cannot name a branch, and a repository that cannot be named
 * as `OWNER/NAME`. Both are the user's input (a config entry, `--role`, `--repo`, the `origin` remote).
 */
import { ERROR_EXIT, PolicyTrimError } from '../errors.js';

/** Stable codes of {@link PullRequestInputError}. */
export type PullRequestInputCode =
  /** A role name or ARN that cannot become a branch (empty, not a role ARN, too long for a ref). */
  | 'pr-role-invalid'
  /** Two roles share a name and one of them has no account to tell their branches apart. */
  | 'pr-branch-ambiguous'
  /** `--repo` or `GITHUB_REPOSITORY` is not `OWNER/NAME`. */
  | 'pr-repo-invalid'
  /** The `origin` remote is not a GitHub repository URL policy-trim can read. */
  | 'pr-remote-unsupported';

/** Input to the pull-request feature that cannot be used: says which value and what to pass instead. */
export class PullRequestInputError extends PolicyTrimError {
  declare readonly code: PullRequestInputCode;

  constructor(code: PullRequestInputCode, message: string, hint: string, options: { usage?: boolean } = {}) {
    super({ code, message, hint, exitCode: options.usage ? ERROR_EXIT.USAGE : ERROR_EXIT.ERROR, source: 'user' });
  }
}
