/**
 * What policy-trim knows about how CloudTrail records (or fails to record) IAM actions. Built from the
 * hand-kept tables in `data/cloudtrail/` (each entry with its source) by the CloudTrail mapping module.
 * Trim uses it to keep what CloudTrail cannot show.
 */

import type { ObservationEvidence, PossibleDependency } from './evidence.js';

/** A kept-because-unobservable reason attached to an action. */
export interface UnobservableReason {
  action: string;
  /**
   * Stable code: `never-logged`, `secondary-only`, `not-identifiable`, `dependent-unknowable`,
   * `data-event-not-selected`, `management-excluded`, `region-not-covered`, `baseline`.
   */
  code: string;
  /** Sentence for the summary, with the source of the fact. */
  reason: string;
}

/** CloudTrail recording facts per IAM action. Action ids are canonical (`s3:GetObject`); lookups case-insensitive. */
export interface CloudTrailKnowledge {
  /**
   * The CloudTrail data-event resource type (`AWS::S3::Object`, `AWS::DynamoDB::Table`, ...) under which calls
   * authorized by this action are logged, or undefined when they are management events.
   */
  dataEventTypeOf(action: string): string | undefined;
  /** Why calls needing this action never appear in CloudTrail (e.g. `logs:PutLogEvents`), or undefined. */
  neverLoggedReason(action: string): string | undefined;
  /**
   * Why this action is only ever needed as a secondary action of another call and so never seen as its own
   * event (e.g. `iam:PassRole`), or undefined.
   */
  secondaryOnlyReason(action: string): string | undefined;
  /**
   * Why the absence of this action from CloudTrail proves nothing although it is neither never-logged nor
   * secondary-only: AWS's own policy generation cannot identify it from CloudTrail and it is no known data
   * event (e.g. `events:PutEvents`, `bedrock:InvokeModel`). Undefined when CloudTrail would show it.
   */
  unidentifiableReason(action: string): string | undefined;
  /**
   * The evidence that CloudTrail records this action's calls as management events (tier `proven`,
   * `documented`, or `assumed` on the user's word), or undefined (unknown tier, or a data event: the trail's
   * selectors answer for those).
   */
  observationEvidence(action: string): ObservationEvidence | undefined;
  /** `global` for services recorded only in us-east-1 with global service events (IAM); else `regional`. */
  scopeOf(action: string): 'regional' | 'global';
  /**
   * Actions that a call of `eventName` (whose primary action is `action`) may also have needed although its
   * record cannot show it (e.g. a KMS key behind an encrypted object): kept when granted, never assumed used.
   */
  possiblyNeededBy(action: string, eventName: string): PossibleDependency[];
  /** True for calls that need no IAM permission (`sts:GetCallerIdentity`). */
  isPermissionFree(action: string): boolean;
  /** The eventSource (`kms.amazonaws.com`) whose management events carry this action's calls. */
  eventSourceOf(action: string): string;
  /**
   * Actions a workload needs although CloudTrail never shows them, e.g. `lambda-basic` (CloudWatch Logs
   * writes by the Lambda service with the execution role), `lambda-vpc` (ENI management), `lambda-xray`.
   */
  baseline(name: string): UnobservableReason[];
  /** Names of the known baselines. */
  baselineNames(): string[];
}
