import { describe, expect, it, vi } from 'vitest';
import { InternalError } from '../../src/core/trim/errors.js';
import { defaultTrailRecording } from '../../src/core/trail/recording.js';
import type { TrimResult } from '../../src/core/trim/types.js';
import { fakeKnowledge, smallCatalog, usageOf, used } from '../support/trim-fakes.js';

// A trim that (wrongly) widens: suggest must refuse to return it.
vi.mock('../../src/core/trim/trim.js', () => ({
  trimPolicy: (): TrimResult => ({
    documents: [{ name: 'policy-trim', version: '2012-10-17', statements: [{ sid: 'Wide', effect: 'Allow', action: ['*'], resource: ['*'] }] }],
    findings: [],
    evidence: [],
    stats: { grantedActions: 0, keptActions: 0, removedActions: 0, narrowedActions: 0, unobservableActions: 0, verbatimStatements: 0, deniedAttempts: 0 },
  }),
}));

describe('suggest refuses an unsafe suggestion', () => {
  it('throws InternalError ("this is a bug") with the inputs attached, never returns output', async () => {
    const { suggest } = await import('../../src/core/trim/suggest.js');
    const documents = [{ name: 'p', statements: [{ effect: 'Allow' as const, action: ['s3:GetObject'], resource: ['arn:aws:s3:::b/*'] }] }];
    const input = {
      documents,
      usage: usageOf([used('s3:GetObject', ['arn:aws:s3:::b/k'])]),
      catalog: smallCatalog(),
      knowledge: fakeKnowledge(),
      recording: defaultTrailRecording(),
    };
    let err: unknown;
    try {
      suggest(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InternalError);
    const ie = err as InternalError;
    expect(ie.message).toMatch(/^this is a bug in policy-trim/);
    expect(ie.violations.length).toBeGreaterThan(0);
    expect((ie.inputs as { documents: unknown }).documents).toEqual(documents);
  });
});
