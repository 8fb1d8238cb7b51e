/**
 * The human side of `suggest`: the stderr summary a person reads at a glance, and `--explain`.
 */
import { unobservableDominance } from '../core/trim/unobservable-share.js';
import type { AccessLevel } from '../core/catalog/types.js';
import type {
  DeniedAttemptFinding,
  Finding,
  KeptUnobservableFinding,
  KeptUsedFinding,
  KeptVerbatimFinding,
  NarrowedResourceFinding,
  RemovedActionFinding,
} from '../core/trim/types.js';
import { keptAsGrantedCount, type SuggestResult } from '../core/trim/suggest.js';
import { explainEvaluation } from '../core/policy/evaluate.js';
import type { PolicyDocument } from '../core/policy/types.js';
import { terminalLines } from '../core/render/escape.js';
import { keepsForUnmapped } from '../core/trim/unmapped-grants.js';

/** Access levels in the order a reviewer cares about them: the dangerous ones first. */
const LEVEL_ORDER: AccessLevel[] = ['Permissions management', 'Write', 'Tagging', 'Read', 'List'];

/**
 * Actions AWS rates as Write but that let a principal gain another role's permissions: worth a reviewer's eye
 * when kept on `*` (IAM User Guide, "Grant a user permissions to pass a role to an AWS service").
 */
const ESCALATION_ACTIONS = new Set(['iam:passrole']);

/** How many items a summary line lists before "+N more". */
const LIST_MAX = 8;

/** Context lines for the summary header. */
export interface SuggestContext {
  role: string;
  function?: string;
  window: string;
  records: number;
  sessions: string[];
  /** The role's original policies, to say which of its own statements refused a denied attempt. */
  original: PolicyDocument[];
  /** Access level of an action (from the catalog), to flag risky unobservable grants. */
  levelOf?: (action: string) => AccessLevel | undefined;
  /** Second-opinion lines (cli/second-opinion-report.ts), shown first after the header. */
  secondOpinion?: string[];
}

/**
 * The stderr summary: removed (by access level, most dangerous first), narrowed, kept and why, denied attempts.
 * Every line is escaped for the terminal (`forTerminal`): actions, ARNs, sessions and messages come from logs and
 * policies, and a crafted value must not forge a line.
 */
export function formatSuggestSummary(result: SuggestResult, ctx: SuggestContext): string {
  const out: string[] = [];
  // One pass over the findings (~22,000 for a `*` grant), each kind in its original order.
  const byKind = new Map<string, Finding[]>();
  // Indexed loops over the findings (~22,000 for a `*` grant): a `for…of` allocates an iterator result per
  // step until the optimizing compiler has caught up.
  const findings = result.findings;
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i]!;
    const list = byKind.get(f.kind);
    if (list) list.push(f);
    else byKind.set(f.kind, [f]);
  }
  const by = <K extends Finding['kind']>(kind: K) => (byKind.get(kind) ?? []) as Extract<Finding, { kind: K }>[];
  const s = result.stats;
  out.push(`policy-trim suggest: ${ctx.role}${ctx.function ? ` (function ${ctx.function})` : ''}`);
  out.push(`  window ${ctx.window}; ${ctx.records} call(s) by this role${ctx.sessions.length ? ` from ${ctx.sessions.join(', ')}` : ''}`);
  out.push(`  granted ${s.grantedActions} action(s); keeping ${s.keptActions}, removing ${s.removedActions}, narrowing ${s.narrowedActions}`);
  out.push(...(ctx.secondOpinion ?? []));

  for (const f of [...by('recording'), ...by('aws-managed'), ...by('size-limit'), ...by('boundary')]) out.push(`  note: ${f.message}`);

  const removed = by('removed-action');
  if (removed.length) {
    out.push(`removed (${removed.length}): not used in the window, and the trail would have shown them${evidenceTally(removed)}`);
    for (const level of LEVEL_ORDER) {
      // Only the first LIST_MAX are shown (then "+N more"): label those, count the rest.
      const ids: string[] = [];
      let n = 0;
      for (let i = 0; i < removed.length; i++) {
        const f = removed[i]!;
        if (f.accessLevel !== level) continue;
        if (n++ < LIST_MAX) ids.push(f.action + (f.neverAccessed ? ' (unobservable; IAM: service never accessed)' : f.unobservable ? ' (unobservable, dropped on request)' : f.evidence?.tier === 'assumed' ? ' (assumed logged)' : ''));
      }
      if (n) out.push(`  ${level}: ${shortOf(ids, n)}`);
    }
  }
  const narrowed = by('narrowed-resource');
  if (narrowed.length) {
    out.push(`narrowed (${narrowed.length}): resources cut down to what was used`);
    for (const f of narrowed.slice(0, LIST_MAX) as NarrowedResourceFinding[]) {
      out.push(`  ${f.action}: ${short(f.fromResources, 2)} -> ${short(f.toResources, 3)}`);
    }
    if (narrowed.length > LIST_MAX) out.push(`  (+${narrowed.length - LIST_MAX} more; --explain shows all)`);
  }
  const used = by('kept-used') as KeptUsedFinding[];
  if (used.length) {
    out.push(`kept because used (${used.length}):`);
    for (const f of used) {
      const asGranted =
        f.keptAsGranted === 'no-statement-matched'
          ? '; kept as granted: the call succeeded, but no statement matched it in our evaluation'
          : f.keptAsGranted === 'resource-unknown'
            ? '; kept as granted: the records do not show the resource it was authorized on'
            : '';
      out.push(`  ${f.action}${f.role === 'secondary' ? ' (needed by another call)' : ''}: ${f.count} call(s), last ${f.lastSeen.slice(0, 10)}${f.sessions.length ? `, by ${short(f.sessions, 4)}` : ''}${asGranted}`);
    }
  }
  out.push(...unobservableLines(by('kept-unobservable') as KeptUnobservableFinding[], s.keptActions, ctx));
  const verbatim = by('kept-verbatim') as KeptVerbatimFinding[];
  if (verbatim.length) {
    out.push(`kept as written (${verbatim.length}):`);
    for (const f of verbatim) out.push(`  ${f.statement.document} statement ${f.statement.sid ?? '#' + f.statement.index}: ${f.reason}`);
  }
  const denied = by('denied-attempt') as DeniedAttemptFinding[];
  if (denied.length) {
    out.push(`denied attempts (${denied.length}): the role tried and was refused; not granted by this suggestion`);
    for (const f of denied) {
      out.push(`  ${f.action}: ${f.count}x (${f.errorCodes.join(', ')}), last ${f.lastSeen.slice(0, 10)}${f.sessions.length ? ` by ${f.sessions.join(', ')}` : ''} — ${deniedWhy(f, ctx.original)}`);
    }
  }
  for (const f of by('used-not-granted')) out.push(`  note: ${f.message}`);
  out.push(verifiedLine(result));
  return terminalLines(out);
}

/** ` — evidence: 12 proven, 30 documented, 4 selector`: what the removals rest on (RemovedActionFinding.evidence). */
function evidenceTally(removed: RemovedActionFinding[]): string {
  const tiers = ['proven', 'documented', 'selector', 'assumed'] as const;
  const perTier = new Map<string, number>();
  let dropped = 0;
  let neverAccessed = 0;
  for (let i = 0; i < removed.length; i++) {
    const f = removed[i]!;
    if (f.evidence) perTier.set(f.evidence.tier, (perTier.get(f.evidence.tier) ?? 0) + 1);
    if (f.unobservable && !f.neverAccessed) dropped++;
    else if (f.neverAccessed) neverAccessed++;
  }
  const counts = tiers.map((t) => [t, perTier.get(t) ?? 0] as const).filter(([, n]) => n > 0);
  const parts = counts.map(([t, n]) => `${n} ${t}`);
  if (dropped) parts.push(`${dropped} unobservable, dropped on request`);
  if (neverAccessed) parts.push(`${neverAccessed} unobservable, IAM shows their service never accessed (--trust-access-advisor)`);
  return parts.length ? ` — evidence: ${parts.join(', ')}` : '';
}

/** Unobservable actions are most of what is kept (a `*` or NotAction grant): say so, and the way forward. */
function dominatedByUnobservable(unobservable: KeptUnobservableFinding[], kept: number): string | undefined {
  const d = unobservableDominance(unobservable, kept);
  if (!d) return undefined;
  return (
    `${d.unobservable} of the ${d.kept} kept actions are kept only because CloudTrail cannot show their use ` +
    `(most in ${d.topServices.map(([svc, n]) => `${svc} ${n}`).join(', ')}): the result is dominated by what the logs cannot see. ` +
    'Review them, or pass --drop-unobservable SERVICE,... for services you know the role does not use (or --drop-unobservable alone for all).'
  );
}

/** What "verified" rests on: the proofs, the checked pairs, and the calls whose resources or dependents were unknown. */
function verifiedLine(result: SuggestResult): string {
  const v = result.verification;
  const checked = v.covers.checked ?? 0;
  const conditional = v.coversConditional.checked ?? 0;
  const unknown = keptAsGrantedCount(result.findings);
  return (
    `verified: never wider than the original${v.neverWider.checked !== undefined ? ` (${v.neverWider.checked} checks)` : ''}; ` +
    `allows every observed successful call, as mapped to IAM actions and resources (${checked + conditional} action/resource pair(s) checked` +
    `${conditional ? `, ${conditional} under the original's conditions` : ''})` +
    (unknown ? `; ${unknown} action(s) whose resource or need the records could not show are kept as granted` : '') +
    (keepsForUnmapped(result.findings) ? '; what may have allowed the calls the bundled catalog cannot map is kept' : '')
  );
}

/**
 * "kept because CloudTrail could not show their use": actions grouped by reason, a note when they dominate what
 * is kept, and a review line for each Permissions-management or escalation grant kept on every resource.
 */
function unobservableLines(unobservable: KeptUnobservableFinding[], kept: number, ctx: SuggestContext): string[] {
  if (unobservable.length === 0) return [];
  const out: string[] = [];
  out.push(`kept because CloudTrail could not show their use (${unobservable.length}):`);
  const dominated = dominatedByUnobservable(unobservable, kept);
  if (dominated) out.push(`  note: ${dominated}`);
  // Group actions whose reasons differ only by the action's own name (e.g. one data-event type).
  const byReason = new Map<string, string[]>();
  for (let i = 0; i < unobservable.length; i++) {
    const f = unobservable[i]!;
    // Most reasons do not name their action: then the reason is its own key, with no copy made.
    const key = f.reason.includes(f.action) ? f.reason.split(f.action).join('\u0000') : f.reason;
    // Appended in place: a `*` grant puts thousands of actions under one reason.
    const list = byReason.get(key);
    if (list) list.push(f.action);
    else byReason.set(key, [f.action]);
  }
  for (const [key, actions] of byReason) {
    const reason = actions.length === 1 ? key.split('\u0000').join(actions[0]) : key.split('\u0000').join('these actions');
    out.push(`  ${short(actions)}: ${reason}`);
  }
  // Unobservable is not harmless: point at Permissions-management (and escalation) grants on every resource.
  for (let i = 0; i < unobservable.length; i++) {
    const f = unobservable[i]!;
    const level = ctx.levelOf?.(f.action);
    const risky = level === 'Permissions management' || ESCALATION_ACTIONS.has(f.action.toLowerCase());
    if (risky && f.resources.includes('*')) {
      out.push(`  review: ${f.action} (${ESCALATION_ACTIONS.has(f.action.toLowerCase()) ? 'can hand any role to a service' : level}) stays on every resource (*) only because CloudTrail cannot show it; scope it by hand if nothing needs it`);
    }
  }
  return out;
}

/** Why a denied attempt was refused, as far as the role's own policies tell. */
function deniedWhy(f: DeniedAttemptFinding, original: PolicyDocument[]): string {
  const deniers = new Set<string>();
  for (const resource of f.resources.length ? f.resources : ['*']) {
    for (const ref of explainEvaluation(original, { action: f.action, resource }, { mode: 'may-allow' }).deniedBy) {
      deniers.add(`${ref.document} statement ${ref.sid ?? '#' + ref.index}`);
    }
  }
  if (deniers.size) return `refused by the role's own Deny (${[...deniers].join(', ')}): working as intended`;
  if (f.grantedByOriginal) return 'the policies allow it: something else denied it (a permissions boundary, an SCP or a resource policy)';
  return 'the role may be missing this permission';
}

/** `--explain`: per output statement, the evidence behind it (each line escaped for the terminal). */
export function formatExplain(result: SuggestResult): string {
  const byId = new Map(result.findings.map((f) => [f.id, f]));
  const out: string[] = ['evidence per statement of the suggestion:'];
  for (const ev of result.evidence) {
    const from = ev.from.map((r) => `${r.document}#${r.sid ?? r.index}`).join(', ');
    out.push(`  ${ev.document} / ${ev.sid} (${ev.origin}${from ? ` from ${from}` : ''})`);
    for (const id of ev.findingIds) {
      const f = byId.get(id);
      if (f) out.push(`    - ${f.message}`);
    }
    for (const a of ev.actions) {
      const messages = a.findingIds.map((id) => byId.get(id)?.message).filter(Boolean);
      out.push(`    ${a.action} [${a.basis}]${messages.length ? ': ' + messages.join(' | ') : ''}`);
    }
  }
  return terminalLines(out);
}

/** The first `max` items, then how many more. */
function short(items: string[], max = LIST_MAX): string {
  return shortOf(items.slice(0, max), items.length, max);
}

/** `short` of a list of `total` items given only its first `max` (or all, when fewer). */
function shortOf(first: string[], total: number, max = LIST_MAX): string {
  return total <= max ? first.join(', ') : `${first.join(', ')} (+${total - max} more)`;
}
