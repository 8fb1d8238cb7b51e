/**
 * The finding-id grammar (issue 11): KIND[ACCOUNT:ROLE][ACTION][RESOURCE], and acknowledgement patterns with
 * `*` and `?` inside each bracket.
 */
import { describe, expect, it } from 'vitest';
import { compileFindingPattern, formatFindingId, parseFindingId } from '../../src/core/config/finding-id.js';

describe('finding ids', () => {
  it('format and parse are inverse, the resource running to the last bracket', () => {
    const parts = { kind: 'NARROWABLE', account: '111122223333', role: 'orders-api-role', action: 's3:GetObject', resource: 'arn:aws:s3:::b/[weird]/*' } as const;
    const id = formatFindingId(parts);
    expect(id).toBe('NARROWABLE[111122223333:orders-api-role][s3:GetObject][arn:aws:s3:::b/[weird]/*]');
    expect(parseFindingId(id)).toEqual({ ok: true, parts });
    expect(parseFindingId('UNUSED[111122223333:r][s3:DeleteBucket]')).toEqual({ ok: true, parts: { kind: 'UNUSED', account: '111122223333', role: 'r', action: 's3:DeleteBucket' } });
  });

  it.each([
    ['removed/s3:DeleteObject', 'expected KIND[ACCOUNT:ROLE][ACTION]'],
    ['Unused[111122223333:r][s3:X]', "unknown kind 'Unused' (kinds are upper case: UNUSED)"],
    ['UNUSED[orders-api-role][s3:X]', 'the first bracket is ACCOUNT:ROLE'],
    ['UNUSED[12345678901:r][s3:X]', "the account '12345678901' is not a 12-digit account id"],
    ['UNUSED[111122223333:a role][s3:X]', "the role 'a role' is not a role name"],
    ['UNUSED[111122223333:r][DeleteBucket]', "the action 'DeleteBucket' is not service:Action"],
    ['NARROWABLE[111122223333:r][s3:X][]', 'the resource bracket is empty'],
  ])('%s is refused: %s', (text, problem) => {
    const r = parseFindingId(text);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.problem).toContain(problem);
  });
});

describe('acknowledgement patterns', () => {
  const id = 'NARROWABLE[111122223333:orders-api-role][s3:GetObject][arn:aws:s3:::orders-receipts/2026/*]';

  it.each([
    ['the id itself', id, true],
    ['any account', 'NARROWABLE[*:orders-api-role][s3:GetObject][arn:aws:s3:::orders-receipts/2026/*]', true],
    ['an account with ?', 'NARROWABLE[11112222333?:orders-api-role][s3:GetObject]', true],
    ['roles by prefix, case-insensitively', 'NARROWABLE[111122223333:ORDERS-*][s3:GetObject]', true],
    ['actions by pattern, case-insensitively', 'NARROWABLE[111122223333:orders-api-role][S3:get*]', true],
    ['without a resource: every resource', 'NARROWABLE[111122223333:orders-api-role][s3:GetObject]', true],
    ['a resource pattern', 'NARROWABLE[111122223333:orders-api-role][s3:GetObject][arn:aws:s3:::orders-*]', true],
    ['another kind', 'UNUSED[111122223333:orders-api-role][s3:GetObject]', false],
    ['another account', 'NARROWABLE[444455556666:orders-api-role][s3:GetObject]', false],
    ['another resource', 'NARROWABLE[111122223333:orders-api-role][s3:GetObject][arn:aws:s3:::other/*]', false],
    ['a resource is case-sensitive', 'NARROWABLE[111122223333:orders-api-role][s3:GetObject][arn:aws:s3:::ORDERS-*]', false],
  ])('%s', (_what, pattern, matches) => {
    expect(compileFindingPattern(pattern)(id)).toBe(matches);
  });

  it('a pattern with a resource does not match a finding without one; a malformed id matches nothing', () => {
    expect(compileFindingPattern('UNUSED[*:r][s3:X][*]')('UNUSED[111122223333:r][s3:X]')).toBe(false);
    expect(compileFindingPattern('UNUSED[*:*][*]')('removed/s3:X')).toBe(false);
  });

  it('refuses to compile a pattern outside the grammar', () => {
    expect(() => compileFindingPattern('UNUSED[r][s3:X]')).toThrow(/not a finding id pattern/);
  });
});
