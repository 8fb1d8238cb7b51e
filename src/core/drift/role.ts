/**
 * One role's drift, read off its verified suggestion: what the suggestion removes is unused, what it narrows is
 * narrowable, what it keeps unseen is unobservable, what AWS refused is denied. The drift report is therefore
 * exactly as trustworthy as `suggest` (the same trim, the same proofs), and a finding in the report is a
 * change the suggestion would make.
 */
import { createHash } from 'node:crypto';
import type { AccessLevel } from '../catalog/types.js';
import { formatFindingId, FINDING_KINDS, type FindingKindId } from '../config/finding-id.js';
import type { PolicyDocument } from '../policy/types.js';
import { grantedOnStar } from '../trim/findings.js';
import type { SuggestResult } from '../trim/suggest.js';
import type {
  DeniedAttemptFinding,
  KeptUnobservableFinding,
  KeptUsedFinding,
  NarrowedResourceFinding,
  RemovedActionFinding,
  StatementRef,
} from '../trim/types.js';
import type { PrincipalUsage } from '../usage/types.js';
import { type DriftFinding, type GrantingStatement, type LevelCounts, type RoleDrift, type RolePolicy, type SourceLocation } from './types.js';
import { ACCESS_LEVEL_ORDER } from '../trim/model.js';

/** What one role's drift is computed from. */
export interface RoleDriftInput {
  account: string;
  roleName: string;
  roleArn: string;
  functions: string[];
  /** The role's policies as read (the boundary among them, kind `boundary`). */
  documents: PolicyDocument[];
  /** The role's verified suggestion. */
  result: SuggestResult;
  usage: PrincipalUsage;
  /** The end of the window: days since last use count to it. */
  windowEnd: Date;
  /** The access level of an action, from the catalog. */
  levelOf(action: string): AccessLevel | undefined;
  /** Where a statement is written, when known. */
  locateStatement?(ref: StatementRef): SourceLocation | undefined;
  location?: RoleDrift['location'];
}

/** Milliseconds in a day. */
const DAY_MS = 86_400_000;

/** The role's drift without its rank (ranking needs the whole fleet: risk.ts). */
export function roleDrift(input: RoleDriftInput): Omit<RoleDrift, 'risk'> {
  const findings = sortFindings(driftFindings(input));
  const unused = findings.filter((f) => f.kind === 'UNUSED');
  const lastUsed = input.usage.used.reduce<string | undefined>((max, u) => (max === undefined || u.lastSeen > max ? u.lastSeen : max), undefined);
  const kept = input.result.findings.filter((f): f is KeptUsedFinding => f.kind === 'kept-used');
  // Used: kept for its use, or used and kept for another reason (a call the trail shows, in a Region or on a data
  // event the trail's configuration does not cover, is kept as unobservable: it was still used).
  const keptUnobservable = new Set(input.result.findings.flatMap((f) => (f.kind === 'kept-unobservable' ? [f.action] : [])));
  const used = new Set([...kept.map((f) => f.action), ...input.usage.used.map((u) => u.action).filter((a) => keptUnobservable.has(a))]);
  return {
    account: input.account,
    roleName: input.roleName,
    roleArn: input.roleArn,
    functions: [...input.functions].sort(),
    shared: input.functions.length > 1,
    policies: input.documents.map(rolePolicy),
    granted: input.result.stats.grantedActions,
    used: used.size,
    unused: unused.length,
    unusedByLevel: levelCounts(unused),
    unusedOnStar: findings.filter((f) => f.kind === 'UNUSED_ON_STAR').length,
    unobservable: new Set(findings.filter((f) => f.kind === 'UNOBSERVABLE').map((f) => f.action)).size,
    narrowable: input.result.stats.narrowedActions,
    denied: new Set(findings.filter((f) => f.kind === 'DENIED').map((f) => f.action)).size,
    ...(lastUsed !== undefined ? { lastUsed, daysSinceLastUse: Math.max(0, Math.floor((input.windowEnd.getTime() - Date.parse(lastUsed)) / DAY_MS)) } : {}),
    records: input.usage.records,
    findings,
    ...(input.location ? { location: input.location } : {}),
  };
}

/** Every level at 0: the shape of a role with nothing unused. */
export function zeroLevels(): LevelCounts {
  return { 'Permissions management': 0, Write: 0, Tagging: 0, Read: 0, List: 0 };
}

/** Unused findings per access level. */
function levelCounts(unused: DriftFinding[]): LevelCounts {
  const counts = zeroLevels();
  for (const f of unused) if (f.accessLevel) counts[f.accessLevel] += 1;
  return counts;
}

/** A policy as the report names it, with the hash that tells a later report it changed. */
function rolePolicy(d: PolicyDocument): RolePolicy {
  const kind: RolePolicy['kind'] = d.kind === 'customer-managed' ? 'managed' : (d.kind ?? 'file');
  const arn = d.name.startsWith('arn:') ? d.name : undefined;
  const name = arn ? arn.slice(arn.lastIndexOf('/') + 1) : d.name.replace(/^inline:/, '');
  // Statements only: the hash follows what the policy grants, not where it was read from.
  const sha256 = createHash('sha256').update(JSON.stringify({ version: d.version, statements: d.statements })).digest('hex');
  return { name, kind, ...(arn ? { arn } : {}), sha256 };
}

/** The findings of the role, one per id. */
function driftFindings(input: RoleDriftInput): DriftFinding[] {
  const original = input.documents.filter((d) => d.kind !== 'boundary');
  const statement = (ref: StatementRef): GrantingStatement => {
    const location = input.locateStatement?.(ref);
    return { document: ref.document, index: ref.index, ...(ref.sid !== undefined ? { sid: ref.sid } : {}), ...(location ? { location } : {}) };
  };
  const id = (kind: FindingKindId, action: string, resource?: string): string =>
    formatFindingId({ kind, account: input.account, role: input.roleName, action, ...(resource !== undefined ? { resource } : {}) });
  const grantedFrom = grantingStatements(input.result);
  const out: DriftFinding[] = [];
  for (const f of input.result.findings) {
    if (f.kind === 'removed-action') out.push(...unusedFindings(f, original, id, statement, input.levelOf));
    else if (f.kind === 'narrowed-resource') out.push(...narrowableFindings(f, grantedFrom, id, statement, input.levelOf));
    else if (f.kind === 'denied-attempt') out.push(...deniedFindings(f, id, input.levelOf));
    else if (f.kind === 'kept-unobservable') out.push(...unobservableFindings(f, grantedFrom, id, statement, input.levelOf));
  }
  return dedupe(out);
}

type IdOf = (kind: FindingKindId, action: string, resource?: string) => string;
type StatementOf = (ref: StatementRef) => GrantingStatement;
type LevelOf = (action: string) => AccessLevel | undefined;

/** An unused action, and when a statement granted it on `*`, the same on star. */
function unusedFindings(f: RemovedActionFinding, original: PolicyDocument[], id: IdOf, statement: StatementOf, levelOf: LevelOf): DriftFinding[] {
  // An unobservable action dropped on request (--drop-unobservable) is not evidence of disuse.
  if (f.unobservable) return [];
  const accessLevel = f.accessLevel ?? levelOf(f.action);
  const base = { action: f.action, ...(accessLevel ? { accessLevel } : {}) };
  const out: DriftFinding[] = [
    { id: id('UNUSED', f.action), kind: 'UNUSED', ...base, message: `${f.action} is granted and was not used in the window`, statements: f.from.map(statement) },
  ];
  const onStar = f.from.filter((ref) => grantedOnStar(ref, original));
  if (onStar.length > 0) {
    out.push({ id: id('UNUSED_ON_STAR', f.action), kind: 'UNUSED_ON_STAR', ...base, message: `${f.action} is granted on Resource "*" and was not used in the window`, statements: onStar.map(statement) });
  }
  return out;
}

/** One finding per granted resource pattern the suggestion narrows. */
function narrowableFindings(f: NarrowedResourceFinding, grantedFrom: Map<string, StatementRef[]>, id: IdOf, statement: StatementOf, levelOf: LevelOf): DriftFinding[] {
  const accessLevel = levelOf(f.action);
  const refs = (grantedFrom.get(f.action) ?? []).map(statement);
  const kept = f.toResources.length;
  return f.fromResources.map((resource) => ({
    id: id('NARROWABLE', f.action, resource),
    kind: 'NARROWABLE' as const,
    action: f.action,
    resource,
    ...(accessLevel ? { accessLevel } : {}),
    message: `${f.action} is granted on ${f.fromNotResource ? 'everything but ' : ''}${resource} and was used on ${kept} narrower resource pattern(s)`,
    statements: refs,
    narrowedTo: [...f.toResources],
  }));
}

/** One finding per resource the role was refused on (none named: one for the action). */
function deniedFindings(f: DeniedAttemptFinding, id: IdOf, levelOf: LevelOf): DriftFinding[] {
  const accessLevel = levelOf(f.action);
  const attempts = { count: f.count, lastSeen: f.lastSeen, errorCodes: [...f.errorCodes], sessions: [...f.sessions], grantedByPolicies: f.grantedByOriginal };
  const why = f.grantedByOriginal ? 'although its policies allow it (a boundary, SCP or resource policy refused it)' : 'its policies do not allow it';
  const resources: (string | undefined)[] = f.resources.length > 0 ? f.resources : [undefined];
  return resources.map((resource) => ({
    id: id('DENIED', f.action, resource),
    kind: 'DENIED' as const,
    action: f.action,
    ...(resource !== undefined ? { resource } : {}),
    ...(accessLevel ? { accessLevel } : {}),
    message: `${f.action} was refused ${f.count} time(s) (${f.errorCodes.join(', ') || 'denied'}): ${why}`,
    statements: [],
    attempts,
  }));
}

/** One finding per granted resource pattern of an action kept because CloudTrail could not have shown it. */
function unobservableFindings(f: KeptUnobservableFinding, grantedFrom: Map<string, StatementRef[]>, id: IdOf, statement: StatementOf, levelOf: LevelOf): DriftFinding[] {
  const accessLevel = levelOf(f.action);
  const refs = (grantedFrom.get(f.action) ?? []).map(statement);
  const resources = f.resources.length > 0 ? f.resources : ['*'];
  return resources.map((resource) => ({
    id: id('UNOBSERVABLE', f.action, resource),
    kind: 'UNOBSERVABLE' as const,
    action: f.action,
    resource,
    ...(accessLevel ? { accessLevel } : {}),
    message: `${f.action} is kept: ${f.reason}`,
    statements: refs,
    unobservable: { code: f.code, reason: f.reason },
  }));
}

/** For each action kept in the suggestion, the input statements its output statements came from. */
function grantingStatements(result: SuggestResult): Map<string, StatementRef[]> {
  const out = new Map<string, StatementRef[]>();
  for (const e of result.evidence) {
    for (const a of e.actions) {
      const refs = out.get(a.action) ?? [];
      for (const ref of e.from) if (!refs.some((r) => r.document === ref.document && r.index === ref.index)) refs.push(ref);
      out.set(a.action, refs);
    }
  }
  return out;
}

/** One finding per id (two statements can yield the same one): the first kept, statements merged. */
function dedupe(findings: DriftFinding[]): DriftFinding[] {
  const byId = new Map<string, DriftFinding>();
  for (const f of findings) {
    const seen = byId.get(f.id);
    if (!seen) byId.set(f.id, f);
    else for (const s of f.statements) if (!seen.statements.some((t) => t.document === s.document && t.index === s.index)) seen.statements.push(s);
  }
  return [...byId.values()];
}

/** Report order: kind, then access level (most dangerous first), action, resource. */
export function sortFindings(findings: DriftFinding[]): DriftFinding[] {
  const level = (f: DriftFinding): number => (f.accessLevel ? ACCESS_LEVEL_ORDER.indexOf(f.accessLevel) : ACCESS_LEVEL_ORDER.length);
  return [...findings].sort(
    (a, b) =>
      FINDING_KINDS.indexOf(a.kind) - FINDING_KINDS.indexOf(b.kind) ||
      level(a) - level(b) ||
      a.action.localeCompare(b.action, 'en') ||
      (a.resource ?? '').localeCompare(b.resource ?? '', 'en'),
  );
}
