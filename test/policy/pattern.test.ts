import { describe, expect, it } from 'vitest';
import { actionMatches, compileActionPatterns, hasPolicyVariable, matchPattern, patternCovers, patternsIntersect } from '../../src/core/policy/pattern.js';

const RES = { variables: true };
const ACT = { caseInsensitive: true };

describe('matchPattern', () => {
  it('matches actions case-insensitively with * and ?', () => {
    expect(actionMatches('s3:Get*', 's3:GetObject')).toBe(true);
    expect(actionMatches('S3:GETOBJECT', 's3:getobject')).toBe(true);
    expect(actionMatches('s3:?etObject', 's3:GetObject')).toBe(true);
    expect(actionMatches('s3:?etObject', 's3:PutObject')).toBe(false);
    expect(actionMatches('s3:Get*', 's3:PutObject')).toBe(false);
    expect(actionMatches('*', 'iam:PassRole')).toBe(true);
  });

  it('matches resources case-sensitively, with * spanning : and /', () => {
    expect(matchPattern('arn:aws:s3:::b/*', 'arn:aws:s3:::b/a/b/c', RES)).toBe('yes');
    expect(matchPattern('arn:aws:s3:::B/*', 'arn:aws:s3:::b/x', RES)).toBe('no');
    expect(matchPattern('arn:aws:*:us-east-1:*', 'arn:aws:sqs:us-east-1:1:q', RES)).toBe('yes');
    expect(matchPattern('arn:aws:s3:::b/??', 'arn:aws:s3:::b/abc', RES)).toBe('no');
  });

  it('answers maybe for a policy variable that could match, no when it cannot', () => {
    expect(matchPattern('arn:aws:s3:::home/${aws:username}/*', 'arn:aws:s3:::home/alice/x', RES)).toBe('maybe');
    expect(matchPattern('arn:aws:s3:::home/${aws:username}/*', 'arn:aws:s3:::other/alice/x', RES)).toBe('no');
  });

  it('reads ${*} ${?} ${$} as literal characters', () => {
    expect(matchPattern('arn:aws:s3:::b/${*}', 'arn:aws:s3:::b/*', RES)).toBe('yes');
    expect(matchPattern('arn:aws:s3:::b/${*}', 'arn:aws:s3:::b/x', RES)).toBe('no');
    expect(matchPattern('arn:aws:s3:::b/${$}x', 'arn:aws:s3:::b/$x', RES)).toBe('yes');
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
    expect(patternCovers(g, s, RES)).toBe(want);
  });

  it('compares actions case-insensitively', () => {
    expect(patternCovers('S3:get*', 's3:GetObject*', ACT)).toBe(true);
    expect(patternCovers('s3:Get*', 's3:*', ACT)).toBe(false);
  });

  it('lets a variable cover only the same variable, and * cover a variable', () => {
    expect(patternCovers('arn:aws:s3:::h/${aws:username}/*', 'arn:aws:s3:::h/${aws:username}/x', RES)).toBe(true);
    expect(patternCovers('arn:aws:s3:::h/${aws:username}/*', 'arn:aws:s3:::h/alice/x', RES)).toBe(false);
    expect(patternCovers('arn:aws:s3:::h/${aws:username}/*', 'arn:aws:s3:::h/${aws:userid}/x', RES)).toBe(false);
    expect(patternCovers('arn:aws:s3:::h/*', 'arn:aws:s3:::h/${aws:username}/x', RES)).toBe(true);
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
    expect(patternsIntersect(a, b, RES)).toBe(want);
    expect(patternsIntersect(b, a, RES)).toBe(want);
  });
});

describe('compileActionPatterns', () => {
  it('agrees with actionMatches, including regex metacharacters in names', () => {
    const m = compileActionPatterns(['s3:Get*', 'SQS:?endMessage', 'a.b:c']);
    expect(m('s3:getobject')).toBe(true);
    expect(m('sqs:SendMessage')).toBe(true);
    expect(m('s3:PutObject')).toBe(false);
    expect(m('a.b:c')).toBe(true);
    expect(m('axb:c')).toBe(false);
  });
});
