/** Writing trimmed literals back as the site's references, and the per-statement trim's comparison rules. */

import { describe, expect, it } from 'vitest';
import { orderLike, sameGrant } from '../../src/core/iac/plan-statements.js';
import { writeBack } from '../../src/core/iac/plan-writeback.js';
import { referenceToken, type IacReference } from '../../src/core/iac/types.js';
import type { Statement } from '../../src/core/policy/types.js';

const table: IacReference[] = [
  { written: 'aws_s3_bucket.orders.arn', key: 'aws_s3_bucket.orders.arn' },
  { written: '!Ref Bucket', key: 'Ref:Bucket' },
  { written: 'var.region', key: 'var.region' },
  { written: 'aws_dynamodb_table.orders.arn', key: 'aws_dynamodb_table.orders.arn' },
];
const [ARN, BUCKET, REGION, TABLE] = [0, 1, 2, 3].map(referenceToken);
const values = new Map([
  ['aws_s3_bucket.orders.arn', 'arn:aws:s3:::orders'],
  ['Ref:Bucket', 'uploads'],
  ['var.region', 'us-east-1'],
  ['aws_dynamodb_table.orders.arn', 'arn:aws:dynamodb:us-east-1:1:table/orders'],
]);
const site = { table, values, inlineResolved: false };
const allow = (resource: string[], extra: Partial<Statement> = {}): Statement => ({ effect: 'Allow', action: ['s3:GetObject'], resource, ...extra });

describe('writeBack', () => {
  it('writes a literal equal to an original resolved string as that string', () => {
    const original = allow([`${ARN}/*`, `arn:aws:s3:::${BUCKET}/*`]);
    expect(writeBack(allow(['arn:aws:s3:::uploads/*']), original, site)).toEqual({ statement: allow([`arn:aws:s3:::${BUCKET}/*`]), literals: [] });
  });

  it('keeps the references of an original resource up to its last one, and the narrowed rest', () => {
    const original = allow([`arn:aws:s3:::${BUCKET}/*`, `${ARN}/*`]);
    const back = writeBack(allow(['arn:aws:s3:::uploads/receipts/*', 'arn:aws:s3:::orders/2026/*']), original, site);
    expect(back.statement.resource).toEqual([`arn:aws:s3:::${BUCKET}/receipts/*`, `${ARN}/2026/*`]);
  });

  it('uses any reference of the site whose value is a whole ARN, but only up to a path, part or wildcard', () => {
    const back = writeBack(allow(['arn:aws:dynamodb:us-east-1:1:table/orders/index/by-date', 'arn:aws:dynamodb:us-east-1:1:table/orders-archive']), allow(['*']), site);
    expect(back.statement.resource).toEqual([`${TABLE}/index/by-date`, 'arn:aws:dynamodb:us-east-1:1:table/orders-archive']);
  });

  it('reports a literal that replaces a resource written with references', () => {
    const original = allow([`arn:aws:dynamodb:${REGION}:1:table/*`]);
    const back = writeBack(allow(['arn:aws:dynamodb:eu-west-1:1:table/other']), original, site);
    expect(back).toEqual({ statement: allow(['arn:aws:dynamodb:eu-west-1:1:table/other']), literals: ['arn:aws:dynamodb:eu-west-1:1:table/other'] });
  });

  it('maps condition values and actions back too, and leaves tokens it is given alone', () => {
    const original = allow([`${ARN}/*`], { action: [`s3:${BUCKET}`], condition: { StringEquals: { 'aws:RequestedRegion': [REGION, 'eu-west-1'] } } });
    const trimmed = allow([`${ARN}/*`], { action: ['s3:uploads'], condition: { StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } } });
    expect(writeBack(trimmed, original, site).statement).toEqual(original);
  });

  it('writes literals with --inline-resolved', () => {
    const trimmed = allow(['arn:aws:s3:::orders/2026/*']);
    expect(writeBack(trimmed, allow([`${ARN}/*`]), { ...site, inlineResolved: true })).toEqual({ statement: trimmed, literals: [] });
  });
});

describe('sameGrant and orderLike', () => {
  it('counts a split or merged statement that removes nothing as the same grant, Sid and case aside', () => {
    const original: Statement = { sid: 'A', effect: 'Allow', action: ['s3:GetObject', 'SQS:SendMessage'], resource: ['*'] };
    const split: Statement[] = [
      { sid: 'X', effect: 'Allow', action: ['s3:GetObject'], resource: ['*'] },
      { effect: 'Allow', action: ['sqs:SendMessage'], resource: ['*'] },
    ];
    expect(sameGrant(split, [original])).toBe(true);
    expect(sameGrant(split.slice(0, 1), [original])).toBe(false);
    expect(sameGrant([{ ...original, condition: { Bool: { 'aws:SecureTransport': ['true'] } } }], [original])).toBe(false);
  });

  it('compares NotResource statements as whole statements', () => {
    const s: Statement = { effect: 'Allow', action: ['s3:*'], notResource: ['arn:aws:s3:::b/*', 'arn:aws:s3:::a/*'] };
    expect(sameGrant([{ ...s, notResource: ['arn:aws:s3:::a/*', 'arn:aws:s3:::b/*'] }], [s])).toBe(true);
    expect(sameGrant([{ ...s, notResource: ['arn:aws:s3:::a/*'] }], [s])).toBe(false);
  });

  it('orders kept items as the original had them, new ones after', () => {
    expect(orderLike(['a', 'new', 'c'], ['c', 'b', 'a'], (v) => v)).toEqual(['c', 'a', 'new']);
  });
});
