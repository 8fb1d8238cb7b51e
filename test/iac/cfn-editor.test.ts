/**
 * The CloudFormation editor on realistic templates: a YAML role in short form (two inline policies, managed
 * policy ARNs, GetAtt, Sub, Join, If), the same role with one named policy, a JSON AWS::IAM::Policy (long form,
 * Fn::FindInMap and Fn::ImportValue kept as opaque references), and a YAML managed policy written in long form.
 */

import { describe, expect, it } from 'vitest';
import { cloudFormationEditor } from '../../src/core/iac/cfn-editor.js';
import type { GrantSite } from '../../src/core/iac/types.js';
import { describeCases } from './cases.js';
import { allow, editOf, fixture } from './support.js';

const role: GrantSite = { format: 'cloudformation', file: 'infra/orders.yaml', resource: 'OrdersRole' };
const jobs: GrantSite = { format: 'cloudformation', file: 'infra/orders.yaml', resource: 'OrdersRole', policy: 'jobs' };
const exporter: GrantSite = { format: 'cloudformation', file: 'infra/reports.json', resource: 'ExporterPolicy' };
const consumer: GrantSite = { format: 'cloudformation', file: 'infra/stream.yaml', resource: 'ConsumerPolicy' };

const IF_DLQ = '!If [IsProd, !ImportValue shared-dlq-arn, !Ref AWS::NoValue]';
const ORDERS_TABLE = allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteTable'], ['{{GetAtt:Orders.Arn}}', '{{GetAtt:Orders.Arn}}/index/*'], { sid: 'OrdersTable' });
const RECEIPTS = allow(['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], ['arn:aws:s3:::{{Ref:Receipts}}/*'], { sid: 'Receipts' });
const QUEUE = allow(['sqs:SendMessage', 'sqs:PurgeQueue'], ['{{GetAtt:Jobs.Arn}}', `{{${IF_DLQ}}}`]);
const PARAMETERS = allow(['ssm:GetParameter'], ['arn:aws:ssm:{{Ref:AWS::Region}}:{{Ref:AWS::AccountId}}:parameter/orders/*']);
const MANAGED = ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole', 'arn:aws:iam::aws:policy/AmazonS3FullAccess', '{{Ref:SharedReadPolicy}}'];
const FIND_IN_MAP = '{ "Fn::FindInMap": ["Buckets", { "Ref": "Env" }, "Name"] }';
const IMPORT_KMS = '{ "Fn::ImportValue": "shared-kms-key-arn" }';

describeCases([
  {
    name: 'a role, all its inline policies and managed policies (YAML, short form)',
    editor: cloudFormationEditor,
    before: 'cloudformation/role-yaml/before.yaml',
    after: 'cloudformation/role-yaml/after.all.yaml',
    site: role,
    read: { statements: [ORDERS_TABLE, RECEIPTS, QUEUE, PARAMETERS], attachments: MANAGED },
    references: [
      ['GetAtt:Orders.Arn', '!GetAtt Orders.Arn'],
      ['Ref:Receipts', '${Receipts}'],
      ['GetAtt:Jobs.Arn', '!GetAtt [Jobs, Arn]'],
      [IF_DLQ, IF_DLQ],
      ['Ref:AWS::Region', "!Ref 'AWS::Region'"],
      ['Ref:AWS::AccountId', '!Ref AWS::AccountId'],
      ['Ref:SharedReadPolicy', '!Ref SharedReadPolicy'],
    ],
    edit: {
      statements: [
        { ...ORDERS_TABLE, action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'] },
        { ...RECEIPTS, action: ['s3:GetObject', 's3:PutObject'], resource: ['arn:aws:s3:::{{Ref:Receipts}}/2026/*'] },
        { ...QUEUE, action: ['sqs:SendMessage'] },
      ],
      attachments: [MANAGED[0], MANAGED[2]],
    },
  },
  {
    name: 'one named inline policy of a role: an opaque reference dropped, a Join narrowed into a Sub, a statement added',
    editor: cloudFormationEditor,
    before: 'cloudformation/role-yaml/before.yaml',
    after: 'cloudformation/role-yaml/after.jobs.yaml',
    site: jobs,
    read: { statements: [QUEUE, PARAMETERS], attachments: MANAGED },
    references: [
      ['GetAtt:Jobs.Arn', '!GetAtt [Jobs, Arn]'],
      [IF_DLQ, IF_DLQ],
      ['Ref:AWS::Region', "!Ref 'AWS::Region'"],
      ['Ref:AWS::AccountId', '!Ref AWS::AccountId'],
      ['Ref:SharedReadPolicy', '!Ref SharedReadPolicy'],
    ],
    edit: {
      statements: [
        { ...QUEUE, resource: ['{{GetAtt:Jobs.Arn}}'] },
        { ...PARAMETERS, resource: ['arn:aws:ssm:{{Ref:AWS::Region}}:{{Ref:AWS::AccountId}}:parameter/orders/api-key'] },
        allow(['dynamodb:Query'], ['{{GetAtt:Orders.Arn}}/index/by-status']),
      ],
      attachments: [...MANAGED, 'arn:aws:iam::aws:policy/CloudWatchLambdaInsightsExecutionRolePolicy'],
    },
  },
  {
    name: 'an AWS::IAM::Policy in a JSON template (long form, opaque FindInMap and ImportValue)',
    editor: cloudFormationEditor,
    before: 'cloudformation/policy-json/before.json',
    after: 'cloudformation/policy-json/after.json',
    site: exporter,
    read: {
      statements: [
        allow(['s3:PutObject', 's3:PutObjectAcl', 's3:GetObject'], ['arn:aws:s3:::{{Ref:ExportBucket}}/exports/*'], { sid: 'Export' }),
        allow(['s3:ListBucket', 's3:GetObject'], [`arn:aws:s3:::{{${FIND_IN_MAP}}}`, '{{GetAtt:ExportBucket.Arn}}'], { sid: 'Source' }),
        allow(['kms:*'], [`{{${IMPORT_KMS}}}`], { sid: 'Keys' }),
      ],
    },
    references: [
      ['Ref:ExportBucket', '${ExportBucket}'],
      [FIND_IN_MAP, FIND_IN_MAP],
      ['GetAtt:ExportBucket.Arn', '{ "Fn::GetAtt": ["ExportBucket", "Arn"] }'],
      [IMPORT_KMS, IMPORT_KMS],
    ],
    edit: {
      statements: [
        allow(['s3:PutObject'], ['arn:aws:s3:::{{Ref:ExportBucket}}/exports/*'], { sid: 'Export' }),
        allow(['s3:GetObject'], [`arn:aws:s3:::{{${FIND_IN_MAP}}}/2026/*`], { sid: 'Source' }),
        allow(['kms:Decrypt', 'kms:GenerateDataKey'], [`{{${IMPORT_KMS}}}`], { sid: 'Keys' }),
      ],
    },
  },
  {
    name: 'a managed policy in a YAML template written in long form (new references stay long form)',
    editor: cloudFormationEditor,
    before: 'cloudformation/longform-yaml/before.yaml',
    after: 'cloudformation/longform-yaml/after.yaml',
    site: consumer,
    read: {
      statements: [
        allow(['kinesis:GetRecords', 'kinesis:GetShardIterator', 'kinesis:DescribeStream', 'kinesis:PutRecord'], ['{{GetAtt:Stream.Arn}}'], { sid: 'Read' }),
        allow(['dynamodb:GetItem', 'dynamodb:PutItem'], ['arn:aws:dynamodb:{{Ref:AWS::Region}}:{{Ref:AWS::AccountId}}:table/checkpoints', 'arn:aws:dynamodb:{{Ref:AWS::Region}}:{{Ref:AWS::AccountId}}:table/checkpoints/index/*'], { sid: 'Checkpoints' }),
      ],
    },
    references: [
      ['GetAtt:Stream.Arn', 'Fn::GetAtt: [Stream, Arn]'],
      ['Ref:AWS::Region', '${AWS::Region}'],
      ['Ref:AWS::AccountId', '${AWS::AccountId}'],
    ],
    edit: {
      statements: [
        allow(['kinesis:GetRecords', 'kinesis:GetShardIterator'], ['{{GetAtt:Stream.Arn}}'], { sid: 'Read' }),
        allow(['dynamodb:GetItem', 'dynamodb:PutItem'], ['arn:aws:dynamodb:{{Ref:AWS::Region}}:{{Ref:AWS::AccountId}}:table/checkpoints', '{{GetAtt:Checkpoints.Arn}}'], { sid: 'Checkpoints' }),
      ],
    },
  },
]);

describe('CloudFormation editor errors', () => {
  const text = fixture('cloudformation/role-yaml/before.yaml');

  it('names the file and the resources of the right types when the resource is not there', () => {
    const site: GrantSite = { format: 'cloudformation', file: 'infra/orders.yaml', resource: 'PaymentsRole' };
    expect(() => cloudFormationEditor.read(text, site)).toThrow(
      'infra/orders.yaml:15:3: no resource PaymentsRole; resources of type AWS::IAM::Role here: OrdersRole; of type AWS::IAM::ManagedPolicy here: SharedReadPolicy',
    );
  });

  it('says what a resource of another type is', () => {
    const site: GrantSite = { format: 'cloudformation', file: 'infra/orders.yaml', resource: 'Orders' };
    expect(() => cloudFormationEditor.read(text, site)).toThrow(/:15:3: resource Orders is AWS::DynamoDB::Table, not AWS::IAM::Role or AWS::IAM::Policy or AWS::IAM::ManagedPolicy/);
  });

  it('names the policies a role has when the named one is not there', () => {
    const site: GrantSite = { format: 'cloudformation', file: 'infra/orders.yaml', resource: 'OrdersRole', policy: 'audit' };
    expect(() => cloudFormationEditor.read(text, site)).toThrow(/role OrdersRole has no Policies entry named audit; its policies: data, jobs/);
  });

  it('reports malformed YAML with its line', () => {
    const broken = text.replace('        - PolicyName: jobs', '        - PolicyName: [jobs');
    expect(() => cloudFormationEditor.read(broken, role)).toThrow(/infra\/orders\.yaml:\d+:\d+: not valid YAML/);
    try {
      cloudFormationEditor.read(broken, role);
    } catch (e) {
      expect((e as { code: string }).code).toBe('iac-parse-error');
      expect((e as { position: { line: number } }).position.line).toBeGreaterThanOrEqual(63);
    }
  });

  it('refuses a statement list computed with !If, naming its line', () => {
    const computed = text.replace(
      /( {12}Statement:\n {14}- Effect: Allow\n {16}Action:\n {18}- sqs:SendMessage)/,
      '            Statement: !If\n              - IsProd\n              - []\n              - []\n            Unused:\n              - Effect: Allow\n                Action:\n                  - sqs:SendMessage',
    );
    expect(computed).not.toBe(text);
    const site: GrantSite = { format: 'cloudformation', file: 'infra/orders.yaml', resource: 'OrdersRole', policy: 'jobs' };
    expect(() => cloudFormationEditor.read(computed, site)).toThrow(/infra\/orders\.yaml:66:24: the statement list is computed \(!If\)/);
  });

  it('refuses SAM templates and attachments on a policy resource', () => {
    const json = fixture('cloudformation/policy-json/before.json');
    const g = cloudFormationEditor.read(json, exporter);
    expect(() => cloudFormationEditor.write(json, exporter, editOf(g, g.statements, ['arn:aws:iam::aws:policy/ReadOnlyAccess']))).toThrow(/a policy resource holds statements only/);
  });
});
