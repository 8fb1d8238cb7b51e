/**
 * The SAM editor: a function whose Policies mix managed policy names and ARNs (one through !Sub), SAM policy
 * templates and an inline document, with Globals.Function.Policies reported as inherited; and a function whose
 * Policies is one managed policy name that becomes a list.
 */

import { describe, expect, it } from 'vitest';
import { samEditor } from '../../src/core/iac/cfn-editor.js';
import type { GrantSite } from '../../src/core/iac/types.js';
import { describeCases } from './cases.js';
import { allow, editOf, fixture } from './support.js';

const create: GrantSite = { format: 'sam', file: 'template.yaml', function: 'CreateOrderFunction' };
const list: GrantSite = { format: 'sam', file: 'template.yaml', function: 'ListOrdersFunction' };
const GLOBALS = [{ from: 'Globals.Function.Policies', statements: [], attachments: ['AWSXRayDaemonWriteAccess'] }];
const SQS_FULL = 'arn:{{Ref:AWS::Partition}}:iam::aws:policy/AmazonSQSFullAccess';
const CRUD = { template: 'DynamoDBCrudPolicy', parameters: { TableName: '{{Ref:OrdersTable}}' } };
const S3_READ = { template: 'S3ReadPolicy', parameters: { BucketName: '{{Ref:UploadsBucket}}' } };
const METRICS = { template: 'CloudWatchPutMetricPolicy', parameters: {} };

describeCases([
  {
    name: 'a function with managed policies, templates and an inline document',
    editor: samEditor,
    before: 'sam/functions/before.yaml',
    after: 'sam/functions/after.CreateOrderFunction.yaml',
    site: create,
    read: {
      statements: [allow(['s3:PutObject', 's3:PutObjectTagging'], ['arn:aws:s3:::{{Ref:UploadsBucket}}/receipts/*']), allow(['sns:Publish'], ['*'])],
      attachments: ['AWSLambdaBasicExecutionRole', SQS_FULL],
      templates: [CRUD, S3_READ, METRICS],
      inherited: GLOBALS,
    },
    references: [
      ['Ref:AWS::Partition', '${AWS::Partition}'],
      ['Ref:OrdersTable', '!Ref OrdersTable'],
      ['Ref:UploadsBucket', '!Ref UploadsBucket'],
    ],
    edit: {
      // The SQS managed policy and the S3 read template are replaced by what the function used.
      statements: [
        allow(['s3:PutObject'], ['arn:aws:s3:::{{Ref:UploadsBucket}}/receipts/*']),
        allow(['sns:Publish'], ['{{Ref:AuditTopic}}']),
        allow(['sqs:SendMessage'], ['{{GetAtt:JobsQueue.Arn}}']),
        allow(['s3:GetObject'], ['arn:aws:s3:::{{Ref:UploadsBucket}}/incoming/*']),
      ],
      attachments: ['AWSLambdaBasicExecutionRole'],
      templates: [CRUD, METRICS, { template: 'SSMParameterReadPolicy', parameters: { ParameterName: 'orders/{{Ref:Stage}}/*' } }],
    },
  },
  {
    name: 'Policies written as one managed policy name becomes a list',
    editor: samEditor,
    before: 'sam/functions/before.yaml',
    after: 'sam/functions/after.ListOrdersFunction.yaml',
    site: list,
    read: { statements: [], attachments: ['AmazonDynamoDBReadOnlyAccess'], inherited: GLOBALS },
    edit: { statements: [], templates: [{ template: 'DynamoDBReadPolicy', parameters: { TableName: '{{Ref:OrdersTable}}' } }] },
  },
]);

describe('SAM editor', () => {
  const text = fixture('sam/functions/before.yaml');

  it('names the functions there when the function is not', () => {
    const site: GrantSite = { format: 'sam', file: 'template.yaml', function: 'PayFunction' };
    expect(() => samEditor.read(text, site)).toThrow(/template\.yaml:\d+:\d+: no resource PayFunction; resources of type AWS::Serverless::Function here: CreateOrderFunction, ListOrdersFunction/);
  });

  it('removes an inline document the edit empties, with its comment', () => {
    const g = samEditor.read(text, create);
    const written = samEditor.write(text, create, editOf(g, [], ['AWSLambdaBasicExecutionRole'], [CRUD]));
    expect(written).not.toMatch(/receipts and the audit topic|Statement:|S3ReadPolicy|CloudWatchPutMetricPolicy/);
    expect(written).toContain("      Policies:\n        - AWSLambdaBasicExecutionRole\n        - DynamoDBCrudPolicy:\n            TableName: !Ref OrdersTable\n\n  ListOrdersFunction:");
  });

  it('refuses Policies computed with !If', () => {
    const computed = text.replace('      Policies: AmazonDynamoDBReadOnlyAccess', "      Policies: !If [IsProd, [AmazonDynamoDBReadOnlyAccess], []]");
    expect(() => samEditor.read(computed, list)).toThrow(/template\.yaml:52:17: Policies is computed \(!If\)/);
  });
});
