/**
 * Properties of merging worker parts: however items are split between workers (each worker taking its
 * share in reading order) and in whatever order the parts come back, the merge equals one collector that
 * saw every item in reading order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeParts, PartCollector, type ReadOrder } from '../../src/adapters/fs/parallel-activity.js';
import { createTrailStats, type TrailItem } from '../../src/adapters/trail-decode/sink.js';
import { UsageLedger } from '../../src/core/usage/ledger.js';
import type { NormalizeResult, NormalizedCall } from '../../src/core/usage/types.js';

const EXAMPLES = 2;

/** A record stands for what the normalizer will make of it (the property is about merging, not mapping). */
const resultArb: fc.Arbitrary<NormalizeResult> = fc.oneof(
  fc
    .record({
      principal: fc.constantFrom('arn:aws:iam::1:role/a', 'arn:aws:iam::1:role/b', 'arn:aws:iam::2:user/c'),
      session: fc.option(fc.constantFrom('fn1', 'fn2'), { nil: undefined }),
      actions: fc.uniqueArray(
        fc.record({
          action: fc.constantFrom('s3:GetObject', 's3:PutObject', 'sqs:SendMessage', 'iam:PassRole'),
          role: fc.constantFrom('primary' as const, 'secondary' as const),
          resources: fc.array(fc.constantFrom('arn:aws:s3:::b/k1', 'arn:aws:s3:::b/k2', '*'), { minLength: 1, maxLength: 2 }),
        }),
        { minLength: 1, maxLength: 3, selector: (a) => a.action },
      ),
      outcome: fc.constantFrom('succeeded' as const, 'denied' as const, 'failed' as const),
      error: fc.option(fc.constantFrom('AccessDenied', 'Throttling'), { nil: undefined }),
      day: fc.integer({ min: 1, max: 9 }),
      event: fc.constantFrom('GetObject', 'PutObject', 'SendMessage'),
    })
    .map(({ principal, session, actions, outcome, error, day, event }) => {
      const call: NormalizedCall = {
        time: `2026-10-0${day}T00:00:00Z`,
        eventSource: 'x.amazonaws.com',
        eventName: event,
        principalArn: principal,
        principalType: 'AssumedRole',
        outcome,
        category: 'management',
        actions: actions.map((a) => ({ ...a, resourceBasis: 'record' as const })),
      };
      if (session) call.sessionName = session;
      if (error) call.errorCode = error;
      return { kind: 'call' as const, call };
    }),
  fc.constantFrom('service event', 'permission-free').map((reason) => ({ kind: 'ignored' as const, reason })),
  fc
    .record({ code: fc.constantFrom('unknown-action', 'missing-field', 'not-json'), n: fc.nat(99) })
    .map(({ code, n }) => ({
      kind: 'problem' as const,
      problem: { code, message: `problem ${n}`, file: `f${n}`, eventSource: 'made-up.amazonaws.com', eventName: `Op${n % 3}` },
    })),
);

/** Items of one file: records carry their normalized result in the record itself. */
const fileArb = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: resultArb.map((r): TrailItem => ({ kind: 'record', record: r, source: { file: 'f', index: 0 } })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('gzip-truncated', 'not-json').map((code): TrailItem => ({ kind: 'problem', problem: { code, message: code, file: 'f' } })),
    },
  ),
  { maxLength: 8 },
);

const normalize = (record: unknown): NormalizeResult => record as NormalizeResult;

/** Everything a ledger says, per principal and per session. */
function view(ledger: UsageLedger): unknown {
  return ledger.principals().map((p) => ({ all: ledger.usageOf(p), sessions: ledger.sessionsOf(p).map((s) => ledger.usageOf(p, { session: s })) }));
}

describe('mergeParts', () => {
  it('equals one collector reading every file in order, for any split between workers and any return order', () => {
    fc.assert(
      fc.property(
        fc.array(fileArb, { maxLength: 10 }),
        fc.integer({ min: 1, max: 4 }),
        fc.infiniteStream(fc.nat()),
        fc.nat(),
        (files, workers, picks, rotate) => {
          const one = new PartCollector(normalize, EXAMPLES);
          files.forEach((items, f) => items.forEach((item, k) => one.add(item, [f, k])));
          const expected = mergeParts([one.part(createTrailStats())], EXAMPLES);

          // Files handed out in order, each to some worker (as the shared queue does).
          const parts = Array.from({ length: workers }, () => new PartCollector(normalize, EXAMPLES));
          const it = picks[Symbol.iterator]();
          files.forEach((items, f) => {
            const w = parts[it.next().value % workers]!;
            items.forEach((item, k) => w.add(item, [f, k] as ReadOrder));
          });
          const built = parts.map((p) => p.part(createTrailStats()));
          const r = rotate % workers;
          const merged = mergeParts([...built.slice(r), ...built.slice(0, r)], EXAMPLES);

          expect(view(merged.ledger)).toEqual(view(expected.ledger));
          expect(merged.calls).toBe(expected.calls);
          // Same keys in the same order (toEqual alone would not check the order).
          expect(Object.entries(merged.ignored)).toEqual(Object.entries(expected.ignored));
          expect(Object.entries(merged.problemCounts)).toEqual(Object.entries(expected.problemCounts));
          expect(Object.entries(merged.unknownEvents)).toEqual(Object.entries(expected.unknownEvents));
          expect(merged.problemExamples).toEqual(expected.problemExamples);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the first examples of each code in reading order and counts them all', () => {
    const c = new PartCollector(normalize, EXAMPLES);
    const p = (code: string, n: number): TrailItem => ({ kind: 'problem', problem: { code, message: `${code}-${n}`, file: 'f' } });
    // Worker A read files 0 and 2, worker B file 1.
    const b = new PartCollector(normalize, EXAMPLES);
    c.add(p('x', 0), [0, 0]);
    c.add(p('x', 1), [0, 1]);
    b.add(p('x', 2), [1, 0]);
    b.add(p('y', 3), [1, 1]);
    c.add(p('x', 4), [2, 0]);
    const merged = mergeParts([b.part(createTrailStats()), c.part(createTrailStats())], EXAMPLES);
    expect(merged.problemExamples.map((e) => e.message)).toEqual(['x-0', 'x-1', 'y-3']);
    expect(merged.problemCounts).toEqual({ x: 4, y: 1 });
    expect(Object.keys(merged.problemCounts)).toEqual(['x', 'y']);
  });

  it('ledger merge is independent of grouping (a ledger built whole equals merged halves)', () => {
    fc.assert(
      fc.property(fc.array(resultArb, { maxLength: 30 }), fc.nat(30), (results, cut) => {
        const calls = results.flatMap((r) => (r.kind === 'call' ? [r.call] : []));
        const whole = new UsageLedger();
        calls.forEach((c) => whole.add(c));
        const a = new UsageLedger();
        const b = new UsageLedger();
        calls.forEach((c, i) => (i < cut ? a : b).add(c));
        const merged = new UsageLedger();
        merged.merge(b.snapshot());
        merged.merge(a.snapshot());
        expect(view(merged)).toEqual(view(whole));
      }),
    );
  });
});
