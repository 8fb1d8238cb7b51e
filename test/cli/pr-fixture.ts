/**
 * The world of the `policy-trim pr` tests: an infrastructure repository (a clone with a bare remote, as
 * test/pr/git.test.ts sets one up) whose Terraform and JSON files grant what examples/orders-api/policies
 * grant, the bundled orders-api trail as the activity (as `npm run example` reads it), and the fake GitHub.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { runCli, type CliRun } from '../support/cli.js';
import { tempDir } from '../support/offline-fixture.js';

export const ROLE = 'arn:aws:iam::123456789012:role/orders-api-role';
export const BRANCH = 'policy-trim/orders-api-role';
/** Shaped like a GitHub token, so the redaction's shape rule and its known-secret rule both apply. */
export const TOKEN = `ghp_${'Zq7'.repeat(12)}`;

const EXAMPLE = resolve(import.meta.dirname, '..', '..', 'examples', 'orders-api');

/** The example's activity, as package.json's `example` script passes it. */
export const ACTIVITY = ['--trail', join(EXAMPLE, 'trail'), '--trail-config', join(EXAMPLE, 'trail-config.json'), '--until', '2026-11-01T00:00:00Z', '--days', '30'];

/** The inline policy of examples/orders-api/policies/orders-api-role.inline.json, as a Terraform document. */
export const IAM_TF = `# The orders-api role's inline policy.
data "aws_iam_policy_document" "orders_api" {
  statement {
    sid     = "OrdersTable"
    actions = ["dynamodb:*"]
    resources = [
      "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
      "arn:aws:dynamodb:us-east-1:123456789012:table/orders/index/*",
    ]
  }

  statement {
    sid     = "ReceiptsBucket"
    actions = ["s3:*"]
    resources = [
      "arn:aws:s3:::orders-receipts-123456789012",
      "arn:aws:s3:::orders-receipts-123456789012/*",
    ]
  }

  statement {
    sid       = "OrderQueues"
    actions   = ["sqs:*"]
    resources = ["arn:aws:sqs:us-east-1:123456789012:orders-*"]
  }

  statement {
    sid       = "Notifications"
    actions   = ["sns:Publish", "events:PutEvents"]
    resources = ["*"]
  }

  statement {
    sid       = "DecryptViaSecretsAndParameters"
    actions   = ["kms:Decrypt"]
    resources = ["arn:aws:kms:us-east-1:123456789012:key/5d2c8f4e-7a1b-4c3d-9e8f-0a1b2c3d4e5f"]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["secretsmanager.us-east-1.amazonaws.com", "ssm.us-east-1.amazonaws.com"]
    }
  }

  statement {
    sid       = "NeverMakeReceiptsPublic"
    effect    = "Deny"
    actions   = ["s3:DeleteBucket", "s3:PutBucketAcl", "s3:PutBucketPolicy", "s3:PutObjectAcl"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "orders_api" {
  name   = "orders-api-role"
  role   = "orders-api-role"
  policy = data.aws_iam_policy_document.orders_api.json
}
`;

/** The customer-managed policy, as the example has it. */
export const SHARED_JSON = readFileSync(join(EXAMPLE, 'policies', 'orders-api-shared-access.json'), 'utf8');

export const CONFIG = `version: 1
roles:
  - role: ${ROLE}
    defined-in:
      - terraform: { file: infra/iam.tf, address: data.aws_iam_policy_document.orders_api }
      - json: { file: policies/orders-api-shared-access.json }
pr:
  labels: [security]
`;

/** An environment reading no configuration of the machine: a home of its own, a person as git's user. */
export function isolatedEnv(): Record<string, string> {
  const home = tempDir('pt-pr-home-');
  writeFileSync(join(home, '.gitconfig'), '[user]\n\tname = Pat Person\n\temail = pat@example.com\n[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n');
  return { PATH: process.env.PATH ?? '', HOME: home, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: join(home, '.gitconfig') };
}

/** An infrastructure repository: a bare remote with `main` holding the files, and a clone to run in. */
export interface InfraRepo {
  root: string;
  remote: string;
  work: string;
  env: Record<string, string>;
  git(cwd: string, ...args: string[]): string;
  /** The commit a branch of the remote points at, or '' when it has none. */
  remoteSha(branch: string): string;
  /** Writes files in `dir` (default: the clone), creating folders. */
  write(files: Record<string, string>, dir?: string): void;
  /** A second clone, as a person working beside the tool. */
  personClone(): string;
}

/** A fresh repository holding `files` (default: the config, iam.tf and the shared policy) on `main`. */
export function infraRepo(files: Record<string, string> = { '.policy-trim.yml': CONFIG, 'infra/iam.tf': IAM_TF, 'policies/orders-api-shared-access.json': SHARED_JSON }): InfraRepo {
  const env = isolatedEnv();
  const root = tempDir('pt-pr-');
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const remote = join(root, 'remote.git');
  git(root, 'init', '--quiet', '--bare', remote);
  const work = join(root, 'work');
  git(root, 'clone', '--quiet', remote, work);
  const write = (more: Record<string, string>, dir = work) => {
    for (const [path, text] of Object.entries(more)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  };
  write(files);
  git(work, 'add', '--all');
  git(work, 'commit', '--quiet', '-m', 'Infrastructure of orders-api');
  git(work, 'push', '--quiet', 'origin', 'main');
  let clones = 0;
  return {
    root,
    remote,
    work,
    env,
    git,
    write,
    remoteSha: (branch) => {
      try {
        return git(remote, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`);
      } catch {
        return '';
      }
    },
    personClone: () => {
      const dir = join(root, `person-${++clones}`);
      git(root, 'clone', '--quiet', remote, dir);
      return dir;
    },
  };
}

/**
 * `policy-trim pr ARGS` in the clone (`--dir`), with the activity (its `--until` and `--days` left out when ARGS
 * give them: an option given twice is a list), the repository's env and `env`.
 */
export function runPr(repo: InfraRepo, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const activity = ACTIVITY.filter((a, i) => !['--until', '--days'].some((o) => args.includes(o) && (a === o || ACTIVITY[i - 1] === o)));
  return runCli(['pr', '--dir', repo.work, ...args, ...activity], undefined, { ...repo.env, ...env });
}

/** The role's grants cut down by hand to what it used: nothing is left to trim. */
export const TIGHT = {
  'infra/iam.tf': `data "aws_iam_policy_document" "orders_api" {
  statement {
    sid       = "OrderQueues"
    actions   = ["sqs:SendMessage"]
    resources = ["arn:aws:sqs:us-east-1:123456789012:orders-queue"]
  }
}
`,
  'policies/orders-api-shared-access.json': `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Receive",
      "Effect": "Allow",
      "Action": "sqs:ReceiveMessage",
      "Resource": "arn:aws:sqs:us-east-1:123456789012:orders-queue"
    }
  ]
}
`,
};
