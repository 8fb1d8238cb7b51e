/**
 * `suggest --role X --endpoint-url http://127.0.0.1:PORT` end to end against moto: policies from IAM, logs from
 * the trail bucket found by --trail-name (with its event selectors) give the same policy, byte for byte, as the
 * offline run on the same data (issue 4's bar).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedExample, startMoto, useFakeAwsEnv, type MotoServer } from '../support/moto.js';
import { runCli } from '../support/cli.js';

const EX = new URL('../../examples/orders-api/', import.meta.url).pathname;
const ROLE_ARN = 'arn:aws:iam::123456789012:role/orders-api-role';
const WINDOW = ['--until', '2026-11-01T00:00:00Z', '--days', '30'];

let moto: MotoServer;
let restoreEnv: () => void;

beforeAll(async () => {
  restoreEnv = useFakeAwsEnv();
  moto = await startMoto();
  await seedExample(moto.endpoint, { functions: true });
});

afterAll(async () => {
  await moto?.stop();
  restoreEnv?.();
});

describe('suggest against a live (moto) account', () => {
  it('gives the same policy as the offline run on the same data', async () => {
    // Given the offline run on the example files
    const offline = await runCli([
      'suggest', '--role', ROLE_ARN, '--policy', `${EX}policies`, '--trail', `${EX}trail`,
      '--trail-config', `${EX}trail-config.json`, ...WINDOW,
    ]);
    expect(offline.code, offline.stderr).toBe(0);
    // When the same role is read from IAM and the trail (bucket + selectors) from CloudTrail, through moto
    const live = await runCli(
      ['suggest', '--role', 'orders-api-role', '--trail-name', 'orders-audit', '--region', 'us-east-1', '--endpoint-url', moto.endpoint, ...WINDOW],
      undefined,
      process.env,
    );
    // Then the policy is byte-identical
    expect(live.code, live.stderr).toBe(0);
    expect(live.stdout).toBe(offline.stdout);
    expect(live.stderr).toContain('verified: never wider than the original');
  });

  it('narrows to one function with --function, checking the function uses the role', async () => {
    const live = await runCli(
      ['suggest', '--role', ROLE_ARN, '--function', 'orders-worker', '--trail', 's3://orders-audit-logs/audit', '--trail-config', `${EX}trail-config.json`, '--region', 'us-east-1', '--endpoint-url', moto.endpoint, ...WINDOW],
      undefined,
      process.env,
    );
    expect(live.code, live.stderr).toBe(0);
    const actions = JSON.parse(live.stdout).Statement.flatMap((s: { Action?: string[] }) => s.Action ?? []);
    expect(actions).toContain('sqs:ReceiveMessage');
    expect(actions).not.toContain('sns:Publish');
    expect(live.stderr).toMatch(/also used by orders-api, receipts-exporter/);
  });

  it('lists the functions and flags the shared role', async () => {
    const run = await runCli(['functions', '--region', 'us-east-1', '--endpoint-url', moto.endpoint, '--format', 'json'], undefined, process.env);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.functions.map((f: { name: string }) => f.name).sort()).toEqual(['orders-api', 'orders-worker', 'receipts-exporter']);
    expect(out.sharedRoles).toEqual([{ roleArn: ROLE_ARN, functions: ['orders-api', 'orders-worker', 'receipts-exporter'] }]);
    expect(run.stderr).toMatch(/1 role\(s\) shared by several functions/);
  });

  it('names the missing role clearly', async () => {
    const live = await runCli(['suggest', '--role', 'no-such-role', '--trail-name', 'orders-audit', '--region', 'us-east-1', '--endpoint-url', moto.endpoint, ...WINDOW], undefined, process.env);
    expect(live.code).toBe(1);
    expect(live.stderr).toMatch(/no-such-role/);
    expect(live.stdout).toBe('');
  });
});
