/**
 * Watches every SDK call policy-trim makes: remembers where a failed call went (service and endpoint, so the
 * error can name them: `errors.ts`), and tells a listener when a call has waited long for an answer (the CLI
 * prints "waiting for S3 at …" on a terminal).
 */

/** The services policy-trim calls, as a person names them. */
export type AwsServiceName = 'IAM' | 'STS' | 'Lambda' | 'CloudTrail' | 'S3' | 'CloudFormation';

/** The service behind each kind of regional client made in `config.ts`. */
export const SERVICE_OF_KIND: Readonly<Record<string, AwsServiceName>> = {
  lambda: 'Lambda',
  cloudtrail: 'CloudTrail',
  'cloudtrail-lookup': 'CloudTrail',
  s3: 'S3',
  cloudformation: 'CloudFormation',
};

/** Told once per service and endpoint when a call has had no answer for {@link WAIT_NOTICE_MS}. */
export type WaitListener = (service: AwsServiceName, endpoint: string) => void;

/** How long a call runs before the wait listener hears of it. */
export const WAIT_NOTICE_MS = 3000;

/** Where a failed call went, attached to the SDK's error. */
export interface CallSite {
  service: AwsServiceName;
  /** `https://host[:port]` the request was sent to. */
  endpoint: string;
  /** The request timeout in force, in seconds. */
  timeoutSeconds: number;
}

const SITE = Symbol.for('policy-trim.aws-call-site');

/** The {@link CallSite} {@link watchCalls} attached to an error, if any. */
export function callSiteOf(err: unknown): CallSite | undefined {
  return err && typeof err === 'object' ? ((err as Record<symbol, unknown>)[SITE] as CallSite | undefined) : undefined;
}

/** Wraps a listener so it hears of each service and endpoint once per run. */
export function onceEach(listener: WaitListener): WaitListener {
  const told = new Set<string>();
  return (service, endpoint) => {
    const key = `${service} ${endpoint}`;
    if (told.has(key)) return;
    told.add(key);
    listener(service, endpoint);
  };
}

/** The parts of an SDK HttpRequest this module reads. */
interface RequestLike {
  protocol?: string;
  hostname?: string;
  port?: number;
}

/** The part of an SDK client's middleware stack this module uses (every client has it). */
interface StackLike {
  middlewareStack: {
    add(
      middleware: (next: (args: { request: unknown }) => Promise<unknown>) => (args: { request: unknown }) => Promise<unknown>,
      options: { step: 'build'; name: string },
    ): void;
  };
}

/** `https://host[:port]` of a request. */
export function endpointOf(request: unknown): string {
  const r = (request ?? {}) as RequestLike;
  const protocol = r.protocol ? (r.protocol.endsWith(':') ? r.protocol : `${r.protocol}:`) : 'https:';
  return `${protocol}//${r.hostname ?? 'unknown-host'}${r.port ? `:${r.port}` : ''}`;
}

/**
 * Adds a build-step middleware to `client` (after the endpoint is resolved, around the SDK's retries): an error
 * leaving the call gets its {@link CallSite}; a call still running after {@link WAIT_NOTICE_MS} is told to
 * `onWait`.
 */
export function watchCalls(client: unknown, service: AwsServiceName, timeoutSeconds: number, onWait?: WaitListener): void {
  (client as StackLike).middlewareStack.add(
    (next) => async (args) => {
      const endpoint = endpointOf(args.request);
      const timer = onWait ? setTimeout(() => onWait(service, endpoint), WAIT_NOTICE_MS) : undefined;
      timer?.unref?.();
      try {
        return await next(args);
      } catch (err) {
        if (err && typeof err === 'object' && !callSiteOf(err)) {
          Object.defineProperty(err, SITE, { value: { service, endpoint, timeoutSeconds } satisfies CallSite, enumerable: false });
        }
        throw err;
      } finally {
        if (timer) clearTimeout(timer);
      }
    },
    { step: 'build', name: 'policyTrimCallWatch' },
  );
}
