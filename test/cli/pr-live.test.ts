/**
 * `policy-trim pr` with AWS in reach (moto): the documents of the role's attached managed policies come from IAM
 * (offline: `--managed-policy ARN=FILE` gives the same plan), so an over-granting attachment is replaced by
 * explicit statements; references resolve through a deployed stack (`--stack`); and the live role is compared
 * with the repository's grant (issue 10 §1): a difference is reported, the edit is planned from the repository.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, seedRole, useFakeAwsEnv, type MotoServer } from '../support/moto.js';
import { tempDir } from '../support/offline-fixture.js';
import { LIVE_GRANTS_REMOVED, NOT_READ_OFFLINE } from '../../src/cli/pr-live-diff.js';
import { IAM_TF, infraRepo, ROLE, runPr, SHARED_JSON } from './pr-fixture.js';

const SHARED_ARN = 'arn:aws:iam::123456789012:policy/orders-api-shared-access';

/**
 * The inline policy as a Terraform document, the shared policy attached by its ARN (defined elsewhere), and a
 * role policy that can hold the attachment's statements.
 */
const ATTACHED_CONFIG = `version: 1
roles:
  - role: ${ROLE}
    defined-in:
      - terraform: { file: infra/iam.tf, address: data.aws_iam_policy_document.orders_api }
      - terraform: { file: infra/iam.tf, address: aws_iam_role_policy_attachment.shared }
      - terraform: { file: infra/iam.tf, address: aws_iam_role_policy.logs }
`;
const ATTACHED_TF = `${IAM_TF}
resource "aws_iam_role_policy_attachment" "shared" {
  role       = "orders-api-role"
  policy_arn = "${SHARED_ARN}"
}

# A role policy of its own: where the attachment's statements can go when it is replaced.
resource "aws_iam_role_policy" "logs" {
  name = "logs"
  role = "orders-api-role"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Sid = "Logs", Effect = "Allow", Action = "logs:PutLogEvents", Resource = "*" },
    ]
  })
}
`;

/** The list of the body's "The live role" section, up to the blank line after it. */
function liveEntry(stdout: string): string | undefined {
  return /^### The live role\n\n((?:- .*(?:\n|$))+)/m.exec(stdout)?.[1]!.trimEnd();
}

/** The "Before merging" item a live role granting more than the repository adds. */
const LIVE_ITEM = `- [ ] ${LIVE_GRANTS_REMOVED}`;

/** The dry run's output less what the live role adds: its section, and its item (and section) before merging. */
function withoutLiveEntry(stdout: string): string {
  const noSection = stdout.replace(/^### The live role\n\n(?:- .*(?:\n|$))+\n?/m, '');
  const alone = `\n\n${LIVE_ITEM}\n\n`;
  const at = noSection.indexOf(alone);
  const start = noSection.lastIndexOf('### Before merging\n\n', at);
  // The item alone in its section: the section goes; beside others: the item's line goes.
  if (at >= 0 && start >= 0 && !noSection.slice(start, at).includes('- [ ]')) return noSection.slice(0, start) + noSection.slice(at + alone.length);
  return noSection.replace(`${LIVE_ITEM}\n`, '');
}

/** The diff a dry run prints, before the title and the body. */
function diffOf(stdout: string): string {
  return stdout.slice(stdout.indexOf('diff --git'), stdout.indexOf('# Title: '));
}

/** The role's inline policy as deployed from the repository (examples/orders-api), as a parsed document. */
const DEPLOYED_INLINE = JSON.parse(readFileSync(resolve(import.meta.dirname, '..', '..', 'examples', 'orders-api', 'policies', 'orders-api-role.inline.json'), 'utf8')) as { Statement: { Sid?: string }[] };

/** moto emptied, then the role seeded with `inline` policies only (no attachment: the repository has none). */
async function reseedRole(inline: Record<string, object>): Promise<void> {
  await (await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' })).arrayBuffer();
  const { IAMClient } = await import('@aws-sdk/client-iam');
  const iam = new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  try {
    await seedRole(iam, { name: 'orders-api-role', inline: Object.fromEntries(Object.entries(inline).map(([k, v]) => [k, JSON.stringify(v)])) });
  } finally {
    iam.destroy();
  }
}

let moto: MotoServer;
let restoreEnv: () => void;

beforeAll(async () => {
  restoreEnv = useFakeAwsEnv();
  moto = await startMoto();
  const { IAMClient } = await import('@aws-sdk/client-iam');
  const iam = new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  try {
    await seedRole(iam, { name: 'orders-api-role', managed: { 'orders-api-shared-access': SHARED_JSON } });
  } finally {
    iam.destroy();
  }
}, 120_000);

afterAll(async () => {
  await moto?.stop();
  restoreEnv?.();
});

describe('pr with AWS in reach', () => {
  it('reads the attached managed policy from IAM and replaces the attachment by trimmed statements; offline, --managed-policy does the same', async () => {
    const repo = infraRepo({ '.policy-trim.yml': ATTACHED_CONFIG, 'infra/iam.tf': ATTACHED_TF });
    const aws = { ...(process.env as Record<string, string>), ...repo.env };
    const live = await runPr(repo, ['--role', ROLE, '--dry-run', '--region', 'us-east-1', '--endpoint-url', moto.endpoint], aws);
    expect(live.code, live.stderr).toBe(0);
    expect(live.stdout).toMatch(/^-resource "aws_iam_role_policy_attachment" "shared" \{/m);
    expect(live.stdout).toMatch(/^\+.*"?Sid"?\s*[=:]\s*"DynamoDBEverything"/m);
    expect(live.stderr).toMatch(new RegExp(`note: .*managed policy ${SHARED_ARN.replace(/[/.]/g, '\\$&')}`));

    const file = join(tempDir('pt-managed-'), 'shared.json');
    writeFileSync(file, SHARED_JSON);
    const offline = await runPr(repo, ['--role', ROLE, '--dry-run', '--managed-policy', `${SHARED_ARN}=${file}`], repo.env);
    expect(offline.code, offline.stderr).toBe(0);
    // The same plan and body, but for the live role's entry: offline it was not read, and one line says so;
    // live, the role in IAM (the shared policy alone) differs from the repository both ways.
    expect(withoutLiveEntry(offline.stdout)).toBe(withoutLiveEntry(live.stdout));
    expect(liveEntry(offline.stdout)).toBe(`- ${NOT_READ_OFFLINE}`);
    expect(offline.stdout).not.toContain(LIVE_ITEM);
    expect(live.stdout).toContain(LIVE_ITEM);
    const entry = liveEntry(live.stdout);
    expect(entry).toMatch(/^- The live role grants \d+ permissions the repository does not \(e\.g\. s3:DeleteBucket on arn:aws:s3:::orders-archive-123456789012 \(denied by the repository, not by the live role\);/m);
    expect(entry).toMatch(/^- The repository grants \d+ permissions the live role does not \(e\.g\. events:PutEvents on \\\*;/m);
    expect(entry).not.toContain(NOT_READ_OFFLINE);
    expect(offline.stderr).toContain(`note: ${NOT_READ_OFFLINE}\n`);

    // Neither: the attachment is kept, and the plan says why.
    const unknown = await runPr(repo, ['--role', ROLE, '--dry-run'], repo.env);
    expect(unknown.code, unknown.stderr).toBe(0);
    expect(unknown.stdout).not.toMatch(/^-resource "aws_iam_role_policy_attachment"/m);
    expect(unknown.stderr).toMatch(/note: .*orders-api-shared-access/);
  }, 120_000);

  it('resolves !GetAtt through a deployed stack (--stack): no action-level fallback, unlike without it', async () => {
    const template = `Resources:
  OrdersTable:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: orders
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{ AttributeName: order_id, AttributeType: S }]
      KeySchema: [{ AttributeName: order_id, KeyType: HASH }]
`;
    const { CloudFormationClient, CreateStackCommand } = await import('@aws-sdk/client-cloudformation');
    const cfn = new CloudFormationClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    try {
      await cfn.send(new CreateStackCommand({ StackName: 'orders-api', TemplateBody: template }));
    } finally {
      cfn.destroy();
    }
    const site = `${template}  OrdersPolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: orders
      Roles: [orders-api-role]
      PolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Sid: OrdersTable
            Effect: Allow
            Action: dynamodb:*
            Resource: !GetAtt OrdersTable.Arn
`;
    const config = `version: 1\nroles:\n  - role: ${ROLE}\n    defined-in:\n      - cloudformation: { file: template.yaml, resource: OrdersPolicy }\n`;
    const repo = infraRepo({ '.policy-trim.yml': config, 'template.yaml': site });
    const aws = { ...(process.env as Record<string, string>), ...repo.env };
    const resolved = await runPr(repo, ['--role', ROLE, '--dry-run', '--region', 'us-east-1', '--endpoint-url', moto.endpoint, '--stack', 'orders-api'], aws);
    expect(resolved.code, resolved.stderr).toBe(0);
    expect(resolved.stderr).not.toMatch(/is not resolved/);
    const unresolved = await runPr(repo, ['--role', ROLE, '--dry-run'], repo.env);
    expect(unresolved.code, unresolved.stderr).toBe(0);
    expect(unresolved.stderr).toMatch(/`!GetAtt OrdersTable\.Arn` is not resolved/);
    expect(resolved.stdout).not.toBe(unresolved.stdout);
  }, 120_000);
});

// Runs after the tests above: each reseeds moto with the live role it needs.
describe('pr compares the live role with the repository (issue 10 §1)', () => {
  const live = (repo: ReturnType<typeof infraRepo>, ...more: string[]) =>
    runPr(repo, ['--role', ROLE, '--dry-run', '--region', 'us-east-1', '--endpoint-url', moto.endpoint, ...more], { ...(process.env as Record<string, string>), ...repo.env });
  const shared = JSON.parse(SHARED_JSON) as { Statement: object[] };

  it('the live role holds a statement the repository does not: reported on stderr and in the body, the edit planned from the repository', async () => {
    const extra = { Sid: 'HandMade', Effect: 'Allow', Action: 'sns:Subscribe', Resource: 'arn:aws:sns:us-east-1:123456789012:orders-events' };
    await reseedRole({ 'orders-api-role': DEPLOYED_INLINE, shared: { ...shared, Statement: [...shared.Statement, extra] } });
    const repo = infraRepo();
    const run = await live(repo);
    expect(run.code, run.stderr).toBe(0);
    const note = "The live role grants 1 permission the repository does not (e.g. sns:Subscribe on arn:aws:sns:us-east-1:123456789012:orders-events): someone changed it outside this code, or the code is not deployed yet. The pull request edits the repository's version.";
    expect(run.stderr).toContain(`${ROLE}: note: ${note}\n`);
    expect(run.stderr).not.toMatch(/The repository grants/);
    expect(liveEntry(run.stdout)).toBe(`- ${note}`);
    // Applying the repository takes the hand-made grant away: the reviewer checks it before merging.
    expect(run.stdout).toContain(LIVE_ITEM);
    // The edit is the repository's: what an offline run plans, and nothing of the live role's extra grant.
    const offline = await runPr(repo, ['--role', ROLE, '--dry-run'], repo.env);
    expect(offline.code, offline.stderr).toBe(0);
    expect(diffOf(run.stdout)).toBe(diffOf(offline.stdout));
    expect(diffOf(run.stdout)).not.toContain('sns:Subscribe');
    // --quiet: the notes leave stderr, the body keeps them.
    const quiet = await live(repo, '--quiet');
    expect(quiet.stderr).not.toContain(note);
    expect(liveEntry(quiet.stdout)).toBe(liveEntry(run.stdout));
  }, 120_000);

  it('the live role lacks a statement the repository has: reported, and the edit still planned from the repository', async () => {
    await reseedRole({ 'orders-api-role': { ...DEPLOYED_INLINE, Statement: DEPLOYED_INLINE.Statement.filter((st) => st.Sid !== 'Notifications') }, shared });
    const repo = infraRepo();
    const run = await live(repo);
    expect(run.code, run.stderr).toBe(0);
    const note = 'The repository grants 2 permissions the live role does not (e.g. events:PutEvents on *; sns:Publish on *): the code is not deployed yet, or the role was narrowed outside it. The pull request edits the repository\'s version.';
    expect(run.stderr).toContain(`${ROLE}: note: ${note}\n`);
    expect(run.stderr).not.toMatch(/The live role grants/);
    expect(liveEntry(run.stdout)).toBe(`- ${note.replace(/\*/g, '\\*')}`);
    // Applying the repository takes nothing of the live role's away: nothing to check before merging.
    expect(run.stdout).not.toContain(LIVE_ITEM);
    const offline = await runPr(repo, ['--role', ROLE, '--dry-run'], repo.env);
    expect(diffOf(run.stdout)).toBe(diffOf(offline.stdout));
    // The repository's Notifications statement is trimmed as usage says, not dropped because the live role lacks it.
    expect(diffOf(run.stdout)).toMatch(/^[ +].*sns:Publish/m);
  }, 120_000);

  it('a role IAM cannot read: one warning, the attachment kept saying why, the comparison said not made; the edit planned from the repository', async () => {
    await (await fetch(`${moto.endpoint}/moto-api/reset`, { method: 'POST' })).arrayBuffer();
    const repo = infraRepo({ '.policy-trim.yml': ATTACHED_CONFIG, 'infra/iam.tf': ATTACHED_TF });
    const run = await live(repo);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr.match(/^warning: .*could not read the role from IAM/gm)).toHaveLength(1);
    expect(run.stderr).toMatch(new RegExp(`note: .*managed policy ${SHARED_ARN.replace(/[/.]/g, '\\$&')} \\(attached at infra/iam\\.tf:\\d+\\) kept as written: its document is not known \\(the role could not be read from IAM: .+; give --managed-policy ARN=FILE to trim it offline\\)\\.`));
    expect(run.stderr).toMatch(/note: Could not read the live role .+: it was not compared with the repository, whose version the pull request edits\./);
    expect(liveEntry(run.stdout)).toMatch(/^- Could not read the live role /);
    const offline = await runPr(repo, ['--role', ROLE, '--dry-run'], repo.env);
    expect(diffOf(run.stdout)).toBe(diffOf(offline.stdout));
  }, 120_000);

  it('says nothing of the live role when it grants what the repository does', async () => {
    await reseedRole({ 'orders-api-role': DEPLOYED_INLINE, shared });
    const repo = infraRepo();
    const run = await live(repo);
    expect(run.code, run.stderr).toBe(0);
    expect(liveEntry(run.stdout)).toBeUndefined();
    expect(run.stderr).not.toMatch(/live role/);
  }, 120_000);
});
