import { describe, expect, it } from 'vitest';
import {
  compileArnTemplate,
  fillArnTemplate,
  formatArn,
  matchArnTemplate,
  parseArn,
  parseRoleArn,
  principalAccount,
} from '../../src/core/catalog/arn.js';

describe('parseArn', () => {
  it('splits the five fixed fields and keeps colons and slashes in the resource', () => {
    expect(parseArn('arn:aws:lambda:us-east-1:123456789012:function:fn:live')).toEqual({
      partition: 'aws',
      service: 'lambda',
      region: 'us-east-1',
      account: '123456789012',
      resource: 'function:fn:live',
    });
    expect(parseArn('arn:aws:s3:::bucket/a/b:c')).toEqual({
      partition: 'aws',
      service: 's3',
      region: '',
      account: '',
      resource: 'bucket/a/b:c',
    });
  });

  it('accepts the China, GovCloud and isolated partitions', () => {
    expect(parseArn('arn:aws-cn:iam::123456789012:role/r')?.partition).toBe('aws-cn');
    expect(parseArn('arn:aws-us-gov:sqs:us-gov-west-1:123456789012:q')?.partition).toBe('aws-us-gov');
    expect(parseArn('arn:aws-iso-b:s3:::b')?.partition).toBe('aws-iso-b');
  });

  it('rejects what is not an ARN', () => {
    for (const s of ['', 'arn:aws:s3', 'arn:aws:s3::', 'arn:aws:s3:::', 'ARN:aws:s3:::b', 'arn:gcp:s3:::b', 'arn:aws::r:a:x', 'bucket']) {
      if (s === 'arn:aws:s3:::') {
        // Five colons: an empty resource is still structurally an ARN.
        expect(parseArn(s)?.resource).toBe('');
        continue;
      }
      expect(parseArn(s), s).toBeUndefined();
    }
  });

  it('round-trips through formatArn', () => {
    const a = 'arn:aws-us-gov:logs:us-gov-east-1:123456789012:log-group:/aws/lambda/f:*';
    expect(formatArn(parseArn(a)!)).toBe(a);
  });
});

describe('ARN templates', () => {
  it('capture variables; Region and Account may be empty; other single-segment variables may not', () => {
    const t = compileArnTemplate('arn:${Partition}:sqs:${Region}:${Account}:${QueueName}');
    expect(matchArnTemplate(t, 'arn:aws:sqs:eu-west-1:123456789012:orders')).toEqual({
      Partition: 'aws',
      Region: 'eu-west-1',
      Account: '123456789012',
      QueueName: 'orders',
    });
    expect(matchArnTemplate(t, 'arn:aws:sqs:::orders')).toMatchObject({ Region: '', Account: '' });
    expect(matchArnTemplate(t, 'arn:aws:sqs:eu-west-1:1:')).toBeUndefined();
    expect(matchArnTemplate(t, 'arn:aws:sqs:eu-west-1:1:a/b')).toBeUndefined(); // a queue name has no "/"
    expect(matchArnTemplate(t, 'arn:aws:sns:eu-west-1:1:orders')).toBeUndefined(); // literal service differs
  });

  it('let path-like variables span "/" (and ":" when last)', () => {
    const obj = compileArnTemplate('arn:${Partition}:s3:::${BucketName}/${ObjectName}');
    expect(matchArnTemplate(obj, 'arn:aws:s3:::b/dir/x:y.txt')).toEqual({ Partition: 'aws', BucketName: 'b', ObjectName: 'dir/x:y.txt' });
    const bucket = compileArnTemplate('arn:${Partition}:s3:::${BucketName}');
    expect(matchArnTemplate(bucket, 'arn:aws:s3:::b/dir')).toBeUndefined();
    const stream = compileArnTemplate('arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}');
    expect(matchArnTemplate(stream, 'arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f:log-stream:2026/01/01/[$LATEST]x')).toMatchObject({
      LogGroupName: '/aws/lambda/f',
      LogStreamName: '2026/01/01/[$LATEST]x',
    });
  });

  it('count literal characters so callers can rank overlapping templates', () => {
    const fn = compileArnTemplate('arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}');
    const ver = compileArnTemplate('arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}:${Version}');
    expect(ver.literalLength).toBe(fn.literalLength + 1);
    expect(fn.variables).toEqual(['Partition', 'Region', 'Account', 'FunctionName']);
    // Regex characters in templates are literal.
    expect(matchArnTemplate(compileArnTemplate('a.b:${X}'), 'aXb:1')).toBeUndefined();
  });

  it('fill templates from parts, undefined when one is missing', () => {
    const tpl = 'arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}';
    expect(fillArnTemplate(tpl, { Partition: 'aws-cn', Region: 'cn-north-1', Account: '1', TableName: 't' })).toBe(
      'arn:aws-cn:dynamodb:cn-north-1:1:table/t',
    );
    expect(fillArnTemplate(tpl, { partition: 'aws', region: 'r', account: '1', tablename: 't' })).toBe('arn:aws:dynamodb:r:1:table/t');
    expect(fillArnTemplate(tpl, { Partition: 'aws', Region: 'r', Account: '1' })).toBeUndefined();
    // An empty value is a value (global resources have an empty region).
    expect(fillArnTemplate('arn:${Partition}:s3:::${BucketName}', { Partition: 'aws', BucketName: '' })).toBe('arn:aws:s3:::');
  });
});

describe('parseRoleArn and principalAccount', () => {
  it('read a role ARN with or without a path, in any partition; nothing else is a role ARN', () => {
    expect(parseRoleArn('arn:aws:iam::123456789012:role/orders-api-role')).toEqual({ partition: 'aws', account: '123456789012', name: 'orders-api-role' });
    expect(parseRoleArn('arn:aws-cn:iam::123456789012:role/service-role/team/worker')).toEqual({ partition: 'aws-cn', account: '123456789012', name: 'worker' });
    for (const other of ['orders-api-role', 'arn:aws:iam::123456789012:user/ci', 'arn:aws:sts::123456789012:assumed-role/r/s', 'arn:aws:iam::12345:role/r', 'arn:aws:iam::123456789012:role/', 'arn:aws:iam::123456789012:role/path/']) {
      expect(parseRoleArn(other), other).toBeUndefined();
    }
  });

  it('give the account of an IAM principal, and of an STS one only when asked', () => {
    expect(principalAccount('arn:aws:iam::123456789012:root')).toBe('123456789012');
    expect(principalAccount('arn:aws:iam::123456789012:role/x')).toBe('123456789012');
    expect(principalAccount('arn:aws:sts::123456789012:assumed-role/x/s')).toBeUndefined();
    expect(principalAccount('arn:aws:sts::123456789012:assumed-role/x/s', { sts: true })).toBe('123456789012');
    expect(principalAccount('arn:aws:s3:::bucket', { sts: true })).toBeUndefined();
    expect(principalAccount('role-name')).toBeUndefined();
  });
});
