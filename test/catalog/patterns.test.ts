import { describe, expect, it } from 'vitest';
import {
  ACTION_PATTERN,
  LEGACY_RESOURCE_PATTERN,
  RESOURCE_PATTERN,
  compilePattern,
  hasWildcard,
  patternCovers,
  tokenize,
} from '../../src/core/wildcard.js';

describe('action patterns', () => {
  it('match case-insensitively, prefix included', () => {
    expect(compilePattern('s3:GetObject', ACTION_PATTERN).test('S3:getobject')).toBe(true);
    expect(compilePattern('S3:Get*', ACTION_PATTERN).test('s3:GetObjectTagging')).toBe(true);
    expect(compilePattern('s3:get?bject', ACTION_PATTERN).test('s3:GetObject')).toBe(true);
    expect(compilePattern('s3:Get*', ACTION_PATTERN).test('s3:PutObject')).toBe(false);
    expect(compilePattern('s3:GetObject', ACTION_PATTERN).test('s3:GetObjectAcl')).toBe(false); // anchored at the end
    expect(compilePattern('3:GetObject', ACTION_PATTERN).test('s3:GetObject')).toBe(false); // anchored at the start
    expect(compilePattern('*', ACTION_PATTERN).test('anything:At')).toBe(true);
    expect(compilePattern('s3:?', ACTION_PATTERN).test('s3:')).toBe(false); // ? is exactly one character
  });

  it('treat regular-expression characters literally', () => {
    expect(compilePattern('s3:Get.bject', ACTION_PATTERN).test('s3:GetObject')).toBe(false);
    expect(compilePattern('s3:(Get)', ACTION_PATTERN).test('s3:(Get)')).toBe(true);
    expect(compilePattern('a+b:c', ACTION_PATTERN).test('aab:c')).toBe(false);
  });

  it('compile once and test many subjects, with a lowered fast path', () => {
    const m = compilePattern('DynamoDB:*Item', ACTION_PATTERN);
    expect(m.test('dynamodb:GetItem')).toBe(true);
    expect(m.testLowered('dynamodb:putitem')).toBe(true);
    expect(m.test('dynamodb:Query')).toBe(false);
    expect(m.hasVariables).toBe(false);
    // `$` has no special meaning in actions.
    expect(compilePattern('a:${x}', ACTION_PATTERN).test('a:${X}')).toBe(true);
  });
});

describe('resource patterns', () => {
  it('match case-sensitively, with * and ? spanning : and /', () => {
    expect(compilePattern('arn:aws:s3:::bucket/*', RESOURCE_PATTERN).test('arn:aws:s3:::bucket/a/b:c')).toBe(true);
    expect(compilePattern('arn:aws:s3:::bucket/*', RESOURCE_PATTERN).test('arn:aws:s3:::Bucket/a')).toBe(false);
    expect(compilePattern('arn:aws:s3:::bucket*', RESOURCE_PATTERN).test('arn:aws:s3:::bucket')).toBe(true);
    expect(compilePattern('arn:*:lambda:*', RESOURCE_PATTERN).test('arn:aws-cn:lambda:cn-north-1:1:function:f')).toBe(true);
    expect(compilePattern('arn:aws:sqs:us-east-1:1:q?', RESOURCE_PATTERN).test('arn:aws:sqs:us-east-1:1:q/')).toBe(true);
    expect(compilePattern('*', RESOURCE_PATTERN).test('')).toBe(true);
  });

  it('read the ${*}, ${?} and ${$} escapes as literal characters', () => {
    expect(compilePattern('arn:aws:s3:::b/${*}', RESOURCE_PATTERN).test('arn:aws:s3:::b/*')).toBe(true);
    expect(compilePattern('arn:aws:s3:::b/${*}', RESOURCE_PATTERN).test('arn:aws:s3:::b/x')).toBe(false);
    expect(compilePattern('arn:aws:s3:::b/${?}${$}', RESOURCE_PATTERN).test('arn:aws:s3:::b/?$')).toBe(true);
  });

  it('never match through an unresolved policy variable, and say it has one', () => {
    const m = compilePattern('arn:aws:s3:::b/${aws:username}/*', RESOURCE_PATTERN);
    expect(m.hasVariables).toBe(true);
    expect(m.test('arn:aws:s3:::b/${aws:username}/x')).toBe(false);
    expect(m.test('arn:aws:s3:::b/alice/x')).toBe(false);
  });

  it('keep an unterminated ${ literal', () => {
    expect(tokenize('a${b', RESOURCE_PATTERN).map((t) => t.kind)).toEqual(['lit', 'lit', 'lit', 'lit']);
    expect(compilePattern('a${b', RESOURCE_PATTERN).test('a${b')).toBe(true);
  });

  it('hasWildcard sees * and ?', () => {
    expect(hasWildcard('s3:Get*')).toBe(true);
    expect(hasWildcard('s3:?')).toBe(true);
    expect(hasWildcard('s3:GetObject')).toBe(false);
  });
});

describe('patternCovers', () => {
  it.each([
    // [general, specific, covers?]
    ['*', 'anything', true],
    ['*', '*', true],
    ['s3:*', 's3:Get*', true],
    ['s3:Get*', 's3:*', false],
    ['s3:Get*', 's3:GetObject', true],
    ['s3:GetObject', 's3:Get*', false],
    ['a?c', 'abc', true],
    ['a?c', 'a?c', true],
    ['a?c', 'a*c', false],
    ['abc', 'a?c', false],
    ['a*', 'a?', true],
    ['a?', 'a*', false],
    ['?*', '*?', true], // same language, different spelling
    ['*?', '?*', true],
    ['*a*', 'xay', true],
    ['*a*', '*', false],
    ['a*b*c', 'a*bxb*c', true],
    ['a*b*c', 'a*c', false],
    ['', '', true],
    ['', '*', false],
    ['*', '', true],
  ])('covers(%j, %j) = %j', (g, s, want) => {
    expect(patternCovers(g, s, LEGACY_RESOURCE_PATTERN)).toBe(want);
  });

  it('is case-insensitive for actions and case-sensitive for resources', () => {
    expect(patternCovers('S3:get*', 's3:GetObject', ACTION_PATTERN)).toBe(true);
    expect(patternCovers('arn:aws:s3:::B/*', 'arn:aws:s3:::b/x', RESOURCE_PATTERN)).toBe(false);
    expect(patternCovers('arn:aws:s3:::b/*', 'arn:aws:s3:::b/x/*', RESOURCE_PATTERN)).toBe(true);
  });

  it('treats a policy variable as an unknown string: only * or the same variable covers it', () => {
    const v = 'arn:aws:s3:::b/${aws:username}';
    expect(patternCovers('arn:aws:s3:::b/*', v, RESOURCE_PATTERN)).toBe(true);
    expect(patternCovers(v, v, RESOURCE_PATTERN)).toBe(true);
    expect(patternCovers('arn:aws:s3:::b/$*', v, RESOURCE_PATTERN)).toBe(false);
    expect(patternCovers('arn:aws:s3:::b/?*', v, RESOURCE_PATTERN)).toBe(false); // the value might be empty
    expect(patternCovers(v, 'arn:aws:s3:::b/alice', RESOURCE_PATTERN)).toBe(false);
    expect(patternCovers('arn:aws:s3:::b/${aws:userid}', v, RESOURCE_PATTERN)).toBe(false);
    // Escapes are literals on both sides.
    expect(patternCovers('arn:aws:s3:::b/${*}', 'arn:aws:s3:::b/*', RESOURCE_PATTERN)).toBe(false);
    expect(patternCovers('arn:aws:s3:::b/${*}', 'arn:aws:s3:::b/${*}', RESOURCE_PATTERN)).toBe(true);
    expect(patternCovers('arn:aws:s3:::b/*', 'arn:aws:s3:::b/${*}', RESOURCE_PATTERN)).toBe(true);
  });
});
