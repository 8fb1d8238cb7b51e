/**
 * The IAM last-accessed adapter against a local HTTP fake speaking IAM's query protocol (XML): the asynchronous
 * job polled with growing pauses, the report read page by page, throttled calls retried, a FAILED job reported.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { afterEach, describe, expect, it } from 'vitest';
import { IamAccessAdvisor, JOB_POLL, LastAccessedJobError } from '../../src/adapters/aws/access-advisor.js';
import { AwsAdapterError } from '../../src/adapters/aws/errors.js';
import { FakeClock } from '../support/clock.js';
import { FakeIamLastAccessed, type FakeIamOptions } from '../support/fake-iam-last-accessed.js';

const ROLE = 'arn:aws:iam::123456789012:role/orders-api-role';
let fake: FakeIamLastAccessed | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

/** The adapter over a fresh fake (the SDK makes one attempt per call: every retry is the adapter's). */
async function advisor(opts: FakeIamOptions, pageSize?: number) {
  fake = new FakeIamLastAccessed(opts);
  const endpoint = await fake.start();
  const iam = new IAMClient({ region: 'us-east-1', endpoint, maxAttempts: 1, credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake' } });
  const clock = new FakeClock();
  return { a: new IamAccessAdvisor(iam, { clock, random: () => 0, ...(pageSize ? { pageSize } : {}) }), sleeps: clock.sleeps, fake };
}

const services = [
  { namespace: 'dynamodb', lastAuthenticated: '2026-12-01T09:00:00Z', region: 'eu-west-1', tracked: [{ action: 'DescribeTable', at: '2026-12-01T09:00:00Z', region: 'eu-west-1' }, { action: 'DeleteTable' }] },
  { namespace: 'ec2', lastAuthenticated: '2026-11-30T08:00:00Z', tracked: [{ action: 'DescribeAvailabilityZones', at: '2026-11-30T08:00:00Z', region: 'us-west-2' }] },
  { namespace: 'sqs', name: 'Amazon SQS' },
];

describe('IamAccessAdvisor', () => {
  it('starts an ACTION_LEVEL job, waits with growing pauses while it runs, and reads every page', async () => {
    // Given a job that is IN_PROGRESS for three status calls, and a report of three services read two at a time
    const { a, sleeps, fake: f } = await advisor({ services, inProgressPolls: 3 }, 2);
    // When the report is read
    const r = await a.report(ROLE);
    // Then the job was started once for the role, at action level
    expect(f.requests[0]).toMatchObject({ action: 'GenerateServiceLastAccessedDetails', params: { Arn: ROLE, Granularity: 'ACTION_LEVEL' } });
    // and polled three times with growing pauses before the first page, then the second page by its Marker
    expect(sleeps).toEqual([JOB_POLL.firstMs, 1500, 2250]);
    const gets = f.requests.filter((q) => q.action === 'GetServiceLastAccessedDetails');
    expect(gets.map((q) => q.params.Marker ?? null)).toEqual([null, null, null, null, '2']);
    expect(gets.every((q) => q.params.JobId === 'job-1' && q.params.MaxItems === '2')).toBe(true);
    // and every service arrived, with its tracked actions and dates
    expect(r.jobCreatedAt).toBe('2026-12-07T10:00:00.000Z');
    expect(r.services.map((s) => s.namespace)).toEqual(['dynamodb', 'ec2', 'sqs']);
    expect(r.services[0]).toEqual({
      namespace: 'dynamodb',
      name: 'dynamodb',
      lastAuthenticated: '2026-12-01T09:00:00.000Z',
      lastAuthenticatedRegion: 'eu-west-1',
      trackedActions: [{ action: 'DescribeTable', lastAccessed: '2026-12-01T09:00:00.000Z', region: 'eu-west-1' }, { action: 'DeleteTable' }],
    });
    expect(r.services[2]).toEqual({ namespace: 'sqs', name: 'Amazon SQS', trackedActions: [] });
    expect(a.calls).toBe(6);
  });

  it('retries a throttled call after a growing wait, so no page is lost', async () => {
    // Given IAM throttles the start and the second page once each
    const { a, sleeps, fake: f } = await advisor({ services, throttle: [1, 4] }, 2);
    const r = await a.report(ROLE);
    expect(f.requests.map((q) => q.outcome)).toEqual(['throttled', 'served', 'served', 'throttled', 'served']);
    expect(r.services).toHaveLength(3);
    // Half-jitter with random 0: half of 1 s before each retry
    expect(sleeps).toEqual([500, 500]);
  });

  it('gives up on a call IAM keeps throttling, naming the action', async () => {
    const { a } = await advisor({ services, throttle: Array.from({ length: 20 }, (_, i) => i + 1) });
    const err = await a.report(ROLE).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsAdapterError);
    expect((err as AwsAdapterError).code).toBe('throttled');
    expect((err as AwsAdapterError).message).toMatch(/iam:GenerateServiceLastAccessedDetails/);
  });

  it('reports a FAILED job with IAM\'s code and message, and what to do', async () => {
    const { a } = await advisor({ services, fail: { code: 'InternalError', message: 'report generation failed' } });
    const err = await a.report(ROLE).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LastAccessedJobError);
    expect((err as LastAccessedJobError).message).toBe(`IAM's last-accessed job job-1 for ${ROLE} failed: InternalError: report generation failed`);
    expect((err as LastAccessedJobError).hint).toMatch(/without --access-advisor/);
  });

  it('stops waiting for a job that never completes', async () => {
    const { a, sleeps } = await advisor({ services, inProgressPolls: 10_000 });
    const err = await a.report(ROLE).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/still IN_PROGRESS after 10 minutes/);
    expect(sleeps.reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(JOB_POLL.giveUpMs - JOB_POLL.maxMs);
  });
});
