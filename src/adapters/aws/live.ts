/**
 * Wiring helpers for the CLI: build the AWS-backed ports from options in one place, so each command stays
 * a few lines. Everything here only composes the adapters of this folder.
 */
import type { ActivityProgress, ActivitySource } from '../../core/ports/activity-source.js';
import type { TrailConfig } from '../../core/trail/config.js';
import type { FunctionInfo } from '../../core/ports/function-directory.js';
import type { RolePolicies } from '../../core/ports/policy-source.js';
import { parseRoleDocument } from '../../core/policy/parse.js';
import type { PolicyDocument } from '../../core/policy/types.js';
import { parseTrailRecording, type TrailRecording } from '../../core/trail/recording.js';
import type { AwsClients } from './config.js';
import { AwsAdapterError } from './errors.js';
import { IamRolePolicySource } from './iam.js';
import { LambdaFunctionDirectory } from './lambda.js';
import { LookupEventsSource, type LookupEstimate } from './lookup.js';
import { S3TrailSource, type S3TrailOptions } from './s3-trail.js';
import { CloudTrailConfigSource, trailS3Url } from './trail-config.js';

/** True for `s3://...` (an S3 trail) as opposed to a local path. */
export function isS3Url(s: string): boolean {
  return /^s3:\/\//i.test(s);
}

/** The IAM policy source for these clients (`--role` without `--policy`). */
export function awsPolicySource(clients: AwsClients): IamRolePolicySource {
  return new IamRolePolicySource(clients.iam, { profile: clients.config.profile });
}

/** The Lambda directory over `regions` (default: the resolved region). */
export function awsFunctionDirectory(clients: AwsClients, regions?: readonly string[]): LambdaFunctionDirectory {
  const rs = regions?.length ? regions : [clients.config.region];
  return new LambdaFunctionDirectory((r) => clients.lambda(r), rs, { profile: clients.config.profile });
}

/** What to read activity from (any combination; each becomes one source). */
export interface AwsActivityOptions {
  /** `--lookup`: CloudTrail Event history. */
  lookup?: boolean;
  /** `--trail s3://...` values. */
  trails?: readonly string[];
  /** `--trail-name`: find bucket, prefix and event selectors from the trail. */
  trailName?: string;
  /** Regions of Event history to read. Default: the resolved region. */
  regions?: readonly string[];
  /**
   * Region folders of trail buckets to read. Default: every Region folder found — what a removal needs, since a
   * call in a Region whose logs were not read is not evidence of non-use.
   */
  trailRegions?: readonly string[];
  /** Accounts whose bucket folders to read (default: discovered; pass the role's account to read only it). */
  accountIds?: readonly string[];
  onProgress?: (label: string, p: ActivityProgress) => void;
  /** Event history's estimated length, once its first page is read (throw to stop: see LookupSourceOptions). */
  onLookupEstimate?: (e: LookupEstimate) => void;
  /** Shared counters for trail reads (see S3TrailOptions.stats). */
  stats?: S3TrailOptions['stats'];
}

/** The sources to read, labelled for progress and the summary; plus the trail's config with `--trail-name`. */
export interface AwsActivity {
  sources: { label: string; source: ActivitySource }[];
  /** Set with `--trail-name`: where the trail delivers and its raw event selectors. */
  trailConfig?: TrailConfig;
  /** Set with `--trail-name`: what the trail records, for trim's "unobservable" logic (as `--trail-config` gives). */
  recording?: TrailRecording;
}

/** A role's policies from IAM, parsed; the boundary apart (an upper bound, never a grant). */
export interface LoadedRolePolicies {
  roleArn: string;
  /** Inline, customer-managed and AWS-managed documents (with `kind` set), sorted by kind then name. */
  documents: PolicyDocument[];
  boundary?: PolicyDocument;
  /** Names of AWS-managed documents: they cannot be edited; propose a customer-managed or inline replacement. */
  notEditable: string[];
  /** The function given with `--function`, resolved. */
  function?: FunctionInfo;
  /** The raw texts as IAM returned them (decoded), for `--debug` or saving. */
  raw: RolePolicies;
}

/**
 * `--role NAME|ARN` and/or `--function NAME` → the role's parsed policies. With only a function, its role is
 * looked up first; with both, the function's role must be the given role. Parse errors (PolicyError) name the
 * document (`inline:NAME` or the policy ARN) and propagate.
 */
export async function loadRolePolicyDocuments(
  clients: AwsClients,
  role: string | undefined,
  fn?: string,
): Promise<LoadedRolePolicies> {
  let func: FunctionInfo | undefined;
  if (fn) func = await awsFunctionDirectory(clients).getFunction(fn);
  const ref = role ?? func?.roleArn;
  if (!ref) {
    throw new AwsAdapterError({ code: 'bad-input', message: 'No role given.', hint: 'Pass --role NAME|ARN or --function NAME.' });
  }
  const raw = await awsPolicySource(clients).getRolePolicies(ref);
  if (role && func && func.roleArn !== raw.roleArn) {
    throw new AwsAdapterError({
      code: 'bad-input',
      message: `Function ${func.name} uses ${func.roleArn}, not ${raw.roleArn}.`,
      hint: 'Drop --role (the function names its role), or pass the function that uses this role.',
    });
  }
  return {
    roleArn: raw.roleArn,
    documents: raw.documents.map((d) => parseRoleDocument(d)),
    ...(raw.boundary ? { boundary: parseRoleDocument(raw.boundary) } : {}),
    notEditable: raw.documents.filter((d) => !d.editable).map((d) => d.name),
    ...(func ? { function: func } : {}),
    raw,
  };
}

/** Builds the activity sources for `--lookup`, `--trail s3://...` and `--trail-name`. */
export async function openAwsActivity(clients: AwsClients, opts: AwsActivityOptions): Promise<AwsActivity> {
  const profile = clients.config.profile;
  const sources: AwsActivity['sources'] = [];
  const progress = (label: string) => (opts.onProgress ? (p: ActivityProgress) => opts.onProgress!(label, p) : undefined);
  const s3opts = (label: string): S3TrailOptions => ({
    ...(opts.accountIds?.length ? { accountIds: opts.accountIds } : {}),
    ...(opts.trailRegions?.length ? { regions: opts.trailRegions } : {}),
    onProgress: progress(label),
    stats: opts.stats,
    profile,
  });
  let trailConfig: TrailConfig | undefined;
  if (opts.trailName) {
    trailConfig = await new CloudTrailConfigSource((r) => clients.cloudtrail(r), { profile }).getTrailConfig(opts.trailName);
    const url = trailS3Url(trailConfig);
    sources.push({
      label: url,
      source: new S3TrailSource(clients.s3(), url, s3opts(url)),
    });
  }
  for (const t of opts.trails ?? []) {
    if (!isS3Url(t)) {
      throw new AwsAdapterError({ code: 'bad-input', message: `${t} is not an s3:// URL.`, hint: 'Local paths go to the file reader.' });
    }
    sources.push({ label: t, source: new S3TrailSource(clients.s3(), t, s3opts(t)) });
  }
  if (opts.lookup) {
    sources.push({
      label: 'lookup',
      source: new LookupEventsSource((r) => clients.cloudtrailLookup(r), {
        regions: opts.regions?.length ? opts.regions : [clients.config.region],
        onProgress: progress('lookup'),
        ...(opts.onLookupEstimate ? { onEstimate: opts.onLookupEstimate } : {}),
        profile,
      }),
    });
  }
  return {
    sources,
    ...(trailConfig
      ? { trailConfig, recording: parseTrailRecording(trailConfig.eventSelectors, `trail ${trailConfig.name} (cloudtrail:GetEventSelectors)`) }
      : {}),
  };
}

/** Regions worth reading for a role: the resolved region plus where its functions live (sorted, unique). */
export function regionsForRole(homeRegion: string, roleArn: string, functions: readonly FunctionInfo[]): string[] {
  return [...new Set([homeRegion, ...functions.filter((f) => f.roleArn === roleArn).map((f) => f.region)])].sort();
}
