import { describe, expect, it } from 'vitest';
import { parsePolicyDocument } from '../../src/core/policy/parse.js';
import type { PolicyDocument } from '../../src/core/policy/types.js';
import { verifyCovers, verifyNeverWider } from '../../src/core/policy/verify.js';
import { testActionUniverse } from '../support/policy-arbitraries.js';

const policy = (name: string, ...statements: object[]): PolicyDocument => parsePolicyDocument({ Version: '2012-10-17', Statement: statements }, name);
const cat = testActionUniverse;

const ORDERS = 'arn:aws:s3:::orders';
const TABLE = 'arn:aws:dynamodb:us-east-1:111122223333:table/orders';

// Given an over-privileged original: all of S3 and DynamoDB, with a Deny and a conditional Deny.
const original = [
  policy(
    'original',
    { Sid: 'S3', Effect: 'Allow', Action: 's3:*', Resource: '*' },
    { Sid: 'Ddb', Effect: 'Allow', Action: 'dynamodb:*', Resource: `${TABLE}*` },
    { Sid: 'NoDeleteTable', Effect: 'Deny', Action: 'dynamodb:DeleteTable', Resource: '*' },
    { Sid: 'TlsOnly', Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
  ),
];

describe('verifyNeverWider', () => {
  it('accepts a narrowed suggestion that keeps the Denies', () => {
    const suggestion = [
      policy(
        'suggestion',
        { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `${ORDERS}/receipts/*` },
        { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: [TABLE, `${TABLE}/index/*`] },
        { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      ),
    ];
    // The dynamodb:DeleteTable Deny may be dropped: the suggestion does not allow that action at all.
    const r = verifyNeverWider(original, suggestion, cat);
    expect(r.counterexamples).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.checked).toBe(4);
  });

  it('the original is never wider than itself', () => {
    expect(verifyNeverWider(original, original, cat).ok).toBe(true);
  });

  it('fails when the suggestion adds an action, naming action, resource and statement', () => {
    const suggestion = [
      policy(
        'suggestion',
        { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
        { Sid: 'Extra', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' },
        { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } },
      ),
    ];
    const r = verifyNeverWider(original, suggestion, cat);
    expect(r.ok).toBe(false);
    expect(r.counterexamples).toEqual([
      {
        reason: 'not-allowed-by-original',
        action: 'sqs:SendMessage',
        resource: '*',
        statement: { document: 'suggestion', index: 1, sid: 'Extra' },
        message: expect.stringMatching(/^policy suggestion, Statement\[1\] \(Sid "Extra"\) of the suggestion may allow sqs:SendMessage on \*, which no Allow/),
      },
    ]);
  });

  it('fails when the suggestion widens a resource', () => {
    const suggestion = [policy('s', { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: 'arn:aws:dynamodb:us-east-1:111122223333:table/*' })];
    const r = verifyNeverWider(original, suggestion, cat);
    expect(r.ok).toBe(false);
    expect(r.counterexamples.map((c) => [c.reason, c.action, c.resource])).toEqual([
      ['not-allowed-by-original', 'dynamodb:GetItem', 'arn:aws:dynamodb:us-east-1:111122223333:table/*'],
    ]);
  });

  it('fails when the suggestion drops a Deny that applies to what it allows', () => {
    const suggestion = [policy('s', { Effect: 'Allow', Action: 'dynamodb:*', Resource: TABLE })];
    const r = verifyNeverWider(original, suggestion, cat);
    expect(r.ok).toBe(false);
    expect(r.counterexamples).toHaveLength(1);
    expect(r.counterexamples[0]).toMatchObject({
      reason: 'deny-not-preserved',
      action: 'dynamodb:DeleteTable',
      resource: TABLE,
      deny: { document: 'original', index: 2, sid: 'NoDeleteTable' },
    });
  });

  it('fails when the suggestion drops a conditional Deny', () => {
    const suggestion = [policy('s', { Effect: 'Allow', Action: 's3:GetObject', Resource: `${ORDERS}/*` })];
    const r = verifyNeverWider(original, suggestion, cat);
    expect(r.counterexamples.map((c) => [c.reason, c.action, c.deny?.sid])).toEqual([['deny-not-preserved', 's3:GetObject', 'TlsOnly']]);
  });

  it('accepts a conditional Deny kept with a weaker (subset) condition, rejects a stricter one', () => {
    const tls = { Bool: { 'aws:SecureTransport': 'false' } };
    const orig = [policy('o', { Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { ...tls, StringEquals: { 'aws:SourceVpc': 'vpc-1' } } })];
    const weaker = [policy('s', { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }, { Effect: 'Deny', Action: 's3:GetObject', Resource: '*', Condition: tls })];
    expect(verifyNeverWider(orig, weaker, cat).ok).toBe(true);
    const stricter = [
      policy('s', { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }, { Effect: 'Deny', Action: 's3:GetObject', Resource: '*', Condition: { ...tls, StringEquals: { 'aws:SourceVpc': 'vpc-1' }, StringLike: { 'aws:PrincipalTag/team': 'x' } } }),
    ];
    expect(verifyNeverWider(orig, stricter, cat).counterexamples.map((c) => c.reason)).toEqual(['deny-not-preserved']);
  });

  it('fails when the suggestion drops a condition of an Allow', () => {
    const orig = [policy('o', { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*', Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } } })];
    const dropped = [policy('s', { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' })];
    expect(verifyNeverWider(orig, dropped, cat).counterexamples.map((c) => c.reason)).toEqual(['not-allowed-by-original']);
    // Keeping it, or adding a clause, is fine.
    expect(verifyNeverWider(orig, orig, cat).ok).toBe(true);
    const stricter = [policy('s', { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*', Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' }, Bool: { 'aws:SecureTransport': 'true' } } })];
    expect(verifyNeverWider(orig, stricter, cat).ok).toBe(true);
  });

  it('a conditional Allow in the suggestion is covered by an unconditional one in the original', () => {
    const orig = [policy('o', { Effect: 'Allow', Action: 'sqs:*', Resource: '*' })];
    const s = [policy('s', { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*', Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } } })];
    expect(verifyNeverWider(orig, s, cat).ok).toBe(true);
  });

  it('expands NotAction in the suggestion against the catalog', () => {
    const orig = [policy('o', { Effect: 'Allow', Action: ['s3:*', 'dynamodb:*', 'sqs:*'], Resource: '*' })];
    const s = [policy('s', { Effect: 'Allow', NotAction: ['iam:*', 'logs:*', 'dynamodb:DeleteTable'], Resource: '*' })];
    const r = verifyNeverWider(orig, s, cat);
    expect(r.ok).toBe(true);
    // But NotAction leaves room for actions AWS adds later: that is noted, not hidden.
    expect(r.notes.some((n) => n.includes('NotAction'))).toBe(true);
    const wider = [policy('s', { Effect: 'Allow', NotAction: ['iam:*'], Resource: '*' })];
    expect(verifyNeverWider(orig, wider, cat).counterexamples.map((c) => c.action)).toEqual(['logs:PutLogEvents']);
  });

  it('handles NotAction in the original', () => {
    const orig = [policy('o', { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })];
    expect(verifyNeverWider(orig, [policy('s', { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' })], cat).ok).toBe(true);
    expect(verifyNeverWider(orig, [policy('s', { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' })], cat).ok).toBe(false);
  });

  it('handles NotResource on both sides', () => {
    const orig = [policy('o', { Effect: 'Allow', Action: 's3:*', NotResource: 'arn:aws:s3:::secret/*' })];
    const inside = [policy('s', { Effect: 'Allow', Action: 's3:GetObject', Resource: `${ORDERS}/*` })];
    expect(verifyNeverWider(orig, inside, cat).ok).toBe(true);
    const touchesSecret = [policy('s', { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::*' })];
    expect(verifyNeverWider(orig, touchesSecret, cat).ok).toBe(false);
    const excludesMore = [policy('s', { Effect: 'Allow', Action: 's3:GetObject', NotResource: ['arn:aws:s3:::secret/*', 'arn:aws:s3:::audit/*'] })];
    expect(verifyNeverWider(orig, excludesMore, cat).ok).toBe(true);
    const excludesLess = [policy('s', { Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/a/*' })];
    expect(verifyNeverWider(orig, excludesLess, cat).ok).toBe(false);
  });

  it('treats policy variables as the same value on both sides, never as any value', () => {
    const home = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::home/${aws:username}/*' };
    const orig = [policy('o', home)];
    expect(verifyNeverWider(orig, [policy('s', { ...home, Resource: 'arn:aws:s3:::home/${aws:username}/docs/*' })], cat).ok).toBe(true);
    expect(verifyNeverWider(orig, [policy('s', { ...home, Resource: 'arn:aws:s3:::home/alice/*' })], cat).ok).toBe(false);
    // A Deny with a variable in the original may apply to a concrete resource: it must be kept.
    const withDeny = [policy('o', { Effect: 'Allow', Action: 's3:*', Resource: '*' }, { ...home, Effect: 'Deny' })];
    expect(verifyNeverWider(withDeny, [policy('s', { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::home/alice/x' })], cat).ok).toBe(false);
  });

  it('reads ${...} literally in a document without Version 2012-10-17, as IAM does', () => {
    const stmt = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::home/${aws:username}/*' };
    const old = [parsePolicyDocument({ Version: '2008-10-17', Statement: [stmt] }, 'old')];
    // The same text means "any user's home" in the suggestion but a literal key in the original: wider.
    expect(verifyNeverWider(old, [policy('s', stmt)], cat).ok).toBe(false);
    expect(verifyNeverWider(old, old, cat).ok).toBe(true);
  });

  it('a resource-policy statement (Principal, no Resource) is covered only by the same principal and no-Resource', () => {
    const rp = (principal: object) =>
      parsePolicyDocument({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sqs:SendMessage' }] }, 'rp');
    const a = [rp({ Service: 'sns.amazonaws.com' })];
    expect(verifyNeverWider(a, a, cat).ok).toBe(true);
    expect(verifyNeverWider(a, [rp({ Service: 'events.amazonaws.com' })], cat).ok).toBe(false);
  });

  it('a suggestion Deny can remove what the original does not allow', () => {
    const orig = [policy('o', { Effect: 'Allow', NotAction: 's3:Delete*', Resource: '*' })];
    const s = [policy('s', { Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:Delete*', Resource: '*' })];
    expect(verifyNeverWider(orig, s, cat).ok).toBe(true);
  });

  it('checks literal actions the catalog does not know', () => {
    const orig = [policy('o', { Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 'newsvc:DoThing', Resource: '*' })];
    const s = [policy('s', { Effect: 'Allow', Action: '*', Resource: '*' })];
    expect(verifyNeverWider(orig, s, cat).counterexamples.map((c) => [c.reason, c.action])).toEqual([['deny-not-preserved', 'newsvc:DoThing']]);
  });

  it('notes suggestion wildcards proven only over the catalog', () => {
    const orig = [policy('o', { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetBucketPolicy'], Resource: '*' })];
    const s = [policy('s', { Effect: 'Allow', Action: 's3:Get*', Resource: '*' })];
    const r = verifyNeverWider(orig, s, cat);
    expect(r.ok).toBe(true);
    expect(r.notes).toEqual([expect.stringContaining('"s3:Get*" in policy s, Statement[0] is proven over the 2 catalog action(s)')]);
  });

  it('limits the number of counterexamples listed and says how many were left out', () => {
    const r = verifyNeverWider([], [policy('s', { Effect: 'Allow', Action: '*', Resource: '*' })], cat, { maxCounterexamples: 3 });
    expect(r.ok).toBe(false);
    expect(r.counterexamples).toHaveLength(3);
    expect(r.notes).toContain('13 more counterexample(s) not listed (limit 3)');
  });
});

describe('verifyCovers', () => {
  const s = [
    policy(
      's',
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `${ORDERS}/*` },
      { Sid: 'VpcOnly', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*', Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-1' } } },
      { Sid: 'NoTmp', Effect: 'Deny', Action: 's3:PutObject', Resource: `${ORDERS}/tmp/*` },
    ),
  ];

  it('passes when every call is allowed', () => {
    const r = verifyCovers(s, [
      { action: 's3:GetObject', resource: `${ORDERS}/a` },
      { action: 'S3:PUTOBJECT', resource: `${ORDERS}/b` },
      { action: 's3:GetObject', resource: `${ORDERS}/a` },
    ]);
    expect(r).toEqual({ ok: true, counterexamples: [], checked: 2, notes: [] });
  });

  it('reports implicit deny, explicit deny and conditional-only calls', () => {
    const r = verifyCovers(s, [
      { action: 'dynamodb:GetItem', resource: TABLE },
      { action: 's3:PutObject', resource: `${ORDERS}/tmp/x` },
      { action: 'sqs:SendMessage', resource: 'arn:aws:sqs:us-east-1:1:q' },
    ]);
    expect(r.ok).toBe(false);
    expect(r.counterexamples.map((c) => [c.reason, c.action, c.statement?.sid])).toEqual([
      ['implicit-deny', 'dynamodb:GetItem', undefined],
      ['explicit-deny', 's3:PutObject', 'NoTmp'],
      ['conditional-only', 'sqs:SendMessage', 'VpcOnly'],
    ]);
  });

  it('accepts a conditional-only call when its context implies the condition, or when told to', () => {
    const call = { action: 'sqs:SendMessage', resource: 'arn:aws:sqs:us-east-1:1:q' };
    expect(verifyCovers(s, [{ ...call, context: { StringEquals: { 'aws:SourceVpc': ['vpc-1'] } } }]).ok).toBe(true);
    const r = verifyCovers(s, [call], { allowConditional: true });
    expect(r.ok).toBe(true);
    expect(r.notes).toEqual(['1 call(s) are allowed only under a condition or policy variable kept from the original']);
  });
});

describe('verifyNeverWider: permission boundaries', () => {
  it('never counts a boundary as a grant of the original', () => {
    const boundary: PolicyDocument = { ...policy('b', { Effect: 'Allow', Action: '*', Resource: '*' }), kind: 'boundary' };
    const orig = [policy('o', { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }), boundary];
    const r = verifyNeverWider(orig, [policy('s', { Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' })], cat);
    expect(r.ok).toBe(false);
    expect(r.notes).toContain('permission boundary b left out of the comparison: the identity policies were compared alone, which also proves the result with the boundary attached');
  });
});
