/**
 * `mayParse` (`adapters/trail-decode/prefilter.ts`) is the rule a scan worker sends records back by and the one
 * the reading thread parses them by, each against the Regions the tally holds at its own time. The worker asks
 * earlier, when the tally holds fewer Regions, so everything the reading thread parses must be among what was
 * sent: the rule may only shrink as the known Regions grow, and it always keeps the records the scan let through.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mayParse, type ScanVerdicts } from '../../src/adapters/trail-decode/prefilter.js';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-south-1', 'sa-east-1'];

/** A scan's verdicts: per record whether it was let through and its Region (an index into the scan's Regions). */
const verdicts = fc
  .array(fc.record({ pass: fc.boolean(), region: fc.nat({ max: REGIONS.length - 1 }) }), { maxLength: 60 })
  .map((rs): ScanVerdicts => ({
    pass: Uint8Array.from(rs, (r) => (r.pass ? 1 : 0)),
    region: Uint8Array.from(rs, (r) => r.region),
    regions: REGIONS,
    outside: new Uint8Array(rs.length),
  }));

/** Regions known when a worker was asked, and the Regions learnt by the time the reading thread parses. */
const knownThenLater = fc.tuple(fc.subarray(REGIONS), fc.subarray(REGIONS)).map(([then, learnt]) => ({ then: new Set(then), later: new Set([...then, ...learnt]) }));

describe('mayParse', () => {
  it('parses later only records sent earlier, and always the let-through ones', () => {
    fc.assert(
      fc.property(verdicts, knownThenLater, (scan, { then, later }) => {
        const sent = mayParse(scan, then);
        const parsed = mayParse(scan, later);
        for (let k = 0; k < scan.pass.length; k++) {
          if (parsed[k]) expect(sent[k], `record ${k}`).toBe(1);
          if (scan.pass[k]) expect(parsed[k], `record ${k}`).toBe(1);
          // A record not let through is parsed exactly when its Region is not known yet.
          if (!scan.pass[k]) expect(parsed[k] === 1).toBe(!later.has(REGIONS[scan.region[k]!]!));
        }
      }),
    );
  });
});
