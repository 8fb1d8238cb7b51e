/**
 * `suggest --split-by-function --function-roles-from-lambda` against moto's IAM, Lambda and SQS on loopback: the
 * role's functions, their tracing and their event source mappings come from Lambda, and the receives Lambda's
 * poller made on the mapped queue (a session named after no function) stay with the mapped function.
 */
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateEventSourceMappingCommand, CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../src/core/policy/index.js';
import { parsePolicyDocument } from '../../src/core/policy/parse.js';
import { runCli } from '../support/cli.js';
import { MOTO_ACCOUNT_ID, startMoto, useFakeAwsEnv, type MotoServer } from '../support/moto.js';
import { sqsSendRecord, tempDir, writeMultiRegionSelectors } from '../support/offline-fixture.js';

const ACCT = MOTO_ACCOUNT_ID;
const ROLE = `arn:aws:iam::${ACCT}:role/queue-shared`;
let moto: MotoServer;
let restoreEnv: () => void;
let dir: string;
let queueArn: string;

/** A record of the shared role's session `session` on the jobs queue. */
function onQueue(session: string, eventName: string, id: string, userAgent: string): Record<string, unknown> {
  return sqsSendRecord({
    eventID: id,
    eventName,
    userAgent,
    requestParameters: { queueUrl: `https://sqs.us-east-1.amazonaws.com/${ACCT}/jobs` },
    userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${ACCT}:assumed-role/queue-shared/${session}`, accountId: ACCT, sessionContext: { sessionIssuer: { type: 'Role', arn: ROLE, accountId: ACCT, userName: 'queue-shared' } } },
  });
}

beforeAll(async () => {
  restoreEnv = useFakeAwsEnv();
  moto = await startMoto();
  const base = { endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  const iam = new IAMClient(base);
  const lambda = new LambdaClient(base);
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  await iam.send(new CreateRoleCommand({ RoleName: 'queue-shared', AssumeRolePolicyDocument: trust }));
  await iam.send(new PutRolePolicyCommand({ RoleName: 'queue-shared', PolicyName: 'queues', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], Resource: '*' }] }) }));
  // The queue through boto3 (moto's own client library): the project has no SQS client of its own.
  queueArn = execFileSync('python3', ['-c', [
    'import boto3',
    `q = boto3.client("sqs", endpoint_url="${moto.endpoint}", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")`,
    'url = q.create_queue(QueueName="jobs")["QueueUrl"]',
    'print(q.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"])',
  ].join('\n')], { encoding: 'utf8' }).trim();
  const zip = Buffer.from('504b0506' + '00'.repeat(18), 'hex'); // an empty zip archive: moto needs a package, never runs it
  for (const [name, tracing] of [['producer', 'PassThrough'], ['consumer', 'Active']] as const) {
    await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Role: ROLE, Handler: 'index.handler', Code: { ZipFile: zip }, TracingConfig: { Mode: tracing } }));
  }
  await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'consumer', EventSourceArn: queueArn }));
  iam.destroy();
  lambda.destroy();
  dir = tempDir('policy-trim-split-live-');
  mkdirSync(join(dir, 'trail'));
  const lambdaUa = 'aws-sdk-js/3.637.0 exec-env/AWS_Lambda_nodejs20.x';
  writeFileSync(join(dir, 'trail', 'a.json'), JSON.stringify({ Records: [
    onQueue('producer', 'SendMessage', 'e1', lambdaUa),
    onQueue('awslambda_123_456', 'ReceiveMessage', 'e2', 'lambda.amazonaws.com'),
    onQueue('awslambda_123_456', 'DeleteMessage', 'e3', 'lambda.amazonaws.com'),
  ] }));
  writeMultiRegionSelectors(dir);
}, 120_000);

afterAll(async () => {
  await moto?.stop();
  restoreEnv?.();
});

describe('split from Lambda (moto)', () => {
  it('reads the role\'s functions and trigger from Lambda; the poller\'s receives are the consumer\'s', async () => {
    const run = await runCli([
      'suggest', '--role', ROLE, '--endpoint-url', moto.endpoint, '--region', 'us-east-1',
      '--trail', join(dir, 'trail'), '--trail-config', join(dir, 'selectors.json'), '--until', '2026-11-01T00:00:00Z', '--days', '30',
      '--split-by-function', '--function-roles-from-lambda', '--format', 'json',
    ], new Date('2026-11-23T00:00:00Z'), process.env);
    expect(run.code, run.stderr).toBe(0);
    const map = JSON.parse(run.stdout) as Record<string, unknown[]>;
    expect(Object.keys(map)).toEqual(['consumer', 'producer']);
    const docs = (fn: string) => map[fn]!.map((d, i) => parsePolicyDocument(JSON.stringify(d), `${fn}#${i}`));
    const allows = (fn: string, action: string) => evaluate(docs(fn), { action, resource: queueArn }, { mode: 'may-allow' }) === 'allowed';
    expect(allows('consumer', 'sqs:ReceiveMessage') && allows('consumer', 'sqs:DeleteMessage')).toBe(true);
    expect(allows('consumer', 'sqs:SendMessage')).toBe(false);
    expect(allows('producer', 'sqs:SendMessage')).toBe(true);
    expect(allows('producer', 'sqs:ReceiveMessage')).toBe(false);
    expect(run.stderr).toContain(`its trigger's reads (Lambda's poller): ${queueArn}`);
    // Tracing from Lambda: PassThrough leaves the X-Ray baseline out, Active keeps it.
    expect(run.stderr).toMatch(/producer: keeps .*baselines lambda-basic, lambda-vpc\n/);
    expect(run.stderr).toMatch(/consumer: keeps .*baselines lambda-basic, lambda-vpc, lambda-xray\n/);
  }, 60_000);
});
