/**
 * `policy-trim pr` with AWS in reach (moto): the documents of the role's attached managed policies come from IAM
 * (offline: `--managed-policy ARN=FILE` gives the same plan), so an over-granting attachment is replaced by
 * explicit statements; and references resolve through a deployed stack (`--stack`).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto, seedRole, useFakeAwsEnv, type MotoServer } from '../support/moto.js';
import { tempDir } from '../support/offline-fixture.js';
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
    expect(offline.stdout).toBe(live.stdout);

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
