/** Tokens never survive redaction, in any form policy-trim sends them or git and HTTP print them. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, basicAuthValue, redactSecrets } from '../../src/core/pr/redact.js';
import { PULL_REQUEST_BODY_MAX, fitsPullRequestBody } from '../../src/core/pr/limits.js';

const TOKEN = 'ghs_16C7e42F292c6912E7710c838347Ae178B4a';

describe('redactSecrets', () => {
  it('removes a known token as given, URL-encoded and in its basic-auth and base64 forms', () => {
    const text = [TOKEN, encodeURIComponent('p@ss/word'), basicAuthValue(TOKEN), Buffer.from(TOKEN).toString('base64')].join(' | ');
    const out = redactSecrets(text, [TOKEN, 'p@ss/word']);
    expect(out).toBe([REDACTED, REDACTED, REDACTED, REDACTED].join(' | '));
  });

  it('removes credential shapes nobody named: GitHub tokens, URL user info, Authorization headers', () => {
    expect(redactSecrets('push https://x-access-token:abc123@github.com/o/r.git failed')).toBe(`push https://${REDACTED}@github.com/o/r.git failed`);
    expect(redactSecrets('token ghp_abcdefghijklmnopqrstuvwxyz0123456789 leaked')).toBe(`token ${REDACTED} leaked`);
    expect(redactSecrets('github_pat_11ABCDEFG0123456789_abcdefghijklmnop')).toBe(REDACTED);
    expect(redactSecrets('http.extraheader=AUTHORIZATION: basic eC1hY2Nlc3M=')).toBe(`http.extraheader=AUTHORIZATION: basic ${REDACTED}`);
    expect(redactSecrets('authorization: Bearer abc.def')).toBe(`authorization: Bearer ${REDACTED}`);
  });

  it('leaves text without secrets alone, and ignores secrets too short to search for', () => {
    expect(redactSecrets('fatal: not a git repository', ['abc', undefined])).toBe('fatal: not a git repository');
  });

  it('never lets a token through, wherever it sits in the text', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9_]{8,40}$/);
    fc.assert(
      fc.property(fc.string(), token, fc.string(), (before, secret, after) => {
        const out = redactSecrets(`${before}${secret}${after}`, [secret]);
        expect(out.includes(secret) && !`${before}${after}`.includes(secret)).toBe(false);
      }),
    );
  });
});

describe('pull-request body limit', () => {
  it('is 65,536 characters', () => {
    expect(PULL_REQUEST_BODY_MAX).toBe(65_536);
    expect(fitsPullRequestBody('x'.repeat(65_536))).toBe(true);
    expect(fitsPullRequestBody('x'.repeat(65_537))).toBe(false);
  });
});
