/**
 * One typed error for everything the AWS adapters report: a stable code, a sentence, and what to do next.
 */
import { PolicyTrimError } from '../../core/errors.js';
import { callSiteOf } from './call-watch.js';

/** Stable codes the CLI can switch on (exit code, wording). */
export type AwsErrorCode =
  | 'access-denied'
  | 'credentials'
  | 'no-region'
  | 'not-found'
  | 'throttled'
  | 'timeout'
  | 'unreachable'
  | 'bad-input'
  | 'aws-error';

/** Fields of an {@link AwsAdapterError}. */
export interface AwsErrorInit {
  code: AwsErrorCode;
  message: string;
  hint?: string;
  /** The IAM action policy-trim needed (access-denied). */
  action?: string;
  /** The resource it was called on, when known. */
  resource?: string;
  /** The AWS error name (`AccessDeniedException`, ...). */
  awsCode?: string;
  cause?: unknown;
}

/**
 * An error from the AWS adapters, with a hint a person can act on. Always the user's side (permissions,
 * credentials, names, throttling, AWS itself), never a bug in policy-trim: the SDK error is kept as `cause`.
 */
export class AwsAdapterError extends PolicyTrimError {
  declare readonly code: AwsErrorCode;
  readonly action?: string;
  readonly resource?: string;
  readonly awsCode?: string;

  constructor(init: AwsErrorInit) {
    super({ code: init.code, message: init.message, hint: init.hint, source: 'user', cause: init.cause });
    this.action = init.action;
    this.resource = init.resource;
    this.awsCode = init.awsCode;
  }
}

const ACCESS_DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnauthorizedAccess',
  'AuthorizationError',
  'NotAuthorized',
]);
const CREDENTIALS = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'TokenRefreshRequired',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'CredentialsProviderError',
  'TokenProviderError',
  'InvalidSignatureException',
  'RequestExpired',
]);
const NOT_FOUND = new Set([
  'NoSuchEntity',
  'NoSuchEntityException',
  'ResourceNotFoundException',
  'TrailNotFoundException',
  'NoSuchBucket',
  'NoSuchKey',
]);
const THROTTLED = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'RequestThrottled',
]);

/** AWS's error name (`err.name`, or `Code` on older shapes). */
export function awsErrorName(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { name?: unknown; Code?: unknown; code?: unknown };
    if (typeof e.name === 'string' && e.name !== 'Error') return e.name;
    if (typeof e.Code === 'string') return e.Code;
    if (typeof e.code === 'string') return e.code;
  }
  return 'Error';
}

/** True for the throttling errors worth retrying with backoff. */
export function isThrottle(err: unknown): boolean {
  if (err instanceof AwsAdapterError) return err.code === 'throttled';
  return THROTTLED.has(awsErrorName(err));
}

/** Node and SDK signs that no answer came in time (the connection or the request timed out, or was cut). */
const TIMED_OUT_CODES = new Set(['ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'ESOCKETTIMEDOUT']);
/** Signs that the endpoint could not be reached at all. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/** True for a call that got no answer in time (worth retrying, like a throttle). */
export function isTimeout(err: unknown): boolean {
  if (err instanceof AwsAdapterError) return err.code === 'timeout';
  return networkFailure(err) === 'timeout';
}

/** `timeout`, `unreachable`, or undefined for an error that is not about the connection. */
function networkFailure(err: unknown): 'timeout' | 'unreachable' | undefined {
  const e = (err ?? {}) as { name?: unknown; code?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (e.name === 'TimeoutError' || (code && TIMED_OUT_CODES.has(code))) return 'timeout';
  if (code && UNREACHABLE_CODES.has(code)) return 'unreachable';
  return undefined;
}

/** The typed error for a call that got no answer: names the service, the endpoint, and what to check. */
function networkError(kind: 'timeout' | 'unreachable', err: unknown, ctx: CallContext): AwsAdapterError {
  const site = callSiteOf(err);
  const service = site?.service ?? ctx.action.split(':')[0]!;
  const endpoint = site?.endpoint ?? 'its endpoint';
  const attempts = (err as { $metadata?: { attempts?: number } })?.$metadata?.attempts;
  const tries = attempts && attempts > 1 ? ` (${attempts} attempts)` : '';
  // The SDK's own wording stays in `cause` (shown with --debug); a Node error code is worth naming.
  const code = (err as { code?: unknown })?.code;
  const why = typeof code === 'string' ? ` (${code})` : '';
  const within = site ? ` within ${site.timeoutSeconds} s` : '';
  const message =
    kind === 'timeout'
      ? `No answer from ${service} at ${endpoint}${within}${tries} while calling ${ctx.action}${why}.`
      : `Could not connect to ${service} at ${endpoint}${tries} while calling ${ctx.action}${why}.`;
  return new AwsAdapterError({
    code: kind,
    message,
    hint:
      `Check that ${endpoint} is the endpoint you mean (--endpoint-url, --region) and that it can be reached from here ` +
      '(network, proxy, VPC endpoint, firewall). If it is only slow, raise --timeout SECONDS.',
    action: ctx.action,
    resource: ctx.resource,
    awsCode: awsErrorName(err),
    cause: err,
  });
}

/** What was being done when an error happened. */
export interface CallContext {
  /** IAM action the call needs, e.g. `cloudtrail:LookupEvents`. */
  action: string;
  /** Resource ARN or name the call was on. */
  resource?: string;
  /** Named profile in use, for the credentials hint. */
  profile?: string;
}

/**
 * Turns any SDK error into an {@link AwsAdapterError} naming the action and resource.
 * An AccessDenied names the missing permission; credential failures say how to log in; a call with no answer
 * (`timeout`) or no connection (`unreachable`) names the service, the endpoint and what to check.
 */
export function toAwsError(err: unknown, ctx: CallContext): AwsAdapterError {
  if (err instanceof AwsAdapterError) return err;
  const name = awsErrorName(err);
  const raw = err instanceof Error ? err.message : String(err);
  const on = ctx.resource ? ` on ${ctx.resource}` : '';
  const network = networkFailure(err);
  if (network) return networkError(network, err, ctx);
  if (ACCESS_DENIED.has(name)) {
    return new AwsAdapterError({
      code: 'access-denied',
      message: `Access denied: policy-trim needs ${ctx.action}${on}. (${name}: ${raw})`,
      hint: `Allow ${ctx.action}${ctx.resource ? ` on ${ctx.resource}` : ''} for the identity policy-trim runs as; docs/permissions.json lists every read-only action policy-trim uses.`,
      action: ctx.action,
      resource: ctx.resource,
      awsCode: name,
      cause: err,
    });
  }
  const credsMissing =
    name === 'CredentialsProviderError' || /could not load credentials|credential(s)? (is|are) missing/i.test(raw);
  if (CREDENTIALS.has(name) || credsMissing || /token (has )?expired|sso.*(expired|refresh)/i.test(raw)) {
    const p = ctx.profile ? ` --profile ${ctx.profile}` : '';
    return new AwsAdapterError({
      code: 'credentials',
      message: credsMissing
        ? `No AWS credentials found while calling ${ctx.action}. (${raw})`
        : `AWS credentials were rejected or have expired while calling ${ctx.action}. (${name}: ${raw})`,
      hint: `Log in again (\`aws sso login${p}\`), or pick credentials with --profile NAME / AWS_PROFILE, then check them with \`aws sts get-caller-identity${p}\`.`,
      action: ctx.action,
      resource: ctx.resource,
      awsCode: name,
      cause: err,
    });
  }
  if (NOT_FOUND.has(name)) {
    return new AwsAdapterError({
      code: 'not-found',
      message: `Not found: ${ctx.resource ?? 'the resource'} (${ctx.action}: ${name}: ${raw})`,
      hint: 'Check the name, the account (--profile) and the region (--region).',
      action: ctx.action,
      resource: ctx.resource,
      awsCode: name,
      cause: err,
    });
  }
  if (THROTTLED.has(name)) {
    return new AwsAdapterError({
      code: 'throttled',
      message: `AWS throttled ${ctx.action}${on} after retries. (${name}: ${raw})`,
      hint: 'Try again later, or read a shorter window (--days).',
      action: ctx.action,
      resource: ctx.resource,
      awsCode: name,
      cause: err,
    });
  }
  return new AwsAdapterError({
    code: 'aws-error',
    message: `${ctx.action}${on} failed: ${name}: ${raw}`,
    hint: "Check the account and Region (--profile, --region); rerun with --debug for AWS's full error.",
    action: ctx.action,
    resource: ctx.resource,
    awsCode: name,
    cause: err,
  });
}

/** Runs `fn`, mapping any error with {@link toAwsError}. */
export async function callAws<T>(ctx: CallContext, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toAwsError(err, ctx);
  }
}
