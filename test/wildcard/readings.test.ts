import { describe, expect, it } from 'vitest';
import {
  ACTION_PATTERN,
  LEGACY_RESOURCE_PATTERN,
  RESOURCE_PATTERN,
  compilePattern,
  matchPattern,
  patternCovers,
  patternsIntersect,
  tokenize,
} from '../../src/core/wildcard.js';

// The checklist of the one reading of IAM wildcards (src/core/wildcard.ts). Until House II the module kept the
// readings of three former implementations (catalog, policy model, trim) apart behind options; each test marked
// "settled" pins a case where they differed and says which reading won and why. Sources: IAM User Guide, "IAM
// JSON policy elements: Action", "IAM JSON policy elements: Resource", "IAM policy elements: Variables and tags".

describe('actions: case-insensitive, * and ?, no policy variables', () => {
  it('match case-insensitively, anchored, ? exactly one character', () => {
    expect(compilePattern('S3:Get*', ACTION_PATTERN).test('s3:getObject')).toBe(true);
    expect(compilePattern('s3:?etObject', ACTION_PATTERN).test('s3:GetObject')).toBe(true);
    expect(compilePattern('s3:?', ACTION_PATTERN).test('s3:')).toBe(false);
    expect(compilePattern('s3:GetObject', ACTION_PATTERN).test('s3:GetObjectAcl')).toBe(false);
  });

  it('read $, { and } as text', () => {
    expect(tokenize('a:${x}', ACTION_PATTERN).every((t) => t.kind === 'lit')).toBe(true);
  });

  it('settled: the pattern is lower-cased as one string, like the action (was: character by character in the policy model and trim)', () => {
    // 'İ'.toLowerCase() is 'i' + U+0307, two code units. Folding the pattern character by character made a
    // two-unit token that never equals one unit of the folded action, so `İ` did not match the action `İ`.
    expect(matchPattern('x:İ', 'x:İ', ACTION_PATTERN)).toBe('yes');
    expect(patternCovers('x:İ*', 'x:İa', ACTION_PATTERN)).toBe(true);
    expect(tokenize('İ', ACTION_PATTERN)).toEqual([
      { kind: 'lit', ch: 'i' },
      { kind: 'lit', ch: '\u0307' },
    ]);
  });
});

describe('resources: case-sensitive, policy variables and their escapes', () => {
  it('match case-sensitively', () => {
    expect(compilePattern('arn:aws:s3:::b/*', RESOURCE_PATTERN).test('arn:aws:s3:::B/x')).toBe(false);
  });

  it('read ${*} ${?} ${$} as the characters, and a variable as an unknown value', () => {
    expect(matchPattern('arn:aws:s3:::b/${*}', 'arn:aws:s3:::b/*', RESOURCE_PATTERN)).toBe('yes');
    expect(matchPattern('arn:aws:s3:::b/${*}', 'arn:aws:s3:::b/x', RESOURCE_PATTERN)).toBe('no');
    expect(matchPattern('a/${v}/*', 'a/x/y', RESOURCE_PATTERN)).toBe('maybe');
    expect(matchPattern('a/${v}/*', 'b/x/y', RESOURCE_PATTERN)).toBe('no');
  });

  it('a compiled matcher answers "certainly matches": a variable matches nothing without a request', () => {
    expect(compilePattern('a/${v}/*', RESOURCE_PATTERN).test('a/x/y')).toBe(false);
  });

  it('settled: trim reads variables too (was: `${…}` as text, so the star in `${*}` was a wildcard)', () => {
    expect(patternCovers('arn:x/${*}', 'arn:x/${aws:username}', RESOURCE_PATTERN)).toBe(false);
    expect(patternCovers('arn:x/${*}', 'arn:x/anything', RESOURCE_PATTERN)).toBe(false);
    // A variable may take any value: the pattern may apply to a concrete ARN (trim said it could not).
    expect(patternsIntersect('arn:x/${aws:username}', 'arn:x/bob', RESOURCE_PATTERN)).toBe(true);
  });

  it('settled: a variable name is read as written, `${ v }` is not `${v}` (was: trimmed in the policy model)', () => {
    // IAM documents no spaces inside `${…}`; two spellings are the same variable only when written the same,
    // which can only make the never-wider proof stricter.
    expect(patternCovers('a/${ v }', 'a/${v}', RESOURCE_PATTERN)).toBe(false);
    expect(patternCovers('a/${v}', 'a/${v}', RESOURCE_PATTERN)).toBe(true);
  });

  it('in a document without Version 2012-10-17, `${…}` is text', () => {
    expect(matchPattern('a/${v}', 'a/${v}', LEGACY_RESOURCE_PATTERN)).toBe('yes');
    expect(matchPattern('a/${v}', 'a/x', LEGACY_RESOURCE_PATTERN)).toBe('no');
  });
});

describe('ARN segments', () => {
  // "If the * wildcard is the last character of a resource ARN segment, it can expand to match beyond the colon
  // boundaries" (IAM JSON policy elements: Resource, "Using wildcards in resource ARNs"). The page recommends,
  // but does not require, wildcards within a segment and says nothing narrower about a `*` inside a segment, so
  // the ARN is read as one string: `*` and `?` match `:` and `/` anywhere.
  it('a * ending a segment matches across colons', () => {
    const p = 'arn:aws:logs:us-east-1:1:log-group:g*';
    expect(compilePattern(p, RESOURCE_PATTERN).test('arn:aws:logs:us-east-1:1:log-group:g:log-stream:s')).toBe(true);
    expect(compilePattern('arn:*:lambda:*', RESOURCE_PATTERN).test('arn:aws-cn:lambda:cn-north-1:1:function:f')).toBe(true);
  });

  it('a * inside a segment, and ?, also match a colon (the whole ARN is one string)', () => {
    expect(compilePattern('arn:a*b', RESOURCE_PATTERN).test('arn:a:x:b')).toBe(true);
    expect(compilePattern('arn:a?b', RESOURCE_PATTERN).test('arn:a:b')).toBe(true);
  });
});

describe('containment and overlap', () => {
  it('settled: wildcard runs are normalised everywhere, `a?*` and `a*?` cover each other (was: not in trim)', () => {
    // Same language, so a `true` is still right; trim's proofs only find more true containments.
    expect(patternCovers('a?*', 'a*?', RESOURCE_PATTERN)).toBe(true);
    expect(patternCovers('a*?', 'a?*', ACTION_PATTERN)).toBe(true);
  });

  it('`**` is one `*`', () => {
    expect(tokenize('a**', RESOURCE_PATTERN)).toEqual([{ kind: 'lit', ch: 'a' }, { kind: 'star' }]);
    for (const s of ['a', 'ab', 'b']) {
      expect(compilePattern('a**', RESOURCE_PATTERN).test(s)).toBe(compilePattern('a*', RESOURCE_PATTERN).test(s));
    }
  });
});
