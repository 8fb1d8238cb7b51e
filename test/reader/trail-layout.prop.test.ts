/**
 * Property: pruning never loses a record in the window, as long as its file was delivered within the allowed
 * delay after the record (and, per AWS, never before it).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deliveryDays, formatTrailFileName, pathMayHoldWindow } from '../../src/core/trail/layout.js';
import { DAY_MS, inWindow } from '../../src/core/usage/time-window.js';

const T0 = Date.parse('2024-01-01T00:00:00Z');
const SPAN = 400 * DAY_MS;

/** A window of random ends within ~400 days, a record time inside it, and a delivery delay up to `maxDelay`. */
const scenario = (maxDelay: number) =>
  fc
    .record({
      a: fc.integer({ min: 0, max: SPAN }),
      len: fc.integer({ min: 1, max: 40 * DAY_MS }),
      frac: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
      delay: fc.integer({ min: 0, max: maxDelay }),
    })
    .map(({ a, len, frac, delay }) => {
      const since = T0 + a;
      const until = since + len;
      const event = Math.min(until - 1, since + Math.floor(frac * len));
      return { window: { since: new Date(since), until: new Date(until) }, event, delivered: event + delay };
    });

function dayPath(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `AWSLogs/111122223333/CloudTrail/us-east-1/${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}`;
}

describe('window pruning keeps every folder and file that can hold an in-window record', () => {
  it('with the default 24 h delay allowance', () => {
    fc.assert(
      fc.property(scenario(DAY_MS), ({ window, event, delivered }) => {
        expect(inWindow(window, event)).toBe(true);
        const folder = dayPath(delivered);
        const file = `${folder}/${formatTrailFileName('111122223333', 'us-east-1', new Date(delivered), 'u')}`;
        expect(pathMayHoldWindow(folder, window)).toBe(true);
        expect(pathMayHoldWindow(file, window)).toBe(true);
        expect(pathMayHoldWindow(folder.split('/').slice(0, -1).join('/'), window)).toBe(true); // month
        expect(pathMayHoldWindow(folder.split('/').slice(0, -2).join('/'), window)).toBe(true); // year
        expect(deliveryDays(window)).toContain(folder.split('/').slice(-3).join('/'));
      }),
      { numRuns: 500 },
    );
  });

  it('with a custom 15 min allowance', () => {
    const delay = 15 * 60_000;
    fc.assert(
      fc.property(scenario(delay), ({ window, delivered }) => {
        const folder = dayPath(delivered);
        expect(pathMayHoldWindow(folder, window, { maxDeliveryDelayMs: delay })).toBe(true);
        expect(deliveryDays(window, { maxDeliveryDelayMs: delay })).toContain(folder.split('/').slice(-3).join('/'));
      }),
      { numRuns: 500 },
    );
  });

  it('prunes a folder delivered before since or more than the delay after until', () => {
    fc.assert(
      fc.property(scenario(DAY_MS), fc.integer({ min: 1, max: 30 }), ({ window }, days) => {
        const before = window.since.getTime() - days * DAY_MS;
        // The folder of a day entirely before since's day is pruned.
        expect(pathMayHoldWindow(dayPath(before), window)).toBe(false);
        const after = window.until.getTime() + DAY_MS + days * DAY_MS;
        expect(pathMayHoldWindow(dayPath(after), window)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
