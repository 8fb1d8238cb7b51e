/**
 * The one vocabulary of gates: which findings make a run exit 2. Shared by `suggest --fail-on`, `drift
 * --fail-on` and `.policy-trim.yml`'s `gate.fail-on` (issue 11: "one vocabulary ... defined once in the
 * core"), so a gate written in the file means exactly what the same word means on the command line.
 *
 * It lives beside the configuration because the configuration is its first reader that is not a command;
 * the commands import it from here (today's `suggest` values are kept as aliases).
 */
import type { AccessLevel } from '../catalog/types.js';

/** The conditions a gate can name, most dangerous first. */
export const FAIL_ON_CONDITIONS = [
  'unused',
  'unused-permissions-management',
  'unused-write',
  'unused-tagging',
  'unused-read',
  'unused-list',
  'unused-on-star',
  'narrowable',
  'denied',
  'new-drift',
] as const;

/** One of {@link FAIL_ON_CONDITIONS}. */
export type FailOnCondition = (typeof FAIL_ON_CONDITIONS)[number];

/** The access level each `unused-<level>` condition names (the rules below say the same in words). */
export const FAIL_ON_ACCESS_LEVEL: Readonly<Partial<Record<FailOnCondition, AccessLevel>>> = Object.freeze({
  'unused-permissions-management': 'Permissions management',
  'unused-write': 'Write',
  'unused-tagging': 'Tagging',
  'unused-read': 'Read',
  'unused-list': 'List',
});

/**
 * Older spellings kept so existing CI scripts keep working: `suggest --fail-on removable` predates the shared
 * vocabulary (`narrowable` and `denied` were already the shared words).
 */
export const FAIL_ON_ALIASES: Readonly<Record<string, FailOnCondition>> = Object.freeze({ removable: 'unused' });

/** Every value `--fail-on` and `gate.fail-on` accept: the conditions, then the aliases. */
export const FAIL_ON_VALUES: readonly string[] = Object.freeze([...FAIL_ON_CONDITIONS, ...Object.keys(FAIL_ON_ALIASES)]);

/**
 * The exact rule of each condition, written once: the schema's description, docs/configuration.md and the
 * README quote it. A finding that an unexpired acknowledgement matches never trips a gate.
 */
export const FAIL_ON_RULES: Readonly<Record<FailOnCondition, string>> = Object.freeze({
  unused:
    'an action the role is granted, that CloudTrail would have shown, and that no call in the window used (a `removed` action of `suggest`; an UNUSED finding)',
  'unused-permissions-management': 'an `unused` action whose access level is Permissions management',
  'unused-write': 'an `unused` action whose access level is Write',
  'unused-tagging': 'an `unused` action whose access level is Tagging',
  'unused-read': 'an `unused` action whose access level is Read',
  'unused-list': 'an `unused` action whose access level is List',
  'unused-on-star': 'an `unused` action granted on `Resource: "*"` (an UNUSED_ON_STAR finding)',
  narrowable: 'an action used on fewer resources than it is granted on, so the suggestion narrows them (a NARROWABLE finding)',
  denied: 'a call by the role that AWS refused in the window (a DENIED finding: what the role may be missing)',
  'new-drift':
    'compared with the previous report: a grant newly unused, or a role new since then (never trips without a previous report)',
});

/** The condition a `--fail-on` / `gate.fail-on` value stands for (aliases resolved), or undefined for an unknown word. */
export function canonicalFailOn(value: string): FailOnCondition | undefined {
  if ((FAIL_ON_CONDITIONS as readonly string[]).includes(value)) return value as FailOnCondition;
  // Own keys only: `toString` is not an alias.
  return Object.hasOwn(FAIL_ON_ALIASES, value) ? FAIL_ON_ALIASES[value] : undefined;
}
