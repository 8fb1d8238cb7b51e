/**
 * The duplicate check with its memory bounded (`core/usage/id-spill.ts`, `ActivityTally.spillIdsTo`): however
 * small the window of event ids kept in memory, however the files are split between worker tallies, once the
 * merge has been given the spilled ids and the inputs it names have been read again and retracted, the tally
 * says what one tally keeping every id in memory says — the same ledger, calls, counts and duplicates.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tallyView } from '../support/tally-view.js';
import type { TrailItem } from '../../src/adapters/trail-decode/sink.js';
import { InvariantError } from '../../src/core/errors.js';
import { ENTRY_WORDS } from '../../src/core/usage/event-ids.js';
import { ID_PARTITIONS, findSpilledCopies, spillEntries, type IdSpillReader, type IdSpillWriter } from '../../src/core/usage/id-spill.js';
import { ActivityTally, type ActivityResult } from '../../src/core/usage/tally.js';
import type { NormalizeResult } from '../../src/core/usage/types.js';

/** A record: an event id (from a small pool, so copies are frequent) and what the normalizer makes of it. */
interface FakeRecord {
  eventID: string;
  recipientAccountId: string;
  result: NormalizeResult;
}

const callOf = (eventName: string, day: number, principal: string): NormalizeResult => ({
  kind: 'call',
  call: {
    time: `2026-10-0${day}T00:00:00Z`,
    eventSource: 'x.amazonaws.com',
    eventName,
    principalArn: principal,
    principalType: 'AssumedRole',
    outcome: 'succeeded',
    category: 'management',
    actions: [{ action: `x:${eventName}`, role: 'primary', resources: [`arn:aws:x:::${eventName}`], resourceBasis: 'record' }],
  },
});

/** What event `n` of account `a` always says: a copy is the same record. */
function recordOf(n: number, a: number): FakeRecord {
  const result: NormalizeResult =
    n % 7 === 0
      ? { kind: 'ignored', reason: 'service event' }
      : n % 11 === 0
        ? { kind: 'problem', problem: { code: 'unknown-action', message: `event ${n}`, eventSource: 'made-up.amazonaws.com', eventName: `Op${n % 3}` } }
        : callOf(`Op${n % 5}`, 1 + (n % 9), `arn:aws:iam::${a}:role/r${n % 2}`);
  return { eventID: `id-${n}`, recipientAccountId: String(a), result };
}

const itemArb: fc.Arbitrary<TrailItem> = fc
  .tuple(fc.nat(30), fc.constantFrom(1, 2))
  .map(([n, a]) => ({ kind: 'record', record: recordOf(n, a), source: { file: 'f', index: 0 } }));
const filesArb = (parts: number) =>
  fc.array(fc.tuple(fc.array(itemArb, { maxLength: 12 }), fc.nat(parts - 1)), { maxLength: 8 }).map((xs) => ({ files: xs.map(([f]) => f), owner: xs.map(([, w]) => w) }));

const normalize = (record: unknown): NormalizeResult => (record as FakeRecord).result;

/** An in-memory spill: what a temporary folder holds, by partition. */
function memorySpill(): IdSpillWriter & IdSpillReader & { entries: number } {
  const parts = new Map<number, Uint32Array[]>();
  return {
    entries: 0,
    append(partition, entries) {
      expect(entries.length % ENTRY_WORDS).toBe(0);
      parts.set(partition, [...(parts.get(partition) ?? []), entries.slice()]);
      this.entries += entries.length / ENTRY_WORDS;
    },
    read: (partition) => parts.get(partition) ?? [],
  };
}

/** What the read says, but for which problems are kept as examples (checked apart). */
function countsView(t: ActivityResult): unknown {
  return { ...(tallyView(t) as object), problemExamples: undefined, duplicates: t.duplicates };
}

function tallyOf(files: TrailItem[][], which: (f: number) => boolean, spill?: { writer: IdSpillWriter; window: number }): ActivityTally {
  const t = new ActivityTally(normalize, 2);
  if (spill) t.spillIdsTo(spill.writer, spill.window);
  files.forEach((items, f) => {
    if (!which(f)) return;
    t.startInput(f);
    for (const item of items) t.add(item);
  });
  return t;
}

describe('the duplicate check with a bounded window of ids', () => {
  it('gives the tally of one thread keeping every id, for any window, split and copies', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }).chain((n) => fc.tuple(fc.constant(n), filesArb(n))),
        fc.integer({ min: 1, max: 5 }),
        ([workers, { files, owner }], window) => {
          const expected = tallyOf(files, () => true);
          const spill = memorySpill();
          const snapshots = Array.from({ length: workers }, (_, w) => tallyOf(files, (f) => owner[f] === w, { writer: spill, window }).snapshot());
          const merged = new ActivityTally(normalize, 2);
          const reread = merged.merge(snapshots, spill);
          for (const input of reread) for (const item of files[input]!) merged.retract(input, item);
          expect(merged.pendingRetractions).toBe(0);
          expect(countsView(merged)).toEqual(countsView(expected));
          // Examples: real problems of the read, at most 2 per code. Not always the same first two: a copy counted
          // past the window can take an example's place in its thread before the merge drops it.
          const problems = files.flat().flatMap((i) => (i.kind === 'record' && (i.record as FakeRecord).result.kind === 'problem' ? [(i.record as FakeRecord).result] : []));
          for (const e of merged.problemExamples) expect(problems).toContainEqual({ kind: 'problem', problem: e });
          expect(merged.problemExamples.length).toBeLessThanOrEqual(2 * new Set(merged.problemExamples.map((e) => e.code)).size);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('spills only past the window, and keeps memory to the window: 1,000 distinct ids with a window of 100', () => {
    const spill = memorySpill();
    const t = new ActivityTally(normalize, 2);
    t.spillIdsTo(spill, 100);
    t.startInput(0);
    for (let n = 0; n < 1000; n++) t.add({ kind: 'record', record: recordOf(n, 1), source: { file: 'f', index: n } });
    expect(spill.entries).toBe(1000); // ten full windows
    const s = t.snapshot();
    expect(s.spilled).toBe(true);
    expect(s.ids.length).toBe(0);
  });

  it('a copy within the window is dropped while reading; one past it is named by the merge, from its later input', () => {
    const spill = memorySpill();
    const t = new ActivityTally(normalize, 2);
    t.spillIdsTo(spill, 3);
    const add = (input: number, n: number): void => {
      t.startInput(input);
      t.add({ kind: 'record', record: recordOf(n, 1), source: { file: 'f', index: n } });
    };
    add(0, 1);
    add(0, 1); // in the window
    expect(t.duplicates).toBe(1);
    for (const n of [2, 3, 4, 5]) add(1, n); // the window (1, 2, 3) is spilled when it fills
    add(2, 1); // 1 was spilled: counted for now
    expect(t.calls).toBe(6);
    const merged = new ActivityTally(normalize, 2);
    expect(merged.merge([t.snapshot()], spill)).toEqual([2]);
    expect(merged.pendingRetractions).toBe(1);
    expect(merged.retract(2, { kind: 'record', record: recordOf(1, 1), source: { file: 'f', index: 0 } })).toBe(true);
    expect(merged.calls).toBe(5);
    expect(merged.duplicates).toBe(2);
  });

  it('of two copies in one input with a spill between them, the first one\'s example stays and the second\'s goes', () => {
    const spill = memorySpill();
    const t = new ActivityTally(normalize, 5);
    t.spillIdsTo(spill, 1);
    t.startInput(0);
    for (const n of [11, 1, 11, 22]) t.add({ kind: 'record', record: recordOf(n, 1), source: { file: 'f', index: n } });
    t.startInput(1);
    t.add({ kind: 'record', record: recordOf(11, 1), source: { file: 'g', index: 0 } });
    expect(t.problemExamples.map((e) => e.message)).toEqual(['event 11', 'event 11', 'event 22', 'event 11']);
    const merged = new ActivityTally(normalize, 5);
    expect(merged.merge([t.snapshot()], spill)).toEqual([0, 1]);
    expect(merged.problemExamples.map((e) => e.message)).toEqual(['event 11', 'event 22']);
    expect(merged.problemCounts['unknown-action']).toBe(4); // until the copies are taken back
  });

  it('refuses to lose copies silently: a spilled snapshot merged without its ids, or a record added after a final merge', () => {
    const spill = memorySpill();
    const t = tallyOf([[...Array(4)].map((_, n) => ({ kind: 'record', record: recordOf(n + 1, 1), source: { file: 'f', index: n } }) as TrailItem)], () => true, { writer: spill, window: 2 });
    expect(() => new ActivityTally(normalize).merge([t.snapshot()])).toThrow(InvariantError);
    const merged = new ActivityTally(normalize);
    merged.merge([t.snapshot()], spill);
    expect(() => merged.add({ kind: 'record', record: recordOf(9, 1), source: { file: 'f', index: 0 } })).toThrow(InvariantError);
  });

  it('spillEntries writes each entry once, to the partition its leading bits name; findSpilledCopies keeps the earliest input', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.nat(5)), { maxLength: 200 }), (xs) => {
        const entries = new Uint32Array(xs.length * ENTRY_WORDS);
        xs.forEach(([h, input], i) => entries.set([h, 7, 7, 7, input + 1], i * ENTRY_WORDS));
        const spill = memorySpill();
        spillEntries(entries, spill);
        let back = 0;
        for (let p = 0; p < ID_PARTITIONS; p++) {
          for (const chunk of spill.read(p)) {
            for (let e = 0; e < chunk.length; e += ENTRY_WORDS) expect(chunk[e]! >>> 26).toBe(p);
            back += chunk.length / ENTRY_WORDS;
          }
        }
        expect(back).toBe(xs.length);
        const lost: Array<[number, number]> = [];
        findSpilledCopies(spill, [], (ids, at, input) => lost.push([ids[at]!, input]));
        // Every copy but one per hash, and never the copy of the hash's earliest input.
        const byHash = new Map<number, number[]>();
        for (const [h, input] of xs) byHash.set(h, [...(byHash.get(h) ?? []), input]);
        const expected = [...byHash].flatMap(([h, inputs]) => [...inputs].sort((a, b) => a - b).slice(1).map((i) => [h, i] as [number, number]));
        expect(lost.sort()).toEqual(expected.sort());
      }),
    );
  });
});
