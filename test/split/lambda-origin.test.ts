/**
 * Which records of a session the Lambda runtime made: the normalizer marks the runtime's user agent
 * (`exec-env/AWS_Lambda_…`) and calls an AWS service made on the session's behalf (its host name as user agent);
 * the ledger counts, per session, the records that are neither — through snapshot and merge, and taken back by
 * subtract — and the split counts a function-named session with such records for the residual too.
 */
import { describe, expect, it } from 'vitest';
import { loadBundledNormalizer } from '../../src/adapters/fs/bundled-mapping.js';
import { attributeUsage } from '../../src/core/split/attribute.js';
import { UsageLedger } from '../../src/core/usage/ledger.js';
import type { NormalizedCall } from '../../src/core/usage/types.js';

const ACCT = '111122223333';
const ROLE = `arn:aws:iam::${ACCT}:role/shared`;

function rec(session: string, userAgent: string, id: string): Record<string, unknown> {
  return {
    eventVersion: '1.10', eventID: id, eventTime: '2026-10-10T10:00:00Z', eventSource: 'kms.amazonaws.com', eventName: 'Decrypt', awsRegion: 'us-east-1', recipientAccountId: ACCT, userAgent,
    userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${ACCT}:assumed-role/shared/${session}`, accountId: ACCT, sessionContext: { sessionIssuer: { type: 'Role', arn: ROLE, accountId: ACCT, userName: 'shared' } } },
    requestParameters: { keyId: `arn:aws:kms:us-east-1:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab` },
    resources: [{ type: 'AWS::KMS::Key', ARN: `arn:aws:kms:us-east-1:${ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab` }],
  };
}

function call(r: Record<string, unknown>): NormalizedCall {
  const out = loadBundledNormalizer()(r, { file: 't', index: 0 });
  if (out.kind !== 'call') throw new Error(`not a call: ${JSON.stringify(out)}`);
  return out.call;
}

const RUNTIME = 'aws-sdk-js/3.637.0 os/linux lang/js md/nodejs#20.17.0 exec-env/AWS_Lambda_nodejs20.x';

describe('the Lambda origin of a session\'s records', () => {
  it('the normalizer marks the runtime, and a service acting on the session\'s behalf', () => {
    expect(call(rec('api', RUNTIME, 'a'))).toMatchObject({ fromLambda: true });
    expect(call(rec('api', RUNTIME, 'a')).invokedBy).toBeUndefined();
    expect(call(rec('api', 'secretsmanager.amazonaws.com', 'b'))).toMatchObject({ invokedBy: 'secretsmanager.amazonaws.com' });
    const person = call(rec('api', 'aws-cli/2.17.20 os/macos', 'c'));
    expect(person.fromLambda).toBeUndefined();
    expect(person.invokedBy).toBeUndefined();
  });

  it('the ledger counts, per session, records neither from the runtime nor on its behalf; merge adds, subtract takes back', () => {
    const a = new UsageLedger();
    const b = new UsageLedger();
    a.add(call(rec('api', RUNTIME, '1')));
    a.add(call(rec('api', 'secretsmanager.amazonaws.com', '2')));
    a.add(call(rec('api', 'aws-cli/2.17.20 os/macos', '3')));
    b.add(call(rec('api', 'aws-cli/2.17.20 os/macos', '4')));
    b.add(call(rec('worker', RUNTIME, '5')));
    expect(a.notFromLambdaOf(ROLE, 'api')).toBe(1);
    expect(a.recordsOf(ROLE, 'api')).toBe(3);
    a.merge(b.snapshot());
    expect(a.notFromLambdaOf(ROLE, 'api')).toBe(2);
    expect(a.notFromLambdaOf(ROLE, 'worker')).toBe(0);
    a.subtract(call(rec('api', 'aws-cli/2.17.20 os/macos', '4')));
    expect(a.notFromLambdaOf(ROLE, 'api')).toBe(1);
  });

  it('a function-named session with a person\'s records counts for the function and the residual', () => {
    const ledger = new UsageLedger();
    ledger.add(call(rec('api', RUNTIME, '1')));
    ledger.add(call(rec('api', 'aws-cli/2.17.20 os/macos', '2')));
    ledger.add(call(rec('worker', RUNTIME, '3')));
    ledger.add(call(rec('worker', 'ssm.amazonaws.com', '4')));
    const sessions = ledger.sessionsOf(ROLE).map((s) => ({ session: s, usage: ledger.usageOf(ROLE, { session: s }), notFromLambda: ledger.notFromLambdaOf(ROLE, s) }));
    const split = attributeUsage(ROLE, ['api', 'worker'], sessions, []);
    expect(split.notes).toEqual([
      { functionName: 'api', session: 'api', how: 'mixed-session' },
      { functionName: 'worker', session: 'worker', how: 'session-name' },
    ]);
    expect(split.residual.used.map((u) => u.action)).toEqual(['kms:Decrypt']);
  });
});
