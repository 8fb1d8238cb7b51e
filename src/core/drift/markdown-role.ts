/**
 * One role's details in the drift report's Markdown: a collapsible `<details>` block with what the role is
 * (ARN, functions, policies, where it is defined) and its findings grouped by kind, each with its id.
 *
 * Every value from logs and policies is untrusted. In Markdown it goes through `core/pr/markdown.ts`
 * (`markdownText`, `markdownCode`); the `<summary>` line is raw HTML to GitHub (an HTML block runs to the next
 * blank line, and Markdown escapes mean nothing there), so it is written with {@link htmlInline}.
 */
import { ZERO_WIDTH_SPACE, clipText, formatCount, markdownCode, markdownText } from '../pr/markdown.js';
import { escapeHtml } from '../render/escape.js';
import { KIND_HINTS, KIND_TITLES, dayOf, findingsByKind, firstOf, plural, type KindGroup } from './render-common.js';
import type { DriftFinding, GrantingStatement, RoleDrift, SourceLocation } from './types.js';

/** Longest value shown (UTF-16 units): an IAM ARN is at most 2,048 characters. */
export const MAX_VALUE = 2048;

/** An untrusted value as visible Markdown text, clipped. */
export function mdText(value: unknown): string {
  return markdownText(clipText(String(value), MAX_VALUE));
}

/** An untrusted value as a Markdown code span, clipped; `table` escapes `|` for a table cell. */
export function mdCode(value: unknown, table = false): string {
  return markdownCode(clipText(String(value), MAX_VALUE), { table });
}

/** An untrusted value as text inside raw HTML of a Markdown document: escaped, mentions and references broken. */
export function htmlInline(value: unknown): string {
  const text = clipText(String(value), MAX_VALUE).replace(/([@#])(?=[\p{L}\p{N}_])/gu, `$1${ZERO_WIDTH_SPACE}`);
  return escapeHtml(text);
}

/** `file:line[:column]` as a code span. */
function locationCode(l: SourceLocation): string {
  return mdCode(`${l.file}:${l.line}${l.column === undefined ? '' : `:${l.column}`}`);
}

/** `a, b, c and 4 more`. */
function listed<T>(items: readonly T[], max: number, show: (item: T) => string): string {
  const { shown, more } = firstOf(items, max);
  return shown.map(show).join(', ') + (more > 0 ? ` and ${formatCount(more)} more` : '');
}

/** The details block of one role, ending with a newline. */
export function roleDetailsMarkdown(role: RoleDrift): string {
  const lines = [`<details><summary>${roleSummary(role)}</summary>`, '', ...roleFacts(role), ''];
  if (role.error) lines.push(`**Not analysed** (${mdCode(role.error.code)}): ${mdText(role.error.message)}`, '');
  const groups = findingsByKind(role.findings);
  if (groups.length === 0 && !role.error) lines.push('No findings.', '');
  for (const group of groups) lines.push(...kindSection(group), '');
  lines.push('</details>', '');
  return lines.join('\n') + '\n';
}

/** The one line shown while the block is closed (raw HTML). */
function roleSummary(role: RoleDrift): string {
  const levels = [role.unusedByLevel['Permissions management'] ? `${role.unusedByLevel['Permissions management']} Permissions management` : '', role.unusedByLevel.Write ? `${role.unusedByLevel.Write} Write` : '']
    .filter(Boolean)
    .join(', ');
  const parts = [`${formatCount(role.unused)} unused${levels ? ` (${levels})` : ''}`];
  if (role.unusedOnStar) parts.push(`${formatCount(role.unusedOnStar)} on *`);
  if (role.denied) parts.push(`${formatCount(role.denied)} denied`);
  if (role.error) parts.push('not analysed');
  return `<b>#${role.risk.rank} ${htmlInline(role.roleName)}</b> (${htmlInline(role.account)}${role.shared ? ', shared' : ''}): ${parts.join(', ')}`;
}

/** What the role is: a short list of facts. */
function roleFacts(role: RoleDrift): string[] {
  const facts = [
    `- Role: ${mdCode(role.roleArn)}`,
    `- ${role.shared ? '**Shared** by ' : ''}${plural(role.functions.length, 'function')}: ${listed(role.functions, 20, mdText) || '(none)'}`,
    `- Policies: ${listed(role.policies, 20, (p) => `${mdCode(p.name)} (${mdText(p.kind)})`) || '(none)'}`,
  ];
  const where = role.location;
  if (where?.definedIn || where?.config) {
    const parts = [where.definedIn ? `Defined in ${locationCode(where.definedIn)}` : '', where.config ? `${where.definedIn ? 'configured' : 'Configured'} at ${locationCode(where.config)}` : ''];
    facts.push(`- ${parts.filter(Boolean).join(', ')}`);
  }
  facts.push(
    role.lastUsed === undefined
      ? '- No successful call in the window'
      : `- Last used ${mdText(dayOf(role.lastUsed))}${role.daysSinceLastUse === undefined ? '' : ` (${plural(role.daysSinceLastUse, 'day')} before the end of the window)`}; ${formatCount(role.records)} calls read`,
    `- Granted ${formatCount(role.granted)}, used ${formatCount(role.used)}, unused ${formatCount(role.unused)}, unobservable ${formatCount(role.unobservable)}, narrowable ${formatCount(role.narrowable)}, denied ${formatCount(role.denied)}`,
    `- Ranked #${role.risk.rank}: ${mdText(role.risk.reason)}`,
  );
  return facts;
}

/** One kind's heading, its hint and its findings (unused ones under a line per access level). */
function kindSection(group: KindGroup): string[] {
  const title = KIND_TITLES[group.kind].replace('"*"', '`*`');
  const lines = [`#### ${title} (${formatCount(group.findings.length)})`, '', `*${KIND_HINTS[group.kind]}*`, ''];
  if (group.byLevel) {
    for (const level of group.byLevel) lines.push(`**${level.level ?? 'Access level unknown'}**`, '', ...level.findings.map(findingLine), '');
  } else lines.push(...group.findings.map(findingLine), '');
  lines.pop();
  return lines;
}

/** One finding as a list item: markers, the action (and resource), what is known of it, its id and statements. */
export function findingLine(f: DriftFinding): string {
  const marks = [f.new ? '🆕 **new**' : '', f.acknowledged ? '✔️ *acknowledged*' : ''].filter(Boolean).join(' ');
  const subject = `${mdCode(f.action)}${f.resource === undefined ? '' : ` on ${mdCode(f.resource)}`}`;
  const lines = [`- ${marks ? `${marks} ` : ''}${subject}${evidence(f)}`, `  id ${mdCode(f.id)}${statementsText(f.statements)}`];
  if (f.acknowledged) {
    const a = f.acknowledged;
    lines.push(`  acknowledged by ${mdCode(a.pattern)}: ${mdText(a.reason)}${a.until === undefined ? '' : ` (until ${mdText(a.until)})`}`);
  }
  // A hard line break (`\` at the end) keeps the id and the acknowledgement under the item, one per line.
  return lines.map((l, i) => (i < lines.length - 1 ? `${l}\\` : l)).join('\n');
}

/** The kind's own evidence, after the subject. */
function evidence(f: DriftFinding): string {
  if (f.narrowedTo) return ` → used only on ${listed(f.narrowedTo, 5, (r) => mdCode(r))}`;
  if (f.attempts) {
    const a = f.attempts;
    const codes = a.errorCodes.length ? ` (${listed(a.errorCodes, 5, (c) => mdCode(c))})` : '';
    const who = a.sessions.length ? `, by ${listed(a.sessions, 5, mdText)}` : '';
    const granted = a.grantedByPolicies ? "; the role's policies allow it (refused elsewhere: a boundary, an SCP or a resource policy)" : "; the role's policies do not grant it";
    return ` refused ${plural(a.count, 'time')}${codes}, last ${mdText(a.lastSeen)}${who}${granted}`;
  }
  if (f.unobservable) return ` not observable (${mdCode(f.unobservable.code)}): ${mdText(f.unobservable.reason)}`;
  return '';
}

/** `; granted by `doc` statement 1 (`Sid`) at `file:42``. */
function statementsText(statements: readonly GrantingStatement[]): string {
  if (statements.length === 0) return '';
  return `; granted by ${listed(statements, 3, (s) => `${mdCode(s.document)} statement ${s.index}${s.sid === undefined ? '' : ` (${mdCode(s.sid)})`}${s.location ? ` at ${locationCode(s.location)}` : ''}`)}`;
}
