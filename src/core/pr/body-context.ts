/**
 * The body's sections about the run rather than the actions: the summary paragraph, the window and the
 * sources read, the safety check that ran, the files edited with their notes, how to roll back, and the footer
 * with the marker that lets people search for the tool's pull requests.
 */
import { keptAsGrantedCount, type SuggestResult } from '../trim/suggest.js';
import type { ActivitySourceRead, ObservedActivity, PullRequestInput, SiteEditNote } from './body-types.js';
import { moreLine, type Quoter, type Section } from './body-layout.js';
import { codeList, findingsOf, plural } from './body-findings.js';
import { clipText, formatCount } from './markdown.js';
import { keepsForUnmapped } from '../trim/unmapped-grants.js';

/** Code-unit order: the same on every machine (no locale). */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** "from X to Y": the window as given (ISO timestamps), open ends said in words. */
export function windowPhrase(window: ObservedActivity['window'], q: Quoter): string {
  if (window.since && window.until) return `from ${q.text(window.since)} to ${q.text(window.until)}`;
  if (window.since) return `since ${q.text(window.since)}`;
  if (window.until) return `until ${q.text(window.until)}`;
  return 'over all the logs read';
}

/** The one paragraph a reviewer reads first: what is granted, kept, removed and narrowed, and that it was checked. */
export function summaryParagraph(input: PullRequestInput, q: Quoter): string {
  const s = input.result.stats;
  const unobservable = findingsOf(input.result, 'kept-unobservable').length;
  const denied = findingsOf(input.result, 'denied-attempt').length;
  const parts = [
    `policy-trim read CloudTrail for ${q.code(input.role)} (account ${q.code(input.account)}) ${windowPhrase(input.observed.window, q)} ` +
      `and trims its policy to what the role used: of **${formatCount(s.grantedActions)}** granted actions, **${formatCount(s.keptActions)}** are kept, ` +
      `**${formatCount(s.removedActions)}** removed and **${formatCount(s.narrowedActions)}** narrowed to the resources the role used.`,
  ];
  if (unobservable) parts.push(`${plural(unobservable, 'kept action stays', 'kept actions stay')} only because CloudTrail cannot show their use.`);
  if (denied) parts.push(`The role was refused ${plural(denied, 'action')} it tried; this pull request does not grant them.`);
  const v = input.result.verification;
  parts.push(
    v.neverWider.ok && v.covers.ok && v.coversConditional.ok
      ? 'The new policy was checked never to be wider than the current one, and to still allow every call the role made.'
      : '**The safety check did not pass: do not merge this pull request** (see "Safety check").',
  );
  return parts.join(' ');
}

const SOURCE_LABEL: Record<ActivitySourceRead['kind'], string> = { files: 'Trail files', s3: 'Trail bucket', 'event-history': 'Event history' };
const SOURCE_ORDER: ActivitySourceRead['kind'][] = ['files', 's3', 'event-history'];

function sourceRow(src: ActivitySourceRead, q: Quoter): string {
  const counts = [src.files !== undefined ? plural(src.files, 'file') : '', src.records !== undefined ? plural(src.records, 'record') : ''].filter(Boolean);
  return `- **${SOURCE_LABEL[src.kind] ?? 'Source'}**: ${q.code(src.location)}${counts.length ? ` (${counts.join(', ')})` : ''}`;
}

/** Window, record counts, sessions, sources and skipped inputs. */
export function windowSection(observed: ObservedActivity, q: Quoter): Section {
  const r = observed.records;
  const records = [`${formatCount(r.read)} read in the window`, `${formatCount(r.byRole)} by this role`];
  if (r.outsideWindow) records.push(`${formatCount(r.outsideWindow)} outside the window (not counted)`);
  if (r.problems) records.push(`${plural(r.problems, 'problem')} (records or files not understood)`);
  // Sorted on every field: the same body whatever order the caller listed them in.
  const sources = [...observed.sources.map((s) => ({ s, row: sourceRow(s, q) }))]
    .sort((a, b) => SOURCE_ORDER.indexOf(a.s.kind) - SOURCE_ORDER.indexOf(b.s.kind) || cmp(a.s.location, b.s.location) || cmp(a.row, b.row))
    .map((x) => x.row);
  const skipped = (observed.skipped ?? [])
    .map((s) => ({ s, row: `- **Skipped**: ${q.code(s.input)}${s.count && s.count > 1 ? ` and ${formatCount(s.count - 1)} like it` : ''}: ${q.prose(s.reason)}` }))
    .sort((a, b) => cmp(a.s.input, b.s.input) || cmp(a.row, b.row))
    .map((x) => x.row);
  const sessions = [...(observed.sessions ?? [])].sort(cmp);
  const facts = [
    `- **Window**: ${windowPhrase(observed.window, q)}${observed.window.until ? ' (the end excluded)' : ''}`,
    `- **Records**: ${records.join('; ')}`,
    ...(sessions.length ? [`- **Sessions** (for Lambda, the functions): ${codeList(sessions, q)}`] : []),
  ];
  const reads = [...sources, ...skipped];
  // One list: the facts are never cut, the sources and skipped inputs may be (there can be thousands).
  return { heading: '### Window and sources', blocks: [{ kind: 'list', rows: facts, fixed: true }, { kind: 'list', rows: reads, attached: true }] };
}

/** The proofs `suggest` ran (core/policy/verify.ts) and what they rest on, and the other checks' notes. */
export function safetySection(result: SuggestResult, q: Quoter): Section {
  const v = result.verification;
  const verdict = (ok: boolean) => (ok ? 'passed' : '**failed**');
  const conditional = v.coversConditional.checked ?? 0;
  const pairs = (v.covers.checked ?? 0) + conditional;
  const unknown = keptAsGrantedCount(result.findings);
  const verdicts = [
    `- **Never wider than the current policy**: ${verdict(v.neverWider.ok)}. For ${plural(v.neverWider.checked ?? 0, 'action')} (every catalog action the new policy allows, and the action names either policy writes), the new policy allows a request, on any resource and under any condition, only where the current one does.`,
    `- **Still allows what the role did**: ${verdict(v.covers.ok && v.coversConditional.ok)}. Every observed successful call, as mapped to IAM actions and resources, is allowed (${plural(pairs, 'action/resource pair')} checked${conditional ? `, ${formatCount(conditional)} under the current policy's conditions, which are kept` : ''}).`,
    ...(unknown ? [`- ${plural(unknown, 'action')} whose resource or need the records could not show ${unknown === 1 ? 'is' : 'are'} kept as granted.`] : []),
    ...(keepsForUnmapped(result.findings) ? ['- Successful calls the bundled catalog cannot map to an action ran: what may have allowed them is kept (a newer policy-trim may map them).'] : []),
  ];
  const notes = [
    ...(['size-limit', 'aws-managed', 'boundary'] as const).flatMap((kind) => findingsOf(result, kind).map((f) => `- ${q.prose(f.message)}`).sort()),
    ...[...v.neverWider.notes, ...v.covers.notes, ...v.coversConditional.notes].map((n) => `- Note: ${q.prose(n)}`),
    ...[...v.neverWider.counterexamples, ...v.covers.counterexamples, ...v.coversConditional.counterexamples].map((c) => `- Counterexample: ${q.prose(c.message)}`),
  ];
  return {
    heading: '### Safety check',
    intro: ['policy-trim proved these before opening this pull request; when a proof fails, that is a bug in policy-trim and nothing is proposed.'],
    blocks: [
      { kind: 'list', rows: verdicts, fixed: true },
      { kind: 'list', rows: notes, attached: true },
    ],
  };
}

/** Nested list items, at most the rendering's list length, then "… N more". */
function nestedItems(items: readonly string[], indent: string, q: Quoter): string[] {
  const shown = items.slice(0, q.limits.listMax).map((i) => `${indent}- ${i}`);
  if (items.length > shown.length) shown.push(`${indent}- ${moreLine(items.length - shown.length)}`);
  return shown;
}

/** One edited file: its sites, each with its notes. */
function fileRow(file: string, sites: readonly SiteEditNote[], q: Quoter): string {
  const siteLines = sites.map((s) => {
    const notes = [...s.notes];
    if (notes.length === 0) return [`${q.code(s.site)}`];
    if (notes.length === 1) return [`${q.code(s.site)}: ${q.prose(notes[0]!)}`];
    return [`${q.code(s.site)}:`, ...nestedItems(notes.map((n) => q.prose(n)), '    ', q)];
  });
  const items = siteLines.map((lines) => lines.join('\n'));
  return [`- ${q.code(file)}`, ...nestedItems(items, '  ', q)].join('\n');
}

/** The files edited, per site, with what a reviewer should know (unresolved references, replaced attachments). */
export function editsSection(edits: readonly SiteEditNote[], q: Quoter): Section | undefined {
  if (edits.length === 0) return undefined;
  const files = new Map<string, SiteEditNote[]>();
  for (const e of edits) {
    const list = files.get(e.file);
    if (list) list.push(e);
    else files.set(e.file, [e]);
  }
  const bySite = (a: SiteEditNote, b: SiteEditNote) => cmp(a.site, b.site) || cmp(a.notes.join('\n'), b.notes.join('\n'));
  const rows = [...files.keys()].sort(cmp).map((file) => fileRow(file, [...files.get(file)!].sort(bySite), q));
  return { heading: `### Files edited: ${formatCount(files.size)}`, blocks: [{ kind: 'list', rows }] };
}

/** The plan's notes on what it did not edit: files left alone, references it could not resolve. */
export function planNotesSection(notes: readonly string[], q: Quoter): Section | undefined {
  if (notes.length === 0) return undefined;
  return { heading: '### Notes on the plan', blocks: [{ kind: 'list', rows: notes.map((n) => `- ${q.prose(n)}`) }] };
}

/** The live role compared with the repository's grant (the edit is the repository's either way). */
export function liveRoleSection(notes: readonly string[], q: Quoter): Section | undefined {
  if (notes.length === 0) return undefined;
  return { heading: '### The live role', blocks: [{ kind: 'list', rows: notes.map((n) => `- ${q.prose(n)}`), fixed: true }] };
}

/** How to undo the change, before and after merging. */
export function rollbackSection(baseBranch: string | undefined, q: Quoter): Section {
  const base = baseBranch === undefined ? 'the base branch' : q.code(baseBranch);
  return {
    heading: '### How to roll back',
    blocks: [
      {
        kind: 'list',
        fixed: true,
        rows: [
          '- **Before merging**: close this pull request. Nothing changes until it is merged and applied.',
          `- **After merging**: revert the merge commit with \`git revert -m 1 <merge-commit>\` (after a squash or rebase merge: \`git revert <commit>\`), or press **Revert** on this pull request, and apply the revert to ${base} as you apply any change.`,
          '- **The original policy is in git history**: `git show <merge-commit>^1:<file>` prints each edited file as it was before this change.',
          '- **One permission turns out to be needed**: add it back. Once the role uses it, the next run of policy-trim keeps it.',
        ],
      },
    ],
  };
}

/** The role inside an HTML comment: percent-encoded where it could end the comment (`-->`, `--!>`, `>`). */
export function markerComment(role: string): string {
  const utf8 = new TextEncoder();
  // Per code point; a lone surrogate is encoded as U+FFFD (TextEncoder), never thrown on.
  const safe = role
    .replace(/[^A-Za-z0-9:/+=,.@_-]/gu, (c) => [...utf8.encode(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''))
    .replace(/--/g, '-%2D');
  return `<!-- policy-trim:role=${safe} -->`;
}

/** Longest role quoted in the marker of a shortened body: far beyond any IAM role ARN (path 512, name 64). */
const MARKER_ROLE_MAX = 2_048;

/** The last lines: who generated the pull request, the base branch, and the marker. */
export function footer(input: PullRequestInput, q: Quoter): string {
  const role = Number.isFinite(q.limits.clip) ? clipText(input.role, MARKER_ROLE_MAX) : input.role;
  // An unknown base is said in words, never quoted as if it were a branch's name.
  const base = input.baseBranch === undefined ? 'the base branch' : `the base branch ${q.code(input.baseBranch)}`;
  return `*Generated by policy-trim ${q.text(input.toolVersion)} for ${base}.*\n\n${markerComment(role)}`;
}
