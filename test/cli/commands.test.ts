import { readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { evaluate, parsePolicyDocument } from '../../src/core/policy/index.js';
import { runCli } from '../support/cli.js';
import { OFFLINE_ROLE, sqsSendRecord, tempDir, writeMultiRegionSelectors } from '../support/offline-fixture.js';

const ROLE = OFFLINE_ROLE;

const record = sqsSendRecord;

function fixtureDir(): string {
  const dir = tempDir('policy-trim-cli-');
  mkdirSync(join(dir, 'trail'));
  mkdirSync(join(dir, 'policies'));
  writeFileSync(join(dir, 'trail', 'a.json.gz'), gzipSync(JSON.stringify({ Records: [record(), record({ eventTime: '2026-10-11T10:00:00Z' })] })));
  writeFileSync(join(dir, 'trail', 'broken.json'), '{"Records": [ {"eventName": ');
  writeFileSync(
    join(dir, 'policies', 'policy.json'),
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['sqs:*'], Resource: '*' }],
    }),
  );
  return dir;
}

describe('policy-trim usage', () => {
  it('prints per-role usage as JSON on stdout and reports a broken file on stderr', async () => {
    // Given a trail with two good records and a truncated JSON file
    const dir = fixtureDir();
    // When usage runs
    const run = await runCli(['usage', '--trail', join(dir, 'trail'), '--format', 'json']);
    // Then the good records are counted and the broken file is named in the summary
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.principals).toHaveLength(1);
    expect(out.principals[0].principalArn).toBe(ROLE);
    expect(out.principals[0].used.map((u: { action: string; count: number }) => [u.action, u.count])).toEqual([['sqs:SendMessage', 2]]);
    expect(out.principals[0].functions.map((f: { sessions: string[] }) => f.sessions)).toEqual([['app-fn']]);
    expect(Object.values(out.summary.skipped as Record<string, number>).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(run.stderr).toContain('broken.json');
  });

  it('fails clearly when the role is not in the trail', async () => {
    const dir = fixtureDir();
    const run = await runCli(['usage', '--trail', join(dir, 'trail'), '--role', 'nobody']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no activity for role nobody/);
    expect(run.stdout).toBe('');
  });
});

describe('policy-trim suggest (offline)', () => {
  it('narrows sqs:* on * to the queue and action used, writing --out atomically', async () => {
    const dir = fixtureDir();
    const out = join(dir, 'out.json');
    const run = await runCli(['suggest', '--role', 'app-role', '--policy', join(dir, 'policies'), '--trail', join(dir, 'trail'), '--trail-config', writeMultiRegionSelectors(dir), '--out', out, '--baseline', 'none']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    const doc = parsePolicyDocument(readFileSync(out, 'utf8'), 'out.json');
    const allows = (action: string, queue: string) =>
      evaluate([doc], { action, resource: `arn:aws:sqs:us-east-1:123456789012:${queue}` }, { mode: 'may-allow' }) === 'allowed';
    // SendMessage is narrowed to the queue used
    expect(allows('sqs:SendMessage', 'jobs')).toBe(true);
    expect(allows('sqs:SendMessage', 'other')).toBe(false);
    // management actions CloudTrail would have shown are gone
    for (const a of ['sqs:DeleteQueue', 'sqs:PurgeQueue', 'sqs:SetQueueAttributes', 'sqs:CreateQueue']) expect(allows(a, 'jobs'), a).toBe(false);
    // GetQueueUrl, which AWS policy generation does not identify, is removed on the documented tier (SQS's
    // CloudTrail page), and the summary says what the removals rest on
    expect(allows('sqs:GetQueueUrl', 'jobs')).toBe(false);
    expect(run.stderr).toMatch(/removed \(\d+\)/);
    expect(run.stderr).toMatch(/evidence: \d+ proven, \d+ documented/);
  });

  it('takes a permissions boundary offline: reported against, never trimmed or printed', async () => {
    // Given a boundary that allows only sending messages
    const dir = fixtureDir();
    const boundary = join(dir, 'boundary.json');
    writeFileSync(boundary, JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] }));
    // When suggest runs with it
    const run = await runCli(['suggest', '--role', ROLE, '--policy', join(dir, 'policies'), '--boundary', boundary, '--trail', join(dir, 'trail'), '--baseline', 'none']);
    // Then the kept grants the boundary blocks are named, and the boundary is not part of the output
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/note: The permissions boundary never allows .*sqs:GetQueueUrl/);
    const out = JSON.parse(run.stdout);
    expect(JSON.stringify(out)).not.toContain('boundary');
    // --boundary without --policy is a usage error
    expect((await runCli(['suggest', '--role', ROLE, '--boundary', boundary, '--trail', join(dir, 'trail')])).code).toBe(64);
  });

  it('exits 2 with --fail-on removable when something would be removed', async () => {
    const dir = fixtureDir();
    const run = await runCli(['suggest', '--role', ROLE, '--policy', join(dir, 'policies'), '--trail', join(dir, 'trail'), '--trail-config', writeMultiRegionSelectors(dir), '--fail-on', 'removable']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout).Statement.length).toBeGreaterThan(0);
  });

  it('refuses to suggest from a partial set of policies', async () => {
    const dir = fixtureDir();
    writeFileSync(join(dir, 'policies', 'bad.json'), '{"Version":"2012-10-17","Statement":[{"Action":"s3:*","Resource":"*"}]}');
    const run = await runCli(['suggest', '--role', ROLE, '--policy', join(dir, 'policies'), '--trail', join(dir, 'trail')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('bad.json');
    expect(run.stderr).toMatch(/Effect/);
    expect(run.stdout).toBe('');
  });

  it('refuses a role with no activity unless asked', async () => {
    const dir = fixtureDir();
    const args = ['suggest', '--role', 'arn:aws:iam::123456789012:role/idle', '--policy', join(dir, 'policies'), '--trail', join(dir, 'trail')];
    const refused = await runCli(args);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/no call by/);
    const forced = await runCli([...args, '--allow-no-activity']);
    expect(forced.code).toBe(0);
    // Without a trail configuration nothing says the logs cover every Region: sqs:DeleteQueue on * could have
    // been called in a Region the records do not show, so it is kept, and the summary says why
    const forcedDoc = parsePolicyDocument(forced.stdout, 'stdout');
    const queue = 'arn:aws:sqs:us-east-1:123456789012:jobs';
    expect(evaluate([forcedDoc], { action: 'sqs:DeleteQueue', resource: queue }, { mode: 'may-allow' })).toBe('allowed');
    expect(forced.stderr).toMatch(/could have been made in any Region, but the logs read cover only us-east-1/);
    // With a multi-Region trail's configuration (management events and SQS data events recorded everywhere),
    // an idle role's sqs grants are all removable
    const multi = await runCli([...args, '--allow-no-activity', '--trail-config', writeMultiRegionSelectors(dir)]);
    expect(multi.code).toBe(0);
    const statements = JSON.parse(multi.stdout).Statement as { Action?: string[] }[];
    expect(statements.flatMap((st) => st.Action ?? []).filter((a) => a.startsWith('sqs:'))).toEqual([]);
  });

  it('prints Terraform and YAML', async () => {
    const dir = fixtureDir();
    const base = ['suggest', '--role', ROLE, '--policy', join(dir, 'policies'), '--trail', join(dir, 'trail'), '--baseline', 'none'];
    const tf = await runCli([...base, '--format', 'terraform']);
    expect(tf.code).toBe(0);
    expect(tf.stdout).toMatch(/^data "aws_iam_policy_document" "[a-z0-9_]+" \{/m);
    const yaml = await runCli([...base, '--format', 'yaml']);
    expect(yaml.code).toBe(0);
    expect(yaml.stdout).toMatch(/Version: "2012-10-17"/);
  });
});

describe('usage errors and other commands', () => {
  it('exits 64 on an unknown option or a missing command', async () => {
    expect((await runCli(['suggest', '--bogus'])).code).toBe(64);
    expect((await runCli([])).code).toBe(64);
    const bad = await runCli(['usage', '--trail', 'x', '--since', 'yesterday-ish']);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/--since/);
  });

  it('catalog info names the source and counts; catalog action expands a pattern', async () => {
    const info = await runCli(['catalog', 'info']);
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(/@cloud-copilot\/iam-data@0\.21\.\d+/);
    expect(info.stdout).toMatch(/actions:\s+\d{5}/);
    const action = await runCli(['catalog', 'action', 's3:GetObject*']);
    expect(action.code).toBe(0);
    expect(action.stdout.split('\n')).toContain('s3:GetObject\tRead\taccesspointobject, object');
    expect((await runCli(['catalog', 'action', 'nosuch:Thing'])).code).toBe(1);
  });

  it('render converts a policy file to Terraform', async () => {
    const dir = fixtureDir();
    const run = await runCli(['render', join(dir, 'policies', 'policy.json'), '--format', 'terraform']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('actions   = ["sqs:*"]');
    expect(existsSync(join(dir, 'policies', 'policy.json'))).toBe(true);
  });
});
