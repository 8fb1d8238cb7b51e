import { describe, expect, it } from 'vitest';
import { loadBundledCatalog } from '../../src/adapters/fs/bundled-data.js';
import { evaluate } from '../../src/core/policy/index.js';
import type { PolicyDocument, Statement } from '../../src/core/policy/types.js';
import { suggest } from '../../src/core/trim/suggest.js';
import { defaultTrailRecording, parseTrailRecording } from '../../src/core/trail/recording.js';
import { trimPolicy } from '../../src/core/trim/trim.js';
import type { Finding, TrimInput } from '../../src/core/trim/types.js';
import { denied, fakeKnowledge, usageOf, used } from '../support/trim-fakes.js';

const catalog = loadBundledCatalog();
const knowledge = fakeKnowledge();
const ACCT = '123456789012';
const TABLE = `arn:aws:dynamodb:us-east-1:${ACCT}:table/orders`;
/** Records management events and every S3 object / DynamoDB item / SQS message data event. */
const allData = parseTrailRecording(
  {
    AdvancedEventSelectors: [
      { FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
      ...['AWS::S3::Object', 'AWS::DynamoDB::Table', 'AWS::SQS::Queue'].map((t) => ({
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: [t] },
        ],
      })),
    ],
  },
  'all-data.json',
);

const doc = (statements: Statement[], name = 'inline:orders', kind: PolicyDocument['kind'] = 'inline'): PolicyDocument => ({
  name,
  version: '2012-10-17',
  statements,
  kind,
});
const input = (documents: PolicyDocument[], u: ReturnType<typeof usageOf>, over: Partial<TrimInput> = {}): TrimInput => ({
  documents,
  usage: u,
  catalog,
  knowledge,
  recording: allData,
  options: { baselines: [] },
  ...over,
});
const allows = (docs: PolicyDocument[], action: string, resource: string) =>
  evaluate(docs, { action, resource }, { mode: 'may-allow' }) === 'allowed';
const find = <K extends Finding['kind']>(fs: Finding[], kind: K, id: string) =>
  fs.find((f) => f.kind === kind && f.id === id) as Extract<Finding, { kind: K }> | undefined;

describe('unobservable actions are kept', () => {
  // Given a role granted item reads/writes and a table delete, and a trail with no data events
  const docs = [doc([{ effect: 'Allow', action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteTable', 'dynamodb:DescribeTable'], resource: [TABLE] }])];
  const u = usageOf([used('dynamodb:DescribeTable', [TABLE])]);

  it('a role whose trail lacks data events keeps dynamodb:GetItem', () => {
    // When suggesting with the default (management-only) recording
    const r = suggest(input(docs, u, { recording: defaultTrailRecording() }));
    // Then GetItem/PutItem survive with their reason; the unused management action DeleteTable goes
    expect(allows(r.documents, 'dynamodb:GetItem', TABLE)).toBe(true);
    expect(allows(r.documents, 'dynamodb:PutItem', TABLE)).toBe(true);
    expect(allows(r.documents, 'dynamodb:DeleteTable', TABLE)).toBe(false);
    const f = find(r.findings, 'kept-unobservable', 'unobservable/dynamodb:GetItem');
    expect(f?.code).toBe('data-event-not-selected');
    expect(f?.resources).toEqual([TABLE]);
    expect(find(r.findings, 'removed-action', 'removed/dynamodb:DeleteTable')?.accessLevel).toBe('Write');
    expect(r.findings.find((x) => x.kind === 'recording')?.message).toMatch(/management events only/);
  });

  it('the same role with DynamoDB data events recorded loses the unused GetItem', () => {
    const r = suggest(input(docs, u));
    expect(allows(r.documents, 'dynamodb:GetItem', TABLE)).toBe(false);
    expect(allows(r.documents, 'dynamodb:DescribeTable', TABLE)).toBe(true);
  });

  it('keeps never-logged, secondary-only and baseline actions with their reasons', () => {
    const logs = `arn:aws:logs:us-east-1:${ACCT}:log-group:/aws/lambda/orders-api:*`;
    const r = suggest(
      input(
        [
          doc([
            { effect: 'Allow', action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DeleteLogGroup'], resource: [logs] },
            { effect: 'Allow', action: ['iam:PassRole'], resource: [`arn:aws:iam::${ACCT}:role/worker`] },
          ]),
        ],
        usageOf([]),
        { options: { baselines: ['lambda-basic'] } },
      ),
    );
    expect(find(r.findings, 'kept-unobservable', 'unobservable/logs:CreateLogStream')?.code).toBe('baseline');
    expect(find(r.findings, 'kept-unobservable', 'unobservable/iam:PassRole')?.code).toBe('secondary-only');
    expect(allows(r.documents, 'logs:PutLogEvents', logs)).toBe(true);
    expect(allows(r.documents, 'logs:DeleteLogGroup', logs)).toBe(false);
  });

  it('keepUnobservable=false drops them (baselines stay) and says so', () => {
    const r = trimPolicy(input(docs, u, { recording: defaultTrailRecording(), options: { keepUnobservable: false, baselines: [] } }));
    expect(allows(r.documents, 'dynamodb:GetItem', TABLE)).toBe(false);
    expect(find(r.findings, 'removed-action', 'removed/dynamodb:GetItem')?.unobservable?.code).toBe('data-event-not-selected');
  });
});

describe('denied attempts', () => {
  it('a role that only failed to call an action loses it and the findings list the attempt', () => {
    const q = `arn:aws:sqs:us-east-1:${ACCT}:orders-dlq`;
    const docs = [doc([{ effect: 'Allow', action: ['sqs:CreateQueue', 'sqs:GetQueueUrl'], resource: [q] }])];
    const r = suggest(input(docs, usageOf([used('sqs:GetQueueUrl', [q])], [denied('sqs:CreateQueue', [q])])));
    expect(allows(r.documents, 'sqs:CreateQueue', q)).toBe(false);
    expect(allows(r.documents, 'sqs:GetQueueUrl', q)).toBe(true);
    const d = find(r.findings, 'denied-attempt', 'denied/sqs:CreateQueue');
    expect(d).toMatchObject({ count: 3, errorCodes: ['AccessDenied'], grantedByOriginal: true });
    expect(find(r.findings, 'removed-action', 'removed/sqs:CreateQueue')).toBeDefined();
  });
});

describe('statements kept as written', () => {
  it('a Deny survives verbatim and still denies', () => {
    const deny: Statement = { sid: 'NoPublic', effect: 'Deny', action: ['s3:PutBucketPolicy', 's3:PutBucketAcl'], resource: ['*'] };
    const docs = [doc([{ effect: 'Allow', action: ['s3:*'], resource: ['*'] }, deny])];
    const r = suggest(input(docs, usageOf([used('s3:ListBucket', ['arn:aws:s3:::orders-receipts'])])));
    const all = r.documents.flatMap((d) => d.statements);
    expect(all).toContainEqual(deny);
    expect(find(r.findings, 'kept-verbatim', 'verbatim/inline:orders#1')?.code).toBe('deny');
    expect(evaluate(r.documents, { action: 's3:PutBucketPolicy', resource: 'arn:aws:s3:::orders-receipts' }, { mode: 'may-allow' })).toBe('explicit-deny');
  });

  it('policy variables in Resource: kept verbatim and reported', () => {
    const st: Statement = { effect: 'Allow', action: ['s3:GetObject'], resource: ['arn:aws:s3:::home/${aws:username}/*'] };
    const r = suggest(input([doc([st])], usageOf([])));
    expect(r.documents.flatMap((d) => d.statements)).toContainEqual({ ...st, sid: 'KeptAllow' });
    expect(find(r.findings, 'kept-verbatim', 'verbatim/inline:orders#0')?.code).toBe('policy-variable');
  });

  it('an unknown action: kept verbatim and reported', () => {
    const st: Statement = { sid: 'Future', effect: 'Allow', action: ['s3:DoSomethingNew'], resource: ['*'] };
    const r = suggest(input([doc([st])], usageOf([])));
    expect(r.documents.flatMap((d) => d.statements)).toContainEqual(st);
    expect(find(r.findings, 'kept-verbatim', 'verbatim/inline:orders#0')?.code).toBe('unknown-action');
  });
});

describe('resource narrowing', () => {
  it('a name-only Secrets Manager id narrows to secret:NAME-??????; a full ARN generalizes its suffix', () => {
    const base = `arn:aws:secretsmanager:us-east-1:${ACCT}:secret:`;
    const docs = [doc([{ effect: 'Allow', action: ['secretsmanager:GetSecretValue'], resource: ['*'] }])];
    const r = suggest(input(docs, usageOf([used('secretsmanager:GetSecretValue', [`${base}orders/db-??????`, `${base}orders/api-AbC123`])])));
    const st = r.documents.flatMap((d) => d.statements).find((s) => s.action?.includes('secretsmanager:GetSecretValue'));
    expect(st?.resource).toEqual([`${base}orders/api-??????`, `${base}orders/db-??????`]);
    expect(allows(r.documents, 'secretsmanager:GetSecretValue', `${base}orders/db-Xy12Zq`)).toBe(true);
    expect(allows(r.documents, 'secretsmanager:GetSecretValue', `${base}payments-Xy12Zq`)).toBe(false);
    expect(find(r.findings, 'narrowed-resource', 'narrowed/secretsmanager:GetSecretValue')?.fromResources).toEqual(['*']);
  });

  it('a name-only secret id against an exact-ARN grant keeps the grant and is not reported as not granted', () => {
    // Given a grant on the full secret ARN and a call that named the secret only (ARN known up to -??????)
    const base = `arn:aws:secretsmanager:us-east-1:${ACCT}:secret:`;
    const docs = [doc([{ effect: 'Allow', action: ['secretsmanager:GetSecretValue'], resource: [`${base}db-AbCdEf`] }])];
    // When trim runs
    const r = suggest(input(docs, usageOf([used('secretsmanager:GetSecretValue', [`${base}db-??????`])])));
    // Then the secret stays allowed and no "used but not granted" finding claims otherwise
    expect(allows(r.documents, 'secretsmanager:GetSecretValue', `${base}db-AbCdEf`)).toBe(true);
    expect(r.findings.some((f) => f.kind === 'used-not-granted')).toBe(false);
  });

  it('S3 keys generalize to their shared prefix', () => {
    const docs = [doc([{ effect: 'Allow', action: ['s3:GetObject', 's3:PutObject'], resource: ['arn:aws:s3:::orders-receipts/*'] }])];
    const keys = ['receipts/2026-10-01/a.json', 'receipts/2026-10-02/b.json'].map((k) => `arn:aws:s3:::orders-receipts/${k}`);
    const r = suggest(input(docs, usageOf([used('s3:PutObject', keys)])));
    const st = r.documents.flatMap((d) => d.statements).find((s) => s.action?.includes('s3:PutObject'));
    expect(st?.resource).toEqual(['arn:aws:s3:::orders-receipts/receipts/*']);
    expect(allows(r.documents, 's3:GetObject', keys[0])).toBe(false);
  });

  it('S3 keys never generalize beyond the original pattern: exact ARNs instead', () => {
    const orig = ['arn:aws:s3:::orders-receipts/receipts/2026-10-01/*', 'arn:aws:s3:::orders-receipts/receipts/2026-10-02/*'];
    const docs = [doc([{ effect: 'Allow', action: ['s3:PutObject'], resource: orig }])];
    const keys = ['receipts/2026-10-01/a.json', 'receipts/2026-10-02/b.json'].map((k) => `arn:aws:s3:::orders-receipts/${k}`);
    const r = suggest(input(docs, usageOf([used('s3:PutObject', keys)])));
    const st = r.documents.flatMap((d) => d.statements).find((s) => s.action?.includes('s3:PutObject'));
    expect(st?.resource).toEqual(keys);
    expect(allows(r.documents, 's3:PutObject', 'arn:aws:s3:::orders-receipts/receipts/2026-10-03/c.json')).toBe(false);
  });

  it('a DynamoDB index used means the table indexes', () => {
    const docs = [doc([{ effect: 'Allow', action: ['dynamodb:Query'], resource: [TABLE, `${TABLE}/index/*`] }])];
    const r = suggest(input(docs, usageOf([used('dynamodb:Query', [TABLE, `${TABLE}/index/by-customer`])])));
    const st = r.documents.flatMap((d) => d.statements).find((s) => s.action?.includes('dynamodb:Query'));
    expect(st?.resource).toEqual([TABLE, `${TABLE}/index/*`]);
  });

  it('an action without resource types stays on *', () => {
    const docs = [doc([{ effect: 'Allow', action: ['s3:ListAllMyBuckets', 's3:CreateBucket'], resource: ['*'] }])];
    const r = suggest(input(docs, usageOf([used('s3:ListAllMyBuckets', ['*'])])));
    const st = r.documents.flatMap((d) => d.statements).find((s) => s.action?.includes('s3:ListAllMyBuckets'));
    expect(st?.resource).toEqual(['*']);
    expect(allows(r.documents, 's3:CreateBucket', 'arn:aws:s3:::x')).toBe(false);
  });
});

describe('NotAction, NotResource and conditions', () => {
  it('a NotAction Allow becomes the explicit used subset of its complement', () => {
    const docs = [doc([{ effect: 'Allow', notAction: ['iam:*', 'organizations:*'], resource: ['*'] }])];
    const bucket = 'arn:aws:s3:::orders-receipts';
    const r = suggest(input(docs, usageOf([used('s3:ListBucket', [bucket]), used('sqs:GetQueueUrl', [`arn:aws:sqs:us-east-1:${ACCT}:q`])])));
    const statements = r.documents.flatMap((d) => d.statements);
    expect(statements.every((s) => s.notAction === undefined)).toBe(true);
    expect(allows(r.documents, 's3:ListBucket', bucket)).toBe(true);
    expect(allows(r.documents, 's3:DeleteBucket', bucket)).toBe(false);
    expect(allows(r.documents, 'iam:CreateUser', '*')).toBe(false);
  });

  it('a NotResource Allow narrows to explicit used resources outside the exclusion', () => {
    const docs = [doc([{ effect: 'Allow', action: ['sqs:GetQueueUrl', 'sqs:DeleteQueue'], notResource: [`arn:aws:sqs:us-east-1:${ACCT}:prod-*`] }])];
    const q = `arn:aws:sqs:us-east-1:${ACCT}:dev-orders`;
    const r = suggest(input(docs, usageOf([used('sqs:GetQueueUrl', [q])])));
    const st = r.documents.flatMap((d) => d.statements).find((s) => s.action?.includes('sqs:GetQueueUrl'));
    expect(st?.resource).toEqual([q]);
    expect(allows(r.documents, 'sqs:DeleteQueue', q)).toBe(false);
  });

  it('conditions are kept on every statement derived from a conditional Allow', () => {
    const condition = { StringEquals: { 'kms:ViaService': ['secretsmanager.us-east-1.amazonaws.com'] } };
    const key = `arn:aws:kms:us-east-1:${ACCT}:key/k1`;
    const docs = [doc([{ effect: 'Allow', action: ['kms:Decrypt', 'kms:Encrypt', 'kms:DescribeKey'], resource: ['*'], condition }])];
    const r = suggest(input(docs, usageOf([used('kms:Decrypt', [key]), used('kms:DescribeKey', [key])])));
    const derived = r.documents.flatMap((d) => d.statements).filter((s) => s.effect === 'Allow');
    expect(derived.length).toBeGreaterThan(0);
    for (const s of derived) expect(s.condition).toEqual(condition);
    // Without the condition's context the suggestion does not certainly allow it: the condition still binds.
    expect(evaluate(r.documents, { action: 'kms:Decrypt', resource: key }, { mode: 'must-allow' })).not.toBe('allowed');
    expect(allows(r.documents, 'kms:Encrypt', key)).toBe(false);
  });
});

describe('output shape', () => {
  it('uses a wildcard only when it expands to exactly the kept actions and the original had it', () => {
    const obj = 'arn:aws:s3:::b/k';
    const getObjectStar = catalog.expandActionPattern('s3:GetObject*');
    const docs = [doc([{ effect: 'Allow', action: ['s3:*'], resource: ['arn:aws:s3:::b/*'] }])];
    const r = suggest(input(docs, usageOf(getObjectStar.map((a) => used(a, [obj])))));
    const st = r.documents.flatMap((d) => d.statements).find((s) => s.effect === 'Allow')!;
    expect(st.action).toEqual(['s3:GetObject*']);
    // The same usage under an original that listed the actions one by one: no wildcard (AWS may add more).
    const listed = [doc([{ effect: 'Allow', action: getObjectStar, resource: ['arn:aws:s3:::b/*'] }])];
    const r2 = suggest(input(listed, usageOf(getObjectStar.map((a) => used(a, [obj])))));
    expect(r2.documents[0].statements[0].action).toEqual(getObjectStar);
  });

  it('is deterministic: same input, byte-identical output and findings', () => {
    const docs = [doc([{ effect: 'Allow', action: ['s3:*', 'dynamodb:*'], resource: ['*'] }])];
    const list = [used('s3:ListBucket', ['arn:aws:s3:::b']), used('dynamodb:DescribeTable', [TABLE]), used('s3:GetObject', ['arn:aws:s3:::b/x/y'])];
    const a = trimPolicy(input(docs, usageOf(list)));
    const b = trimPolicy(input(docs, usageOf([...list].reverse())));
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const sids = a.documents.flatMap((d) => d.statements.map((s) => s.sid));
    expect(new Set(sids).size).toBe(sids.length);
  });

  it('reports AWS-managed policies as not editable', () => {
    const d = doc([{ effect: 'Allow', action: ['s3:ListBucket'], resource: ['*'] }], 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', 'aws-managed');
    const r = suggest(input([d], usageOf([])));
    expect(r.findings.some((f) => f.kind === 'aws-managed' && f.document === d.name)).toBe(true);
  });

  it('splits into several managed documents under 6,144 characters, and reports when inline cannot fit', () => {
    const arns = Array.from({ length: 120 }, (_, i) => `arn:aws:sqs:us-east-1:${ACCT}:orders-processing-pipeline-stage-queue-with-a-rather-long-descriptive-name-${String(i).padStart(3, '0')}`);
    const docs = [doc([{ effect: 'Allow', action: ['sqs:GetQueueUrl', 'sqs:GetQueueAttributes'], resource: ['*'] }])];
    const u = usageOf([used('sqs:GetQueueUrl', arns)]);
    const r = suggest(input(docs, u));
    expect(r.documents.length).toBeGreaterThan(1);
    const size = r.findings.find((f) => f.kind === 'size-limit');
    expect(size).toMatchObject({ fits: true, target: 'managed' });
    for (const d of r.documents) expect(JSON.stringify({ Version: '2012-10-17', Statement: d.statements }).length).toBeLessThanOrEqual(6144);
    for (const a of arns) expect(allows(r.documents, 'sqs:GetQueueUrl', a)).toBe(true);
    const inline = trimPolicy(input(docs, u, { options: { baselines: [], target: 'inline' } }));
    expect(inline.findings.find((f) => f.kind === 'size-limit')).toMatchObject({ fits: false, target: 'inline' });
  });

  it('gives per-statement evidence pointing at findings', () => {
    const docs = [doc([{ sid: 'Tables', effect: 'Allow', action: ['dynamodb:*'], resource: ['*'] }])];
    const r = suggest(input(docs, usageOf([used('dynamodb:DescribeTable', [TABLE])]), { recording: defaultTrailRecording() }));
    const ev = r.evidence.find((e) => e.actions.some((a) => a.action === 'dynamodb:DescribeTable'))!;
    expect(ev.from).toEqual([{ document: 'inline:orders', index: 0, sid: 'Tables' }]);
    const a = ev.actions.find((x) => x.action === 'dynamodb:DescribeTable')!;
    expect(a.basis).toBe('used');
    for (const id of [...a.findingIds, ...ev.findingIds]) expect(r.findings.some((f) => f.id === id)).toBe(true);
    const u = find(r.findings, 'kept-used', 'used/dynamodb:DescribeTable');
    expect(u).toMatchObject({ count: 1, sessions: ['orders-api'], lastSeen: '2026-10-30T12:00:00Z' });
  });
});
