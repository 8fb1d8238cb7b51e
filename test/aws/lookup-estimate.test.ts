/**
 * Before a long read of Event history (paced at 2 requests/s per Region), policy-trim estimates its length from
 * how far back the first page reached, says it, and above ten minutes stops unless `--yes`.
 */
import { describe, expect, it } from 'vitest';
import { LookupEventsSource, type LookupEstimate } from '../../src/adapters/aws/lookup.js';
import { LOOKUP_CONFIRM_SECONDS, lookupEstimateNotice } from '../../src/cli/aws-wiring.js';
import { FakeLookupCloudTrail, makeEvents } from '../support/cloudtrail-lookup.js';
import { FakeClock } from '../support/clock.js';

const DAY = 86_400_000;

/** One event a minute for a day in each Region, read over that day. */
function setup() {
  const clock = new FakeClock();
  const newest = new Date(clock.now() - 1000);
  const fake = new FakeLookupCloudTrail({ 'eu-west-1': makeEvents('eu-west-1', 1440, newest), 'us-east-1': makeEvents('us-east-1', 1440, newest) }, clock);
  return { clock, fake, window: { since: new Date(clock.now() - DAY), until: new Date(clock.now()) } };
}

async function drain(it: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of it) n++;
  return n;
}

describe('Event history: the estimate before a long read', () => {
  it('estimates pages and seconds once, from the first page\'s reach, and reads on', async () => {
    const { clock, fake, window } = setup();
    const seen: LookupEstimate[] = [];
    const src = new LookupEventsSource((r) => fake.client(r), { regions: ['eu-west-1'], clock, random: () => 0.5, onEstimate: (e) => seen.push(e) });
    expect(await drain(src.read(window))).toBe(2880);
    // 50 events a page at one a minute: the first page reaches back 49 of 1,440 minutes (its oldest event) →
    // 30 pages a Region estimated, for the 29 there are.
    expect(seen).toEqual([{ regions: 2, pagesPerRegion: 30, seconds: Math.round((30 * 2) / 1.8) }]);
    expect(fake.requests.length).toBe(58);
  });

  it('stops before the second request when the estimate is refused, with the refusal as the error', async () => {
    const { clock, fake, window } = setup();
    const refusal = new Error('too long');
    const src = new LookupEventsSource((r) => fake.client(r), { regions: ['eu-west-1'], clock, onEstimate: () => { throw refusal; } });
    await expect(drain(src.read(window))).rejects.toBe(refusal);
    expect(fake.requests.length).toBe(1);
  });
});

describe('lookupEstimateNotice', () => {
  const estimate = (seconds: number): LookupEstimate => ({ regions: 2, pagesPerRegion: Math.round((seconds * 1.8) / 2), seconds });

  it('says nothing under a minute, says the length up to ten minutes, and refuses longer without --yes', () => {
    expect(lookupEstimateNotice(estimate(30), false)).toEqual({});
    const five = lookupEstimateNotice(estimate(300), false);
    expect(five.note).toBe('note: reading Event history will take about 5 minute(s): about 270 page(s) in each of 2 Region(s), at most 2 requests a second (CloudTrail\'s limit)');
    expect(five.refuse).toBeUndefined();
    const hour = lookupEstimateNotice(estimate(3600), false);
    expect(hour.refuse?.code).toBe('lookup-too-long');
    expect(hour.refuse?.message).toBe('Event history would take about 60 minutes to read; stopped before reading it');
    expect(hour.refuse?.hint).toContain('Pass --yes');
    expect(lookupEstimateNotice(estimate(3600), true).refuse).toBeUndefined();
    expect(lookupEstimateNotice(estimate(LOOKUP_CONFIRM_SECONDS), false).refuse).toBeUndefined();
    expect(lookupEstimateNotice(estimate(LOOKUP_CONFIRM_SECONDS + 1), false).refuse).toBeDefined();
  });
});
