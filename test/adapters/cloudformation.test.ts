/**
 * adapters/aws/cloudformation.ts without moto: the pure derivation of a stack's reference values (pseudo
 * parameters, parameters, Ref, the GetAtt table checked against the catalog's ARN formats), and the calls over
 * real HTTP to a local stand-in for the CloudFormation Query API (started on a free loopback port): paging with
 * NextToken, retries, timeouts and the typed errors. moto does not page ListStackResources (it returns every
 * resource at once), hence the stand-in.
 */

import type { Stack, StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET_ATT, readStackReferences, stackPlace, stackReferenceValues } from '../../src/adapters/aws/cloudformation.js';
import { createAwsClients, resolveAwsConfig } from '../../src/adapters/aws/config.js';
import { AwsAdapterError } from '../../src/adapters/aws/errors.js';
import { compileArnTemplate, matchArnTemplate } from '../../src/core/catalog/arn.js';
import { useFakeAwsEnv } from '../support/moto.js';

const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/orders-api/51af3dc0-da77-11e4-872e-1234567db123';
const stack = (over: Partial<Stack> = {}): Stack =>
  ({ StackName: 'orders-api', StackId: STACK_ID, StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date(0), ...over }) as Stack;
const res = (LogicalResourceId: string, ResourceType: string, PhysicalResourceId: string, ResourceStatus = 'CREATE_COMPLETE'): StackResourceSummary =>
  ({ LogicalResourceId, ResourceType, PhysicalResourceId, ResourceStatus, LastUpdatedTimestamp: new Date(0) }) as StackResourceSummary;

const RESOURCES = [
  res('Receipts', 'AWS::S3::Bucket', 'orders-api-receipts-1x2y3z'),
  res('Orders', 'AWS::DynamoDB::Table', 'orders'),
  res('Jobs', 'AWS::SQS::Queue', 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders-api-Jobs-A2BCDEF3GHI4'),
  res('Events', 'AWS::SNS::Topic', 'arn:aws:sns:eu-west-1:123456789012:orders-api-Events-NZJ5JSMVGFIE'),
  res('Api', 'AWS::Lambda::Function', 'orders-api-Api-1B2C3D4E5F6G'),
  res('Key', 'AWS::KMS::Key', '1234abcd-12ab-34cd-56ef-1234567890ab'),
  res('DbSecret', 'AWS::SecretsManager::Secret', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders/db-1a2b3c'),
  res('ApiRole', 'AWS::IAM::Role', 'orders-api-ApiRole-7H8J9K'),
  res('Gone', 'AWS::S3::Bucket', 'old-bucket', 'DELETE_COMPLETE'),
  res('Failed', 'AWS::SQS::Queue', '', 'CREATE_FAILED'),
];

describe('stackReferenceValues (pure)', () => {
  const src = stackReferenceValues(
    stack({
      Parameters: [
        { ParameterKey: 'Stage', ParameterValue: 'prod' },
        { ParameterKey: 'DbPassword', ParameterValue: '*****' },
        { ParameterKey: 'TableArnParam', ParameterValue: '/orders/prod/table-arn', ResolvedValue: 'arn:aws:dynamodb:eu-west-1:123456789012:table/orders' },
        { ParameterKey: 'Origins', ParameterValue: 'https://a.example,https://b.example' },
      ],
    }),
    RESOURCES,
    ['arn:aws:iam::123456789012:role/service-role/orders-api-ApiRole-7H8J9K', 'arn:aws:iam::999999999999:role/orders-api-ApiRole-7H8J9K'],
  );
  const v = src.values;

  it('names the stack and its Region', () => expect(src.name).toBe('stack orders-api (eu-west-1)'));

  it('pseudo parameters come from the stack ARN, and serverless aws: variables with them', () => {
    expect(Object.fromEntries([...v].filter(([k]) => k.startsWith('Ref:AWS::') || k.startsWith('aws:')))).toEqual({
      'Ref:AWS::AccountId': '123456789012',
      'Ref:AWS::Region': 'eu-west-1',
      'Ref:AWS::Partition': 'aws',
      'Ref:AWS::StackName': 'orders-api',
      'Ref:AWS::StackId': STACK_ID,
      'aws:accountId': '123456789012',
      'aws:region': 'eu-west-1',
    });
  });

  it('parameters: the value, the resolved value of an SSM type; NoEcho and possible lists skipped', () => {
    expect(v.get('Ref:Stage')).toBe('prod');
    expect(v.get('Ref:TableArnParam')).toBe('arn:aws:dynamodb:eu-west-1:123456789012:table/orders');
    expect(v.has('Ref:DbPassword')).toBe(false);
    expect(v.has('Ref:Origins')).toBe(false);
    expect(src.skipped).toContainEqual({ key: 'Ref:DbPassword', reason: 'a NoEcho parameter: the stack shows it masked' });
    expect(src.skipped).toContainEqual({ key: 'Ref:Origins', reason: 'the value holds a comma, so the parameter may be a list' });
  });

  it('Ref of a resource is its physical id; deleted and never-created resources give nothing', () => {
    expect(v.get('Ref:Receipts')).toBe('orders-api-receipts-1x2y3z');
    expect(v.get('Ref:Jobs')).toBe('https://sqs.eu-west-1.amazonaws.com/123456789012/orders-api-Jobs-A2BCDEF3GHI4');
    expect(v.get('Ref:DbSecret')).toBe('arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders/db-1a2b3c');
    expect(v.has('Ref:Gone')).toBe(false);
    expect(v.has('Ref:Failed')).toBe(false);
    expect([...v.keys()].filter((k) => k.includes('Gone') || k.includes('Failed'))).toEqual([]);
  });

  it('GetAtt where the type and the physical id determine it', () => {
    expect(Object.fromEntries([...v].filter(([k]) => k.startsWith('GetAtt:')))).toEqual({
      'GetAtt:Receipts.Arn': 'arn:aws:s3:::orders-api-receipts-1x2y3z',
      'GetAtt:Orders.Arn': 'arn:aws:dynamodb:eu-west-1:123456789012:table/orders',
      'GetAtt:Jobs.Arn': 'arn:aws:sqs:eu-west-1:123456789012:orders-api-Jobs-A2BCDEF3GHI4',
      'GetAtt:Jobs.QueueName': 'orders-api-Jobs-A2BCDEF3GHI4',
      'GetAtt:Jobs.QueueUrl': 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders-api-Jobs-A2BCDEF3GHI4',
      'GetAtt:Events.TopicArn': 'arn:aws:sns:eu-west-1:123456789012:orders-api-Events-NZJ5JSMVGFIE',
      'GetAtt:Events.TopicName': 'orders-api-Events-NZJ5JSMVGFIE',
      'GetAtt:Api.Arn': 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api-Api-1B2C3D4E5F6G',
      'GetAtt:Key.Arn': 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      'GetAtt:Key.KeyId': '1234abcd-12ab-34cd-56ef-1234567890ab',
      'GetAtt:DbSecret.Id': 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders/db-1a2b3c',
      'GetAtt:ApiRole.Arn': 'arn:aws:iam::123456789012:role/service-role/orders-api-ApiRole-7H8J9K',
    });
  });

  it("a role's Arn is left unresolved unless its ARN is known (its path is not in the stack)", () => {
    const bare = stackReferenceValues(stack(), [res('ApiRole', 'AWS::IAM::Role', 'orders-api-ApiRole-7H8J9K')]);
    expect(bare.values.has('GetAtt:ApiRole.Arn')).toBe(false);
    expect(bare.skipped).toEqual([{ key: 'GetAtt:ApiRole.Arn', reason: "a role's ARN holds its path, which the stack does not show" }]);
    expect(stackReferenceValues(stack(), [res('R', 'AWS::IAM::Role', 'other')], ['arn:aws:iam::123456789012:role/orders-api-ApiRole-7H8J9K']).values.has('GetAtt:R.Arn')).toBe(false);
  });

  it('the partition comes from the stack ARN (aws-cn)', () => {
    const cn = stackReferenceValues(stack({ StackId: 'arn:aws-cn:cloudformation:cn-north-1:123456789012:stack/s/1' }), [res('B', 'AWS::S3::Bucket', 'b'), res('T', 'AWS::DynamoDB::Table', 't')]);
    expect(cn.values.get('GetAtt:B.Arn')).toBe('arn:aws-cn:s3:::b');
    expect(cn.values.get('GetAtt:T.Arn')).toBe('arn:aws-cn:dynamodb:cn-north-1:123456789012:table/t');
    expect(cn.values.get('Ref:AWS::Partition')).toBe('aws-cn');
  });

  it('an id of an unexpected shape gives no attribute; an unparsable stack id gives no ARN at all', () => {
    const odd = stackReferenceValues(stack(), [res('Q', 'AWS::SQS::Queue', 'not-a-url'), res('T', 'AWS::SNS::Topic', 'name-only')]);
    expect([...odd.values.keys()].filter((k) => k.startsWith('GetAtt:'))).toEqual(['GetAtt:Q.QueueUrl']);
    const noPlace = stackReferenceValues(stack({ StackId: 'weird' }), [res('B', 'AWS::S3::Bucket', 'b')]);
    expect(noPlace.values).toEqual(new Map([['Ref:B', 'b']]));
    expect(stackPlace(STACK_ID)).toEqual({ partition: 'aws', region: 'eu-west-1', account: '123456789012' });
  });
});

describe('GET_ATT ARNs match the resource types ARN formats in the bundled catalog', () => {
  const catalog = JSON.parse(readFileSync(new URL('../../data/iam/catalog.json', import.meta.url), 'utf8')) as {
    services: Record<string, { r: Record<string, [string, string[]?]> }>;
  };
  const place = { partition: 'aws', region: 'eu-west-1', account: '123456789012' };
  it.each([
    ['AWS::S3::Bucket', 'Arn', 'orders-receipts', 's3', 'bucket'],
    ['AWS::DynamoDB::Table', 'Arn', 'orders', 'dynamodb', 'table'],
    ['AWS::SQS::Queue', 'Arn', 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs', 'sqs', 'queue'],
    ['AWS::SNS::Topic', 'TopicArn', 'arn:aws:sns:eu-west-1:123456789012:events', 'sns', 'topic'],
    ['AWS::Lambda::Function', 'Arn', 'orders-api', 'lambda', 'function'],
    ['AWS::KMS::Key', 'Arn', '1234abcd-12ab-34cd-56ef-1234567890ab', 'kms', 'key'],
    ['AWS::SecretsManager::Secret', 'Id', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-1a2b3c', 'secretsmanager', 'Secret'],
  ])('%s.%s', (type, attribute, physicalId, service, resourceType) => {
    const arn = GET_ATT[type]![attribute]!(physicalId, place)!;
    const template = catalog.services[service]!.r[resourceType]![0];
    expect(matchArnTemplate(compileArnTemplate(template), arn)).toBeDefined();
  });
});

/** A stand-in for the CloudFormation Query API: XML answers in the service's documented shapes. */
interface Fake {
  server: Server;
  endpoint: string;
  requests: URLSearchParams[];
  handle: (form: URLSearchParams, res: ServerResponse) => void;
}

const NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const xml = (res: ServerResponse, status: number, body: string) => {
  res.writeHead(status, { 'content-type': 'text/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
};
const member = (fields: Record<string, string>) => `<member>${Object.entries(fields).map(([k, v]) => `<${k}>${v}</${k}>`).join('')}</member>`;
const describeXml = (params: Record<string, string>[]) =>
  `<DescribeStacksResponse xmlns="${NS}"><DescribeStacksResult><Stacks><member><StackName>orders-api</StackName><StackId>${STACK_ID}</StackId>` +
  `<CreationTime>2026-01-05T10:00:00Z</CreationTime><StackStatus>UPDATE_COMPLETE</StackStatus><Parameters>${params.map(member).join('')}</Parameters>` +
  `</member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></DescribeStacksResponse>`;
const listXml = (rows: StackResourceSummary[], next?: string) =>
  `<ListStackResourcesResponse xmlns="${NS}"><ListStackResourcesResult><StackResourceSummaries>` +
  rows.map((r) => member({ LogicalResourceId: r.LogicalResourceId!, PhysicalResourceId: r.PhysicalResourceId!, ResourceType: r.ResourceType!, ResourceStatus: r.ResourceStatus!, LastUpdatedTimestamp: '2026-01-05T10:00:00Z' })).join('') +
  `</StackResourceSummaries>${next ? `<NextToken>${next}</NextToken>` : ''}</ListStackResourcesResult><ResponseMetadata><RequestId>r2</RequestId></ResponseMetadata></ListStackResourcesResponse>`;
const errorXml = (code: string, message: string) => `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r3</RequestId></ErrorResponse>`;

/** Pages of 3 resources with tokens p1, p2, … as AWS gives them. */
function pagedHandler(form: URLSearchParams, res: ServerResponse): void {
  if (form.get('Action') === 'DescribeStacks') return xml(res, 200, describeXml([{ ParameterKey: 'Stage', ParameterValue: 'prod' }]));
  const start = Number((form.get('NextToken') ?? 'p0').slice(1)) * 3;
  const page = RESOURCES.slice(start, start + 3);
  return xml(res, 200, listXml(page, start + 3 < RESOURCES.length ? `p${start / 3 + 1}` : undefined));
}

let fake: Fake;
let restoreEnv: () => void;

beforeAll(async () => {
  restoreEnv = useFakeAwsEnv();
  const requests: URLSearchParams[] = [];
  const f: Partial<Fake> = { requests, handle: pagedHandler };
  f.server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (d) => (body += String(d)));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      requests.push(form);
      f.handle!(form, res);
    });
  });
  await new Promise<void>((r) => f.server!.listen(0, '127.0.0.1', r));
  const addr = f.server.address();
  f.endpoint = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  fake = f as Fake;
});

afterAll(async () => {
  fake.server.closeAllConnections();
  await new Promise((r) => fake.server.close(r));
  restoreEnv();
});

async function client(opts: { maxAttempts?: number; timeoutSeconds?: number } = {}) {
  const cfg = await resolveAwsConfig({ region: 'eu-west-1', endpointUrl: fake.endpoint, ...opts });
  return createAwsClients(cfg).cloudformation();
}

describe('readStackReferences over HTTP (local stand-in)', () => {
  it('pages ListStackResources with NextToken until the last page, on the stack id', async () => {
    fake.handle = pagedHandler;
    fake.requests.length = 0;
    const c = await client();
    const src = await readStackReferences(c, 'orders-api');
    c.destroy();
    const lists = fake.requests.filter((r) => r.get('Action') === 'ListStackResources');
    expect(lists.map((r) => r.get('NextToken'))).toEqual([null, 'p1', 'p2', 'p3']);
    expect(lists.every((r) => r.get('StackName') === STACK_ID)).toBe(true);
    expect(fake.requests[0]!.get('Action')).toBe('DescribeStacks');
    expect(fake.requests[0]!.get('StackName')).toBe('orders-api');
    expect(src.values.get('Ref:Stage')).toBe('prod');
    expect(src.values.get('GetAtt:Key.Arn')).toBe('arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    expect(src.values.get('Ref:ApiRole')).toBe('orders-api-ApiRole-7H8J9K');
  });

  it('a throttled call is retried with backoff (the shared client config) and then succeeds', async () => {
    let throttles = 1;
    fake.handle = (form, res) => (throttles-- > 0 ? xml(res, 400, errorXml('Throttling', 'Rate exceeded')) : pagedHandler(form, res));
    const c = await client();
    expect((await readStackReferences(c, 'orders-api')).values.get('Ref:AWS::Region')).toBe('eu-west-1');
    c.destroy();
  });

  it('a missing stack is not-found naming it', async () => {
    fake.handle = (_f, res) => xml(res, 400, errorXml('ValidationError', 'Stack with id nope does not exist'));
    const c = await client();
    const e = await readStackReferences(c, 'nope').catch((x: unknown) => x);
    c.destroy();
    expect(e).toBeInstanceOf(AwsAdapterError);
    expect(e).toMatchObject({ code: 'not-found', action: 'cloudformation:DescribeStacks', resource: 'nope', message: 'No CloudFormation stack "nope" in this account and Region.' });
  });

  it('access denied names the permission needed', async () => {
    fake.handle = (form, res) =>
      form.get('Action') === 'DescribeStacks' ? pagedHandler(form, res) : xml(res, 403, errorXml('AccessDenied', 'not authorized to perform: cloudformation:ListStackResources'));
    const c = await client();
    const e = await readStackReferences(c, 'orders-api').catch((x: unknown) => x);
    c.destroy();
    expect(e).toMatchObject({ code: 'access-denied', action: 'cloudformation:ListStackResources' });
    expect((e as AwsAdapterError).hint).toContain('cloudformation:ListStackResources');
  });

  it('a NextToken that comes back again is an error, not an endless loop', async () => {
    fake.handle = (form, res) => (form.get('Action') === 'DescribeStacks' ? pagedHandler(form, res) : xml(res, 200, listXml(RESOURCES.slice(0, 1), 'same')));
    const c = await client();
    await expect(readStackReferences(c, 'orders-api')).rejects.toMatchObject({ code: 'aws-error', message: expect.stringContaining('same NextToken twice') });
    c.destroy();
  });

  it('an endpoint that never answers fails within --timeout as a typed timeout', async () => {
    fake.handle = () => undefined; // no answer at all
    const c = await client({ timeoutSeconds: 1, maxAttempts: 1 });
    const started = Date.now();
    const e = await readStackReferences(c, 'orders-api').catch((x: unknown) => x);
    c.destroy();
    expect(e).toMatchObject({ code: 'timeout', action: 'cloudformation:DescribeStacks' });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
