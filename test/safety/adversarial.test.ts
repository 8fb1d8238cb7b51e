/**
 * Red-team scenarios for `policy-trim suggest`, run end to end through the CLI and judged with the evaluator
 * over concrete probes (see harness.ts): never wider, covers what ran, keeps what CloudTrail cannot see, Deny
 * honoured, deterministic.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ACCOUNT, cleanup, expectContract, expectGone, expectKept, policy, rec, selectors, suggestOn, workspace } from '../support/safety-harness.js';

afterAll(cleanup);

/** NotAction and `*` grants expand to ~20k catalog actions: suggest runs three times per scenario. */
const SLOW = 180_000;

const Q = (name: string, region = 'us-east-1', account = ACCOUNT) => `arn:aws:sqs:${region}:${account}:${name}`;
const sqsSend = (queue: string, time?: string) =>
  rec({ source: 'sqs.amazonaws.com', name: 'SendMessage', category: 'Data', params: { queueUrl: `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/${queue}` }, time });
const getObject = (bucket: string, key: string, extra: Partial<Parameters<typeof rec>[0]> = {}) =>
  rec({ source: 's3.amazonaws.com', name: 'GetObject', category: 'Data', readOnly: true, params: { bucketName: bucket, key }, ...extra });

describe('NotAction / NotResource originals', () => {
  it('narrows an Allow NotAction+NotResource without reaching into the excluded actions or resources', async () => {
    // Given an Allow of everything except iam:* and sts:*, on everything except the secrets bucket,
    // and a trail where the role read one object from another bucket and sent to one queue
    const ws = workspace(
      { 'p.json': policy({ Effect: 'Allow', NotAction: ['iam:*', 'sts:*'], NotResource: ['arn:aws:s3:::secrets', 'arn:aws:s3:::secrets/*'] }) },
      { 't.json': [getObject('data', 'in/a.csv'), sqsSend('jobs')] },
      selectors(['AWS::S3::Object', 'AWS::SQS::Queue']),
    );
    // When suggest runs
    const run = await suggestOn(ws);
    // Then it is never wider (no iam/sts, nothing in the secrets bucket), covers both calls, and is deterministic
    await expectContract(ws, run, {
      calls: [
        { action: 's3:GetObject', resource: 'arn:aws:s3:::data/in/a.csv' },
        { action: 'sqs:SendMessage', resource: Q('jobs') },
      ],
      resources: ['arn:aws:s3:::secrets/x', 'arn:aws:s3:::secrets', 'arn:aws:iam::111122223333:role/admin'],
      services: ['s3', 'sqs', 'iam', 'sts'],
    });
    expectGone(run, [
      { action: 's3:GetObject', resource: 'arn:aws:s3:::secrets/x' },
      { action: 'iam:PassRole', resource: 'arn:aws:iam::111122223333:role/admin' },
      { action: 'sqs:DeleteQueue', resource: Q('jobs') },
    ]);
  }, SLOW);
});

describe('Deny statements', () => {
  it('keeps a Deny with NotResource and a conditional Deny in force', async () => {
    // Given s3:* on * with a Deny of s3:Delete* outside one bucket, and a Deny of everything without TLS
    const ws = workspace(
      {
        'p.json': policy(
          { Effect: 'Allow', Action: 's3:*', Resource: '*' },
          { Effect: 'Deny', Action: 's3:Delete*', NotResource: 'arn:aws:s3:::scratch/*' },
          { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': ['false'] } } },
        ),
      },
      {
        't.json': [
          getObject('data', 'a/b.txt'),
          rec({ source: 's3.amazonaws.com', name: 'DeleteObject', category: 'Data', params: { bucketName: 'scratch', key: 'tmp/1' } }),
        ],
      },
      selectors(['AWS::S3::Object']),
    );
    // When suggest runs
    const run = await suggestOn(ws);
    // Then the deletes outside scratch stay denied, insecure transport stays denied, and the used calls are kept
    await expectContract(ws, run, {
      calls: [
        { action: 's3:GetObject', resource: 'arn:aws:s3:::data/a/b.txt' },
        { action: 's3:DeleteObject', resource: 'arn:aws:s3:::scratch/tmp/1' },
      ],
      resources: ['arn:aws:s3:::data/other', 'arn:aws:s3:::scratch/tmp/2'],
    });
    const insecure = { Bool: { 'aws:SecureTransport': ['false'] } };
    const { evaluate } = await import('../../src/core/policy/index.js');
    expect(evaluate(run.suggestion, { action: 's3:GetObject', resource: 'arn:aws:s3:::data/a/b.txt', context: insecure })).toBe('explicit-deny');
    expect(evaluate(run.suggestion, { action: 's3:DeleteObject', resource: 'arn:aws:s3:::data/a/b.txt' }, { mode: 'may-allow' })).not.toBe('allowed');
  });
});

describe('wildcards in actions', () => {
  it('never widens Action "*", s3:Get*Object*, ? wildcards and mixed-case names', async () => {
    // Given overlapping grants written with every kind of action wildcard and odd casing
    const ws = workspace(
      {
        'a.json': policy({ Effect: 'Allow', Action: 'S3:get*OBJECT*', Resource: 'arn:aws:s3:::data/*' }),
        'b.json': policy({ Effect: 'Allow', Action: ['sqs:?endMessage', 'SQS:receivemessage'], Resource: Q('jobs') }),
        'c.json': policy({ Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::logs-*/app/*' }),
      },
      {
        't.json': [
          getObject('data', 'x/1.json'),
          rec({ source: 's3.amazonaws.com', name: 'GetObjectTagging', category: 'Data', readOnly: true, params: { bucketName: 'data', key: 'x/1.json' } }),
          sqsSend('jobs'),
          rec({ source: 's3.amazonaws.com', name: 'PutObject', category: 'Data', params: { bucketName: 'logs-prod', key: 'app/2026/11/10/l.gz' } }),
        ],
      },
      selectors(['AWS::S3::Object', 'AWS::SQS::Queue']),
    );
    // When suggest runs
    const run = await suggestOn(ws);
    // Then every used call is covered, nothing outside the originals is allowed
    await expectContract(ws, run, {
      calls: [
        { action: 's3:GetObject', resource: 'arn:aws:s3:::data/x/1.json' },
        { action: 's3:GetObjectTagging', resource: 'arn:aws:s3:::data/x/1.json' },
        { action: 'sqs:SendMessage', resource: Q('jobs') },
        { action: 's3:PutObject', resource: 'arn:aws:s3:::logs-prod/app/2026/11/10/l.gz' },
      ],
      resources: ['arn:aws:s3:::logs-dev/app/x', 'arn:aws:s3:::logs-prod/other/x', 'arn:aws:s3:::data/y'],
      services: ['s3', 'sqs'],
    });
  }, SLOW);
});

describe('overlapping Allows with different resources and conditions', () => {
  it('keeps each condition on its own resources and never merges them', async () => {
    // Given the same action granted unconditionally on one bucket and, under a condition, on every bucket
    const cond = { StringEquals: { 'aws:RequestedRegion': ['eu-west-1'] } };
    const ws = workspace(
      {
        'p.json': policy(
          { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::public/*' },
          { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::*', Condition: cond },
          { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::*/uploads/*', Condition: { StringLike: { 's3:x-amz-acl': ['private'] } } },
        ),
      },
      {
        't.json': [
          getObject('public', 'a.txt'),
          getObject('private', 'b.txt'),
          rec({ source: 's3.amazonaws.com', name: 'PutObject', category: 'Data', params: { bucketName: 'in', key: 'uploads/u1' } }),
        ],
      },
      selectors(['AWS::S3::Object']),
    );
    // When suggest runs
    const run = await suggestOn(ws);
    // Then public/a.txt is certainly allowed, private/b.txt only under the region condition, uploads under the ACL
    await expectContract(ws, run, {
      calls: [
        { action: 's3:GetObject', resource: 'arn:aws:s3:::public/a.txt' },
        { action: 's3:GetObject', resource: 'arn:aws:s3:::private/b.txt' },
        { action: 's3:PutObject', resource: 'arn:aws:s3:::in/uploads/u1' },
      ],
      resources: ['arn:aws:s3:::public/other', 'arn:aws:s3:::private/other', 'arn:aws:s3:::in/other'],
    });
  });
});
