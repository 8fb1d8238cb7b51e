/**
 * The drift report (issue 11): for every function role of a fleet, what is granted and not used, how risky that
 * unused part is, what changed since the previous report, which roles are shared, which calls were refused.
 *
 * This is the model every format renders (Markdown, JSON, SARIF, HTML) and the JSON format writes as is: its
 * shape is published as `docs/drift-report.schema.json` (version {@link DRIFT_REPORT_VERSION}); a change to it
 * is a change to that schema and, when not backwards compatible, to the version.
 */
import type { AccessLevel } from '../catalog/types.js';
import type { FindingKindId } from '../config/finding-id.js';

/** The version of the report's JSON shape (`docs/drift-report.schema.json`). */
export const DRIFT_REPORT_VERSION = 1;

/** Unused actions per access level (every level present, 0 when none). */
export type LevelCounts = Record<AccessLevel, number>;

/** Where a statement of a role's policies is (the role's `defined-in` site from `.policy-trim.yml`, when known). */
export interface SourceLocation {
  /** Repository-relative file. */
  file: string;
  /** 1-based. */
  line: number;
  column?: number;
}

/** One statement of a role's policies that grants the finding's action. */
export interface GrantingStatement {
  /** The policy document's name (inline policy name, managed policy name, or file). */
  document: string;
  /** 0-based statement index in the document. */
  index: number;
  sid?: string;
  /** Where the statement is written, when `.policy-trim.yml` says where the role is defined. */
  location?: SourceLocation;
}

/** One finding of a role, with its stable id. */
export interface DriftFinding {
  /** `KIND[ACCOUNT:ROLE][ACTION]` or `KIND[ACCOUNT:ROLE][ACTION][RESOURCE]` (core/config/finding-id.ts). */
  id: string;
  kind: FindingKindId;
  action: string;
  /** The resource pattern the finding is about (narrowable: the granted pattern; denied: the resource asked for; unobservable: the granted pattern). */
  resource?: string;
  accessLevel?: AccessLevel;
  /** One sentence a reviewer reads (values from logs and policies unescaped: each renderer escapes them). */
  message: string;
  /** The statements that grant it (for SARIF grouping and locations). */
  statements: GrantingStatement[];
  /** narrowable: the resources the suggestion keeps. */
  narrowedTo?: string[];
  /** denied: how often, when last, the error codes, the sessions (functions) that tried. */
  attempts?: { count: number; lastSeen: string; errorCodes: string[]; sessions: string[]; grantedByPolicies: boolean };
  /** unobservable: why CloudTrail could not have shown its use (code and sentence). */
  unobservable?: { code: string; reason: string };
  /** When an acknowledgement in `.policy-trim.yml` matches: it does not trip a gate. */
  acknowledged?: { pattern: string; reason: string; until?: string };
  /** True when a previous report was given and this finding was not in it (only for roles in both). */
  new?: boolean;
}

/** A policy of the role, as read (its hash tells a policy change since the previous report). */
export interface RolePolicy {
  name: string;
  kind: 'inline' | 'managed' | 'aws-managed' | 'boundary' | 'file';
  arn?: string;
  /** sha256 of the document's canonical JSON (hex). */
  sha256: string;
}

/** Why a role ranks where it does: the counts the order compares, in the order compared. */
export interface RiskKey {
  /** Position in the report, 1-based. */
  rank: number;
  /** The compared counts, for the reader: `[unused Permissions management, unused Write, unused on *, denied, unused]`. */
  key: [number, number, number, number, number];
  /** A sentence: why this role is where it is. */
  reason: string;
}

/** One role of the fleet. */
export interface RoleDrift {
  /** 12 digits; empty only for a role not analysed (`error`) that was named without its ARN. */
  account: string;
  roleName: string;
  /** The role's ARN; its name as given only for a role not analysed (`error`) that was named without its ARN. */
  roleArn: string;
  /** Functions whose execution role it is (sorted); several: a shared role. */
  functions: string[];
  shared: boolean;
  policies: RolePolicy[];
  /** Distinct actions the role's policies grant (expanded against the catalog). */
  granted: number;
  /** Actions used successfully in the window (primary and secondary). */
  used: number;
  /** Granted, observable and not used: what the suggestion removes. */
  unused: number;
  unusedByLevel: LevelCounts;
  /** Unused actions granted on `Resource: "*"`. */
  unusedOnStar: number;
  /** Kept because CloudTrail could not have shown them. */
  unobservable: number;
  /** Used on fewer resources than granted. */
  narrowable: number;
  /** Distinct (action) the role was refused. */
  denied: number;
  /** Last successful call in the window (ISO), absent when none. */
  lastUsed?: string;
  /** Whole days from lastUsed to the report's end of window; absent when no call. */
  daysSinceLastUse?: number;
  /** Calls read for the role in the window. */
  records: number;
  risk: RiskKey;
  /** Sorted: kind order of FINDING_KINDS, then by access level (most dangerous first), action, resource. */
  findings: DriftFinding[];
  /** Where `.policy-trim.yml` says the role is defined, and that role's line in `.policy-trim.yml` itself. */
  location?: { definedIn?: SourceLocation; config?: SourceLocation };
  /** Set when the role could not be analysed (its policies unreadable, say): the rest of the report goes on. */
  error?: { code: string; message: string };
}

/** What changed since the previous report (`--previous-report`). */
export interface DriftComparison {
  /** The previous report's generatedAt. */
  previousGeneratedAt: string;
  /** Finding ids of UNUSED findings absent from the previous report (roles in both reports). */
  newlyUnused: string[];
  /** UNUSED ids of the previous report whose action the role now used (still granted, no longer unused). */
  newlyUsed: string[];
  /** Role ARNs in this report, not in the previous one. */
  newRoles: string[];
  /** Role ARNs in the previous report, not in this one. */
  removedRoles: string[];
  /** Roles whose policies changed (added, removed or edited policies, by name). */
  policyChanges: { roleArn: string; added: string[]; removed: string[]; changed: string[] }[];
}

/** One gate condition and how many unacknowledged findings it counts. */
export interface GateCount {
  condition: string;
  count: number;
}

/** The whole report. */
export interface DriftReport {
  schema: 'https://policy-trim.dev/schemas/drift-report.json';
  version: typeof DRIFT_REPORT_VERSION;
  tool: { name: 'policy-trim'; version: string };
  generatedAt: string;
  window: { since: string | null; until: string | null };
  /** Accounts covered (12-digit ids, sorted). */
  accounts: string[];
  /** What was read, in one pass for all roles. */
  activity: { records: number; calls: number; problems: number; sources: string[] };
  totals: {
    roles: number;
    sharedRoles: number;
    granted: number;
    used: number;
    unused: number;
    unusedByLevel: LevelCounts;
    unusedOnStar: number;
    unobservable: number;
    narrowable: number;
    denied: number;
    acknowledged: number;
  };
  /** In risk order (see RiskKey). */
  roles: RoleDrift[];
  comparison?: DriftComparison;
  /** Acknowledgements whose `until` has passed: their findings count again. */
  expiredAcknowledgements: { pattern: string; reason: string; until: string }[];
  /** The gate asked for, and what each condition counted (unacknowledged findings only). */
  gate: { failOn: string[]; counts: GateCount[]; tripped: boolean };
}
