/**
 * The drift report as one self-contained HTML page (html-page.ts: inline style and script under a hash-based
 * Content-Security-Policy, nothing fetched when viewed): the headline, the gate, what changed since the
 * previous report, an overview chart (html-chart.ts), a sortable table of roles (html-script.ts) with the
 * Markdown overview's columns, each role's findings with their evidence (html-role.ts), and expired
 * acknowledgements. Nothing is cut. Every value from logs and policies goes through `escapeHtml`.
 */
import { formatCount } from '../pr/markdown.js';
import { escapeHtml as h } from '../render/escape.js';
import { overviewChart } from './html-chart.js';
import { htmlPage } from './html-page.js';
import { code, daysText, roleAnchor, roleSectionHtml } from './html-role.js';
import { LEVEL_COLUMNS, RANKING_EXPLANATION, dayOf, functionsCount, plural, windowText } from './render-common.js';
import type { DriftComparison, DriftReport, RoleDrift } from './types.js';

/** The drift report as a complete HTML document (UTF-8), viewable offline. */
export function renderDriftHtml(report: DriftReport): string {
  const title = h(`policy-trim drift report — ${report.window.until === null ? dayOf(report.generatedAt) : dayOf(report.window.until)}`);
  const body = [
    '<header>',
    `<h1>${title}</h1>`,
    `<p class="muted">${plural(report.totals.roles, 'role')} in ${plural(report.accounts.length, 'account')} (${report.accounts.map(h).join(', ')}), window ${h(windowText(report.window))}; generated ${h(report.generatedAt)} by policy-trim ${h(report.tool.version)}.</p>`,
    '</header>',
    '<main>',
    headline(report),
    gateSection(report),
    report.comparison ? comparisonSection(report.comparison) : '',
    `<section id="chart" aria-labelledby="chart-h">\n<h2 id="chart-h">Granted and used, per role</h2>\n${overviewChart(report.roles)}\n</section>`,
    rolesTable(report.roles),
    `<section id="details" aria-labelledby="details-h">\n<h2 id="details-h">Roles in detail</h2>\n${report.roles.map(roleSectionHtml).join('\n') || '<p>No roles in this report.</p>'}\n</section>`,
    expiredSection(report),
    '</main>',
    `<footer>policy-trim ${h(report.tool.version)} · drift report version ${report.version} · activity read from ${report.activity.sources.map(h).join(', ') || '(none)'}</footer>`,
  ];
  return htmlPage(title, body.filter(Boolean).join('\n'));
}

/** The counts a reader needs first, as cards. */
function headline(r: DriftReport): string {
  const t = r.totals;
  const cards: [string, string][] = [
    [formatCount(t.unused), `unused actions (${formatCount(t.unusedByLevel['Permissions management'])} Permissions management, ${formatCount(t.unusedByLevel.Write)} Write)`],
    [formatCount(t.unusedOnStar), 'unused on Resource "*"'],
    [formatCount(t.denied), 'denied actions'],
    [formatCount(t.sharedRoles), 'shared roles'],
    [formatCount(t.unobservable), 'unobservable (kept)'],
    [formatCount(t.narrowable), 'narrowable'],
    [formatCount(t.acknowledged), 'acknowledged'],
  ];
  const items = cards.map(([n, what]) => `<li><b>${n}</b>${h(what)}</li>`).join('');
  const activity = `Read ${formatCount(r.activity.records)} records (${formatCount(r.activity.calls)} calls, ${plural(r.activity.problems, 'problem')}).`;
  return `<section id="summary" aria-label="Summary">\n<ul class="cards">${items}</ul>\n<p class="muted">${activity}</p>\n</section>`;
}

/** The gate: tripped or not, and each condition's count. */
function gateSection(r: DriftReport): string {
  const { failOn, counts, tripped } = r.gate;
  const lines = ['<section id="gate" aria-labelledby="gate-h">', '<h2 id="gate-h">Gate</h2>'];
  if (failOn.length === 0) lines.push('<p>No gate: <code>--fail-on</code> was not given.</p>');
  else {
    lines.push(
      tripped
        ? '<p class="tripped">Tripped: unacknowledged findings meet a <code>--fail-on</code> condition.</p>'
        : '<p class="passed">Passed: no unacknowledged finding meets a <code>--fail-on</code> condition.</p>',
      '<table class="gate"><thead><tr><th scope="col">Condition</th><th scope="col" class="num">Unacknowledged findings</th></tr></thead><tbody>',
      ...counts.map((c) => `<tr><td>${code(c.condition)}</td><td class="num">${formatCount(c.count)}</td></tr>`),
      '</tbody></table>',
    );
  }
  lines.push('</section>');
  return lines.join('\n');
}

/** What changed since the previous report. */
function comparisonSection(c: DriftComparison): string {
  const list = (title: string, items: string[]) => (items.length ? `<h3>${title} (${formatCount(items.length)})</h3>\n<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>` : '');
  const changes = c.policyChanges.map((p) => {
    const part = (what: string, names: string[]) => (names.length ? `${what} ${names.map((n) => code(n)).join(', ')}` : '');
    return `${code(p.roleArn)}: ${[part('added', p.added), part('removed', p.removed), part('changed', p.changed)].filter(Boolean).join('; ') || 'changed'}`;
  });
  const parts = [
    list('Newly unused', c.newlyUnused.map((id) => code(id))),
    list('Newly used (no longer unused)', c.newlyUsed.map((id) => code(id))),
    list('New roles', c.newRoles.map((a) => code(a))),
    list('Removed roles', c.removedRoles.map((a) => code(a))),
    list('Policy changes', changes),
  ].filter(Boolean);
  return [
    '<section id="changes" aria-labelledby="changes-h">',
    `<h2 id="changes-h">Since the previous report (${h(c.previousGeneratedAt)})</h2>`,
    parts.length ? parts.join('\n') : '<p>Nothing changed.</p>',
    '</section>',
  ].join('\n');
}

/** The columns of the roles table: header, type (how it sorts), and a role's cell text and sort value. */
const COLUMNS: { header: string; number: boolean; cell: (r: RoleDrift) => [string, string | number] }[] = [
  { header: 'Rank', number: true, cell: (r) => [String(r.risk.rank), r.risk.rank] },
  { header: 'Role', number: false, cell: (r) => [`<a href="#${roleAnchor(r)}">${h(r.roleName)}</a>${r.error ? ' <span class="badge error">not analysed</span>' : ''}`, r.roleName] },
  { header: 'Account', number: false, cell: (r) => [h(r.account), r.account] },
  { header: 'Functions', number: true, cell: (r) => [functionsCount(r), r.functions.length] },
  { header: 'Granted', number: true, cell: (r) => [formatCount(r.granted), r.granted] },
  { header: 'Used', number: true, cell: (r) => [formatCount(r.used), r.used] },
  { header: 'Unused', number: true, cell: (r) => [formatCount(r.unused), r.unused] },
  ...LEVEL_COLUMNS.map((c) => ({ header: `Unused ${c.short}`, number: true, cell: (r: RoleDrift): [string, number] => [formatCount(r.unusedByLevel[c.level]), r.unusedByLevel[c.level]] })),
  { header: 'Unused on *', number: true, cell: (r) => [formatCount(r.unusedOnStar), r.unusedOnStar] },
  { header: 'Denied', number: true, cell: (r) => [formatCount(r.denied), r.denied] },
  // A role never used sorts as the stalest.
  { header: 'Days since last use', number: true, cell: (r) => [daysText(r), r.daysSinceLastUse ?? 'Infinity'] },
];

/** The sortable table of roles, in risk order. */
function rolesTable(roles: readonly RoleDrift[]): string {
  const heads = COLUMNS.map((c, i) => {
    const sort = i === 0 ? 'ascending' : 'none';
    return `<th scope="col" data-type="${c.number ? 'number' : 'text'}" aria-sort="${sort}"${c.number ? ' class="num"' : ''}><button type="button">${h(c.header)}</button></th>`;
  });
  const rows = roles.map((r) => {
    const cells = COLUMNS.map((c) => {
      const [text, sort] = c.cell(r);
      return `<td data-sort="${h(sort)}"${c.number ? ' class="num"' : ''}>${text}</td>`;
    });
    return `<tr data-rank="${r.risk.rank}">${cells.join('')}</tr>`;
  });
  return [
    '<section id="roles" aria-labelledby="roles-h">',
    '<h2 id="roles-h">Roles by risk</h2>',
    `<p class="muted">${h(RANKING_EXPLANATION)} Click a column header to sort.</p>`,
    '<table id="roles-table">',
    `<thead><tr>${heads.join('')}</tr></thead>`,
    `<tbody>\n${rows.join('\n')}\n</tbody>`,
    '</table>',
    '</section>',
  ].join('\n');
}

/** Acknowledgements whose date has passed. */
function expiredSection(r: DriftReport): string {
  const expired = r.expiredAcknowledgements;
  if (expired.length === 0) return '';
  return [
    '<section id="expired" aria-labelledby="expired-h">',
    '<h2 id="expired-h">Expired acknowledgements</h2>',
    `<p>${plural(expired.length, 'acknowledgement')} in <code>.policy-trim.yml</code> expired: their findings count again.</p>`,
    `<ul>${expired.map((a) => `<li>${code(a.pattern)}: ${h(a.reason)} (until ${h(a.until)})</li>`).join('')}</ul>`,
    '</section>',
  ].join('\n');
}
