/**
 * The split of a shared role (issue 12's scenario): three functions with overlapping and disjoint use, an SQS
 * trigger whose receives come from Lambda's poller in a session named after no function, a person's session,
 * and a function that made no observable call. Records go through the real normalizer and ledger; each
 * function's policy is then checked by the evaluator, not by the split's own proofs: never wider than the shared
 * role, allowing every call its function made, and not allowing what only another part did.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBundledCatalog } from '../../src/adapters/fs/bundled-data.js';
import { loadBundledCloudTrailKnowledge, loadBundledNormalizer } from '../../src/adapters/fs/bundled-mapping.js';
import { evaluate, verifyNeverWider } from '../../src/core/policy/index.js';
import { parsePolicyDocument } from '../../src/core/policy/parse.js';
import { attributeUsage } from '../../src/core/split/attribute.js';
import { splitByFunction, type SplitResult } from '../../src/core/split/split.js';
import { parseTrailRecording } from '../../src/core/trail/recording.js';
import { ActivityTally } from '../../src/core/usage/tally.js';

const ACCT = '111122223333';
const ROLE = `arn:aws:iam::${ACCT}:role/orders-shared`;
const TABLE = `arn:aws:dynamodb:us-east-1:${ACCT}:table/orders`;
const JOBS = `arn:aws:sqs:us-east-1:${ACCT}:jobs`;
const NOTIFY = `arn:aws:sqs:us-east-1:${ACCT}:notify`;
const LAMBDA_UA = 'aws-sdk-js/3.637.0 os/linux lang/js md/nodejs#20.17.0 exec-env/AWS_Lambda_nodejs20.x';

let n = 0;
function record(session: string, eventSource: string, eventName: string, requestParameters: Record<string, unknown>, over: Record<string, unknown> = {}): Record<string, unknown> {
  n++;
  return {
    eventVersion: '1.10',
    eventID: `e-${n}`,
    eventTime: `2026-10-${String(10 + (n % 15)).padStart(2, '0')}T10:00:00Z`,
    eventSource,
    eventName,
    awsRegion: 'us-east-1',
    recipientAccountId: ACCT,
    userAgent: LAMBDA_UA,
    userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${ACCT}:assumed-role/orders-shared/${session}`, accountId: ACCT, sessionContext: { sessionIssuer: { type: 'Role', arn: ROLE, accountId: ACCT, userName: 'orders-shared' } } },
    requestParameters,
    ...over,
  };
}
const ddb = (session: string, eventName: string) =>
  record(session, 'dynamodb.amazonaws.com', eventName, { tableName: 'orders' }, { eventCategory: 'Data', managementEvent: false, resources: [{ type: 'AWS::DynamoDB::Table', ARN: TABLE }] });
const sqs = (session: string, eventName: string, queue: string, ua = LAMBDA_UA) =>
  record(session, 'sqs.amazonaws.com', eventName, { queueUrl: `https://sqs.us-east-1.amazonaws.com/${ACCT}/${queue}` }, { eventCategory: 'Data', managementEvent: false, userAgent: ua });

const POLICY = parsePolicyDocument(
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Tables', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan', 'dynamodb:DeleteTable'], Resource: `arn:aws:dynamodb:us-east-1:${ACCT}:table/*` },
      { Sid: 'Queues', Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:PurgeQueue'], Resource: '*' },
      { Sid: 'Logs', Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' },
      { Sid: 'Unseen', Effect: 'Allow', Action: ['sns:Publish'], Resource: '*' },
    ],
  }),
  'orders-shared.json',
);

const RECORDING = parseTrailRecording(
  {
    TrailARN: `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/t`,
    IsMultiRegionTrail: true,
    IncludeGlobalServiceEvents: true,
    AdvancedEventSelectors: [
      { Name: 'm', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
      { Name: 'ddb', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::DynamoDB::Table'] }] },
      { Name: 'sqs', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::SQS::Queue'] }] },
    ],
  },
  'selectors',
);

const FUNCTIONS = ['orders-api', 'orders-worker', 'receipts-exporter'];
let split: SplitResult;
let splitInput: Parameters<typeof splitByFunction>[0];

beforeAll(() => {
  const tally = new ActivityTally(loadBundledNormalizer());
  const records = [
    ddb('orders-api', 'GetItem'), ddb('orders-api', 'PutItem'), // orders-api: read and write the table
    ddb('orders-worker', 'GetItem'), sqs('orders-worker', 'SendMessage', 'notify'), // overlap on GetItem; its own queue
    sqs('awslambda_837_20261010', 'ReceiveMessage', 'jobs', 'lambda.amazonaws.com'), sqs('awslambda_837_20261010', 'DeleteMessage', 'jobs', 'lambda.amazonaws.com'), // the poller of orders-worker's trigger
    ddb('alice', 'Scan'), // a person with the role
  ];
  records.forEach((r, i) => tally.add({ kind: 'record', record: r, source: { file: 'test', index: i } }));
  const ledger = tally.ledger;
  const sessions = ledger.sessionsOf(ROLE).map((s) => ({ session: s, usage: ledger.usageOf(ROLE, { session: s }) }));
  const attribution = attributeUsage(ROLE, FUNCTIONS, sessions, [{ functionName: 'orders-worker', sourceArn: JOBS }]);
  splitInput = {
    roleArn: ROLE,
    documents: [POLICY],
    functions: [{ name: 'orders-api', vpc: false, tracing: 'pass-through' }, { name: 'orders-worker' }, { name: 'receipts-exporter', vpc: false }],
    attribution,
    catalog: loadBundledCatalog(),
    knowledge: loadBundledCloudTrailKnowledge(),
    recording: RECORDING,
    options: {},
  };
  split = splitByFunction(splitInput);
});

const part = (name: string) => split.functions.find((f) => f.name === name)!;
const allows = (docs: Parameters<typeof evaluate>[0], action: string, resource: string) => evaluate(docs, { action, resource }, { mode: 'may-allow' }) === 'allowed';

describe('split of a shared role by function', () => {
  it('gives each function exactly its own observed calls, never wider than the shared role (by the evaluator)', () => {
    for (const f of split.functions) expect(verifyNeverWider([POLICY], f.result.documents, loadBundledCatalog()).ok, f.name).toBe(true);
    const api = part('orders-api').result.documents;
    expect(allows(api, 'dynamodb:GetItem', TABLE) && allows(api, 'dynamodb:PutItem', TABLE)).toBe(true);
    expect(allows(api, 'sqs:SendMessage', NOTIFY)).toBe(false);
    expect(allows(api, 'dynamodb:Scan', TABLE)).toBe(false); // the person's call is not the function's
    const worker = part('orders-worker').result.documents;
    expect(allows(worker, 'dynamodb:GetItem', TABLE) && allows(worker, 'sqs:SendMessage', NOTIFY)).toBe(true);
    expect(allows(worker, 'dynamodb:PutItem', TABLE)).toBe(false);
  });

  it('keeps the trigger: the poller\'s receives on the mapped queue are the worker\'s', () => {
    const worker = part('orders-worker');
    expect(allows(worker.result.documents, 'sqs:ReceiveMessage', JOBS) && allows(worker.result.documents, 'sqs:DeleteMessage', JOBS)).toBe(true);
    expect(allows(part('orders-api').result.documents, 'sqs:ReceiveMessage', JOBS)).toBe(false);
    expect(worker.notes).toContainEqual({ functionName: 'orders-worker', session: 'awslambda_837_20261010', how: 'poller', sources: [JOBS] });
  });

  it('puts what no function did in the residual, never dropped', () => {
    expect(split.residual?.usage.used.map((u) => u.action)).toEqual(['dynamodb:Scan']);
    expect(allows(split.residual!.result.documents, 'dynamodb:Scan', TABLE)).toBe(true);
    expect(split.residual!.notes).toEqual([{ session: 'alice', how: 'unattributed' }]);
  });

  it('a function with no observable call keeps the unobservable remainder only; every function keeps it', () => {
    const idle = part('receipts-exporter');
    expect(idle.observed).toBe(false);
    expect(allows(idle.result.documents, 'dynamodb:GetItem', TABLE)).toBe(false);
    for (const f of split.functions) expect(allows(f.result.documents, 'sns:Publish', `arn:aws:sns:us-east-1:${ACCT}:t`), f.name).toBe(true);
  });

  it('a function whose configuration lists what it may do unseen keeps only that of the remainder (baselines stay)', () => {
    const narrowed = splitByFunction({ ...splitInput, functions: [{ name: 'orders-api', unobservable: [] }, { name: 'orders-worker', unobservable: ['sns:Pub*'] }, { name: 'receipts-exporter' }] });
    const docs = (name: string) => narrowed.functions.find((f) => f.name === name)!.result.documents;
    const topic = `arn:aws:sns:us-east-1:${ACCT}:t`;
    expect(allows(docs('orders-api'), 'sns:Publish', topic)).toBe(false);
    expect(allows(docs('orders-worker'), 'sns:Publish', topic)).toBe(true);
    expect(allows(docs('receipts-exporter'), 'sns:Publish', topic)).toBe(true);
    expect(allows(docs('orders-api'), 'logs:PutLogEvents', `arn:aws:logs:us-east-1:${ACCT}:log-group:/aws/lambda/orders-api:log-stream:x`)).toBe(true);
    for (const f of narrowed.functions) expect(verifyNeverWider([POLICY], f.result.documents, loadBundledCatalog()).ok).toBe(true);
  });

  it('follows each function\'s configuration for the Lambda baselines (unknown: kept)', () => {
    expect(part('orders-api').baselines).toEqual(['lambda-basic']);
    expect(part('orders-worker').baselines).toEqual(['lambda-basic', 'lambda-vpc', 'lambda-xray']);
    expect(part('receipts-exporter').baselines).toEqual(['lambda-basic', 'lambda-xray']);
  });

  it('shows the overlap: function × service counts of kept actions', () => {
    const row = (name: string) => Object.fromEntries(split.matrix.services.map((s, i) => [s, split.matrix.rows.find((r) => r.functionName === name)!.counts[i]]));
    expect(row('orders-api')).toMatchObject({ dynamodb: 2, sqs: 0 });
    expect(row('orders-worker')).toMatchObject({ dynamodb: 1, sqs: 3 });
  });
});
