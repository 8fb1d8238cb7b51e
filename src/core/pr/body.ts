/**
 * The pull request's title and body (issue 10 §3): what is removed and why that is safe to merge, for a
 * reviewer who never ran the tool. Pure and deterministic: the same input gives the same text, with no
 * timestamp but those of the input.
 *
 * The body fits GitHub's limit (limits.ts) whatever the input: when the whole report is longer, the body is a
 * shortened one (values and inner lists clipped, the longest sections cut with "… N more, see the full
 * report") and the whole report is returned to be committed on the branch.
 */
import { roleDisplayName } from './branch.js';
import { escapeControls } from '../render/escape.js';
import type { TrimResult, UsedNotGrantedFinding } from '../trim/types.js';
import { planView } from './body-plan.js';
import { coverageSection } from './body-coverage.js';
import { editsSection, footer, liveRoleSection, planNotesSection, rollbackSection, safetySection, summaryParagraph, windowSection } from './body-context.js';
import {
  deniedSection,
  keptUsedSection,
  narrowedSection,
  plural,
  removedSection,
  usedNotGrantedSection,
  verbatimSection,
} from './body-findings.js';
import { FULL_LIMITS, SHORT_LIMITS, quoter, renderSection, rowCosts, type Quoter, type Section } from './body-layout.js';
import type { PullRequestInput, PullRequestText } from './body-types.js';
import { unobservableSection } from './body-unobservable.js';
import { PULL_REQUEST_BODY_MAX, pullRequestBodyLength } from './limits.js';
import { clipText, formatCount, markdownLink, markdownText } from './markdown.js';

export type { ActivitySourceRead, DataEventCoverage, ObservedActivity, PullRequestInput, PullRequestText, RecordingFacts, SiteEditNote, SkippedInput } from './body-types.js';
export { clipText, markdownCode, markdownProse, markdownText } from './markdown.js';
export { dataEventsRecorded } from './body-coverage.js';
export { planFacts, type PlanFacts } from './body-plan.js';

/** The longest title: GitHub shows about this much in lists and notifications. */
export const TITLE_MAX = 100;


/**
 * `policy-trim: remove 41 unused permissions from orders-api-role`: plain text (controls escaped, whitespace
 * collapsed), at most {@link TITLE_MAX} characters; a long role name is clipped.
 */
export function pullRequestTitle(role: string, stats: TrimResult['stats']): string {
  const what =
    stats.removedActions > 0
      ? `remove ${plural(stats.removedActions, 'unused permission')} from`
      : stats.narrowedActions > 0
        ? `narrow ${plural(stats.narrowedActions, 'permission')} of`
        : 'nothing to trim in';
  const prefix = `policy-trim: ${what} `;
  const name = escapeControls(roleDisplayName(role)).replace(/\s+/g, ' ').trim() || 'the role';
  return prefix + clipText(name, TITLE_MAX - prefix.length);
}

/** The input with its suggestion as the edit carries it out (body-plan.ts), and the calls it leaves unlisted. */
function viewed(input: PullRequestInput): { input: PullRequestInput; throughUnresolved: UsedNotGrantedFinding[] } {
  if (!input.plan) return { input, throughUnresolved: [] };
  const view = planView(input.result, input.plan);
  return { input: { ...input, result: view.result }, throughUnresolved: view.throughUnresolved };
}

/** Every section after the summary, in reading order (absent ones left out). */
function sections(input: PullRequestInput, q: Quoter, throughUnresolved: readonly UsedNotGrantedFinding[] = []): Section[] {
  const r = input.result;
  return [
    beforeMergingSection(input.beforeMerging ?? [], q),
    windowSection(input.observed, q),
    coverageSection(input, q),
    removedSection(r, q),
    narrowedSection(r, q),
    unobservableSection(r, input.levelOf, q),
    deniedSection(r, input.original, q),
    usedNotGrantedSection(r, q, throughUnresolved),
    keptUsedSection(r, q),
    verbatimSection(r, q),
    safetySection(r, q),
    editsSection(input.edits, q),
    planNotesSection(input.planNotes ?? [], q),
    liveRoleSection(input.liveRole ?? [], q),
    rollbackSection(input.baseBranch, q),
  ].filter((s): s is Section => s !== undefined);
}

/** What the reviewer must do before merging, first of all (an empty policy IAM would refuse on deploy). */
function beforeMergingSection(items: readonly string[], q: Quoter): Section | undefined {
  if (items.length === 0) return undefined;
  return {
    heading: '### Before merging',
    intro: ['Do or check these first: otherwise applying this change fails or takes away more than it says.'],
    blocks: [{ kind: 'list', rows: items.map((n) => `- [ ] ${q.prose(n)}`), fixed: true }],
  };
}

/** The whole report: every section, every row, every value as it is. */
export function renderFullReport(given: PullRequestInput): string {
  const { input, throughUnresolved } = viewed(given);
  const q = quoter(FULL_LIMITS);
  return [summaryParagraph(input, q), ...sections(input, q, throughUnresolved).map((s) => renderSection(s)), footer(input, q)].join('\n\n') + '\n';
}

/**
 * The pull request's title and body. When the whole report does not fit the body's limit
 * (`input.maxLength`, default GitHub's 65,536), the body is shortened and `fullReport` holds the whole report
 * (with the title as its heading), to be committed at `input.report.path`.
 */
export function renderPullRequest(input: PullRequestInput): PullRequestText {
  const max = input.maxLength ?? PULL_REQUEST_BODY_MAX;
  const title = pullRequestTitle(input.role, viewed(input).input.result.stats);
  const full = renderFullReport(input);
  if (pullRequestBodyLength(full) <= max) return { title, body: full };
  return { title, body: shortBody(input, max), fullReport: `# ${markdownText(title)}\n\n${full}` };
}

/** The notice at the top of a shortened body: where the whole report is. */
function reportNotice(input: PullRequestInput, q: Quoter): string {
  const path = q.code(input.report.path);
  const link = input.report.url && input.report.url.length <= 2000 ? markdownLink(path, input.report.url) : undefined;
  return (
    `> **This description is shortened** to fit GitHub's limit of ${formatCount(input.maxLength ?? PULL_REQUEST_BODY_MAX)} characters: ` +
    `long lists end with "… N more". The full report is committed on this branch as ${link ?? path}.`
  );
}

/**
 * The shortened body: the summary, the notice, every section with as many rows as fit (the space shared so the
 * largest sections are the ones cut), and the footer. Falls back to the summary, the notice and the footer,
 * and at the very last to whole lines of those, so the limit holds whatever the input.
 */
function shortBody(given: PullRequestInput, max: number): string {
  const { input, throughUnresolved } = viewed(given);
  const q = quoter(SHORT_LIMITS);
  const head = [summaryParagraph(input, q), reportNotice(input, q)];
  const tail = footer(input, q);
  const secs = sections(input, q, throughUnresolved);
  const assemble = (shown: number[][]) => [...head, ...secs.map((s, i) => renderSection(s, shown[i])), tail].join('\n\n') + '\n';
  const none = secs.map((s) => s.blocks.map((b) => (b.fixed ? b.rows.length : 0)));
  const shown = distribute(secs, max - pullRequestBodyLength(assemble(none)));
  let body = assemble(shown);
  while (pullRequestBodyLength(body) > max && shrinkLargest(secs, shown)) body = assemble(shown);
  if (pullRequestBodyLength(body) <= max) return body;
  return fitLines([...head, tail].join('\n\n') + '\n', max);
}

/**
 * Rows shown per block within `budget` characters: blocks whose rows all fit in an equal share take them all
 * and leave the rest to the others (water-filling: the largest are the ones cut); what is left of the shares
 * then goes to the blocks in reading order (Permissions management and Write removals first).
 */
function distribute(secs: readonly Section[], budget: number): number[][] {
  const blocks = secs.flatMap((s, si) => s.blocks.map((b, bi) => ({ si, bi, b, costs: rowCosts(b) })));
  const shown = secs.map((s) => s.blocks.map((b) => (b.fixed ? b.rows.length : 0)));
  const total = (c: number[]) => c.reduce((n, x) => n + x, 0);
  let remaining = Math.max(0, budget);
  let open = blocks.filter((x) => !x.b.fixed && x.b.rows.length > 0);
  while (open.length > 0) {
    const share = Math.floor(remaining / open.length);
    const small = open.filter((x) => total(x.costs) <= share);
    if (small.length === 0) {
      for (const x of open) {
        const n = prefixWithin(x.costs, share);
        shown[x.si]![x.bi] = n;
        remaining -= total(x.costs.slice(0, n));
      }
      break;
    }
    for (const x of small) {
      shown[x.si]![x.bi] = x.b.rows.length;
      remaining -= total(x.costs);
    }
    open = open.filter((x) => !small.includes(x));
  }
  for (const x of blocks) {
    let n = shown[x.si]![x.bi]!;
    while (n < x.costs.length && x.costs[n]! <= remaining) remaining -= x.costs[n++]!;
    shown[x.si]![x.bi] = n;
  }
  return shown;
}

/** How many of the first rows fit in `budget`. */
function prefixWithin(costs: readonly number[], budget: number): number {
  let used = 0;
  let n = 0;
  while (n < costs.length && used + costs[n]! <= budget) used += costs[n++]!;
  return n;
}

/** Halve the rows of the block showing the most characters; false when no cuttable row is shown. */
function shrinkLargest(secs: readonly Section[], shown: number[][]): boolean {
  let best: [number, number] | undefined;
  let bestCost = 0;
  secs.forEach((s, si) =>
    s.blocks.forEach((b, bi) => {
      if (b.fixed) return;
      const cost = rowCosts(b).slice(0, shown[si]![bi]).reduce((n, x) => n + x, 0);
      if (cost > bestCost) (best = [si, bi]), (bestCost = cost);
    }),
  );
  if (!best) return false;
  const [si, bi] = best;
  shown[si]![bi] = Math.floor(shown[si]![bi]! / 2);
  return true;
}

/** The whole lines of `text` that fit in `max` characters (the last resort: a limit below any useful body). */
function fitLines(text: string, max: number): string {
  let out = '';
  for (const line of text.split('\n')) {
    const next = out ? `${out}\n${line}` : line;
    if (pullRequestBodyLength(next) > max) break;
    out = next;
  }
  return out;
}
