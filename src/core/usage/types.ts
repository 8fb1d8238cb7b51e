/**
 * Normalized CloudTrail activity: what one record means in IAM terms, and the aggregated usage ledger.
 */

/** Where an input record came from: a file (or S3 object) and the record's position in it. */
export interface RecordSource {
  /** File path or `s3://bucket/key`. */
  file: string;
  /** 0-based index of the record within the file (array index or NDJSON record number). */
  index: number;
  /** 1-based line number for NDJSON inputs, when known. */
  line?: number;
}

/** Something in the input that was skipped or could not be fully understood. Never dropped silently. */
export interface InputProblem {
  /** Stable machine-readable code, e.g. `gzip-truncated`, `not-json`, `not-cloudtrail`, `missing-field`, `unknown-action`. */
  code: string;
  /** Human sentence saying what is wrong and what to do. */
  message: string;
  file?: string;
  /** Record index or byte/line position. */
  position?: string;
  eventId?: string;
  eventSource?: string;
  eventName?: string;
}

/** Outcome of a call. Only `succeeded` proves a permission was used. */
export type CallOutcome = 'succeeded' | 'denied' | 'failed';

/** Management or data event (from `eventCategory`/`managementEvent`). */
export type EventCategory = 'management' | 'data' | 'network' | 'other';

/** One IAM action a call needed, with the resources it was authorized against. */
export interface ActionUse {
  /** Canonical action id, e.g. `s3:ListBucket`. Always present in the catalog. */
  action: string;
  /** Resource ARNs; `*` when the action takes no resource or the resource could not be determined. */
  resources: string[];
  /**
   * `primary`: the operation's own action. `secondary`: another action the same call needed (e.g.
   * `iam:PassRole` for `lambda:CreateFunction`, `s3:GetObject` on a CopyObject source); never logged as its
   * own event.
   */
  role: 'primary' | 'secondary';
  /** Why a secondary action was added (e.g. `requestParameters.role present`). */
  reason?: string;
  /**
   * Where `resources` came from: `record` (the record's `resources[]`), `request` (built from
   * `requestParameters`), `no-resource-type` (the action takes no resource: `*` is exact), `unidentified`
   * (the action takes a resource but nothing in the record identifies it: `*` is a fallback).
   */
  resourceBasis?: 'record' | 'request' | 'no-resource-type' | 'unidentified';
}

/** One CloudTrail record, normalized. */
export interface NormalizedCall {
  eventId?: string;
  /** ISO-8601 event time, as in the record. */
  time: string;
  eventSource: string;
  /** The eventName as recorded (before version-suffix normalisation). */
  eventName: string;
  /** The API operation: eventName after version-suffix normalisation (`UpdateFunctionCode20150331v2` → `UpdateFunctionCode`). */
  operation?: string;
  /** IAM role ARN (`arn:PARTITION:iam::ACCT:role/PATH/NAME`) for assumed-role callers; else the caller's ARN. */
  principalArn: string;
  /** `userIdentity.type` (AssumedRole, IAMUser, AWSService, ...). */
  principalType: string;
  /** Role session name (for Lambda: the function name). */
  sessionName?: string;
  /** True when the user agent or session shows the Lambda runtime (`exec-env/AWS_Lambda_…`). */
  fromLambda?: boolean;
  accountId?: string;
  region?: string;
  outcome: CallOutcome;
  errorCode?: string;
  errorMessage?: string;
  /**
   * True for an EC2-style `DryRun` answered with `Client.DryRunOperation`: authorization was checked and
   * granted but nothing ran. Outcome is `succeeded` (the permission is proven), see catalog-notes §7.
   */
  dryRun?: boolean;
  category: EventCategory;
  readOnly?: boolean;
  /**
   * Set when the call was made by an AWS service on the principal's behalf: `userIdentity.invokedBy`, or a user
   * agent that is the service's host name (a function's secret read through Secrets Manager decrypts with KMS).
   */
  invokedBy?: string;
  actions: ActionUse[];
  source?: RecordSource;
}

/** Result of normalizing one record. */
export type NormalizeResult =
  | { kind: 'call'; call: NormalizedCall }
  /** Not an API call made with the principal's permissions (AwsServiceEvent, sign-in, permission-free calls). */
  | { kind: 'ignored'; reason: string; eventSource?: string; eventName?: string }
  /**
   * Could not be mapped or was malformed: counted and reported. `unmapped`: a successful call by a principal that
   * the catalog cannot map to an IAM action; trim keeps what may have allowed it.
   */
  | { kind: 'problem'; problem: InputProblem; unmapped?: UnmappedCall };

/**
 * A successful call the bundled catalog cannot map to an IAM action: an operation newer than the catalog's data
 * (`unknown-action`: the service is known, the operation is not) or a service it does not know at all
 * (`unknown-service`). It ran, so something the principal was granted allowed it; which action that was, the
 * catalog cannot say.
 */
export interface UnmappedCall {
  principalArn: string;
  sessionName?: string;
  eventSource: string;
  eventName: string;
  /** The IAM prefix of the eventSource (by the tables' rule when the catalog lacks the service). */
  prefix: string;
  kind: 'unknown-action' | 'unknown-service';
  time: string;
}

/** One principal's successful calls of one unmapped (eventSource, eventName), summed. */
export interface UnmappedUsage {
  eventSource: string;
  eventName: string;
  prefix: string;
  kind: UnmappedCall['kind'];
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** Sessions (functions) that made the calls, sorted. */
  sessions: string[];
}

/** Usage of one action on one resource pattern. */
export interface ResourceUsage {
  resource: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
}

/** Aggregated use of one action by one principal. */
export interface ActionUsage {
  action: string;
  role: 'primary' | 'secondary';
  count: number;
  firstSeen: string;
  lastSeen: string;
  resources: ResourceUsage[];
  /** Session names (functions) that used it, sorted. */
  sessions: string[];
  /** Event names that evidenced it (e.g. `ListObjects`), sorted. */
  eventNames: string[];
}

/** Aggregated denied or failed attempts of one action. */
export interface AttemptUsage {
  action: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  errorCodes: string[];
  resources: string[];
  sessions: string[];
}

/** Usage ledger of one principal (role), also available per session (function). */
export interface PrincipalUsage {
  principalArn: string;
  /** Successful use, sorted by action id. */
  used: ActionUsage[];
  /** Denied (AccessDenied and kin) attempts, kept apart from use. */
  denied: AttemptUsage[];
  /** Other failures (throttling, validation errors): the call reached authorization or not; not proof of use. */
  failed: AttemptUsage[];
  sessions: string[];
  records: number;
  /** Successful calls the catalog cannot map to an action, by (eventSource, eventName); absent when none. */
  unmapped?: UnmappedUsage[];
}
