/**
 * A stand-in for the GitHub REST API, on a free loopback port, for the pull-request tests.
 *
 * Behaviour (as documented at docs.github.com/rest, in the fields policy-trim reads and a few around them):
 * - `GET    {prefix}/repos/{o}/{r}/pulls?head=o:branch&state=open|closed|all` lists pull requests, filtered by
 *   `head` (`owner:branch`) and `state` (default `open`), oldest first.
 * - `POST   {prefix}/repos/{o}/{r}/pulls` `{title, head, base, body, draft}` → 201 with the pull request; 422
 *   "Validation Failed" for a missing field, a body over 65,536 characters, or an open pull request with the
 *   same head and base ("A pull request already exists for o:branch.").
 * - `GET    {prefix}/repos/{o}/{r}/pulls/{n}`, `PATCH …/pulls/{n}` `{title, body, state}` → 200.
 * - `POST   {prefix}/repos/{o}/{r}/issues/{n}/labels` `{labels}` → 200 with all labels of the issue (a new label
 *   name is created, as GitHub does).
 * - `POST   {prefix}/repos/{o}/{r}/issues/{n}/comments` `{body}` → 201 with the comment; `GET` lists them.
 * - A repository not in `repos` → 404 `{"message":"Not Found"}`; an unknown pull request → 404.
 * - With `token`, a request whose `Authorization` is not `token <token>` or `Bearer <token>` → 401
 *   `{"message":"Bad credentials"}`.
 * - {@link FakeGitHub.failNext} makes the next matching request answer with a given status, body and headers
 *   (403 with `x-accepted-github-permissions`, a spent rate limit, …).
 * `prefix` is `''` for github.com's shape or `/api/v3` for GitHub Enterprise Server's.
 * Every request is recorded (method, path, query, parsed body, and whether an Authorization header came — never
 * its value). The server prints nothing.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake saw it. */
export interface RecordedRequest {
  method: string;
  /** The path without the API prefix, e.g. `/repos/o/r/pulls`. */
  path: string;
  query: Record<string, string>;
  body: unknown;
  hasAuthorization: boolean;
}

/** A pull request the fake holds, in GitHub's JSON shape. */
export interface FakePull {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  draft: boolean;
  head: string;
  base: string;
  labels: string[];
  comments: string[];
}

/** A one-off answer for the next request that matches. */
export interface InjectedFailure {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  method?: string;
  path?: RegExp;
}

/** Options of {@link startFakeGitHub}. */
export interface FakeGitHubOptions {
  /** `''` (github.com) or `/api/v3` (Enterprise Server). */
  prefix?: '' | '/api/v3';
  /** The token the fake accepts; without it any request is accepted. */
  token?: string;
  /** Repositories that exist, `owner/name` (default `octo-org/infra`). */
  repos?: string[];
  /** The head commit of a branch (default: a fixed fake sha per branch). */
  headSha?: (branch: string) => string;
}

/** A running fake. */
export interface FakeGitHub {
  /** The API root to give the client, e.g. `http://127.0.0.1:PORT/api/v3`. */
  apiUrl: string;
  requests: RecordedRequest[];
  pulls: FakePull[];
  failNext(failure: InjectedFailure): void;
  close(): Promise<void>;
}

type Reply = { status: number; body: unknown; headers?: Record<string, string> };
const DOCS = 'https://docs.github.com/rest';

function fakeSha(branch: string): string {
  let h = 0;
  for (const c of branch) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h.toString(16).padStart(8, '0').repeat(5);
}

function labelJson(name: string, index: number): Record<string, unknown> {
  return { id: 1000 + index, node_id: `LA_${index}`, url: `https://api.github.invalid/labels/${encodeURIComponent(name)}`, name, description: null, color: 'ededed', default: false };
}

/** The pull request as GitHub's JSON. */
function pullJson(pr: FakePull, repo: string, origin: string, headSha: (b: string) => string): Record<string, unknown> {
  const [owner] = repo.split('/');
  const repoJson = { id: 1, name: repo.split('/')[1], full_name: repo, owner: { login: owner } };
  return {
    url: `${origin}/repos/${repo}/pulls/${pr.number}`,
    id: 5000 + pr.number,
    node_id: `PR_${pr.number}`,
    html_url: `https://github.invalid/${repo}/pull/${pr.number}`,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    user: { login: 'github-actions[bot]', type: 'Bot' },
    body: pr.body,
    labels: pr.labels.map(labelJson),
    draft: pr.draft,
    created_at: '2026-11-01T00:00:00Z',
    updated_at: '2026-11-01T00:00:00Z',
    closed_at: pr.state === 'closed' ? '2026-11-02T00:00:00Z' : null,
    merged_at: null,
    head: { label: `${owner}:${pr.head}`, ref: pr.head, sha: headSha(pr.head), repo: repoJson },
    base: { label: `${owner}:${pr.base}`, ref: pr.base, sha: headSha(pr.base), repo: repoJson },
  };
}

const validation = (message: string, errors: unknown[] = []): Reply => ({ status: 422, body: { message: 'Validation Failed', errors: errors.length ? errors : [{ resource: 'PullRequest', code: 'custom', message }], documentation_url: DOCS } });
const notFound: Reply = { status: 404, body: { message: 'Not Found', documentation_url: DOCS } };

/** The state and the routes over it. */
class FakeState {
  readonly pulls: FakePull[] = [];
  constructor(
    private readonly origin: () => string,
    private readonly headSha: (b: string) => string,
  ) {}

  json(pr: FakePull, repo: string): Record<string, unknown> {
    return pullJson(pr, repo, this.origin(), this.headSha);
  }

  list(repo: string, query: Record<string, string>): Reply {
    const state = query.state ?? 'open';
    const head = query.head?.includes(':') ? query.head.slice(query.head.indexOf(':') + 1) : query.head;
    const hits = this.pulls.filter((p) => (state === 'all' || p.state === state) && (head === undefined || p.head === head));
    return { status: 200, body: hits.map((p) => this.json(p, repo)) };
  }

  create(repo: string, body: Record<string, unknown>): Reply {
    for (const field of ['title', 'head', 'base']) {
      if (typeof body[field] !== 'string' || body[field] === '') return validation('', [{ resource: 'PullRequest', field, code: 'missing_field' }]);
    }
    const text = typeof body.body === 'string' ? body.body : null;
    if (text !== null && text.length > 65_536) return validation('body is too long (maximum is 65536 characters)');
    const owner = repo.split('/')[0];
    const head = String(body.head).replace(`${owner}:`, '');
    if (this.pulls.some((p) => p.state === 'open' && p.head === head && p.base === body.base)) return validation(`A pull request already exists for ${owner}:${head}.`);
    const pr: FakePull = { number: this.pulls.length + 1, title: String(body.title), body: text, state: 'open', draft: body.draft === true, head, base: String(body.base), labels: [], comments: [] };
    this.pulls.push(pr);
    return { status: 201, body: this.json(pr, repo) };
  }

  update(repo: string, pr: FakePull, body: Record<string, unknown>): Reply {
    if (typeof body.body === 'string' && body.body.length > 65_536) return validation('body is too long (maximum is 65536 characters)');
    if (typeof body.title === 'string') pr.title = body.title;
    if (typeof body.body === 'string') pr.body = body.body;
    if (body.state === 'open' || body.state === 'closed') pr.state = body.state;
    return { status: 200, body: this.json(pr, repo) };
  }

  route(method: string, path: string, query: Record<string, string>, body: Record<string, unknown>, repos: readonly string[]): Reply {
    const m = /^\/repos\/([^/]+)\/([^/]+)\/(pulls|issues)(?:\/(\d+)(?:\/(labels|comments))?)?$/.exec(path);
    if (!m) return notFound;
    const repo = `${m[1]}/${m[2]}`;
    if (!repos.includes(repo)) return notFound;
    const pr = m[4] === undefined ? undefined : this.pulls.find((p) => p.number === Number(m[4]));
    if (m[4] !== undefined && !pr) return notFound;
    const key = `${method} ${m[3]}${m[4] === undefined ? '' : '/n'}${m[5] ? `/${m[5]}` : ''}`;
    switch (key) {
      case 'GET pulls': return this.list(repo, query);
      case 'POST pulls': return this.create(repo, body);
      case 'GET pulls/n': return { status: 200, body: this.json(pr!, repo) };
      case 'PATCH pulls/n': return this.update(repo, pr!, body);
      case 'POST issues/n/labels': {
        const labels = Array.isArray(body.labels) ? body.labels.map(String) : [];
        pr!.labels = [...new Set([...pr!.labels, ...labels])];
        return { status: 200, body: pr!.labels.map(labelJson) };
      }
      case 'POST issues/n/comments': {
        if (typeof body.body !== 'string' || body.body === '') return validation('', [{ resource: 'IssueComment', field: 'body', code: 'missing_field' }]);
        pr!.comments.push(body.body);
        const id = 9000 + pr!.comments.length;
        return { status: 201, body: { id, node_id: `IC_${id}`, url: `${this.origin()}/repos/${repo}/issues/comments/${id}`, html_url: `https://github.invalid/${repo}/pull/${pr!.number}#issuecomment-${id}`, body: body.body, user: { login: 'github-actions[bot]' }, created_at: '2026-11-01T00:00:00Z', updated_at: '2026-11-01T00:00:00Z' } };
      }
      case 'GET issues/n/comments': return { status: 200, body: pr!.comments.map((b, i) => ({ id: 9001 + i, body: b })) };
      default: return notFound;
    }
  }
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', 'x-github-media-type': 'github.v3; format=json', ...reply.headers });
  res.end(JSON.stringify(reply.body));
}

/** Starts a fake GitHub REST API on 127.0.0.1 (a free port); close it when done. */
export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const prefix = options.prefix ?? '';
  const repos = options.repos ?? ['octo-org/infra'];
  const requests: RecordedRequest[] = [];
  const failures: InjectedFailure[] = [];
  let origin = '';
  const state = new FakeState(() => origin, options.headSha ?? fakeSha);
  const authorized = (header: string | undefined): boolean =>
    options.token === undefined || header === `token ${options.token}` || header === `Bearer ${options.token}` || header === `bearer ${options.token}`;

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const body = await readBody(req);
      const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : `<outside ${prefix}>${url.pathname}`;
      const method = req.method ?? 'GET';
      requests.push({ method, path, query: Object.fromEntries(url.searchParams), body, hasAuthorization: req.headers.authorization !== undefined });
      const failure = failures.findIndex((f) => (f.method === undefined || f.method === method) && (f.path === undefined || f.path.test(path)));
      if (failure >= 0) {
        const [f] = failures.splice(failure, 1);
        return send(res, { status: f!.status, body: f!.body ?? { message: 'Injected failure', documentation_url: DOCS }, headers: f!.headers });
      }
      if (!authorized(req.headers.authorization)) return send(res, { status: 401, body: { message: 'Bad credentials', documentation_url: DOCS, status: '401' } });
      const json = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
      send(res, state.route(method, path, Object.fromEntries(url.searchParams), json, repos));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}${prefix}`;
  return {
    apiUrl: origin,
    requests,
    pulls: state.pulls,
    failNext: (failure) => void failures.push(failure),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // fetch keeps connections alive; do not wait for them to time out
      }),
  };
}
