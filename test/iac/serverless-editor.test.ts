/**
 * The serverless.yml editor: provider statements and managed policies with serverless variables, Fn::Join and
 * Fn::GetAtt; a function's own statements (serverless-iam-roles-per-function), with a nested variable; the
 * older provider.iamRoleStatements / iamManagedPolicies; keys created where none exist; which `${…}` is a
 * serverless variable.
 */

import { describe, expect, it } from 'vitest';
import { isServerlessVariable, serverlessEditor } from '../../src/core/iac/serverless-editor.js';
import type { GrantSite } from '../../src/core/iac/types.js';
import { describeCases } from './cases.js';
import { allow, editOf, fixture, keyedGrants } from './support.js';

const provider: GrantSite = { format: 'serverless', file: 'serverless.yml' };
const worker: GrantSite = { format: 'serverless', file: 'serverless.yml', function: 'worker' };
const TABLE = allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan', 'dynamodb:DeleteTable'], ['arn:aws:dynamodb:{{aws:region}}:{{aws:accountId}}:table/{{self:custom.table}}']);
const UPLOADS = allow(['s3:*'], ['arn:aws:s3:::{{self:custom.uploads}}/*', 'arn:aws:s3:::orders-home/${aws:username}/*']);
const QUEUE = allow(['sqs:SendMessage', 'sqs:GetQueueUrl'], ['{{GetAtt:JobsQueue.Arn}}']);
const SECRET = allow(['secretsmanager:GetSecretValue'], ['{{cf:shared-secrets-${sls:stage}.ApiKeyArn}}']);
const CONSUME = allow(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'], ['{{GetAtt:JobsQueue.Arn}}']);
const REPORTS = allow(['s3:GetObject', 's3:ListBucket', 's3:PutObject'], ['arn:aws:s3:::reports-{{opt:stage}}', 'arn:aws:s3:::reports-{{opt:stage}}/*']);

describeCases([
  {
    name: 'provider statements and managed policies (iam.role)',
    editor: serverlessEditor,
    before: 'serverless/provider/serverless.yml',
    after: 'serverless/provider/after.provider.yml',
    site: provider,
    read: {
      statements: [TABLE, UPLOADS, QUEUE],
      attachments: ['arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess', 'arn:aws:iam::{{aws:accountId}}:policy/orders-shared'],
    },
    references: [
      ['aws:region', '${aws:region}'],
      ['aws:accountId', '${aws:accountId}'],
      ['self:custom.table', '${self:custom.table}'],
      ['self:custom.uploads', '${self:custom.uploads}'],
      ['GetAtt:JobsQueue.Arn', 'Fn::GetAtt: [JobsQueue, Arn]'],
    ],
    edit: {
      statements: [
        { ...TABLE, action: ['dynamodb:GetItem', 'dynamodb:PutItem'] },
        { ...UPLOADS, action: ['s3:GetObject', 's3:PutObject'], resource: ['arn:aws:s3:::{{self:custom.uploads}}/incoming/*'] },
        QUEUE,
      ],
      attachments: ['arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess'],
    },
  },
  {
    name: "a function's own statements (serverless-iam-roles-per-function)",
    editor: serverlessEditor,
    before: 'serverless/provider/serverless.yml',
    after: 'serverless/provider/after.worker.yml',
    site: worker,
    read: { statements: [CONSUME, SECRET] },
    references: [
      ['GetAtt:JobsQueue.Arn', '!GetAtt JobsQueue.Arn'],
      ['cf:shared-secrets-${sls:stage}.ApiKeyArn', '${cf:shared-secrets-${sls:stage}.ApiKeyArn}'],
    ],
    edit: {
      statements: [
        { ...CONSUME, action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage'] },
        SECRET,
        allow(['kms:Decrypt'], ['arn:aws:kms:{{aws:region}}:{{aws:accountId}}:key/{{self:custom.keyId}}']),
        allow(['s3:PutObject'], ['{{GetAtt:Archive.Arn}}/{{sls:stage}}/*']),
      ],
    },
  },
  {
    name: 'the older provider.iamRoleStatements and iamManagedPolicies',
    editor: serverlessEditor,
    before: 'serverless/legacy/serverless.yml',
    after: 'serverless/legacy/after.yml',
    site: provider,
    read: { statements: [REPORTS, allow(['glue:GetTable', 'glue:GetPartitions'], ['*'])], attachments: ['arn:aws:iam::aws:policy/AmazonAthenaFullAccess'] },
    references: [['opt:stage', '${opt:stage}']],
    edit: {
      statements: [
        { ...REPORTS, action: ['s3:GetObject', 's3:ListBucket'] },
        allow(['glue:GetTable', 'glue:GetPartitions'], ['arn:aws:glue:us-east-1:123456789012:catalog', 'arn:aws:glue:us-east-1:123456789012:table/reports/*']),
      ],
      attachments: [],
    },
  },
]);

describe('serverless editor', () => {
  const text = fixture('serverless/provider/serverless.yml');

  it('creates iamRoleStatements for a function that has none, in the style of the file', () => {
    const site: GrantSite = { format: 'serverless', file: 'serverless.yml', function: 'create' };
    const g = serverlessEditor.read(text, site);
    expect(g.statements).toEqual([]);
    const written = serverlessEditor.write(text, site, editOf(g, [allow(['dynamodb:PutItem'], ['arn:aws:dynamodb:{{aws:region}}:{{aws:accountId}}:table/{{self:custom.table}}'])]));
    expect(written).toContain(
      "      - httpApi: 'POST /orders'\n    iamRoleStatements:\n      - Effect: Allow\n        Action: dynamodb:PutItem\n        Resource: \"arn:aws:dynamodb:${aws:region}:${aws:accountId}:table/${self:custom.table}\"\n  worker:",
    );
  });

  it('creates provider.iam.role with statements and managed policies in one map', () => {
    const bare = 'service: tiny\n\nprovider:\n  name: aws\n  runtime: nodejs20.x\n\nfunctions:\n  hello:\n    handler: h.hello\n';
    const g = serverlessEditor.read(bare, provider);
    const written = serverlessEditor.write(bare, provider, editOf(g, [allow(['sqs:SendMessage'], ['*'])], ['arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess']));
    expect(written).toBe(
      'service: tiny\n\nprovider:\n  name: aws\n  runtime: nodejs20.x\n  iam:\n    role:\n      statements:\n        - Effect: Allow\n          Action:\n            - sqs:SendMessage\n          Resource:\n            - \'*\'\n      managedPolicies:\n        - arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess\n\nfunctions:\n  hello:\n    handler: h.hello\n',
    );
  });

  it('fills keys written with no value', () => {
    const empty = 'provider:\n  name: aws\n  iamManagedPolicies:\n  iamRoleStatements:\n\nfunctions: {}\n';
    const g = serverlessEditor.read(empty, provider);
    expect(g.statements).toEqual([]);
    const written = serverlessEditor.write(empty, provider, editOf(g, [allow(['s3:GetObject'], ['arn:aws:s3:::b/*'])], ['arn:aws:iam::aws:policy/ReadOnlyAccess']));
    expect(written).toBe(
      'provider:\n  name: aws\n  iamManagedPolicies:\n    - arn:aws:iam::aws:policy/ReadOnlyAccess\n  iamRoleStatements:\n    - Effect: Allow\n      Action:\n        - s3:GetObject\n      Resource:\n        - arn:aws:s3:::b/*\n\nfunctions: {}\n',
    );
  });

  it('reports the provider statements a function inherits', () => {
    const inheriting = text.replace('    iamRoleStatementsName:', '    iamRoleStatementsInherit: true\n    iamRoleStatementsName:');
    const g = keyedGrants(serverlessEditor.read(inheriting, worker));
    expect(g.inherited).toEqual([{ from: 'provider.iam.role.statements', statements: [TABLE, UPLOADS, QUEUE], attachments: [] }]);
  });

  it('names the functions there when the function is not', () => {
    const site: GrantSite = { format: 'serverless', file: 'serverless.yml', function: 'nightly' };
    expect(() => serverlessEditor.read(text, site)).toThrow(/serverless\.yml:\d+:\d+: no function nightly; functions here: create, worker/);
  });

  it('refuses a provider role that names an existing role', () => {
    const external = 'provider:\n  name: aws\n  iam:\n    role: arn:aws:iam::123456789012:role/shared\n';
    expect(() => serverlessEditor.read(external, provider)).toThrow(/serverless\.yml:4:11: provider\.iam\.role names an existing role/);
  });

  it('reports malformed YAML with its line', () => {
    expect(() => serverlessEditor.read('provider:\n  name: aws\n  iam:\n    role:\n      statements:\n        - Effect: Allow\n         Action: "s3:*\n', provider)).toThrow(/serverless\.yml:7:\d+: not valid YAML/);
  });
});

describe('which ${…} is a serverless variable', () => {
  it('follows serverless v3: a lowercase source type and ":" or "("', () => {
    for (const v of ['self:custom.table', 'env:UPLOADS_BUCKET', "opt:stage, 'dev'", 'sls:stage', 'cf:stack.Output', 'ssm:/orders/key', "file(./config.yml):table", 'aws:accountId', 'aws:region', 'param:domain']) {
      expect(isServerlessVariable(v), v).toBe(true);
    }
  });

  it('leaves CloudFormation and IAM variables alone', () => {
    for (const v of ['AWS::Region', 'Bucket', 'Orders.Arn', 'cognito-identity.amazonaws.com:sub', 'aws:username', 'aws:PrincipalTag/team', '!Literal']) {
      expect(isServerlessVariable(v), v).toBe(false);
    }
  });
});
