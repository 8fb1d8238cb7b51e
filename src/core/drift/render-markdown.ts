/**
 * The drift report as GitHub-flavoured Markdown, written to fit a GitHub Actions job summary
 * (`$GITHUB_STEP_SUMMARY`, at most 1 MiB per step): a headline, the gate, what changed since the previous
 * report, an overview table of roles in risk order, then one collapsible block per role (markdown-role.ts).
 *
 * When everything would not fit in {@link DRIFT_MARKDOWN_BUDGET} bytes, the per-role blocks are cut (in risk
 * order: the riskiest roles keep their details) and the summary says how many roles and findings were left out
 * and that the JSON and HTML reports hold them all. Every value from logs and policies is escaped
 * (`core/pr/markdown.ts`; raw HTML parts with `escapeHtml`), so no record can add markup, a mention or a
 * terminal control character.
 */
import { formatCount } from '../pr/markdown.js';
import { mdCode, mdText, roleDetailsMarkdown } from './markdown-role.js';
import { LEVEL_COLUMNS, RANKING_EXPLANATION, firstOf, functionsCount, plural, utf8Length, windowText } from './render-common.js';
import type { DriftComparison, DriftReport, RoleDrift } from './types.js';

/** GitHub's limit on one step's job summary. */
export const GITHUB_STEP_SUMMARY_MAX = 1_048_576;

/** The bytes (UTF-8) the Markdown report stays within: the summary limit with room for the caller's own lines. */
export const DRIFT_MARKDOWN_BUDGET = 1_000_000;

/** Bytes kept for the note that says what was left out. */
const NOTE_RESERVE = 2_000;

/** Items shown per list of the comparison and of expired acknowledgements. */
const LIST_MAX = 20;

/**
 * The drift report as Markdown for a job summary, under {@link DRIFT_MARKDOWN_BUDGET} bytes of UTF-8 whatever
 * the fleet's size (role details are cut when needed, and the cut is said).
 */
export function renderDriftMarkdown(report: DriftReport, budget: number = DRIFT_MARKDOWN_BUDGET): string {
  const head = [headline(report), gateSection(report), report.comparison ? comparisonSection(report.comparison) : ''].join('');
  const tail = expiredSection(report) + footer(report);
  let room = budget - utf8Length(head) - utf8Length(tail) - NOTE_RESERVE;
  const overview = overviewSection(report.roles, room);
  room -= utf8Length(overview);
  const details: string[] = [];
  for (const role of report.roles) {
    const block = roleDetailsMarkdown(role);
    const size = utf8Length(block);
    if (size > room) break;
    details.push(block);
    room -= size;
  }
  const left = report.roles.slice(details.length);
  const detailsHead = report.roles.length === 0 ? '' : '## Roles in detail\n\n';
  return head + overview + detailsHead + details.join('') + leftOutNote(left) + tail;
}

/** The title and the counts a reader needs first. */
function headline(r: DriftReport): string {
  const t = r.totals;
  const lines = [
    '# policy-trim drift report',
    '',
    `**${plural(t.roles, 'role')}** in ${plural(r.accounts.length, 'account')}, window ${mdText(windowText(r.window))} (generated ${mdText(r.generatedAt)} by policy-trim ${mdText(r.tool.version)}).`,
    '',
    `- **${plural(t.unused, 'unused action')}**, of which **${formatCount(t.unusedByLevel['Permissions management'])} Permissions management** and **${formatCount(t.unusedByLevel.Write)} Write**`,
    `- **${formatCount(t.unusedOnStar)} unused on \`*\`** (granted on every resource)`,
    `- **${plural(t.denied, 'denied action')}** (calls AWS refused)`,
    `- **${plural(t.sharedRoles, 'shared role')}** (one role for several functions)`,
    `- ${formatCount(t.unobservable)} unobservable (kept), ${formatCount(t.narrowable)} narrowable, ${formatCount(t.acknowledged)} acknowledged`,
    `- Read ${formatCount(r.activity.records)} records (${formatCount(r.activity.calls)} calls, ${plural(r.activity.problems, 'problem')})${r.activity.sources.length ? ` from ${r.activity.sources.slice(0, LIST_MAX).map(mdText).join(', ')}` : ''}`,
    '',
  ];
  return lines.join('\n') + '\n';
}

/** The gate: tripped or not, and what each condition counted. */
function gateSection(r: DriftReport): string {
  const { failOn, counts, tripped } = r.gate;
  if (failOn.length === 0) return '## Gate\n\nNo gate: `--fail-on` was not given.\n\n';
  const verdict = tripped ? '**Tripped** ❌: unacknowledged findings meet a `--fail-on` condition.' : '**Passed** ✅: no unacknowledged finding meets a `--fail-on` condition.';
  const rows = counts.map((c) => `| ${mdCode(c.condition, true)} | ${formatCount(c.count)} |`);
  return ['## Gate', '', verdict, '', '| Condition | Unacknowledged findings |', '| --- | ---: |', ...rows, '', ''].join('\n');
}

/** What changed since the previous report. */
function comparisonSection(c: DriftComparison): string {
  const lines = [`## Since the previous report (${mdText(c.previousGeneratedAt)})`, ''];
  const none = c.newlyUnused.length + c.newlyUsed.length + c.newRoles.length + c.removedRoles.length + c.policyChanges.length === 0;
  if (none) lines.push('Nothing changed.', '');
  lines.push(...changeList('Newly unused', c.newlyUnused, mdCode));
  lines.push(...changeList('Newly used (no longer unused)', c.newlyUsed, mdCode));
  lines.push(...changeList('New roles', c.newRoles, mdCode));
  lines.push(...changeList('Removed roles', c.removedRoles, mdCode));
  lines.push(...changeList('Policy changes', c.policyChanges, policyChange));
  return lines.join('\n') + '\n';
}

function policyChange(p: DriftComparison['policyChanges'][number]): string {
  const part = (what: string, names: string[]) => (names.length ? `${what} ${firstOf(names, LIST_MAX).shown.map((n) => mdCode(n)).join(', ')}${names.length > LIST_MAX ? ' …' : ''}` : '');
  return `${mdCode(p.roleArn)}: ${[part('added', p.added), part('removed', p.removed), part('changed', p.changed)].filter(Boolean).join('; ') || 'changed'}`;
}

/** `**Title (n)**` and a list of at most {@link LIST_MAX} items; nothing when empty. */
function changeList<T>(title: string, items: readonly T[], show: (item: T) => string): string[] {
  if (items.length === 0) return [];
  const { shown, more } = firstOf(items, LIST_MAX);
  const lines = [`**${title} (${formatCount(items.length)})**`, '', ...shown.map((i) => `- ${show(i)}`)];
  if (more > 0) lines.push(`- … and ${formatCount(more)} more (in the JSON report)`);
  return [...lines, ''];
}

/** The table of roles in risk order, cut to `room` bytes (the cut said) when the fleet is that large. */
function overviewSection(roles: readonly RoleDrift[], room: number): string {
  if (roles.length === 0) return '## Roles\n\nNo roles in this report.\n\n';
  const head = [
    '## Roles by risk',
    '',
    RANKING_EXPLANATION.replace('"*"', '`*`'),
    '',
    `| Rank | Role | Account | Functions | Granted | Used | Unused | ${LEVEL_COLUMNS.map((c) => `Unused ${c.short}`).join(' | ')} | Unused on \`*\` | Denied | Days since last use |`,
    `| ---: | --- | --- | ---: | ---: | ---: | ---: | ${LEVEL_COLUMNS.map(() => '---:').join(' | ')} | ---: | ---: | ---: |`,
  ].join('\n');
  let size = utf8Length(head) + 2 + 200;
  const rows: string[] = [];
  for (const role of roles) {
    const row = overviewRow(role);
    size += utf8Length(row) + 1;
    if (size > room) break;
    rows.push(row);
  }
  const cut = roles.length - rows.length;
  const note = cut > 0 ? `\n*${plural(cut, 'more role')} not listed here to keep this summary under GitHub's size limit: the JSON and HTML reports list every role.*\n` : '';
  return `${head}\n${rows.join('\n')}\n${note}\n`;
}

/** One role's row of the overview. */
function overviewRow(r: RoleDrift): string {
  const name = `${mdText(r.roleName)}${r.error ? ' (not analysed)' : ''}`;
  const levels = LEVEL_COLUMNS.map((c) => formatCount(r.unusedByLevel[c.level]));
  const days = r.daysSinceLastUse === undefined ? 'no call' : formatCount(r.daysSinceLastUse);
  const cells = [String(r.risk.rank), name, mdText(r.account), functionsCount(r), formatCount(r.granted), formatCount(r.used), formatCount(r.unused), ...levels, formatCount(r.unusedOnStar), formatCount(r.denied), days];
  return `| ${cells.join(' | ')} |`;
}

/** Says which roles' details were cut, and where to find them. */
function leftOutNote(left: readonly RoleDrift[]): string {
  if (left.length === 0) return '';
  const findings = left.reduce((n, r) => n + r.findings.length, 0);
  return [
    `> [!NOTE]`,
    `> **Details of ${plural(left.length, 'role')} (${plural(findings, 'finding')}) left out** to keep this summary under GitHub's 1 MiB limit, from rank #${left[0]!.risk.rank} on.`,
    `> The JSON and HTML reports have every role and finding.`,
    '',
    '',
  ].join('\n');
}

/** Acknowledgements whose date has passed. */
function expiredSection(r: DriftReport): string {
  const expired = r.expiredAcknowledgements;
  if (expired.length === 0) return '';
  const lines = ['## Expired acknowledgements', '', `${plural(expired.length, 'acknowledgement')} in \`.policy-trim.yml\` expired: their findings count again.`, ''];
  const { shown, more } = firstOf(expired, LIST_MAX);
  lines.push(...shown.map((a) => `- ${mdCode(a.pattern)}: ${mdText(a.reason)} (until ${mdText(a.until)})`));
  if (more > 0) lines.push(`- … and ${formatCount(more)} more (in the JSON report)`);
  return lines.join('\n') + '\n\n';
}

function footer(r: DriftReport): string {
  return `---\n\n*policy-trim ${mdText(r.tool.version)} · drift report version ${r.version} · the JSON and HTML reports carry every finding.*\n`;
}
