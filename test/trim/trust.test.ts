/**
 * Trim's honesty about what it cannot see or model: removals carry their evidence, dependents an operation's
 * record cannot show are kept when it ran, a used call no statement matches keeps its grants, and
 * `dropUnobservableServices` drops only the named services.
 */
import { describe, expect, it } from 'vitest';
import { loadBundledCatalog } from '../../src/adapters/fs/bundled-data.js';
import { evaluate } from '../../src/core/policy/index.js';
import type { PolicyDocument, Statement } from '../../src/core/policy/types.js';
import { suggest } from '../../src/core/trim/suggest.js';
import { parseTrailRecording } from '../../src/core/trail/recording.js';
import type { Finding, TrimInput } from '../../src/core/trim/types.js';
import { fakeKnowledge, usageOf, used } from '../support/trim-fakes.js';

const catalog = loadBundledCatalog();
const ACCT = '123456789012';
const BUCKET_OBJ = 'arn:aws:s3:::reports/*';
const KEY = `arn:aws:kms:us-east-1:${ACCT}:key/1111-2222`;
const recording = parseTrailRecording(
  {
    IsMultiRegionTrail: true,
    IncludeGlobalServiceEvents: true,
    AdvancedEventSelectors: [
      { FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
      { FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }] },
    ],
  },
  'sel.json',
);
const doc = (statements: Statement[]): PolicyDocument => ({ name: 'p', version: '2012-10-17', statements, kind: 'inline' });
const run = (statements: Statement[], u: ReturnType<typeof usageOf>, options: TrimInput['options'] = {}) =>
  suggest({ documents: [doc(statements)], usage: u, catalog, knowledge: fakeKnowledge(), recording, options: { baselines: [], ...options } });
const allows = (docs: PolicyDocument[], action: string, resource: string) => evaluate(docs, { action, resource }, { mode: 'may-allow' }) === 'allowed';
const byId = (fs: Finding[], id: string) => fs.find((f) => f.id === id);

describe('what a removal rests on', () => {
  it('names the evidence tier of each removed action', () => {
    // Given sqs management actions granted and unused, and one S3 object action whose data events are recorded
    const r = run(
      [{ effect: 'Allow', action: ['sqs:DeleteQueue', 's3:DeleteObject', 's3:GetObject'], resource: ['*'] }],
      usageOf([used('s3:GetObject', ['arn:aws:s3:::reports/a.csv'])]),
    );
    // Then DeleteQueue rests on the (fake) documentation and DeleteObject on the trail's selectors
    expect(byId(r.findings, 'removed/sqs:DeleteQueue')).toMatchObject({ evidence: { tier: 'documented' } });
    expect(byId(r.findings, 'removed/s3:DeleteObject')).toMatchObject({ evidence: { tier: 'selector', source: expect.stringMatching(/AWS::S3::Object.*sel\.json/) } });
    expect(byId(r.findings, 'removed/s3:DeleteObject')?.message).toMatch(/CloudTrail would have shown a call \(selector/);
  });
});

describe('dependents a record cannot show', () => {
  it('keeps kms:Decrypt as granted when GetObject ran (an SSE-KMS key is not in the record)', () => {
    const statements: Statement[] = [
      { effect: 'Allow', action: ['s3:GetObject'], resource: [BUCKET_OBJ] },
      { effect: 'Allow', action: ['kms:Decrypt'], resource: [KEY] },
    ];
    const r = run(statements, usageOf([used('s3:GetObject', ['arn:aws:s3:::reports/a.csv'])]));
    expect(allows(r.documents, 'kms:Decrypt', KEY)).toBe(true);
    expect(byId(r.findings, 'unobservable/kms:Decrypt')).toMatchObject({ code: 'dependent-unknowable', reason: expect.stringMatching(/^GetObject ran; /) });
    // And without the GetObject call, kms:Decrypt is an unused management action: removed
    const idle = run(statements, usageOf([used('s3:GetObject', [])].map((u) => ({ ...u, eventNames: ['HeadBucket'] }))));
    expect(allows(idle.documents, 'kms:Decrypt', KEY)).toBe(false);
  });
});

describe('a used call no statement matches in our evaluation', () => {
  it('keeps s3:ListAllMyBuckets granted on arn:aws:s3:::* instead of calling it unused', () => {
    // Given the grant many published policies write (Resource arn:aws:s3:::*) and a successful ListBuckets
    const r = run([{ effect: 'Allow', action: ['s3:ListAllMyBuckets'], resource: ['arn:aws:s3:::*'] }], usageOf([used('s3:ListAllMyBuckets', ['*'])]));
    // Then the statement is kept as written and the finding says why
    expect(r.documents.flatMap((d) => d.statements)).toEqual([expect.objectContaining({ action: ['s3:ListAllMyBuckets'], resource: ['arn:aws:s3:::*'] })]);
    expect(byId(r.findings, 'removed/s3:ListAllMyBuckets')).toBeUndefined();
    expect(byId(r.findings, 'used/s3:ListAllMyBuckets')).toMatchObject({ keptAsGranted: 'no-statement-matched', message: expect.stringMatching(/no statement matched it in our evaluation/) });
  });

  it('narrows as before when a statement does match the request resource *', () => {
    const r = run(
      [
        { effect: 'Allow', action: ['s3:ListAllMyBuckets'], resource: ['arn:aws:s3:::*'] },
        { effect: 'Allow', action: ['s3:ListAllMyBuckets'], resource: ['*'] },
      ],
      usageOf([used('s3:ListAllMyBuckets', ['*'])]),
    );
    expect(byId(r.findings, 'used/s3:ListAllMyBuckets')).not.toHaveProperty('keptAsGranted');
  });
});

describe('dropping unobservable actions of named services only', () => {
  it('drops events:PutEvents with --drop-unobservable events, keeps logs:PutLogEvents', () => {
    const statements: Statement[] = [{ effect: 'Allow', action: ['events:PutEvents', 'logs:PutLogEvents'], resource: ['*'] }];
    const u = usageOf([]);
    const some = run(statements, u, { keepUnobservable: false, dropUnobservableServices: ['events'] });
    expect(allows(some.documents, 'events:PutEvents', `arn:aws:events:us-east-1:${ACCT}:event-bus/default`)).toBe(false);
    expect(allows(some.documents, 'logs:PutLogEvents', `arn:aws:logs:us-east-1:${ACCT}:log-group:g:log-stream:s`)).toBe(true);
    expect(byId(some.findings, 'removed/events:PutEvents')).toMatchObject({ unobservable: { code: 'not-identifiable' } });
    const all = run(statements, u, { keepUnobservable: false });
    expect(allows(all.documents, 'logs:PutLogEvents', `arn:aws:logs:us-east-1:${ACCT}:log-group:g:log-stream:s`)).toBe(false);
  });
});
