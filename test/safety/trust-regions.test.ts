/**
 * Trust II scenarios (issue 7), part 2: where CloudTrail could have shown a call (Regions), and
 * `--drop-unobservable SERVICE,...`. End to end through the CLI, judged with the evaluator (see harness.ts).
 *
 * AWS: CloudTrail User Guide, "Working with CloudTrail trails" (a single-Region trail records only its Region;
 * a multi-Region trail delivers each Region's events under AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/) and
 * "Global service events".
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AccessRequest } from '../../src/core/policy/types.js';
import { ACCOUNT, cleanup, expectCovers, expectGone, expectKept, expectNeverWider, policy, rec, selectors, suggestOn, workspace, type SuggestRun } from '../support/safety-harness.js';

afterAll(cleanup);

const SLOW = 180_000;

const allow = (Action: string | string[], Resource: string | string[] = '*') => ({ Effect: 'Allow', Action, Resource });
const call = (action: string, resource: string): AccessRequest => ({ action, resource });

interface Finding {
  kind: string;
  action?: string;
  code?: string;
  reason?: string;
  evidence?: { tier?: string };
}

function findingsOf(file: string): Finding[] {
  return (JSON.parse(readFileSync(file, 'utf8')) as { findings: Finding[] }).findings;
}

function expectSafe(run: SuggestRun, calls: AccessRequest[], extraResources: string[] = []): void {
  expect(run.code, run.stderr).toBe(0);
  expect(run.suggestion.length).toBeGreaterThan(0);
  expectNeverWider(run, [...calls.map((c) => c.resource), ...extraResources]);
  expectCovers(run, calls);
}

describe('Regions the logs read cover', () => {
  const queue = (region: string, name = 'jobs') => `arn:aws:sqs:${region}:${ACCOUNT}:${name}`;
  const listQueues = (region: string) => rec({ source: 'sqs.amazonaws.com', name: 'ListQueues', readOnly: true, region, params: { queueNamePrefix: 'jobs' } });
  const getAttrs = (region: string) =>
    rec({ source: 'sqs.amazonaws.com', name: 'GetQueueAttributes', readOnly: true, region, params: { queueUrl: `https://sqs.${region}.amazonaws.com/${ACCOUNT}/jobs`, attributeNames: ['All'] } });

  /**
   * A trail bucket copied locally in the S3 delivery layout, with calls in us-east-1 and eu-west-1; `config` is
   * the trail configuration. Returns the workspace and the layout's root and us-east-1 folder.
   */
  function layout(config: unknown) {
    const ws = workspace({ 'p.json': policy(allow('sqs:*')) }, {}, config);
    const root = join(ws.trailDir, 'AWSLogs');
    const day = (region: string) => join(root, ACCOUNT, 'CloudTrail', region, '2026', '11', '10');
    for (const [region, records] of [
      ['us-east-1', [listQueues('us-east-1'), getAttrs('us-east-1')]],
      ['eu-west-1', [listQueues('eu-west-1')]],
    ] as const) {
      mkdirSync(day(region), { recursive: true });
      writeFileSync(join(day(region), `${ACCOUNT}_CloudTrail_${region}_20261110T1000Z_a1b2c3d4e5f6g7h8.json`), JSON.stringify({ Records: records }));
    }
    return { ws, root, usEast1: join(root, ACCOUNT, 'CloudTrail', 'us-east-1') };
  }

  it('one Region folder of a multi-Region trail: sqs:DeleteQueue on * is kept, with the Regions in the reason', async () => {
    // Given sqs:* on *, a multi-Region trail, and only the us-east-1 folder of its delivery passed as --trail
    const { ws, usEast1 } = layout(selectors());
    const report = join(ws.dir, 'report.json');
    // When suggest runs
    const run = await suggestOn({ ...ws, trailDir: usEast1 }, ['--report', report]);
    // Then DeleteQueue (never called in us-east-1) is still allowed, because it could have been called elsewhere
    expectSafe(run, [call('sqs:GetQueueAttributes', queue('us-east-1'))], [queue('eu-west-1'), queue('ap-south-1', 'x')]);
    expectKept(run, [call('sqs:DeleteQueue', queue('eu-west-1')), call('sqs:DeleteQueue', queue('us-east-1'))]);
    const f = findingsOf(report).find((x) => x.action === 'sqs:DeleteQueue');
    expect(f?.kind, JSON.stringify(f)).toBe('kept-unobservable');
    expect(f?.reason).toMatch(/us-east-1/);
    expect(f?.reason).toMatch(/Region/);
    expect(run.stderr).toMatch(/cover only us-east-1/);
  }, SLOW);

  it('the whole delivery of a multi-Region trail: sqs:DeleteQueue is removed', async () => {
    // Given the same trail passed at its root (every Region folder read)
    const { ws, root } = layout(selectors());
    // When suggest runs
    const run = await suggestOn({ ...ws, trailDir: root });
    // Then the unused, logged DeleteQueue is removed everywhere
    expectSafe(run, [call('sqs:GetQueueAttributes', queue('us-east-1'))], [queue('eu-west-1'), queue('ap-south-1', 'x')]);
    expectGone(run, [call('sqs:DeleteQueue', queue('us-east-1')), call('sqs:DeleteQueue', queue('ap-south-1', 'x'))]);
  }, SLOW);

  it('a trail configuration that does not say IsMultiRegionTrail: sqs:DeleteQueue is kept', async () => {
    // Given the selectors alone (`aws cloudtrail get-event-selectors` output, no IsMultiRegionTrail)
    const { IsMultiRegionTrail: _m, IncludeGlobalServiceEvents: _g, ...plain } = selectors() as Record<string, unknown>;
    const { ws, root } = layout(plain);
    // When suggest runs on the whole delivery
    const run = await suggestOn({ ...ws, trailDir: root });
    // Then a Region the records do not show (ap-south-1) could hold a DeleteQueue: it is kept
    expectSafe(run, [call('sqs:GetQueueAttributes', queue('us-east-1'))], [queue('eu-west-1'), queue('ap-south-1', 'x')]);
    expectKept(run, [call('sqs:DeleteQueue', queue('ap-south-1', 'x'))]);
  }, SLOW);
});

describe('--drop-unobservable SERVICE', () => {
  const topic = `arn:aws:sns:us-east-1:${ACCOUNT}:order-events`;
  const group = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/app:log-stream:2026/11/10/x`;
  const bus = `arn:aws:events:us-east-1:${ACCOUNT}:event-bus/default`;
  const grants = () =>
    workspace(
      { 'p.json': policy(allow('sns:*'), allow('logs:PutLogEvents'), allow('events:PutEvents')) },
      { 't.json': [rec({ source: 'sns.amazonaws.com', name: 'ListTopics', readOnly: true })] },
      // Management events only: sns:Publish and events:PutEvents (data events) cannot be seen, logs:PutLogEvents is never logged.
      selectors(),
    );

  it('drops only the named service’s unobservable actions', async () => {
    // Given sns:*, logs:PutLogEvents and events:PutEvents on *, with no data events selected
    const ws = grants();
    // When suggest runs without the flag, and with --drop-unobservable sns
    const keep = await suggestOn(ws);
    const drop = await suggestOn(ws, ['--drop-unobservable', 'sns']);
    // Then without it sns:Publish is kept (its data events were not selected) ...
    expectSafe(keep, [call('sns:ListTopics', '*')], [topic, group, bus]);
    expectKept(keep, [call('sns:Publish', topic)]);
    // ... and with it sns:Publish goes, while other services' unobservable actions stay
    expectSafe(drop, [call('sns:ListTopics', '*')], [topic, group, bus]);
    expectGone(drop, [call('sns:Publish', topic)]);
    expectKept(drop, [call('logs:PutLogEvents', group), call('events:PutEvents', bus)]);
  }, SLOW);

  it('rejects an unknown service prefix with exit 64, naming it', async () => {
    // Given the same workspace
    const ws = grants();
    // When the flag names a service that does not exist
    const run = await suggestOn(ws, ['--drop-unobservable', 'sns,nosuchsvc']);
    // Then it is a usage error that names the bad prefix, and nothing is printed as a policy
    expect(run.code, run.stderr).toBe(64);
    expect(run.stderr).toContain('nosuchsvc');
    expect(run.stdout).toBe('');
  });
});
