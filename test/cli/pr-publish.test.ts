/**
 * `policy-trim pr` end to end, against a real git repository with a bare remote and the fake GitHub REST API:
 * a pull request is created; a re-run adds no commit and no second pull request; a change to the policy on the
 * base (by hand, since the last run) or to the usage updates it; a person's commit on the branch stops the
 * push and becomes a comment; nothing left to trim closes it. A dirty tree is refused, the base branch is never
 * written, an Enterprise API root is used as given, and the token is in no output.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareBranch } from '../../src/adapters/git/repository.js';
import { createGitHubClient } from '../../src/adapters/github/client.js';
import { reportPathFor, type RolePullRequest } from '../../src/cli/pr-plan.js';
import { publishRole } from '../../src/cli/pr-publish.js';
import type { SuggestResult } from '../../src/core/trim/suggest.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import type { CliRun } from '../support/cli.js';
import { BRANCH, infraRepo, runPr, ROLE, SHARED_JSON, TIGHT, TOKEN, type InfraRepo } from './pr-fixture.js';

/** Every run's output, checked for the token at the end. */
const outputs: CliRun[] = [];

async function pr(repo: InfraRepo, fake: FakeGitHub, extra: string[] = [], env: Record<string, string> = { GITHUB_TOKEN: TOKEN }): Promise<CliRun> {
  const run = await runPr(repo, ['--role', ROLE, '--repo', 'octo-org/infra', '--github-api-url', fake.apiUrl, ...extra], env);
  outputs.push(run);
  return run;
}

/** orders-worker purging the orders queue (a management event the example's trail does not hold). */
function purgeRecord(): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    eventID: 'b8d0c3f4-purge-0001',
    eventTime: '2026-10-20T10:00:00Z',
    eventSource: 'sqs.amazonaws.com',
    eventName: 'PurgeQueue',
    eventType: 'AwsApiCall',
    awsRegion: 'us-east-1',
    recipientAccountId: '123456789012',
    eventCategory: 'Management',
    managementEvent: true,
    readOnly: false,
    userIdentity: {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::123456789012:assumed-role/orders-api-role/orders-worker',
      accountId: '123456789012',
      sessionContext: { sessionIssuer: { type: 'Role', arn: ROLE, accountId: '123456789012', userName: 'orders-api-role' } },
    },
    requestParameters: { queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/orders-queue' },
  };
}

const calls = (fake: FakeGitHub) => fake.requests.map((r) => `${r.method} ${r.path}`);
const fileOn = (repo: InfraRepo, ref: string, file: string): string => repo.git(repo.remote, 'show', `${ref}:${file}`);

describe('one role through its pull request’s life', () => {
  let fake: FakeGitHub;
  let repo: InfraRepo;
  let mainSha: string;
  let firstSha: string;

  beforeAll(async () => {
    fake = await startFakeGitHub({ token: TOKEN });
    repo = infraRepo();
    mainSha = repo.remoteSha('main');
  });
  afterAll(() => fake.close());

  it('creates the branch from the base, one commit with the tool’s trailers, and the pull request with its labels', async () => {
    const run = await pr(repo, fake, ['--label', 'iam']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('https://github.invalid/octo-org/infra/pull/1\n');
    expect(run.stderr).toMatch(/branch policy-trim\/orders-api-role: pull request created/);
    firstSha = repo.remoteSha(BRANCH);
    expect(repo.git(repo.remote, 'rev-parse', `${firstSha}^`)).toBe(mainSha);
    const message = repo.git(repo.remote, 'log', '-1', '--format=%B', firstSha);
    expect(message).toMatch(/^policy-trim: trim unused permissions of orders-api-role\n/);
    expect(message).toMatch(/Policy-Trim-Role: arn:aws:iam::123456789012:role\/orders-api-role\nGenerated-By: policy-trim \d/);
    expect(repo.git(repo.remote, 'diff', '--name-only', mainSha, firstSha)).toBe('infra/iam.tf\npolicies/orders-api-shared-access.json');
    expect(fake.pulls).toMatchObject([{ number: 1, state: 'open', head: BRANCH, base: 'main', labels: ['security', 'iam'] }]);
    expect(fake.pulls[0]!.title).toMatch(/^policy-trim: remove \d+ unused permissions from orders-api-role$/);
    expect(fake.pulls[0]!.body).toContain('<!-- policy-trim:role=arn:aws:iam::123456789012:role/orders-api-role -->');
    expect(repo.remoteSha('main')).toBe(mainSha);
    expect(repo.git(repo.work, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    expect(repo.git(repo.work, 'status', '--porcelain')).toBe('');
  }, 90_000);

  it('a re-run is idempotent: no new commit, the same pull request, nothing sent but a lookup', async () => {
    const before = fake.requests.length;
    const run = await pr(repo, fake, ['--label', 'iam']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/pull request unchanged/);
    expect(repo.remoteSha(BRANCH)).toBe(firstSha);
    expect(fake.pulls).toHaveLength(1);
    expect(calls(fake).slice(before)).toEqual(['GET /repos/octo-org/infra/pulls']);
  }, 90_000);

  it('a policy file edited by hand on the base since the last run: re-planned from its current text, and said so', async () => {
    const person = repo.personClone();
    const shared = JSON.parse(readFileSync(join(person, 'policies', 'orders-api-shared-access.json'), 'utf8')) as { Statement: unknown[] };
    shared.Statement.push({ Sid: 'AddedByHand', Effect: 'Allow', Action: 'sqs:*', Resource: '*' });
    writeFileSync(join(person, 'policies', 'orders-api-shared-access.json'), JSON.stringify(shared, null, 2) + '\n');
    repo.git(person, 'commit', '--quiet', '-am', 'Queue access for the exporter');
    repo.git(person, 'push', '--quiet', 'origin', 'main');
    const newMain = repo.remoteSha('main');
    repo.git(repo.work, 'pull', '--quiet', '--ff-only');

    const run = await pr(repo, fake);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/policies\/orders-api-shared-access\.json was edited on main since policy-trim's last proposal .*planned again from its current text/);
    expect(run.stderr).toMatch(/pull request updated \(new commit pushed\)/);
    const sha = repo.remoteSha(BRANCH);
    expect(sha).not.toBe(firstSha);
    expect(repo.git(repo.remote, 'rev-parse', `${sha}^`)).toBe(newMain);
    expect(fileOn(repo, sha, 'policies/orders-api-shared-access.json')).toContain('AddedByHand');
    expect(fake.pulls).toHaveLength(1);
    expect(fake.pulls[0]!.body).toContain('planned again from its current text');
    expect(repo.remoteSha('main')).toBe(newMain);
    mainSha = newMain;
    firstSha = sha;
  }, 90_000);

  it('a change of usage (a queue purged since) updates the same pull request with a new commit', async () => {
    const body = fake.pulls[0]!.body;
    const trail = join(repo.root, 'more-trail');
    mkdirSync(trail);
    writeFileSync(join(trail, 'purge.json'), JSON.stringify({ Records: [purgeRecord()] }));
    const run = await pr(repo, fake, ['--trail', trail]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/pull request updated \(new commit pushed\)/);
    const sha = repo.remoteSha(BRANCH);
    expect(sha).not.toBe(firstSha);
    expect(repo.git(repo.remote, 'rev-parse', `${sha}^`)).toBe(mainSha);
    expect(repo.git(repo.remote, 'diff', firstSha, sha)).toMatch(/^\+.*sqs:PurgeQueue/m);
    expect(fake.pulls).toHaveLength(1);
    expect(fake.pulls[0]!.body).not.toBe(body);
    expect(repo.remoteSha('main')).toBe(mainSha);
    firstSha = sha;
  }, 90_000);

  it('a person’s commit on the branch: nothing is pushed over it, a comment says why, once per set of commits', async () => {
    const person = repo.personClone();
    repo.git(person, 'checkout', '--quiet', BRANCH);
    writeFileSync(join(person, 'NOTES.md'), 'keep sqs for the migration\n');
    repo.git(person, 'add', 'NOTES.md');
    repo.git(person, 'commit', '--quiet', '-m', 'Keep queue access until the migration');
    repo.git(person, 'push', '--quiet', 'origin', BRANCH);
    const theirs = repo.remoteSha(BRANCH);

    const run = await pr(repo, fake);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/the branch holds commits policy-trim did not make: nothing pushed; commented/);
    expect(repo.remoteSha(BRANCH)).toBe(theirs);
    expect(fake.pulls[0]!.comments.at(-1)).toMatch(/did not update this pull request: the branch `policy-trim\/orders-api-role` has 1 commit\(s\) policy-trim did not make[\s\S]*Keep queue access until the migration/);
    expect(repo.remoteSha('main')).toBe(mainSha);
    const comments = fake.pulls[0]!.comments.length;

    // The next scheduled run finds the same commit: the comment already says it, so nothing is posted again.
    const before = fake.requests.length;
    const again = await pr(repo, fake);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/nothing pushed; the pull request already has a comment naming them/);
    expect(repo.remoteSha(BRANCH)).toBe(theirs);
    expect(fake.pulls[0]!.comments).toHaveLength(comments);
    expect(calls(fake).slice(before)).toEqual(['GET /repos/octo-org/infra/pulls', 'GET /repos/octo-org/infra/issues/1/comments']);

    // Another commit is a new situation: one more comment, naming both.
    repo.git(person, 'commit', '--quiet', '--allow-empty', '-m', 'And the topic too');
    repo.git(person, 'push', '--quiet', 'origin', BRANCH);
    const third = await pr(repo, fake);
    expect(third.code, third.stderr).toBe(0);
    expect(fake.pulls[0]!.comments).toHaveLength(comments + 1);
    expect(fake.pulls[0]!.comments.at(-1)).toMatch(/has 2 commit\(s\) policy-trim did not make[\s\S]*And the topic too[\s\S]*Keep queue access/);

    // The person is done: the branch is theirs no more.
    repo.git(repo.remote, 'update-ref', `refs/heads/${BRANCH}`, firstSha);
  }, 90_000);

  it('nothing left to trim (a person cut the grants down by hand on the base): closed with a comment', async () => {
    const person = repo.personClone();
    repo.write(TIGHT, person);
    repo.git(person, 'commit', '--quiet', '-am', 'Keep only what orders-api uses');
    repo.git(person, 'push', '--quiet', 'origin', 'main');
    repo.git(repo.work, 'pull', '--quiet', '--ff-only');
    const main = repo.remoteSha('main');
    const branch = repo.remoteSha(BRANCH);

    const run = await pr(repo, fake);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/nothing left to trim: pull request closed with a comment/);
    expect(run.stdout).toBe('https://github.invalid/octo-org/infra/pull/1\n');
    expect(fake.pulls[0]!.state).toBe('closed');
    expect(fake.pulls[0]!.comments.at(-1)).toMatch(/nothing left to trim/);
    expect(repo.remoteSha(BRANCH)).toBe(branch);
    expect(repo.remoteSha('main')).toBe(main);

    const again = await pr(repo, fake);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/nothing left to trim: no pull request opened/);
    expect(fake.pulls).toHaveLength(1);
  }, 120_000);

  it('no run printed the token, and every request carried it', () => {
    for (const run of outputs) expect(run.stdout + run.stderr).not.toContain(TOKEN);
    expect(fake.requests.every((r) => r.hasAuthorization)).toBe(true);
  });
});

describe('refusals and other hosts', () => {
  it('a dirty work tree is refused before anything is read or sent', async () => {
    const fake = await startFakeGitHub({ token: TOKEN });
    try {
      const repo = infraRepo();
      writeFileSync(join(repo.work, 'infra', 'iam.tf'), readFileSync(join(repo.work, 'infra', 'iam.tf'), 'utf8') + '# wip\n');
      const run = await pr(repo, fake);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/\[git-dirty-work-tree\]: The work tree has uncommitted changes \(infra\/iam\.tf\)/);
      expect(run.stderr).not.toMatch(/read \d+ file\(s\)/);
      expect(fake.requests).toEqual([]);
      expect(repo.remoteSha(BRANCH)).toBe('');
      expect(readFileSync(join(repo.work, 'infra', 'iam.tf'), 'utf8')).toMatch(/# wip\n$/);
    } finally {
      await fake.close();
    }
  }, 90_000);

  it('without --repo, GITHUB_REPOSITORY, or an origin naming a GitHub repository: an error asking for --repo, before anything is read', async () => {
    const repo = infraRepo();
    const run = await runPr(repo, ['--role', ROLE], { GITHUB_TOKEN: TOKEN });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\[pr-remote-unsupported\]: The origin remote .* does not name a GitHub repository/);
    expect(run.stderr).toMatch(/Pass the repository with --repo OWNER\/NAME/);
    expect(run.stderr).not.toMatch(/read \d+ file\(s\)/);
  }, 60_000);

  it('GitHub Enterprise Server: every call goes under the API root given by GITHUB_API_URL (the repository from GITHUB_REPOSITORY)', async () => {
    const fake = await startFakeGitHub({ token: TOKEN, prefix: '/api/v3' });
    try {
      const repo = infraRepo();
      const run = await runPr(repo, ['--role', ROLE], { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: fake.apiUrl, GITHUB_REPOSITORY: 'octo-org/infra' });
      outputs.push(run);
      expect(run.code, run.stderr).toBe(0);
      expect(fake.apiUrl).toMatch(/\/api\/v3$/);
      expect(fake.requests.length).toBeGreaterThan(0);
      expect(fake.requests.every((r) => r.path.startsWith('/repos/octo-org/infra/'))).toBe(true);
      expect(fake.pulls).toHaveLength(1);
    } finally {
      await fake.close();
    }
  }, 90_000);

  it('the token is in no output, even when GitHub echoes it in an error', async () => {
    const fake = await startFakeGitHub({ token: TOKEN });
    try {
      const repo = infraRepo();
      fake.failNext({ status: 500, method: 'POST', body: { message: `token ${TOKEN} rejected by the proxy (Authorization: token ${TOKEN})` } });
      const run = await runPr(repo, ['--role', ROLE, '--repo', 'octo-org/infra', '--github-api-url', fake.apiUrl, '--github-token', TOKEN, '--debug']);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/\[github-error\]: Could not create the pull request/);
      expect(run.stdout + run.stderr).not.toContain(TOKEN);
      expect(run.stderr).toContain('***');
    } finally {
      await fake.close();
    }
  }, 90_000);
});

describe('a body over GitHub’s limit', () => {
  it('sends the shortened body and commits the full report on the branch, beside the edit', async () => {
    const fake = await startFakeGitHub({ token: TOKEN });
    try {
      const repo = infraRepo();
      const git = { cwd: repo.work, remote: 'origin', env: { ...process.env, ...repo.env } };
      const baseSha = await prepareBranch(git, { branch: BRANCH, base: 'main' });
      const file = 'policies/orders-api-shared-access.json';
      const pr: RolePullRequest = {
        role: { role: ROLE, definedIn: [] },
        roleArn: ROLE,
        branch: BRANCH,
        plan: { edits: [{ file, before: SHARED_JSON, after: SHARED_JSON.replace('"dynamodb:*"', '"dynamodb:GetItem"'), sites: [], notes: [] }], granted: [], trimmed: [], unresolved: [], suggestion: { stats: { removedActions: 1, narrowedActions: 0 } } as unknown as SuggestResult },
        text: { title: 'policy-trim: remove 1 unused permission from orders-api-role', body: 'the shortened body', fullReport: '# the full report\n' },
        reportPath: reportPathFor(BRANCH),
        window: { from: '2026-10-02T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' },
      };
      const github = createGitHubClient({ repo: { owner: 'octo-org', name: 'infra' }, token: TOKEN, apiUrl: fake.apiUrl });
      const result = await publishRole(pr, { kind: 'absent' }, { git, base: 'main', github, labels: [], baseSha });
      expect(result).toMatchObject({ status: 'created', pushed: true });
      const sha = repo.remoteSha(BRANCH);
      expect(repo.git(repo.remote, 'diff', '--name-only', baseSha, sha)).toBe(`.policy-trim/reports/orders-api-role.md\n${file}`);
      expect(repo.git(repo.remote, 'show', `${sha}:.policy-trim/reports/orders-api-role.md`)).toBe('# the full report');
      expect(fake.pulls[0]!.body).toBe('the shortened body');
    } finally {
      await fake.close();
    }
  }, 60_000);
});
