/**
 * "Kept because CloudTrail could not show their use": the actions whose absence from the logs proves nothing,
 * grouped by reason (long groups folded in `<details>`), a note when they dominate what is kept, and a review
 * line for each Permissions-management or escalation grant kept on every resource. Wording as in `suggest`'s
 * summary (cli/suggest-report.ts).
 */
import type { AccessLevel } from '../catalog/types.js';
import { compareActionStrings } from '../trim/actions.js';
import type { SuggestResult } from '../trim/suggest.js';
import type { KeptUnobservableFinding } from '../trim/types.js';
import { unobservableDominance } from '../trim/unobservable-share.js';
import type { Block, Quoter, Section } from './body-layout.js';
import { codeList, findingsOf, plural } from './body-findings.js';
import { formatCount } from './markdown.js';

/**
 * Actions AWS rates as Write but that let a principal gain another role's permissions (IAM User Guide, "Grant a
 * user permissions to pass a role to an AWS service").
 */
const ESCALATION_ACTIONS = new Set(['iam:passrole']);

/** Groups of more actions than this are folded in `<details>`: the reason stays visible, the list does not. */
const INLINE_ACTIONS = 8;

/** One reason and the actions kept for it. */
interface ReasonGroup {
  /** The reason with the action's own name taken out (NUL where it was), so that groups merge. */
  key: string;
  actions: string[];
}

/** Group by reason, the action's own name aside (e.g. one data-event type for many actions). */
function groupByReason(unobservable: readonly KeptUnobservableFinding[]): ReasonGroup[] {
  const groups = new Map<string, string[]>();
  for (const f of unobservable) {
    const key = f.action ? f.reason.split(f.action).join('\u0000') : f.reason;
    // Appended in place: a `*` grant puts thousands of actions under one reason.
    const list = groups.get(key);
    if (list) list.push(f.action);
    else groups.set(key, [f.action]);
  }
  return [...groups]
    .map(([key, actions]) => ({ key, actions: actions.sort(compareActionStrings) }))
    .sort((a, b) => b.actions.length - a.actions.length || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** One group as a list item: the actions and the reason, or the reason and the actions folded. */
function groupRow(group: ReasonGroup, q: Quoter): string {
  const single = group.actions.length === 1;
  const reason = q.prose(group.key.split('\u0000').join(single ? group.actions[0]! : 'these actions'));
  if (group.actions.length <= INLINE_ACTIONS) return `- ${group.actions.map((a) => q.code(a)).join(', ')}: ${reason}`;
  return foldedRow((count) => `**${count}**: ${reason}`, group.actions, q);
}

/** Most of what is kept is kept only because CloudTrail cannot show it: say so, and the way forward. */
function dominatedNote(unobservable: readonly KeptUnobservableFinding[], kept: number, q: Quoter): string | undefined {
  const d = unobservableDominance(unobservable, kept);
  if (!d) return undefined;
  return (
    `${formatCount(d.unobservable)} of the ${formatCount(d.kept)} kept actions are kept only because CloudTrail cannot show their use ` +
    `(most in ${d.topServices.map(([svc, n]) => `${q.code(svc)} ${formatCount(n)}`).join(', ')}): the result is dominated by what the logs cannot see. ` +
    'Review them, or pass `--drop-unobservable SERVICE,...` for services you know the role does not use (or `--drop-unobservable` alone for all).'
  );
}

/**
 * Review lines: Permissions-management and escalation grants kept on every resource only because unobservable,
 * one line per kind (a `*` grant keeps hundreds), the actions folded when many.
 */
function reviewRows(unobservable: readonly KeptUnobservableFinding[], levelOf: ((action: string) => AccessLevel | undefined) | undefined, q: Quoter): string[] {
  const escalation: string[] = [];
  const management: string[] = [];
  for (const f of unobservable) {
    if (!f.resources.includes('*')) continue;
    if (ESCALATION_ACTIONS.has(f.action.toLowerCase())) escalation.push(f.action);
    else if (levelOf?.(f.action) === 'Permissions management') management.push(f.action);
  }
  const rows: string[] = [];
  const why = 'kept on every resource (`*`) only because CloudTrail cannot show their use; scope by hand what nothing needs';
  if (escalation.length) rows.push(foldedRow(`**Review** grants that can hand any role to a service, ${why}`, escalation, q));
  if (management.length) rows.push(foldedRow(`**Review** Permissions-management grants ${why}`, management, q));
  return rows;
}

/**
 * `- LEAD: a, b` for a few actions; for many, `- LEAD (N actions)` (or what `lead` makes of the count) and the
 * actions folded in `<details>`.
 */
function foldedRow(lead: string | ((count: string) => string), actions: readonly string[], q: Quoter): string {
  const sorted = [...actions].sort(compareActionStrings);
  const codes = codeList(sorted, q);
  const count = plural(sorted.length, 'action');
  if (sorted.length <= INLINE_ACTIONS && typeof lead === 'string') return `- ${lead}: ${codes}`;
  // The summary line is raw HTML: only counts go in it, never a value.
  const first = typeof lead === 'string' ? `${lead} (${count})` : lead(count);
  return [`- ${first}`, `  <details><summary>The ${count}</summary>`, '', `  ${codes}`, '', '  </details>'].join('\n');
}

/** The kept-unobservable section, or undefined when there is none. */
export function unobservableSection(
  result: SuggestResult,
  levelOf: ((action: string) => AccessLevel | undefined) | undefined,
  q: Quoter,
): Section | undefined {
  const unobservable = findingsOf(result, 'kept-unobservable');
  if (unobservable.length === 0) return undefined;
  const dominated = dominatedNote(unobservable, result.stats.keptActions, q);
  const groups = groupByReason(unobservable);
  const blocks: Block[] = [{ kind: 'list', loose: groups.some((g) => g.actions.length > INLINE_ACTIONS), rows: groups.map((g) => groupRow(g, q)) }];
  const review = reviewRows(unobservable, levelOf, q);
  if (review.length) blocks.push({ kind: 'list', loose: true, rows: review });
  return {
    heading: `### Kept because CloudTrail could not show their use: ${plural(unobservable.length, 'action')}`,
    intro: [
      'Their absence from the logs proves nothing, so they stay as granted.' + (dominated ? ` ${dominated}` : ''),
    ],
    blocks,
  };
}
