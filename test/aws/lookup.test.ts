/**
 * CloudTrail Event history reading against an in-process LookupEvents fake (test/support/cloudtrail-lookup.ts)
 * on a fake clock: pacing under the 2 requests/s limit, backoff on throttling, paging, filters, failures.
 */
import { describe, expect, it } from 'vitest';
import type { ActivityItem, ActivityProgress } from '../../src/core/ports/activity-source.js';
import { AwsAdapterError } from '../../src/adapters/aws/errors.js';
import {
  clampLookupWindow,
  LOOKUP_MANAGEMENT_ONLY_WARNING,
  LOOKUP_PACE_TPS,
  LookupEventsSource,
  lookupRegions,
} from '../../src/adapters/aws/lookup.js';
import { backoffDelay, TokenBucket } from '../../src/adapters/aws/pacer.js';
import { FakeClock } from '../support/clock.js';
import { FakeLookupCloudTrail, makeEvents, throttlingError, type FakeLookupRequest } from '../support/cloudtrail-lookup.js';

const DAY = 86_400_000;

async function drain(it: AsyncIterable<ActivityItem>): Promise<ActivityItem[]> {
  const out: ActivityItem[] = [];
  for await (const x of it) out.push(x);
  return out;
}

function ids(items: ActivityItem[]): string[] {
  return items.flatMap((i) => (i.kind === 'record' ? [(i.record as { eventID: string }).eventID] : []));
}

/** Max requests of one region in any 1,000 ms window. */
function maxPerSecond(reqs: FakeLookupRequest[]): number {
  let max = 0;
  for (const a of reqs) max = Math.max(max, reqs.filter((b) => b.at >= a.at && b.at - a.at < 1000).length);
  return max;
}

function setup(events: Record<string, ReturnType<typeof makeEvents>>, opts: ConstructorParameters<typeof FakeLookupCloudTrail>[2] = {}) {
  const clock = new FakeClock();
  const fake = new FakeLookupCloudTrail(events, clock, opts);
  const window = { since: new Date(clock.now() - 30 * DAY), until: new Date(clock.now()) };
  return { clock, fake, window };
}

describe('LookupEventsSource', () => {
  it('reads every page, 50 events at a time, paced below 2 requests/s, without throttling', async () => {
    // Given 237 events in one region (5 pages) and a fake that throttles above 2 requests/s
    const { clock, fake, window } = setup({ 'us-east-1': makeEvents('us-east-1', 237, new Date(Date.UTC(2026, 9, 31))) });
    const src = new LookupEventsSource((r) => fake.client(r), { regions: ['us-east-1'], clock, random: () => 0.5 });
    // When the whole window is read
    const read = src.read(window);
    const items = await drain(read);
    // Then every event arrives once, newest first, with its region and index as the source
    expect(ids(items)).toEqual(makeEvents('us-east-1', 237, new Date(0)).map((e) => e.eventId));
    expect(items[60]).toMatchObject({ kind: 'record', source: { file: 'lookup:us-east-1', index: 60 } });
    expect(read.summary().records).toBe(237);
    // And the pages were 50 events each, with no throttling, and never more than 2 requests in a second
    expect(fake.requests.map((r) => r.returned)).toEqual([50, 50, 50, 50, 37]);
    expect(fake.requests.every((r) => r.outcome === 'served' && r.maxResults === 50)).toBe(true);
    expect(maxPerSecond(fake.requests)).toBeLessThanOrEqual(2);
    const gaps = fake.requests.slice(1).map((r, i) => r.at - fake.requests[i].at);
    for (const g of gaps) expect(g).toBeGreaterThanOrEqual(Math.floor(1000 / LOOKUP_PACE_TPS));
  });

  it('retries a page whose request timed out, with the same token (the SDK does not retry this client)', async () => {
    // Given a client whose second request times out once (the SDK's TimeoutError), then answers
    const { clock, fake, window } = setup({ 'us-east-1': makeEvents('us-east-1', 120, new Date(Date.UTC(2026, 9, 31))) });
    let sent = 0;
    const tokens: (string | undefined)[] = [];
    const timingOut = (r: string) => ({
      send: async (cmd: unknown) => {
        sent++;
        tokens.push((cmd as { input: { NextToken?: string } }).input.NextToken);
        if (sent === 2) throw Object.assign(new Error('socket timed out'), { name: 'TimeoutError' });
        return fake.client(r).send(cmd);
      },
    });
    const src = new LookupEventsSource(timingOut, { regions: [], clock, random: () => 0 });
    // When read
    const items = await drain(src.read(window));
    // Then every event arrives once, and the timed-out request was repeated with its token
    expect(new Set(ids(items)).size).toBe(120);
    expect(ids(items)).toHaveLength(120);
    expect(tokens.slice(0, 3)).toEqual([undefined, 'tok-50', 'tok-50']);
  });

  it('retries a throttled page with the same token: no page is lost or repeated', async () => {
    // Given a fake that throttles requests number 2, 3 and 5 whatever the rate
    const { clock, fake, window } = setup(
      { 'us-east-1': makeEvents('us-east-1', 180, new Date(Date.UTC(2026, 9, 31))) },
      { throttleRequests: [2, 3, 5] },
    );
    const src = new LookupEventsSource((r) => fake.client(r), { regions: [], clock, random: () => 0 });
    // When read
    const items = await drain(src.read(window));
    // Then all 180 events arrive exactly once and in order
    const got = ids(items);
    expect(got).toHaveLength(180);
    expect(new Set(got).size).toBe(180);
    expect(got).toEqual(makeEvents('us-east-1', 180, new Date(0)).map((e) => e.eventId));
    // And each throttled request was repeated with the same NextToken before moving on
    expect(fake.requests.map((r) => [r.outcome, r.nextToken ?? '-'])).toEqual([
      ['served', '-'],
      ['throttled', 'tok-50'],
      ['throttled', 'tok-50'],
      ['served', 'tok-50'],
      ['throttled', 'tok-100'],
      ['served', 'tok-100'],
      ['served', 'tok-150'],
    ]);
    // And the waits before retries grew (backoff with random()=0 gives half the ceiling: 500, 1000 ms)
    expect(clock.sleeps.filter((s) => s === 500 || s === 1000).length).toBeGreaterThanOrEqual(2);
  });

  it('recovers when another caller shares the budget and the API throttles by rate', async () => {
    // Given a fake allowing only 1 request/s (someone else uses the other one): our 1.8/s gets throttled
    const { clock, fake, window } = setup(
      { 'us-east-1': makeEvents('us-east-1', 400, new Date(Date.UTC(2026, 9, 31))) },
      { limitPerSecond: 1 },
    );
    const src = new LookupEventsSource((r) => fake.client(r), { regions: ['us-east-1'], clock, random: () => 0.3 });
    const items = await drain(src.read(window));
    // Then throttling happened, and still every event was read once
    expect(fake.requests.some((r) => r.outcome === 'throttled')).toBe(true);
    expect(new Set(ids(items)).size).toBe(400);
    expect(ids(items)).toHaveLength(400);
  });

  it('filters by session name with the Username lookup attribute (fewer pages)', async () => {
    const { clock, fake, window } = setup({ 'us-east-1': makeEvents('us-east-1', 200, new Date(Date.UTC(2026, 9, 31))) });
    const src = new LookupEventsSource((r) => fake.client(r), { regions: ['us-east-1'], clock });
    const items = await drain(src.read({ ...window, sessionName: 'orders-api' }));
    expect(fake.requests.every((r) => r.username === 'orders-api')).toBe(true);
    expect(fake.requests).toHaveLength(2); // 100 of the 200 events, 50 a page
    expect(items).toHaveLength(100);
    for (const i of items) {
      expect((i as { record: { userIdentity: { arn: string } } }).record.userIdentity.arn).toMatch(/\/orders-api$/);
    }
  });

  it('reads every given region plus us-east-1, each paced on its own', async () => {
    const newest = new Date(Date.UTC(2026, 9, 31));
    const { clock, fake, window } = setup({
      'eu-west-1': makeEvents('eu-west-1', 120, newest),
      'us-east-1': makeEvents('us-east-1', 10, newest),
    });
    const src = new LookupEventsSource((r) => fake.client(r), { regions: ['eu-west-1'], clock });
    const items = await drain(src.read(window));
    expect([...new Set(fake.requests.map((r) => r.region))]).toEqual(['eu-west-1', 'us-east-1']);
    expect(items.filter((i) => i.kind === 'record' && i.source.file === 'lookup:eu-west-1')).toHaveLength(120);
    expect(items.filter((i) => i.kind === 'record' && i.source.file === 'lookup:us-east-1')).toHaveLength(10);
    expect(lookupRegions(['us-west-2', 'eu-west-1', 'us-west-2'])).toEqual(['eu-west-1', 'us-east-1', 'us-west-2']);
  });

  it('reports a region that fails (e.g. denied by an SCP) as partial, and reads the others', async () => {
    const denied = () => Object.assign(new Error('User is not authorized to perform cloudtrail:LookupEvents'), { name: 'AccessDeniedException' });
    const { clock, fake, window } = setup(
      { 'us-east-1': makeEvents('us-east-1', 20, new Date(Date.UTC(2026, 9, 31))) },
      { failRegions: { 'ap-south-1': denied } },
    );
    const src = new LookupEventsSource((r) => fake.client(r), { regions: ['ap-south-1'], clock });
    const read = src.read(window);
    const items = await drain(read);
    expect(items).toHaveLength(20);
    expect(read.summary().failures).toHaveLength(1);
    expect(read.summary().failures[0]).toMatchObject({ scope: 'lookup:ap-south-1', code: 'access-denied' });
    expect(read.summary().failures[0].message).toContain('cloudtrail:LookupEvents');
  });

  it('throws a typed error naming cloudtrail:LookupEvents when every region is denied', async () => {
    const denied = () => Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    const { clock, fake, window } = setup({}, { failRegions: { 'us-east-1': denied } });
    const src = new LookupEventsSource((r) => fake.client(r), { regions: [], clock });
    const err = await drain(src.read(window)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsAdapterError);
    expect(err).toMatchObject({ code: 'access-denied', action: 'cloudtrail:LookupEvents' });
    expect((err as AwsAdapterError).hint).toContain('docs/permissions.json');
  });

  it('gives a region up after the retry budget and says so', async () => {
    const { clock, fake, window } = setup(
      { 'us-east-1': makeEvents('us-east-1', 5, new Date(Date.UTC(2026, 9, 31))) },
      { failRegions: { 'eu-west-1': throttlingError } },
    );
    const src = new LookupEventsSource((r) => fake.client(r), {
      regions: ['eu-west-1'],
      clock,
      backoff: { baseMs: 100, maxMs: 400, maxRetries: 3 },
    });
    const read = src.read(window);
    expect(await drain(read)).toHaveLength(5);
    expect(fake.requests.filter((r) => r.region === 'eu-west-1')).toHaveLength(4); // 1 + 3 retries
    expect(read.summary().failures[0]).toMatchObject({ scope: 'lookup:eu-west-1', code: 'throttled' });
  });

  it('reports a CloudTrailEvent that is not JSON with region and page, and goes on', async () => {
    const events = makeEvents('us-east-1', 60, new Date(Date.UTC(2026, 9, 31)));
    events[52].cloudTrailEvent = '{"eventVersion": ';
    const { clock, fake, window } = setup({ 'us-east-1': events });
    const items = await drain(new LookupEventsSource((r) => fake.client(r), { regions: [], clock }).read(window));
    const problems = items.filter((i) => i.kind === 'problem');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      kind: 'problem',
      problem: { code: 'not-json', file: 'lookup:us-east-1', position: 'page 2, event 3', eventId: 'us-east-1-00052' },
    });
    expect(items.filter((i) => i.kind === 'record')).toHaveLength(59);
  });

  it('clamps the window to 90 days and always warns that Event history has management events only', async () => {
    const { clock, fake } = setup({ 'us-east-1': [] });
    const src = new LookupEventsSource((r) => fake.client(r), { regions: [], clock });
    const read = src.read({ since: new Date(clock.now() - 200 * DAY), until: new Date(clock.now()) });
    await drain(read);
    const s = read.summary();
    expect(s.since.getTime()).toBe(clock.now() - 90 * DAY);
    expect(s.warnings).toContain(LOOKUP_MANAGEMENT_ONLY_WARNING);
    expect(s.warnings.some((w) => w.includes('90 days') && w.includes('clamped'))).toBe(true);
    expect(clampLookupWindow(new Date(clock.now() - DAY), new Date(clock.now()), clock.now()).warning).toBeUndefined();
  });

  it('reports progress after each page with pages, events and an ETA reaching 0', async () => {
    const { clock, fake, window } = setup({ 'us-east-1': makeEvents('us-east-1', 120, new Date(clock0() - 60_000)) });
    const seen: ActivityProgress[] = [];
    const src = new LookupEventsSource((r) => fake.client(r), { regions: [], clock, onProgress: (p) => seen.push(p) });
    await drain(src.read(window));
    expect(seen.map((p) => [p.pages, p.events])).toEqual([
      [1, 50],
      [2, 100],
      [3, 120],
    ]);
    expect(seen[seen.length - 1].etaMs).toBe(0);
    expect(seen.every((p) => p.detail === 'us-east-1')).toBe(true);
  });

  it('refuses a pace at or above the documented limit', () => {
    expect(() => new LookupEventsSource(() => ({ send: async () => ({}) as never }), { regions: [], paceTps: 2 })).toThrow(RangeError);
  });
});

function clock0(): number {
  return new FakeClock().now();
}

describe('TokenBucket and backoff', () => {
  it('spaces takes at least 1/rate apart with capacity 1, without sleeping for the first', async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket(1.8, 1, clock);
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      await bucket.take();
      times.push(clock.now());
    }
    expect(times[0]).toBe(new FakeClock().now());
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(555);
    // 10 requests at 1.8/s take at least 9/1.8 = 5 s
    expect(times[9] - times[0]).toBeGreaterThanOrEqual(5000);
  });

  it('keeps backoff delays within [ceiling/2, ceiling] and the ceiling capped', () => {
    const p = { baseMs: 1000, maxMs: 20_000, maxRetries: 8 };
    expect(backoffDelay(p, 0, () => 0)).toBe(500);
    expect(backoffDelay(p, 0, () => 0.999999)).toBe(1000);
    expect(backoffDelay(p, 3, () => 0)).toBe(4000);
    expect(backoffDelay(p, 10, () => 0.999999)).toBe(20_000);
  });
});
