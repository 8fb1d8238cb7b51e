import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate, parsePolicyDocument } from '../../src/core/policy/index.js';
import type { PolicyDocument } from '../../src/core/policy/types.js';
import { runCli, type CliRun } from '../support/cli.js';

// The bundled example's story and its expectations are in examples/orders-api/README.md: this test checks the
// suggestion against them with the evaluator, not by comparing text.
const ACCT = '123456789012';
const RECEIPTS = `arn:aws:s3:::orders-receipts-${ACCT}`;
const TABLE = `arn:aws:dynamodb:us-east-1:${ACCT}:table/orders`;
const QUEUE = `arn:aws:sqs:us-east-1:${ACCT}:orders-queue`;
const KEY = `arn:aws:kms:us-east-1:${ACCT}:key/5d2c8f4e-7a1b-4c3d-9e8f-0a1b2c3d4e5f`;

const ARGS = [
  'suggest',
  '--role', `arn:aws:iam::${ACCT}:role/orders-api-role`,
  '--policy', 'examples/orders-api/policies',
  '--trail', 'examples/orders-api/trail',
  '--trail-config', 'examples/orders-api/trail-config.json',
  '--until', '2026-11-01T00:00:00Z',
  '--days', '30',
];

let run: CliRun;
let suggestion: PolicyDocument[];

function allowed(action: string, resource: string, mode: 'must-allow' | 'may-allow' = 'may-allow'): boolean {
  return evaluate(suggestion, { action, resource }, { mode }) === 'allowed';
}

beforeAll(async () => {
  run = await runCli(ARGS);
  const parsed = JSON.parse(run.stdout);
  const docs = Array.isArray(parsed) ? parsed : [parsed];
  suggestion = docs.map((d, i) => parsePolicyDocument(d, `suggestion-${i}`));
});

describe('suggest on the bundled example (examples/orders-api)', () => {
  it('succeeds and prints only the policy on stdout', () => {
    expect(run.code).toBe(0);
    expect(run.stdout.trimStart().startsWith('[') || run.stdout.trimStart().startsWith('{')).toBe(true);
    expect(run.stderr).toContain('verified: never wider than the original');
  });

  it('keeps what was used, narrowed to the resources used', () => {
    const mustAllow: Array<[string, string]> = [
      ['secretsmanager:GetSecretValue', `arn:aws:secretsmanager:us-east-1:${ACCT}:secret:orders-api/stripe-api-key-Xa3kP9`],
      ['ssm:GetParameter', `arn:aws:ssm:us-east-1:${ACCT}:parameter/orders-api/receipts/config`],
      ['s3:PutObject', `${RECEIPTS}/receipts/cust-01703/ord-2026000013.pdf`],
      ['s3:GetObject', `${RECEIPTS}/receipts/cust-01703/ord-2026000013.pdf`],
      ['s3:ListBucket', RECEIPTS],
      ['sqs:SendMessage', QUEUE],
      ['sqs:ReceiveMessage', QUEUE],
      ['sqs:DeleteMessage', QUEUE],
      ['sns:Publish', `arn:aws:sns:us-east-1:${ACCT}:order-events`],
      ['lambda:InvokeFunction', `arn:aws:lambda:us-east-1:${ACCT}:function:receipts-exporter`],
      ['dynamodb:DescribeTable', TABLE],
    ];
    for (const [action, resource] of mustAllow) expect(allowed(action, resource, 'must-allow'), `${action} on ${resource}`).toBe(true);
    // kms:Decrypt stays conditional (kms:ViaService), exactly as the original grants it
    expect(allowed('kms:Decrypt', KEY, 'may-allow')).toBe(true);
    expect(allowed('kms:Decrypt', KEY, 'must-allow')).toBe(false);
  });

  it('no longer allows the same actions on resources that were not used', () => {
    const mustNot: Array<[string, string]> = [
      ['secretsmanager:GetSecretValue', `arn:aws:secretsmanager:us-east-1:${ACCT}:secret:payments/db-password-AbC123`],
      ['ssm:GetParameter', `arn:aws:ssm:us-east-1:${ACCT}:parameter/payments/db-url`],
      ['s3:PutObject', `${RECEIPTS}/exports/x.csv`],
      ['s3:GetObject', `${RECEIPTS}/exports/x.csv`],
      ['sqs:SendMessage', `arn:aws:sqs:us-east-1:${ACCT}:orders-dlq`],
      ['sns:Publish', `arn:aws:sns:us-east-1:${ACCT}:other-topic`],
      ['lambda:InvokeFunction', `arn:aws:lambda:us-east-1:${ACCT}:function:orders-api`],
    ];
    for (const [action, resource] of mustNot) expect(allowed(action, resource), `${action} on ${resource}`).toBe(false);
  });

  it('keeps what CloudTrail could not show', () => {
    for (const action of ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query']) {
      expect(allowed(action, TABLE, 'must-allow'), action).toBe(true);
      expect(allowed(action, `${TABLE}/index/by-customer`, 'must-allow'), action).toBe(true);
    }
    expect(allowed('events:PutEvents', '*', 'must-allow')).toBe(true);
    for (const action of ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents']) {
      expect(allowed(action, `arn:aws:logs:us-east-1:${ACCT}:log-group:/aws/lambda/orders-api:*`, 'must-allow'), action).toBe(true);
    }
    expect(allowed('xray:PutTraceSegments', '*', 'must-allow')).toBe(true);
    expect(allowed('xray:PutTelemetryRecords', '*', 'must-allow')).toBe(true);
    expect(allowed('iam:PassRole', `arn:aws:iam::${ACCT}:role/anything`, 'must-allow')).toBe(true);
    expect(run.stderr).toContain('kept because CloudTrail could not show their use');
    expect(run.stderr).toMatch(/review: iam:PassRole \(can hand any role to a service\) stays on every resource/);
  });

  it('removes what was not used although the trail would have shown it', () => {
    const mustNot: Array<[string, string]> = [
      ['iam:CreateRole', '*'],
      ['iam:AttachRolePolicy', `arn:aws:iam::${ACCT}:role/orders-api-role`],
      ['dynamodb:DeleteTable', TABLE],
      ['dynamodb:CreateTable', TABLE],
      ['dynamodb:UpdateTable', TABLE],
      ['s3:DeleteObject', `${RECEIPTS}/receipts/cust-01000/ord-2025000001.pdf`],
      ['s3:GetObject', `arn:aws:s3:::orders-archive-${ACCT}/exports/2026-10-03.csv`],
      ['s3:PutObject', `arn:aws:s3:::orders-archive-${ACCT}/exports/2026-10-03.csv`],
      ['s3:DeleteObject', `arn:aws:s3:::orders-archive-${ACCT}/exports/2026-10-03.csv`],
      ['s3:ListBucket', `arn:aws:s3:::orders-archive-${ACCT}`],
      ['sqs:PurgeQueue', QUEUE],
      ['sqs:DeleteQueue', QUEUE],
      ['sqs:SetQueueAttributes', QUEUE],
      ['ssm:GetParameters', `arn:aws:ssm:us-east-1:${ACCT}:parameter/orders-api/receipts/config`],
      ['ssm:GetParametersByPath', `arn:aws:ssm:us-east-1:${ACCT}:parameter/orders-api`],
      ['ssm:GetParameterHistory', `arn:aws:ssm:us-east-1:${ACCT}:parameter/orders-api/receipts/config`],
      ['states:StartExecution', `arn:aws:states:us-east-1:${ACCT}:stateMachine:order-fulfilment`],
    ];
    for (const [action, resource] of mustNot) expect(allowed(action, resource), `${action} on ${resource}`).toBe(false);
    expect(run.stderr).toMatch(/Permissions management: .*iam:AttachRolePolicy/);
  });

  it('keeps the Deny and reports the denied attempts', () => {
    const decision = evaluate(suggestion, { action: 's3:PutObjectAcl', resource: `${RECEIPTS}/receipts/cust-01296/ord-2026000075.pdf` }, { mode: 'may-allow' });
    expect(decision).toBe('explicit-deny');
    expect(run.stderr).toMatch(/denied attempts \(2\)/);
    expect(run.stderr).toMatch(/s3:PutObjectAcl: 2x/);
    expect(run.stderr).toMatch(/s3:PutObjectAcl: 2x .*refused by the role's own Deny \(.*NeverMakeReceiptsPublic\)/);
    expect(run.stderr).toMatch(/states:StartExecution: 2x .*the role may be missing this permission/);
  });

  it('is deterministic: a second run prints byte-identical output', async () => {
    const again = await runCli(ARGS);
    expect(again.stdout).toBe(run.stdout);
  });
});
