/**
 * The SARIF results of the drift report: findings grouped, located, worded and fingerprinted.
 *
 * Grouped, because one result per finding does not fit: an administrator role has some 11,000 unused actions,
 * and GitHub code scanning accepts at most 25,000 results per run and keeps only the top 5,000 (GitHub Docs,
 * "SARIF support for code scanning", limits table; "About code scanning limits on SARIF results"). A result is
 * one role × kind × access level × granting statement (its first: the one the alert points at) × acknowledgement:
 * the thing one edit fixes. A fleet of 200 roles with three statements each stays near 4,000 results at worst
 * (render-sarif.ts caps the rest); the message names the first actions, `properties.findingIds` all of them.
 *
 * Located, because GitHub rejects the whole upload when a result has no physical location (GitHub Docs, "SARIF
 * support for code scanning": `locations[]` of a result is required, and its `physicalLocation` is what the alert
 * is shown on). The statement's place when known, else where the role is defined, else its entry in
 * `.policy-trim.yml`, else the caller's fallback: every result has one.
 */
import type { AccessLevel } from '../catalog/types.js';
import { formatFindingId, type FindingKindId } from '../config/finding-id.js';
import { clipText, formatCount } from '../pr/markdown.js';
import { escapeControls } from '../render/escape.js';
import { isLevelled, levelSlug, ruleIdOf } from './sarif-rules.js';
import type { DriftFinding, GrantingStatement, RoleDrift, SourceLocation } from './types.js';

/** Actions (or action-on-resource items) a message names before "and N more". */
export const MESSAGE_ITEMS = 10;
/** Longest value (an ARN, a reason) a message quotes; the full value is in the result's properties. */
const VALUE_MAX = 200;
/** Other located statements listed as related locations (GitHub keeps only 100 locations of a result). */
const RELATED_MAX = 10;
/** The partialFingerprints key: versioned, so a change of grouping can say so by a new key. */
export const FINGERPRINT_KEY = 'policyTrimFindingGroup/v1';

/** A SARIF physical location. */
export interface SarifPhysicalLocation {
  physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn?: number } };
}

/** A SARIF result, as this tool writes it. */
export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: [SarifPhysicalLocation];
  relatedLocations?: (SarifPhysicalLocation & { id: number; message: { text: string } })[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: 'external'; status: 'accepted'; justification: string; properties: { pattern: string; until?: string } }[];
  properties: Record<string, unknown>;
}

/** Findings of one role that make one result. */
export interface FindingGroup {
  role: RoleDrift;
  kind: FindingKindId;
  /** The findings' access level, for the kinds whose rules are per level (undefined otherwise, or when unknown). */
  level: AccessLevel | undefined;
  /** The first granting statement of the group's findings (undefined: none, as for a refused call). */
  statement: GrantingStatement | undefined;
  acknowledged: DriftFinding['acknowledged'];
  findings: DriftFinding[];
}

/** A statement as a key part and in a fingerprint: its document and its Sid, or its position when it has none. */
function statementKey(s: GrantingStatement | undefined): string {
  // A Sid is alphanumeric (IAM), so a quoted Sid and a bare position cannot be confused.
  return s === undefined ? '-' : `${s.document}#${s.sid === undefined ? s.index : `"${s.sid}"`}`;
}

/**
 * The role's findings in groups, in the findings' order (kind, level, action): each wholly acknowledged or not,
 * and by one acknowledgement (its pattern: `.policy-trim.yml` gives each pattern one reason).
 */
export function groupFindings(role: RoleDrift): FindingGroup[] {
  const groups = new Map<string, FindingGroup>();
  for (const f of role.findings) {
    const statement = f.statements[0];
    const ack = f.acknowledged;
    // Split by access level only where the rule is (sarif-rules.ts): one result per rule, statement and role.
    const level = isLevelled(f.kind) ? f.accessLevel : undefined;
    const key = [f.kind, level ?? '', statementKey(statement), ack ? ack.pattern : ''].join('\u0000');
    const group = groups.get(key);
    if (group) group.findings.push(f);
    else groups.set(key, { role, kind: f.kind, level, statement, acknowledged: ack, findings: [f] });
  }
  return [...groups.values()];
}

/**
 * The group's fingerprint: what the group is about, written with the finding-id grammar (kind, account, role,
 * `*` for its actions), its access level, its statement and its acknowledgement. No count, date or action list:
 * it stays the same when actions are used or added, so the alert follows the statement across runs.
 */
export function groupFingerprint(g: FindingGroup): string {
  const id = formatFindingId({ kind: g.kind, account: g.role.account, role: g.role.roleName, action: '*' });
  const level = isLevelled(g.kind) ? `/${levelSlug(g.level ?? 'unknown')}` : '';
  const ack = g.acknowledged ? ` acknowledged:${g.acknowledged.pattern}` : '';
  return `${id}${level} ${statementKey(g.statement)}${ack}`;
}

/** A repository-relative path as a URI reference: `/` separators, no leading `./`, each segment percent-encoded. */
export function repositoryUri(file: string): string {
  const path = file.replace(/\\/g, '/').replace(/^(?:\.\/)+/, '').replace(/\/{2,}/g, '/');
  return path.split('/').map((segment) => encodeURIComponent(segment)).join('/');
}

/** A SARIF physical location for a place in the repository (lines and columns at least 1). */
export function physicalLocation(at: SourceLocation): SarifPhysicalLocation {
  const region = { startLine: Math.max(1, Math.trunc(at.line)), ...(at.column === undefined ? {} : { startColumn: Math.max(1, Math.trunc(at.column)) }) };
  return { physicalLocation: { artifactLocation: { uri: repositoryUri(at.file) }, region } };
}

/** Where the group's alert is shown: the statement, else the role's definition, else its config entry, else the fallback. */
export function groupLocation(g: FindingGroup, fallback: SourceLocation): SourceLocation {
  return g.statement?.location ?? g.role.location?.definedIn ?? g.role.location?.config ?? fallback;
}

/** A value from a log or policy, safe in a one-line plain-text message: controls made visible, length bounded. */
function quote(value: string): string {
  return clipText(escapeControls(value), VALUE_MAX);
}

/** `statement "Admin" (#2 of orders-api-inline)` or `statement #3 of orders-api-inline`. */
function statementWords(s: GrantingStatement): string {
  return `statement ${s.sid === undefined ? '' : `"${quote(s.sid)}" (`}#${s.index + 1} of ${quote(s.document)}${s.sid === undefined ? '' : ')'}`;
}

/** `1 Write action`, `2 actions of unknown access level`. */
function actionsWords(n: number, level: AccessLevel | undefined): string {
  const noun = n === 1 ? 'action' : 'actions';
  return level === undefined ? `${formatCount(n)} ${noun} of unknown access level` : `${formatCount(n)} ${level} ${noun}`;
}

/** One finding as a message item. */
function itemOf(f: DriftFinding): string {
  const action = quote(f.action);
  if (f.kind === 'NARROWABLE') {
    const used = f.narrowedTo ?? [];
    const shown = used.slice(0, 3).map(quote).join(', ') + (used.length > 3 ? `, … (${used.length} in all)` : '');
    return `${action} on ${quote(f.resource ?? '*')} (used: ${shown || 'none'})`;
  }
  if (f.kind === 'DENIED') {
    const a = f.attempts;
    const detail = a ? ` (${formatCount(a.count)} ${a.count === 1 ? 'time' : 'times'}${a.errorCodes.length ? `, ${a.errorCodes.map(quote).join(', ')}` : ''})` : '';
    return `${action}${f.resource === undefined ? '' : ` on ${quote(f.resource)}`}${detail}`;
  }
  if (f.kind === 'UNOBSERVABLE') return `${action}${f.unobservable ? ` (${quote(f.unobservable.reason)})` : ''}`;
  return action;
}

/** The first items and how many more. */
function itemsWords(findings: readonly DriftFinding[]): string {
  const shown = findings.slice(0, MESSAGE_ITEMS).map(itemOf).join(', ');
  const rest = findings.length - MESSAGE_ITEMS;
  return rest > 0 ? `${shown}, … and ${formatCount(rest)} more (all in properties.findingIds)` : shown;
}

/** The result's message: the role, how many, what, where, and the first items. Plain text, one line. */
export function groupMessage(g: FindingGroup): string {
  const role = `${quote(g.role.roleName)} (${quote(g.role.account)})`;
  const n = g.findings.length;
  const by = g.statement ? ` by ${statementWords(g.statement)}` : '';
  const items = itemsWords(g.findings);
  const ack = g.acknowledged ? ` Acknowledged: ${quote(g.acknowledged.reason)}.` : '';
  switch (g.kind) {
    case 'UNUSED':
      return `${role}: ${actionsWords(n, g.level)} granted${by} and not used in the window: ${items}.${ack}`;
    case 'UNUSED_ON_STAR':
      return `${role}: ${actionsWords(n, g.level)} granted on Resource "*"${by} and not used in the window: ${items}.${ack}`;
    case 'NARROWABLE':
      return `${role}: ${actionsWords(n, g.level)} used on fewer resources than granted${by}: ${items}.${ack}`;
    case 'DENIED':
      return `${role}: ${formatCount(n)} ${n === 1 ? 'call' : 'calls'} refused in the window${by}: ${items}.${ack}`;
    case 'UNOBSERVABLE':
      return `${role}: ${formatCount(n)} ${n === 1 ? 'action' : 'actions'} kept${by} because CloudTrail could not have shown ${n === 1 ? 'its' : 'their'} use: ${items}.${ack}`;
  }
}

/** The other statements of the group's findings that have a place, distinct by place, at most RELATED_MAX. */
function relatedLocations(g: FindingGroup, primary: SourceLocation): SarifResult['relatedLocations'] {
  const seen = new Set([`${primary.file}:${primary.line}`]);
  const out: NonNullable<SarifResult['relatedLocations']> = [];
  for (const s of g.findings.flatMap((f) => f.statements)) {
    if (!s.location || seen.has(`${s.location.file}:${s.location.line}`) || out.length >= RELATED_MAX) continue;
    seen.add(`${s.location.file}:${s.location.line}`);
    out.push({ id: out.length + 1, ...physicalLocation(s.location), message: { text: `also granted by ${statementWords(s)}` } });
  }
  return out.length ? out : undefined;
}

/** The result of one group (`ruleIndex` is the rule's position in the run's rule list). */
export function groupResult(g: FindingGroup, rules: { index: Map<string, number>; levels: string[] }, fallback: SourceLocation): SarifResult {
  const ruleId = ruleIdOf(g.kind, g.level);
  const ruleIndex = rules.index.get(ruleId)!;
  const at = groupLocation(g, fallback);
  const related = relatedLocations(g, at);
  const ack = g.acknowledged;
  const newCount = g.findings.filter((f) => f.new).length;
  const properties: Record<string, unknown> = {
    roleArn: g.role.roleArn,
    kind: g.kind,
    ...(g.level === undefined ? {} : { accessLevel: g.level }),
    count: g.findings.length,
    ...(newCount ? { newFindings: newCount } : {}),
    ...(g.statement ? { statement: { document: g.statement.document, index: g.statement.index, ...(g.statement.sid === undefined ? {} : { sid: g.statement.sid }) } } : {}),
    findingIds: g.findings.map((f) => f.id).sort(),
  };
  return {
    ruleId,
    ruleIndex,
    level: rules.levels[ruleIndex]!,
    message: { text: groupMessage(g) },
    locations: [physicalLocation(at)],
    ...(related ? { relatedLocations: related } : {}),
    partialFingerprints: { [FINGERPRINT_KEY]: groupFingerprint(g) },
    ...(ack
      ? { suppressions: [{ kind: 'external' as const, status: 'accepted' as const, justification: quote(ack.reason), properties: { pattern: ack.pattern, ...(ack.until === undefined ? {} : { until: ack.until }) } }] }
      : {}),
    properties,
  };
}
