/**
 * IAM last-accessed information for one role (`suggest --access-advisor`), through a narrow interface
 * (`IamSender`, the IAM client's `send`) that tests point at a local fake server. GenerateServiceLastAccessedDetails
 * with Granularity ACTION_LEVEL starts an asynchronous job; GetServiceLastAccessedDetails is asked with a growing
 * pause until the job is COMPLETED (or FAILED), then page by page (Marker / IsTruncated). A throttled call is
 * retried after a growing, jittered wait, so no page is lost.
 */
import {
  GenerateServiceLastAccessedDetailsCommand,
  GetServiceLastAccessedDetailsCommand,
  type GetServiceLastAccessedDetailsCommandOutput,
} from '@aws-sdk/client-iam';
import { PolicyTrimError } from '../../core/errors.js';
import type { LastAccessedReport, ServiceAccess } from '../../core/second-opinion/types.js';
import { callAws, isThrottle, type CallContext } from './errors.js';
import type { IamSender } from './iam.js';
import { backoffDelay, systemClock, type BackoffPolicy, type Clock } from './pacer.js';

/**
 * Pauses between two GetServiceLastAccessedDetails calls while the job runs (ms): from 1 s, ×1.5, at most 10 s;
 * given up after 10 minutes (a tuning choice, not an AWS figure: IAM documents no completion time). A quick job is
 * seen within a second or two; a slow one is asked about every 10 s, a pace that leaves the account's IAM request
 * rate to everything else. A throttled answer is retried as {@link THROTTLE_RETRY} says.
 */
export const JOB_POLL = { firstMs: 1000, factor: 1.5, maxMs: 10_000, giveUpMs: 600_000 } as const;

/** Retries of a throttled call: 1 s doubling to 20 s, 8 retries (as the Event history reader's, docs/aws.md). */
export const THROTTLE_RETRY: BackoffPolicy = { baseMs: 1000, maxMs: 20_000, maxRetries: 8 };

/** A job IAM reported as FAILED, or one that did not finish in time. */
export class LastAccessedJobError extends PolicyTrimError {
  constructor(message: string, hint: string) {
    super({ code: 'last-accessed-job', message, hint, source: 'user' });
  }
}

/** Options of {@link IamAccessAdvisor}. */
export interface AccessAdvisorOptions {
  clock?: Clock;
  random?: () => number;
  /** MaxItems per page (default: IAM's default, 100). Small values exercise paging in tests. */
  pageSize?: number;
  /** Called after each status answer while the job runs. */
  onPoll?: (status: string, elapsedMs: number) => void;
}

/** Reads a role's last-accessed report from IAM. */
export class IamAccessAdvisor {
  /** Calls sent (each is one request to IAM; throttled retries included). */
  calls = 0;
  private readonly clock: Clock;

  constructor(
    private readonly iam: IamSender,
    private readonly opts: AccessAdvisorOptions = {},
  ) {
    this.clock = opts.clock ?? systemClock;
  }

  /** The role's ACTION_LEVEL report: started, waited for, and read to its last page. */
  async report(roleArn: string): Promise<LastAccessedReport> {
    const started = await this.send('iam:GenerateServiceLastAccessedDetails', roleArn, () =>
      this.iam.send(new GenerateServiceLastAccessedDetailsCommand({ Arn: roleArn, Granularity: 'ACTION_LEVEL' })),
    );
    const jobId = started.JobId;
    if (!jobId) throw new LastAccessedJobError(`IAM started no last-accessed job for ${roleArn} (no JobId in its answer)`, 'Try again; if it persists, run without --access-advisor.');
    let page = await this.waitFor(jobId, roleArn);
    const services: ServiceAccess[] = [];
    const created = page.JobCreationDate;
    for (;;) {
      services.push(...(page.ServicesLastAccessed ?? []).map(serviceOf));
      if (!page.IsTruncated || !page.Marker) break;
      const marker = page.Marker;
      page = await this.get(jobId, marker);
    }
    return { arn: roleArn, jobCreatedAt: (created ?? new Date(this.clock.now())).toISOString(), services };
  }

  /** Asks for the job's status, pausing longer each time, until it is done; its first page. */
  private async waitFor(jobId: string, roleArn: string): Promise<GetServiceLastAccessedDetailsCommandOutput> {
    const t0 = this.clock.now();
    let pause: number = JOB_POLL.firstMs;
    for (;;) {
      const out = await this.get(jobId);
      const status = out.JobStatus ?? 'UNKNOWN';
      this.opts.onPoll?.(status, this.clock.now() - t0);
      if (status === 'COMPLETED') return out;
      if (status === 'FAILED') {
        throw new LastAccessedJobError(
          `IAM's last-accessed job ${jobId} for ${roleArn} failed: ${out.Error?.Code ?? 'no code'}: ${out.Error?.Message ?? 'no reason given'}`,
          'Try again later; run without --access-advisor to suggest from the trail alone.',
        );
      }
      if (this.clock.now() - t0 >= JOB_POLL.giveUpMs) {
        throw new LastAccessedJobError(
          `IAM's last-accessed job ${jobId} for ${roleArn} was still ${status} after ${JOB_POLL.giveUpMs / 60_000} minutes`,
          'Try again later (IAM may be busy); run without --access-advisor to suggest from the trail alone.',
        );
      }
      await this.clock.sleep(pause);
      pause = Math.min(JOB_POLL.maxMs, Math.round(pause * JOB_POLL.factor));
    }
  }

  /** One GetServiceLastAccessedDetails page. */
  private get(jobId: string, marker?: string): Promise<GetServiceLastAccessedDetailsCommandOutput> {
    return this.send('iam:GetServiceLastAccessedDetails', jobId, () =>
      this.iam.send(
        new GetServiceLastAccessedDetailsCommand({ JobId: jobId, ...(marker ? { Marker: marker } : {}), ...(this.opts.pageSize ? { MaxItems: this.opts.pageSize } : {}) }),
      ),
    );
  }

  /** Sends one call, retrying it while IAM throttles; other errors name the action and what to do. */
  private send<T>(action: string, resource: string, call: () => Promise<T>): Promise<T> {
    return retryThrottled({ action, resource }, call, { clock: this.clock, random: this.opts.random, onAttempt: () => this.calls++ });
  }
}

/**
 * Runs `call` (mapped by {@link callAws}), again after a growing, jittered wait each time AWS throttles it, up to
 * {@link THROTTLE_RETRY}'s retries; `onAttempt` counts every request sent.
 */
export async function retryThrottled<T>(ctx: CallContext, call: () => Promise<T>, o: { clock: Clock; random?: () => number; onAttempt?: () => void }): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    o.onAttempt?.();
    try {
      return await callAws(ctx, call);
    } catch (e) {
      if (!isThrottle(e) || attempt >= THROTTLE_RETRY.maxRetries) throw e;
      await o.clock.sleep(backoffDelay(THROTTLE_RETRY, attempt, o.random));
    }
  }
}

/** One service of an answer, in the core's shape. */
function serviceOf(s: NonNullable<GetServiceLastAccessedDetailsCommandOutput['ServicesLastAccessed']>[number]): ServiceAccess {
  const out: ServiceAccess = { namespace: s.ServiceNamespace ?? '', trackedActions: [] };
  if (s.ServiceName) out.name = s.ServiceName;
  if (s.LastAuthenticated) out.lastAuthenticated = s.LastAuthenticated.toISOString();
  if (s.LastAuthenticatedRegion) out.lastAuthenticatedRegion = s.LastAuthenticatedRegion;
  for (const t of s.TrackedActionsLastAccessed ?? []) {
    if (!t.ActionName) continue;
    out.trackedActions.push({
      action: t.ActionName,
      ...(t.LastAccessedTime ? { lastAccessed: t.LastAccessedTime.toISOString() } : {}),
      ...(t.LastAccessedRegion ? { region: t.LastAccessedRegion } : {}),
    });
  }
  return out;
}
