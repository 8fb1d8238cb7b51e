/**
 * adapters/aws/cloudformation.ts against moto (python3 -m moto.server on a free loopback port): a stack is
 * created through the SDK from a small template, then read back. Each GetAtt value the adapter derives is
 * compared with what moto itself evaluates for the same `Fn::GetAtt` in the stack's Outputs, and a SAM template's
 * references, read by the SAM editor, resolve to those values.
 *
 * moto's CloudFormation creates every resource type used here; it lists an `AWS::SecretsManager::Secret` with
 * empty fields (moto 5.2), so the secret's ARN is tested without moto (cloudformation.test.ts); it evaluates no
 * `GetAtt` SNS `TopicArn` or SQS `QueueUrl`, so those two are compared with `Ref` (which the User Guide documents as
 * the same value); it shows a NoEcho parameter unmasked (its `parameter_list` looks the parameter's value up among
 * the NoEcho keys, not its key), so masking is tested there; and it does not page ListStackResources, so paging
 * is tested there too.
 */

import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStackReferences } from '../../src/adapters/aws/cloudformation.js';
import { createAwsClients, resolveAwsConfig } from '../../src/adapters/aws/config.js';
import { samEditor } from '../../src/core/iac/cfn-editor.js';
import { parseParameterFile } from '../../src/core/iac/cfn-params.js';
import { mergeReferenceValues, resolveTokens, type ReferenceSource } from '../../src/core/iac/resolve.js';
import { MOTO_ACCOUNT_ID, recordCommands, startMoto, useFakeAwsEnv, type MotoServer, type SentCommand } from '../support/moto.js';

const REGION = 'eu-west-1';
const ASSUME = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
const getAtt = (logical: string, attribute: string) => ({ 'Fn::GetAtt': [logical, attribute] });

/** The deployed form of a small SAM application: what `sam deploy` leaves in CloudFormation. */
const TEMPLATE = {
  AWSTemplateFormatVersion: '2010-09-09',
  Parameters: { Stage: { Type: 'String' } },
  Resources: {
    Bucket: { Type: 'AWS::S3::Bucket' },
    Orders: {
      Type: 'AWS::DynamoDB::Table',
      Properties: { TableName: 'orders', BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] },
    },
    Queue: { Type: 'AWS::SQS::Queue' },
    Topic: { Type: 'AWS::SNS::Topic' },
    Key: { Type: 'AWS::KMS::Key', Properties: { KeyPolicy: { Version: '2012-10-17', Statement: [] } } },
    FnRole: { Type: 'AWS::IAM::Role', Properties: { Path: '/service/', AssumeRolePolicyDocument: ASSUME } },
    Fn: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs20.x', Handler: 'index.handler', Role: getAtt('FnRole', 'Arn'), Code: { ZipFile: 'exports.handler = async () => 1;' } } },
  },
  Outputs: {
    BucketArn: { Value: getAtt('Bucket', 'Arn') },
    OrdersArn: { Value: getAtt('Orders', 'Arn') },
    QueueArn: { Value: getAtt('Queue', 'Arn') },
    QueueName: { Value: getAtt('Queue', 'QueueName') },
    // moto 5.2 evaluates no GetAtt TopicArn (only TopicName); Ref gives the same ARN (User Guide, AWS::SNS::Topic).
    TopicArn: { Value: { Ref: 'Topic' } },
    TopicName: { Value: getAtt('Topic', 'TopicName') },
    KeyArn: { Value: getAtt('Key', 'Arn') },
    FnArn: { Value: getAtt('Fn', 'Arn') },
    FnRoleArn: { Value: getAtt('FnRole', 'Arn') },
  },
};

/** The SAM function whose policy references the stack's resources, as its author wrote it. */
const SAM = `Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String}
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: nodejs20.x
      Policies:
        - Statement:
            - Effect: Allow
              Action: [dynamodb:GetItem, s3:GetObject, sqs:SendMessage, sns:Publish, kms:Decrypt, lambda:InvokeFunction]
              Resource:
                - !GetAtt Orders.Arn
                - !Sub arn:\${AWS::Partition}:s3:::\${Bucket}/*
                - !GetAtt Queue.Arn
                - !Ref Topic
                - !GetAtt Key.Arn
                - !GetAtt Fn.Arn
                - !Sub arn:aws:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/orders/\${Stage}/*
`;

let moto: MotoServer;
let restoreEnv: () => void;
let outputs: Record<string, string>;
const sent: SentCommand[] = [];
let src: ReferenceSource;

beforeAll(async () => {
  restoreEnv = useFakeAwsEnv();
  moto = await startMoto();
  const admin = new CloudFormationClient({ endpoint: moto.endpoint, region: REGION, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  try {
    await admin.send(
      new CreateStackCommand({
        StackName: 'orders-api',
        TemplateBody: JSON.stringify(TEMPLATE),
        Parameters: [{ ParameterKey: 'Stage', ParameterValue: 'prod' }],
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    const described = await admin.send(new DescribeStacksCommand({ StackName: 'orders-api' }));
    outputs = Object.fromEntries((described.Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!]));
  } finally {
    admin.destroy();
  }
  const cfg = await resolveAwsConfig({ region: REGION, endpointUrl: moto.endpoint });
  const client = createAwsClients(cfg).cloudformation();
  recordCommands(client, sent);
  try {
    src = await readStackReferences(client, 'orders-api', { knownArns: [outputs.FnRoleArn!] });
  } finally {
    client.destroy();
  }
});

afterAll(async () => {
  await moto?.stop();
  restoreEnv?.();
});

describe('a stack deployed in moto', () => {
  it('sends only DescribeStacks and ListStackResources (read-only)', () => {
    expect([...new Set(sent.map((c) => c.command))].sort()).toEqual(['DescribeStacksCommand', 'ListStackResourcesCommand']);
  });

  it('derives every GetAtt the way CloudFormation (here moto) evaluates it', () => {
    const v = src.values;
    expect({
      BucketArn: v.get('GetAtt:Bucket.Arn'),
      OrdersArn: v.get('GetAtt:Orders.Arn'),
      QueueArn: v.get('GetAtt:Queue.Arn'),
      QueueName: v.get('GetAtt:Queue.QueueName'),
      TopicArn: v.get('GetAtt:Topic.TopicArn'),
      TopicName: v.get('GetAtt:Topic.TopicName'),
      KeyArn: v.get('GetAtt:Key.Arn'),
      FnArn: v.get('GetAtt:Fn.Arn'),
      FnRoleArn: v.get('GetAtt:FnRole.Arn'),
    }).toEqual(outputs);
  });

  it('Ref of each resource is its physical id; pseudo parameters come from the stack', () => {
    const v = src.values;
    expect(v.get('Ref:Orders')).toBe('orders');
    expect(v.get('Ref:Queue')).toMatch(new RegExp(`^https://sqs\\.${REGION}\\.amazonaws\\.com/${MOTO_ACCOUNT_ID}/orders-api-Queue-`));
    expect(v.get('Ref:Topic')).toBe(outputs.TopicArn);
    expect(v.get('GetAtt:Queue.QueueUrl')).toBe(v.get('Ref:Queue'));
    expect(v.get('Ref:AWS::AccountId')).toBe(MOTO_ACCOUNT_ID);
    expect(v.get('Ref:AWS::Region')).toBe(REGION);
    expect(v.get('Ref:AWS::StackName')).toBe('orders-api');
    expect(src.name).toBe(`stack orders-api (${REGION})`);
  });

  it('a parameter resolves to the value the stack was deployed with', () => {
    expect(src.values.get('Ref:Stage')).toBe('prod');
  });

  it("resolves every reference the SAM editor reads from the function's policy", () => {
    const grants = samEditor.read(SAM, { format: 'sam', file: 'template.yaml', function: 'Api' });
    const resolved = grants.statements[0]!.resource!.map((r) => resolveTokens(r, grants.references, src.values));
    expect(resolved.flatMap((r) => r.unresolved)).toEqual([]);
    expect(resolved.map((r) => r.text)).toEqual([
      outputs.OrdersArn,
      `${outputs.BucketArn}/*`,
      outputs.QueueArn,
      outputs.TopicArn,
      outputs.KeyArn,
      outputs.FnArn,
      `arn:aws:ssm:${REGION}:${MOTO_ACCOUNT_ID}:parameter/orders/prod/*`,
    ]);
  });

  it('merged with a parameter file that disagrees, the stack (given first) wins and the conflict is reported', () => {
    const file = parseParameterFile('[default.deploy.parameters]\nparameter_overrides = "Stage=staging"\n', 'samconfig.toml');
    const { values, warnings } = mergeReferenceValues(src, file);
    expect(values.get('Ref:Stage')).toBe('prod');
    expect(warnings.map((w) => w.message)).toEqual([`Ref:Stage is "prod" in stack orders-api (${REGION}) but "staging" in samconfig.toml; using the value from stack orders-api (${REGION}).`]);
  });

  it('a stack that does not exist is not-found', async () => {
    const cfg = await resolveAwsConfig({ region: REGION, endpointUrl: moto.endpoint });
    const client = createAwsClients(cfg).cloudformation();
    await expect(readStackReferences(client, 'no-such-stack')).rejects.toMatchObject({ code: 'not-found', resource: 'no-such-stack' });
    client.destroy();
  });
});
