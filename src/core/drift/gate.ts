/**
 * Acknowledgements and the gate of a drift report. An acknowledgement in `.policy-trim.yml` names a finding id
 * or pattern (core/config/finding-id.ts), with a reason and an optional last day; it marks the findings it
 * matches, which then trip no gate. Once its day has passed it matches nothing, and the report lists it, so
 * its findings are findings again. The gate counts, per `--fail-on` condition (core/config/fail-on.ts: one
 * vocabulary with `suggest` and the file), the findings no acknowledgement holds.
 */
import { canonicalFailOn, FAIL_ON_ACCESS_LEVEL, type FailOnCondition } from '../config/fail-on.js';
import { compileFindingPattern } from '../config/finding-id.js';
import type { Acknowledgement } from '../config/types.js';
import type { DriftComparison, DriftFinding, DriftReport, RoleDrift } from './types.js';

/**
 * Marks the findings each unexpired acknowledgement matches (the first that matches is named), and returns the
 * expired ones. `today` is YYYY-MM-DD (UTC): an acknowledgement holds through its `until` day.
 */
export function applyAcknowledgements(roles: RoleDrift[], acknowledgements: readonly Acknowledgement[], today: string): DriftReport['expiredAcknowledgements'] {
  const expired = acknowledgements.filter((a) => a.until !== undefined && a.until < today);
  const live = acknowledgements.filter((a) => !(a.until !== undefined && a.until < today)).map((a) => ({ a, matches: compileFindingPattern(a.finding) }));
  if (live.length > 0) {
    for (const role of roles) {
      for (const f of role.findings) {
        const hit = live.find((l) => l.matches(f.id));
        if (hit) f.acknowledged = { pattern: hit.a.finding, reason: hit.a.reason, ...(hit.a.until !== undefined ? { until: hit.a.until } : {}) };
      }
    }
  }
  return expired.map((a) => ({ pattern: a.finding, reason: a.reason, until: a.until! }));
}

/** How many unacknowledged findings a condition counts. */
function countOf(condition: FailOnCondition, findings: DriftFinding[], comparison: DriftComparison | undefined): number {
  const open = findings.filter((f) => !f.acknowledged);
  const unused = open.filter((f) => f.kind === 'UNUSED');
  switch (condition) {
    case 'unused':
      return unused.length;
    case 'unused-on-star':
      return open.filter((f) => f.kind === 'UNUSED_ON_STAR').length;
    case 'narrowable':
      return open.filter((f) => f.kind === 'NARROWABLE').length;
    case 'denied':
      return open.filter((f) => f.kind === 'DENIED').length;
    case 'new-drift': {
      // A grant newly unused, or a role new since the previous report (never without one).
      if (!comparison) return 0;
      return unused.filter((f) => f.new).length + comparison.newRoles.length;
    }
    default:
      return unused.filter((f) => f.accessLevel === FAIL_ON_ACCESS_LEVEL[condition]).length;
  }
}

/**
 * The gate: each condition asked for (aliases resolved, each once, in the order written) with its count, and
 * whether any count is above zero. Unknown words are the caller's to reject before the run.
 */
export function evaluateGate(failOn: readonly string[], roles: RoleDrift[], comparison: DriftComparison | undefined): DriftReport['gate'] {
  const conditions: FailOnCondition[] = [];
  for (const word of failOn) {
    const c = canonicalFailOn(word);
    if (c && !conditions.includes(c)) conditions.push(c);
  }
  const findings = roles.flatMap((r) => r.findings);
  const counts = conditions.map((condition) => ({ condition, count: countOf(condition, findings, comparison) }));
  return { failOn: conditions, counts, tripped: counts.some((c) => c.count > 0) };
}
