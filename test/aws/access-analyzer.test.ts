/**
 * The Access Analyzer adapter against a local HTTP fake speaking the REST-JSON protocol: PASS and FAIL answers with
 * AWS's reasons, throttled calls retried and counted, a size refusal turned into PolicyTooLargeError.
 */
import { AccessAnalyzerClient } from '@aws-sdk/client-accessanalyzer';
import { afterEach, describe, expect, it } from 'vitest';
import { AccessAnalyzerChecks, PolicyTooLargeError } from '../../src/adapters/aws/access-analyzer.js';
import { FakeClock } from '../support/clock.js';
import { FakeAccessAnalyzer, type FakeAccessAnalyzerOptions } from '../support/fake-access-analyzer.js';

let fake: FakeAccessAnalyzer | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function checks(opts: FakeAccessAnalyzerOptions) {
  fake = new FakeAccessAnalyzer(opts);
  const endpoint = await fake.start();
  const client = new AccessAnalyzerClient({ region: 'us-east-1', endpoint, maxAttempts: 1, credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'fake' } });
  const clock = new FakeClock();
  return { c: new AccessAnalyzerChecks(client, { clock, random: () => 0 }), clock, fake };
}

const A = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["*"]}]}';

describe('AccessAnalyzerChecks', () => {
  it('sends both documents as an identity-policy check and reads a PASS', async () => {
    const { c, fake: f } = await checks({});
    const a = await c.noNewAccess(A, A);
    expect(a).toEqual({ result: 'PASS', message: 'The updated policy does not grant new access.', reasons: [] });
    expect(f.requests[0]).toMatchObject({ path: '/policy/check-no-new-access', body: { existingPolicyDocument: A, newPolicyDocument: A, policyType: 'IDENTITY_POLICY' } });
    expect(c.calls).toEqual({ noNewAccess: 1, accessNotGranted: 0 });
  });

  it("reads a FAIL with AWS's reasons", async () => {
    const { c } = await checks({ decide: () => ({ result: 'FAIL', message: 'The policy grants new access.', reasons: [{ description: 'New access in the statement with index: 0.', statementIndex: 0 }] }) });
    expect(await c.noNewAccess(A, A)).toEqual({ result: 'FAIL', message: 'The policy grants new access.', reasons: [{ description: 'New access in the statement with index: 0.', statementIndex: 0 }] });
  });

  it('asks CheckAccessNotGranted with the actions as one access entry', async () => {
    const { c, fake: f } = await checks({ granted: (_p, actions) => (actions.includes('iam:PassRole') ? { result: 'FAIL', message: 'grants iam:PassRole', reasons: [] } : { result: 'PASS' }) });
    expect((await c.accessNotGranted(A, ['iam:PassRole', 'iam:CreateRole'])).result).toBe('FAIL');
    expect(f.requests[0]?.body).toMatchObject({ access: [{ actions: ['iam:PassRole', 'iam:CreateRole'] }], policyType: 'IDENTITY_POLICY' });
    expect(c.calls.accessNotGranted).toBe(1);
  });

  it('retries a throttled check after a wait and counts every request sent', async () => {
    const { c, clock, fake: f } = await checks({ throttle: [1, 2] });
    expect((await c.noNewAccess(A, A)).result).toBe('PASS');
    expect(f.requests.map((q) => q.outcome)).toEqual(['throttled', 'throttled', 'served']);
    expect(clock.sleeps).toEqual([500, 1000]);
    expect(c.calls.noNewAccess).toBe(3);
  });

  it('turns a refusal for size into PolicyTooLargeError', async () => {
    const { c } = await checks({ maxChars: 20 });
    const err = await c.noNewAccess(A, A).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyTooLargeError);
    expect((err as Error).message).toMatch(/exceeds the maximum length/);
  });
});
