/**
 * What `pr --split-by-function` refuses, each an error naming the cause and what to do, with nothing written:
 * a grant with references no value resolves, a role defined only in JSON policy files, a name the Terraform
 * folder already uses, options that do not go together; and `suggest --split-by-function`'s check of IAM's
 * inline-policy limit in a deployment format.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ACTIVITY, ROLE, runPr, type InfraRepo } from '../cli/pr-fixture.js';
import { runCli } from '../support/cli.js';
import { exampleRepo, resolveOptions } from './split-fixture.js';

/** Nothing changed: the clone clean, on main, with no other branch. */
function expectUntouched(repo: InfraRepo): void {
  expect(repo.git(repo.work, 'status', '--porcelain')).toBe('');
  expect(repo.git(repo.work, 'branch', '--format=%(refname:short)')).toBe('main');
}

describe('pr --split-by-function refuses, with nothing written', () => {
  it('a grant holding references no value resolves: the per-function roles would lack them', async () => {
    // Given the SAM example as written (!GetAtt of the stack's own resources; only a deployed stack resolves them)
    const repo = exampleRepo('cloudformation', { asWritten: true });
    const run = await runPr(repo, ['--role', ROLE, '--split-by-function', '--dry-run', ...resolveOptions('cloudformation', repo)]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('error [split-grant-unknown]: part of what the repository grants arn:aws:iam::123456789012:role/orders-api-role is not known');
    expect(run.stderr).toContain('template.yaml#OrdersApiFunction: `!GetAtt OrdersTable.Arn` is not resolved');
    expect(run.stderr).toMatch(/what to do: Nothing was written\. Give the values: .*--stack \(a deployed stack\)/);
    expectUntouched(repo);
  }, 60_000);

  it('a role defined only in JSON policy files, which hold no roles', async () => {
    const repo = exampleRepo('json');
    const run = await runPr(repo, ['--role', ROLE, '--split-by-function', '--dry-run']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error [split-unsupported-file]: the role is defined only in JSON policy files (roles/orders-api-role.json, policies/orders-api-shared-access.json)');
    expect(run.stderr).toContain('suggest --split-by-function --format json');
    expectUntouched(repo);
  }, 60_000);

  it('a name another file of the Terraform folder already uses', async () => {
    const repo = exampleRepo('terraform', { change: (f) => void (f['trust.tf'] = 'data "aws_iam_policy_document" "lambda_assume_role" {\n  statement {\n    actions = ["sts:AssumeRole"]\n  }\n}\n') });
    const run = await runPr(repo, ['--role', ROLE, '--split-by-function', '--dry-run', ...resolveOptions('terraform', repo)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error [split-name-clash]: main.tf: the new roles would clash with names already used there: data.aws_iam_policy_document.lambda_assume_role (shared by the new roles) is already defined');
    expect(run.stderr).toContain('what to do: Nothing was written; policy-trim never overwrites a resource.');
    expectUntouched(repo);
  }, 60_000);

  it('the split\'s options without --split-by-function, and --split-by-function with --discover (usage errors)', async () => {
    const repo = exampleRepo('terraform');
    const alone = await runPr(repo, ['--role', ROLE, '--functions', 'orders-api', '--dry-run']);
    expect(alone.code).toBe(64);
    expect(alone.stderr).toContain('--functions goes with --split-by-function');
    const discover = await runPr(repo, ['--discover', '--split-by-function']);
    expect(discover.code).toBe(64);
    expect(discover.stderr).toContain('--discover and --split-by-function cannot be combined');
    expectUntouched(repo);
  }, 60_000);
});

describe('suggest --split-by-function and IAM\'s inline-policy limit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'policy-trim-split-size-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a deployment format whose role IAM would refuse, naming the function, its size and the limit', async () => {
    // Given a grant CloudTrail cannot show being used (logs:PutLogEvents is never logged) on 64 long log-group ARNs
    const groups = Array.from({ length: 64 }, (_, i) => `arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/orders-api-${'partition-'.repeat(9)}${String(i).padStart(3, '0')}:*`);
    const policy = join(dir, 'wide.json');
    writeFileSync(policy, JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Logs', Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: groups }] }));
    const base = ['suggest', '--role', ROLE, '--policy', policy, ...ACTIVITY, '--split-by-function', '--functions', 'orders-worker'];
    // When it is split into a role per function in Terraform
    const tf = await runCli([...base, '--format', 'terraform']);
    // Then the run fails before printing anything: every function keeps the unobservable grant, too large for one role
    expect(tf.code).toBe(1);
    expect(tf.stdout).toBe('');
    expect(tf.stderr).toMatch(/error \[split-inline-size\]: a function's role would hold more inline policy than IAM allows for one role \(10,240 characters, white space not counted; IAM and AWS STS quotas\): orders-worker: 1\d,\d{3} characters/);
  }, 60_000);
});
