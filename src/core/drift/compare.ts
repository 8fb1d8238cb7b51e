/**
 * What changed since the previous report (`drift --previous-report`): grants newly unused, grants the role has
 * started to use, roles new and gone, and policies added, removed or edited. Findings of roles present in both
 * reports are marked `new` when the previous report did not hold their id; a role new since then has no
 * previous findings to compare with, so it is counted once, as a new role.
 */
import type { DriftComparison, DriftFinding, DriftReport, RoleDrift } from './types.js';

/** The previous report's roles, reduced to what the comparison reads (older reports of the same version). */
export type PreviousReport = Pick<DriftReport, 'generatedAt' | 'roles'>;

/**
 * Compares `roles` (this run) with `previous`, marking new findings in place, and returns the comparison.
 * `usedNow(roleArn, action)` says whether the role used the action in this run's window.
 */
export function compareWithPrevious(roles: RoleDrift[], previous: PreviousReport, usedNow: (roleArn: string, action: string) => boolean): DriftComparison {
  const before = new Map(previous.roles.map((r) => [r.roleArn, r]));
  const now = new Set(roles.map((r) => r.roleArn));
  const comparison: DriftComparison = {
    previousGeneratedAt: previous.generatedAt,
    newlyUnused: [],
    newlyUsed: [],
    newRoles: roles.filter((r) => !before.has(r.roleArn)).map((r) => r.roleArn).sort(),
    removedRoles: previous.roles.filter((r) => !now.has(r.roleArn)).map((r) => r.roleArn).sort(),
    policyChanges: [],
  };
  for (const role of roles) {
    const old = before.get(role.roleArn);
    if (!old) continue;
    markNew(role.findings, new Set(old.findings.map((f) => f.id)));
    comparison.newlyUnused.push(...role.findings.filter((f) => f.kind === 'UNUSED' && f.new).map((f) => f.id));
    const unusedNow = new Set(role.findings.filter((f) => f.kind === 'UNUSED').map((f) => f.id));
    comparison.newlyUsed.push(...old.findings.filter((f) => f.kind === 'UNUSED' && !unusedNow.has(f.id) && usedNow(role.roleArn, f.action)).map((f) => f.id));
    const change = policyChange(old, role);
    if (change) comparison.policyChanges.push(change);
  }
  comparison.newlyUnused.sort();
  comparison.newlyUsed.sort();
  return comparison;
}

/** Marks the findings whose id the previous report did not hold. */
function markNew(findings: DriftFinding[], previousIds: Set<string>): void {
  for (const f of findings) if (!previousIds.has(f.id)) f.new = true;
}

/** Policies added, removed or edited (by name), or undefined when none changed. */
function policyChange(old: RoleDrift, role: RoleDrift): DriftComparison['policyChanges'][number] | undefined {
  const was = new Map(old.policies.map((p) => [p.name, p.sha256]));
  const is = new Map(role.policies.map((p) => [p.name, p.sha256]));
  const added = [...is.keys()].filter((n) => !was.has(n)).sort();
  const removed = [...was.keys()].filter((n) => !is.has(n)).sort();
  const changed = [...is].filter(([n, h]) => was.has(n) && was.get(n) !== h).map(([n]) => n).sort();
  return added.length + removed.length + changed.length > 0 ? { roleArn: role.roleArn, added, removed, changed } : undefined;
}
