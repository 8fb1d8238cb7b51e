/**
 * The body's sections about actions: removed (by access level, the dangerous ones first, with last use and the
 * evidence the removal rests on), narrowed, kept because used, denied attempts, used but not granted, and
 * statements kept as written. The wording follows `suggest`'s terminal summary (cli/suggest-report.ts).
 */
import { explainEvaluation } from '../policy/evaluate.js';
import type { PolicyDocument } from '../policy/types.js';
import { compareActionStrings } from '../trim/actions.js';
import { ACCESS_LEVEL_ORDER } from '../trim/model.js';
import type { SuggestResult } from '../trim/suggest.js';
import type { DeniedAttemptFinding, Finding, RemovedActionFinding, UsedNotGrantedFinding } from '../trim/types.js';
import type { Block, Quoter, Section } from './body-layout.js';
import { formatCount } from './markdown.js';

/** The findings of one kind. */
export function findingsOf<K extends Finding['kind']>(result: SuggestResult, kind: K): Extract<Finding, { kind: K }>[] {
  return result.findings.filter((f): f is Extract<Finding, { kind: K }> => f.kind === kind);
}

/** Sorted by action, case-insensitively, then by id: the same order whatever order trim gave. */
function byAction<T extends { action: string; id: string }>(list: readonly T[]): T[] {
  return [...list].sort((a, b) => compareActionStrings(a.action, b.action) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** `1 action`, `2 actions`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${formatCount(n)} ${n === 1 ? word : many}`;
}

/** ` — evidence: 12 proven, 30 documented, 4 selector`: what the removals rest on. */
function evidenceTally(removed: readonly RemovedActionFinding[]): string {
  const tiers = ['proven', 'documented', 'selector', 'assumed'] as const;
  const parts = tiers.map((t) => [t, removed.filter((f) => !f.unobservable && f.evidence?.tier === t).length] as const).filter(([, n]) => n > 0).map(([t, n]) => `${formatCount(n)} ${t}`);
  const dropped = removed.filter((f) => f.unobservable).length;
  if (dropped) parts.push(`${formatCount(dropped)} unobservable, dropped on request`);
  return parts.length ? ` (evidence: ${parts.join(', ')})` : '';
}

const TIER_LEGEND =
  '*proven*: AWS policy generation identifies the action from CloudTrail, or its event was seen in recorded CloudTrail; ' +
  "*documented*: the service's CloudTrail page says its management events are logged; " +
  "*selector*: a data event the trail's selectors record; *assumed*: no evidence, removed because `--assume-management-logged` was given.";

/** Last use of a removed action: never in the window, unless the role tried it and was refused. */
function lastUse(f: RemovedActionFinding, denied: ReadonlyMap<string, DeniedAttemptFinding>, q: Quoter): string {
  const d = denied.get(f.action.toLowerCase());
  if (!d) return 'never in the window';
  return `never succeeded in the window (refused ${formatCount(d.count)}×, last ${q.text(d.lastSeen.slice(0, 10))})`;
}

function evidenceCell(f: RemovedActionFinding, q: Quoter): string {
  if (f.unobservable) return `none (${q.code(f.unobservable.code, true)}): dropped on request`;
  const tier = f.evidence?.tier ?? 'assumed';
  return tier === 'assumed' ? 'assumed logged' : q.text(tier);
}

/** Removed actions, one table per access level: Permissions management and Write first. */
export function removedSection(result: SuggestResult, q: Quoter): Section | undefined {
  const removed = findingsOf(result, 'removed-action');
  if (removed.length === 0) return undefined;
  const denied = new Map(findingsOf(result, 'denied-attempt').map((d) => [d.action.toLowerCase(), d]));
  const levels = new Map<string, RemovedActionFinding[]>();
  for (const f of removed) {
    // A level outside the catalog's five is a bug upstream: one "Other" table, not a heading per value.
    const level = ACCESS_LEVEL_ORDER.includes(f.accessLevel) ? f.accessLevel : 'Other';
    const list = levels.get(level);
    if (list) list.push(f);
    else levels.set(level, [f]);
  }
  const blocks: Block[] = [...ACCESS_LEVEL_ORDER, 'Other']
    .filter((level) => levels.has(level))
    .map((level) => {
      const list = byAction(levels.get(level)!);
      return {
        kind: 'table',
        head: [`#### ${q.text(level)} (${formatCount(list.length)})`],
        header: ['| Action | Last use | Evidence |', '| --- | --- | --- |'],
        rows: list.map((f) => `| ${q.code(f.action, true)} | ${lastUse(f, denied, q)} | ${evidenceCell(f, q)} |`),
      };
    });
  return {
    heading: `### Removed: ${plural(removed.length, 'action')}`,
    intro: [`Granted, not used successfully in the window, and the trail would have shown a call${evidenceTally(removed)}.`, TIER_LEGEND],
    blocks,
  };
}

/** `a`, `b`, +3 more: code spans, clipped to the rendering's list length. */
export function codeList(items: readonly string[], q: Quoter, table = false): string {
  if (items.length === 0) return '*(none)*';
  // Clip first, then quote: a `*` grant lists some 10,000 actions, of which the short body shows ten.
  const shown = q.list(items);
  return shown.map((item, i) => (i < q.limits.listMax ? q.code(item, table) : item)).join(', ');
}

/** Actions kept with fewer resources: from → to. */
export function narrowedSection(result: SuggestResult, q: Quoter): Section | undefined {
  const narrowed = byAction(findingsOf(result, 'narrowed-resource'));
  if (narrowed.length === 0) return undefined;
  return {
    heading: `### Narrowed: ${plural(narrowed.length, 'action')}`,
    intro: ['Kept, on the resources the role used instead of everything the policy granted.'],
    blocks: [
      {
        kind: 'table',
        header: ['| Action | Granted on | Now on |', '| --- | --- | --- |'],
        rows: narrowed.map((f) => `| ${q.code(f.action, true)} | ${f.fromNotResource ? 'everything except ' : ''}${codeList(f.fromResources, q, true)} | ${codeList(f.toResources, q, true)} |`),
      },
    ],
  };
}

/** Actions kept because the role used them: the evidence that they are needed. */
export function keptUsedSection(result: SuggestResult, q: Quoter): Section | undefined {
  const used = byAction(findingsOf(result, 'kept-used'));
  if (used.length === 0) return undefined;
  const note = (f: (typeof used)[number]): string =>
    f.keptAsGranted === 'no-statement-matched'
      ? '; kept as granted: the call succeeded, but no statement matched it in our evaluation'
      : f.keptAsGranted === 'resource-unknown'
        ? '; kept as granted: the records do not show the resource it was authorized on'
        : '';
  return {
    heading: `### Kept because used: ${plural(used.length, 'action')}`,
    blocks: [
      {
        kind: 'table',
        header: ['| Action | Calls | Last use | By |', '| --- | --- | --- | --- |'],
        rows: used.map(
          (f) =>
            `| ${q.code(f.action, true)}${f.role === 'secondary' ? ' (needed by another call)' : ''} | ${formatCount(f.count)} | ${q.text(f.lastSeen.slice(0, 10))}${note(f)} | ${codeList(f.sessions, q, true)} |`,
        ),
      },
    ],
  };
}

/** Why a denied attempt was refused, as far as the role's own policies tell (as `suggest` says it). */
function deniedWhy(f: DeniedAttemptFinding, original: readonly PolicyDocument[] | undefined, q: Quoter): string {
  const deniers = new Set<string>();
  for (const resource of original ? (f.resources.length ? f.resources : ['*']) : []) {
    for (const ref of explainEvaluation([...original!], { action: f.action, resource }, { mode: 'may-allow' }).deniedBy) {
      deniers.add(`${q.code(ref.document)} statement ${q.code(ref.sid ?? `#${ref.index}`)}`);
    }
  }
  if (deniers.size) return `refused by the role's own Deny (${[...deniers].sort().join(', ')}): working as intended`;
  if (f.grantedByOriginal) return 'the policies allow it: something else denied it (a permissions boundary, an SCP or a resource policy)';
  return 'the role may be missing this permission';
}

/** What the role tried and was refused: permissions it may be missing. Never granted by the pull request. */
export function deniedSection(result: SuggestResult, original: readonly PolicyDocument[] | undefined, q: Quoter): Section | undefined {
  const denied = byAction(findingsOf(result, 'denied-attempt'));
  if (denied.length === 0) return undefined;
  const row = (f: DeniedAttemptFinding): string => {
    const codes = f.errorCodes.length ? ` (${codeList(f.errorCodes, q)})` : '';
    const by = f.sessions.length ? `, by ${codeList(f.sessions, q)}` : '';
    const on = f.resources.length ? `, on ${codeList(f.resources, q)}` : '';
    return `- ${q.code(f.action)}: ${formatCount(f.count)}×${codes}, last ${q.text(f.lastSeen.slice(0, 10))}${by}${on} — ${deniedWhy(f, original, q)}.`;
  };
  return {
    heading: `### Denied attempts: ${plural(denied.length, 'action')}`,
    intro: ['The role tried these and was refused. This pull request does not grant them: if the workload needs one, add it deliberately.'],
    blocks: [{ kind: 'list', rows: denied.map(row) }],
  };
}

/** Successful calls the given policies do not allow: another policy or a resource policy did. */
export function usedNotGrantedSection(result: SuggestResult, q: Quoter, throughUnresolved: readonly UsedNotGrantedFinding[] = []): Section | undefined {
  const list = byAction(findingsOf(result, 'used-not-granted'));
  if (list.length === 0 && throughUnresolved.length === 0) return undefined;
  const calls = throughUnresolved.reduce((n, f) => n + f.resources.length, 0);
  // Not listed: an unresolved reference may stand for any resource, so these may well be granted here.
  const maybe = throughUnresolved.length
    ? [`${plural(calls, 'resource')} of ${codeList(byAction([...throughUnresolved]).map((f) => f.action), q)} ${calls === 1 ? 'is' : 'are'} left out: the policies may allow ${calls === 1 ? 'it' : 'them'} through a reference that is not resolved.`]
    : [];
  return {
    heading: `### Used but not granted: ${list.length ? plural(list.length, 'action') : 'none for certain'}`,
    intro: [...(list.length ? ['These calls succeeded although the policies edited here do not allow them: another policy or a resource policy did. Nothing is added for them.'] : []), ...maybe],
    blocks: [{ kind: 'list', rows: list.map((f) => `- ${q.code(f.action)} on ${resourceList(f.resources, q)}`) }],
  };
}

/** Most resources one used-but-not-granted row names: a busy role calls hundreds of objects of one bucket. */
const RESOURCES_SHOWN = 5;

/** A row's resources: the first few as code, then "and N more". */
function resourceList(resources: readonly string[], q: Quoter): string {
  const shown = resources.slice(0, RESOURCES_SHOWN);
  const more = resources.length - shown.length;
  return codeList(shown, q) + (more > 0 ? ` and ${formatCount(more)} more` : '');
}

/** Statements copied as written (Deny statements, policy variables, …) and why. */
export function verbatimSection(result: SuggestResult, q: Quoter): Section | undefined {
  const list = findingsOf(result, 'kept-verbatim');
  if (list.length === 0) return undefined;
  const rows = list
    .map((f) => ({ key: `${f.statement.document}\u0000${String(f.statement.index).padStart(8, '0')}\u0000${f.id}`, f }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ f }) => `- ${q.code(f.statement.document)} statement ${q.code(f.statement.sid ?? `#${f.statement.index}`)}: ${q.prose(f.reason)}`);
  return { heading: `### Kept as written: ${plural(list.length, 'statement')}`, blocks: [{ kind: 'list', rows }] };
}
