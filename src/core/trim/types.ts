/**
 * Input, output and findings of trim (diff granted vs used, synthesize the narrowed policy).
 */
import type { ObservationEvidence } from '../trail/evidence.js';
import type { AccessLevel, Catalog } from '../catalog/types.js';
import type { CloudTrailKnowledge } from '../trail/knowledge-types.js';
import type { PolicyDocument, Statement } from '../policy/types.js';
import type { AttemptUsage, PrincipalUsage } from '../usage/types.js';
import type { TrailRecording } from '../trail/recording.js';

/** IAM size limits in characters, whitespace not counted (IAM User Guide, "IAM and AWS STS quotas"). */
export const MANAGED_POLICY_MAX_CHARS = 6144;
/** Total characters of all inline policies of one role. */
export const ROLE_INLINE_TOTAL_MAX_CHARS = 10240;
/** Default quota of managed policies attached to one role (adjustable up to 20 by AWS Support). */
export const MANAGED_POLICIES_PER_ROLE = 10;

/** Options of {@link TrimInput}. */
export interface TrimOptions {
  /**
   * Baselines (names from `CloudTrailKnowledge.baselineNames()`) whose actions are kept although CloudTrail
   * never shows them. Default `['lambda-basic']` (the tool's users are Lambda roles; a baseline only ever
   * keeps actions the original already grants, so the default errs safe). Pass `[]` for none.
   */
  baselines?: string[];
  /**
   * Keep actions CloudTrail could not have recorded under this trail's configuration (default true: the safety
   * contract, invariant 3). `false` is the user's explicit opt-in to drop them; baselines are still kept.
   */
  keepUnobservable?: boolean;
  /**
   * With `keepUnobservable: false`, drop unobservable actions only of these services (IAM prefixes, lower
   * case); undefined = every service. Baselines are still kept.
   */
  dropUnobservableServices?: string[];
  /**
   * Keep, of the unobservable actions, only those these action patterns match (IAM wildcards); drop the others
   * as `keepUnobservable: false` would. For one function of a split role whose configuration lists what it may
   * do unseen (`roles[].functions[].unobservable`). Baselines are still kept.
   */
  keepUnobservableOnly?: string[];
  /** How the suggestion will be attached: size limits differ. Default `managed`. */
  target?: 'managed' | 'inline';
  /** Name prefix for output documents. Default `policy-trim`. */
  documentName?: string;
}

/** Everything trim needs; all of it already read and parsed. */
export interface TrimInput {
  /** The role's policies. Documents of kind `boundary` are the permissions boundary: not trimmed, reported against. */
  documents: PolicyDocument[];
  usage: PrincipalUsage;
  catalog: Catalog;
  knowledge: CloudTrailKnowledge;
  recording: TrailRecording;
  options?: TrimOptions;
  /** IAM last-accessed evidence (`--access-advisor`); absent, decisions rest on the trail alone. */
  lastAccessed?: LastAccessedInput;
}

/** One piece of IAM last-accessed evidence: when (ISO 8601) and, when IAM says, in which Region. */
export interface LastAccess {
  at: string;
  region?: string;
}

/**
 * What trim takes from IAM's last-accessed information (built by core/second-opinion/last-accessed.ts). Keys are
 * lower case (`ec2:describeinstances`, `sns`). Evidence can only keep more, except `dropUnobservableOf`, which the
 * user trusts with `--trust-access-advisor`.
 */
export interface LastAccessedInput {
  /** Tracked actions that action-level data shows used inside the window: kept as granted though the trail has no record. */
  actionsUsed: ReadonlyMap<string, LastAccess>;
  /** Services IAM shows used in its tracking period, for actions action-level data does not track: confirms their unobservable actions stay. */
  servicesUsed: ReadonlyMap<string, LastAccess>;
  /** Whether IAM's action-level data tracks an action (the Service Reference's `IAM Action Last Accessed` flag). */
  tracks(action: string): boolean;
  /** Services never accessed in the whole tracking period whose unobservable actions may go, with the sentence that says why. */
  dropUnobservableOf: ReadonlyMap<string, string>;
}

/** Points at one statement of the input. */
export interface StatementRef {
  document: string;
  /** 0-based statement index within the document. */
  index: number;
  sid?: string;
}

/** Why an action survived in a statement of the output. */
export type KeepBasis = 'used' | 'secondary' | 'unobservable' | 'baseline' | 'used-resource-unknown' | 'used-unmatched' | 'last-accessed';

/** Every kind of finding. */
export type FindingKind =
  | 'removed-action'
  | 'narrowed-resource'
  | 'kept-used'
  | 'kept-unobservable'
  | 'kept-last-accessed'
  | 'kept-verbatim'
  | 'denied-attempt'
  | 'used-not-granted'
  | 'aws-managed'
  | 'boundary'
  | 'size-limit'
  | 'recording';

interface FindingBase {
  /** Stable id (`removed/s3:DeleteObject`), the same across runs on the same input; usable for acknowledgements. */
  id: string;
  kind: FindingKind;
  /** One sentence for the summary. */
  message: string;
}

/** An action the original granted and the suggestion does not. */
export interface RemovedActionFinding extends FindingBase {
  kind: 'removed-action';
  action: string;
  accessLevel: AccessLevel;
  /** Statements that granted it. */
  from: StatementRef[];
  /** True when it was dropped although unobservable (only with `keepUnobservable: false`). */
  unobservable?: { code: string; reason: string };
  /** What its removal rests on: the evidence that CloudTrail would have shown a call (absent when unobservable). */
  evidence?: ObservationEvidence;
  /** Set when an unobservable action went because IAM shows its service never accessed (`--trust-access-advisor`): why. */
  neverAccessed?: string;
}

/** An action kept with fewer resources than the original granted. */
export interface NarrowedResourceFinding extends FindingBase {
  kind: 'narrowed-resource';
  action: string;
  /** Original resource patterns (of the statements it came from). */
  fromResources: string[];
  /** Resource patterns in the suggestion. */
  toResources: string[];
  /** Original was `NotResource` (from lists what was excluded). */
  fromNotResource?: boolean;
}

/** An action kept because the role used it successfully. */
export interface KeptUsedFinding extends FindingBase {
  kind: 'kept-used';
  action: string;
  role: 'primary' | 'secondary';
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** Sessions (for Lambda: function names) that used it. */
  sessions: string[];
  /** Event names that evidenced it. */
  eventNames: string[];
  resources: string[];
  /**
   * Why the granted resources were kept as written although the action was used: `resource-unknown` (the
   * records do not show the resource the call was authorized on) or `no-statement-matched` (the call succeeded
   * but policy-trim's evaluation finds no statement allowing it: its model, not the policy, is wrong).
   */
  keptAsGranted?: 'resource-unknown' | 'no-statement-matched';
}

/** An action kept because CloudTrail could not have shown its use. */
export interface KeptUnobservableFinding extends FindingBase {
  kind: 'kept-unobservable';
  action: string;
  /**
   * `never-logged`, `secondary-only`, `data-event-not-selected`, `management-excluded`, `baseline`,
   * `unmapped-call` (a call of its service ran that the catalog cannot map: kept whatever --drop-unobservable says).
   */
  code: string;
  reason: string;
  /** Resource patterns it keeps (the original's: no evidence to narrow by). */
  resources: string[];
  notResource?: boolean;
  /** IAM shows the action's service used (its action-level data does not cover the action): the keep is confirmed. */
  serviceUsed?: LastAccess;
}

/** An action the trail has no record of, kept because IAM's action-level last-accessed data shows it used in the window. */
export interface KeptLastAccessedFinding extends FindingBase {
  kind: 'kept-last-accessed';
  action: string;
  lastAccess: LastAccess;
  /** Resource patterns it keeps (the original's: IAM does not say on which resource). */
  resources: string[];
  notResource?: boolean;
}

/** A statement copied as written. */
export interface KeptVerbatimFinding extends FindingBase {
  kind: 'kept-verbatim';
  statement: StatementRef;
  /** `deny`, `policy-variable`, `unknown-action`, `principal`, `not-provable`, `unmapped-call`. */
  code: string;
  reason: string;
}

/** The role tried an action and was refused: it may be missing a permission. Never granted by trim. */
export interface DeniedAttemptFinding extends FindingBase, AttemptUsage {
  kind: 'denied-attempt';
  /** Whether the original policies allow it (then something else denied it: boundary, SCP, resource policy). */
  grantedByOriginal: boolean;
}

/** Successful use the given policies do not allow (another policy or a resource policy allowed it). */
export interface UsedNotGrantedFinding extends FindingBase {
  kind: 'used-not-granted';
  action: string;
  resources: string[];
}

/** An AWS-managed policy: cannot be edited, only detached and replaced. */
export interface AwsManagedFinding extends FindingBase {
  kind: 'aws-managed';
  document: string;
}

/** Grants the permissions boundary already blocks. */
export interface BoundaryFinding extends FindingBase {
  kind: 'boundary';
  actions: string[];
}

/** Output size against IAM limits. */
export interface SizeLimitFinding extends FindingBase {
  kind: 'size-limit';
  /** True when the suggestion fits within the limits for `target`. */
  fits: boolean;
  target: 'managed' | 'inline';
  /** Characters (whitespace not counted) per output document. */
  sizes: number[];
  limit: number;
}

/** What was assumed about the trail's recording configuration. */
export interface RecordingFinding extends FindingBase {
  kind: 'recording';
  origin: 'config' | 'assumed-default';
}

/** One finding, discriminated by `kind`. */
export type Finding =
  | RemovedActionFinding
  | NarrowedResourceFinding
  | KeptUsedFinding
  | KeptUnobservableFinding
  | KeptLastAccessedFinding
  | KeptVerbatimFinding
  | DeniedAttemptFinding
  | UsedNotGrantedFinding
  | AwsManagedFinding
  | BoundaryFinding
  | SizeLimitFinding
  | RecordingFinding;

/** The evidence behind one statement of the output (for `--explain`). */
export interface StatementEvidence {
  /** Output document name and the statement's Sid (every output statement has one). */
  document: string;
  sid: string;
  /** Input statements it was derived from (or copied from). */
  from: StatementRef[];
  /** `derived`: synthesized; `verbatim`: copied as written. */
  origin: 'derived' | 'verbatim';
  /** Per concrete action: why it is there and which finding holds the details. */
  actions: { action: string; basis: KeepBasis; findingIds: string[] }[];
  /** Finding ids relevant to the whole statement (verbatim reason, narrowing). */
  findingIds: string[];
}

/** Output of trim. */
export interface TrimResult {
  /** The suggested policy documents (replace the role's identity policies; boundary untouched). */
  documents: PolicyDocument[];
  /** Sorted: by kind order of {@link FINDING_ORDER}, then as each kind documents. */
  findings: Finding[];
  evidence: StatementEvidence[];
  /** Counts for the one-line summary. */
  stats: {
    grantedActions: number;
    keptActions: number;
    removedActions: number;
    narrowedActions: number;
    unobservableActions: number;
    /** Actions kept only on IAM's last-accessed evidence (only with `--access-advisor`). */
    lastAccessedActions?: number;
    verbatimStatements: number;
    deniedAttempts: number;
  };
}

/** Order of kinds in `TrimResult.findings` (most important for a reviewer first). */
export const FINDING_ORDER: FindingKind[] = [
  'recording',
  'aws-managed',
  'size-limit',
  'removed-action',
  'narrowed-resource',
  'denied-attempt',
  'used-not-granted',
  'kept-verbatim',
  'kept-unobservable',
  'kept-last-accessed',
  'kept-used',
  'boundary',
];

/** An output statement under construction, before Sids and sorting. */
export interface DraftStatement {
  statement: Statement;
  evidence: Omit<StatementEvidence, 'document' | 'sid'>;
}
