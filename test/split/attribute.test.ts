/**
 * Attribution of a shared role's usage: nothing is dropped (the parts and the rest add up to the whole, a
 * property over random usages), a session named after a function whose records were not all the Lambda
 * runtime's counts for both the function and the residual, and two functions on one source both get the
 * poller's calls.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attributeUsage } from '../../src/core/split/attribute.js';
import { mergeUsages, partitionUsage } from '../../src/core/split/usage-parts.js';
import type { ActionUsage, PrincipalUsage } from '../../src/core/usage/types.js';

const ROLE = 'arn:aws:iam::111122223333:role/shared';
const QUEUE = 'arn:aws:sqs:us-east-1:111122223333:jobs';

function use(action: string, resources: [string, number][]): ActionUsage {
  return {
    action, role: 'primary', count: resources.reduce((n, [, c]) => n + c, 0), firstSeen: '2026-10-01T00:00:00Z', lastSeen: '2026-10-02T00:00:00Z',
    resources: resources.map(([resource, count]) => ({ resource, count, firstSeen: '2026-10-01T00:00:00Z', lastSeen: '2026-10-02T00:00:00Z' })), sessions: ['s'], eventNames: ['E'],
  };
}
const usage = (used: ActionUsage[]): PrincipalUsage => ({ principalArn: ROLE, used, denied: [], failed: [], sessions: ['s'], records: used.length });

/** action → resource → count. */
function counts(u: PrincipalUsage): Record<string, Record<string, number>> {
  return Object.fromEntries(u.used.map((a) => [a.action, Object.fromEntries(a.resources.map((r) => [r.resource, r.count]))]));
}

describe('partitionUsage', () => {
  it('parts and rest add up to the whole, whatever the owners (property)', () => {
    const arbUse = fc.record({ action: fc.constantFrom('sqs:ReceiveMessage', 's3:GetObject', 'dynamodb:GetItem'), resources: fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'd'), fc.integer({ min: 1, max: 9 })), { maxLength: 4 }) });
    fc.assert(
      fc.property(fc.uniqueArray(arbUse, { selector: (u) => u.action }), fc.func(fc.constantFrom([], ['f1'], ['f2'], ['f1', 'f2'])), (uses, owners) => {
        const whole = usage(uses.map((u) => use(u.action, [...new Map(u.resources)].map(([r, c]) => [r, c]))));
        const { parts, rest } = partitionUsage(whole, (a, r) => owners(a, r));
        // Every resource use is in the rest or in at least one part, with its count; none is invented.
        const seen: Record<string, Record<string, number>> = {};
        for (const p of [rest, ...parts.values()]) for (const [a, rs] of Object.entries(counts(p))) for (const [r, c] of Object.entries(rs)) (seen[a] ??= {})[r] = c;
        expect(seen).toEqual(Object.fromEntries(Object.entries(counts(whole)).filter(([, rs]) => Object.keys(rs).length > 0)));
        // Merging the rest with no parts gives back the rest's counts (merge is the sum).
        expect(counts(mergeUsages(ROLE, [rest]))).toEqual(counts(rest));
      }),
    );
  });
});

describe('attributeUsage', () => {
  it('a function-named session not all from the Lambda runtime counts for the function and the residual', () => {
    const a = attributeUsage(ROLE, ['api'], [{ session: 'api', usage: usage([use('s3:GetObject', [['a', 1]])]), notFromLambda: 1 }], []);
    expect(counts(a.byFunction.get('api')!)).toEqual({ 's3:GetObject': { a: 1 } });
    expect(counts(a.residual)).toEqual({ 's3:GetObject': { a: 1 } });
    expect(a.notes).toEqual([{ functionName: 'api', session: 'api', how: 'mixed-session' }]);
  });

  it('two functions on one queue each get the poller\'s receives; a function with no session still has an (empty) part', () => {
    const poller = usage([use('sqs:ReceiveMessage', [[QUEUE, 5]]), use('sqs:SendMessage', [[QUEUE, 1]])]);
    const a = attributeUsage(ROLE, ['w1', 'w2', 'idle'], [{ session: 'awslambda_1', usage: poller }], [
      { functionName: 'w1', sourceArn: QUEUE },
      { functionName: 'w2', sourceArn: QUEUE },
    ]);
    expect(counts(a.byFunction.get('w1')!)).toEqual({ 'sqs:ReceiveMessage': { [QUEUE]: 5 } });
    expect(counts(a.byFunction.get('w2')!)).toEqual({ 'sqs:ReceiveMessage': { [QUEUE]: 5 } });
    expect(a.byFunction.get('idle')!.used).toEqual([]);
    // SendMessage is not a poller's action: the residual's.
    expect(counts(a.residual)).toEqual({ 'sqs:SendMessage': { [QUEUE]: 1 } });
  });
});
