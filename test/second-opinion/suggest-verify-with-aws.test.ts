/**
 * `suggest --verify-with-aws` end to end against a local IAM Access Analyzer fake (REST-JSON): the unions sent,
 * PASS reported with the billed calls counted, a FAIL after policy-trim's own PASS treated as a bug (nothing on
 * stdout, both documents saved where the message says, exit 1), the split by service when AWS refuses the size,
 * and `--must-not-grant`. `UPDATE_GOLDEN=1` rewrites the golden summary.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectGolden as expectGoldenFile } from '../support/golden.js';
import { runCli } from '../support/cli.js';
import { FakeAccessAnalyzer, type FakeAccessAnalyzerOptions } from '../support/fake-access-analyzer.js';
import { OFFLINE_ROLE, sqsSendRecord, tempDir, writeMultiRegionSelectors } from '../support/offline-fixture.js';

const GOLDEN = join(import.meta.dirname, 'golden');
/** Compares `actual` with the golden file `name` (test/support/golden.ts). */
const expectGolden = (name: string, actual: string): void => expectGoldenFile(join(GOLDEN, name), actual);

let dir: string;
let fake: FakeAccessAnalyzer | undefined;
const saved: Record<string, string | undefined> = {};
beforeAll(() => {
  dir = tempDir('policy-trim-verify-test-');
  mkdirSync(join(dir, 'trail'));
  mkdirSync(join(dir, 'policies'));
  writeFileSync(join(dir, 'trail', 'a.json'), JSON.stringify({ Records: [sqsSendRecord({ eventID: 'e-1' })] }));
  writeMultiRegionSelectors(dir);
  // Two documents: the union is what AWS compares (the suggestion regroups their statements).
  writeFileSync(join(dir, 'policies', 'queue.json'), JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Queue', Effect: 'Allow', Action: 'sqs:*', Resource: '*' }] }));
  writeFileSync(join(dir, 'policies', 'more.json'), JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Queue', Effect: 'Allow', Action: ['sns:Publish', 'iam:PassRole'], Resource: '*' }] }));
  for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE']) saved[k] = process.env[k];
  process.env.AWS_ACCESS_KEY_ID = 'AKIDFAKE';
  process.env.AWS_SECRET_ACCESS_KEY = 'fake';
  delete process.env.AWS_PROFILE;
});
afterAll(() => {
  for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
});
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function run(opts: FakeAccessAnalyzerOptions, ...more: string[]) {
  fake = new FakeAccessAnalyzer(opts);
  const endpoint = await fake.start();
  const r = await runCli([
    'suggest', '--role', OFFLINE_ROLE, '--policy', join(dir, 'policies'), '--trail', join(dir, 'trail'), '--trail-config', join(dir, 'selectors.json'),
    '--days', '90', '--baseline', 'none', '--region', 'us-east-1', '--endpoint-url', endpoint, '--verify-with-aws', ...more,
  ]);
  return { r, requests: fake.requests };
}

describe('suggest --verify-with-aws', () => {
  it('compares the union of the original documents with the union of the suggestion, reports PASS and the calls made', async () => {
    const { r, requests } = await run({});
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).Statement.length).toBeGreaterThan(0);
    expect(requests).toHaveLength(1);
    const body = requests[0]!.body as { existingPolicyDocument: string; newPolicyDocument: string; policyType: string };
    expect(body.policyType).toBe('IDENTITY_POLICY');
    // Both original documents' statements, Sids dropped (both were "Queue": a repeated Sid in one document is invalid)
    expect(JSON.parse(body.existingPolicyDocument).Statement).toEqual([
      { Effect: 'Allow', Action: ['iam:PassRole', 'sns:Publish'], Resource: ['*'] },
      { Effect: 'Allow', Action: ['sqs:*'], Resource: ['*'] },
    ]);
    expect(JSON.parse(body.newPolicyDocument).Statement.flatMap((s: { Action: string[] }) => s.Action).sort()).toEqual(['iam:PassRole', 'sns:Publish', 'sqs:SendMessage']);
    expectGolden('summary-verify.txt', r.stderr.split(dir).join('<DIR>'));
  });

  it('a FAIL after the offline PASS is a bug: nothing on stdout, both documents saved where it says, exit 1', async () => {
    const { r } = await run({ decide: () => ({ result: 'FAIL', message: 'The updated policy grants new access.', reasons: [{ description: 'New access in the statement with index: 1.', statementIndex: 1 }] }) });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/this is a bug in policy-trim\. Nothing was printed\./);
    expect(r.stderr).toContain('New access in the statement with index: 1. (statement 1 of the new document)');
    const m = /the documents compared: (\S+) \(existing\) and (\S+) \(new\)/.exec(r.stderr);
    expect(m).not.toBeNull();
    expect(JSON.parse(readFileSync(m![1]!, 'utf8')).Statement).toHaveLength(2);
    expect(JSON.parse(readFileSync(m![2]!, 'utf8')).Version).toBe('2012-10-17');
    rmSync(dirname(m![1]!), { recursive: true, force: true });
  });

  it('splits by service only when AWS refuses the whole documents for their size', async () => {
    const whole = await run({});
    const size = String((whole.requests[0]!.body as { existingPolicyDocument: string }).existingPolicyDocument).length;
    await fake!.stop();
    const { r, requests } = await run({ maxChars: size - 1 });
    expect(r.code, r.stderr).toBe(0);
    expect(requests.map((q) => q.outcome)).toEqual(['refused', 'served', 'served', 'served']);
    const parts = requests.slice(1).map((q) => JSON.parse(String(q.body.newPolicyDocument)).Statement.flatMap((s: { Action: string[] }) => s.Action));
    expect(parts).toEqual([['iam:PassRole'], ['sns:Publish'], ['sqs:SendMessage']]);
    expect(r.stderr).toContain('CheckNoNewAccess (sqs): PASS');
    expect(r.stderr).toContain('4 request(s) made (CheckNoNewAccess 4, CheckAccessNotGranted 0)');
  });

  it('--must-not-grant asks CheckAccessNotGranted on the suggestion cut to those services; a FAIL exits 2 with the policy printed', async () => {
    const { r, requests } = await run({ granted: () => ({ result: 'FAIL', message: 'The policy document grants access to perform one or more of the listed actions.', reasons: [{ description: 'One or more of the listed actions in the statement with index: 0.', statementIndex: 0 }] }) }, '--must-not-grant', 'iam:passrole,iam:CreateRole');
    expect(r.code).toBe(2);
    expect(r.stdout).not.toBe('');
    const check = requests.find((q) => q.path === '/policy/check-access-not-granted')!;
    expect(check.body.access).toEqual([{ actions: ['iam:CreateRole', 'iam:PassRole'] }]);
    expect(JSON.parse(String(check.body.policyDocument)).Statement).toEqual([{ Effect: 'Allow', Action: ['iam:PassRole'], Resource: ['*'] }]);
    expect(r.stderr).toContain('CheckAccessNotGranted (iam:CreateRole, iam:PassRole): FAIL');
    expect(r.stderr).toContain('2 request(s) made (CheckNoNewAccess 1, CheckAccessNotGranted 1)');
  });

  it('refuses an unknown --must-not-grant action, and --must-not-grant without --verify-with-aws', async () => {
    const { r, requests } = await run({}, '--must-not-grant', 'iam:PassRoles');
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/iam:PassRoles is not an IAM action/);
    expect(requests).toHaveLength(0);
    const alone = await runCli(['suggest', '--role', OFFLINE_ROLE, '--policy', join(dir, 'policies'), '--trail', join(dir, 'trail'), '--must-not-grant', 'iam:PassRole']);
    expect(alone.code).toBe(64);
    expect(alone.stderr).toMatch(/--must-not-grant goes with --verify-with-aws/);
  });
});
