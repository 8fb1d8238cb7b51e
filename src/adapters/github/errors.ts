/**
 * GitHub REST errors as policy-trim's typed errors: the HTTP status, what was being done, GitHub's own
 * message, and a hint for the usual causes (a wrong token, missing workflow permissions or the Actions
 * setting, a repository the token cannot see, a request GitHub found invalid). The token never appears: every
 * text is redacted, and the library's error (which holds the request) is not kept.
 */
import { PolicyTrimError } from '../../core/errors.js';
import { redactSecrets } from '../../core/pr/redact.js';

/** Stable codes of {@link GitHubApiError}. */
export type GitHubErrorCode =
  /** No token from `--github-token` or `GITHUB_TOKEN`. */
  | 'github-no-token'
  /** The API URL is not an http(s) URL. */
  | 'github-bad-url'
  /** 401: the token is wrong, expired or revoked. */
  | 'github-unauthorized'
  /** 403: the token may not do this, or Actions may not create pull requests. */
  | 'github-forbidden'
  /** 403/429 with the rate limit spent. */
  | 'github-rate-limited'
  /** 404: no such repository (or pull request), or the token cannot see it. */
  | 'github-not-found'
  /** 422: GitHub refused the request's content (no commits between branches, a pull request already open…). */
  | 'github-validation'
  /** A body over GitHub's 65,536-character limit was about to be sent. */
  | 'github-body-too-long'
  /** No answer: network, DNS, TLS, timeout. */
  | 'github-unreachable'
  /** Any other status. */
  | 'github-error';

/** Fields of a {@link GitHubApiError}. */
export interface GitHubErrorInit {
  code: GitHubErrorCode;
  message: string;
  hint: string;
  status?: number;
  /** What policy-trim was doing, e.g. `create the pull request`. */
  operation: string;
}

/** An error of the GitHub adapter. Its source is the user's side except a too-long body, which is the tool's. */
export class GitHubApiError extends PolicyTrimError {
  declare readonly code: GitHubErrorCode;
  /** The HTTP status GitHub answered with, when it answered. */
  readonly status?: number;
  /** What policy-trim was doing. */
  readonly operation: string;

  constructor(init: GitHubErrorInit) {
    super({ code: init.code, message: init.message, hint: init.hint, source: init.code === 'github-body-too-long' ? 'tool' : 'user' });
    this.status = init.status;
    this.operation = init.operation;
  }
}

/** What the request was: for the message and hints. */
export interface RequestContext {
  operation: string;
  /** `OWNER/NAME`. */
  repo: string;
  apiUrl: string;
  token?: string;
}

/** The parts of an Octokit `RequestError` the mapping reads (duck-typed: `@octokit/request-error` is not a direct dependency). */
interface HttpErrorLike {
  status: number;
  message: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

function isHttpError(err: unknown): err is HttpErrorLike {
  return err instanceof Error && typeof (err as { status?: unknown }).status === 'number';
}

/** GitHub's message and the `errors[].message`/`code` details of a 422. */
function githubDetail(data: unknown): string {
  if (typeof data !== 'object' || data === null) return typeof data === 'string' ? data.slice(0, 300) : '';
  const { message, errors } = data as { message?: unknown; errors?: unknown };
  const details = Array.isArray(errors)
    ? errors.map((e) => (typeof e === 'object' && e !== null ? String((e as { message?: unknown; code?: unknown }).message ?? (e as { code?: unknown }).code ?? '') : String(e))).filter(Boolean)
    : [];
  return [typeof message === 'string' ? message : '', ...details].filter(Boolean).join('; ');
}

const PERMISSIONS_HINT =
  'The token needs `contents: write` and `pull-requests: write` (in a workflow: `permissions:`; for a fine-grained token: Contents and Pull requests, read and write).';
const ACTIONS_SETTING_HINT =
  'Turn on "Allow GitHub Actions to create and approve pull requests" (repository or organization Settings → Actions → General → Workflow permissions), or use a GitHub App or personal token.';

/** Code and hint for an answer GitHub gave. */
function classify(status: number, detail: string, headers: Record<string, string | number | undefined>, ctx: RequestContext): { code: GitHubErrorCode; hint: string } {
  if ((status === 403 || status === 429) && (String(headers['x-ratelimit-remaining']) === '0' || /rate limit/i.test(detail))) {
    const reset = Number(headers['x-ratelimit-reset']);
    const when = Number.isFinite(reset) && reset > 0 ? ` (it resets at ${new Date(reset * 1000).toISOString()})` : '';
    return { code: 'github-rate-limited', hint: `Wait for the rate limit to reset${when}, then run again.` };
  }
  if (status === 401) return { code: 'github-unauthorized', hint: 'The token is wrong, expired or revoked: set GITHUB_TOKEN or pass --github-token with a valid one.' };
  if (status === 403) {
    const accepted = headers['x-accepted-github-permissions'];
    const needs = accepted ? ` GitHub says this call needs: ${String(accepted)}.` : '';
    const actions = /actions is not permitted to create or approve pull requests/i.test(detail);
    return { code: 'github-forbidden', hint: actions ? ACTIONS_SETTING_HINT : `${PERMISSIONS_HINT}${needs} In GitHub Actions also: ${ACTIONS_SETTING_HINT}` };
  }
  if (status === 404) {
    return {
      code: 'github-not-found',
      hint: `Check the repository (--repo ${ctx.repo}) and that the token can see it (GitHub answers 404 for a private repository it cannot); for GitHub Enterprise Server the API URL is https://HOST/api/v3 (--github-api-url, GITHUB_API_URL; now ${ctx.apiUrl}).`,
    };
  }
  if (status === 422) return { code: 'github-validation', hint: 'GitHub refused the request as it stands: check that the branch was pushed, differs from the base, and that the base branch exists.' };
  return { code: 'github-error', hint: 'Run again later; if it persists, check https://www.githubstatus.com or your GitHub Enterprise server.' };
}

/** A thrown Octokit error (or anything else) as a {@link GitHubApiError}, redacted. */
export function toGitHubError(err: unknown, ctx: RequestContext): GitHubApiError {
  if (err instanceof GitHubApiError) return err;
  const redact = (text: string): string => redactSecrets(text, [ctx.token]);
  if (!isHttpError(err) || err.response === undefined) {
    const why = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    return new GitHubApiError({
      code: 'github-unreachable',
      operation: ctx.operation,
      message: redact(`Could not ${ctx.operation}: no answer from ${ctx.apiUrl} (${why}).`),
      hint: 'Check the network and the API URL (--github-api-url, GITHUB_API_URL).',
    });
  }
  const detail = githubDetail(err.response.data) || err.message;
  const { code, hint } = classify(err.status, detail, err.response.headers ?? {}, ctx);
  return new GitHubApiError({
    code,
    status: err.status,
    operation: ctx.operation,
    message: redact(`Could not ${ctx.operation} in ${ctx.repo}: GitHub answered ${err.status}${detail ? ` (${detail})` : ''}.`),
    hint: redact(hint),
  });
}
