/**
 * `policy-trim pr --dry-run` and the input `pr` refuses: the diff and the pull request printed (golden) with
 * nothing touched; a malformed configuration, a site that does not exist, a `--role` the file does not list,
 * each an error with nothing written; a policy whose references cannot be resolved trimmed at action level with
 * a note; and every option checked (the option audit of test/cli/flags.test.ts, for `pr`).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import yargs, { type Argv } from 'yargs';
import { describe, expect, it } from 'vitest';
import { prCommand } from '../../src/cli/commands/pr.js';
import { PR_FREE_FORM_OPTIONS } from '../../src/cli/pr-options.js';
import { BRANCH, CONFIG, IAM_TF, infraRepo, runPr, ROLE, SHARED_JSON, type InfraRepo } from './pr-fixture.js';

const POLICY_TRIM = resolve(import.meta.dirname, '..', '..');

/** Nothing changed: the clone on `main`, clean, no other branch; the remote's branches as they were. */
function expectUntouched(repo: InfraRepo, mainSha: string): void {
  expect(repo.git(repo.work, 'status', '--porcelain')).toBe('');
  expect(repo.git(repo.work, 'branch', '--format=%(refname:short)')).toBe('main');
  expect(repo.remoteSha('main')).toBe(mainSha);
  expect(repo.remoteSha(BRANCH)).toBe('');
}

describe('pr --dry-run', () => {
  it('prints the diff of every edited file, then the title and the body; touches nothing and needs no token', async () => {
    const repo = infraRepo();
    const main = repo.remoteSha('main');
    const run = await runPr(repo, ['--role', ROLE, '--dry-run']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/dry run: 2 file\(s\) would be committed on policy-trim\/orders-api-role; nothing was written/);
    const shown = run.stdout.split(POLICY_TRIM).join('<policy-trim>');
    await expect(shown).toMatchFileSnapshot('__snapshots__/pr-dry-run.golden.txt');
    expectUntouched(repo, main);

    // The diff is one `git apply` takes as it is.
    const patch = run.stdout.slice(run.stdout.indexOf('diff --git'), run.stdout.indexOf('# Title: '));
    writeFileSync(join(repo.root, 'edit.patch'), patch);
    execFileSync('git', ['apply', '--check', join(repo.root, 'edit.patch')], { cwd: repo.work, env: repo.env });
  }, 60_000);

  it('a policy with references it cannot resolve is trimmed at action level, and the output says so', async () => {
    const template = `Resources:
  OrdersTable:
    Type: AWS::DynamoDB::Table
  OrdersRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: orders-api-role
      Policies:
        - PolicyName: orders
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Sid: OrdersTable
                Effect: Allow
                Action: dynamodb:*
                Resource:
                  - !GetAtt OrdersTable.Arn
                  - !Sub '\${OrdersTable.Arn}/index/*'
`;
    const config = `version: 1\nroles:\n  - role: ${ROLE}\n    defined-in:\n      - cloudformation: { file: template.yaml, resource: OrdersRole }\n`;
    const repo = infraRepo({ '.policy-trim.yml': config, 'template.yaml': template });
    const run = await runPr(repo, ['--role', ROLE, '--dry-run']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/not resolved/);
    expect(run.stdout).toMatch(/`!GetAtt OrdersTable\.Arn` is not resolved .*trimmed at action level only/);
    expect(run.stdout).toMatch(/-\s+Action: dynamodb:\*/);
    expect(run.stdout).toContain('!GetAtt OrdersTable.Arn'); // kept as written
  }, 60_000);
});

describe('input pr refuses, with nothing written', () => {
  it('a malformed configuration: the error names the file, line and column', async () => {
    const repo = infraRepo();
    repo.write({ '.policy-trim.yml': CONFIG.replace('    defined-in:', '    defined_in:') });
    repo.git(repo.work, 'commit', '--quiet', '-am', 'typo');
    const run = await runPr(repo, ['--role', ROLE]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/\.policy-trim\.yml:4:5: roles\[0\]/);
    expect(repo.remoteSha(BRANCH)).toBe('');
  }, 60_000);

  it('a defined-in file that does not exist: the error names it and the configuration line', async () => {
    const repo = infraRepo();
    const main = repo.remoteSha('main');
    repo.write({ '.policy-trim.yml': CONFIG.replace('policies/orders-api-shared-access.json', 'policies/gone.json') });
    repo.git(repo.work, 'commit', '--quiet', '-am', 'points at a file that is not there');
    repo.git(repo.work, 'push', '--quiet', 'origin', 'main');
    for (const extra of [['--dry-run'], ['--repo', 'octo-org/infra', '--github-api-url', 'http://127.0.0.1:9', '--github-token', 'x-unused']]) {
      const run = await runPr(repo, ['--role', ROLE, ...extra]);
      expect(run.code, run.stderr).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/\[pr-site-missing\]: policies\/gone\.json \(named at \.policy-trim\.yml:6:\d+\) does not exist .*nothing was written/);
    }
    expect(repo.git(repo.work, 'status', '--porcelain')).toBe('');
    expect(repo.git(repo.work, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    expect(repo.remoteSha(BRANCH)).toBe('');
    expect(repo.remoteSha('main')).not.toBe(main); // only the person's commit
  }, 60_000);

  it('a --role the configuration does not list, or no role at all, is a usage error', async () => {
    const repo = infraRepo();
    const unknown = await runPr(repo, ['--role', 'payments-role', '--dry-run']);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toMatch(/--role payments-role: not a role of \.policy-trim\.yml \(it lists arn:aws:iam::123456789012:role\/orders-api-role\)/);
    const none = await runPr(repo, ['--dry-run']);
    expect(none.code).toBe(64);
    expect(none.stderr).toMatch(/name the roles: --role/);
  }, 60_000);
});

/** The free-form options pr shares with suggest, and how each is checked (as in test/cli/flags.test.ts). */
const SHARED_FREE_FORM: Record<string, string> = {
  trail: 'paths or s3:// URLs, checked to exist',
  'trail-config': 'a path, read and validated',
  'trail-name': 'a trail name, looked up in CloudTrail',
  since: 'a time, parsed', until: 'a time, parsed', days: 'a number of days, parsed',
  jobs: 'a number, checked (jobsFromArgs)',
  timeout: 'a number of seconds, checked',
  profile: 'an AWS profile, resolved by the SDK', region: 'an AWS Region', 'endpoint-url': 'a URL',
  baseline: 'checked against the knowledge (baselinesFromArgs)',
  'drop-unobservable': 'checked against the catalog (dropUnobservableOptions)',
  athena: 'a Glue table name, checked (parseTableRef)', 'athena-database': 'a Glue database name, checked (parseTableRef)',
  'athena-workgroup': 'an Athena workgroup name, checked (checkAthenaArgs)', 'athena-output': 'an s3:// URL, checked (checkAthenaArgs)',
  store: 'the usage store: a folder, created (empty is a usage error; --no-store turns it off)',
};

describe('pr option audit', () => {
  it('every option is boolean, has choices, or is a known free-form option with its check', () => {
    const y = prCommand.builder(yargs([]) as Argv);
    const o = (y as unknown as { getOptions(): { key: Record<string, unknown>; boolean: string[]; choices: Record<string, unknown> } }).getOptions();
    const unchecked = Object.keys(o.key).filter((k) => !(o.boolean.includes(k) || k in o.choices || k in PR_FREE_FORM_OPTIONS || k in SHARED_FREE_FORM));
    expect(unchecked).toEqual([]);
  });

  it('an option that takes a value must be given one', async () => {
    const repo = infraRepo();
    for (const flag of ['--base', '--repo', '--github-token', '--tf-state', '--managed-policy']) {
      const run = await runPr(repo, ['--role', ROLE, '--dry-run', flag]);
      expect(run.code, flag).toBe(64);
    }
    const bad = await runPr(repo, ['--role', ROLE, '--dry-run', '--managed-policy', 'not-an-arn']);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/expected ARN=FILE/);
  }, 60_000);
});

describe('pr --all', () => {
  it('two roles of one name in two accounts get a branch each, with the account', async () => {
    const other = 'arn:aws:iam::210987654321:role/orders-api-role';
    const config = CONFIG.replace('pr:\n', `  - role: ${other}\n    defined-in:\n      - json: { file: policies/orders-api-shared-access.json }\npr:\n`);
    const repo = infraRepo({ '.policy-trim.yml': config, 'infra/iam.tf': IAM_TF, 'policies/orders-api-shared-access.json': SHARED_JSON });
    const run = await runPr(repo, ['--all', '--dry-run']);
    // The second account's role made no call in the trail: an error for it alone, after the first is printed.
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('# arn:aws:iam::123456789012:role/orders-api-role: branch policy-trim/123456789012/orders-api-role, 2 file(s) edited');
    expect(run.stderr).toMatch(/\[no-activity\]: the trail holds no call by arn:aws:iam::210987654321:role\/orders-api-role/);
    const both = await runPr(repo, ['--all', '--dry-run', '--allow-no-activity']);
    expect(both.code, both.stderr).toBe(0);
    expect(both.stdout).toContain('branch policy-trim/210987654321/orders-api-role, 1 file(s) edited');
  }, 90_000);
});
