/**
 * The SARIF rules (`reportingDescriptor`s) of the drift report: what each kind of finding means to a reader of
 * GitHub code scanning, and how severe it is.
 *
 * One rule per kind AND access level for the kinds about over-granting (UNUSED, UNUSED_ON_STAR, NARROWABLE):
 * GitHub ranks, filters and truncates alerts by the rule's `properties['security-severity']`, and an unused
 * `iam:PutRolePolicy` is a different risk from an unused `s3:ListBucket`. A result carries no severity of its
 * own in GitHub's model, so a single UNUSED rule would rate all of them alike. DENIED (a call AWS refused: the
 * role may be missing something) and UNOBSERVABLE (kept because CloudTrail could not show its use) are not
 * over-grants and carry no security severity: GitHub shows them by `level` (warning, note) instead.
 *
 * Severities (GitHub Docs, "SARIF support for code scanning", reportingDescriptor object: a `security-severity`
 * between 0.0 and 10.0, rated critical above 9.0, high 7.0–8.9, medium 4.0–6.9, low 0.1–3.9, for rules tagged
 * `security`) follow the access-level order (ACCESS_LEVEL_ORDER, core/trim/model.ts), with Read above
 * Tagging because Read includes the data itself (s3:GetObject, secretsmanager:GetSecretValue). Granted on `Resource: "*"` is worse than the
 * same action on named resources; narrowable (used, on fewer resources than granted) is milder than unused. An
 * action the catalog has no level for is rated as Write: unknown is not safe.
 */
import type { AccessLevel } from '../catalog/types.js';
import { FINDING_KINDS, type FindingKindId } from '../config/finding-id.js';
import { ACCESS_LEVEL_ORDER } from '../trim/model.js';

/** An access level, or `unknown` for an action the catalog does not rate. */
export type RuleLevel = AccessLevel | 'unknown';

/** SARIF's `level` (GitHub shows it for rules without a security severity). */
export type SarifLevel = 'error' | 'warning' | 'note';

/** A SARIF `reportingDescriptor`, as this tool writes it. */
export interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[]; 'security-severity'?: string; kind: FindingKindId; accessLevel?: RuleLevel };
}

/** Kinds whose rules are split per access level. */
const LEVELLED: readonly FindingKindId[] = ['UNUSED', 'UNUSED_ON_STAR', 'NARROWABLE'];

/** Access levels of the levelled rules, most dangerous first, then `unknown`. */
const RULE_LEVELS: readonly RuleLevel[] = [...ACCESS_LEVEL_ORDER, 'unknown'];

/** security-severity per levelled kind and level (see the module comment for the reasoning). */
const SEVERITY: Record<string, Record<RuleLevel, number>> = {
  UNUSED_ON_STAR: { 'Permissions management': 9.1, Write: 7.5, Read: 5.5, Tagging: 4.0, List: 2.5, unknown: 7.5 },
  UNUSED: { 'Permissions management': 8.0, Write: 6.5, Read: 4.5, Tagging: 3.0, List: 2.0, unknown: 6.5 },
  NARROWABLE: { 'Permissions management': 6.0, Write: 5.0, Read: 4.0, Tagging: 2.5, List: 1.5, unknown: 5.0 },
};

/** What each kind says, for the rule's descriptions and help (static text: no value from a log or policy). */
const KIND_TEXT: Record<FindingKindId, { name: string; short: string; full: string; fix: string }> = {
  UNUSED: {
    name: 'UnusedAction',
    short: 'action granted and not used',
    full: 'The role is granted this action, CloudTrail would have recorded its use, and no call in the window used it. Remove it: the role works without it, and whoever takes the role cannot use it.',
    fix: 'Remove the actions from the statement (`policy-trim pr` opens a pull request that does), or acknowledge them in `.policy-trim.yml` with a reason.',
  },
  UNUSED_ON_STAR: {
    name: 'UnusedActionOnAnyResource',
    short: 'action granted on Resource "*" and not used',
    full: 'The role is granted this action on every resource ("Resource": "*") and no call in the window used it: the widest form of an unused grant.',
    fix: 'Remove the actions from the statement (`policy-trim pr` opens a pull request that does), or acknowledge them in `.policy-trim.yml` with a reason.',
  },
  NARROWABLE: {
    name: 'NarrowableResource',
    short: 'action used on fewer resources than granted',
    full: 'The role used this action, but only on some of the resources the statement grants it on. Narrow the Resource to those the role used.',
    fix: 'Narrow the statement\'s resources to those listed in the alert (`policy-trim pr` does), or acknowledge them in `.policy-trim.yml`.',
  },
  DENIED: {
    name: 'DeniedCall',
    short: 'call refused by AWS',
    full: 'AWS refused a call the role made in the window (AccessDenied and similar). The function may be missing a permission, or something tried what the role may not do.',
    fix: 'Check the function: grant the action on the resource if the call is legitimate, or find out who made it. Acknowledge it in `.policy-trim.yml` if it is expected.',
  },
  UNOBSERVABLE: {
    name: 'UnobservableAction',
    short: 'action kept because CloudTrail cannot show its use',
    full: 'The role is granted an action CloudTrail could not have recorded (never logged, a data event the trail does not select, a Region it does not cover): policy-trim keeps it, and cannot say whether it is used.',
    fix: 'Review the action by hand, or record it (a data event selector, a multi-Region trail) so the next report can decide.',
  },
};

/** Whether findings of `kind` have one rule per access level. */
export function isLevelled(kind: FindingKindId): boolean {
  return LEVELLED.includes(kind);
}

/** `Permissions management` → `permissions-management`. */
export function levelSlug(level: RuleLevel): string {
  return level.toLowerCase().replace(/ /g, '-');
}

/** The id of the rule a finding of `kind` and `level` is reported under (`UNUSED/permissions-management`, `DENIED`). */
export function ruleIdOf(kind: FindingKindId, level: AccessLevel | undefined): string {
  return isLevelled(kind) ? `${kind}/${levelSlug(level ?? 'unknown')}` : kind;
}

/** SARIF level for a security severity: GitHub's high and above is an error, medium a warning, low a note. */
function levelOf(severity: number | undefined, kind: FindingKindId): SarifLevel {
  if (severity === undefined) return kind === 'DENIED' ? 'warning' : 'note';
  return severity >= 7 ? 'error' : severity >= 4 ? 'warning' : 'note';
}

/** One rule. */
function rule(kind: FindingKindId, level: RuleLevel | undefined, helpUri: string | undefined): SarifRule {
  const t = KIND_TEXT[kind];
  const severity = level === undefined ? undefined : SEVERITY[kind]![level];
  const levelWords = level === undefined ? '' : level === 'unknown' ? ' (access level unknown)' : ` (${level})`;
  const short = `${t.short[0]!.toUpperCase()}${t.short.slice(1)}${levelWords}`;
  const levelSentence = level === undefined ? '' : level === 'unknown' ? ' The catalog has no access level for these actions: they are rated as Write.' : ` Access level: ${level}.`;
  const full = `${t.full}${levelSentence}`;
  const tags = ['iam', 'least-privilege', `policy-trim/${kind.toLowerCase().replace(/_/g, '-')}`];
  if (severity !== undefined) tags.unshift('security');
  return {
    id: ruleIdOf(kind, level === 'unknown' ? undefined : level),
    name: `${t.name}${level === undefined ? '' : level.replace(/(^| )(\w)/g, (_, _s: string, c: string) => c.toUpperCase())}`,
    shortDescription: { text: short },
    fullDescription: { text: full },
    help: {
      text: `${full}\n\n${t.fix.replace(/`/g, '')}\n\nThe alert lists the actions and their finding ids (KIND[ACCOUNT:ROLE][ACTION]), which .policy-trim.yml acknowledgements name.`,
      markdown: `${full}\n\n${t.fix}\n\nThe alert lists the actions and their finding ids (\`KIND[ACCOUNT:ROLE][ACTION]\`), which \`acknowledge\` entries of \`.policy-trim.yml\` name.`,
    },
    ...(helpUri === undefined ? {} : { helpUri }),
    defaultConfiguration: { level: levelOf(severity, kind) },
    properties: { tags, ...(severity === undefined ? {} : { 'security-severity': severity.toFixed(1) }), kind, ...(level === undefined ? {} : { accessLevel: level }) },
  };
}

/**
 * Every rule, in a fixed order (kind order of FINDING_KINDS, then access level, most dangerous first): all of
 * them, used or not, so rule indexes and the rule list do not change from one report to the next.
 */
export function driftSarifRules(helpUri?: string): SarifRule[] {
  return FINDING_KINDS.flatMap((kind) => (isLevelled(kind) ? RULE_LEVELS.map((level) => rule(kind, level, helpUri)) : [rule(kind, undefined, helpUri)]));
}

/**
 * How much a result of this rule matters, to keep the most important ones under a cap: its security severity,
 * or for the rules without one, a warning as a medium (4.0) and a note as nothing (0).
 */
export function priorityOf(rule: SarifRule): number {
  const s = rule.properties['security-severity'];
  if (s !== undefined) return Number(s);
  return rule.defaultConfiguration.level === 'note' ? 0 : 4;
}
