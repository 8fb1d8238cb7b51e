/**
 * Which GitHub repository the pull request goes to: `OWNER/NAME` from `--repo` or `GITHUB_REPOSITORY`, or read
 * from the `origin` remote's URL (https, `ssh://`, scp-like `git@host:owner/name.git`, on github.com or a
 * GitHub Enterprise host). A URL's credentials are never repeated in an error.
 */
import { PullRequestInputError } from './errors.js';

/** A GitHub repository. */
export interface RepoSlug {
  owner: string;
  name: string;
  /** The web host the remote points at (`github.com`, `ghe.example.com`); absent for `--repo`. */
  host?: string;
}

/** GitHub owner (user or organization; Enterprise managed users add `_shortcode`). */
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,98}[A-Za-z0-9_])?$/;
/** GitHub repository names: letters, digits, `.`, `_`, `-`; `.` and `..` are reserved. */
const REPO_NAME = /^[A-Za-z0-9._-]{1,100}$/;

/** `owner` and `name` as GitHub allows them, or why not. */
function slugProblem(owner: string, name: string): string | undefined {
  if (!OWNER.test(owner)) return `"${owner}" is not a GitHub owner name`;
  if (!REPO_NAME.test(name) || name === '.' || name === '..') return `"${name}" is not a GitHub repository name`;
  return undefined;
}

/**
 * Parses `OWNER/NAME` as given to `--repo` (or in `GITHUB_REPOSITORY`; `source` names which in the error).
 * A trailing `.git` is not accepted here: the value is a repository name, not a URL.
 */
export function parseRepoOption(value: string, source = '--repo'): RepoSlug {
  const parts = value.trim().split('/');
  const problem = parts.length === 2 ? slugProblem(parts[0]!, parts[1]!) : 'it is not OWNER/NAME';
  if (problem !== undefined) {
    throw new PullRequestInputError('pr-repo-invalid', `${source} ${JSON.stringify(value)}: ${problem}.`, `Pass the repository as OWNER/NAME, e.g. ${source} octo-org/infra.`, { usage: source === '--repo' });
  }
  return { owner: parts[0]!, name: parts[1]! };
}

/** A remote URL with any `user:password@` removed, for error messages. */
export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1');
}

/** Host and path of a remote URL, or undefined when it is a local path or an unknown scheme. */
function hostAndPath(url: string): { host: string; path: string } | undefined {
  const withScheme = /^(?:https?|ssh|git\+ssh|ssh\+git|git):\/\/(?:[^@/]*@)?([^/:]+)(?::\d*)?\/(.*)$/i.exec(url);
  if (withScheme) return { host: withScheme[1]!.toLowerCase(), path: withScheme[2]! };
  // scp-like syntax: [user@]host:path, where the host has no slash and the path does not start with one.
  const scp = /^(?:[^@/:]+@)?([^/:]+):(?!\/)(.*)$/.exec(url);
  if (scp && !/^[a-z]$/i.test(scp[1]!)) return { host: scp[1]!.toLowerCase(), path: scp[2]! };
  return undefined;
}

/**
 * The GitHub repository a remote URL points at. Accepts `https://HOST/OWNER/NAME[.git][/]`, `ssh://[user@]HOST[:port]/OWNER/NAME[.git]`,
 * `git://…` and the scp-like `[user@]HOST:OWNER/NAME[.git]`, for github.com and any Enterprise host.
 * Throws `pr-remote-unsupported` for local paths, `file://` URLs and paths that are not exactly `OWNER/NAME`.
 */
export function parseRemoteUrl(url: string, remoteName = 'origin'): RepoSlug {
  const shown = withoutCredentials(url.trim());
  const located = hostAndPath(url.trim());
  const segments = located?.path.replace(/\/+$/, '').replace(/\.git$/, '').split('/');
  const problem = !located
    ? 'it is not a URL of a hosted repository'
    : segments!.length !== 2
      ? 'its path is not OWNER/NAME'
      : slugProblem(segments![0]!, segments![1]!);
  if (problem !== undefined) {
    throw new PullRequestInputError(
      'pr-remote-unsupported',
      `The ${remoteName} remote ${JSON.stringify(shown)} does not name a GitHub repository: ${problem}.`,
      'Pass the repository with --repo OWNER/NAME.',
    );
  }
  return { owner: segments![0]!, name: segments![1]!, host: located!.host };
}

/**
 * The REST API root for a GitHub web host: `https://api.github.com` for github.com, `https://api.SUB.ghe.com`
 * for GitHub Enterprise Cloud with data residency, and `https://HOST/api/v3` for GitHub Enterprise Server.
 */
export function apiUrlForHost(host: string): string {
  const lower = host.toLowerCase();
  if (lower === 'github.com' || lower === 'www.github.com') return 'https://api.github.com';
  if (lower.endsWith('.ghe.com')) return `https://api.${lower}`;
  return `https://${lower}/api/v3`;
}
