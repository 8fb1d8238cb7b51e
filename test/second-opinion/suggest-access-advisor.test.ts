/**
 * `suggest --access-advisor` end to end: the role's policies and its last-accessed report from a local IAM fake
 * (query protocol, XML), the activity from trail files. Scenarios: last-accessed data rescues an action the trail
 * could not see, and proves a service unused for the whole tracking period (removed only with
 * --trust-access-advisor). The summaries are golden files: `UPDATE_GOLDEN=1 npx vitest run
 * test/second-opinion/suggest-access-advisor.test.ts` rewrites them; review the diff.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectGolden as expectGoldenFile } from '../support/golden.js';
import { evaluate } from '../../src/core/policy/index.js';
import { parsePolicyDocument } from '../../src/core/policy/parse.js';
import { runCli } from '../support/cli.js';
import { FakeIamLastAccessed } from '../support/fake-iam-last-accessed.js';
import { OFFLINE_ROLE, sqsSendRecord, tempDir, writeMultiRegionSelectors } from '../support/offline-fixture.js';

const GOLDEN = join(import.meta.dirname, 'golden');
const QUEUE = 'arn:aws:sqs:us-east-1:123456789012:jobs';

/** Compares `actual` with the golden file `name` (test/support/golden.ts). */
const expectGolden = (name: string, actual: string): void => expectGoldenFile(join(GOLDEN, name), actual);

// The role sends to its queue (recorded: the trail selects SQS data events), may publish to SNS (a data event this
// trail does not select: unobservable), delete its queue (management: the trail would show it) and list the
// Availability Zones (management, tracked by IAM at action level, used from a Region the trail files do not cover).
const policy = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:DeleteQueue'], Resource: QUEUE },
    { Effect: 'Allow', Action: ['sns:Publish'], Resource: '*' },
    { Effect: 'Allow', Action: ['ec2:DescribeAvailabilityZones'], Resource: '*' },
  ],
};
const services = [
  { namespace: 'sqs', lastAuthenticated: '2026-10-10T10:00:00Z', region: 'us-east-1', tracked: [{ action: 'DeleteQueue' }] },
  { namespace: 'sns', name: 'Amazon SNS' },
  { namespace: 'ec2', lastAuthenticated: '2026-11-20T08:00:00Z', region: 'us-west-2', tracked: [{ action: 'DescribeAvailabilityZones', at: '2026-11-20T08:00:00Z', region: 'us-west-2' }] },
];

let fake: FakeIamLastAccessed;
let endpoint: string;
let dir: string;
const saved: Record<string, string | undefined> = {};
beforeAll(async () => {
  fake = new FakeIamLastAccessed({ services, inProgressPolls: 0, jobCreatedAt: '2026-11-23T00:00:00Z', role: { arn: OFFLINE_ROLE, inline: { app: policy } } });
  endpoint = await fake.start();
  dir = tempDir('policy-trim-advisor-');
  mkdirSync(join(dir, 'trail'));
  writeFileSync(join(dir, 'trail', 'a.json'), JSON.stringify({ Records: [sqsSendRecord({ eventID: 'e-1' })] }));
  writeMultiRegionSelectors(dir);
  // The SDK's default chain reads credentials from the process environment (fake ones: the fake does not check).
  for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE']) saved[k] = process.env[k];
  process.env.AWS_ACCESS_KEY_ID = 'AKIDFAKE';
  process.env.AWS_SECRET_ACCESS_KEY = 'fake';
  delete process.env.AWS_PROFILE;
});
afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
  await fake.stop();
});

const suggestArgs = (...more: string[]) => [
  'suggest', '--role', OFFLINE_ROLE, '--trail', join(dir, 'trail'), '--trail-config', join(dir, 'selectors.json'),
  '--days', '90', '--baseline', 'none', '--region', 'us-east-1', '--endpoint-url', endpoint, ...more,
];
const allows = (stdout: string, action: string, resource: string) =>
  evaluate([parsePolicyDocument(JSON.parse(stdout), 'out')], { action, resource }, { mode: 'may-allow' }) === 'allowed';

describe('suggest --access-advisor', () => {
  it('keeps the action IAM shows used that the trail could not see, reports sns as never accessed, and keeps its unobservable actions', async () => {
    const r = await runCli(suggestArgs('--access-advisor', '--explain'));
    expect(r.code, r.stderr).toBe(0);
    expect(allows(r.stdout, 'ec2:DescribeAvailabilityZones', '*')).toBe(true);
    expect(allows(r.stdout, 'sns:Publish', 'arn:aws:sns:us-east-1:123456789012:t')).toBe(true);
    expect(allows(r.stdout, 'sqs:SendMessage', QUEUE)).toBe(true);
    expect(allows(r.stdout, 'sqs:DeleteQueue', QUEUE)).toBe(false);
    expect(r.stderr).toMatch(/ec2:DescribeAvailabilityZones \[last-accessed\]: ec2:DescribeAvailabilityZones kept as granted: the trail has no record of it/);
    expectGolden('summary-advisor.txt', r.stderr.split(dir).join('<DIR>'));
  });

  it('with --trust-access-advisor removes sns:Publish, and says the flag was used', async () => {
    const before = fake.requests.length;
    const r = await runCli(suggestArgs('--access-advisor', '--trust-access-advisor'));
    expect(r.code, r.stderr).toBe(0);
    expect(allows(r.stdout, 'sns:Publish', 'arn:aws:sns:us-east-1:123456789012:t')).toBe(false);
    expect(allows(r.stdout, 'ec2:DescribeAvailabilityZones', '*')).toBe(true);
    expect(r.stderr).toContain('--trust-access-advisor was used: the unobservable actions of sns are removed on this evidence');
    expectGolden('summary-trust.txt', r.stderr.split(dir).join('<DIR>'));
    // The role read from IAM, then one report job: its start and one page (complete at once, all services on it)
    const calls = fake.requests.slice(before).map((q) => q.action).filter((a) => a.includes('LastAccessed'));
    expect(calls).toEqual(['GenerateServiceLastAccessedDetails', 'GetServiceLastAccessedDetails']);
  });

  it('without --access-advisor the same run removes the EC2 action and keeps sns:Publish (the trail alone)', async () => {
    const r = await runCli(suggestArgs());
    expect(r.code, r.stderr).toBe(0);
    expect(allows(r.stdout, 'ec2:DescribeAvailabilityZones', '*')).toBe(false);
    expect(allows(r.stdout, 'sns:Publish', 'arn:aws:sns:us-east-1:123456789012:t')).toBe(true);
    expect(r.stderr).not.toContain('last-accessed');
  });

  it('is a usage error with --policy files, and --trust-access-advisor alone is one too', async () => {
    writeFileSync(join(dir, 'policy.json'), JSON.stringify(policy));
    const offline = await runCli(['suggest', '--role', OFFLINE_ROLE, '--policy', join(dir, 'policy.json'), '--trail', join(dir, 'trail'), '--access-advisor']);
    expect(offline.code).toBe(64);
    expect(offline.stdout).toBe('');
    expect(offline.stderr).toMatch(/--access-advisor reads the role's last-accessed information from IAM, and --policy reads the policies offline/);
    const trust = await runCli(['suggest', '--role', OFFLINE_ROLE, '--trail', join(dir, 'trail'), '--trust-access-advisor']);
    expect(trust.code).toBe(64);
    expect(trust.stderr).toMatch(/--trust-access-advisor goes with --access-advisor/);
  });
});
