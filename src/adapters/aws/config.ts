/**
 * AWS client configuration: credentials from the SDK's default provider chain (env, SSO, shared files,
 * process, web identity, container/instance metadata), an optional named profile, a region resolved the
 * way the AWS CLI resolves it, and an optional endpoint (moto in tests, VPC/private endpoints). Every call
 * has a connect and a request timeout and a bounded number of attempts (the SDK's standard retry mode, with
 * exponential backoff): an endpoint that never answers fails in seconds with a typed error (`errors.ts`).
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { AwsAdapterError } from './errors.js';
import { onceEach, SERVICE_OF_KIND, watchCalls, type AwsServiceName, type WaitListener } from './call-watch.js';

export type { WaitListener } from './call-watch.js';

/** Options the CLI passes through from `--profile`, `--region`, `--endpoint-url`. */
export interface AwsOptions {
  profile?: string;
  region?: string;
  endpointUrl?: string;
  /** Environment to read `AWS_REGION`/`AWS_DEFAULT_REGION` from (default: `process.env`). */
  env?: Record<string, string | undefined>;
  /** Static credentials (tests only); otherwise the SDK's default provider chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Attempts the SDK makes for each call (default {@link DEFAULT_MAX_ATTEMPTS}, the SDK's standard mode). */
  maxAttempts?: number;
  /** Seconds to wait for a response (and between bytes of it) before a call fails (`--timeout`). */
  timeoutSeconds?: number;
}

/** Seconds a call may wait for an answer when `--timeout` is not given. */
export const DEFAULT_TIMEOUT_SECONDS = 30;
/** At most this many seconds to establish a connection (or `--timeout`, when shorter). */
export const MAX_CONNECT_TIMEOUT_SECONDS = 10;
/** Attempts per call: the first and two retries, with the SDK's exponential backoff and jitter between them. */
export const DEFAULT_MAX_ATTEMPTS = 3;

/** Config shared by every client, with the region fixed. */
export interface ResolvedAwsConfig {
  region: string;
  /** Where the region came from, for `--debug` output. */
  regionSource: 'option' | 'AWS_REGION' | 'AWS_DEFAULT_REGION' | 'profile';
  profile?: string;
  endpointUrl?: string;
  credentials?: AwsOptions['credentials'];
  maxAttempts?: number;
  /** Request timeout in seconds (default {@link DEFAULT_TIMEOUT_SECONDS}). */
  timeoutSeconds?: number;
}

/**
 * Resolves the region: `--region`, then `AWS_REGION`, then `AWS_DEFAULT_REGION` (the AWS CLI's variable,
 * which the JS SDK itself ignores), then the profile's `region` (read by the SDK's own config loader).
 * Throws `AwsAdapterError('no-region')` with a hint when none is set.
 */
export async function resolveAwsConfig(opts: AwsOptions = {}): Promise<ResolvedAwsConfig> {
  const env = opts.env ?? process.env;
  const base = {
    profile: opts.profile,
    endpointUrl: opts.endpointUrl,
    credentials: opts.credentials,
    maxAttempts: opts.maxAttempts,
    timeoutSeconds: opts.timeoutSeconds,
  };
  if (opts.region) return { ...base, region: opts.region, regionSource: 'option' };
  if (env.AWS_REGION) return { ...base, region: env.AWS_REGION, regionSource: 'AWS_REGION' };
  if (env.AWS_DEFAULT_REGION) return { ...base, region: env.AWS_DEFAULT_REGION, regionSource: 'AWS_DEFAULT_REGION' };
  // The SDK reads the shared config file (profile's `region`) when no region is given.
  let fromProfile: string | undefined;
  try {
    const probe = new STSClient({ profile: opts.profile });
    fromProfile = await probe.config.region();
    probe.destroy();
  } catch {
    fromProfile = undefined;
  }
  if (fromProfile) return { ...base, region: fromProfile, regionSource: 'profile' };
  throw new AwsAdapterError({
    code: 'no-region',
    message: 'No AWS region is set.',
    hint: `Pass --region REGION, set AWS_REGION, or add "region = ..." to the ${opts.profile ? `[profile ${opts.profile}]` : '[default]'} section of ~/.aws/config.`,
  });
}

/**
 * SDK client options for `region` (defaults to the resolved region): the connect timeout (at most
 * {@link MAX_CONNECT_TIMEOUT_SECONDS}), the request timeout, which then also bounds each silence while a body
 * streams, both thrown as `TimeoutError` (the SDK only logs a request timeout unless told to throw), and the
 * attempts per call.
 */
export function clientConfig(cfg: ResolvedAwsConfig, region = cfg.region) {
  const timeoutMs = Math.round((cfg.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000);
  return {
    region,
    ...(cfg.profile ? { profile: cfg.profile } : {}),
    ...(cfg.endpointUrl ? { endpoint: cfg.endpointUrl } : {}),
    ...(cfg.credentials ? { credentials: cfg.credentials } : {}),
    maxAttempts: cfg.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: Math.min(timeoutMs, MAX_CONNECT_TIMEOUT_SECONDS * 1000),
      requestTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      throwOnRequestTimeout: true,
    },
  };
}

/** The SDK clients the adapters use. Regional clients are made on demand and cached. */
export interface AwsClients {
  config: ResolvedAwsConfig;
  iam: IAMClient;
  sts: STSClient;
  lambda(region?: string): LambdaClient;
  cloudtrail(region?: string): CloudTrailClient;
  /**
   * CloudTrail client for `LookupEvents` only: the SDK does not retry (maxAttempts 1), so every request goes
   * through policy-trim's pacer and backoff and the 2 requests/s limit is never exceeded by hidden retries.
   */
  cloudtrailLookup(region?: string): CloudTrailClient;
  s3(region?: string): S3Client;
  /** CloudFormation client (`pr --stack`: the deployed stack's references). */
  cloudformation(region?: string): CloudFormationClient;
  /** Called for every new client (tests add a recording middleware here). */
  onClient?: (client: AnyClient) => void;
  /** Closes every client's sockets. */
  destroy(): void;
}

/** Any of the clients above. */
export type AnyClient = IAMClient | STSClient | LambdaClient | CloudTrailClient | S3Client | CloudFormationClient;

/**
 * Builds the clients. With an endpoint URL, S3 uses path-style addressing (`http://host/bucket/key`),
 * which moto and most private endpoints need; otherwise S3 follows region redirects so a trail bucket in
 * another region still works.
 * @param onClient called once per client created (tests record commands through it)
 */
export function createAwsClients(
  cfg: ResolvedAwsConfig,
  onClient?: (client: AnyClient) => void,
  onWait?: WaitListener,
): AwsClients {
  const made: AnyClient[] = [];
  const notice = onWait ? onceEach(onWait) : undefined;
  const track = <T extends AnyClient>(c: T, service: AwsServiceName): T => {
    made.push(c);
    watchCalls(c, service, cfg.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS, notice);
    onClient?.(c);
    return c;
  };
  const cache = new Map<string, AnyClient>();
  const regional = <T extends AnyClient>(kind: string, region: string, make: () => T): T => {
    const key = `${kind}:${region}`;
    let c = cache.get(key) as T | undefined;
    if (!c) {
      c = track(make(), SERVICE_OF_KIND[kind]!);
      cache.set(key, c);
    }
    return c;
  };
  // IAM and STS are global; the SDK signs IAM for us-east-1 (or the partition's home region) itself.
  const iam = track(new IAMClient(clientConfig(cfg)), 'IAM');
  const sts = track(new STSClient(clientConfig(cfg)), 'STS');
  return {
    config: cfg,
    iam,
    sts,
    onClient,
    lambda: (region = cfg.region) => regional('lambda', region, () => new LambdaClient(clientConfig(cfg, region))),
    cloudtrail: (region = cfg.region) =>
      regional('cloudtrail', region, () => new CloudTrailClient(clientConfig(cfg, region))),
    cloudtrailLookup: (region = cfg.region) =>
      regional('cloudtrail-lookup', region, () => new CloudTrailClient({ ...clientConfig(cfg, region), maxAttempts: 1 })),
    s3: (region = cfg.region) =>
      regional(
        's3',
        region,
        () =>
          new S3Client({
            ...clientConfig(cfg, region),
            ...(cfg.endpointUrl ? { forcePathStyle: true } : { followRegionRedirects: true }),
          }),
      ),
    cloudformation: (region = cfg.region) =>
      regional('cloudformation', region, () => new CloudFormationClient(clientConfig(cfg, region))),
    destroy: () => {
      for (const c of made) c.destroy();
    },
  };
}
