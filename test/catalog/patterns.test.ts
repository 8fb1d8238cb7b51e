import { describe, expect, it } from 'vitest';
import {
  actionMatches,
  actionPatternCovers,
  compileActionPattern,
  compileResourcePattern,
  hasWildcard,
  patternCovers,
  resourceMatches,
  resourcePatternCovers,
  tokenizePattern,
} from '../../src/core/catalog/patterns.js';

describe('action patterns', () => {
  it('match case-insensitively, prefix included', () => {
    expect(actionMatches('s3:GetObject', 'S3:getobject')).toBe(true);
    expect(actionMatches('S3:Get*', 's3:GetObjectTagging')).toBe(true);
    expect(actionMatches('s3:get?bject', 's3:GetObject')).toBe(true);
    expect(actionMatches('s3:Get*', 's3:PutObject')).toBe(false);
    expect(actionMatches('s3:GetObject', 's3:GetObjectAcl')).toBe(false); // anchored at the end
    expect(actionMatches('3:GetObject', 's3:GetObject')).toBe(false); // anchored at the start
    expect(actionMatches('*', 'anything:At')).toBe(true);
    expect(actionMatches('s3:?', 's3:')).toBe(false); // ? is exactly one character
  });

  it('treat regular-expression characters literally', () => {
    expect(actionMatches('s3:Get.bject', 's3:GetObject')).toBe(false);
    expect(actionMatches('s3:(Get)', 's3:(Get)')).toBe(true);
    expect(actionMatches('a+b:c', 'aab:c')).toBe(false);
  });

  it('compile once and test many subjects, with a lowered fast path', () => {
    const m = compileActionPattern('DynamoDB:*Item');
    expect(m.test('dynamodb:GetItem')).toBe(true);
    expect(m.testLowered('dynamodb:putitem')).toBe(true);
    expect(m.test('dynamodb:Query')).toBe(false);
    expect(m.hasVariables).toBe(false);
    // `$` has no special meaning in actions.
    expect(compileActionPattern('a:${x}').test('a:${X}')).toBe(true);
  });
});

describe('resource patterns', () => {
  it('match case-sensitively, with * and ? spanning : and /', () => {
    expect(resourceMatches('arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a/b:c')).toBe(true);
    expect(resourceMatches('arn:aws:s3:::bucket/*', 'arn:aws:s3:::Bucket/a')).toBe(false);
    expect(resourceMatches('arn:aws:s3:::bucket*', 'arn:aws:s3:::bucket')).toBe(true);
    expect(resourceMatches('arn:*:lambda:*', 'arn:aws-cn:lambda:cn-north-1:1:function:f')).toBe(true);
    expect(resourceMatches('arn:aws:sqs:us-east-1:1:q?', 'arn:aws:sqs:us-east-1:1:q/')).toBe(true);
    expect(resourceMatches('*', '')).toBe(true);
  });

  it('read the ${*}, ${?} and ${$} escapes as literal characters', () => {
    expect(resourceMatches('arn:aws:s3:::b/${*}', 'arn:aws:s3:::b/*')).toBe(true);
    expect(resourceMatches('arn:aws:s3:::b/${*}', 'arn:aws:s3:::b/x')).toBe(false);
    expect(resourceMatches('arn:aws:s3:::b/${?}${$}', 'arn:aws:s3:::b/?$')).toBe(true);
  });

  it('never match through an unresolved policy variable, and say it has one', () => {
    const m = compileResourcePattern('arn:aws:s3:::b/${aws:username}/*');
    expect(m.hasVariables).toBe(true);
    expect(m.test('arn:aws:s3:::b/${aws:username}/x')).toBe(false);
    expect(m.test('arn:aws:s3:::b/alice/x')).toBe(false);
  });

  it('keep an unterminated ${ literal', () => {
    expect(tokenizePattern('a${b', { policyVariables: true }).map((t) => t.kind)).toEqual(['lit', 'lit', 'lit', 'lit']);
    expect(resourceMatches('a${b', 'a${b')).toBe(true);
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
    expect(patternCovers(g, s)).toBe(want);
  });

  it('is case-insensitive for actions and case-sensitive for resources', () => {
    expect(actionPatternCovers('S3:get*', 's3:GetObject')).toBe(true);
    expect(resourcePatternCovers('arn:aws:s3:::B/*', 'arn:aws:s3:::b/x')).toBe(false);
    expect(resourcePatternCovers('arn:aws:s3:::b/*', 'arn:aws:s3:::b/x/*')).toBe(true);
  });

  it('treats a policy variable as an unknown string: only * or the same variable covers it', () => {
    const v = 'arn:aws:s3:::b/${aws:username}';
    expect(resourcePatternCovers('arn:aws:s3:::b/*', v)).toBe(true);
    expect(resourcePatternCovers(v, v)).toBe(true);
    expect(resourcePatternCovers('arn:aws:s3:::b/$*', v)).toBe(false);
    expect(resourcePatternCovers('arn:aws:s3:::b/?*', v)).toBe(false); // the value might be empty
    expect(resourcePatternCovers(v, 'arn:aws:s3:::b/alice')).toBe(false);
    expect(resourcePatternCovers('arn:aws:s3:::b/${aws:userid}', v)).toBe(false);
    // Escapes are literals on both sides.
    expect(resourcePatternCovers('arn:aws:s3:::b/${*}', 'arn:aws:s3:::b/*')).toBe(false);
    expect(resourcePatternCovers('arn:aws:s3:::b/${*}', 'arn:aws:s3:::b/${*}')).toBe(true);
    expect(resourcePatternCovers('arn:aws:s3:::b/*', 'arn:aws:s3:::b/${*}')).toBe(true);
  });
});
