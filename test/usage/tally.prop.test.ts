/**
 * Properties of the activity tally's merge (`core/usage/tally.ts`): however the files of a read are split
 * between worker tallies (each file read whole by one of them) and in whatever order and grouping their
 * snapshots are merged, the result equals one tally that saw every item in reading order — the same ledger,
 * counts with their keys in the same order, and the same first examples per code.
 */
import { ledgerView, tallyView } from '../support/tally-view.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TrailItem } from '../../src/adapters/trail-decode/sink.js';
import { UsageLedger } from '../../src/core/usage/ledger.js';
import { ActivityTally, type ActivityResult, type TallySnapshot } from '../../src/core/usage/tally.js';
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



/** A view of a snapshot: the tally's view plus the reading places a later merge relies on. */
function snapshotView(s: TallySnapshot): unknown {
  const t = combine([s]);
  return { view: tallyView(t), examples: s.examples, firstSeen: s.firstSeen };
}

/** A fresh tally that merged `snapshots`. */
function combine(snapshots: TallySnapshot[]): ActivityTally {
  const t = new ActivityTally(normalize, EXAMPLES);
  t.merge(snapshots);
  return t;
}

/** One tally reading the given files (by their index in the read) in order. */
function tallyOf(files: TrailItem[][], which: (f: number) => boolean = () => true): ActivityTally {
  const t = new ActivityTally(normalize, EXAMPLES);
  files.forEach((items, f) => {
    if (!which(f)) return;
    t.startInput(f);
    for (const item of items) t.add(item);
  });
  return t;
}

/** Files, and for each the one of `parts` tallies that reads it (as the pool's shared queue hands them out). */
const splitArb = (parts: number) =>
  fc.array(fc.tuple(fileArb, fc.nat(parts - 1)), { maxLength: 10 }).map((xs) => ({ files: xs.map(([f]) => f), owner: xs.map(([, w]) => w) }));

describe('ActivityTally.merge', () => {
  it('equals one tally reading every file in order, for any split between workers and any return order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(fc.constant(n), splitArb(n))), fc.nat(), ([workers, { files, owner }], rotate) => {
        const expected = tallyOf(files);
        const built = Array.from({ length: workers }, (_, w) => tallyOf(files, (f) => owner[f] === w).snapshot());
        const r = rotate % workers;
        const merged = combine([...built.slice(r), ...built.slice(0, r)]);
        expect(tallyView(merged)).toEqual(tallyView(expected));
      }),
      { numRuns: 300 },
    );
  });

  it('is commutative: merging [a, b] equals merging [b, a]', () => {
    fc.assert(
      fc.property(splitArb(2), ({ files, owner }) => {
        const [a, b] = [0, 1].map((w) => tallyOf(files, (f) => owner[f] === w).snapshot()) as [TallySnapshot, TallySnapshot];
        expect(snapshotView(combine([a, b]).snapshot())).toEqual(snapshotView(combine([b, a]).snapshot()));
      }),
      { numRuns: 200 },
    );
  });

  it('is associative: (a + b) + c equals a + (b + c) equals a + b + c', () => {
    fc.assert(
      fc.property(splitArb(3), ({ files, owner }) => {
        const [a, b, c] = [0, 1, 2].map((w) => tallyOf(files, (f) => owner[f] === w).snapshot()) as [TallySnapshot, TallySnapshot, TallySnapshot];
        const left = combine([combine([a, b]).snapshot(), c]).snapshot();
        const right = combine([a, combine([b, c]).snapshot()]).snapshot();
        const flat = combine([a, b, c]).snapshot();
        expect(snapshotView(left)).toEqual(snapshotView(flat));
        expect(snapshotView(right)).toEqual(snapshotView(flat));
      }),
      { numRuns: 200 },
    );
  });

  it('keeps the first examples of each code in reading order and counts them all', () => {
    const p = (code: string, n: number): TrailItem => ({ kind: 'problem', problem: { code, message: `${code}-${n}`, file: 'f' } });
    // Worker A read inputs 0 and 2, worker B input 1.
    const a = new ActivityTally(normalize, EXAMPLES);
    const b = new ActivityTally(normalize, EXAMPLES);
    a.startInput(0);
    a.add(p('x', 0));
    a.add(p('x', 1));
    b.startInput(1);
    b.add(p('x', 2));
    b.add(p('y', 3));
    a.startInput(2);
    a.add(p('x', 4));
    const merged = combine([b.snapshot(), a.snapshot()]);
    expect(merged.problemExamples.map((e) => e.message)).toEqual(['x-0', 'x-1', 'y-3']);
    expect(merged.problemCounts).toEqual({ x: 4, y: 1 });
    expect(Object.keys(merged.problemCounts)).toEqual(['x', 'y']);
  });

  it('places items added after a merge after every merged one', () => {
    const p = (code: string, n: number): TrailItem => ({ kind: 'problem', problem: { code, message: `${code}-${n}`, file: 'f' } });
    const w = new ActivityTally(normalize, EXAMPLES);
    w.startInput(7);
    w.add(p('x', 0));
    const t = new ActivityTally(normalize, EXAMPLES);
    t.merge([w.snapshot()]);
    t.add(p('y', 1));
    t.add(p('x', 2));
    const again = combine([t.snapshot()]);
    expect(Object.keys(again.problemCounts)).toEqual(['x', 'y']);
    expect(again.problemExamples.map((e) => e.message)).toEqual(['x-0', 'y-1', 'x-2']);
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
        expect(ledgerView(merged)).toEqual(ledgerView(whole));
      }),
    );
  });
});
