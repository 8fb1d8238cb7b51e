/**
 * The drift report of a fleet, assembled: roles ranked by risk, totals, the comparison with a previous report,
 * acknowledgements and the gate. Pure: the command reads the inputs and writes the formats.
 */
import type { Acknowledgement } from '../config/types.js';
import { compareWithPrevious, type PreviousReport } from './compare.js';
import { applyAcknowledgements, evaluateGate } from './gate.js';
import { zeroLevels } from './role.js';
import { DRIFT_REPORT_VERSION, type DriftReport, type RiskKey, type RoleDrift } from './types.js';
import { ACCESS_LEVEL_ORDER } from '../trim/model.js';

/** What the report is assembled from. */
export interface DriftReportInput {
  toolVersion: string;
  generatedAt: Date;
  window: { since?: Date; until?: Date };
  roles: Omit<RoleDrift, 'risk'>[];
  activity: DriftReport['activity'];
  acknowledgements: readonly Acknowledgement[];
  failOn: readonly string[];
  previous?: PreviousReport;
  /** Whether the role used the action in this window (for "newly used"). */
  usedNow(roleArn: string, action: string): boolean;
}

/** Assembles the report. */
export function buildDriftReport(input: DriftReportInput): DriftReport {
  const ranked = rankRoles(input.roles);
  const expiredAcknowledgements = applyAcknowledgements(ranked, input.acknowledgements, input.generatedAt.toISOString().slice(0, 10));
  const comparison = input.previous ? compareWithPrevious(ranked, input.previous, input.usedNow) : undefined;
  const gate = evaluateGate(input.failOn, ranked, comparison);
  return {
    schema: 'https://policy-trim.dev/schemas/drift-report.json',
    version: DRIFT_REPORT_VERSION,
    tool: { name: 'policy-trim', version: input.toolVersion },
    generatedAt: input.generatedAt.toISOString(),
    window: { since: input.window.since?.toISOString() ?? null, until: input.window.until?.toISOString() ?? null },
    accounts: [...new Set(ranked.map((r) => r.account).filter((a) => a !== ''))].sort(),
    activity: input.activity,
    totals: totalsOf(ranked),
    roles: ranked,
    ...(comparison ? { comparison } : {}),
    expiredAcknowledgements,
    gate,
  };
}

/** The counts a role's rank compares, in the order compared. */
function riskKeyOf(r: Omit<RoleDrift, 'risk'>): RiskKey['key'] {
  return [r.unusedByLevel['Permissions management'], r.unusedByLevel.Write, r.unusedOnStar, r.denied, r.unused];
}

/** Words for each compared count, in the order of the key. */
const KEY_WORDS = ['unused Permissions management action(s)', 'unused Write action(s)', 'unused action(s) on "*"', 'refused action(s)', 'unused action(s)'];

/** Roles in risk order, each with its rank and the sentence that explains it. */
export function rankRoles(roles: Omit<RoleDrift, 'risk'>[]): RoleDrift[] {
  const keyed = roles.map((r) => ({ r, key: riskKeyOf(r) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < a.key.length; i++) if (a.key[i] !== b.key[i]) return b.key[i]! - a.key[i]!;
    return a.r.roleArn < b.r.roleArn ? -1 : a.r.roleArn > b.r.roleArn ? 1 : 0;
  });
  return keyed.map(({ r, key }, i) => ({ ...r, risk: { rank: i + 1, key, reason: reasonOf(key, r.error !== undefined) } }));
}

/** The first count that is not zero, said in words, with the ones after it. */
function reasonOf(key: RiskKey['key'], failed: boolean): string {
  if (failed) return 'not analysed (see the error)';
  const parts = key.map((n, i) => (n > 0 ? `${n} ${KEY_WORDS[i]}` : undefined)).filter((s): s is string => s !== undefined);
  return parts.length === 0 ? 'nothing unused, nothing refused' : parts.join(', ');
}

/** Sums over the fleet. */
function totalsOf(roles: RoleDrift[]): DriftReport['totals'] {
  const unusedByLevel = zeroLevels();
  for (const r of roles) for (const level of ACCESS_LEVEL_ORDER) unusedByLevel[level] += r.unusedByLevel[level];
  const sum = (f: (r: RoleDrift) => number): number => roles.reduce((n, r) => n + f(r), 0);
  return {
    roles: roles.length,
    sharedRoles: roles.filter((r) => r.shared).length,
    granted: sum((r) => r.granted),
    used: sum((r) => r.used),
    unused: sum((r) => r.unused),
    unusedByLevel,
    unusedOnStar: sum((r) => r.unusedOnStar),
    unobservable: sum((r) => r.unobservable),
    narrowable: sum((r) => r.narrowable),
    denied: sum((r) => r.denied),
    acknowledged: sum((r) => r.findings.filter((f) => f.acknowledged).length),
  };
}
