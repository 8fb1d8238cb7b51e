/**
 * `pr --split-by-function` published, against a real git repository with a bare remote and the fake GitHub: the
 * pull request is opened on the split's own branch (beside the role's trim, never on it), with one commit by the
 * tool (its trailers) that changes only the file defining the shared role, and the body the dry run prints; a
 * re-run adds no commit and leaves the pull request as it is; the trim's pull request of the same role is another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BRANCH, ROLE, runPr, TOKEN, type InfraRepo } from '../cli/pr-fixture.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';
import { exampleRepo, resolveOptions } from './split-fixture.js';

const SPLIT_BRANCH = 'policy-trim/split-by-function/orders-api-role';

describe('pr --split-by-function, published', () => {
  let fake: FakeGitHub;
  let repo: InfraRepo;
  let mainSha: string;
  const split = (extra: string[] = []) =>
    runPr(repo, ['--role', ROLE, '--split-by-function', '--repo', 'octo-org/infra', '--github-api-url', fake.apiUrl, ...resolveOptions('terraform', repo), ...extra], { GITHUB_TOKEN: TOKEN });

  beforeAll(async () => {
    fake = await startFakeGitHub({ token: TOKEN });
    repo = exampleRepo('terraform');
    mainSha = repo.remoteSha('main');
  });
  afterAll(() => fake.close());

  it('opens the pull request on the split branch: one tool commit adding the roles to main.tf, the dry run\'s body', async () => {
    // Given the dry run's pull request
    const dry = await runPr(repo, ['--role', ROLE, '--split-by-function', '--dry-run', ...resolveOptions('terraform', repo)]);
    expect(dry.code, dry.stderr).toBe(0);
    // When the split is published
    const run = await split();
    // Then the pull request is open on its own branch, from main, with the tool's commit and the same text
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('https://github.invalid/octo-org/infra/pull/1\n');
    expect(run.stderr).toContain(`branch ${SPLIT_BRANCH}: pull request created`);
    const sha = repo.remoteSha(SPLIT_BRANCH);
    expect(repo.git(repo.remote, 'rev-parse', `${sha}^`)).toBe(mainSha);
    expect(repo.git(repo.remote, 'diff', '--name-only', mainSha, sha)).toBe('main.tf');
    const message = repo.git(repo.remote, 'log', '-1', '--format=%B', sha);
    expect(message).toMatch(/^policy-trim: one role per function for orders-api-role\n\nAdd 3 roles to main\.tf, one per function of orders-api-role:\n- orders-api-role-orders-api \(function orders-api\)\n/);
    expect(message).toMatch(/The shared role and the\s+functions are unchanged\.\n\nPolicy-Trim-Role: arn:aws:iam::123456789012:role\/orders-api-role\nGenerated-By: policy-trim \d/);
    expect(fake.pulls).toMatchObject([{ number: 1, state: 'open', head: SPLIT_BRANCH, base: 'main', labels: ['security', 'iam'] }]);
    expect(fake.pulls[0]!.title).toBe('policy-trim: one role per function for orders-api-role (3 functions)');
    const body = fake.pulls[0]!.body ?? '';
    expect(body.length).toBeGreaterThan(1000);
    expect(dry.stdout.endsWith(body.endsWith('\n') ? body : `${body}\n`), 'the body is the one the dry run printed').toBe(true);
    expect(repo.remoteSha('main')).toBe(mainSha);
    expect(repo.remoteSha(BRANCH)).toBe('');
    expect(repo.git(repo.work, 'status', '--porcelain')).toBe('');
    expect(`${run.stdout}${run.stderr}`).not.toContain(TOKEN);
  }, 120_000);

  it('a re-run adds no commit and leaves the pull request unchanged', async () => {
    const before = repo.remoteSha(SPLIT_BRANCH);
    const run = await split();
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`branch ${SPLIT_BRANCH}: pull request unchanged`);
    expect(repo.remoteSha(SPLIT_BRANCH)).toBe(before);
    expect(fake.pulls).toHaveLength(1);
  }, 120_000);

  it('the trim of the same role is another pull request, on the role\'s own branch', async () => {
    const run = await runPr(repo, ['--role', ROLE, '--repo', 'octo-org/infra', '--github-api-url', fake.apiUrl, ...resolveOptions('terraform', repo)], { GITHUB_TOKEN: TOKEN });
    expect(run.code, run.stderr).toBe(0);
    expect(fake.pulls.map((p) => p.head)).toEqual([SPLIT_BRANCH, BRANCH]);
  }, 120_000);
});
