/**
 * The edit planner on the orders-api story in CloudFormation, SAM, serverless.yml and JSON: two sites of a role in
 * one file each time, references resolved from stack values, managed policies and SAM templates replaced where
 * the role did not use all they grant. The removed lines are asserted exactly (everything else in the file is
 * kept); added lines by what they must hold.
 */

import { describe, expect, it } from 'vitest';
import { planEdits } from '../../src/core/iac/plan.js';
import type { GrantSite } from '../../src/core/iac/types.js';
import type { PolicyDocument } from '../../src/core/policy/types.js';
import { used as usedOf } from '../support/trim-fakes.js';
import { fixture } from './support.js';
import { ACCOUNT, QUEUE, TABLE, changedLines, planInput } from './plan-support.js';

const managed = (name: string, action: string[], resource = ['*']): PolicyDocument => ({ name, version: '2012-10-17', statements: [{ effect: 'Allow', action, resource }] });
const PSEUDO = { 'Ref:AWS::Region': 'us-east-1', 'Ref:AWS::AccountId': ACCOUNT, 'Ref:AWS::Partition': 'aws' };

describe('planEdits on a CloudFormation role and the managed policy it attaches', () => {
  const FILE = 'stack/template.yaml';
  const before = fixture('cloudformation/role-yaml/before.yaml');
  const sites: GrantSite[] = [
    { format: 'cloudformation', file: FILE, resource: 'OrdersRole' },
    { format: 'cloudformation', file: FILE, resource: 'SharedReadPolicy' },
  ];
  const values = { 'GetAtt:Orders.Arn': TABLE, 'Ref:Receipts': 'orders-receipts', 'GetAtt:Jobs.Arn': QUEUE, ...PSEUDO };
  const result = planEdits(planInput(sites, { [FILE]: before }, { values, managed: [managed('arn:aws:iam::aws:policy/AmazonS3FullAccess', ['s3:*', 's3-object-lambda:*'])] }));
  const [edit] = result.edits;
  const { added, removed } = changedLines(before, edit.after);

  it('removes unused actions and resources, keeping comments and references as written', () => {
    expect(removed).toEqual([
      "        - 'arn:aws:iam::aws:policy/AmazonS3FullAccess'   # TODO: too wide",
      '                  - dynamodb:PutItem',
      '                  - dynamodb:UpdateItem   # status changes',
      '                  - dynamodb:DeleteTable',
      "                  - !Sub '${Orders.Arn}/index/*'",
      "                Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject']",
      "                Resource: !Sub 'arn:aws:s3:::${Receipts}/*'",
      '                  - sqs:PurgeQueue',
      '                Action: ssm:GetParameter',
      "                Resource: !Join ['', ['arn:aws:ssm:', !Ref 'AWS::Region', ':', !Ref AWS::AccountId, ':parameter/orders/*']]",
    ]);
    expect(added).toContain("                Action: ['s3:PutObject']");
    expect(added).toContain("                Resource: !Sub 'arn:aws:s3:::${Receipts}/receipts/*'");
  });

  it('keeps a resource it cannot resolve as written, trimming its statement at action level', () => {
    expect(edit.after).toContain('                  - sqs:SendMessage\n                Resource:\n                  - !GetAtt [Jobs, Arn]\n                  - !If [IsProd, !ImportValue shared-dlq-arn, !Ref AWS::NoValue]');
    expect(result.unresolved.map((u) => u.reference.written)).toEqual(['!If [IsProd, !ImportValue shared-dlq-arn, !Ref AWS::NoValue]']);
  });

  it('keeps the attachment of a policy it trims at its own site, and that policy where nothing goes', () => {
    expect(edit.after).toContain('        - !Ref SharedReadPolicy\n');
    expect(edit.sites).toEqual([sites[0]]);
    expect(result.granted.map((d) => d.name)).toEqual([`${FILE}#OrdersRole`, 'arn:aws:iam::aws:policy/AmazonS3FullAccess', `${FILE}#SharedReadPolicy`]);
  });

  it('replaces AmazonS3FullAccess by explicit statements in the role policies', () => {
    expect(added).toContain("                Resource: 'arn:aws:s3:::orders-config/app.json'");
    expect(edit.notes).toContainEqual(expect.stringMatching(/AmazonS3FullAccess \(attached at stack\/template\.yaml:\d+\) replaced by \d explicit statements; the attachment is removed from this code only: the AWS managed policy itself is unchanged/));
    expect(edit.notes).toContainEqual(expect.stringMatching(/AWSLambdaBasicExecutionRole .* kept as written: its document is not known/));
  });
});

describe('planEdits numbering Sids', () => {
  it('keeps the site its Sids and numbers those of replacement statements that would repeat one', () => {
    const FILE = 'stack/template.yaml';
    const before = fixture('cloudformation/role-yaml/before.yaml');
    const values = { 'GetAtt:Orders.Arn': TABLE, 'Ref:Receipts': 'orders-receipts', 'GetAtt:Jobs.Arn': QUEUE, ...PSEUDO };
    const s3: PolicyDocument = { name: 'arn:aws:iam::aws:policy/AmazonS3FullAccess', statements: [{ sid: 'Receipts', effect: 'Allow', action: ['s3:*'], resource: ['*'] }] };
    const result = planEdits(planInput([{ format: 'cloudformation', file: FILE, resource: 'OrdersRole' }], { [FILE]: before }, { values, managed: [s3] }));
    const sids = [...result.edits[0].after.matchAll(/Sid: (\w+)/g)].map((m) => m[1]);
    expect(sids.filter((x) => x.startsWith('Receipts'))).toEqual(['Receipts', 'Receipts2', 'Receipts3', 'Receipts4']);
  });
});

describe('planEdits on two named policies of one CloudFormation role', () => {
  it('replaces the attachment both sites read once, with its statements in the first', () => {
    const FILE = 'stack/template.yaml';
    const before = fixture('cloudformation/role-yaml/before.yaml');
    const sites: GrantSite[] = [
      { format: 'cloudformation', file: FILE, resource: 'OrdersRole', policy: 'data' },
      { format: 'cloudformation', file: FILE, resource: 'OrdersRole', policy: 'jobs' },
    ];
    const values = { 'GetAtt:Orders.Arn': TABLE, 'Ref:Receipts': 'orders-receipts', 'GetAtt:Jobs.Arn': QUEUE, ...PSEUDO };
    const result = planEdits(planInput(sites, { [FILE]: before }, { values, managed: [managed('arn:aws:iam::aws:policy/AmazonS3FullAccess', ['s3:*'])] }));
    const [edit] = result.edits;
    expect(edit.after.split("Resource: 'arn:aws:s3:::orders-config/app.json'")).toHaveLength(2);
    expect(edit.after.indexOf('arn:aws:s3:::orders-config/app.json')).toBeLessThan(edit.after.indexOf('- PolicyName: jobs'));
    expect(edit.after).not.toContain('AmazonS3FullAccess');
    expect(edit.notes.filter((n) => n.includes('AmazonS3FullAccess'))).toHaveLength(1);
    expect(edit.sites).toEqual(sites);
  });
});

describe('planEdits on two SAM functions of one template', () => {
  const FILE = 'sam/template.yaml';
  const before = fixture('sam/functions/before.yaml');
  const sites: GrantSite[] = [
    { format: 'sam', file: FILE, function: 'CreateOrderFunction' },
    { format: 'sam', file: FILE, function: 'ListOrdersFunction' },
  ];
  const values = { 'Ref:OrdersTable': 'orders', 'Ref:UploadsBucket': 'orders-receipts', ...PSEUDO };
  const policies = [
    managed('arn:aws:iam::aws:policy/AmazonSQSFullAccess', ['sqs:*']),
    managed('arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess', ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:DescribeTable']),
  ];

  it('replaces over-granting templates and managed policies by explicit statements written with the references', () => {
    const result = planEdits(planInput(sites, { [FILE]: before }, { values, managed: policies }));
    const [edit] = result.edits;
    const { added, removed } = changedLines(before, edit.after);
    expect(removed).toEqual([
      "        - !Sub 'arn:${AWS::Partition}:iam::aws:policy/AmazonSQSFullAccess'",
      '        - DynamoDBCrudPolicy:',
      '            TableName: !Ref OrdersTable',
      '        - S3ReadPolicy:',
      '            BucketName: !Ref UploadsBucket',
      '                - s3:PutObjectTagging',
      '      Policies: AmazonDynamoDBReadOnlyAccess',
    ]);
    expect(edit.after).toContain('              Action: dynamodb:GetItem\n              Resource: !Sub "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${OrdersTable}"');
    expect(edit.after).toContain('        - CloudWatchPutMetricPolicy: {}\n');
    expect(edit.after).toContain('              Resource: !Sub "arn:aws:s3:::${UploadsBucket}/receipts/*"');
    expect(added).toContain(`              Resource: "${TABLE}"`);
    const notes = edit.notes.join('\n');
    expect(notes).toMatch(/SAM policy template DynamoDBCrudPolicy \(at sam\/template\.yaml:\d+\) replaced by 1 explicit statement/);
    expect(notes).toMatch(/managed policy arn:aws:iam::aws:policy\/AmazonDynamoDBReadOnlyAccess .* replaced by 1 explicit statement/);
    expect(notes).toMatch(/inherited from Globals\.Function\.Policies \(line \d+\) are kept as written/);
    expect(edit.after.slice(0, edit.after.indexOf('Resources:'))).toBe(before.slice(0, before.indexOf('Resources:')));
  });

  it('finds an AWS managed policy SAM names without its path, and keeps it when the role needs all of it', () => {
    const basic = managed('arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole', ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents']);
    const result = planEdits(planInput(sites.slice(0, 1), { [FILE]: before }, { values, managed: [...policies, basic] }));
    expect(result.granted.map((d) => d.name)).toContain(basic.name);
    expect(result.edits[0].after).toContain('        - AWSLambdaBasicExecutionRole\n');
    expect(result.notes!.join('\n')).not.toMatch(/AWSLambdaBasicExecutionRole/);
  });

  it('keeps templates as written, with a note, when their definitions are not given', () => {
    const result = planEdits(planInput(sites.slice(0, 1), { [FILE]: before }, { values, managed: policies, sam: false }));
    const after = result.edits[0].after;
    expect(after).toContain('        - DynamoDBCrudPolicy:\n            TableName: !Ref OrdersTable\n        - S3ReadPolicy:');
    expect(result.notes!.join('\n')).toMatch(/SAM policy template DynamoDBCrudPolicy kept as written and not trimmed: the SAM policy template definitions were not given/);
    expect(result.granted.map((d) => d.name)).not.toContain(`${FILE}#CreateOrderFunction/DynamoDBCrudPolicy`);
  });
});

describe('planEdits on serverless.yml: the provider role and a function role', () => {
  const FILE = 'serverless.yml';
  const before = fixture('serverless/provider/serverless.yml');
  const sites: GrantSite[] = [
    { format: 'serverless', file: FILE },
    { format: 'serverless', file: FILE, function: 'worker' },
  ];
  const values = { 'aws:region': 'us-east-1', 'aws:accountId': ACCOUNT, 'self:custom.table': 'orders', 'self:custom.uploads': 'orders-receipts', 'GetAtt:JobsQueue.Arn': QUEUE };
  const shared = managed(`arn:aws:iam::${ACCOUNT}:policy/orders-shared`, ['s3:GetObject', 's3:DeleteObject'], ['arn:aws:s3:::orders-config/*']);
  const result = planEdits(planInput(sites, { [FILE]: before }, { values, managed: [shared] }));
  const [edit] = result.edits;

  it('trims the statements in place and replaces the customer-managed policy by its used statement', () => {
    const { added, removed } = changedLines(before, edit.after);
    expect(removed).toEqual([
      '            - dynamodb:PutItem',
      '            - dynamodb:Scan          # reports',
      '            - dynamodb:DeleteTable',
      '          Action: [sqs:SendMessage, sqs:GetQueueUrl]',
      "        - 'arn:aws:iam::${aws:accountId}:policy/orders-shared'",
      '      - Effect: Allow',
      '        Action: secretsmanager:GetSecretValue',
      '        Resource: ${cf:shared-secrets-${sls:stage}.ApiKeyArn}',
    ]);
    expect(added).toEqual(['          Action: [sqs:SendMessage]', '        - Effect: Allow', '          Action: s3:GetObject', '          Resource: "arn:aws:s3:::orders-config/app.json"']);
    expect(edit.notes.join('\n')).toMatch(/orders-shared \(attached at serverless\.yml:\d+\) replaced by 1 explicit statement; the attachment is removed from this code only: the policy itself stays in the account/);
  });

  it('keeps the serverless variables of a resource it does not change', () => {
    expect(edit.after).toContain('          Resource: "arn:aws:dynamodb:${aws:region}:${aws:accountId}:table/${self:custom.table}"');
    expect(result.unresolved).toEqual([{ site: sites[1], reference: { written: '${cf:shared-secrets-${sls:stage}.ApiKeyArn}', key: 'cf:shared-secrets-${sls:stage}.ApiKeyArn' } }]);
  });
});

describe('planEdits on two policy documents of one JSON file', () => {
  const FILE = 'policies/orders.json';
  const before = `{
  "Policies": [
    {
      "PolicyName": "data",
      "PolicyDocument": {
        "Version": "2012-10-17",
        "Statement": [
          { "Sid": "Orders", "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:DeleteTable"], "Resource": "${TABLE}" },
          { "Sid": "Deny", "Effect": "Deny", "Action": "dynamodb:DeleteTable", "Resource": "*" }
        ]
      }
    },
    {
      "PolicyName": "jobs",
      "PolicyDocument": {
        "Version": "2012-10-17",
        "Statement": { "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "${QUEUE}" }
      }
    }
  ]
}
`;
  const sites: GrantSite[] = [
    { format: 'json', file: FILE, pointer: '/Policies/0/PolicyDocument' },
    { format: 'json', file: FILE, pointer: '/Policies/1/PolicyDocument' },
  ];

  it('edits the one statement that changes and keeps the Deny and the other document byte for byte', () => {
    const result = planEdits(planInput(sites, { [FILE]: before }));
    const [edit] = result.edits;
    expect(edit.sites).toEqual([sites[0]]);
    expect(changedLines(before, edit.after)).toEqual({
      removed: [`          { "Sid": "Orders", "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:DeleteTable"], "Resource": "${TABLE}" },`],
      added: [`          { "Sid": "Orders", "Effect": "Allow", "Action": ["dynamodb:GetItem"], "Resource": "${TABLE}" },`],
    });
    expect(result.granted.map((d) => d.name)).toEqual([`${FILE}#/Policies/0/PolicyDocument`, `${FILE}#/Policies/1/PolicyDocument`]);
    expect(result.unresolved).toEqual([]);
  });

  it('returns no edit when nothing would change', () => {
    const usage = [
      ...['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:DeleteTable'].map((a) => ({ action: a, resources: [TABLE] })),
      { action: 'sqs:SendMessage', resources: [QUEUE] },
    ];
    const result = planEdits(planInput(sites, { [FILE]: before }, { usage: usage.map((u) => usedOf(u.action, u.resources)) }));
    expect(result.edits).toEqual([]);
    expect(result.trimmed).toEqual(result.granted);
  });
});
