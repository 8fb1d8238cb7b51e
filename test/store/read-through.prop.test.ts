/**
 * The usage store's one promise (`core/store/read-through.ts`): however a run's objects are split between
 * entries taken from the store (written by an earlier run, through the entry's bytes) and objects read now,
 * whatever events repeat across objects, and wherever the run's window cuts, the tally equals one read of
 * every object in order with the window applied record by record: the same ledger, counts in the same key
 * order, the same examples, the same number of duplicates.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ActivityItem } from '../../src/core/ports/activity-source.js';
import { decodeEntry, emptyObjectStats, encodeEntry, type StoreEntry } from '../../src/core/store/entry.js';
import { itemsInWindow, readThroughStore, tallyObject, type ObjectRef } from '../../src/core/store/read-through.js';
import { ActivityTally } from '../../src/core/usage/tally.js';
import type { NormalizeResult } from '../../src/core/usage/types.js';
import type { TimeWindow } from '../../src/core/usage/time-window.js';
import { tallyView } from '../support/tally-view.js';

const EXAMPLES = 2;

/** A record carries what the normalizer makes of it (the property is about assembling, not mapping). */
const normalize = (record: unknown): NormalizeResult => (record as { result: NormalizeResult }).result;

/** One event: its id (absent: never deduplicated), its day of October 2026, and what it counts as. */
const eventArb = fc.record({
  id: fc.option(fc.constantFrom('e1', 'e2', 'e3', 'e4', 'e5', 'e6'), { nil: undefined }),
  day: fc.integer({ min: 1, max: 9 }),
  kind: fc.constantFrom('get-a', 'put-b', 'get-b', 'ignored', 'unknown'),
});
type Event = { id?: string; day: number; kind: string };

/** The record of an event: a copy of an event (same id) is the same record, whichever object holds it. */
function recordOf(e: Event, events: Map<string, Event>): ActivityItem {
  const ev = e.id ? (events.get(e.id) ?? (events.set(e.id, e), e)) : e;
  const eventTime = `2026-10-0${ev.day}T12:00:00Z`;
  const role = ev.kind.endsWith('-a') ? 'a' : 'b';
  const result: NormalizeResult =
    ev.kind === 'ignored'
      ? { kind: 'ignored', reason: 'service event' }
      : ev.kind === 'unknown'
        ? { kind: 'problem', problem: { code: 'unknown-action', message: `unknown ${ev.id ?? 'x'}`, eventSource: 'x.amazonaws.com', eventName: 'Op' } }
        : {
            kind: 'call',
            call: {
              time: eventTime,
              eventSource: 's3.amazonaws.com',
              eventName: ev.kind.startsWith('get') ? 'GetObject' : 'PutObject',
              principalArn: `arn:aws:iam::1:role/${role}`,
              principalType: 'AssumedRole',
              outcome: 'succeeded',
              category: 'data',
              actions: [{ action: ev.kind.startsWith('get') ? 's3:GetObject' : 's3:PutObject', role: 'primary', resources: [`arn:aws:s3:::b/${ev.day}`], resourceBasis: 'record' }],
            },
          };
  return { kind: 'record', record: { eventID: ev.id, recipientAccountId: '1', eventTime, result }, source: { file: 'f', index: 0 } };
}

const objectArb = fc.array(
  fc.oneof({ weight: 5, arbitrary: eventArb.map((e) => ({ event: e as Event })) }, { weight: 1, arbitrary: fc.constant({ event: undefined }) }),
  { maxLength: 6 },
);

const caseArb = fc.record({
  objects: fc.array(fc.record({ items: objectArb, stored: fc.boolean() }), { minLength: 1, maxLength: 7 }),
  since: fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }),
  until: fc.option(fc.integer({ min: 2, max: 10 }), { nil: undefined }),
  batch: fc.integer({ min: 1, max: 4 }),
});

function windowOf(since?: number, until?: number): TimeWindow {
  const day = (d: number) => new Date(`2026-10-${String(d).padStart(2, '0')}T00:00:00Z`);
  return { ...(since ? { since: day(since) } : {}), ...(until ? { until: day(until) } : {}) };
}

/** One tally reading every object in order with the window applied record by record: what a run without the store gives. */
function fullRead(objects: ActivityItem[][], window: TimeWindow): ActivityTally {
  const t = new ActivityTally(normalize, EXAMPLES);
  objects.forEach((items, i) => {
    t.startInput(i);
    for (const item of itemsInWindow(items, window)) t.add(item);
  });
  return t;
}

function view(t: ActivityTally): unknown {
  return { ...(tallyView(t) as object), duplicates: t.duplicates };
}

describe('a read through the usage store', () => {
  it('equals a full read, however objects split between stored and fresh, with copies across objects', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ objects, since, until, batch }) => {
        const events = new Map<string, Event>();
        const items = objects.map((o) =>
          o.items.map((x): ActivityItem => (x.event ? recordOf(x.event, events) : { kind: 'problem', problem: { code: 'not-json', message: 'not JSON', file: 'f' } })),
        );
        const window = windowOf(since, until);
        const refs: ObjectRef[] = objects.map((_, i) => ({ name: `o${i}`, validator: 'v1', input: i }));
        // An earlier run stored some objects: each through its bytes, as a later run reads it back.
        const stored = new Map<string, StoreEntry>();
        objects.forEach((o, i) => {
          if (!o.stored) return;
          const entry: StoreEntry = { name: `o${i}`, validator: 'v1', ...tallyObject(items[i]!, normalize, EXAMPLES), stats: emptyObjectStats() };
          stored.set(`o${i}`, decodeEntry(encodeEntry(entry)));
        });
        const written: string[] = [];
        const tally = new ActivityTally(normalize, EXAMPLES);
        const result = await readThroughStore(tally, refs, { get: (n) => stored.get(n), put: (e) => written.push(e.name) }, {
          normalize,
          window,
          batch,
          async *read(fresh) {
            for (const r of fresh) yield { name: r.name, items: items[r.input]!, stats: emptyObjectStats(), failed: false };
          },
          async reread(inputs) {
            for (const input of inputs) for (const item of itemsInWindow(items[input]!, window)) tally.retract(input, item);
            tally.settleRetractions();
          },
        });
        expect(view(tally)).toEqual(view(fullRead(items, window)));
        // What was read is stored; what was stored is not written again.
        expect(written.every((n) => !stored.has(n))).toBe(true);
        expect(result.fromStore + result.read).toBe(objects.length);
      }),
      { numRuns: 300 },
    );
  });
});
