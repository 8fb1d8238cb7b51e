import { describe, expect, it } from 'vitest';
import {
  ACTION_PATTERN,
  RESOURCE_PATTERN,
  compilePattern,
  compilePatternUnion,
  hasPolicyVariable,
  matchPattern,
  patternCovers,
  patternsIntersect,
} from '../../src/core/wildcard.js';


describe('matchPattern', () => {
  it('matches actions case-insensitively with * and ?', () => {
    expect(compilePattern('s3:Get*', ACTION_PATTERN).test('s3:GetObject')).toBe(true);
    expect(compilePattern('S3:GETOBJECT', ACTION_PATTERN).test('s3:getobject')).toBe(true);
    expect(compilePattern('s3:?etObject', ACTION_PATTERN).test('s3:GetObject')).toBe(true);
    expect(compilePattern('s3:?etObject', ACTION_PATTERN).test('s3:PutObject')).toBe(false);
    expect(compilePattern('s3:Get*', ACTION_PATTERN).test('s3:PutObject')).toBe(false);
    expect(compilePattern('*', ACTION_PATTERN).test('iam:PassRole')).toBe(true);
  });

  it('matches resources case-sensitively, with * spanning : and /', () => {
    expect(matchPattern('arn:aws:s3:::b/*', 'arn:aws:s3:::b/a/b/c', RESOURCE_PATTERN)).toBe('yes');
    expect(matchPattern('arn:aws:s3:::B/*', 'arn:aws:s3:::b/x', RESOURCE_PATTERN)).toBe('no');
    expect(matchPattern('arn:aws:*:us-east-1:*', 'arn:aws:sqs:us-east-1:1:q', RESOURCE_PATTERN)).toBe('yes');
    expect(matchPattern('arn:aws:s3:::b/??', 'arn:aws:s3:::b/abc', RESOURCE_PATTERN)).toBe('no');
  });

  it('answers maybe for a policy variable that could match, no when it cannot', () => {
    expect(matchPattern('arn:aws:s3:::home/${aws:username}/*', 'arn:aws:s3:::home/alice/x', RESOURCE_PATTERN)).toBe('maybe');
    expect(matchPattern('arn:aws:s3:::home/${aws:username}/*', 'arn:aws:s3:::other/alice/x', RESOURCE_PATTERN)).toBe('no');
  });

  it('reads ${*} ${?} ${$} as literal characters', () => {
    expect(matchPattern('arn:aws:s3:::b/${*}', 'arn:aws:s3:::b/*', RESOURCE_PATTERN)).toBe('yes');
    expect(matchPattern('arn:aws:s3:::b/${*}', 'arn:aws:s3:::b/x', RESOURCE_PATTERN)).toBe('no');
    expect(matchPattern('arn:aws:s3:::b/${$}x', 'arn:aws:s3:::b/$x', RESOURCE_PATTERN)).toBe('yes');
    expect(hasPolicyVariable('arn:aws:s3:::b/${*}')).toBe(false);
    expect(hasPolicyVariable('arn:aws:s3:::b/${aws:userid}')).toBe(true);
  });
});

describe('patternCovers (containment)', () => {
  it.each([
    ['*', 'arn:aws:s3:::b/*', true],
    ['arn:aws:s3:::b/*', 'arn:aws:s3:::b/k/*', true],
    ['arn:aws:s3:::b/k/*', 'arn:aws:s3:::b/*', false],
    ['arn:aws:s3:::b/*', 'arn:aws:s3:::b/?', true],
    ['arn:aws:s3:::b/?', 'arn:aws:s3:::b/*', false],
    ['arn:aws:s3:::b/?x', 'arn:aws:s3:::b/ax', true],
    ['arn:aws:s3:::b/*?', 'arn:aws:s3:::b/?*', true],
    ['arn:aws:s3:::b/*', 'arn:aws:s3:::b', false],
    ['arn:aws:s3:::b*', 'arn:aws:s3:::b', true],
  ])('%s covers %s: %s', (g, s, want) => {
    expect(patternCovers(g, s, RESOURCE_PATTERN)).toBe(want);
  });

  it('compares actions case-insensitively', () => {
    expect(patternCovers('S3:get*', 's3:GetObject*', ACTION_PATTERN)).toBe(true);
    expect(patternCovers('s3:Get*', 's3:*', ACTION_PATTERN)).toBe(false);
  });

  it('lets a variable cover only the same variable, and * cover a variable', () => {
    expect(patternCovers('arn:aws:s3:::h/${aws:username}/*', 'arn:aws:s3:::h/${aws:username}/x', RESOURCE_PATTERN)).toBe(true);
    expect(patternCovers('arn:aws:s3:::h/${aws:username}/*', 'arn:aws:s3:::h/alice/x', RESOURCE_PATTERN)).toBe(false);
    expect(patternCovers('arn:aws:s3:::h/${aws:username}/*', 'arn:aws:s3:::h/${aws:userid}/x', RESOURCE_PATTERN)).toBe(false);
    expect(patternCovers('arn:aws:s3:::h/*', 'arn:aws:s3:::h/${aws:username}/x', RESOURCE_PATTERN)).toBe(true);
  });
});

describe('patternsIntersect (overlap)', () => {
  it.each([
    ['arn:a/*', 'arn:a/x', true],
    ['arn:a/x*', 'arn:a/*y', true],
    ['arn:a/x', 'arn:a/y', false],
    ['arn:a/?', 'arn:a/xy', false],
    ['arn:a/*z', 'arn:b/*', false],
    ['*', 'anything', true],
    ['arn:a/${aws:username}', 'arn:a/bob', true],
    ['arn:a/${aws:username}', 'arn:b/bob', false],
  ])('%s and %s: %s', (a, b, want) => {
    expect(patternsIntersect(a, b, RESOURCE_PATTERN)).toBe(want);
    expect(patternsIntersect(b, a, RESOURCE_PATTERN)).toBe(want);
  });
});

describe('compilePatternUnion (actions)', () => {
  it('agrees with matching one by one, including regex metacharacters in names', () => {
    const m = compilePatternUnion(['s3:Get*', 'SQS:?endMessage', 'a.b:c'], ACTION_PATTERN);
    expect(m('s3:getobject')).toBe(true);
    expect(m('sqs:SendMessage')).toBe(true);
    expect(m('s3:PutObject')).toBe(false);
    expect(m('a.b:c')).toBe(true);
    expect(m('axb:c')).toBe(false);
  });
});
