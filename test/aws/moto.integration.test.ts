/**
 * The AWS adapters over real HTTP against moto (python3 -m moto.server on a free loopback port).
 * Every command the adapters send is recorded by a client middleware; the last block checks that
 * docs/permissions.json allows exactly those calls.
 */
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import {
  CreateTrailCommand,
  CloudTrailClient,
  PutEventSelectorsCommand,
} from '@aws-sdk/client-cloudtrail';
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  IAMClient,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateEventSourceMappingCommand, CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { execFileSync } from 'node:child_process';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActivityItem } from '../../src/core/ports/activity-source.js';
import { sharedRoles } from '../../src/core/ports/function-directory.js';
import { COMMAND_ACTIONS } from '../../src/adapters/aws/actions.js';
import { createAwsClients, resolveAwsConfig, type AwsClients } from '../../src/adapters/aws/config.js';
import { AwsAdapterError } from '../../src/adapters/aws/errors.js';
import { readStackReferences } from '../../src/adapters/aws/cloudformation.js';
import { IamRolePolicySource } from '../../src/adapters/aws/iam.js';
import { LambdaFunctionDirectory } from '../../src/adapters/aws/lambda.js';
import { LookupEventsSource } from '../../src/adapters/aws/lookup.js';
import { S3TrailSource } from '../../src/adapters/aws/s3-trail.js';
import { CloudTrailConfigSource, trailS3Url } from '../../src/adapters/aws/trail-config.js';
import { loadRolePolicyDocuments, openAwsActivity, regionsForRole } from '../../src/adapters/aws/live.js';
import { assumeAccountRole } from '../../src/adapters/aws/accounts.js';
import { FakeClock } from '../support/clock.js';
import { FakeLookupCloudTrail, makeEvents } from '../support/cloudtrail-lookup.js';
import { MOTO_ACCOUNT_ID, recordCommands, startMoto, useFakeAwsEnv, type MotoServer, type SentCommand } from '../support/moto.js';

const ACCT = MOTO_ACCOUNT_ID;
const ASSUME = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});
const doc = (action: string, resource = '*') =>
  ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: resource }] }) as const;

let moto: MotoServer;
let restoreEnv: () => void;
let clients: AwsClients;
const sent: SentCommand[] = [];
/** Plain clients to build fixtures with (not recorded). */
let admin: { iam: IAMClient; lambda: (r: string) => LambdaClient; s3: S3Client; ct: (r: string) => CloudTrailClient };

beforeAll(async () => {
  restoreEnv = useFakeAwsEnv();
  moto = await startMoto();
  const cfg = await resolveAwsConfig({ region: 'us-east-1', endpointUrl: moto.endpoint });
  clients = createAwsClients(cfg, (c) => recordCommands(c, sent));
  const base = { endpoint: moto.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  admin = {
    iam: new IAMClient({ ...base, region: 'us-east-1' }),
    lambda: (region) => new LambdaClient({ ...base, region }),
    s3: new S3Client({ ...base, region: 'us-east-1', forcePathStyle: true }),
    ct: (region) => new CloudTrailClient({ ...base, region }),
  };
});

afterAll(async () => {
  clients?.destroy();
  admin?.iam.destroy();
  admin?.s3.destroy();
  await moto?.stop();
  restoreEnv?.();
});

/**
 * moto returns every item of ListRolePolicies and ListFunctions in one response, ignoring MaxItems. This proxy
 * pages those two responses the way AWS does (Marker/IsTruncated, Marker/NextMarker) so the adapters' paging
 * runs over moto's real data; other commands pass through. `log` records what the adapter sent.
 */
function paginatingProxy<C extends { send(cmd: never): Promise<unknown> }>(client: C, log: SentCommand[]): C {
  return {
    send: async (cmd: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = cmd.constructor.name;
      log.push({ command: name, client: 'proxy', input: { ...cmd.input } });
      if (name !== 'ListRolePoliciesCommand' && name !== 'ListFunctionsCommand') return client.send(cmd as never);
      const Ctor = cmd.constructor as new (input: Record<string, unknown>) => unknown;
      const all = (await client.send(new Ctor({ ...cmd.input, Marker: undefined, MaxItems: undefined }) as never)) as Record<string, unknown>;
      const key = name === 'ListRolePoliciesCommand' ? 'PolicyNames' : 'Functions';
      const items = (all[key] as unknown[]) ?? [];
      if (all.IsTruncated || all.NextMarker || all.Marker) throw new Error('moto paginated by itself: drop the proxy');
      const start = Number(cmd.input.Marker ?? 0);
      const size = Number(cmd.input.MaxItems ?? 100);
      const more = start + size < items.length;
      const page = { ...all, [key]: items.slice(start, start + size) };
      if (name === 'ListRolePoliciesCommand') return { ...page, IsTruncated: more, ...(more ? { Marker: String(start + size) } : {}) };
      return { ...page, ...(more ? { NextMarker: String(start + size) } : {}) };
    },
  } as unknown as C;
}

async function drain(it: AsyncIterable<ActivityItem>): Promise<ActivityItem[]> {
  const out: ActivityItem[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('IAM role policies (moto)', () => {
  const inline = { 'orders-read': doc('dynamodb:GetItem', `arn:aws:dynamodb:us-east-1:${ACCT}:table/orders`), 'queue-send': doc('sqs:SendMessage'), 'logs-basic': doc('logs:PutLogEvents') };
  const managed = { 'orders-s3': doc('s3:*'), 'orders-kms': doc('kms:Decrypt'), 'orders-sns': doc('sns:Publish') };
  const managedV2 = doc('s3:GetObject', 'arn:aws:s3:::orders-receipts/*');
  const boundary = doc('*');
  const awsManaged = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
  const roleArn = `arn:aws:iam::${ACCT}:role/service/orders/orders-api-role`;

  beforeAll(async () => {
    const b = await admin.iam.send(new CreatePolicyCommand({ PolicyName: 'orders-boundary', PolicyDocument: JSON.stringify(boundary) }));
    await admin.iam.send(
      new CreateRoleCommand({
        RoleName: 'orders-api-role',
        Path: '/service/orders/',
        AssumeRolePolicyDocument: ASSUME,
        PermissionsBoundary: b.Policy!.Arn,
      }),
    );
    for (const [name, d] of Object.entries(inline)) {
      await admin.iam.send(new PutRolePolicyCommand({ RoleName: 'orders-api-role', PolicyName: name, PolicyDocument: JSON.stringify(d) }));
    }
    for (const [name, d] of Object.entries(managed)) {
      const p = await admin.iam.send(new CreatePolicyCommand({ PolicyName: name, Path: '/team/', PolicyDocument: JSON.stringify(d) }));
      if (name === 'orders-s3') {
        await admin.iam.send(new CreatePolicyVersionCommand({ PolicyArn: p.Policy!.Arn, PolicyDocument: JSON.stringify(managedV2), SetAsDefault: true }));
      }
      await admin.iam.send(new AttachRolePolicyCommand({ RoleName: 'orders-api-role', PolicyArn: p.Policy!.Arn }));
    }
    await admin.iam.send(new AttachRolePolicyCommand({ RoleName: 'orders-api-role', PolicyArn: awsManaged }));
  });

  it('reads inline (URL-encoded by the API), managed (default version) and boundary documents, paging 2 at a time', async () => {
    const before = sent.length;
    const proxied: SentCommand[] = [];
    const src = new IamRolePolicySource(paginatingProxy(clients.iam, proxied), { pageSize: 2 });
    // When the role is given by its ARN, with its path
    const got = await src.getRolePolicies(roleArn);
    expect(got).toMatchObject({ roleArn, roleName: 'orders-api-role', path: '/service/orders/', accountId: ACCT, partition: 'aws' });
    // Then every inline policy is there, decoded to the JSON we wrote
    const inl = got.documents.filter((d) => d.kind === 'inline');
    expect(inl.map((d) => d.name)).toEqual(['inline:logs-basic', 'inline:orders-read', 'inline:queue-send']);
    for (const d of inl) expect(JSON.parse(d.text)).toEqual(inline[d.name.slice('inline:'.length) as keyof typeof inline]);
    expect(inl.every((d) => d.editable)).toBe(true);
    // And the customer-managed ones at their default version (orders-s3 is v2)
    const cm = got.documents.filter((d) => d.kind === 'customer-managed');
    expect(cm.map((d) => d.name)).toEqual(['orders-kms', 'orders-s3', 'orders-sns'].map((n) => `arn:aws:iam::${ACCT}:policy/team/${n}`));
    const s3doc = cm.find((d) => d.name.endsWith('/orders-s3'))!;
    expect(s3doc.versionId).toBe('v2');
    expect(JSON.parse(s3doc.text)).toEqual(managedV2);
    // And the AWS-managed one is flagged as not editable
    const am = got.documents.filter((d) => d.kind === 'aws-managed');
    expect(am).toHaveLength(1);
    expect(am[0]).toMatchObject({ name: awsManaged, editable: false });
    expect(JSON.parse(am[0].text).Statement).toBeDefined();
    // And the boundary is returned apart
    expect(got.boundary).toMatchObject({ kind: 'boundary', name: `arn:aws:iam::${ACCT}:policy/orders-boundary` });
    expect(JSON.parse(got.boundary!.text)).toEqual(boundary);
    // And the lists were paginated: 3 inline names and 4 attachments at 2 a page = 2 calls each, the 2nd with a
    // Marker (moto pages ListAttachedRolePolicies itself; ListRolePolicies is paged by the proxy, see below)
    const lrp = proxied.filter((c) => c.command === 'ListRolePoliciesCommand');
    const larp = sent.slice(before).filter((c) => c.command === 'ListAttachedRolePoliciesCommand');
    expect(lrp).toHaveLength(2);
    // moto reports IsTruncated on a full last page, so it takes a 3rd (empty) call; AWS would stop at 2
    expect(larp.length).toBeGreaterThanOrEqual(2);
    expect(lrp[1].input.Marker).toBeTruthy();
    expect(larp[1].input.Marker).toBeTruthy();
  });

  it('finds the role by name too, and refuses an ARN whose path or account does not match', async () => {
    const src = new IamRolePolicySource(clients.iam);
    expect((await src.getRolePolicies('orders-api-role')).roleArn).toBe(roleArn);
    await expect(src.getRolePolicies(`arn:aws:iam::${ACCT}:role/other/orders-api-role`)).rejects.toMatchObject({ code: 'not-found' });
    await expect(src.getRolePolicies('arn:aws:iam::999999999999:role/service/orders/orders-api-role')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('says which role was not found, with the action it called', async () => {
    const err = await new IamRolePolicySource(clients.iam).getRolePolicies('no-such-role').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsAdapterError);
    expect(err).toMatchObject({ code: 'not-found', action: 'iam:GetRole', resource: 'role/no-such-role' });
  });
});

describe('Lambda functions (moto)', () => {
  beforeAll(async () => {
    const zip = Buffer.from('504b0506' + '00'.repeat(18), 'hex'); // an empty zip archive: moto needs a package, never runs it
    const roles: Record<string, string> = {};
    for (const r of ['shared-fn-role', 'solo-fn-role']) {
      roles[r] = (await admin.iam.send(new CreateRoleCommand({ RoleName: r, AssumeRolePolicyDocument: ASSUME }))).Role!.Arn!;
    }
    const fns: [string, string, string][] = [
      ['orders-api', 'shared-fn-role', 'us-east-1'],
      ['orders-worker', 'shared-fn-role', 'us-east-1'],
      ['billing', 'solo-fn-role', 'us-east-1'],
      ['orders-eu', 'shared-fn-role', 'eu-west-1'],
    ];
    for (const [name, role, region] of fns) {
      await admin.lambda(region).send(
        new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Role: roles[role], Handler: 'index.handler', Code: { ZipFile: zip } }),
      );
    }
  });

  it('lists functions across regions (paginated) with roles, and flags the shared role', async () => {
    const before = sent.length;
    const proxied: SentCommand[] = [];
    const dir = new LambdaFunctionDirectory((r) => paginatingProxy(clients.lambda(r), proxied), ['us-east-1', 'eu-west-1'], { pageSize: 2 });
    const fns = await dir.listFunctions();
    expect(fns.map((f) => [f.region, f.name, f.roleArn.split('/').pop()])).toEqual([
      ['eu-west-1', 'orders-eu', 'shared-fn-role'],
      ['us-east-1', 'billing', 'solo-fn-role'],
      ['us-east-1', 'orders-api', 'shared-fn-role'],
      ['us-east-1', 'orders-worker', 'shared-fn-role'],
    ]);
    expect(sharedRoles(fns)).toEqual([
      { roleArn: `arn:aws:iam::${ACCT}:role/shared-fn-role`, functions: ['orders-api', 'orders-eu', 'orders-worker'] },
    ]);
    const list = proxied.filter((c) => c.command === 'ListFunctionsCommand');
    expect(list.map((c) => c.input.Marker ?? '-')).toEqual(['-', '-', '2']); // eu-west-1: 1 page; us-east-1: 3 at 2 a page
    expect(sent.slice(before).filter((c) => c.command === 'ListFunctionsCommand').length).toBe(3);
  });

  it('resolves a function name (or ARN in another region) to its role', async () => {
    const dir = new LambdaFunctionDirectory((r) => clients.lambda(r), ['us-east-1']);
    expect((await dir.getFunction('billing')).roleArn).toBe(`arn:aws:iam::${ACCT}:role/solo-fn-role`);
    const eu = await dir.getFunction(`arn:aws:lambda:eu-west-1:${ACCT}:function:orders-eu`);
    expect(eu).toMatchObject({ name: 'orders-eu', region: 'eu-west-1', roleArn: `arn:aws:iam::${ACCT}:role/shared-fn-role` });
    await expect(dir.getFunction('nope')).rejects.toMatchObject({ code: 'not-found', action: 'lambda:GetFunctionConfiguration' });
  });

  it('reads a function\'s tracing mode and its event source mappings (the poller\'s sources of a split role)', async () => {
    // The queue through boto3 (moto's own client library): the project has no SQS client of its own.
    const queueArn = execFileSync('python3', ['-c', [
      'import boto3, sys',
      `q = boto3.client("sqs", endpoint_url="${moto.endpoint}", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")`,
      'url = q.create_queue(QueueName="jobs")["QueueUrl"]',
      'print(q.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"])',
    ].join('\n')], { encoding: 'utf8' }).trim();
    const zip = Buffer.from('504b0506' + '00'.repeat(18), 'hex');
    const role = `arn:aws:iam::${ACCT}:role/solo-fn-role`;
    await admin.lambda('us-east-1').send(new CreateFunctionCommand({ FunctionName: 'traced', Runtime: 'nodejs20.x', Role: role, Handler: 'index.handler', Code: { ZipFile: zip }, TracingConfig: { Mode: 'Active' } }));
    await admin.lambda('us-east-1').send(new CreateEventSourceMappingCommand({ FunctionName: 'traced', EventSourceArn: queueArn }));
    const dir = new LambdaFunctionDirectory((r) => clients.lambda(r), ['us-east-1']);
    const traced = await dir.getFunction('traced');
    expect(traced.tracing).toBe('active');
    expect(await dir.eventSourceMappings(traced)).toEqual([{ functionName: 'traced', sourceArn: queueArn }]);
    expect(await dir.eventSourceMappings(await dir.getFunction('billing'))).toEqual([]);
  });
});

/** A gzipped CloudTrail log file of `n` records, each `minutes` before `delivered`. */
function logFile(account: string, region: string, delivered: Date, n: number): Buffer {
  const records = Array.from({ length: n }, (_, i) => ({
    eventVersion: '1.08',
    eventID: `${region}-${delivered.toISOString()}-${i}`,
    eventTime: new Date(delivered.getTime() - (i + 1) * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: 'dynamodb.amazonaws.com',
    eventName: 'DescribeTable',
    awsRegion: region,
    recipientAccountId: account,
    userIdentity: {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${account}:assumed-role/orders-api-role/orders-api`,
      sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${account}:role/service/orders/orders-api-role` } },
    },
  }));
  return gzipSync(JSON.stringify({ Records: records }));
}

function stamp(d: Date): string {
  const s = d.toISOString();
  return `${s.slice(0, 4)}${s.slice(5, 7)}${s.slice(8, 10)}T${s.slice(11, 13)}${s.slice(14, 16)}Z`;
}

/** Writes 2 files a day (06:00 and 18:00 UTC) for each region and day; returns the keys. */
async function putTrail(bucket: string, base: string, account: string, regions: string[], days: number[]): Promise<string[]> {
  const keys: string[] = [];
  for (const region of regions) {
    for (const day of days) {
      for (const hour of [6, 18]) {
        const t = new Date(Date.UTC(2026, 9, day, hour, 0));
        const dd = String(day).padStart(2, '0');
        const key = `${base}${account}/CloudTrail/${region}/2026/10/${dd}/${account}_CloudTrail_${region}_${stamp(t)}_u${hour}.json.gz`;
        await admin.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: logFile(account, region, t, 3) }));
        keys.push(key);
      }
    }
  }
  return keys;
}

describe('trail bucket (moto)', () => {
  const window = { since: new Date('2026-10-03T00:00:00Z'), until: new Date('2026-10-05T00:00:00Z') };
  const regions = ['eu-west-1', 'us-east-1'];
  let allKeys: string[] = [];

  beforeAll(async () => {
    await admin.s3.send(new CreateBucketCommand({ Bucket: 'acct-trail' }));
    allKeys = await putTrail('acct-trail', 'cloudtrail/AWSLogs/', ACCT, regions, [1, 2, 3, 4, 5, 6]);
    // Another account's logs and a digest file: never read for this account.
    await putTrail('acct-trail', 'cloudtrail/AWSLogs/', '111122223333', ['us-east-1'], [3]);
    await admin.s3.send(
      new PutObjectCommand({
        Bucket: 'acct-trail',
        Key: `cloudtrail/AWSLogs/${ACCT}/CloudTrail-Digest/us-east-1/2026/10/03/${ACCT}_CloudTrail-Digest_us-east-1_x_us-east-1_20261003T060000Z.json.gz`,
        Body: gzipSync('{}'),
      }),
    );
    await admin.s3.send(new CreateBucketCommand({ Bucket: 'org-trail' }));
    await putTrail('org-trail', 'AWSLogs/o-abc123def4/', ACCT, ['us-east-1'], [2, 3, 4, 6]);
  });

  /**
   * Expected reads for the window [Oct 3, Oct 5): day folders Oct 3 and Oct 4, plus Oct 5 because a file
   * delivered on Oct 5 can hold records written before midnight (trail-layout allows 24 h of delivery delay:
   * a file delivered at T holds records from [T - 24 h, T]; Oct 5 18:00 - 24 h = Oct 4 18:00 < until).
   */
  const inWindowDays = ['2026/10/03/', '2026/10/04/', '2026/10/05/'];

  it('lists only the window\'s day prefixes of the wanted account and regions, and reads only their objects', async () => {
    const before = sent.length;
    const src = new S3TrailSource(clients.s3(), 's3://acct-trail/cloudtrail', { accountIds: [ACCT] });
    const read = src.read(window);
    const items = await drain(read);
    const mine = sent.slice(before);
    const gets = mine.filter((c) => c.command === 'GetObjectCommand').map((c) => c.input.Key as string);
    const expected = allKeys.filter((k) => inWindowDays.some((d) => k.includes(`/${d}`)));
    expect(expected).toHaveLength(12); // 2 regions × 3 days × 2 files
    expect([...gets].sort()).toEqual([...expected].sort());
    // Object listings (no delimiter) are exactly the window's day folders; the rest are folder discovery.
    const dayLists = mine.filter((c) => c.command === 'ListObjectsV2Command' && !c.input.Delimiter).map((c) => c.input.Prefix);
    expect([...dayLists].sort()).toEqual(
      regions.flatMap((r) => inWindowDays.map((d) => `cloudtrail/AWSLogs/${ACCT}/CloudTrail/${r}/${d}`)).sort(),
    );
    const folderLists = mine.filter((c) => c.command === 'ListObjectsV2Command' && c.input.Delimiter === '/').map((c) => c.input.Prefix);
    expect(folderLists).toEqual(['cloudtrail/AWSLogs/', `cloudtrail/AWSLogs/${ACCT}/CloudTrail/`]);
    // And the records of those objects inside the window were yielded with their s3:// source: each file holds
    // 3 records written 1-3 minutes before delivery, so Oct 3 and Oct 4 files are in (2 regions × 2 days × 2
    // files × 3) and Oct 5's are outside the window by eventTime (counted, not yielded; the same reader as files)
    const records = items.filter((i) => i.kind === 'record');
    expect(records).toHaveLength(24);
    expect(read.summary()).toMatchObject({ records: 24, failures: [] });
    expect(read.stats()).toMatchObject({ filesRead: 12, recordsOutsideWindow: 12, records: 24 });
    for (const r of records) expect(r.kind === 'record' && r.source.file).toMatch(new RegExp(`^s3://acct-trail/cloudtrail/AWSLogs/${ACCT}/CloudTrail/`));
  });

  it('discovers an Organization trail\'s org id, accounts and regions when none are given', async () => {
    const before = sent.length;
    const items = await drain(new S3TrailSource(clients.s3(), 's3://org-trail', { pageSize: 1 }).read(window));
    const gets = sent.slice(before).filter((c) => c.command === 'GetObjectCommand').map((c) => c.input.Key as string);
    // Days 3 and 4 exist in the window (5 does not exist in this bucket); 2 and 6 are outside it.
    expect([...gets].sort()).toEqual(
      ['03', '04'].flatMap((d) =>
        [6, 18].map(
          (h) => `AWSLogs/o-abc123def4/${ACCT}/CloudTrail/us-east-1/2026/10/${d}/${ACCT}_CloudTrail_us-east-1_202610${d}T${String(h).padStart(2, '0')}00Z_u${h}.json.gz`,
        ),
      ),
    );
    expect(items.filter((i) => i.kind === 'record')).toHaveLength(12); // days 3 and 4 × 2 files × 3 records
    // pageSize 1 forced paginated listings
    expect(sent.slice(before).some((c) => c.command === 'ListObjectsV2Command' && c.input.ContinuationToken)).toBe(true);
  });

  it('reports a truncated gzip object as a problem and reads the rest', async () => {
    await admin.s3.send(new CreateBucketCommand({ Bucket: 'bad-trail' }));
    const keys = await putTrail('bad-trail', 'AWSLogs/', ACCT, ['us-east-1'], [3]);
    const whole = logFile(ACCT, 'us-east-1', new Date('2026-10-03T12:00:00Z'), 3);
    const badKey = `AWSLogs/${ACCT}/CloudTrail/us-east-1/2026/10/03/${ACCT}_CloudTrail_us-east-1_20261003T1200Z_bad.json.gz`;
    await admin.s3.send(new PutObjectCommand({ Bucket: 'bad-trail', Key: badKey, Body: whole.subarray(0, whole.length - 12) }));
    const read = new S3TrailSource(clients.s3(), 's3://bad-trail', { accountIds: [ACCT], regions: ['us-east-1'] }).read(window);
    const items = await drain(read);
    const problems = items.filter((i) => i.kind === 'problem');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ kind: 'problem', problem: { code: 'gzip-truncated', file: `s3://bad-trail/${badKey}` } });
    // every record of the good objects is there (the shared reader may also recover complete records before the cut)
    const good = items.filter((i) => i.kind === 'record' && i.source.file !== `s3://bad-trail/${badKey}`);
    expect(good).toHaveLength(keys.length * 3);
  });

  it('reports an unreadable prefix or object as a partial failure and reads the rest', async () => {
    // Given a bucket where one day folder cannot be listed and one object cannot be read (as a bucket policy could)
    const deniedPrefix = `cloudtrail/AWSLogs/${ACCT}/CloudTrail/eu-west-1/2026/10/04/`;
    const deniedKey = allKeys.find((k) => k.includes('/us-east-1/2026/10/03/'))!;
    const denied = () => Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
    const s3 = clients.s3();
    const proxy = {
      send: async (cmd: { input: { Prefix?: string; Key?: string; Delimiter?: string } }) => {
        if (cmd.input.Prefix === deniedPrefix && !cmd.input.Delimiter) throw denied();
        if (cmd.input.Key === deniedKey) throw denied();
        return s3.send(cmd as never);
      },
    } as unknown as typeof s3;
    const read = new S3TrailSource(proxy, 's3://acct-trail/cloudtrail', { accountIds: [ACCT], regions }).read(window);
    const items = await drain(read);
    // Then the Oct 3/4 objects minus 2 (denied Oct 4 eu-west-1 folder) minus 1 (denied Oct 3 object) were read
    expect(items.filter((i) => i.kind === 'record')).toHaveLength((8 - 2 - 1) * 3);
    // And both failures are in the summary, naming the action and where
    const failures = read.summary().failures;
    expect(failures.map((f) => [f.scope, f.code])).toEqual([
      [`s3://acct-trail/${deniedPrefix}`, 'access-denied'],
      [`s3://acct-trail/${deniedKey}`, 'access-denied'],
    ]);
    expect(failures[0].message).toContain('s3:ListBucket');
    expect(failures[1].message).toContain('s3:GetObject');
  });

  it('throws a typed not-found when the bucket itself cannot be listed', async () => {
    const err = await drain(new S3TrailSource(clients.s3(), 's3://no-such-bucket/x').read(window)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsAdapterError);
    expect(err).toMatchObject({ code: 'not-found', action: 's3:ListBucket' });
  });
});

describe('trail by name (moto)', () => {
  beforeAll(async () => {
    await admin.s3.send(new CreateBucketCommand({ Bucket: 'named-trail' }));
    await admin.ct('us-east-1').send(
      new CreateTrailCommand({ Name: 'main', S3BucketName: 'named-trail', S3KeyPrefix: 'cloudtrail', IsMultiRegionTrail: true }),
    );
    await admin.ct('us-east-1').send(
      new PutEventSelectorsCommand({
        TrailName: 'main',
        AdvancedEventSelectors: [
          {
            Name: 'S3 object reads',
            FieldSelectors: [
              { Field: 'eventCategory', Equals: ['Data'] },
              { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
            ],
          },
        ],
      }),
    );
  });

  it('finds the bucket, prefix and raw advanced event selectors, and the bucket reads like --trail', async () => {
    const cfg = await new CloudTrailConfigSource((r) => clients.cloudtrail(r)).getTrailConfig('main');
    expect(cfg).toMatchObject({ name: 'main', bucket: 'named-trail', prefix: 'cloudtrail', homeRegion: 'us-east-1' });
    expect(cfg.eventSelectors).toMatchObject({
      AdvancedEventSelectors: [{ Name: 'S3 object reads', FieldSelectors: expect.arrayContaining([{ Field: 'resources.type', Equals: ['AWS::S3::Object'] }]) }],
    });
    expect(JSON.stringify(cfg.eventSelectors)).not.toContain('$metadata');
    expect(trailS3Url(cfg)).toBe('s3://named-trail/cloudtrail');
  });

  it('falls back to DescribeTrails (shadow trails) when GetTrail does not find it in this region', async () => {
    const src = new CloudTrailConfigSource((r) => clients.cloudtrail(r ?? 'eu-west-1'));
    const got = await src.getTrailConfig('main').catch((e: unknown) => e);
    const tried = sent.filter((c) => c.command === 'GetTrailCommand' || c.command === 'DescribeTrailsCommand');
    // moto may or may not show a multi-region trail in other regions; either way the answer is right or a typed not-found
    if (got instanceof AwsAdapterError) expect(got.code).toBe('not-found');
    else expect(got).toMatchObject({ bucket: 'named-trail' });
    expect(tried.length).toBeGreaterThan(0);
  });

  it('says which trail was not found', async () => {
    await expect(new CloudTrailConfigSource((r) => clients.cloudtrail(r)).getTrailConfig('nope')).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('CLI wiring helpers (moto)', () => {
  it('loads and parses a role\'s policies, boundary apart, AWS-managed ones flagged', async () => {
    const got = await loadRolePolicyDocuments(clients, 'orders-api-role');
    expect(got.roleArn).toBe(`arn:aws:iam::${ACCT}:role/service/orders/orders-api-role`);
    expect(got.documents.map((d) => d.kind)).toEqual(['inline', 'inline', 'inline', 'customer-managed', 'customer-managed', 'customer-managed', 'aws-managed']);
    const read = got.documents.find((d) => d.name === 'inline:orders-read')!;
    expect(read.statements[0]).toMatchObject({ effect: 'Allow', action: ['dynamodb:GetItem'] });
    expect(got.boundary?.kind).toBe('boundary');
    expect(got.notEditable).toEqual(['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole']);
  });

  it('resolves --function to its role, and refuses a --role that is not the function\'s', async () => {
    const got = await loadRolePolicyDocuments(clients, undefined, 'billing');
    expect(got).toMatchObject({ roleArn: `arn:aws:iam::${ACCT}:role/solo-fn-role`, function: { name: 'billing' }, documents: [] });
    await expect(loadRolePolicyDocuments(clients, 'orders-api-role', 'billing')).rejects.toMatchObject({ code: 'bad-input' });
    expect(regionsForRole('us-east-1', `arn:aws:iam::${ACCT}:role/shared-fn-role`, await new LambdaFunctionDirectory((r) => clients.lambda(r), ['us-east-1', 'eu-west-1']).listFunctions())).toEqual([
      'eu-west-1',
      'us-east-1',
    ]);
  });

  it('opens --trail-name (bucket + recorded selectors), --trail s3:// and --lookup sources', async () => {
    const act = await openAwsActivity(clients, { trailName: 'main', trails: ['s3://acct-trail/cloudtrail'], lookup: true });
    expect(act.sources.map((s) => s.label)).toEqual(['s3://named-trail/cloudtrail', 's3://acct-trail/cloudtrail', 'lookup']);
    expect(act.trailConfig?.bucket).toBe('named-trail');
    expect(act.recording).toBeDefined();
    await expect(openAwsActivity(clients, { trails: ['./local'] })).rejects.toMatchObject({ code: 'bad-input' });
  });
});

describe('deployed stack (moto)', () => {
  const template = {
    AWSTemplateFormatVersion: '2010-09-09',
    Parameters: { Stage: { Type: 'String' } },
    Resources: { Receipts: { Type: 'AWS::S3::Bucket', Properties: { BucketName: 'orders-receipts-prod' } } },
  };

  beforeAll(async () => {
    const cfn = new CloudFormationClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    try {
      await cfn.send(new CreateStackCommand({ StackName: 'orders-stack', TemplateBody: JSON.stringify(template), Parameters: [{ ParameterKey: 'Stage', ParameterValue: 'prod' }] }));
    } finally {
      cfn.destroy();
    }
  });

  it('reads the references of a stack through DescribeStacks and ListStackResources (pr --stack)', async () => {
    const before = sent.length;
    const src = await readStackReferences(clients.cloudformation(), 'orders-stack');
    expect(src.values.get('Ref:Stage')).toBe('prod');
    expect(src.values.get('Ref:Receipts')).toBe('orders-receipts-prod');
    expect(src.values.get('GetAtt:Receipts.Arn')).toBe('arn:aws:s3:::orders-receipts-prod');
    expect(src.values.get('Ref:AWS::AccountId')).toBe(ACCT);
    expect(sent.slice(before).map((c) => c.command)).toEqual(['DescribeStacksCommand', 'ListStackResourcesCommand']);
  });

  it('the CloudFormation client of createAwsClients (what pr --stack uses) names CloudFormation and its endpoint when it gets no answer', async () => {
    // Nothing listens on the discard port of the loopback address: the connection is refused at once.
    const cfg = await resolveAwsConfig({ region: 'us-east-1', endpointUrl: 'http://127.0.0.1:9', maxAttempts: 1, timeoutSeconds: 2 });
    for (const client of [createAwsClients(cfg).cloudformation()]) {
      try {
        const e = await readStackReferences(client, 'orders-stack').catch((x: unknown) => x);
        expect(e).toBeInstanceOf(AwsAdapterError);
        expect(e).toMatchObject({ code: 'unreachable', action: 'cloudformation:DescribeStacks' });
        expect((e as Error).message).toContain('Could not connect to CloudFormation at http://127.0.0.1:9');
      } finally {
        client.destroy();
      }
    }
  });
});

describe('fleet accounts (moto)', () => {
  it('assumes an account\'s read-only role and builds clients on the temporary credentials it gets', async () => {
    const assumed = await assumeAccountRole(clients, '111111111111', 'policy-trim-read');
    try {
      expect(assumed.config.credentials?.accessKeyId).toMatch(/^ASIA/);
      expect(assumed.config.credentials?.sessionToken).toBeTruthy();
      expect(assumed.config.profile).toBeUndefined();
    } finally {
      assumed.destroy();
    }
    const call = sent.find((c) => c.command === 'AssumeRoleCommand');
    expect(call?.input).toMatchObject({ RoleArn: 'arn:aws:iam::111111111111:role/policy-trim-read', RoleSessionName: 'policy-trim-drift' });
    // That the clients then read the other account is shown by test/drift/drift-live.test.ts (moto pins no account there).
  });
});

describe('Athena (moto)', () => {
  it('starts a query, polls it and reads its result with the commands docs/permissions/athena.json allows', async () => {
    const { AthenaRunner, createAthenaClient } = await import('../../src/adapters/aws/athena.js');
    const athena = createAthenaClient(clients.config);
    recordCommands(athena, sent);
    try {
      const runner = new AthenaRunner(athena, { workgroup: 'primary' });
      const id = await runner.start('SELECT 1');
      await runner.wait(id);
      for await (const row of runner.rows(id)) expect(row).toBeDefined();
      // Ctrl-C's stop, on a second query: moto then reports it CANCELLED, which is an error naming it.
      const stopped = await runner.start('SELECT 2');
      await runner.stop(stopped);
      await expect(runner.wait(stopped)).rejects.toThrow(`Athena query ${stopped} was cancelled`);
    } finally {
      athena.destroy();
    }
    expect(sent.filter((c) => c.command.endsWith('QueryExecutionCommand') || c.command === 'GetQueryResultsCommand').map((c) => c.command)).toContain('GetQueryResultsCommand');
  });
});

describe('second opinions (local fakes: moto implements neither API)', () => {
  it('reads a last-accessed report and asks both Access Analyzer checks with the commands their permission files allow', async () => {
    const { FakeIamLastAccessed } = await import('../support/fake-iam-last-accessed.js');
    const { FakeAccessAnalyzer } = await import('../support/fake-access-analyzer.js');
    const { IamAccessAdvisor, AccessAnalyzerChecks, createAccessAnalyzerClient } = await import('../../src/adapters/aws/index.js');
    const { IAMClient } = await import('@aws-sdk/client-iam');
    const iamFake = new FakeIamLastAccessed({ services: [{ namespace: 's3' }] });
    const analyzerFake = new FakeAccessAnalyzer();
    const [iamUrl, analyzerUrl] = [await iamFake.start(), await analyzerFake.start()];
    const iam = new IAMClient({ ...clients.config, endpoint: iamUrl, credentials: clients.config.credentials ?? { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake' } });
    const analyzer = createAccessAnalyzerClient({ ...clients.config, endpointUrl: analyzerUrl });
    recordCommands(iam, sent);
    recordCommands(analyzer, sent);
    try {
      expect((await new IamAccessAdvisor(iam).report('arn:aws:iam::123456789012:role/r')).services).toHaveLength(1);
      const checks = new AccessAnalyzerChecks(analyzer);
      const doc = '{"Version":"2012-10-17","Statement":[]}';
      expect((await checks.noNewAccess(doc, doc)).result).toBe('PASS');
      expect((await checks.accessNotGranted(doc, ['iam:PassRole'])).result).toBe('PASS');
    } finally {
      iam.destroy();
      analyzer.destroy();
      await iamFake.stop();
      await analyzerFake.stop();
    }
  });
});

describe('docs/permissions.json', () => {
  it('allows exactly the actions of the commands the adapters sent (LookupEvents through the fake)', async () => {
    // LookupEvents is not in moto: run it through the fake, which records the command class it received.
    const clock = new FakeClock();
    const fake = new FakeLookupCloudTrail({ 'us-east-1': makeEvents('us-east-1', 3, new Date(clock.now() - 60_000)) }, clock);
    await drain(new LookupEventsSource((r) => fake.client(r), { regions: [], clock }).read({ since: new Date(clock.now() - 86_400_000), until: new Date(clock.now()) }));
    const commands = new Set([...sent.map((c) => c.command), ...fake.commands]);
    const unmapped = [...commands].filter((c) => !COMMAND_ACTIONS[c]);
    expect(unmapped).toEqual([]);
    const used = new Set([...commands].map((c) => COMMAND_ACTIONS[c]));

    const policy = JSON.parse(readFileSync(new URL('../../docs/permissions.json', import.meta.url), 'utf8')) as {
      Statement: { Sid: string; Effect: string; Action: string | string[] }[];
    };
    expect(policy.Statement.every((s) => s.Effect === 'Allow')).toBe(true);
    const granted = new Set(policy.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));
    // kms:Decrypt is never a command of ours: S3 asks for it on our behalf when the trail's logs use SSE-KMS.
    // With --athena, Athena reads the table (Glue) and writes the results (S3) with our credentials, and
    // `athena ddl --create` creates the table (docs/permissions/athena.json).
    const implied = new Set(['kms:Decrypt', 'glue:GetDatabase', 'glue:GetTable', 'glue:CreateTable', 's3:GetBucketLocation', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts', 's3:ListBucketMultipartUploads']);
    expect([...granted].filter((a) => !implied.has(a)).sort()).toEqual([...used].sort());
    // No wildcard actions, and only read-only services' actions
    for (const a of granted) expect(a).toMatch(/^(iam|lambda|cloudtrail|s3|kms|cloudformation|sts|athena|glue|access-analyzer):[A-Z][A-Za-z]+$/);
    // Every command in the action table was exercised (so the table has no stale entries)
    expect(Object.keys(COMMAND_ACTIONS).filter((c) => !commands.has(c))).toEqual([]);
  });
});
