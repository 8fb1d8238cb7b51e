/**
 * Property: covers what ran, judged against the resource AWS AUTHORIZES (not against our mapping's output).
 * Random CloudTrail records of calls whose authorized resource differs from what `resources[]` lists — a
 * DynamoDB Query on an index, an Invoke of a qualified function, a CopyObject's source and destination — go
 * through the real normalizer, ledger and `suggest` (which proves never-wider itself); the suggestion must allow
 * each call on the ARN the arbitrary knows AWS checks, and must not allow s3:PutObject on a copy's source.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadBundledCatalog } from '../../src/adapters/fs/bundled-data.js';
import { loadBundledCloudTrailKnowledge, loadBundledNormalizer } from '../../src/adapters/fs/bundled-mapping.js';
import { evaluate } from '../../src/core/policy/index.js';
import type { AccessRequest, PolicyDocument } from '../../src/core/policy/types.js';
import { suggest } from '../../src/core/trim/suggest.js';
import { parseTrailRecording } from '../../src/core/trail/recording.js';
import { UsageLedger } from '../../src/core/usage/ledger.js';

const catalog = loadBundledCatalog();
const knowledge = loadBundledCloudTrailKnowledge();
const normalize = loadBundledNormalizer();
const ACCT = '111122223333';
const ROLE = `arn:aws:iam::${ACCT}:role/app-role`;
const DATA = ['AWS::DynamoDB::Table', 'AWS::Lambda::Function', 'AWS::S3::Object'];
const recording = parseTrailRecording(
  {
    IsMultiRegionTrail: true,
    IncludeGlobalServiceEvents: true,
    AdvancedEventSelectors: [
      { FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
      ...DATA.map((t) => ({ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: [t] }] })),
    ],
  },
  'all.json',
);
const original: PolicyDocument[] = [
  { name: 'broad', version: '2012-10-17', kind: 'inline', statements: [{ effect: 'Allow', action: ['dynamodb:*', 'lambda:*', 's3:*'], resource: ['*'] }] },
];

/** One generated call: the CloudTrail record and the requests AWS authorized for it. */
interface Call {
  record: Record<string, unknown>;
  authorized: AccessRequest[];
  /** Requests the call did not need: a copy never writes its source. */
  notNeeded: AccessRequest[];
}

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
const base = (source: string, eventName: string, params: Record<string, unknown>, resources: string[], type: string) => ({
  eventVersion: '1.09',
  eventTime: '2026-11-10T10:00:00Z',
  eventSource: source,
  eventName,
  awsRegion: 'us-east-1',
  recipientAccountId: ACCT,
  eventCategory: 'Data',
  managementEvent: false,
  userIdentity: {
    type: 'AssumedRole',
    arn: `arn:aws:sts::${ACCT}:assumed-role/app-role/app-fn`,
    accountId: ACCT,
    sessionContext: { sessionIssuer: { type: 'Role', arn: ROLE, accountId: ACCT, userName: 'app-role' } },
  },
  requestParameters: params,
  resources: resources.map((ARN) => ({ type, ARN, accountId: ACCT })),
});

// Query/Scan with indexName: CloudTrail lists the table; IAM checks table/T/index/I (DynamoDB Developer Guide).
const indexQuery = fc.record({ table: name, index: fc.option(name, { nil: undefined }), op: fc.constantFrom('Query', 'Scan') }).map(({ table, index, op }): Call => {
  const tableArn = `arn:aws:dynamodb:us-east-1:${ACCT}:table/${table}`;
  const params = { tableName: table, ...(index ? { indexName: index } : {}) };
  return {
    record: base('dynamodb.amazonaws.com', op, params, [tableArn], 'AWS::DynamoDB::Table'),
    authorized: [{ action: `dynamodb:${op}`, resource: index ? `${tableArn}/index/${index}` : tableArn }],
    notNeeded: [],
  };
});

// Invoke of NAME with a qualifier: IAM checks function:NAME:QUALIFIER (Lambda Developer Guide).
const qualifiedInvoke = fc.record({ fn: name, qualifier: fc.option(fc.constantFrom('prod', 'live', '7', '$LATEST'), { nil: undefined }) }).map(({ fn, qualifier }): Call => {
  const fnArn = `arn:aws:lambda:us-east-1:${ACCT}:function:${fn}`;
  return {
    record: base('lambda.amazonaws.com', 'Invoke', { functionName: fn, ...(qualifier ? { qualifier } : {}) }, [fnArn], 'AWS::Lambda::Function'),
    authorized: [{ action: 'lambda:InvokeFunction', resource: qualifier ? `${fnArn}:${qualifier}` : fnArn }],
    notNeeded: [],
  };
});

// CopyObject: s3:GetObject on the source, s3:PutObject on the destination only (Amazon S3 API Reference).
const copy = fc.record({ src: name, srcKey: name, dst: name, dstKey: name }).filter((c) => `${c.src}/${c.srcKey}` !== `${c.dst}/${c.dstKey}`).map(({ src, srcKey, dst, dstKey }): Call => {
  const source = `arn:aws:s3:::${src}/in/${srcKey}`;
  const dest = `arn:aws:s3:::${dst}/out/${dstKey}`;
  return {
    record: base('s3.amazonaws.com', 'CopyObject', { bucketName: dst, key: `out/${dstKey}`, 'x-amz-copy-source': `${src}/in/${srcKey}` }, [dest, source], 'AWS::S3::Object'),
    authorized: [
      { action: 's3:GetObject', resource: source },
      { action: 's3:PutObject', resource: dest },
    ],
    notNeeded: [{ action: 's3:PutObject', resource: source }],
  };
});

describe('covers what ran, as AWS authorizes it', () => {
  it('allows every call on the resource AWS checks, and no write to a copy source', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(indexQuery, qualifiedInvoke, copy), { minLength: 1, maxLength: 6 }), (calls) => {
        const ledger = new UsageLedger();
        for (const c of calls) {
          const r = normalize(c.record);
          expect(r.kind).toBe('call');
          if (r.kind === 'call') ledger.add(r.call);
        }
        // suggest throws (InternalError) when its own never-wider or covers proof fails
        const result = suggest({ documents: original, usage: ledger.usageOf(ROLE), catalog, knowledge, recording, options: { baselines: [] } });
        for (const c of calls) {
          for (const req of c.authorized) expect(evaluate(result.documents, req, { mode: 'must-allow' }), `${req.action} on ${req.resource}`).toBe('allowed');
        }
        const needed = new Set(calls.flatMap((c) => c.authorized.map((a) => `${a.action} ${a.resource}`)));
        for (const c of calls) {
          for (const req of c.notNeeded) {
            if (needed.has(`${req.action} ${req.resource}`)) continue;
            expect(evaluate(result.documents, req, { mode: 'may-allow' }), `not needed: ${req.action} on ${req.resource}`).not.toBe('allowed');
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});
