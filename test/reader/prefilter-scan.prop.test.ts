/**
 * What the prefilter scan (`adapters/trail-decode/prefilter-scan.ts`) reads off a skipped record's bytes is what a
 * parsed record would give: in or outside the window exactly as `Date.parse` of its `eventTime` decides (the scan
 * compares CloudTrail's canonical form as bytes), and its Region by name.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { scanDocument } from '../../src/adapters/trail-decode/prefilter-scan.js';
import { principalFilterFor } from '../../src/core/trail/prefilter.js';

const needles = principalFilterFor(['arn:aws:iam::111122223333:role/app-role'])!;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** eventTime values: CloudTrail's form (valid or not as a date), and other forms `Date.parse` reads or refuses. */
const eventTime = fc.oneof(
  fc.record({ y: fc.integer({ min: 1999, max: 2031 }), mo: fc.integer({ min: 0, max: 13 }), d: fc.integer({ min: 0, max: 32 }), h: fc.integer({ min: 0, max: 25 }), mi: fc.integer({ min: 0, max: 60 }), s: fc.integer({ min: 0, max: 60 }) }).map(
    ({ y, mo, d, h, mi, s }) => `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}:${pad(s)}Z`,
  ),
  fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((t) => t.toISOString().replace(/\.\d{3}Z$/, 'Z')),
  fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((t) => t.toISOString()),
  fc.constantFrom('2026-10-01T00:00:00+02:00', '2026-10-01 00:00:00Z', 'yesterday', '', '2026-10-01', '2026-10-01T00:00:00z'),
);

/** Window bounds in milliseconds, with fractions of a second, or open. */
const bound = fc.option(fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2030-01-01T00:00:00Z') }), { nil: undefined });

describe('the prefilter scan reads a skipped record as parsing would', () => {
  it('counts it in or outside the window as Date.parse of its eventTime decides', () => {
    fc.assert(
      fc.property(fc.array(eventTime, { minLength: 1, maxLength: 30 }), bound, bound, fc.array(fc.integer({ min: -3000, max: 3000 }), { maxLength: 6 }), (others, since, until, nearBounds) => {
        // Times within a few seconds of the bounds, where comparing whole seconds could go wrong.
        const near = nearBounds.flatMap((d) => [since, until].filter((b) => b !== undefined).map((b) => new Date(b! + d).toISOString().replace(/\.\d{3}Z$/, 'Z')));
        const times = [...others, ...near];
        const window = { sinceMs: since ?? -Infinity, untilMs: until ?? Infinity };
        const records = times.map((t, i) => ({ eventVersion: '1.08', userIdentity: { arn: 'arn:aws:sts::111122223333:assumed-role/other/fn' }, eventTime: t, awsRegion: 'us-east-1', eventID: `e${i}` }));
        const scan = scanDocument(Buffer.from(JSON.stringify({ Records: records })), 0, needles, window);
        expect(scan).toBeDefined();
        times.forEach((t, k) => {
          const ms = Date.parse(t);
          const expected = ms === ms && (ms < window.sinceMs || ms >= window.untilMs);
          expect(scan!.pass[k], t).toBe(0);
          expect(scan!.outside[k] === 1, `${t} in [${since}, ${until})`).toBe(expected);
          expect(scan!.regions[scan!.region[k]!]).toBe('us-east-1');
        });
      }),
      { numRuns: 300 },
    );
  });

  it('names each Region, and lets through a record whose Region or time it cannot read', () => {
    const rec = (extra: Record<string, unknown>) => ({ eventVersion: '1.08', userIdentity: { arn: 'arn:aws:sts::1:assumed-role/other/fn' }, eventTime: '2026-10-05T00:00:00Z', ...extra });
    const doc = { Records: [rec({ awsRegion: 'eu-west-1' }), rec({ awsRegion: 'us-east-1' }), rec({}), rec({ awsRegion: 'eu-west-1', requestParameters: { awsRegion: 'us-east-1' } }), rec({ awsRegion: 'eu-west-1', eventTime: 5 }), rec({ awsRegion: 'eu-west-1' })] };
    const scan = scanDocument(Buffer.from(JSON.stringify(doc)), 0, needles, { sinceMs: Date.parse('2026-10-01T00:00:00Z'), untilMs: Infinity })!;
    expect([...scan.pass]).toEqual([0, 0, 1, 1, 1, 0]);
    expect(scan.regions).toEqual(['eu-west-1', 'us-east-1']);
    expect([scan.region[0], scan.region[1], scan.region[5]]).toEqual([0, 1, 0]);
  });
});
