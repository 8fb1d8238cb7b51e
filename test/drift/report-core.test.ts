/**
 * The pure parts of a drift report: the risk order and its reasons, acknowledgements (exact, by wildcard, and
 * through their last day), the gate's counts (acknowledged findings never count; new-drift only with a previous
 * report), and the comparison with a previous report.
 */
import { describe, expect, it } from 'vitest';
import { compareWithPrevious } from '../../src/core/drift/compare.js';
import { applyAcknowledgements, evaluateGate } from '../../src/core/drift/gate.js';
import { driftReportJson } from '../../src/core/drift/render-json.js';
import { rankRoles } from '../../src/core/drift/report.js';
import { sampleDriftReport } from '../support/drift-sample.js';
import { zeroLevels } from '../../src/core/drift/role.js';
import type { DriftFinding, RoleDrift } from '../../src/core/drift/types.js';

function role(name: string, over: Partial<Omit<RoleDrift, 'risk'>> = {}): Omit<RoleDrift, 'risk'> {
  return {
    account: '111122223333', roleName: name, roleArn: `arn:aws:iam::111122223333:role/${name}`, functions: [name], shared: false, policies: [],
    granted: 10, used: 1, unused: 0, unusedByLevel: zeroLevels(), unusedOnStar: 0, unobservable: 0, narrowable: 0, denied: 0, records: 1, findings: [], ...over,
  };
}

function unused(roleName: string, action: string, accessLevel: DriftFinding['accessLevel']): DriftFinding {
  return { id: `UNUSED[111122223333:${roleName}][${action}]`, kind: 'UNUSED', action, ...(accessLevel ? { accessLevel } : {}), message: '', statements: [] };
}

describe('rankRoles', () => {
  it('orders by unused Permissions management, then Write, then on *, then denied, then unused; ties by ARN; says why', () => {
    const ranked = rankRoles([
      role('b-many-read', { unused: 50, unusedByLevel: { ...zeroLevels(), Read: 50 } }),
      role('c-one-write', { unused: 1, unusedByLevel: { ...zeroLevels(), Write: 1 } }),
      role('d-one-pm', { unused: 1, unusedByLevel: { ...zeroLevels(), 'Permissions management': 1 } }),
      role('e-star', { unused: 2, unusedOnStar: 2, unusedByLevel: { ...zeroLevels(), Read: 2 } }),
      role('f-denied', { denied: 1 }),
      role('a-clean'),
      role('a-clean2'),
    ]);
    expect(ranked.map((r) => r.roleName)).toEqual(['d-one-pm', 'c-one-write', 'e-star', 'f-denied', 'b-many-read', 'a-clean', 'a-clean2']);
    expect(ranked.map((r) => r.risk.rank)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(ranked[0]!.risk).toEqual({ rank: 1, key: [1, 0, 0, 0, 1], reason: '1 unused Permissions management action(s), 1 unused action(s)' });
    expect(ranked[5]!.risk.reason).toBe('nothing unused, nothing refused');
  });
});

describe('acknowledgements and the gate', () => {
  const roles = () => rankRoles([role('app', { findings: [unused('app', 's3:DeleteBucket', 'Write'), unused('app', 'iam:PutRolePolicy', 'Permissions management')] })]);

  it('an acknowledgement holds through its last day and names itself on the findings it matches; the day after it is listed as expired', () => {
    const ack = { finding: 'UNUSED[111122223333:app][s3:*]', reason: 'kept for the migration', until: '2026-11-30' };
    const r1 = roles();
    expect(applyAcknowledgements(r1, [ack], '2026-11-30')).toEqual([]);
    expect(r1[0]!.findings.find((f) => f.action === 's3:DeleteBucket')?.acknowledged).toEqual({ pattern: ack.finding, reason: ack.reason, until: ack.until });
    expect(r1[0]!.findings.find((f) => f.action === 'iam:PutRolePolicy')?.acknowledged).toBeUndefined();
    const r2 = roles();
    expect(applyAcknowledgements(r2, [ack], '2026-12-01')).toEqual([{ pattern: ack.finding, reason: ack.reason, until: ack.until }]);
    expect(r2[0]!.findings.every((f) => !f.acknowledged)).toBe(true);
  });

  it('counts only what no acknowledgement holds, each condition once (aliases resolved), in the order written', () => {
    const r = roles();
    applyAcknowledgements(r, [{ finding: 'UNUSED[111122223333:app][s3:DeleteBucket]', reason: 'r' }], '2026-11-01');
    expect(evaluateGate(['removable', 'unused', 'unused-write', 'unused-permissions-management'], r, undefined)).toEqual({
      failOn: ['unused', 'unused-write', 'unused-permissions-management'],
      counts: [{ condition: 'unused', count: 1 }, { condition: 'unused-write', count: 0 }, { condition: 'unused-permissions-management', count: 1 }],
      tripped: true,
    });
    expect(evaluateGate(['unused-write'], r, undefined).tripped).toBe(false);
    expect(evaluateGate([], r, undefined)).toEqual({ failOn: [], counts: [], tripped: false });
  });

  it('new-drift counts nothing without a previous report, and newly unused grants and new roles with one', () => {
    const r = roles();
    expect(evaluateGate(['new-drift'], r, undefined).counts).toEqual([{ condition: 'new-drift', count: 0 }]);
    const previous = { generatedAt: '2026-10-01T00:00:00.000Z', roles: [{ ...r[0]!, findings: [r[0]!.findings[0]!] }] };
    const now = rankRoles([role('app', { findings: roles()[0]!.findings }), role('fresh')]);
    const comparison = compareWithPrevious(now, previous, () => false);
    expect(comparison.newRoles).toEqual(['arn:aws:iam::111122223333:role/fresh']);
    expect(comparison.newlyUnused).toEqual([now.find((x) => x.roleName === 'app')!.findings[1]!.id]);
    expect(evaluateGate(['new-drift'], now, comparison).counts).toEqual([{ condition: 'new-drift', count: 2 }]);
  });
});

describe('driftReportJson', () => {
  it('is JSON.stringify(report, null, 2) and a newline, one role at a time (with roles, without, without a comparison)', () => {
    const full = sampleDriftReport();
    const none = { ...sampleDriftReport(), roles: [] };
    const { comparison: _c, ...noComparison } = sampleDriftReport();
    for (const r of [full, none, noComparison]) {
      const chunks = [...driftReportJson(r)];
      expect(chunks.join('')).toBe(JSON.stringify(r, null, 2) + '\n');
    }
    // One chunk per role (and a few around them): never the whole report in one string.
    expect([...driftReportJson(full)].length).toBe(full.roles.length + 4);
  });
});
