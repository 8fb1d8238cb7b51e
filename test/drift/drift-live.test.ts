/**
 * `drift` live, against moto's IAM and Lambda on loopback: the fleet is every Lambda function's execution role in
 * the Regions asked for (two functions sharing one role, one with its own), each role's policies are read from
 * IAM (inline, customer-managed and AWS-managed), and the activity is read once from a trail folder.
 */
import { AttachRolePolicyCommand, CreatePolicyCommand, CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftReport } from '../../src/core/drift/types.js';
import { runCli } from '../support/cli.js';
import { MOTO_ACCOUNT_ID, startMoto, useFakeAwsEnv, type MotoServer } from '../support/moto.js';
import { sqsSendRecord, tempDir, writeMultiRegionSelectors } from '../support/offline-fixture.js';

const ACCT = MOTO_ACCOUNT_ID;
const ASSUME = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const policy = (actions: string[], resource = '*') => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: resource }] });

let moto: MotoServer;
let restoreEnv: () => void;
let dir: string;

beforeAll(async () => {
  restoreEnv = useFakeAwsEnv();
  // Not pinned to one account: credentials from AssumeRole act in the assumed role's account (accounts:).
  moto = await startMoto(60_000, { multiAccount: true });
  const base = { endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  const iam = new IAMClient(base);
  const lambda = new LambdaClient(base);
  const arns: Record<string, string> = {};
  for (const r of ['shared-fn-role', 'solo-fn-role']) arns[r] = (await iam.send(new CreateRoleCommand({ RoleName: r, AssumeRolePolicyDocument: ASSUME }))).Role!.Arn!;
  await iam.send(new PutRolePolicyCommand({ RoleName: 'shared-fn-role', PolicyName: 'queues', PolicyDocument: policy(['sqs:SendMessage', 'sqs:DeleteQueue']) }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'shared-fn-role', PolicyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' }));
  const managed = await iam.send(new CreatePolicyCommand({ PolicyName: 'solo-notify', PolicyDocument: policy(['sqs:PurgeQueue', 'iam:AttachRolePolicy']) }));
  await iam.send(new AttachRolePolicyCommand({ RoleName: 'solo-fn-role', PolicyArn: managed.Policy!.Arn! }));
  const zip = Buffer.from('504b0506' + '00'.repeat(18), 'hex'); // an empty zip archive: moto needs a package, never runs it
  for (const [name, role] of [['a-fn', 'shared-fn-role'], ['b-fn', 'shared-fn-role'], ['c-fn', 'solo-fn-role']] as const) {
    await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Role: arns[role], Handler: 'index.handler', Code: { ZipFile: zip } }));
  }
  iam.destroy();
  lambda.destroy();
  await seedFleetAccount(base);
  dir = tempDir('policy-trim-drift-live-');
  mkdirSync(join(dir, 'trail'));
  const shared = `arn:aws:iam::${ACCT}:role/shared-fn-role`;
  const record = sqsSendRecord({
    eventID: 'e-live-1',
    userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${ACCT}:assumed-role/shared-fn-role/a-fn`, accountId: ACCT, sessionContext: { sessionIssuer: { type: 'Role', arn: shared, accountId: ACCT, userName: 'shared-fn-role' } } },
  });
  writeFileSync(join(dir, 'trail', 'a.json'), JSON.stringify({ Records: [record] }));
  writeMultiRegionSelectors(dir);
}, 120_000);

/** Account of `accounts:` in the second test, and its one function role. */
const FLEET_ACCOUNT = '111111111111';

/** A role and a function in FLEET_ACCOUNT, made with credentials assumed into it (moto switches accounts so). */
async function seedFleetAccount(base: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } }): Promise<void> {
  const sts = new STSClient(base);
  const c = (await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${FLEET_ACCOUNT}:role/setup`, RoleSessionName: 'seed' }))).Credentials!;
  sts.destroy();
  const there = { ...base, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } };
  const iam = new IAMClient(there);
  const lambda = new LambdaClient(there);
  const arn = (await iam.send(new CreateRoleCommand({ RoleName: 'fleet-fn-role', AssumeRolePolicyDocument: ASSUME }))).Role!.Arn!;
  await iam.send(new PutRolePolicyCommand({ RoleName: 'fleet-fn-role', PolicyName: 'admin', PolicyDocument: policy(['iam:CreateUser']) }));
  const zip = Buffer.from('504b0506' + '00'.repeat(18), 'hex');
  await lambda.send(new CreateFunctionCommand({ FunctionName: 'fleet-fn', Runtime: 'nodejs20.x', Role: arn, Handler: 'index.handler', Code: { ZipFile: zip } }));
  iam.destroy();
  lambda.destroy();
}

afterAll(async () => {
  await moto?.stop();
  restoreEnv?.();
});

describe('drift live (moto IAM and Lambda)', () => {
  it('reports every function role of the Region, with its functions, from one read of the trail', async () => {
    const run = await runCli([
      'drift', '--endpoint-url', moto.endpoint, '--region', 'us-east-1', '--regions', 'us-east-1',
      '--trail', join(dir, 'trail'), '--trail-config', join(dir, 'selectors.json'),
      '--until', '2026-11-01T00:00:00Z', '--days', '30', '--format', 'json', '--dir', dir,
    ], new Date('2026-11-23T00:00:00Z'), process.env);
    expect(run.stderr).toContain('drift: 2 role(s) (from lambda)');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as DriftReport;
    const shared = report.roles.find((r) => r.roleName === 'shared-fn-role')!;
    const solo = report.roles.find((r) => r.roleName === 'solo-fn-role')!;
    expect(shared.functions).toEqual(['a-fn', 'b-fn']);
    expect(shared.shared).toBe(true);
    expect(shared.policies.map((p) => [p.name, p.kind])).toEqual([
      ['queues', 'inline'],
      ['AWSLambdaBasicExecutionRole', 'aws-managed'],
    ]);
    expect(shared.findings.filter((f) => f.kind === 'UNUSED').map((f) => f.id)).toEqual([`UNUSED[${ACCT}:shared-fn-role][sqs:DeleteQueue]`]);
    expect(shared.used).toBe(1);
    expect(shared.records).toBe(1);
    // The solo role made no call: every observable grant is unused, Permissions management first.
    expect(solo.functions).toEqual(['c-fn']);
    expect(solo.findings.filter((f) => f.kind === 'UNUSED').map((f) => f.id)).toEqual([`UNUSED[${ACCT}:solo-fn-role][iam:AttachRolePolicy]`, `UNUSED[${ACCT}:solo-fn-role][sqs:PurgeQueue]`]);
    expect(report.roles[0]!.roleName).toBe('solo-fn-role');
    expect(report.roles[0]!.risk.reason).toContain('1 unused Permissions management action(s)');
  }, 60_000);

  it('covers the accounts of .policy-trim.yml through each one\'s assumed role, and only them', async () => {
    const repo = tempDir('policy-trim-drift-accounts-');
    writeFileSync(join(repo, '.policy-trim.yml'), `version: 1\naccounts:\n  - id: '${FLEET_ACCOUNT}'\n    assume-role: policy-trim-read\n`);
    const run = await runCli([
      'drift', '--dir', repo, '--endpoint-url', moto.endpoint, '--region', 'us-east-1',
      '--trail', join(dir, 'trail'), '--trail-config', join(dir, 'selectors.json'),
      '--until', '2026-11-01T00:00:00Z', '--days', '30', '--format', 'json',
    ], new Date('2026-11-23T00:00:00Z'), process.env);
    expect(run.stderr).toContain('drift: 1 role(s) (from lambda)');
    const report = JSON.parse(run.stdout) as DriftReport;
    expect(report.accounts).toEqual([FLEET_ACCOUNT]);
    expect(report.roles.map((r) => [r.roleArn, r.functions])).toEqual([[`arn:aws:iam::${FLEET_ACCOUNT}:role/fleet-fn-role`, ['fleet-fn']]]);
    expect(report.roles[0]!.findings.map((f) => f.id)).toContain(`UNUSED[${FLEET_ACCOUNT}:fleet-fn-role][iam:CreateUser]`);
    expect(run.code).toBe(0);
  }, 60_000);
});
