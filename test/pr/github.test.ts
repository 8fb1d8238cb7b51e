/**
 * The GitHub client against a local stand-in for the REST API: create, find, update, label, comment and close
 * a pull request, on github.com's and Enterprise Server's URL shapes; HTTP errors mapped to typed ones with a
 * hint; and the token in no error message.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GitHubApiError, GitHubClient, PULL_REQUEST_BODY_MAX, createGitHubClient, resolveGitHubSettings } from '../../src/adapters/github/index.js';
import { basicAuthValue } from '../../src/core/pr/redact.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';

const TOKEN = 'ghs_FakeInstallationToken0123456789abcd';
const REPO = { owner: 'octo-org', name: 'infra' };
const BRANCH = 'policy-trim/orders+api@prod';

let fake: FakeGitHub;
let client: GitHubClient;
beforeAll(async () => {
  fake = await startFakeGitHub({ token: TOKEN });
  client = createGitHubClient({ repo: REPO, token: TOKEN, apiUrl: fake.apiUrl, env: {} });
});
afterAll(() => fake.close());

/** Every text a caught error shows (message, hint, stack, fields), to check that the token is in none. */
function everythingShown(err: unknown): string {
  const e = err as Error & Record<string, unknown>;
  return JSON.stringify({ ...e, message: e.message, hint: e.hint, stack: e.stack, cause: String(e.cause) });
}

function expectNoToken(err: unknown): void {
  const shown = everythingShown(err);
  for (const form of [TOKEN, basicAuthValue(TOKEN), encodeURIComponent(TOKEN)]) expect(shown).not.toContain(form);
}

describe('resolveGitHubSettings', () => {
  it('takes the option, else GITHUB_API_URL and GITHUB_TOKEN, else api.github.com', () => {
    expect(resolveGitHubSettings({ token: 't1', apiUrl: 'https://ghe.example.com/api/v3/', env: { GITHUB_TOKEN: 't2', GITHUB_API_URL: 'https://x' } })).toEqual({ apiUrl: 'https://ghe.example.com/api/v3', token: 't1' });
    expect(resolveGitHubSettings({ env: { GITHUB_TOKEN: 't2', GITHUB_API_URL: 'https://ghe.example.com/api/v3' } })).toEqual({ apiUrl: 'https://ghe.example.com/api/v3', token: 't2' });
    expect(resolveGitHubSettings({ env: { GITHUB_TOKEN: 't2' } })).toEqual({ apiUrl: 'https://api.github.com', token: 't2' });
  });

  it('refuses no token and a URL that is not http(s), naming what to set', () => {
    expect(() => resolveGitHubSettings({ env: {} })).toThrow(expect.objectContaining({ code: 'github-no-token', hint: expect.stringContaining('GITHUB_TOKEN') }));
    expect(() => resolveGitHubSettings({ env: { GITHUB_TOKEN: 't', GITHUB_API_URL: 'ghe.example.com' } })).toThrow(expect.objectContaining({ code: 'github-bad-url' }));
  });
});

describe('pull requests', () => {
  it('creates one, finds it by its head branch, updates, labels, comments on and closes it', async () => {
    expect(await client.findOpenPullRequest(BRANCH)).toBeUndefined();
    const created = await client.createPullRequest({ head: BRANCH, base: 'main', title: 'Trim orders', body: 'Removed 3 actions.' });
    expect(created).toMatchObject({ number: 1, state: 'open', title: 'Trim orders', body: 'Removed 3 actions.', head: { ref: BRANCH }, base: { ref: 'main' }, labels: [] });
    expect(created.url).toBe('https://github.invalid/octo-org/infra/pull/1');
    expect(created.head.sha).toMatch(/^[0-9a-f]{40}$/);

    const found = await client.findOpenPullRequest(BRANCH, 'main');
    expect(found).toEqual(created);
    const listed = fake.requests.filter((r) => r.method === 'GET' && r.path === '/repos/octo-org/infra/pulls').at(-1)!;
    expect(listed.query).toMatchObject({ head: `octo-org:${BRANCH}`, state: 'open' });

    expect(await client.updatePullRequest(1, { title: 'Trim orders (2)', body: 'Removed 4 actions.' })).toMatchObject({ title: 'Trim orders (2)', body: 'Removed 4 actions.' });
    expect(await client.addLabels(1, ['policy-trim', 'security'])).toEqual(['policy-trim', 'security']);
    expect(await client.addLabels(1, [])).toEqual([]);
    expect(await client.comment(1, 'A person pushed to this branch.')).toEqual({ id: 9001, url: expect.stringContaining('#issuecomment-9001') });
    const closed = await client.closePullRequest(1, 'Nothing is left to trim.');
    expect(closed).toMatchObject({ state: 'closed', labels: ['policy-trim', 'security'] });
    expect(fake.pulls[0]!.comments).toEqual(['A person pushed to this branch.', 'Nothing is left to trim.']);
    expect(await client.findOpenPullRequest(BRANCH)).toBeUndefined();
    expect(await client.listComments(1)).toEqual(['A person pushed to this branch.', 'Nothing is left to trim.']);

    const calls = fake.requests.map((r) => `${r.method} ${r.path}`);
    expect(calls).toContain('POST /repos/octo-org/infra/issues/1/labels');
    expect(calls.slice(-4)).toEqual(['POST /repos/octo-org/infra/issues/1/comments', 'PATCH /repos/octo-org/infra/pulls/1', 'GET /repos/octo-org/infra/pulls', 'GET /repos/octo-org/infra/issues/1/comments']);
    expect(fake.requests.every((r) => r.hasAuthorization)).toBe(true);
    expect(fake.requests.find((r) => r.method === 'PATCH' && (r.body as { state?: string }).state === 'closed')).toBeTruthy();
  });

  it('finds the pull request into the given base when a branch has more than one', async () => {
    const head = 'policy-trim/two-bases';
    await client.createPullRequest({ head, base: 'main', title: 'a', body: '' });
    const release = await client.createPullRequest({ head, base: 'release', title: 'b', body: '' });
    expect((await client.findOpenPullRequest(head, 'release'))?.number).toBe(release.number);
  });

  it('refuses a body over GitHub’s limit before sending it (the caller must shorten it)', async () => {
    const before = fake.requests.length;
    const long = 'x'.repeat(PULL_REQUEST_BODY_MAX + 1);
    await expect(client.createPullRequest({ head: 'policy-trim/long', base: 'main', title: 't', body: long })).rejects.toMatchObject({ code: 'github-body-too-long', source: 'tool' });
    await expect(client.comment(1, long)).rejects.toMatchObject({ code: 'github-body-too-long' });
    expect(fake.requests.length).toBe(before);
    const fits = await client.createPullRequest({ head: 'policy-trim/long', base: 'main', title: 't', body: 'x'.repeat(PULL_REQUEST_BODY_MAX) });
    expect(fits.body.length).toBe(PULL_REQUEST_BODY_MAX);
  });
});

describe('GitHub Enterprise Server', () => {
  it('works under the /api/v3 root given as GITHUB_API_URL', async () => {
    const ghe = await startFakeGitHub({ prefix: '/api/v3', token: TOKEN, repos: ['team/infra'] });
    try {
      expect(ghe.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v3$/);
      const gheClient = createGitHubClient({ repo: { owner: 'team', name: 'infra' }, env: { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: `${ghe.apiUrl}/` } });
      expect(gheClient.apiUrl).toBe(ghe.apiUrl);
      const pr = await gheClient.createPullRequest({ head: 'policy-trim/app', base: 'main', title: 't', body: 'b' });
      expect((await gheClient.findOpenPullRequest('policy-trim/app'))?.number).toBe(pr.number);
      expect(ghe.requests.map((r) => r.path)).toEqual(['/repos/team/infra/pulls', '/repos/team/infra/pulls']);
    } finally {
      await ghe.close();
    }
  });
});

describe('errors', () => {
  afterEach(() => expect(fake.requests.every((r) => !JSON.stringify(r).includes(TOKEN))).toBe(true));

  it('401: a wrong token, named as such, and the token in no part of the error', async () => {
    const wrong = createGitHubClient({ repo: REPO, token: `${TOKEN}-revoked`, apiUrl: fake.apiUrl, env: {} });
    const err = await wrong.findOpenPullRequest(BRANCH).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitHubApiError);
    expect(err).toMatchObject({ code: 'github-unauthorized', status: 401, message: expect.stringContaining('Bad credentials'), hint: expect.stringContaining('GITHUB_TOKEN') });
    expect(everythingShown(err)).not.toContain(`${TOKEN}-revoked`);
    expectNoToken(err);
  });

  it('403: the permissions the workflow needs, what GitHub says it needs, and the Actions setting', async () => {
    fake.failNext({ status: 403, body: { message: 'Resource not accessible by integration' }, headers: { 'x-accepted-github-permissions': 'pull_requests=write' } });
    const err = await client.createPullRequest({ head: 'policy-trim/x', base: 'main', title: 't', body: 'b' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'github-forbidden', status: 403, message: expect.stringContaining('Resource not accessible by integration') });
    expect((err as GitHubApiError).hint).toMatch(/contents: write.*pull-requests: write.*pull_requests=write.*Allow GitHub Actions to create and approve pull requests/s);
    fake.failNext({ status: 403, body: { message: 'GitHub Actions is not permitted to create or approve pull requests.' } });
    const setting = await client.createPullRequest({ head: 'policy-trim/x', base: 'main', title: 't', body: 'b' }).catch((e: unknown) => e);
    expect((setting as GitHubApiError).hint).toMatch(/^Turn on "Allow GitHub Actions to create and approve pull requests"/);
    expectNoToken(err);
  });

  it('403 with the rate limit spent is a rate limit, with the reset time', async () => {
    fake.failNext({ status: 403, body: { message: 'API rate limit exceeded' }, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1793577600' } });
    await expect(client.findOpenPullRequest(BRANCH)).rejects.toMatchObject({ code: 'github-rate-limited', hint: expect.stringContaining('2026-11-02T00:00:00.000Z') });
  });

  it('404: the repository, the token’s access to it, and the Enterprise URL', async () => {
    const elsewhere = createGitHubClient({ repo: { owner: 'octo-org', name: 'missing' }, token: TOKEN, apiUrl: fake.apiUrl, env: {} });
    const err = await elsewhere.findOpenPullRequest(BRANCH).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'github-not-found', status: 404, message: expect.stringContaining('octo-org/missing') });
    expect((err as GitHubApiError).hint).toMatch(/--repo octo-org\/missing.*api\/v3/s);
    await expect(client.updatePullRequest(999, { title: 'x' })).rejects.toMatchObject({ code: 'github-not-found', operation: 'update pull request #999' });
    expectNoToken(err);
  });

  it('422: GitHub’s own reason (a pull request already open, no commits between branches)', async () => {
    await client.createPullRequest({ head: 'policy-trim/dup', base: 'main', title: 't', body: 'b' });
    const err = await client.createPullRequest({ head: 'policy-trim/dup', base: 'main', title: 't', body: 'b' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'github-validation', status: 422, message: expect.stringContaining('A pull request already exists for octo-org:policy-trim/dup.') });
    fake.failNext({ status: 422, body: { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message: 'No commits between main and policy-trim/y' }] } });
    await expect(client.createPullRequest({ head: 'policy-trim/y', base: 'main', title: 't', body: 'b' })).rejects.toThrow(/No commits between main and policy-trim\/y/);
    expectNoToken(err);
  });

  it('a GitHub message that echoes the token is redacted; other statuses and no answer are typed too', async () => {
    fake.failNext({ status: 502, body: { message: `upstream refused token ${TOKEN}` } });
    const echoed = await client.findOpenPullRequest(BRANCH).catch((e: unknown) => e);
    expect(echoed).toMatchObject({ code: 'github-error', status: 502, message: expect.stringContaining('upstream refused token ***') });
    expectNoToken(echoed);
    const closed = await startFakeGitHub();
    await closed.close();
    const nowhere = createGitHubClient({ repo: REPO, token: TOKEN, apiUrl: closed.apiUrl, env: {} });
    const err = await nowhere.findOpenPullRequest(BRANCH).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'github-unreachable', message: expect.stringContaining(closed.apiUrl) });
    expect((err as GitHubApiError).status).toBeUndefined();
    expectNoToken(err);
  });
});
