/**
 * A small GitHub REST client for the tool's pull requests, on `@octokit/rest`: find the open pull request of
 * a branch, create one, update its title and body, label it, comment on it and read its comments, close it. One
 * repository per client. The API root comes from the option, else `GITHUB_API_URL` (set by GitHub Actions, also
 * on GitHub Enterprise Server), else `https://api.github.com`; the token from the option, else `GITHUB_TOKEN`.
 * Octokit's own logging is silenced and its errors are replaced by redacted typed ones, so the token cannot
 * leak through either.
 */
import { Octokit } from '@octokit/rest';
import { PULL_REQUEST_BODY_MAX, pullRequestBodyLength } from '../../core/pr/limits.js';
import { redactSecrets } from '../../core/pr/redact.js';
import { GitHubApiError, toGitHubError } from './errors.js';

export { PULL_REQUEST_BODY_MAX } from '../../core/pr/limits.js';

/** The API root of github.com. */
export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';
const DEFAULT_TIMEOUT_MS = 30_000;

/** How to reach GitHub and which repository to work in. */
export interface GitHubClientOptions {
  repo: { owner: string; name: string };
  /** Token; default `GITHUB_TOKEN` from `env`. */
  token?: string;
  /** REST API root; default `GITHUB_API_URL` from `env`, else {@link DEFAULT_GITHUB_API_URL}. */
  apiUrl?: string;
  /** Where `GITHUB_TOKEN` and `GITHUB_API_URL` are read (default: this process's environment). */
  env?: Record<string, string | undefined>;
  /** Sent as User-Agent, e.g. `policy-trim/0.1.0`. */
  userAgent?: string;
  /** Longest one request may take, ms (default 30 s). */
  timeoutMs?: number;
}

/** A pull request, in the fields policy-trim uses. */
export interface PullRequest {
  number: number;
  /** The web page (`html_url`). */
  url: string;
  state: 'open' | 'closed';
  title: string;
  body: string;
  head: { ref: string; sha: string };
  base: { ref: string };
  labels: string[];
}

/** A comment on a pull request. */
export interface PullRequestComment {
  id: number;
  url: string;
}

/** What a new pull request says. */
export interface NewPullRequest {
  /** The tool's branch. */
  head: string;
  /** The branch it merges into. */
  base: string;
  title: string;
  body: string;
  draft?: boolean;
}

/** The API root and token a client will use; throws when there is no token or the URL is not http(s). */
export function resolveGitHubSettings(options: Pick<GitHubClientOptions, 'token' | 'apiUrl' | 'env'>): { apiUrl: string; token: string } {
  const env = options.env ?? process.env;
  const raw = (options.apiUrl ?? env.GITHUB_API_URL ?? '').trim() || DEFAULT_GITHUB_API_URL;
  if (!/^https?:\/\/[^/\s]+/i.test(raw)) {
    throw new GitHubApiError({ code: 'github-bad-url', operation: 'reach GitHub', message: `The GitHub API URL ${JSON.stringify(redactSecrets(raw))} is not an http(s) URL.`, hint: 'Pass e.g. --github-api-url https://ghe.example.com/api/v3.' });
  }
  const token = (options.token ?? env.GITHUB_TOKEN ?? '').trim();
  if (token === '') {
    throw new GitHubApiError({ code: 'github-no-token', operation: 'reach GitHub', message: 'No GitHub token: pull requests cannot be opened without one.', hint: 'Set GITHUB_TOKEN (in a workflow: `GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}`) or pass --github-token.' });
  }
  return { apiUrl: raw.replace(/\/+$/, ''), token };
}

/** The PR fields from GitHub's JSON. */
function toPullRequest(data: {
  number: number;
  html_url: string;
  state: string;
  title: string;
  body?: string | null;
  head: { ref: string; sha: string };
  base: { ref: string };
  labels?: ReadonlyArray<{ name?: string } | string>;
}): PullRequest {
  return {
    number: data.number,
    url: data.html_url,
    state: data.state === 'closed' ? 'closed' : 'open',
    title: data.title,
    body: data.body ?? '',
    head: { ref: data.head.ref, sha: data.head.sha },
    base: { ref: data.base.ref },
    labels: (data.labels ?? []).map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
  };
}

const SILENT = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** The tool's pull requests in one repository; every method throws {@link GitHubApiError}. */
export class GitHubClient {
  /** The repository, `OWNER/NAME`. */
  readonly repoSlug: string;
  /** The REST API root in use. */
  readonly apiUrl: string;
  readonly #octokit: Octokit;
  readonly #token: string;
  readonly #owner: string;
  readonly #repo: string;
  readonly #timeoutMs: number;

  constructor(options: GitHubClientOptions) {
    const { apiUrl, token } = resolveGitHubSettings(options);
    this.apiUrl = apiUrl;
    this.#token = token;
    this.#owner = options.repo.owner;
    this.#repo = options.repo.name;
    this.repoSlug = `${this.#owner}/${this.#repo}`;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#octokit = new Octokit({ auth: token, baseUrl: apiUrl, userAgent: options.userAgent ?? 'policy-trim', log: SILENT });
  }

  /** Runs one API call, turning any failure into a redacted {@link GitHubApiError}. */
  async #call<T>(operation: string, run: (common: { owner: string; repo: string; request: { signal: AbortSignal } }) => Promise<T>): Promise<T> {
    try {
      return await run({ owner: this.#owner, repo: this.#repo, request: { signal: AbortSignal.timeout(this.#timeoutMs) } });
    } catch (err) {
      throw toGitHubError(err, { operation, repo: this.repoSlug, apiUrl: this.apiUrl, token: this.#token });
    }
  }

  /** Refuses a body GitHub would refuse: the caller shortens it first (summary in the body, report on the branch). */
  #checkBody(body: string, operation: string): void {
    const length = pullRequestBodyLength(body);
    if (length <= PULL_REQUEST_BODY_MAX) return;
    throw new GitHubApiError({
      code: 'github-body-too-long',
      operation,
      message: `Could not ${operation}: its text is ${length} characters, over GitHub's limit of ${PULL_REQUEST_BODY_MAX}.`,
      hint: 'This is a bug in policy-trim: the body should have been shortened to a summary. Please report it.',
    });
  }

  /**
   * The open pull request whose head is `branch` in this repository (`GET /repos/{o}/{r}/pulls?head=o:branch`),
   * preferring one into `base` when given; undefined when there is none.
   */
  async findOpenPullRequest(branch: string, base?: string): Promise<PullRequest | undefined> {
    const found = await this.#call(`find the pull request of ${branch}`, async (c) => {
      const res = await this.#octokit.rest.pulls.list({ ...c, head: `${this.#owner}:${branch}`, state: 'open', per_page: 100 });
      return res.data.map(toPullRequest).filter((pr) => pr.head.ref === branch);
    });
    return found.find((pr) => base === undefined || pr.base.ref === base) ?? found[0];
  }

  /** Opens a pull request from `head` into `base`. */
  async createPullRequest(input: NewPullRequest): Promise<PullRequest> {
    const operation = `create the pull request for ${input.head}`;
    this.#checkBody(input.body, operation);
    return this.#call(operation, async (c) => {
      const res = await this.#octokit.rest.pulls.create({ ...c, head: input.head, base: input.base, title: input.title, body: input.body, draft: input.draft });
      return toPullRequest(res.data);
    });
  }

  /** Replaces the title and/or body of a pull request. */
  async updatePullRequest(number: number, change: { title?: string; body?: string }): Promise<PullRequest> {
    const operation = `update pull request #${number}`;
    if (change.body !== undefined) this.#checkBody(change.body, operation);
    return this.#call(operation, async (c) => toPullRequest((await this.#octokit.rest.pulls.update({ ...c, pull_number: number, ...change })).data));
  }

  /** Adds labels (GitHub creates a label that does not exist yet); returns all the pull request's labels. */
  async addLabels(number: number, labels: readonly string[]): Promise<string[]> {
    if (labels.length === 0) return [];
    return this.#call(`label pull request #${number}`, async (c) => {
      const res = await this.#octokit.rest.issues.addLabels({ ...c, issue_number: number, labels: [...labels] });
      return res.data.map((l) => l.name);
    });
  }

  /** Comments on a pull request (e.g. "a person pushed to this branch, so policy-trim did not update it"). */
  async comment(number: number, body: string): Promise<PullRequestComment> {
    const operation = `comment on pull request #${number}`;
    this.#checkBody(body, operation);
    return this.#call(operation, async (c) => {
      const res = await this.#octokit.rest.issues.createComment({ ...c, issue_number: number, body });
      return { id: res.data.id, url: res.data.html_url };
    });
  }

  /**
   * The text of every comment on a pull request, oldest first, all pages (`GET /repos/{o}/{r}/issues/{n}/comments`):
   * how policy-trim finds what it said before, by the hidden marker it puts in its own comments.
   */
  async listComments(number: number): Promise<string[]> {
    return this.#call(`read the comments of pull request #${number}`, async (c) => {
      const all = await this.#octokit.paginate(this.#octokit.rest.issues.listComments, { ...c, issue_number: number, per_page: 100 });
      return all.map((comment) => comment.body ?? '');
    });
  }

  /** Closes a pull request, first saying why in a comment when one is given (e.g. nothing is left to trim). */
  async closePullRequest(number: number, comment?: string): Promise<PullRequest> {
    if (comment !== undefined) await this.comment(number, comment);
    return this.#call(`close pull request #${number}`, async (c) => toPullRequest((await this.#octokit.rest.pulls.update({ ...c, pull_number: number, state: 'closed' })).data));
  }
}

/** A client for one repository; see {@link GitHubClientOptions} for where the URL and token come from. */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  return new GitHubClient(options);
}
