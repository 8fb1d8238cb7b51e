/**
 * Last-accessed evidence on random policies and usage: whatever IAM says (actions used, services used, services
 * trusted as never accessed), the suggestion passes both proofs — never wider than the original, and allows every
 * call the trail shows — and an action kept on action-level evidence is one the trail has no record of.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultTrailRecording } from '../../src/core/trail/recording.js';
import { suggest } from '../../src/core/trim/suggest.js';
import type { LastAccessedInput } from '../../src/core/trim/types.js';
import { arbPolicySet, TEST_ACTIONS, TEST_RESOURCES } from '../support/policy-arbitraries.js';
import { fakeKnowledge, smallCatalog, usageOf, used } from '../support/trim-fakes.js';

const catalog = smallCatalog();
const knowledge = fakeKnowledge();
const SERVICES = [...new Set(TEST_ACTIONS.map((a) => a.slice(0, a.indexOf(':'))))];
const AT = { at: '2026-11-30T00:00:00Z' };

const evidenceArb: fc.Arbitrary<LastAccessedInput> = fc
  .record({
    actions: fc.uniqueArray(fc.constantFrom(...TEST_ACTIONS), { maxLength: 5 }),
    used: fc.uniqueArray(fc.constantFrom(...SERVICES), { maxLength: 3 }),
    never: fc.uniqueArray(fc.constantFrom(...SERVICES), { maxLength: 3 }),
    tracked: fc.uniqueArray(fc.constantFrom(...TEST_ACTIONS), { maxLength: 8 }),
  })
  .map((e) => ({
    actionsUsed: new Map(e.actions.map((a) => [a.toLowerCase(), AT])),
    servicesUsed: new Map(e.used.map((s) => [s, AT])),
    tracks: (a: string) => e.tracked.some((t) => t.toLowerCase() === a.toLowerCase()),
    dropUnobservableOf: new Map(e.never.map((s) => [s, `IAM shows ${s} never accessed`])),
  }));
/** Resources of the action's own service (a call on another service's ARN is not something a trail shows). */
const resourcesOf = (action: string) => TEST_RESOURCES.filter((r) => r.startsWith(`arn:aws:${action.slice(0, action.indexOf(':'))}:`));
// Only actions the test catalog knows: trim's fixed-point for actions outside its catalog is another test's subject.
const usable = TEST_ACTIONS.filter((a) => resourcesOf(a).length > 0 && catalog.action(a) !== undefined);
const usageArb = fc
  .uniqueArray(fc.constantFrom(...usable).chain((action) => fc.record({ action: fc.constant(action), resources: fc.uniqueArray(fc.constantFrom(...resourcesOf(action)), { minLength: 1, maxLength: 2 }) })), { selector: (u) => u.action, maxLength: 5 })
  .map((list) => usageOf(list.map((u) => used(u.action, u.resources))));

// 100 runs: a few seconds on the 2-core machine.
const RUNS = { numRuns: 100 };

describe('last-accessed evidence on random inputs', () => {
  it('keeps both proofs (suggest never throws), and keeps on action-level evidence only what the trail has no record of', () => {
    const seenKinds = { kept: 0, removed: 0 };
    fc.assert(
      fc.property(arbPolicySet, usageArb, evidenceArb, (documents, usage, lastAccessed) => {
        const r = suggest({ documents: documents.map((d) => ({ ...d, kind: 'inline' as const })), usage, catalog, knowledge, recording: defaultTrailRecording(), options: { baselines: [] }, lastAccessed });
        expect(r.verification.neverWider.ok && r.verification.covers.ok).toBe(true);
        const seen = new Set(usage.used.map((u) => u.action.toLowerCase()));
        for (const f of r.findings) {
          if (f.kind === 'kept-last-accessed') seenKinds.kept++;
          if (f.kind === 'removed-action' && f.neverAccessed) seenKinds.removed++;
          if (f.kind === 'kept-last-accessed') expect(seen.has(f.action.toLowerCase()) || !lastAccessed.actionsUsed.has(f.action.toLowerCase())).toBe(false);
          if (f.kind === 'removed-action' && f.neverAccessed) expect(lastAccessed.dropUnobservableOf.has(f.action.slice(0, f.action.indexOf(':')).toLowerCase())).toBe(true);
        }
      }),
      RUNS,
    );
    // The runs did exercise both decisions that rest on the evidence.
    expect(seenKinds.kept).toBeGreaterThan(0);
    expect(seenKinds.removed).toBeGreaterThan(0);
  });
});
