/**
 * IAM Access Analyzer's custom policy checks (`suggest --verify-with-aws`), through a narrow interface
 * (`AccessAnalyzerSender`, the client's `send`) that tests point at a local fake server. Each call is billed by AWS
 * ("A charge is associated with each custom policy check", AWS Toolkit for VS Code User Guide, "AWS IAM Access
 * Analyzer", read 2026-12-07; prices on the IAM Access Analyzer pricing page): the adapter counts the requests it
 * sends, throttled retries included, so the summary can say how many were made.
 */
import { AccessAnalyzerClient, CheckAccessNotGrantedCommand, CheckNoNewAccessCommand, type ReasonSummary } from '@aws-sdk/client-accessanalyzer';
import { PolicyTrimError } from '../../core/errors.js';
import { retryThrottled } from './access-advisor.js';
import { clientConfig, type ResolvedAwsConfig } from './config.js';
import { awsErrorName, type AwsAdapterError } from './errors.js';
import { systemClock, type Clock } from './pacer.js';

/** The part of the Access Analyzer client this adapter uses. */
export type AccessAnalyzerSender = Pick<AccessAnalyzerClient, 'send'>;

/** An Access Analyzer client for the run's configuration (the caller destroys it). */
export function createAccessAnalyzerClient(cfg: ResolvedAwsConfig): AccessAnalyzerClient {
  return new AccessAnalyzerClient(clientConfig(cfg));
}

/** One reason AWS gives for its answer (its values are AWS's: escape them before printing). */
export interface CheckReason {
  description: string;
  statementIndex?: number;
  statementId?: string;
}

/** A check's answer. */
export interface CheckAnswer {
  result: 'PASS' | 'FAIL';
  message: string;
  reasons: CheckReason[];
}

/**
 * AWS refused a document for its size. Access Analyzer's API reference documents no size limit for these checks
 * (read 2026-12-07), so policy-trim does not guess one: it sends the whole union and splits only when refused.
 */
export class PolicyTooLargeError extends PolicyTrimError {
  constructor(readonly awsMessage: string) {
    super({ code: 'policy-too-large', message: `IAM Access Analyzer refused a policy document as too large: ${awsMessage}`, hint: 'policy-trim splits the check by service when this happens.', source: 'user' });
  }
}

/** Refusals that name the document's size (ValidationException or InvalidParameterException with such a message). */
const SIZE_REFUSAL = /size|length|too (large|long|big)|exceed/i;

/** Counts of requests sent, by check. */
export interface CheckCalls {
  noNewAccess: number;
  accessNotGranted: number;
}

/** The two custom policy checks, on identity policies. */
export class AccessAnalyzerChecks {
  readonly calls: CheckCalls = { noNewAccess: 0, accessNotGranted: 0 };
  private readonly clock: Clock;

  constructor(
    private readonly client: AccessAnalyzerSender,
    private readonly opts: { clock?: Clock; random?: () => number } = {},
  ) {
    this.clock = opts.clock ?? systemClock;
  }

  /** CheckNoNewAccess: does `updated` grant anything `existing` does not? Throws {@link PolicyTooLargeError} when AWS refuses the size. */
  async noNewAccess(existing: string, updated: string): Promise<CheckAnswer> {
    const out = await this.send('access-analyzer:CheckNoNewAccess', 'noNewAccess', () =>
      this.client.send(new CheckNoNewAccessCommand({ existingPolicyDocument: existing, newPolicyDocument: updated, policyType: 'IDENTITY_POLICY' })),
    );
    return answerOf(out);
  }

  /** CheckAccessNotGranted: does `policy` grant any of `actions` (on any resource)? */
  async accessNotGranted(policy: string, actions: readonly string[]): Promise<CheckAnswer> {
    const out = await this.send('access-analyzer:CheckAccessNotGranted', 'accessNotGranted', () =>
      this.client.send(new CheckAccessNotGrantedCommand({ policyDocument: policy, access: [{ actions: [...actions] }], policyType: 'IDENTITY_POLICY' })),
    );
    return answerOf(out);
  }

  private async send<T>(action: string, counter: keyof CheckCalls, call: () => Promise<T>): Promise<T> {
    try {
      return await retryThrottled({ action }, call, { clock: this.clock, random: this.opts.random, onAttempt: () => this.calls[counter]++ });
    } catch (e) {
      const name = awsErrorName((e as AwsAdapterError).cause ?? e);
      const raw = ((e as AwsAdapterError).cause as Error | undefined)?.message ?? (e as Error).message;
      if ((name === 'ValidationException' || name === 'InvalidParameterException') && SIZE_REFUSAL.test(raw)) throw new PolicyTooLargeError(raw);
      throw e;
    }
  }
}

/** The answer in the core's words; an answer without a result is not a PASS. */
function answerOf(out: { result?: string; message?: string; reasons?: ReasonSummary[] }): CheckAnswer {
  const reasons = (out.reasons ?? []).map((r) => ({
    description: r.description ?? '',
    ...(r.statementIndex !== undefined ? { statementIndex: r.statementIndex } : {}),
    ...(r.statementId ? { statementId: r.statementId } : {}),
  }));
  return { result: out.result === 'PASS' ? 'PASS' : 'FAIL', message: out.message ?? (out.result ? '' : 'IAM Access Analyzer gave no result'), reasons };
}
