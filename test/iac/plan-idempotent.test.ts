/**
 * The planner is idempotent: once its edit is merged, the next run proposes nothing. A statement whose trim
 * grants what the statement as written grants (compared by the catalog's expansion of its actions and by its
 * resource set, not by the text of its action list) is left byte for byte; so re-planning the planner's own
 * output gives no edit, in every format.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planEdits } from '../../src/core/iac/plan.js';
import type { PlanInput } from '../../src/core/iac/plan-types.js';
import type { GrantSite } from '../../src/core/iac/types.js';
import type { PolicyDocument } from '../../src/core/policy/types.js';
import { used } from '../support/trim-fakes.js';
import { fixture } from './support.js';
import { ACCOUNT, ORDERS_USAGE, QUEUE, RECEIPTS, TABLE, planInput, type PlanOptions } from './plan-support.js';

const PSEUDO = { 'Ref:AWS::Region': 'us-east-1', 'Ref:AWS::AccountId': ACCOUNT, 'Ref:AWS::Partition': 'aws' };
const managed = (name: string, action: string[], resource = ['*']): PolicyDocument => ({ name, version: '2012-10-17', statements: [{ effect: 'Allow', action, resource }] });

/** The files after applying a plan's edits. */
function applied(input: PlanInput, files: Record<string, string>): Record<string, string> {
  const out = { ...files };
  for (const e of planEdits(input).edits) out[e.file] = e.after;
  return out;
}

/**
 * Plan, apply, plan again: the second plan must change nothing (and the first must have changed something), and
 * the policy it reads back from the edited files is the one the first plan said they would hold.
 */
function expectIdempotent(sites: GrantSite[], files: Record<string, string>, o: PlanOptions = {}): void {
  const first = planEdits(planInput(sites, files, o));
  const once = { ...files };
  for (const e of first.edits) once[e.file] = e.after;
  expect(once).not.toEqual(files);
  const again = planEdits(planInput(sites, once, o));
  expect(again.edits.map((e) => e.file)).toEqual([]);
  expect(again.granted).toEqual(first.trimmed);
  expect(again.trimmed).toEqual(again.granted);
}

/** A JSON policy file granting every S3 action on a bucket's objects: its trim is a long list with patterns. */
const WIDE_JSON = JSON.stringify(
  {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Receipts', Effect: 'Allow', Action: 's3:*', Resource: [RECEIPTS, `${RECEIPTS}/*`] },
      { Sid: 'Tables', Effect: 'Allow', Action: ['dynamodb:*'], Resource: '*' },
    ],
  },
  null,
  2,
);

describe('planEdits is idempotent: re-planning its own output proposes nothing', () => {
  it('JSON: a wide S3 and DynamoDB grant, trimmed to lists holding patterns', () => {
    expectIdempotent([{ format: 'json', file: 'p.json' }], { 'p.json': `${WIDE_JSON}\n` });
  });

  it('CloudFormation: a role and the managed policy it attaches', () => {
    const FILE = 'stack/template.yaml';
    const sites: GrantSite[] = [
      { format: 'cloudformation', file: FILE, resource: 'OrdersRole' },
      { format: 'cloudformation', file: FILE, resource: 'SharedReadPolicy' },
    ];
    const values = { 'GetAtt:Orders.Arn': TABLE, 'Ref:Receipts': 'orders-receipts', 'GetAtt:Jobs.Arn': QUEUE, ...PSEUDO };
    expectIdempotent(sites, { [FILE]: fixture('cloudformation/role-yaml/before.yaml') }, { values, managed: [managed('arn:aws:iam::aws:policy/AmazonS3FullAccess', ['s3:*', 's3-object-lambda:*'])] });
  });

  it('SAM: two functions with templates and managed policies', () => {
    const FILE = 'sam/template.yaml';
    const sites: GrantSite[] = [
      { format: 'sam', file: FILE, function: 'CreateOrderFunction' },
      { format: 'sam', file: FILE, function: 'ListOrdersFunction' },
    ];
    const values = { 'Ref:OrdersTable': 'orders', 'Ref:UploadsBucket': 'orders-receipts', ...PSEUDO };
    const policies = [
      managed('arn:aws:iam::aws:policy/AmazonSQSFullAccess', ['sqs:*']),
      managed('arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess', ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:DescribeTable']),
    ];
    expectIdempotent(sites, { [FILE]: fixture('sam/functions/before.yaml') }, { values, managed: policies });
  });

  it('serverless.yml: the provider role and a function role', () => {
    const FILE = 'serverless.yml';
    const sites: GrantSite[] = [
      { format: 'serverless', file: FILE },
      { format: 'serverless', file: FILE, function: 'worker' },
    ];
    const values = { 'aws:region': 'us-east-1', 'aws:accountId': ACCOUNT, 'self:custom.table': 'orders', 'self:custom.uploads': 'orders-receipts', 'GetAtt:JobsQueue.Arn': QUEUE };
    const shared = managed(`arn:aws:iam::${ACCOUNT}:policy/orders-shared`, ['s3:GetObject', 's3:DeleteObject'], ['arn:aws:s3:::orders-config/*']);
    expectIdempotent(sites, { [FILE]: fixture('serverless/provider/serverless.yml') }, { values, managed: [shared] });
  });

  it('Terraform: a policy document data source, references resolved', () => {
    const FILE = 'infra/main.tf';
    const values = { 'aws_dynamodb_table.orders.arn': TABLE, 'aws_s3_bucket.receipts.arn': RECEIPTS };
    expectIdempotent([{ format: 'terraform', file: FILE, address: 'data.aws_iam_policy_document.orders' }], { [FILE]: fixture('terraform/data-source/before.tf') }, { values });
  });

  it('Terraform: a role with inline statements', () => {
    const FILE = 'infra/role.tf';
    expectIdempotent([{ format: 'terraform', file: FILE, address: 'aws_iam_role.worker' }], { [FILE]: fixture('terraform/role/before.tf') }, { managed: [managed('arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', ['s3:Get*', 's3:List*'])] });
  });
});

/** S3 and DynamoDB actions and patterns a statement may be written with. */
const S3_PATTERNS = ['s3:*', 's3:Get*', 's3:GetObject*', 's3:GetObjectVersion*', 's3:Put*', 's3:List*', 's3:*Object', 's3:PutObject', 's3:GetObject', 's3:DeleteObject*', 'dynamodb:*', 'dynamodb:Get*', 'dynamodb:Query'];
const USED = [used('s3:GetObject', [`${RECEIPTS}/a.json`]), used('s3:PutObject', [`${RECEIPTS}/b.json`]), used('dynamodb:GetItem', [TABLE])];

describe('planEdits is idempotent on random statements', () => {
  it('plan → apply → plan gives no edit', () => {
    const statement = fc.record({
      Action: fc.uniqueArray(fc.constantFrom(...S3_PATTERNS), { minLength: 1, maxLength: 4 }),
      Resource: fc.uniqueArray(fc.constantFrom('*', RECEIPTS, `${RECEIPTS}/*`, TABLE), { minLength: 1, maxLength: 2 }),
    });
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 3 }), (statements) => {
        const text = JSON.stringify({ Version: '2012-10-17', Statement: statements.map((s) => ({ Effect: 'Allow', ...s })) }, null, 2);
        const files = { 'p.json': text };
        const o: PlanOptions = { usage: [...USED, ...ORDERS_USAGE] };
        const once = applied(planInput([{ format: 'json', file: 'p.json' }], files, o), files);
        expect(planEdits(planInput([{ format: 'json', file: 'p.json' }], once, o)).edits).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });
});
