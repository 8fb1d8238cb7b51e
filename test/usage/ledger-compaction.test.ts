import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_DISTINCT_RESOURCES, UsageLedger } from '../../src/core/usage/ledger.js';
import { generalizeResource } from '../../src/core/usage/generalize.js';
import type { NormalizedCall } from '../../src/core/usage/types.js';
import { RESOURCE_PATTERN, matchPattern } from '../../src/core/wildcard.js';
import { loadBundledCatalog } from '../../src/adapters/fs/bundled-data.js';
import { loadBundledCloudTrailKnowledge } from '../../src/adapters/fs/bundled-mapping.js';
import { suggest } from '../../src/core/trim/suggest.js';
import { parseTrailRecording } from '../../src/core/trail/recording.js';
import { evaluate, parsePolicyDocument } from '../../src/core/policy/index.js';

const ROLE = 'arn:aws:iam::123456789012:role/exporter';

function put(key: string, day = 1, session = 'fn'): NormalizedCall {
  return {
    time: `2026-10-${String(day).padStart(2, '0')}T00:00:00Z`,
    eventSource: 's3.amazonaws.com',
    eventName: 'PutObject',
    principalArn: ROLE,
    principalType: 'AssumedRole',
    sessionName: session,
    outcome: 'succeeded',
    category: 'data',
    actions: [{ action: 's3:PutObject', resources: [`arn:aws:s3:::bucket/${key}`], role: 'primary' }],
  };
}

const matches = (pattern: string, arn: string) => matchPattern(pattern, arn, RESOURCE_PATTERN) === 'yes' || pattern === arn;

describe('generalizeResource', () => {
  it('keeps fewer path segments at higher levels and always covers the input', () => {
    const arn = 'arn:aws:s3:::bucket/receipts/cust-1/2026/10/01/x.pdf';
    expect(generalizeResource(arn, 0)).toBe(arn);
    expect(generalizeResource(arn, 1)).toBe('arn:aws:s3:::bucket/receipts/cust-1/2026/10/01/*');
    expect(generalizeResource(arn, 2)).toBe('arn:aws:s3:::bucket/receipts/cust-1/2026/*');
    expect(generalizeResource(arn, 3)).toBe('arn:aws:s3:::bucket/receipts/cust-1/*');
    expect(generalizeResource(arn, 5)).toBe('arn:aws:s3:::bucket/*');
    expect(generalizeResource(arn, 6)).toBe('arn:aws:s3:::*');
    expect(generalizeResource(arn, 99)).toBe('arn:aws:s3:::*');
    expect(generalizeResource('arn:aws:sqs:us-east-1:1:q', 3)).toBe('arn:aws:sqs:us-east-1:1:q');
    expect(generalizeResource('arn:aws:sqs:us-east-1:1:q', 6)).toBe('arn:aws:sqs:us-east-1:1:*');
    expect(generalizeResource('*', 6)).toBe('*');
  });

  it('generalizing twice equals generalizing once at the higher level', () => {
    const seg = fc.stringMatching(/^[a-z0-9-]{1,6}$/);
    fc.assert(
      fc.property(fc.array(seg, { minLength: 1, maxLength: 9 }), fc.nat(6), fc.nat(6), (segs, a, b) => {
        const arn = `arn:aws:s3:::${segs.join('/')}`;
        const [lo, hi] = a < b ? [a, b] : [b, a];
        expect(generalizeResource(generalizeResource(arn, lo), hi)).toBe(generalizeResource(arn, hi));
        expect(matches(generalizeResource(arn, hi), arn)).toBe(true);
      }),
    );
  });
});

describe('ledger memory bound', () => {
  it('keeps at most MAX_DISTINCT_RESOURCES per cell, covering every resource seen, with counts kept', () => {
    // Given 5,000 calls, each on its own object key
    const ledger = new UsageLedger();
    const keys: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const key = `receipts/cust-${i % 40}/ord-${i}.pdf`;
      keys.push(key);
      ledger.add(put(key, 1 + (i % 28)));
    }
    // When the usage is read
    const u = ledger.usageOf(ROLE).used[0];
    // Then the resources are bounded, cover every key, and the counts add up
    expect(u.resources.length).toBeLessThanOrEqual(MAX_DISTINCT_RESOURCES);
    expect(u.resources.length).toBe(40);
    expect(u.resources.reduce((n, r) => n + r.count, 0)).toBe(5000);
    for (const k of keys) expect(u.resources.some((r) => matches(r.resource, `arn:aws:s3:::bucket/${k}`)), k).toBe(true);
    expect(u.firstSeen).toBe('2026-10-01T00:00:00Z');
    expect(u.lastSeen).toBe('2026-10-28T00:00:00Z');
  });

  it('gives the same result whatever the order and split of the calls', () => {
    const all = Array.from({ length: 1300 }, (_, i) => put(`p${i % 3}/q${i % 7}/k${i}`, 1 + (i % 20), i % 2 ? 'a' : 'b'));
    const whole = new UsageLedger();
    for (const c of all) whole.add(c);
    fc.assert(
      fc.property(fc.array(fc.nat(2), { minLength: all.length, maxLength: all.length }), fc.boolean(), (parts, reverse) => {
        const ledgers = [new UsageLedger(), new UsageLedger(), new UsageLedger()];
        all.forEach((c, i) => ledgers[parts[i]].add(c));
        const merged = new UsageLedger();
        for (const l of reverse ? [...ledgers].reverse() : ledgers) merged.merge(l.snapshot());
        expect(merged.usageOf(ROLE)).toEqual(whole.usageOf(ROLE));
      }),
      { numRuns: 15 },
    );
  });
});

describe('trim with generalized resources', () => {
  const catalog = loadBundledCatalog();
  const knowledge = loadBundledCloudTrailKnowledge();
  const recording = parseTrailRecording(
    {
      AdvancedEventSelectors: [
        { FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
        { FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }] },
      ],
    },
    'test selectors',
  );
  const usageFor = () => {
    const ledger = new UsageLedger();
    for (let i = 0; i < 3000; i++) ledger.add(put(`receipts/cust-${i % 1500}/ord-${i}.pdf`));
    return ledger.usageOf(ROLE);
  };

  it('narrows to the generalized prefix when the original covers it', () => {
    const original = [parsePolicyDocument({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::bucket/*' }] }, 'p.json')];
    const usage = usageFor();
    expect(usage.used[0].resources.every((r) => r.resource.includes('*'))).toBe(true);
    const result = suggest({ documents: original, usage, catalog, knowledge, recording, options: { baselines: [] } });
    const allows = (arn: string) => evaluate(result.documents, { action: 's3:PutObject', resource: arn }, { mode: 'may-allow' }) === 'allowed';
    expect(allows('arn:aws:s3:::bucket/receipts/cust-7/ord-7.pdf')).toBe(true);
    expect(allows('arn:aws:s3:::bucket/exports/x.csv')).toBe(false);
  });

  it('keeps the original resources when a generalized pattern only overlaps the statement', () => {
    // The original allows a narrower pattern than the generalized evidence: which ARNs went through it is
    // unknown, so trim keeps it as granted instead of dropping the action.
    const original = [parsePolicyDocument({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::bucket/receipts/cust-1*' }] }, 'p.json')];
    const result = suggest({ documents: original, usage: usageFor(), catalog, knowledge, recording, options: { baselines: [] } });
    expect(evaluate(result.documents, { action: 's3:PutObject', resource: 'arn:aws:s3:::bucket/receipts/cust-12/ord-12.pdf' }, { mode: 'must-allow' })).toBe('allowed');
    expect(result.findings.some((f) => f.kind === 'removed-action' && f.action === 's3:PutObject')).toBe(false);
  });
});
