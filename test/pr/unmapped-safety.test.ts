/**
 * The pull request's safety check names what was kept for successful calls the catalog cannot map (an API newer
 * than its data), and says nothing of them when there were none.
 */
import { describe, expect, it } from 'vitest';
import { safetySection } from '../../src/core/pr/body-context.js';
import { FULL_LIMITS, quoter, renderSection } from '../../src/core/pr/body-layout.js';
import { parsePolicyDocument } from '../../src/core/policy/index.js';
import { defaultTrailRecording } from '../../src/core/trail/recording.js';
import { suggest } from '../../src/core/trim/suggest.js';
import { fakeKnowledge, smallCatalog, usageOf } from '../support/trim-fakes.js';

describe("the pull request's safety check", () => {
  it('says what was kept for the calls the catalog cannot map, and only when it was', () => {
    const documents = [parsePolicyDocument(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:*', 'sqs:*'], Resource: '*' }] }), 'p.json')];
    const frob = { eventSource: 's3.amazonaws.com', eventName: 'FrobnicateBucket', prefix: 's3', kind: 'unknown-action' as const, count: 1, firstSeen: '2026-11-10T00:00:00Z', lastSeen: '2026-11-10T00:00:00Z', sessions: [] };
    const base = { documents, catalog: smallCatalog(), knowledge: fakeKnowledge(), recording: defaultTrailRecording() };
    const line = '- Successful calls the bundled catalog cannot map to an action ran: what may have allowed them is kept (a newer policy-trim may map them).';
    const withCall = renderSection(safetySection(suggest({ ...base, usage: { ...usageOf([]), unmapped: [frob] } }), quoter(FULL_LIMITS)));
    expect(withCall).toContain(line);
    const without = renderSection(safetySection(suggest({ ...base, usage: usageOf([]) }), quoter(FULL_LIMITS)));
    expect(without).not.toContain(line);
  });
});
