/**
 * One role's section of the drift report page: what the role is and every finding with its evidence (id,
 * granting statements, narrowed resources, refused attempts, why unobservable, acknowledgement). Nothing is
 * cut: the page is the report a reader goes to when the job summary had to leave details out. Every value is
 * escaped with `escapeHtml`.
 */
import { formatCount } from '../pr/markdown.js';
import { escapeHtml as h } from '../render/escape.js';
import { KIND_HINTS, KIND_TITLES, findingsByKind, plural, type KindGroup } from './render-common.js';
import type { DriftFinding, GrantingStatement, RoleDrift, SourceLocation } from './types.js';

/** A group of findings larger than this starts closed. */
const OPEN_MAX = 50;

/** An escaped value in `<code>`. */
export function code(value: unknown): string {
  return `<code>${h(value)}</code>`;
}

/** The id of a role's section (from its rank: no value of a log reaches an id or a link). */
export function roleAnchor(role: RoleDrift): string {
  return `role-${role.risk.rank}`;
}

function location(l: SourceLocation): string {
  return code(`${l.file}:${l.line}${l.column === undefined ? '' : `:${l.column}`}`);
}

/** The section of one role. */
export function roleSectionHtml(role: RoleDrift): string {
  const anchor = roleAnchor(role);
  const badges = [role.shared ? '<span class="badge shared">shared</span>' : '', role.error ? '<span class="badge error">not analysed</span>' : ''].join('');
  const lines = [
    `<section class="role" id="${anchor}" aria-labelledby="${anchor}-h">`,
    `<h3 id="${anchor}-h">#${role.risk.rank} ${h(role.roleName)} <span class="muted">${h(role.account)}</span> ${badges}</h3>`,
    roleFacts(role),
  ];
  if (role.error) lines.push(`<p><strong>Not analysed</strong> (${code(role.error.code)}): ${h(role.error.message)}</p>`);
  const groups = findingsByKind(role.findings);
  if (groups.length === 0 && !role.error) lines.push('<p class="muted">No findings.</p>');
  lines.push(...groups.map(kindGroup), '</section>');
  return lines.join('\n');
}

/** The facts of a role as a definition list. */
function roleFacts(role: RoleDrift): string {
  const facts: [string, string][] = [
    ['Role', code(role.roleArn)],
    [role.shared ? 'Functions (shared)' : 'Functions', role.functions.map((f) => h(f)).join(', ') || '(none)'],
    ['Policies', role.policies.map((p) => `${code(p.name)} (${h(p.kind)}${p.arn ? `, ${code(p.arn)}` : ''}) <span class="muted" title="sha256 ${h(p.sha256)}">sha256 ${h(p.sha256.slice(0, 12))}…</span>`).join('<br>') || '(none)'],
  ];
  if (role.location?.definedIn) facts.push(['Defined in', location(role.location.definedIn)]);
  if (role.location?.config) facts.push(['Configured at', location(role.location.config)]);
  facts.push(
    ['Last used', role.lastUsed === undefined ? 'no successful call in the window' : `${h(role.lastUsed)}${role.daysSinceLastUse === undefined ? '' : ` (${plural(role.daysSinceLastUse, 'day')} before the end of the window)`}`],
    ['Calls read', formatCount(role.records)],
    ['Counts', `granted ${formatCount(role.granted)}, used ${formatCount(role.used)}, unused ${formatCount(role.unused)}, unobservable ${formatCount(role.unobservable)}, narrowable ${formatCount(role.narrowable)}, denied ${formatCount(role.denied)}`],
    ['Rank', `#${role.risk.rank}: ${h(role.risk.reason)} <span class="muted">(${rankKey(role.risk.key)})</span>`],
  );
  return `<dl class="facts">${facts.map(([t, d]) => `<dt>${t}</dt><dd>${d}</dd>`).join('')}</dl>`;
}

/** The compared counts in words: `1 unused Permissions management, 1 unused Write, …`. */
function rankKey(key: RoleDrift['risk']['key']): string {
  const names = ['unused Permissions management', 'unused Write', 'unused on *', 'denied', 'unused'];
  return key.map((n, i) => `${formatCount(n)} ${names[i]}`).join(', ');
}

/** One kind of finding, collapsible; unused ones under a heading per access level. */
function kindGroup(group: KindGroup): string {
  const open = group.findings.length <= OPEN_MAX ? ' open' : '';
  const lines = [`<details class="kind kind-${group.kind.toLowerCase()}"${open}>`, `<summary>${h(KIND_TITLES[group.kind])} (${formatCount(group.findings.length)})</summary>`, `<p class="hint">${h(KIND_HINTS[group.kind])}</p>`];
  if (group.byLevel) {
    for (const level of group.byLevel) lines.push(`<h4>${h(level.level ?? 'Access level unknown')}</h4>`, findingList(level.findings));
  } else lines.push(findingList(group.findings));
  lines.push('</details>');
  return lines.join('\n');
}

/**
 * Findings listed per list at most: a grant-everything role has ~11,000 unused actions, and a page with every one
 * of dozens of such roles would not open (nor fit in one string); the JSON report lists them all.
 */
export const HTML_LIST_MAX = 500;

function findingList(findings: readonly DriftFinding[]): string {
  const shown = findings.slice(0, HTML_LIST_MAX).map(findingItem);
  const more = findings.length - shown.length;
  if (more > 0) shown.push(`<li class="muted">…and ${formatCount(more)} more: the JSON report lists every finding.</li>`);
  return `<ul class="findings">\n${shown.join('\n')}\n</ul>`;
}

/** One finding with all its evidence. */
export function findingItem(f: DriftFinding): string {
  const badges = `${f.new ? '<span class="badge new">new</span>' : ''}${f.acknowledged ? '<span class="badge ack">acknowledged</span>' : ''}`;
  const parts = [`${badges}${code(f.action)}${f.resource === undefined ? '' : ` on ${code(f.resource)}`}${f.accessLevel ? ` <span class="muted">${h(f.accessLevel)}</span>` : ''}`, `<div>${h(f.message)}</div>`];
  if (f.narrowedTo) parts.push(`<div>Used only on: ${f.narrowedTo.map((r) => code(r)).join(', ')}</div>`);
  if (f.attempts) {
    const a = f.attempts;
    parts.push(
      `<div>Refused ${plural(a.count, 'time')}, last ${h(a.lastSeen)}; error codes: ${a.errorCodes.map((c) => code(c)).join(', ') || '(none)'}; sessions: ${a.sessions.map((s) => h(s)).join(', ') || '(none)'}; ${a.grantedByPolicies ? "the role's policies allow it (refused elsewhere: a boundary, an SCP or a resource policy)" : "the role's policies do not grant it"}</div>`,
    );
  }
  if (f.unobservable) parts.push(`<div>Not observable (${code(f.unobservable.code)}): ${h(f.unobservable.reason)}</div>`);
  parts.push(`<div class="muted">id ${code(f.id)}</div>`);
  if (f.statements.length) parts.push(`<div class="muted">Granted by ${f.statements.map(statement).join('; ')}</div>`);
  if (f.acknowledged) {
    const a = f.acknowledged;
    parts.push(`<div class="ack-note">Acknowledged by ${code(a.pattern)}: ${h(a.reason)}${a.until === undefined ? '' : ` (until ${h(a.until)})`}</div>`);
  }
  const cls = ['finding', f.new ? 'new' : '', f.acknowledged ? 'acknowledged' : ''].filter(Boolean).join(' ');
  return `<li class="${cls}">${parts.join('\n')}</li>`;
}

function statement(s: GrantingStatement): string {
  return `${code(s.document)} statement ${s.index}${s.sid === undefined ? '' : ` (Sid ${code(s.sid)})`}${s.location ? ` at ${location(s.location)}` : ''}`;
}

/** Days since last use, or `no call`. */
export function daysText(role: RoleDrift): string {
  return role.daysSinceLastUse === undefined ? 'no call' : formatCount(role.daysSinceLastUse);
}

