/**
 * The second opinions in `suggest`'s summary: what IAM's last-accessed information showed and which decisions
 * rest on it (placed first, after the header). Lines are plain; the summary escapes every line for the terminal.
 */
import type { LastAccessedNotes } from '../core/second-opinion/types.js';
import type { Finding, KeptLastAccessedFinding, KeptUnobservableFinding, RemovedActionFinding } from '../core/trim/types.js';

/** How many actions a line lists before "+N more". */
const LIST_MAX = 8;

function short(items: string[]): string {
  return items.length <= LIST_MAX ? items.join(', ') : `${items.slice(0, LIST_MAX).join(', ')} (+${items.length - LIST_MAX} more)`;
}

/** Where the never-accessed evidence starts, in words. */
function periodOf(n: LastAccessedNotes): string {
  const regions = n.regions.map((r) => `${r.region} ${r.began ? `since ${r.began}` : 'start unknown'}`).join(', ');
  return n.trackingSince ? `tracking since ${n.trackingSince} (${regions})` : `tracking period unknown (${regions})`;
}

/** The `--access-advisor` block of the summary. */
export function formatLastAccessedLines(n: LastAccessedNotes, findings: readonly Finding[]): string[] {
  const out = [`IAM last-accessed information (--access-advisor; report of ${n.jobCreatedAt}; ${periodOf(n)}):`];
  if (n.neverAccessed.length) {
    const trusted = n.neverAccessed.filter((s) => s.trusted).map((s) => s.service);
    out.push(`  granted but never accessed in the tracking period (${n.neverAccessed.length}): ${short(n.neverAccessed.map((s) => s.service))}`);
    if (n.trust) {
      if (trusted.length) out.push(`  --trust-access-advisor was used: the unobservable actions of ${short(trusted)} are removed on this evidence`);
      for (const s of n.neverAccessed.filter((x) => !x.trusted)) out.push(`  ${s.service}: not trusted: ${s.notTrustedBecause ?? 'no reason recorded'}; its unobservable actions stay`);
    } else out.push('  their unobservable actions stay; pass --trust-access-advisor to remove them on this evidence');
  }
  const kept = findings.filter((f): f is KeptLastAccessedFinding => f.kind === 'kept-last-accessed');
  if (kept.length) {
    out.push(`  kept on action-level evidence, the trail having no record of them (${kept.length}):`);
    for (const f of kept.slice(0, LIST_MAX)) out.push(`    ${f.action}: last attempted ${f.lastAccess.at.slice(0, 10)}${f.lastAccess.region ? ` in ${f.lastAccess.region}` : ''}`);
    if (kept.length > LIST_MAX) out.push(`    (+${kept.length - LIST_MAX} more; --explain shows all)`);
  }
  const confirmed = findings.filter((f): f is KeptUnobservableFinding => f.kind === 'kept-unobservable' && f.serviceUsed !== undefined).map((f) => f.action);
  if (confirmed.length) out.push(`  unobservable and kept, their service used per IAM (${confirmed.length}): ${short(confirmed)}`);
  const removed = findings.filter((f): f is RemovedActionFinding => f.kind === 'removed-action' && f.neverAccessed !== undefined).map((f) => f.action);
  if (removed.length) out.push(`  removed on never-accessed evidence (${removed.length}): ${short(removed)}`);
  if (n.contradicted.length) out.push(`  note: the trail shows ${n.contradicted.join(', ')} used although IAM reports no access (IAM lags up to about four hours): IAM's word is not taken there`);
  return out;
}
