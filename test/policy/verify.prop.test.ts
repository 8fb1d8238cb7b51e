import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, statementMatchesAction } from '../../src/core/policy/evaluate.js';
import type { PolicyDocument } from '../../src/core/policy/types.js';
import { verifyCovers, verifyNeverWider } from '../../src/core/policy/verify.js';
import {
  arbConcreteResource,
  arbNarrowing,
  arbPolicySet,
  arbRequest,
  arbRequestGrid,
  arbResourcePattern,
  arbStatement,
  arbWidening,
  arbWorld,
  narrowPolicySet,
  widenPolicySet,
  referenceDecision,
  TEST_ACTIONS,
  testActionUniverse,
} from '../support/policy-arbitraries.js';

const cat = testActionUniverse;
const RUNS = { numRuns: 300 };

describe('verifyNeverWider properties', () => {
  it('a random policy set is never wider than itself', () => {
    fc.assert(
      fc.property(arbPolicySet, (p) => {
        const r = verifyNeverWider(p, p, cat);
        expect(r.counterexamples).toEqual([]);
      }),
      RUNS,
    );
  });

  it('narrowing edits (drop Allow statements, actions or resources; add conditions, exclusions or Denies) never widen', () => {
    fc.assert(
      fc.property(arbPolicySet, fc.array(arbNarrowing, { minLength: 1, maxLength: 5 }), (p, edits) => {
        const s = narrowPolicySet(p, edits);
        expect(verifyNeverWider(p, s, cat).counterexamples).toEqual([]);
      }),
      RUNS,
    );
  });

  it('adding an allowed action the original never allows is detected', () => {
    fc.assert(
      fc.property(arbPolicySet, fc.constantFrom(...TEST_ACTIONS), arbResourcePattern, (p, action, resource) => {
        // Given an action no statement of the original matches at all (a Deny that matched it would also
        // remove the new Allow in the suggestion, which keeps the original's statements),
        fc.pre(!p.some((d) => d.statements.some((s) => statementMatchesAction(s, action))));
        // when the suggestion adds an Allow for it,
        const s: PolicyDocument[] = [...p, { name: 'extra', version: '2012-10-17', statements: [{ effect: 'Allow', action: [action], resource: [resource] }] }];
        // then the check fails and names that action.
        const r = verifyNeverWider(p, s, cat);
        expect(r.ok).toBe(false);
        expect(r.counterexamples.some((c) => c.action.toLowerCase() === action.toLowerCase() && c.statement?.document === 'extra')).toBe(true);
      }),
      RUNS,
    );
  });

  // The soundness property: checked against a brute-force reference evaluator over concrete requests and fully
  // known contexts. Suggestions are the original narrowed, then possibly widened (a Deny dropped or given a
  // condition, a condition dropped, an action/resource added, an exclusion removed), sometimes with a random
  // statement added, so that both passing and failing suggestions occur.
  it('soundness: when it passes, no sampled request is allowed by the suggestion and denied by the original', () => {
    let passed = 0;
    fc.assert(
      fc.property(
        arbPolicySet,
        fc.array(arbNarrowing, { maxLength: 4 }),
        fc.array(arbWidening, { maxLength: 2 }),
        fc.option(arbStatement, { freq: 3 }),
        arbRequestGrid,
        (orig, edits, widenings, extra, requests) => {
          const sugg = widenPolicySet(narrowPolicySet(orig, edits), widenings);
          if (extra) sugg.push({ name: 'extra', version: '2012-10-17', statements: [extra] });
          const r = verifyNeverWider(orig, sugg, cat);
          if (!r.ok) return;
          passed++;
          for (const q of requests) {
            if (referenceDecision(sugg, q, q.world) === 'allowed') {
              expect({ request: q, original: referenceDecision(orig, q, q.world) }).toEqual({ request: q, original: 'allowed' });
            }
          }
        },
      ),
      { numRuns: 400 },
    );
    // The property is only meaningful if the check passes often enough.
    expect(passed).toBeGreaterThan(60);
  });

  it('soundness for single possibly-widening edits (each kind of widening gets many tries)', () => {
    fc.assert(
      fc.property(arbPolicySet, arbWidening, arbRequestGrid, (orig, widening, requests) => {
        const sugg = widenPolicySet(orig, [widening]);
        if (!verifyNeverWider(orig, sugg, cat).ok) return;
        for (const q of requests) {
          if (referenceDecision(sugg, q, q.world) === 'allowed') {
            expect({ request: q, original: referenceDecision(orig, q, q.world) }).toEqual({ request: q, original: 'allowed' });
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('soundness on fully random pairs (rarely passing, but never wrongly)', () => {
    fc.assert(
      fc.property(arbPolicySet, arbPolicySet, fc.array(arbRequest, { minLength: 20, maxLength: 40 }), (orig, sugg, requests) => {
        if (!verifyNeverWider(orig, sugg, cat).ok) return;
        for (const q of requests) {
          if (referenceDecision(sugg, q, q.world) === 'allowed') expect(referenceDecision(orig, q, q.world)).toBe('allowed');
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('evaluator modes agree with the reference evaluator', () => {
  it('must-allow (no context) ⇒ allowed in every world; allowed in some world ⇒ may-allow', () => {
    fc.assert(
      fc.property(arbPolicySet, fc.constantFrom(...TEST_ACTIONS), arbConcreteResource, fc.array(arbWorld, { minLength: 1, maxLength: 8 }), (p, action, resource, worlds) => {
        const req = { action, resource };
        const must = evaluate(p, req, { mode: 'must-allow' });
        const may = evaluate(p, req, { mode: 'may-allow' });
        for (const w of worlds) {
          const ref = referenceDecision(p, req, w);
          if (must === 'allowed') expect(ref).toBe('allowed');
          if (ref === 'allowed') expect(may).toBe('allowed');
        }
      }),
      RUNS,
    );
  });

  it('verifyCovers passes exactly when each call is must-allowed', () => {
    fc.assert(
      fc.property(arbPolicySet, fc.array(fc.record({ action: fc.constantFrom(...TEST_ACTIONS), resource: arbConcreteResource }), { maxLength: 6 }), (p, calls) => {
        const r = verifyCovers(p, calls);
        expect(r.ok).toBe(calls.every((c) => evaluate(p, c, { mode: 'must-allow' }) === 'allowed'));
        // And whatever it accepts is allowed in every world.
        if (r.ok) fc.sample(arbWorld, 5).forEach((w) => calls.forEach((c) => expect(referenceDecision(p, c, w)).toBe('allowed')));
      }),
      RUNS,
    );
  });

  it('a suggestion narrowed from the original still covers calls the narrowing kept (identity)', () => {
    fc.assert(
      fc.property(arbPolicySet, fc.array(fc.record({ action: fc.constantFrom(...TEST_ACTIONS), resource: arbConcreteResource }), { maxLength: 6 }), (p, calls) => {
        const allowed = calls.filter((c) => evaluate(p, c) === 'allowed');
        expect(verifyCovers(p, allowed).ok).toBe(true);
      }),
      RUNS,
    );
  });
});
