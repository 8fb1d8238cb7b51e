/**
 * Normalizer details the fixture runner does not look at: problem positions for NDJSON inputs (line
 * numbers), the ids a problem carries, and results without a source.
 */
import { describe, expect, it } from 'vitest';
import { loadBundledNormalizer } from '../../src/adapters/fs/bundled-mapping.js';
import { classifyOutcome } from '../../src/core/trail/record-facts.js';

const normalize = loadBundledNormalizer();

describe('normalizer problems', () => {
  it('name the file, the record index and the NDJSON line, and carry the event ids', () => {
    const out = normalize(
      { eventID: 'e-1', eventSource: 's3.amazonaws.com', eventName: 'GetObject', userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/a' } },
      { file: 'logs/a.ndjson', index: 41, line: 42 },
    );
    expect(out).toEqual({
      kind: 'problem',
      problem: expect.objectContaining({
        code: 'missing-field',
        file: 'logs/a.ndjson',
        position: 'record 41 (line 42)',
        eventId: 'e-1',
        eventSource: 's3.amazonaws.com',
        eventName: 'GetObject',
      }),
    });
    if (out.kind === 'problem') expect(out.problem.message).toMatch(/lacks eventTime/);
  });
  it('without a source, a problem has no file or position (the caller adds them)', () => {
    const out = normalize(42);
    expect(out.kind).toBe('problem');
    if (out.kind === 'problem') {
      expect(out.problem.file).toBeUndefined();
      expect(out.problem.position).toBeUndefined();
    }
  });
});

describe('classifyOutcome', () => {
  it.each([
    [undefined, undefined, 'succeeded'],
    ['', undefined, 'succeeded'],
    ['AccessDenied', undefined, 'denied'],
    ['Client.UnauthorizedOperation', undefined, 'denied'],
    ['KMS.NotFoundException', undefined, 'failed'],
    ['ValidationException', 'User: x is not authorized to perform: s3:GetObject', 'denied'],
    ['InternalFailure', undefined, 'failed'],
  ])('%s / %s → %s', (code, message, want) => {
    expect(classifyOutcome(code, message).outcome).toBe(want);
  });
  it('Client.DryRunOperation is an authorized dry run', () => {
    expect(classifyOutcome('Client.DryRunOperation', 'Request would have succeeded, but DryRun flag is set.')).toEqual({ outcome: 'succeeded', dryRun: true });
  });
});
