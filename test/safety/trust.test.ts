/**
 * Trust II scenarios (issue 7) for `policy-trim suggest`, end to end through the CLI: a suggestion must allow
 * each call on the resource AWS AUTHORIZES it on (a DynamoDB index, a qualified Lambda ARN, an S3 copy source, a
 * KMS alias), and the further actions AWS requires for the request (tag on create, iam:PassRole,
 * BatchGetSecretValue's GetSecretValue); and it must remove what CloudTrail does record but did not show.
 *
 * Every expected (action, resource) below is written from AWS's documentation of the operation (cited per
 * scenario), never from policy-trim's mapping tables, and judged with the evaluator: a regression of the
 * mapping fails these tests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AccessRequest } from '../../src/core/policy/types.js';
import { evaluate } from '../../src/core/policy/index.js';
import {
  ACCOUNT,
  cleanup,
  expectCovers,
  expectDeterministic,
  expectGone,
  expectKept,
  expectNeverWider,
  policy,
  rec,
  selectors,
  suggestOn,
  workspace,
  type SuggestRun,
} from '../support/safety-harness.js';

afterAll(cleanup);

/** Wildcard grants (`iam:*`, `s3:*` …) make each run and its probes slow on a shared 2-core machine. */
const SLOW = 180_000;

const R = 'us-east-1';
const allow = (Action: string | string[], Resource: string | string[] = '*') => ({ Effect: 'Allow', Action, Resource });
const res = (type: string, ARN: string) => ({ accountId: ACCOUNT, type, ARN });
const call = (action: string, resource: string): AccessRequest => ({ action, resource });

/** The standard checks of a run that should succeed: exit 0, never wider, covers the calls AWS authorizes. */
function expectSafe(run: SuggestRun, calls: AccessRequest[], extraResources: string[] = []): void {
  expect(run.code, run.stderr).toBe(0);
  expect(run.suggestion.length).toBeGreaterThan(0);
  expectNeverWider(run, [...calls.map((c) => c.resource), ...extraResources]);
  expectCovers(run, calls);
}

/** The lines of one stderr section (its header line and the indented lines under it). */
function section(stderr: string, header: string): string {
  const lines = stderr.split('\n');
  const start = lines.findIndex((l) => l.startsWith(header));
  if (start < 0) return '';
  const out = [lines[start]];
  for (const l of lines.slice(start + 1)) {
    if (!l.startsWith(' ')) break;
    out.push(l);
  }
  return out.join('\n');
}

describe('sub-resources AWS authorizes separately', () => {
  it('DynamoDB Query on an index is allowed on table/T/index/I although resources[] lists only the table', async () => {
    // Given dynamodb:Query on the table and its indexes (the DynamoDB Developer Guide's own pattern for
    // "table/T" + "table/T/index/*"), dynamodb:* on *, DynamoDB data events selected, and a Query with
    // indexName recorded the way CloudTrail records it: resources[] names the table only.
    // AWS: DynamoDB API Reference, Query (IndexName) and Developer Guide "Using IAM policy conditions for
    // fine-grained access control" / "Amazon DynamoDB resource types": a query on an index is authorized on
    // arn:aws:dynamodb:REGION:ACCOUNT:table/T/index/I.
    const table = `arn:aws:dynamodb:${R}:${ACCOUNT}:table/Orders`;
    const index = `${table}/index/byCustomer`;
    const ws = workspace(
      { 'p.json': policy(allow('dynamodb:Query', [table, `${table}/index/*`]), allow('dynamodb:*')) },
      {
        't.json': [
          rec({
            source: 'dynamodb.amazonaws.com',
            name: 'Query',
            category: 'Data',
            readOnly: true,
            params: { tableName: 'Orders', indexName: 'byCustomer', keyConditionExpression: 'customerId = :c', limit: 25 },
            extra: { resources: [res('AWS::DynamoDB::Table', table)] },
          }),
        ],
      },
      selectors(['AWS::DynamoDB::Table']),
    );
    // When suggest runs
    const run = await suggestOn(ws);
    // Then Query stays allowed on the index, and nothing unused (DeleteTable, Query elsewhere) survives
    expectSafe(run, [call('dynamodb:Query', index)], [table, `arn:aws:dynamodb:${R}:${ACCOUNT}:table/Other`]);
    expectGone(run, [call('dynamodb:DeleteTable', table), call('dynamodb:Query', `arn:aws:dynamodb:${R}:${ACCOUNT}:table/Other`)]);
    await expectDeterministic(ws, run);
  }, SLOW);

  it('Lambda Invoke with a qualifier is allowed on function:NAME:QUALIFIER, not only the unqualified function', async () => {
    // Given lambda:* on *, Lambda data events selected, and an Invoke of billing with qualifier prod whose
    // resources[] lists the unqualified function (as CloudTrail records it).
    // AWS: Lambda Developer Guide, "Fine-tuning the Resources and Conditions sections of policies" (an
    // unqualified ARN in a policy does not match a qualified ARN: to invoke an alias or version, grant
    // function:NAME:QUALIFIER or function:NAME:*).
    const fn = `arn:aws:lambda:${R}:${ACCOUNT}:function:billing`;
    const ws = workspace(
      { 'p.json': policy(allow('lambda:*')) },
      {
        't.json': [
          rec({
            source: 'lambda.amazonaws.com',
            name: 'Invoke',
            category: 'Data',
            params: { functionName: 'billing', qualifier: 'prod', invocationType: 'RequestResponse' },
            extra: { resources: [res('AWS::Lambda::Function', fn)] },
          }),
        ],
      },
      selectors(['AWS::Lambda::Function']),
    );
    // When suggest runs
    const run = await suggestOn(ws);
    // Then the qualified ARN is allowed; deleting the function and invoking other functions are not
    expectSafe(run, [call('lambda:InvokeFunction', `${fn}:prod`)], [fn, `arn:aws:lambda:${R}:${ACCOUNT}:function:other`]);
    expectGone(run, [call('lambda:DeleteFunction', fn), call('lambda:InvokeFunction', `arn:aws:lambda:${R}:${ACCOUNT}:function:other`)]);
  }, SLOW);

  it('S3 CopyObject needs s3:GetObject on the copy source and s3:PutObject only on the destination', async () => {
    // Given s3:* on *, S3 object data events selected, and a CopyObject from incoming/in/a.json to
    // out/archive/a.json whose resources[] lists both objects (and both buckets), as CloudTrail records it.
    // AWS: Amazon S3 API Reference, CopyObject ("you must have read access to the source object and write
    // access to the destination bucket": s3:GetObject on the source, s3:PutObject on the destination).
    const src = 'arn:aws:s3:::incoming/in/a.json';
    const dst = 'arn:aws:s3:::out/archive/a.json';
    const ws = workspace(
      { 'p.json': policy(allow('s3:*')) },
      {
        't.json': [
          rec({
            source: 's3.amazonaws.com',
            name: 'CopyObject',
            category: 'Data',
            params: { bucketName: 'out', key: 'archive/a.json', 'x-amz-copy-source': 'incoming/in/a.json', Host: 'out.s3.us-east-1.amazonaws.com' },
            extra: {
              resources: [res('AWS::S3::Object', dst), res('AWS::S3::Bucket', 'arn:aws:s3:::out'), res('AWS::S3::Object', src), res('AWS::S3::Bucket', 'arn:aws:s3:::incoming')],
            },
          }),
        ],
      },
      selectors(['AWS::S3::Object']),
    );
    // When suggest runs
    const run = await suggestOn(ws);
    // Then the source is readable and the destination writable, but the source is not writable
    expectSafe(run, [call('s3:GetObject', src), call('s3:PutObject', dst)]);
    expectGone(run, [call('s3:PutObject', src), call('s3:DeleteObject', src), call('s3:DeleteObject', dst)]);
    await expectDeterministic(ws, run);
  }, SLOW);

  it('S3 CopyObject whose record lacks x-amz-copy-source keeps s3:GetObject as granted and says why', async () => {
    // Given the same grant, and a CopyObject record without x-amz-copy-source (resources[] still lists both):
    // AWS requires s3:GetObject on a source the record does not name (S3 API Reference, CopyObject).
    const dst = 'arn:aws:s3:::out/archive/b.json';
    const ws = workspace(
      { 'p.json': policy(allow('s3:*')) },
      {
        't.json': [
          rec({
            source: 's3.amazonaws.com',
            name: 'CopyObject',
            category: 'Data',
            params: { bucketName: 'out', key: 'archive/b.json', Host: 'out.s3.us-east-1.amazonaws.com' },
            extra: { resources: [res('AWS::S3::Object', dst), res('AWS::S3::Bucket', 'arn:aws:s3:::out'), res('AWS::S3::Object', 'arn:aws:s3:::incoming/in/b.json')] },
          }),
        ],
      },
      selectors(['AWS::S3::Object']),
    );
    // When suggest runs
    const run = await suggestOn(ws);
    // Then PutObject covers the destination, GetObject stays on what was granted (any source), and stderr says the
    // records could not show its resource
    expectSafe(run, [call('s3:PutObject', dst)], ['arn:aws:s3:::elsewhere/x']);
    expectKept(run, [call('s3:GetObject', 'arn:aws:s3:::incoming/in/b.json'), call('s3:GetObject', 'arn:aws:s3:::elsewhere/x')]);
    expect(run.stderr).toMatch(/s3:GetObject[^\n]*records (do not|could not|cannot) show the resource/);
  }, SLOW);

  it('KMS CreateAlias is allowed on the alias and on the key although resources[] lists only the key', async () => {
    // Given kms:* on * and a CreateAlias management record naming alias/app and its target key.
    // AWS: KMS Developer Guide, "Controlling access to aliases" (CreateAlias needs kms:CreateAlias on the alias
    // and on the KMS key) and the KMS API Reference, CreateAlias (cross-account: no).
    const key = `arn:aws:kms:${R}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const alias = `arn:aws:kms:${R}:${ACCOUNT}:alias/app`;
    const ws = workspace(
      { 'p.json': policy(allow('kms:*')) },
      {
        't.json': [
          rec({
            source: 'kms.amazonaws.com',
            name: 'CreateAlias',
            params: { aliasName: 'alias/app', targetKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' },
            extra: { resources: [res('AWS::KMS::Key', key)] },
          }),
        ],
      },
      selectors(),
    );
    // When suggest runs
    const run = await suggestOn(ws);
    // Then both resources allow CreateAlias; unused key management is removed
    expectSafe(run, [call('kms:CreateAlias', alias), call('kms:CreateAlias', key)]);
    expectGone(run, [call('kms:ScheduleKeyDeletion', key), call('kms:DeleteAlias', alias)]);
  }, SLOW);
});

describe('actions a request needs besides its own', () => {
  const secret = (name: string) => `arn:aws:secretsmanager:${R}:${ACCOUNT}:secret:${name}`;

  it('BatchGetSecretValue with secretIdList needs GetSecretValue on each named secret (name + 6-character suffix)', async () => {
    // Given secretsmanager:* on * and a BatchGetSecretValue naming two secrets by name.
    // AWS: Secrets Manager API Reference, BatchGetSecretValue ("Required permissions:
    // secretsmanager:BatchGetSecretValue, and you must have secretsmanager:GetSecretValue for each secret";
    // with Filters also secretsmanager:ListSecrets) and User Guide "Secret ARN" (Secrets Manager appends a
    // hyphen and six random characters to the name).
    const ws = workspace(
      { 'p.json': policy(allow('secretsmanager:*')) },
      { 't.json': [rec({ source: 'secretsmanager.amazonaws.com', name: 'BatchGetSecretValue', readOnly: true, params: { secretIdList: ['db-pass', 'api-key'] } })] },
      selectors(),
    );
    // When suggest runs
    const run = await suggestOn(ws);
    // Then GetSecretValue is allowed on each named secret's real ARN, not on other secrets
    expectSafe(run, [
      call('secretsmanager:BatchGetSecretValue', '*'),
      call('secretsmanager:GetSecretValue', secret('db-pass-AbCdEf')),
      call('secretsmanager:GetSecretValue', secret('api-key-Xy12Z9')),
    ], [secret('other-AbCdEf')]);
    expectGone(run, [call('secretsmanager:GetSecretValue', secret('other-AbCdEf')), call('secretsmanager:DeleteSecret', secret('db-pass-AbCdEf'))]);
    await expectDeterministic(ws, run);
  }, SLOW);

  it('BatchGetSecretValue with filters needs ListSecrets, and keeps GetSecretValue as granted', async () => {
    // Given the same grant and a BatchGetSecretValue selecting secrets by filter: the record cannot show which
    // secrets were returned (same API Reference page).
    const ws = workspace(
      { 'p.json': policy(allow('secretsmanager:*')) },
      {
        't.json': [
          rec({ source: 'secretsmanager.amazonaws.com', name: 'BatchGetSecretValue', readOnly: true, params: { filters: [{ key: 'name', values: ['prod/'] }], maxResults: 20 } }),
        ],
      },
      selectors(),
    );
    // When suggest runs
    const run = await suggestOn(ws);
    // Then ListSecrets is allowed, GetSecretValue stays on every granted secret, deleting is gone
    expectSafe(run, [call('secretsmanager:BatchGetSecretValue', '*'), call('secretsmanager:ListSecrets', '*')], [secret('prod/db-AbCdEf'), secret('zz-AbCdEf')]);
    expectKept(run, [call('secretsmanager:GetSecretValue', secret('prod/db-AbCdEf')), call('secretsmanager:GetSecretValue', secret('zz-AbCdEf'))]);
    expectGone(run, [call('secretsmanager:DeleteSecret', secret('prod/db-AbCdEf'))]);
  }, SLOW);

  it('IAM CreateUser with tags keeps iam:TagUser on the user (global service, recorded in us-east-1)', async () => {
    // Given iam:* on *, a multi-Region trail with global service events, and a CreateUser with tags.
    // AWS: IAM User Guide, "Permissions required to tag IAM resources" (creating a user with tags needs
    // iam:TagUser as well as iam:CreateUser) and CloudTrail User Guide "Global service events" (us-east-1).
    const user = `arn:aws:iam::${ACCOUNT}:user/build-bot`;
    const ws = workspace(
      { 'p.json': policy(allow('iam:*')) },
      { 't.json': [rec({ source: 'iam.amazonaws.com', name: 'CreateUser', region: 'us-east-1', params: { userName: 'build-bot', tags: [{ key: 'team', value: 'ci' }] } })] },
      selectors(),
    );
    // When suggest runs
    const run = await suggestOn(ws);
    // Then CreateUser and TagUser stay on the user; DeleteUser (logged, unused) is removed
    expectSafe(run, [call('iam:CreateUser', user), call('iam:TagUser', user)]);
    expectGone(run, [call('iam:DeleteUser', user)]);
  }, SLOW);

  it('RolesAnywhere tags and roleArns, RDS AddRoleToDBInstance: TagResource and iam:PassRole kept even with --drop-unobservable', async () => {
    // Given rolesanywhere:* and rds:* on *, iam:PassRole on every role, and three calls that AWS documents as
    // needing a second action: CreateTrustAnchor with tags (rolesanywhere:TagResource, IAM Roles Anywhere User
    // Guide, "Tagging"), CreateProfile with roleArns (iam:PassRole on each role, Roles Anywhere User Guide,
    // identity-based policies), AddRoleToDBInstance (iam:PassRole on roleArn, Amazon RDS User Guide,
    // "Associating an IAM role with a DB instance").
    // --drop-unobservable removes every action the tool does not attribute to a call: PassRole survives only
    // if the records were mapped to it.
    const raRole = `arn:aws:iam::${ACCOUNT}:role/ra-app`;
    const rdsRole = `arn:aws:iam::${ACCOUNT}:role/rds-s3-import`;
    const anchor = `arn:aws:rolesanywhere:${R}:${ACCOUNT}:trust-anchor/0b5c1e4e-5b1a-4a32-9c7e-2f7e5c8d9a10`;
    const ws = workspace(
      { 'p.json': policy(allow(['rolesanywhere:*', 'rds:*']), allow('iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/*`)) },
      {
        't.json': [
          rec({
            source: 'rolesanywhere.amazonaws.com',
            name: 'CreateTrustAnchor',
            params: { name: 'corp-ca', enabled: true, source: { sourceType: 'CERTIFICATE_BUNDLE', sourceData: { x509CertificateData: 'HIDDEN' } }, tags: [{ key: 'team', value: 'HIDDEN_DUE_TO_SECURITY_REASONS' }] },
          }),
          rec({ source: 'rolesanywhere.amazonaws.com', name: 'CreateProfile', params: { name: 'ci', enabled: true, roleArns: [raRole] } }),
          rec({ source: 'rds.amazonaws.com', name: 'AddRoleToDBInstance', params: { dBInstanceIdentifier: 'orders-db', roleArn: rdsRole, featureName: 's3Import' } }),
        ],
      },
      selectors(),
    );
    // When suggest runs, dropping unobservable actions
    const run = await suggestOn(ws, ['--drop-unobservable']);
    // Then PassRole is allowed on the two passed roles only, TagResource stays on the (unnamed) trust anchor
    expectSafe(run, [call('iam:PassRole', raRole), call('iam:PassRole', rdsRole)], [anchor, `arn:aws:iam::${ACCOUNT}:role/admin`]);
    expectKept(run, [call('rolesanywhere:TagResource', anchor)]);
    expectGone(run, [call('iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/admin`), call('rolesanywhere:DeleteTrustAnchor', anchor)]);
  }, SLOW);
});

describe('what CloudTrail records, and honest findings', () => {
  it('removes SNS management actions on a Publish-only trail and names the evidence tier', async () => {
    // Given sns:* on *, SNS topic data events selected, and a trail of Publish calls only.
    // AWS: SNS Developer Guide, "Logging Amazon SNS API calls using AWS CloudTrail" (CreateTopic, DeleteTopic,
    // SetTopicAttributes … are management events; Publish is a data event).
    const topic = `arn:aws:sns:${R}:${ACCOUNT}:order-events`;
    const publish = (time: string) =>
      rec({ source: 'sns.amazonaws.com', name: 'Publish', category: 'Data', time, params: { topicArn: topic, message: 'HIDDEN_DUE_TO_SECURITY_REASONS' }, extra: { resources: [res('AWS::SNS::Topic', topic)] } });
    const ws = workspace({ 'p.json': policy(allow('sns:*')) }, { 't.json': [publish('2026-11-10T10:00:00Z'), publish('2026-11-11T10:00:00Z')] }, selectors(['AWS::SNS::Topic']));
    const report = join(ws.dir, 'report.json');
    // When suggest runs
    const run = await suggestOn(ws, ['--report', report]);
    // Then Publish stays on the topic, topic management is removed, and the summary says what the removals rest on
    const other = `arn:aws:sns:${R}:${ACCOUNT}:new-topic`;
    expectSafe(run, [call('sns:Publish', topic)], [other]);
    expectGone(run, [call('sns:CreateTopic', other), call('sns:DeleteTopic', topic), call('sns:SetTopicAttributes', topic)]);
    const removed = section(run.stderr, 'removed (');
    expect(removed, run.stderr).toMatch(/^removed \(\d+\):[^\n]*evidence:[^\n]*\bdocumented\b/);
    // (the summary lists the first few per access level; the report has every removal and its tier)
    const findings = (JSON.parse(readFileSync(report, 'utf8')) as { findings: { kind: string; action?: string; evidence?: { tier?: string } }[] }).findings;
    for (const a of ['sns:CreateTopic', 'sns:DeleteTopic', 'sns:SetTopicAttributes']) {
      const f = findings.find((x) => x.action === a);
      expect(f?.kind, a).toBe('removed-action');
      expect(['proven', 'documented'], a).toContain(f?.evidence?.tier);
    }
  }, SLOW);

  it('keeps s3:ListAllMyBuckets granted on arn:aws:s3:::* after a successful ListBuckets, and does not call it unused', async () => {
    // Given ListAllMyBuckets granted only on arn:aws:s3:::* — exactly as the Amazon S3 User Guide's walkthrough
    // "Controlling access to a bucket with user policies - Amazon Simple Storage Service" grants it (step 4,
    // console bucket list) — and a ListBuckets that succeeded: AWS allowed the call with this grant.
    const ws = workspace(
      { 'p.json': policy(allow(['s3:ListAllMyBuckets', 's3:GetBucketLocation'], 'arn:aws:s3:::*')) },
      { 't.json': [rec({ source: 's3.amazonaws.com', name: 'ListBuckets', readOnly: true, params: { Host: 's3.us-east-1.amazonaws.com' } })] },
      selectors(),
    );
    // When suggest runs
    const run = await suggestOn(ws);
    // Then the grant of ListAllMyBuckets is unchanged, and the summary says our model, not the role, missed it
    expectSafe(run, [], ['arn:aws:s3:::some-bucket']);
    for (const resource of ['arn:aws:s3:::*', 'arn:aws:s3:::some-bucket', '*']) {
      const c = call('s3:ListAllMyBuckets', resource);
      expect(evaluate(run.suggestion, c, { mode: 'may-allow' }), resource).toBe(evaluate(run.original, c, { mode: 'may-allow' }));
    }
    expectKept(run, [call('s3:ListAllMyBuckets', 'arn:aws:s3:::*')]);
    expect(run.stderr).toMatch(/s3:ListAllMyBuckets[^\n]*no statement matched it in our evaluation/);
    expect(section(run.stderr, 'removed (')).not.toContain('s3:ListAllMyBuckets');
    expect(run.stderr).not.toMatch(/never used/i);
  }, SLOW);
});
