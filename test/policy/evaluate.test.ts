import { describe, expect, it } from 'vitest';
import { evaluate, explainEvaluation } from '../../src/core/policy/evaluate.js';
import { parsePolicyDocument } from '../../src/core/policy/parse.js';
import type { AccessRequest, PolicyDocument } from '../../src/core/policy/types.js';

/** Build a 2012-10-17 document from statements written as IAM JSON. */
const policy = (name: string, ...statements: object[]): PolicyDocument => parsePolicyDocument({ Version: '2012-10-17', Statement: statements }, name);
const req = (action: string, resource: string, context?: AccessRequest['context']): AccessRequest => ({ action, resource, ...(context ? { context } : {}) });

const BUCKET = 'arn:aws:s3:::orders';
const OBJ = 'arn:aws:s3:::orders/receipts/1.json';

describe('evaluate: basic IAM logic', () => {
  const p = policy(
    'p',
    { Sid: 'ReadAll', Effect: 'Allow', Action: 's3:*', Resource: '*' },
    { Sid: 'NoDelete', Effect: 'Deny', Action: 's3:Delete*', Resource: 'arn:aws:s3:::orders/*' },
  );

  it('allows what an Allow matches', () => {
    expect(evaluate([p], req('s3:GetObject', OBJ))).toBe('allowed');
  });

  it('explicit deny wins over allow, and names the statement', () => {
    const e = explainEvaluation([p], req('s3:DeleteObject', OBJ));
    expect(e.decision).toBe('explicit-deny');
    expect(e.deniedBy).toEqual([{ document: 'p', index: 1, sid: 'NoDelete' }]);
    expect(e.allowedBy).toEqual([{ document: 'p', index: 0, sid: 'ReadAll' }]);
  });

  it('a deny in one document overrides an allow in another', () => {
    const deny = policy('d', { Effect: 'Deny', Action: 's3:GetObject', Resource: '*' });
    expect(evaluate([p, deny], req('s3:GetObject', OBJ))).toBe('explicit-deny');
  });

  it('nothing matching is an implicit deny', () => {
    expect(evaluate([p], req('sqs:SendMessage', 'arn:aws:sqs:us-east-1:1:q'))).toBe('implicit-deny');
    expect(evaluate([], req('s3:GetObject', OBJ))).toBe('implicit-deny');
  });

  it('compares actions case-insensitively', () => {
    const q = policy('q', { Effect: 'Allow', Action: 'S3:getobject', Resource: '*' });
    expect(evaluate([q], req('s3:GetObject', OBJ))).toBe('allowed');
  });

  it('compares resources case-sensitively; * and ? span any characters', () => {
    const q = policy('q', { Effect: 'Allow', Action: 's3:GetObject', Resource: ['arn:aws:s3:::orders/*', 'arn:aws:s3:::log?'] });
    expect(evaluate([q], req('s3:GetObject', 'arn:aws:s3:::orders/a/b:c'))).toBe('allowed');
    expect(evaluate([q], req('s3:GetObject', 'arn:aws:s3:::Orders/a'))).toBe('implicit-deny');
    expect(evaluate([q], req('s3:GetObject', 'arn:aws:s3:::logs'))).toBe('allowed');
    expect(evaluate([q], req('s3:GetObject', 'arn:aws:s3:::logs2'))).toBe('implicit-deny');
  });
});

describe('evaluate: NotAction and NotResource', () => {
  it('NotAction allows everything except the listed actions', () => {
    const q = policy('q', { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' });
    expect(evaluate([q], req('s3:GetObject', OBJ))).toBe('allowed');
    expect(evaluate([q], req('iam:PassRole', 'arn:aws:iam::1:role/r'))).toBe('implicit-deny');
    expect(evaluate([q], req('IAM:CreateUser', '*'))).toBe('implicit-deny');
  });

  it('NotResource allows everything except the listed resources', () => {
    const q = policy('q', { Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*' });
    expect(evaluate([q], req('s3:GetObject', OBJ))).toBe('allowed');
    expect(evaluate([q], req('s3:GetObject', 'arn:aws:s3:::secret/k'))).toBe('implicit-deny');
  });

  it('a Deny with NotResource denies everything outside the list', () => {
    const q = policy(
      'q',
      { Effect: 'Allow', Action: 's3:*', Resource: '*' },
      { Effect: 'Deny', Action: 's3:PutObject', NotResource: 'arn:aws:s3:::orders/*' },
    );
    expect(evaluate([q], req('s3:PutObject', OBJ))).toBe('allowed');
    expect(evaluate([q], req('s3:PutObject', 'arn:aws:s3:::other/k'))).toBe('explicit-deny');
  });
});

describe('evaluate: policy variables', () => {
  const home = policy('home', { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::home/${aws:username}/*' });
  const denyHome = policy('deny', { Effect: 'Deny', Action: 's3:GetObject', Resource: 'arn:aws:s3:::home/${aws:username}/*' });
  const all = policy('all', { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' });
  const r = req('s3:GetObject', 'arn:aws:s3:::home/alice/notes.txt');

  it('must-allow: a variable in an Allow does not match a concrete resource (cannot prove the value)', () => {
    expect(evaluate([home], r, { mode: 'must-allow' })).toBe('implicit-deny');
  });
  it('may-allow: a variable in an Allow might match', () => {
    expect(evaluate([home], r, { mode: 'may-allow' })).toBe('allowed');
  });
  it('must-allow: a variable in a Deny is assumed to match', () => {
    expect(evaluate([all, denyHome], r, { mode: 'must-allow' })).toBe('explicit-deny');
  });
  it('may-allow: a variable in a Deny might not match, so it does not count', () => {
    expect(evaluate([all, denyHome], r, { mode: 'may-allow' })).toBe('allowed');
  });
  it('a variable that cannot match whatever its value never applies', () => {
    expect(evaluate([home], req('s3:GetObject', 'arn:aws:s3:::work/alice/x'), { mode: 'may-allow' })).toBe('implicit-deny');
  });
  it('a document without Version 2012-10-17 reads ${...} literally, as IAM does', () => {
    const old = parsePolicyDocument({ Version: '2008-10-17', Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::home/${aws:username}/*' } }, 'old');
    expect(evaluate([old], r, { mode: 'may-allow' })).toBe('implicit-deny');
    expect(evaluate([old], req('s3:GetObject', 'arn:aws:s3:::home/${aws:username}/x'), { mode: 'must-allow' })).toBe('allowed');
  });
});

describe('evaluate: conditions in both modes', () => {
  const vpc = { StringEquals: { 'aws:SourceVpc': ['vpc-1'] } };
  const condAllow = policy('c', { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: vpc });
  const all = policy('all', { Effect: 'Allow', Action: 's3:*', Resource: '*' });
  const condDeny = policy('cd', { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
  const r = req('s3:GetObject', OBJ);

  it('may-allow: a conditional Allow counts as possibly allowing', () => {
    expect(evaluate([condAllow], r, { mode: 'may-allow' })).toBe('allowed');
  });
  it('must-allow: a conditional Allow does not count without the same condition', () => {
    expect(evaluate([condAllow], r, { mode: 'must-allow' })).toBe('implicit-deny');
    expect(evaluate([condAllow], req('s3:GetObject', OBJ, { StringEquals: { 'aws:SourceVpc': ['vpc-2'] } }), { mode: 'must-allow' })).toBe('implicit-deny');
  });
  it('must-allow: a conditional Allow counts under the same (or a stricter) condition', () => {
    expect(evaluate([condAllow], req('s3:GetObject', OBJ, vpc), { mode: 'must-allow' })).toBe('allowed');
    const stricter = { StringEquals: { 'aws:SourceVpc': ['vpc-1'], 'aws:PrincipalTag/team': ['a'] } };
    expect(evaluate([condAllow], req('s3:GetObject', OBJ, stricter), { mode: 'must-allow' })).toBe('allowed');
  });
  it('must-allow: a conditional Deny is assumed to apply', () => {
    expect(evaluate([all, condDeny], r, { mode: 'must-allow' })).toBe('explicit-deny');
  });
  it('may-allow: a conditional Deny does not count unless its condition is known to hold', () => {
    expect(evaluate([all, condDeny], r, { mode: 'may-allow' })).toBe('allowed');
    expect(evaluate([all, condDeny], req('s3:GetObject', OBJ, { Bool: { 'aws:SecureTransport': ['false'] } }), { mode: 'may-allow' })).toBe('explicit-deny');
  });
  it('defaults to must-allow', () => {
    expect(evaluate([condAllow], r)).toBe('implicit-deny');
  });
  it('treats a Principal block like a condition it cannot check', () => {
    const rp = parsePolicyDocument({ Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' } }, 'rp');
    expect(evaluate([rp], r, { mode: 'must-allow' })).toBe('implicit-deny');
    expect(evaluate([rp], r, { mode: 'may-allow' })).toBe('allowed');
  });
  it('a bucket ARN is not an object ARN', () => {
    expect(evaluate([policy('b', { Effect: 'Allow', Action: 's3:ListBucket', Resource: BUCKET })], req('s3:ListBucket', `${BUCKET}/x`))).toBe('implicit-deny');
  });
});

describe('evaluate: permission boundaries', () => {
  const identity = policy('identity', { Effect: 'Allow', Action: ['s3:*', 'sqs:*'], Resource: '*' });
  const boundary: PolicyDocument = { ...policy('boundary', { Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' }), kind: 'boundary' };

  it('allows only what both the identity policies and the boundary allow', () => {
    expect(evaluate([identity, boundary], req('s3:GetObject', OBJ))).toBe('allowed');
    expect(evaluate([identity, boundary], req('sqs:SendMessage', 'arn:aws:sqs:us-east-1:1:q'))).toBe('implicit-deny');
    // A boundary grants nothing by itself.
    expect(evaluate([boundary], req('s3:GetObject', OBJ))).toBe('implicit-deny');
  });

  it('a Deny in the boundary wins', () => {
    expect(evaluate([identity, boundary], req('s3:DeleteBucket', BUCKET))).toBe('explicit-deny');
  });
});
