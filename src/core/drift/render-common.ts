/**
 * What the drift report's human formats (Markdown, HTML) share: the names of finding kinds, the grouping of a
 * role's findings, how the window and dates read, the ranking explained. No escaping here: each renderer
 * escapes every value from logs and policies for its own medium.
 */
import type { AccessLevel } from '../catalog/types.js';
import { FINDING_KINDS, type FindingKindId } from '../config/finding-id.js';
import { type DriftFinding, type DriftReport, type RoleDrift } from './types.js';
import { ACCESS_LEVEL_ORDER } from '../trim/model.js';

/** The heading of each kind of finding. */
export const KIND_TITLES: Record<FindingKindId, string> = {
  UNUSED: 'Unused',
  UNUSED_ON_STAR: 'Unused on Resource "*"',
  NARROWABLE: 'Narrowable',
  DENIED: 'Denied',
  UNOBSERVABLE: 'Unobservable (kept)',
};

/** One sentence under each kind's heading: what the reader is looking at. */
export const KIND_HINTS: Record<FindingKindId, string> = {
  UNUSED: 'granted, observable, and not used in the window: the suggestion removes them.',
  UNUSED_ON_STAR: 'unused and granted on every resource.',
  NARROWABLE: 'used on fewer resources than granted: the suggestion keeps only those.',
  DENIED: 'calls AWS refused in the window.',
  UNOBSERVABLE: 'kept because CloudTrail could not have shown their use.',
};

/** How the overview is ordered, in one line (the order compares {@link RiskKey}'s `key`). */
export const RANKING_EXPLANATION =
  'Roles are ranked by unused Permissions management actions, then unused Write actions, then unused actions on Resource "*", then denied actions, then all unused actions (more ranks higher).';

/** The levels shown as columns of the overview, with their short headers. */
export const LEVEL_COLUMNS: readonly { level: AccessLevel; short: string }[] = [
  { level: 'Permissions management', short: 'Perm. mgmt' },
  { level: 'Write', short: 'Write' },
];

/** A group of a role's findings of one kind; unused ones are further grouped by access level. */
export interface KindGroup {
  kind: FindingKindId;
  findings: DriftFinding[];
  /** UNUSED only: by access level, most dangerous first (`undefined`: the catalog does not know the action). */
  byLevel?: { level: AccessLevel | undefined; findings: DriftFinding[] }[];
}

/** The role's findings by kind in report order (only kinds that have findings). */
export function findingsByKind(findings: readonly DriftFinding[]): KindGroup[] {
  const groups: KindGroup[] = [];
  for (const kind of FINDING_KINDS) {
    const ofKind = findings.filter((f) => f.kind === kind);
    if (ofKind.length === 0) continue;
    groups.push(kind === 'UNUSED' ? { kind, findings: ofKind, byLevel: byLevel(ofKind) } : { kind, findings: ofKind });
  }
  return groups;
}

function byLevel(findings: readonly DriftFinding[]): { level: AccessLevel | undefined; findings: DriftFinding[] }[] {
  const levels: (AccessLevel | undefined)[] = [...ACCESS_LEVEL_ORDER, undefined];
  return levels.map((level) => ({ level, findings: findings.filter((f) => f.accessLevel === level) })).filter((g) => g.findings.length > 0);
}

/** `2026-10-02T00:00:00.000Z` → `2026-10-02`; anything else as it is. */
export function dayOf(value: string): string {
  return /^\d{4}-\d{2}-\d{2}T/.test(value) ? value.slice(0, 10) : value;
}

/** The window in words: `2026-10-02 → 2026-11-01`, with an open end named. */
export function windowText(window: DriftReport['window']): string {
  return `${window.since === null ? 'the first record read' : dayOf(window.since)} → ${window.until === null ? 'the last record read' : dayOf(window.until)}`;
}

/** `2 (shared)`, `1`. */
export function functionsCount(role: RoleDrift): string {
  return `${role.functions.length}${role.shared ? ' (shared)' : ''}`;
}

/** `1 thing`, `2 things`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Bytes of `text` in UTF-8 (a lone surrogate counts as the 3 bytes of its replacement character). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** The first `max` items, and how many were left out. */
export function firstOf<T>(items: readonly T[], max: number): { shown: T[]; more: number } {
  return { shown: items.slice(0, max), more: Math.max(0, items.length - max) };
}
