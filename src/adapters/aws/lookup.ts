/**
 * CloudTrail Event history (`LookupEvents`) as an activity source: a window of at most 90 days, over
 * several regions, paced under the API's rate limit, with backoff on throttling.
 */
import {
  LookupEventsCommand,
  type CloudTrailClient,
  type LookupEventsCommandInput,
  type LookupEventsCommandOutput,
  type Event as TrailEvent,
} from '@aws-sdk/client-cloudtrail';
import type {
  ActivityItem,
  ActivityProgress,
  ActivityQuery,
  ActivityRead,
  ActivityReadSummary,
  ActivitySource,
  PartialFailure,
} from '../../core/ports/activity-source.js';
import { AwsAdapterError, isThrottle, isTimeout, toAwsError } from './errors.js';
import { backoffDelay, systemClock, TokenBucket, type BackoffPolicy, type Clock } from './pacer.js';

/** The part of the CloudTrail client this adapter uses. */
export type CloudTrailSender = Pick<CloudTrailClient, 'send'>;

/**
 * LookupEvents is limited to 2 requests per second per account per region
 * (CloudTrail API Reference, LookupEvents: "The rate of lookup requests is limited to two per second, per
 * account, per Region"). We pace at 1.8/s so clock skew and other callers leave some headroom.
 */
export const LOOKUP_LIMIT_TPS = 2;
/** Requests per second policy-trim sends per region: below {@link LOOKUP_LIMIT_TPS}. */
export const LOOKUP_PACE_TPS = 1.8;
/** Events per LookupEvents page: the API's maximum (`MaxResults` 1..50). */
export const LOOKUP_PAGE_SIZE = 50;
/** Event history keeps 90 days of management events (CloudTrail User Guide, "Working with Event history"). */
export const LOOKUP_MAX_DAYS = 90;
/** Global services (IAM, STS global endpoint, CloudFront, Route 53, ...) log to us-east-1. */
export const GLOBAL_SERVICES_REGION = 'us-east-1';

/** Throttling backoff: 1 s doubling to 20 s, 8 retries (≈ 1.5 min worst case) before a region is given up. */
export const LOOKUP_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 20_000, maxRetries: 8 };

/** The warning every `--lookup` run must show. */
export const LOOKUP_MANAGEMENT_ONLY_WARNING =
  'CloudTrail Event history (--lookup) contains management events only: data events (S3 object reads and ' +
  'writes, DynamoDB item calls, Lambda Invoke, SQS and SNS messages, ...) are never in it, so actions that only ' +
  'data events would show are kept as unobservable. Read a trail that records data events (--trail s3://... or ' +
  '--trail-name) to narrow them.';

/** Options for {@link LookupEventsSource}. */
export interface LookupSourceOptions {
  /** Regions to read; us-east-1 is always added for global services. */
  regions: readonly string[];
  clock?: Clock;
  /** Random in [0,1) for jitter (tests inject a fixed one). */
  random?: () => number;
  backoff?: BackoffPolicy;
  /** Requests per second per region (default {@link LOOKUP_PACE_TPS}; must stay below 2). */
  paceTps?: number;
  onProgress?: (p: ActivityProgress) => void;
  profile?: string;
  /**
   * Called once, after the first page of the first Region when there are more, with the read's estimated
   * length; throwing stops the read before the next request (the error is the read's).
   */
  onEstimate?: (e: LookupEstimate) => void;
}

/** How long a read of Event history will take, from how far back its first page reached. */
export interface LookupEstimate {
  regions: number;
  /** Pages of one Region, estimated from the first page's reach (Regions assumed alike). */
  pagesPerRegion: number;
  /** Seconds for every Region at the paced rate. */
  seconds: number;
}

/** Regions to read: the given ones plus us-east-1, de-duplicated and sorted (deterministic order). */
export function lookupRegions(regions: readonly string[]): string[] {
  return [...new Set([...regions, GLOBAL_SERVICES_REGION])].sort();
}

/**
 * Clamps a window to Event history's 90 days before `now`. Returns the window and a warning when clamped.
 */
export function clampLookupWindow(
  since: Date,
  until: Date,
  now: number,
): { since: Date; until: Date; warning?: string } {
  const earliest = now - LOOKUP_MAX_DAYS * 86_400_000;
  const end = new Date(Math.min(until.getTime(), now));
  if (since.getTime() >= earliest) return { since, until: end };
  const start = new Date(earliest);
  return {
    since: start,
    until: end,
    warning:
      `Event history keeps only ${LOOKUP_MAX_DAYS} days: the window was clamped from ${since.toISOString()} ` +
      `to ${start.toISOString()}. Use a trail bucket (--trail s3://...) for older activity.`,
  };
}

/** Reads CloudTrail Event history. */
export class LookupEventsSource implements ActivitySource {
  constructor(
    private readonly clientFor: (region: string) => CloudTrailSender,
    private readonly opts: LookupSourceOptions,
  ) {
    const pace = opts.paceTps ?? LOOKUP_PACE_TPS;
    if (!(pace > 0 && pace < LOOKUP_LIMIT_TPS)) throw new RangeError(`paceTps must be in (0, ${LOOKUP_LIMIT_TPS})`);
  }

  /** @inheritdoc */
  read(query: ActivityQuery): ActivityRead {
    const clock = this.opts.clock ?? systemClock;
    const window = clampLookupWindow(query.since, query.until, clock.now());
    const summary: ActivityReadSummary = {
      warnings: [LOOKUP_MANAGEMENT_ONLY_WARNING, ...(window.warning ? [window.warning] : [])],
      failures: [],
      records: 0,
      since: window.since,
      until: window.until,
    };
    const self = this;
    return {
      summary: () => summary,
      [Symbol.asyncIterator]: () => self.iterate(query, window, summary, clock)[Symbol.asyncIterator](),
    };
  }

  private async *iterate(
    query: ActivityQuery,
    window: { since: Date; until: Date },
    summary: ActivityReadSummary,
    clock: Clock,
  ): AsyncGenerator<ActivityItem> {
    const regions = lookupRegions(this.opts.regions);
    const started = clock.now();
    const span = Math.max(1, window.until.getTime() - window.since.getTime());
    let pages = 0;
    let firstError: AwsAdapterError | undefined;
    let stop: { error: unknown } | undefined;
    for (let r = 0; r < regions.length; r++) {
      const region = regions[r];
      const client = this.clientFor(region);
      const bucket = new TokenBucket(this.opts.paceTps ?? LOOKUP_PACE_TPS, 1, clock);
      const scope = `lookup:${region}`;
      let token: string | undefined;
      let page = 0;
      let index = 0;
      try {
        do {
          const out = await this.fetchPage(client, bucket, clock, {
            StartTime: window.since,
            EndTime: window.until,
            MaxResults: LOOKUP_PAGE_SIZE,
            NextToken: token,
            ...(query.sessionName
              ? { LookupAttributes: [{ AttributeKey: 'Username' as const, AttributeValue: query.sessionName }] }
              : {}),
          });
          const events = out.Events ?? [];
          for (let i = 0; i < events.length; i++) {
            const item = eventItem(events[i]!, region, scope, `page ${page + 1}, event ${i + 1}`, index++);
            if (item.kind === 'record') summary.records++;
            yield item;
          }
          page++;
          pages++;
          token = out.NextToken || undefined;
          if (pages === 1 && token && this.opts.onEstimate) {
            try {
              this.opts.onEstimate(estimateOf(regionFraction(events, token, window, span), regions.length, this.opts.paceTps ?? LOOKUP_PACE_TPS));
            } catch (e) {
              stop = { error: e };
              break;
            }
          }
          if (this.opts.onProgress) {
            const done = (r + regionFraction(events, token, window, span)) / regions.length;
            const elapsed = clock.now() - started;
            this.opts.onProgress({
              pages,
              events: summary.records,
              ...(done > 0 ? { etaMs: Math.round((elapsed * (1 - done)) / done) } : {}),
              detail: region,
            });
          }
        } while (token);
      } catch (err) {
        const e = toAwsError(err, { action: 'cloudtrail:LookupEvents', resource: `region ${region}`, profile: this.opts.profile });
        if (e.code === 'credentials') throw e;
        firstError ??= e;
        const failure: PartialFailure = {
          scope,
          code: e.code,
          message: `${e.message} (read ${page} page(s) of ${region} before the failure)`,
          ...(e.hint ? { hint: e.hint } : {}),
        };
        summary.failures.push(failure);
      }
      if (stop) throw stop.error;
    }
    if (firstError && summary.failures.length === regions.length) throw firstError;
  }

  private async fetchPage(
    client: CloudTrailSender,
    bucket: TokenBucket,
    clock: Clock,
    input: LookupEventsCommandInput,
  ): Promise<LookupEventsCommandOutput> {
    const policy = this.opts.backoff ?? LOOKUP_BACKOFF;
    for (let attempt = 0; ; attempt++) {
      await bucket.take();
      try {
        return await client.send(new LookupEventsCommand(input));
      } catch (err) {
        // Throttling and a timed-out request are retried (the SDK does not, for this client): the same request,
        // same NextToken, so no page is skipped.
        if (!(isThrottle(err) || isTimeout(err)) || attempt >= policy.maxRetries) throw err;
        await clock.sleep(backoffDelay(policy, attempt, this.opts.random));
      }
    }
  }
}

/** One Event history entry as an activity item: its CloudTrail record, or a problem when it is not JSON. */
function eventItem(ev: TrailEvent, region: string, scope: string, position: string, index: number): ActivityItem {
  let record: unknown;
  try {
    record = JSON.parse(ev.CloudTrailEvent ?? '');
  } catch (e) {
    return {
      kind: 'problem',
      problem: {
        code: 'not-json',
        message: `Event ${ev.EventId ?? '?'} from LookupEvents in ${region} has a CloudTrailEvent that is not JSON (${(e as Error).message}); skipped.`,
        file: scope,
        position,
        ...(ev.EventId ? { eventId: ev.EventId } : {}),
        ...(ev.EventSource ? { eventSource: ev.EventSource } : {}),
        ...(ev.EventName ? { eventName: ev.EventName } : {}),
      },
    };
  }
  return { kind: 'record', record, source: { file: scope, index } };
}

/** The estimate from the share of a Region's window the first page covered (at least one page per Region). */
function estimateOf(fraction: number, regions: number, paceTps: number): LookupEstimate {
  // A first page that covers nothing measurable (every event in one instant) says only "many": 1,000 pages.
  const pagesPerRegion = fraction > 0 ? Math.max(1, Math.ceil(1 / fraction)) : 1000;
  return { regions, pagesPerRegion, seconds: Math.round((pagesPerRegion * regions) / paceTps) };
}

/**
 * How far back one region's read has got, 0..1: events arrive newest first, so the oldest time seen on the page
 * tells; the region is done when there is no next page.
 */
function regionFraction(events: TrailEvent[], token: string | undefined, window: { since: Date; until: Date }, span: number): number {
  if (!token) return 1;
  const oldest = events.length ? events[events.length - 1]!.EventTime : undefined;
  return oldest ? Math.min(1, Math.max(0, (window.until.getTime() - new Date(oldest).getTime()) / span)) : 0;
}
