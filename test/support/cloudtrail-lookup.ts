/**
 * In-process fake of CloudTrail's LookupEvents at the client level (an object with `send`).
 *
 * Behaviour spec (what the real API documents, reduced to what policy-trim relies on):
 * - Only `LookupEventsCommand` is accepted; anything else throws.
 * - Rate limit: at most `limitPerSecond` (default 2) accepted requests in any 1,000 ms window of the fake
 *   clock; a request over it throws `ThrottlingException` and is not served (it does not count).
 * - `MaxResults` 1..50 (default 50); at most one `LookupAttributes` entry (the API allows one); `Username`,
 *   `EventName`, `EventSource` and `EventId` filter; `StartTime` inclusive, `EndTime` inclusive (as the API).
 * - Events come newest first; `NextToken` is opaque and must be passed back with the same filters.
 * - `throttleRequests` lists 1-based request numbers to throttle regardless of rate (to force retries).
 * - `failRegions` maps a region to an error thrown on every request there (e.g. AccessDenied by an SCP).
 */
import { LookupEventsCommand, type Event, type LookupEventsCommandOutput } from '@aws-sdk/client-cloudtrail';
import type { Clock } from '../../src/adapters/aws/pacer.js';

/** One stored event. */
export interface FakeEvent {
  eventId: string;
  eventTime: Date;
  eventName: string;
  eventSource: string;
  username: string;
  /** The JSON string the API returns as `CloudTrailEvent` (may be broken on purpose). */
  cloudTrailEvent: string;
}

/** A request the fake received. */
export interface FakeLookupRequest {
  region: string;
  at: number;
  nextToken?: string;
  username?: string;
  maxResults?: number;
  outcome: 'served' | 'throttled' | 'failed';
  returned: number;
}

/** Options of the fake. */
export interface FakeLookupOptions {
  limitPerSecond?: number;
  throttleRequests?: number[];
  failRegions?: Record<string, () => Error>;
}

/** A throttling error shaped like the SDK's. */
export function throttlingError(): Error {
  const e = new Error('Rate exceeded');
  e.name = 'ThrottlingException';
  return e;
}

/** Builds a fake of CloudTrail for several regions sharing one request log. */
export class FakeLookupCloudTrail {
  readonly requests: FakeLookupRequest[] = [];
  /** SDK command class names received (for the permissions check). */
  readonly commands: string[] = [];
  private readonly accepted = new Map<string, number[]>();
  private count = 0;

  constructor(
    private readonly events: Record<string, FakeEvent[]>,
    private readonly clock: Clock,
    private readonly opts: FakeLookupOptions = {},
  ) {}

  /** The client of one region. */
  client(region: string): { send(cmd: unknown): Promise<LookupEventsCommandOutput> } {
    return { send: (cmd: unknown) => this.send(region, cmd) };
  }

  private async send(region: string, cmd: unknown): Promise<LookupEventsCommandOutput> {
    if (!(cmd instanceof LookupEventsCommand)) throw new Error(`fake CloudTrail: unsupported command ${String((cmd as object)?.constructor?.name)}`);
    this.commands.push('LookupEventsCommand');
    const input = cmd.input;
    const now = this.clock.now();
    this.count++;
    const username = input.LookupAttributes?.find((a) => a.AttributeKey === 'Username')?.AttributeValue;
    const req: FakeLookupRequest = {
      region,
      at: now,
      nextToken: input.NextToken,
      username,
      maxResults: input.MaxResults,
      outcome: 'served',
      returned: 0,
    };
    this.requests.push(req);
    const fail = this.opts.failRegions?.[region];
    if (fail) {
      req.outcome = 'failed';
      throw fail();
    }
    const window = (this.accepted.get(region) ?? []).filter((t) => now - t < 1000);
    if (this.opts.throttleRequests?.includes(this.count) || window.length >= (this.opts.limitPerSecond ?? 2)) {
      req.outcome = 'throttled';
      this.accepted.set(region, window);
      throw throttlingError();
    }
    window.push(now);
    this.accepted.set(region, window);

    if ((input.LookupAttributes?.length ?? 0) > 1) throw Object.assign(new Error('only one lookup attribute'), { name: 'InvalidLookupAttributesException' });
    const max = input.MaxResults ?? 50;
    if (max < 1 || max > 50) throw Object.assign(new Error('MaxResults 1..50'), { name: 'InvalidMaxResultsException' });
    const start = input.StartTime ? new Date(input.StartTime).getTime() : -Infinity;
    const end = input.EndTime ? new Date(input.EndTime).getTime() : Infinity;
    const matching = (this.events[region] ?? [])
      .filter((e) => e.eventTime.getTime() >= start && e.eventTime.getTime() <= end)
      .filter((e) => (username === undefined ? true : e.username === username))
      .sort((a, b) => b.eventTime.getTime() - a.eventTime.getTime() || (a.eventId < b.eventId ? -1 : 1));
    const offset = input.NextToken ? Number(/^tok-(\d+)$/.exec(input.NextToken)?.[1] ?? NaN) : 0;
    if (Number.isNaN(offset)) throw Object.assign(new Error('bad token'), { name: 'InvalidNextTokenException' });
    const page = matching.slice(offset, offset + max);
    req.returned = page.length;
    const events: Event[] = page.map((e) => ({
      EventId: e.eventId,
      EventName: e.eventName,
      EventSource: e.eventSource,
      EventTime: e.eventTime,
      Username: e.username,
      CloudTrailEvent: e.cloudTrailEvent,
    }));
    return {
      Events: events,
      ...(offset + max < matching.length ? { NextToken: `tok-${offset + max}` } : {}),
      $metadata: { httpStatusCode: 200 },
    };
  }
}

/** `n` events in `region`, one a minute back from `newest`, by `username` (default alternating two functions). */
export function makeEvents(region: string, n: number, newest: Date, username?: (i: number) => string): FakeEvent[] {
  const out: FakeEvent[] = [];
  for (let i = 0; i < n; i++) {
    const t = new Date(newest.getTime() - i * 60_000);
    const user = username ? username(i) : i % 2 === 0 ? 'orders-api' : 'orders-worker';
    const id = `${region}-${String(i).padStart(5, '0')}`;
    out.push({
      eventId: id,
      eventTime: t,
      eventName: 'DescribeTable',
      eventSource: 'dynamodb.amazonaws.com',
      username: user,
      cloudTrailEvent: JSON.stringify({
        eventVersion: '1.08',
        eventID: id,
        eventTime: t.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        eventSource: 'dynamodb.amazonaws.com',
        eventName: 'DescribeTable',
        awsRegion: region,
        userIdentity: {
          type: 'AssumedRole',
          arn: `arn:aws:sts::123456789012:assumed-role/orders-api-role/${user}`,
          sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::123456789012:role/orders-api-role' } },
        },
        requestParameters: { tableName: 'orders' },
      }),
    });
  }
  return out;
}
