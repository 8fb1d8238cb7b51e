/**
 * The usage store over a trail bucket (moto's S3), end to end through the CLI: on by default for `s3://` sources
 * (the folder under the user cache directory, here `XDG_CACHE_HOME`), a second run downloads no object, a new
 * object (here a copy of a delivered file: every event in it counted already) is the only one read and its copies
 * are taken back, and every run prints the suggestion a run with `--no-store` prints.
 */
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { seedExample, startMoto, useFakeAwsEnv, type MotoServer } from '../support/moto.js';

const EX = new URL('../../examples/orders-api/', import.meta.url).pathname;
const ROLE_ARN = 'arn:aws:iam::123456789012:role/orders-api-role';
const DAY = 'audit/AWSLogs/123456789012/CloudTrail/us-east-1/2026/10/23/';
const FIRST = 'audit/AWSLogs/123456789012/CloudTrail/us-east-1/2026/10/02/123456789012_CloudTrail_us-east-1_20261002T0239Z_J4P07zaBWL75DOST.json.gz';
const ORIGINAL = `${DAY}123456789012_CloudTrail_us-east-1_20261023T0238Z_9bSWWSItrsYxbqTn.json.gz`;

let moto: MotoServer;
let restoreEnv: () => void;
let dir: string;
let savedCache: string | undefined;

beforeAll(async () => {
  restoreEnv = useFakeAwsEnv();
  moto = await startMoto();
  await seedExample(moto.endpoint, { functions: false });
  dir = mkdtempSync(join(tmpdir(), 'pt-store-s3-'));
  savedCache = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = join(dir, 'cache');
}, 120_000);

afterAll(async () => {
  if (savedCache === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = savedCache;
  await moto?.stop();
  restoreEnv?.();
  rmSync(dir, { recursive: true, force: true });
});

const suggest = (...more: string[]) =>
  runCli([
    'suggest', '--role', ROLE_ARN, '--policy', `${EX}policies`, '--trail', 's3://orders-audit-logs/audit', '--trail-config', `${EX}trail-config.json`,
    '--region', 'us-east-1', '--endpoint-url', moto.endpoint, '--until', '2026-11-01T00:00:00Z', '--days', '30', ...more,
  ]);

function storeLine(stderr: string): [number, number] {
  const m = /usage store: (\d+) object\(s\) taken from .*, (\d+) read/.exec(stderr);
  expect(m, stderr).not.toBeNull();
  return [Number(m![1]), Number(m![2])];
}

describe('the usage store over a trail bucket (moto)', () => {
  it('is on by default: a second run reads no object, then only the new one, with its copies counted once', async () => {
    const plain = await suggest('--no-store');
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).not.toMatch(/usage store/);
    expect(() => readdirSync(join(dir, 'cache'))).toThrow();

    const first = await suggest();
    expect(first.code, first.stderr).toBe(0);
    const [, read] = storeLine(first.stderr);
    expect(read).toBeGreaterThan(10);
    expect(readdirSync(join(dir, 'cache', 'policy-trim', 'usage-store')).some((f) => f.endsWith('.pts'))).toBe(true);
    expect(first.stdout).toBe(plain.stdout);

    const second = await suggest();
    expect(storeLine(second.stderr)).toEqual([read, 0]);
    expect(second.stdout).toBe(plain.stdout);

    // CloudTrail delivers a file's events again under a later key: a new object whose every event was counted.
    const s3 = new S3Client({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    const body = await (await s3.send(new GetObjectCommand({ Bucket: 'orders-audit-logs', Key: ORIGINAL }))).Body!.transformToByteArray();
    await s3.send(new PutObjectCommand({ Bucket: 'orders-audit-logs', Key: `${DAY}123456789012_CloudTrail_us-east-1_20261023T2359Z_zzCopyOfDelivery.json.gz`, Body: body }));
    s3.destroy();

    const third = await suggest();
    expect(storeLine(third.stderr)).toEqual([read, 1]);
    const plainAfter = await suggest('--no-store');
    expect(third.stdout).toBe(plainAfter.stdout);
    expect(third.stdout).toBe(plain.stdout);
  });

  it('with local files read before the bucket, an event in both is counted once (places after the local ones)', async () => {
    // A local folder holding the bucket's first object of the window: each of its events is in both sources, and
    // both sit first in their own source's order.
    const s3 = new S3Client({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    const body = await (await s3.send(new GetObjectCommand({ Bucket: 'orders-audit-logs', Key: FIRST }))).Body!.transformToByteArray();
    s3.destroy();
    const local = join(dir, 'local', FIRST.replace(/^audit\//, '').replace(/[^/]+$/, ''));
    mkdirSync(local, { recursive: true });
    writeFileSync(join(local, 'copy.json.gz'), body);
    const both = (...more: string[]) => suggest('--trail', join(dir, 'local'), ...more);
    const plain = await both('--no-store');
    expect(plain.code, plain.stderr).toBe(0);
    const dropped = /(\d+) duplicate record\(s\) dropped/.exec(plain.stderr)?.[1];
    expect(dropped, plain.stderr).toBeDefined();
    for (const run of [await both(), await both()]) {
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/usage store: \d+ object\(s\) taken/);
      expect(run.stderr).toContain(`${dropped} duplicate record(s) dropped`);
      expect(run.stderr).not.toMatch(/changed-during-read|could not be taken back/);
      expect(run.stdout).toBe(plain.stdout);
    }
  });

  it('a default folder that cannot be made is a warning: the run reads every object and prints the same', async () => {
    const blocked = join(dir, 'not-a-folder');
    writeFileSync(blocked, 'a file where the cache folder would be');
    const saved = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = blocked;
    try {
      const run = await suggest();
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/warning: the usage store cannot be opened at .*not-a-folder.*reading every object/);
      expect(run.stderr).not.toMatch(/usage store: \d+/);
      expect(run.stdout).toBe((await suggest('--no-store')).stdout);
      // Given explicitly, the same folder is an error.
      const explicit = await suggest('--store', join(blocked, 'usage-store'));
      expect(explicit.code).toBe(1);
      expect(explicit.stdout).toBe('');
    } finally {
      process.env.XDG_CACHE_HOME = saved;
    }
  });

  it('drift reads through it by default too: its second run reads no object and reports the same', async () => {
    const drift = (...more: string[]) =>
      runCli([
        'drift', '--roles', 'orders-api-role', '--trail', 's3://orders-audit-logs/audit', '--trail-config', `${EX}trail-config.json`,
        '--region', 'us-east-1', '--endpoint-url', moto.endpoint, '--until', '2026-11-01T00:00:00Z', '--days', '30', '--format', 'json', ...more,
      ]);
    const plain = await drift('--no-store');
    expect(plain.code, plain.stderr).toBe(0);
    const store = join(dir, 'drift-store');
    const first = await drift('--store', store);
    expect(storeLine(first.stderr)[0]).toBe(0);
    const second = await drift('--store', store);
    expect(storeLine(second.stderr)[1]).toBe(0);
    expect(storeLine(second.stderr)[0]).toBe(storeLine(first.stderr)[1]);
    const report = (out: string) => ({ ...JSON.parse(out), generatedAt: undefined });
    expect(report(second.stdout)).toEqual(report(plain.stdout));
    // And with no --store at all, the default folder (XDG_CACHE_HOME here) is used.
    expect(storeLine((await drift()).stderr)).toBeDefined();
  });
});
