/**
 * Successful calls the catalog cannot map: the normalizer names the principal of each (while still reporting the
 * record as a problem), the tally keeps them per principal beside the ledger, and snapshots merge them exactly,
 * whichever thread read what; the usage table lists them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadBundledNormalizer } from '../../src/adapters/fs/bundled-mapping.js';
import { ActivityTally } from '../../src/core/usage/tally.js';
import type { UnmappedCall } from '../../src/core/usage/types.js';
import { UnmappedCalls } from '../../src/core/usage/unmapped.js';
import { ROLE_ARN, rec } from '../support/safety-harness.js';
import { formatUsageTable } from '../../src/cli/usage-table.js';

const normalize = loadBundledNormalizer();
const source = { file: 't.json', index: 0 };

describe('the normalizer on a call the catalog cannot map', () => {
  it('reports it and names who made it, when it succeeded', () => {
    const res = normalize(rec({ source: 's3.amazonaws.com', name: 'FrobnicateBucket', session: 'orders-api' }), source);
    expect(res.kind).toBe('problem');
    if (res.kind !== 'problem') return;
    expect(res.problem.code).toBe('unknown-action');
    expect(res.unmapped).toEqual({ principalArn: ROLE_ARN, sessionName: 'orders-api', eventSource: 's3.amazonaws.com', eventName: 'FrobnicateBucket', prefix: 's3', kind: 'unknown-action', time: '2026-11-10T10:00:00Z' });
  });

  it('names the service it does not know', () => {
    const res = normalize(rec({ source: 'newsvc.amazonaws.com', name: 'DoThing' }), source);
    expect(res.kind === 'problem' && res.unmapped).toMatchObject({ prefix: 'newsvc', kind: 'unknown-service', eventName: 'DoThing' });
  });

  it('names nobody for a call that failed: it proves no permission', () => {
    for (const errorCode of ['AccessDenied', 'ThrottlingException']) {
      const res = normalize(rec({ source: 's3.amazonaws.com', name: 'FrobnicateBucket', errorCode }), source);
      expect(res.kind === 'problem' && res.unmapped).toBe(undefined);
    }
  });
});

describe('the tally', () => {
  it('keeps them per principal and session, in the usage the commands read, beside the problem count', () => {
    const tally = new ActivityTally(normalize);
    const item = (session: string, time: string, errorCode?: string) => ({
      kind: 'record' as const,
      record: rec({ source: 's3.amazonaws.com', name: 'FrobnicateBucket', session, time, ...(errorCode ? { errorCode } : {}) }),
      source,
    });
    tally.add(item('fn-b', '2026-11-12T00:00:00Z'));
    tally.add(item('fn-a', '2026-11-10T00:00:00Z'));
    tally.add(item('fn-a', '2026-11-11T00:00:00Z'));
    tally.add(item('fn-a', '2026-11-13T00:00:00Z', 'AccessDenied'));
    expect(tally.problemCounts['unknown-action']).toBe(4);
    const whole = { eventSource: 's3.amazonaws.com', eventName: 'FrobnicateBucket', prefix: 's3', kind: 'unknown-action' };
    expect(tally.ledger.usageOf(ROLE_ARN).unmapped).toEqual([{ ...whole, count: 3, firstSeen: '2026-11-10T00:00:00Z', lastSeen: '2026-11-12T00:00:00Z', sessions: ['fn-a', 'fn-b'] }]);
    expect(tally.ledger.usageOf(ROLE_ARN, { session: 'fn-a' }).unmapped).toEqual([{ ...whole, count: 2, firstSeen: '2026-11-10T00:00:00Z', lastSeen: '2026-11-11T00:00:00Z', sessions: ['fn-a'] }]);
    // No unmapped call: no field (usage output of every other principal is unchanged).
    expect('unmapped' in tally.ledger.usageOf('arn:aws:iam::111122223333:role/other')).toBe(false);
  });
});

const callArb: fc.Arbitrary<UnmappedCall> = fc.record({
  principalArn: fc.constantFrom('arn:aws:iam::1:role/a', 'arn:aws:iam::1:role/b'),
  sessionName: fc.constantFrom('f1', 'f2', undefined),
  eventSource: fc.constantFrom('s3.amazonaws.com', 'newsvc.amazonaws.com'),
  eventName: fc.constantFrom('X', 'Y'),
  prefix: fc.constant('s3'),
  kind: fc.constant('unknown-action' as const),
  time: fc.integer({ min: 1, max: 28 }).map((d) => `2026-11-${String(d).padStart(2, '0')}T00:00:00Z`),
}).map((c) => {
  const { sessionName, ...rest } = c;
  return sessionName === undefined ? rest : { ...rest, sessionName };
});

describe('UnmappedCalls', () => {
  it('merged from parts read apart (snapshots between threads) equals the whole read in one', () => {
    fc.assert(
      fc.property(fc.array(callArb, { maxLength: 30 }), fc.nat(), (calls, cut) => {
        const k = calls.length === 0 ? 0 : cut % (calls.length + 1);
        const whole = new UnmappedCalls();
        for (const c of calls) whole.add(c);
        const first = new UnmappedCalls();
        const second = new UnmappedCalls();
        for (const c of calls.slice(0, k)) first.add(c);
        for (const c of calls.slice(k)) second.add(c);
        const merged = new UnmappedCalls();
        merged.merge(structuredClone(second.rows()));
        merged.merge(structuredClone(first.rows()));
        for (const p of ['arn:aws:iam::1:role/a', 'arn:aws:iam::1:role/b'])
          for (const s of [undefined, 'f1', 'f2', '']) expect(merged.of(p, s)).toEqual(whole.of(p, s));
      }),
    );
  });

  it('takes back a copy counted twice, and leaves out what falls to no call', () => {
    const u = new UnmappedCalls();
    const c: UnmappedCall = { principalArn: 'arn:aws:iam::1:role/a', eventSource: 's3.amazonaws.com', eventName: 'X', prefix: 's3', kind: 'unknown-action', time: '2026-11-01T00:00:00Z' };
    u.add(c);
    u.add(c);
    u.subtract(c);
    expect(u.of(c.principalArn).map((x) => x.count)).toEqual([1]);
    u.subtract(c);
    expect(u.of(c.principalArn)).toEqual([]);
  });
});

describe('the usage table', () => {
  it('lists them under the principal, each value escaped for the terminal', () => {
    const tally = new ActivityTally(normalize);
    tally.add({ kind: 'record', record: rec({ source: 's3.amazonaws.com', name: 'Frob\u001b[31mnicate', session: 'fn' }), source });
    const text = formatUsageTable([tally.ledger.usageOf(ROLE_ARN)]);
    expect(text).toBe(
      [
        `${ROLE_ARN}  (0 record(s))`,
        '  no successful calls',
        '  successful calls the bundled catalog cannot map to an action (suggest keeps what may have allowed them):',
        '    event                                  calls  last seen   sessions',
        '    s3.amazonaws.com Frob\\u001b[31mnicate  1      2026-11-10  fn',
        '',
        '',
      ].join('\n'),
    );
  });
});
