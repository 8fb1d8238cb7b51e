/**
 * What a CloudTrail record says besides its actions: whether it is an API call made with a principal's
 * permissions at all, its outcome, its category, and the identifiers a problem about it carries.
 */

import type { CallOutcome, EventCategory, InputProblem, RecordSource } from '../usage/types.js';

/**
 * `eventType` values that are not API calls made with a principal's permissions (catalog-notes §7):
 * service-initiated events, console sign-in, Insights, console-only actions, VPC endpoint network activity.
 */
export const IGNORED_EVENT_TYPES: Readonly<Record<string, string>> = {
  AwsServiceEvent: 'AwsServiceEvent: an event AWS generated itself, not an API call made with the principal\'s permissions',
  AwsConsoleSignIn: 'AwsConsoleSignIn: a console sign-in, not an IAM-authorized API call',
  AwsCloudTrailInsight: 'AwsCloudTrailInsight: an Insights summary, not an API call',
  AwsConsoleAction: 'AwsConsoleAction: a console action that is not a public API call',
  AwsVpceEvent: 'AwsVpceEvent: VPC endpoint network activity, authorized by the endpoint policy rather than by the caller\'s policies',
};

/**
 * Error codes meaning "not authorized" across AWS APIs, compared lower-case after removing a `Client.` or
 * `Server.` prefix (EC2 writes `Client.UnauthorizedOperation`).
 */
const DENIED_CODES = new Set([
  'accessdenied',
  'accessdeniedexception',
  'unauthorizedoperation',
  'unauthorizedaccess',
  'unauthorized',
  'unauthorizedexception',
  'authorizationerror',
  'authorizationerrorexception',
  'authorizationexception',
  'notauthorized',
  'notauthorizedexception',
  'forbidden',
  'forbiddenexception',
  'accessdeniedforbidden',
]);

/** AWS's authorization failure text (e.g. "User: ... is not authorized to perform: ec2:GetPasswordData"). */
export const DENIED_MESSAGE = /is not authorized to perform|explicit deny|no identity-based policy allows/i;

/** Classifies `errorCode`/`errorMessage`. `Client.DryRunOperation` proves authorization (EC2 docs, catalog-notes §7). */
export function classifyOutcome(errorCode: unknown, errorMessage: unknown): { outcome: CallOutcome; dryRun?: boolean } {
  const code = typeof errorCode === 'string' ? errorCode.trim() : '';
  if (code === '') return { outcome: 'succeeded' };
  const bare = code.replace(/^(Client|Server)\./, '').toLowerCase();
  if (bare === 'dryrunoperation') return { outcome: 'succeeded', dryRun: true };
  if (DENIED_CODES.has(bare)) return { outcome: 'denied' };
  if (typeof errorMessage === 'string' && DENIED_MESSAGE.test(errorMessage)) return { outcome: 'denied' };
  return { outcome: 'failed' };
}

/** `eventCategory` / `managementEvent` → category; older records without either fall back to the data-event table. */
export function categoryOf(r: Record<string, unknown>, listedAsData: boolean): EventCategory {
  // CloudTrail's own spellings first, without lower-casing (a string allocation per record).
  if (r.eventCategory === 'Management') return 'management';
  if (r.eventCategory === 'Data') return 'data';
  const ec = typeof r.eventCategory === 'string' ? r.eventCategory.toLowerCase() : '';
  if (ec === 'management') return 'management';
  if (ec === 'data') return 'data';
  if (ec === 'networkactivity') return 'network';
  if (ec !== '') return 'other';
  if (r.managementEvent === false || r.managementEvent === 'false') return 'data';
  if (r.managementEvent === true || r.managementEvent === 'true') return 'management';
  return listedAsData ? 'data' : 'management';
}

export function boolOf(v: unknown): boolean | undefined {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  return undefined;
}

/** The identifiers a problem about one record carries (those present); built only for problems (spreads are slow). */
export function idsOf(eventId: string | undefined, eventSource: string | undefined, eventName: string | undefined): Pick<InputProblem, 'eventId' | 'eventSource' | 'eventName'> {
  return { ...(eventId ? { eventId } : {}), ...(eventSource ? { eventSource } : {}), ...(eventName ? { eventName } : {}) };
}

export function position(source?: RecordSource): Pick<InputProblem, 'file' | 'position'> {
  if (!source) return {};
  return { file: source.file, position: source.line !== undefined ? `record ${source.index} (line ${source.line})` : `record ${source.index}` };
}


/** The user agent of calls made from inside a Lambda function's execution environment. */
export const LAMBDA_AGENT = /exec-env\/AWS_Lambda_/;

/**
 * A user agent that is an AWS service's host name (`secretsmanager.amazonaws.com`): the service made the call
 * with the caller's credentials, on its behalf (CloudTrail User Guide, "CloudTrail record contents": userAgent).
 */
export const AWS_SERVICE_AGENT = /^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.amazonaws\.com$/;
