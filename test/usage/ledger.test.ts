import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { UsageLedger } from '../../src/core/usage/ledger.js';
import type { NormalizedCall } from '../../src/core/usage/types.js';

const ROLE = 'arn:aws:iam::123456789012:role/orders-api-role';

function call(over: Partial<NormalizedCall>): NormalizedCall {
  return {
    time: '2026-10-01T00:00:00Z',
    eventSource: 'dynamodb.amazonaws.com',
    eventName: 'GetItem',
    principalArn: ROLE,
    principalType: 'AssumedRole',
    outcome: 'succeeded',
    category: 'data',
    actions: [{ action: 'dynamodb:GetItem', resources: ['arn:aws:dynamodb:us-east-1:123456789012:table/orders'], role: 'primary' }],
    ...over,
  };
}

describe('UsageLedger', () => {
  it('counts calls per action and resource with first and last seen', () => {
    // Given three successful calls on two resources
    const ledger = new UsageLedger();
    ledger.add(call({ time: '2026-10-02T00:00:00Z', sessionName: 'orders-api' }));
    ledger.add(call({ time: '2026-10-01T00:00:00Z', sessionName: 'orders-worker' }));
    ledger.add(
      call({
        time: '2026-10-03T00:00:00Z',
        sessionName: 'orders-api',
        actions: [{ action: 'dynamodb:GetItem', resources: ['arn:aws:dynamodb:us-east-1:123456789012:table/other'], role: 'primary' }],
      }),
    );
    // When the role's usage is read
    const usage = ledger.usageOf(ROLE);
    // Then one action with three calls, two resources, both sessions
    expect(usage.records).toBe(3);
    expect(usage.used).toHaveLength(1);
    const u = usage.used[0];
    expect(u.count).toBe(3);
    expect(u.firstSeen).toBe('2026-10-01T00:00:00Z');
    expect(u.lastSeen).toBe('2026-10-03T00:00:00Z');
    expect(u.sessions).toEqual(['orders-api', 'orders-worker']);
    expect(u.resources.map((r) => [r.resource.split('/')[1], r.count])).toEqual([
      ['orders', 2],
      ['other', 1],
    ]);
  });

  it('keeps denied and failed attempts apart from use', () => {
    const ledger = new UsageLedger();
    ledger.add(call({ outcome: 'denied', errorCode: 'AccessDenied', eventName: 'DeleteTable', actions: [{ action: 'dynamodb:DeleteTable', resources: ['*'], role: 'primary' }] }));
    ledger.add(call({ outcome: 'failed', errorCode: 'ThrottlingException' }));
    const usage = ledger.usageOf(ROLE);
    expect(usage.used).toEqual([]);
    expect(usage.denied.map((d) => [d.action, d.errorCodes])).toEqual([['dynamodb:DeleteTable', ['AccessDenied']]]);
    expect(usage.failed.map((d) => [d.action, d.errorCodes])).toEqual([['dynamodb:GetItem', ['ThrottlingException']]]);
  });

  it('gives a per-session view without changing the role view', () => {
    const ledger = new UsageLedger();
    ledger.add(call({ sessionName: 'orders-api' }));
    ledger.add(call({ sessionName: 'receipts-exporter', eventName: 'PutObject', actions: [{ action: 's3:PutObject', resources: ['arn:aws:s3:::b/k'], role: 'primary' }] }));
    expect(ledger.usageOf(ROLE, { session: 'orders-api' }).used.map((u) => u.action)).toEqual(['dynamodb:GetItem']);
    expect(ledger.usageOf(ROLE, { session: 'orders-api' }).records).toBe(1);
    expect(ledger.usageOf(ROLE).used.map((u) => u.action)).toEqual(['dynamodb:GetItem', 's3:PutObject']);
    expect(ledger.sessionsOf(ROLE)).toEqual(['orders-api', 'receipts-exporter']);
    expect(ledger.usageOf('arn:aws:iam::1:role/none').used).toEqual([]);
  });

  it('marks an action primary when any call used it directly', () => {
    const ledger = new UsageLedger();
    ledger.add(call({ actions: [{ action: 'iam:PassRole', resources: ['arn:aws:iam::123456789012:role/x'], role: 'secondary' }] }));
    expect(ledger.usageOf(ROLE).used[0].role).toBe('secondary');
    ledger.add(call({ actions: [{ action: 'iam:PassRole', resources: ['arn:aws:iam::123456789012:role/x'], role: 'primary' }] }));
    expect(ledger.usageOf(ROLE).used[0].role).toBe('primary');
  });

  it('merging snapshots of any split equals adding every call to one ledger', () => {
    const callArb = fc.record({
      principal: fc.constantFrom(ROLE, 'arn:aws:iam::123456789012:role/other'),
      session: fc.constantFrom(undefined, 'a', 'b'),
      action: fc.constantFrom('s3:GetObject', 'sqs:SendMessage', 'kms:Decrypt'),
      resource: fc.constantFrom('r1', 'r2', '*'),
      outcome: fc.constantFrom('succeeded', 'denied', 'failed') as fc.Arbitrary<NormalizedCall['outcome']>,
      day: fc.integer({ min: 1, max: 28 }),
      part: fc.integer({ min: 0, max: 2 }),
    });
    fc.assert(
      fc.property(fc.array(callArb, { maxLength: 40 }), (items) => {
        const whole = new UsageLedger();
        const parts = [new UsageLedger(), new UsageLedger(), new UsageLedger()];
        for (const it of items) {
          const c = call({
            principalArn: it.principal,
            sessionName: it.session,
            outcome: it.outcome,
            errorCode: it.outcome === 'succeeded' ? undefined : 'AccessDenied',
            time: `2026-10-${String(it.day).padStart(2, '0')}T00:00:00Z`,
            actions: [{ action: it.action, resources: [it.resource], role: 'primary' }],
          });
          whole.add(c);
          parts[it.part].add(c);
        }
        const merged = new UsageLedger();
        for (const p of parts) merged.merge(JSON.parse(JSON.stringify(p.snapshot())));
        expect(merged.principals()).toEqual(whole.principals());
        for (const p of whole.principals()) expect(merged.usageOf(p)).toEqual(whole.usageOf(p));
      }),
    );
  });
});
