/**
 * The CLI's bridge to the live-AWS adapters: options, client construction, role policies from IAM, and
 * remote activity (trail bucket, Event history). The adapters (and the AWS SDK) are imported on first use,
 * so offline commands never load the SDK.
 */
import { principalAccount } from '../core/catalog/arn.js';
import type { Argv } from 'yargs';
import { createTrailStats, type TrailReadStats } from '../adapters/trail-decode/sink.js';
import type { AwsClients } from '../adapters/aws/config.js';
import type { LookupEstimate } from '../adapters/aws/lookup.js';
import type { AccountConfig } from '../core/config/types.js';
import type { PolicyDocument } from '../core/policy/types.js';
import type { RolePolicies } from '../core/ports/policy-source.js';
import type { TimeWindow } from '../core/usage/time-window.js';
import type { RegionRead } from '../core/trail/region-coverage.js';
import type { TrailRecording } from '../core/trail/recording.js';
import type { ActivityTally } from '../core/usage/tally.js';
import { DAY_MS } from '../core/usage/time-window.js';
import { readSourcesInto, type StoreUse } from './remote-reads.js';
import { forTerminal } from '../core/render/escape.js';
import { CliError, usageError } from './errors.js';
import type { CliIo } from './io.js';

/** Seconds an AWS call waits for an answer by default (kept equal to the adapters' DEFAULT_TIMEOUT_SECONDS). */
const DEFAULT_TIMEOUT_SECONDS = 30;

/** `--profile`, `--region`, `--endpoint-url`, `--timeout` (checked before the command runs). */
export function withAwsOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option('profile', { type: 'string', describe: 'AWS profile (default: the SDK default credential chain)' })
    .option('region', { type: 'string', describe: 'AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile)' })
    .option('endpoint-url', { type: 'string', describe: 'Send AWS calls to this endpoint (tests, private endpoints)' })
    .option('timeout', {
      type: 'number',
      describe: `Seconds an AWS call may wait for an answer before it is retried (3 attempts in all) and then fails (default ${DEFAULT_TIMEOUT_SECONDS})`,
    })
    .middleware((argv) => {
      timeoutFromArgs(argv as Record<string, unknown>);
    }) as Argv<T>;
}

/** The `--timeout` value in seconds: a positive number, or undefined for the default. */
export function timeoutFromArgs(args: Record<string, unknown>): number | undefined {
  const v = args.timeout;
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw usageError(`--timeout: expected a number of seconds greater than 0, got ${String(args.timeout)}`);
  }
  return v;
}

/**
 * Load the AWS adapters (and the SDK) on first use. The SDK warns on Node < 22 that *future* SDK releases
 * will need Node 22; policy-trim pins its SDK version and supports Node >= 20.19, so the warning is noise for
 * our users. A user can still see it by setting the variable to anything else.
 */
export async function loadAws() {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return import('../adapters/aws/index.js');
}

/** Window read from AWS when none is given: Event history keeps 90 days (CloudTrail User Guide). */
const DEFAULT_REMOTE_DAYS = 90;

/** Clients built once per command run from `--profile`, `--region`, `--endpoint-url`. */
const clientCache = new WeakMap<Record<string, unknown>, Promise<AwsClients>>();

/** The AWS clients for this command's options (created on first use; `closeAwsClients` releases them). */
export async function awsClients(args: Record<string, unknown>, io: CliIo): Promise<AwsClients> {
  let p = clientCache.get(args);
  if (!p) {
    p = (async () => {
      const aws = await loadAws();
      const cfg = await aws.resolveAwsConfig({
        profile: args.profile as string | undefined,
        region: args.region as string | undefined,
        endpointUrl: args['endpoint-url'] as string | undefined,
        timeoutSeconds: timeoutFromArgs(args),
        env: io.env,
      });
      // On a terminal, say what a long call waits for (progress lines of their own are drawn with \r).
      const onWait = io.interactive && !args.quiet
        ? (service: string, endpoint: string) => io.stderr(`\r\u001b[2Kwaiting for ${service} at ${forTerminal(endpoint)}…\n`)
        : undefined;
      return aws.createAwsClients(cfg, undefined, onWait);
    })();
    clientCache.set(args, p);
  }
  return p;
}

/** A role's policies as IAM gave them once per command run, by the role as asked (name or ARN). */
const roleCache = new WeakMap<Record<string, unknown>, Map<string, Promise<RolePolicies>>>();

/**
 * The role's policies from IAM through this run's clients, read once per run and role: `pr` needs them for
 * the managed policies' documents and again to compare the live role with the repository, and a second read
 * would double the IAM calls (and the wait when IAM does not answer). A failure is remembered too, so it is met
 * once per role, not retried by each reader.
 */
export function liveRolePolicies(args: Record<string, unknown>, io: CliIo, role: string): Promise<RolePolicies> {
  return oncePerRun(roleCache, args, role, async () => (await loadAws()).awsPolicySource(await awsClients(args, io)).getRolePolicies(role));
}

/**
 * `make()` once per command run (`args`) and key, its promise shared by every caller; a failure too, so it is
 * met once, not retried by each reader.
 */
function oncePerRun<T>(cache: WeakMap<Record<string, unknown>, Map<string, Promise<T>>>, args: Record<string, unknown>, key: string, make: () => Promise<T>): Promise<T> {
  let byKey = cache.get(args);
  if (!byKey) cache.set(args, (byKey = new Map()));
  let p = byKey.get(key);
  if (!p) {
    p = make();
    // Read by whoever asks; an unread rejection must not surface as an unhandled one.
    p.catch(() => {});
    byKey.set(key, p);
  }
  return p;
}

/** Clients assumed into a fleet account once per run, by account id. */
const accountCache = new WeakMap<Record<string, unknown>, Map<string, Promise<AwsClients>>>();

/**
 * The clients for `account`: when `.policy-trim.yml`'s `accounts:` lists it, its `assume-role` assumed with the
 * run's credentials (once per run and account); otherwise the run's own clients.
 */
export function accountClients(args: Record<string, unknown>, io: CliIo, account: string | undefined, accounts: readonly AccountConfig[]): Promise<AwsClients> {
  const entry = accounts.find((a) => a.id === account);
  if (!entry) return awsClients(args, io);
  return oncePerRun(accountCache, args, entry.id, async () => (await loadAws()).assumeAccountRole(await awsClients(args, io), entry.id, entry.assumeRole));
}

/** Event history reads estimated longer than this ask for `--yes` (seconds: 10 minutes at 2 requests/s). */
export const LOOKUP_CONFIRM_SECONDS = 600;
/** Estimated reads longer than this are said before they run (seconds). */
const LOOKUP_NOTE_SECONDS = 60;

/**
 * What to say before a long read of Event history (paced at 2 requests/s per Region), and the error that stops
 * one above {@link LOOKUP_CONFIRM_SECONDS} without `--yes`.
 */
export function lookupEstimateNotice(e: LookupEstimate, yes: boolean): { note?: string; refuse?: CliError } {
  if (e.seconds < LOOKUP_NOTE_SECONDS) return {};
  const minutes = Math.ceil(e.seconds / 60);
  const note = `note: reading Event history will take about ${minutes} minute(s): about ${e.pagesPerRegion} page(s) in each of ${e.regions} Region(s), at most 2 requests a second (CloudTrail's limit)`;
  if (e.seconds <= LOOKUP_CONFIRM_SECONDS || yes) return { note };
  return {
    note,
    refuse: new CliError(
      'lookup-too-long',
      `Event history would take about ${minutes} minutes to read; stopped before reading it`,
      'Pass --yes to read it anyway; or read the trail\'s bucket instead (--trail s3://… or --trail-name: minutes, not hours), or shorten the window (--days).',
    ),
  };
}

/** Release the sockets of the clients made for `args`, if any. */
export async function closeAwsClients(args: Record<string, unknown>): Promise<void> {
  roleCache.delete(args);
  const assumed = accountCache.get(args);
  accountCache.delete(args);
  for (const a of assumed?.values() ?? []) {
    try {
      (await a).destroy();
    } catch {
      // the role could not be assumed: nothing to release
    }
  }
  const p = clientCache.get(args);
  if (!p) return;
  clientCache.delete(args);
  try {
    (await p).destroy();
  } catch {
    // creation failed: nothing to release
  }
}

/** The role's policies from IAM (inline, managed, and the boundary as kind `boundary`). */
export async function loadRolePolicies(
  args: Record<string, unknown>,
  io: CliIo,
  role: string | undefined,
  fn: string | undefined,
  opts: { through?: AwsClients; notes?: boolean } = {},
): Promise<{ documents: PolicyDocument[]; roleArn?: string }> {
  const aws = await loadAws();
  const clients = opts.through ?? (await awsClients(args, io));
  const loaded = await aws.loadRolePolicyDocuments(clients, role, fn);
  for (const name of opts.notes === false ? [] : loaded.notEditable) {
    io.stderr(`note: ${forTerminal(name)} is AWS-managed and cannot be edited: detach it and attach the suggestion as a customer-managed or inline policy.\n`);
  }
  const documents = [...loaded.documents, ...(loaded.boundary ? [{ ...loaded.boundary, kind: 'boundary' as const }] : [])];
  return { documents, roleArn: loaded.roleArn };
}

/**
 * What remote sources may leave out: another role's calls, another function's (`suggest --role/--function`), the
 * event sources the role's policies cannot be used through (`grants`, Athena); `regions`: the Regions whose Event history to read (`drift --regions`; else the role's functions' Regions, or
 * the client's).
 */
export interface ActivityFilter {
  role?: string;
  function?: string;
  regions?: string[];
  /** The role's policies: `--athena` reads only the event sources whose records can show what they grant. */
  grants?: readonly PolicyDocument[];
}

/**
 * Activity from trail buckets (`--trail s3://…`, `--trail-name`) and Event history (`--lookup`). `only`: these
 * are the only sources of the tally, so the duplicate check may keep memory flat (`cli/remote-reads.ts`).
 */
export async function readRemoteActivity(
  args: Record<string, unknown>,
  io: CliIo,
  window: TimeWindow,
  tally: ActivityTally,
  filter: ActivityFilter,
  remote: string[],
  options: { only: boolean; store?: StoreUse } = { only: false },
): Promise<{ stats: TrailReadStats; recording?: TrailRecording; reads: RegionRead[] }> {
  const aws = await loadAws();
  const clients = await awsClients(args, io);
  const stats = createTrailStats();
  const roleAccount = filter.role ? principalAccount(filter.role) : undefined;
  let regions = filter.regions?.length ? filter.regions : [clients.config.region];
  if (filter.role && !filter.regions?.length && (args.lookup || remote.length || args['trail-name'])) {
    try {
      const functions = await aws.awsFunctionDirectory(clients).listFunctions();
      regions = aws.regionsForRole(clients.config.region, filter.role, functions);
    } catch (e) {
      io.stderr(`warning: could not list Lambda functions to find the role's regions (${forTerminal((e as Error).message)}); reading ${clients.config.region} only. Pass --region to choose.\n`);
    }
  }
  const progress = io.interactive && !args.quiet
    ? (label: string, p: Parameters<typeof aws.formatActivityProgress>[1]) => io.stderr(`\r\u001b[2K${aws.formatActivityProgress(label, p)}`)
    : undefined;
  const opened = await aws.openAwsActivity(clients, {
    lookup: Boolean(args.lookup),
    trails: remote,
    trailName: args['trail-name'] as string | undefined,
    regions,
    ...(roleAccount ? { accountIds: [roleAccount] } : {}),
    onProgress: progress,
    onLookupEstimate: (e) => {
      const said = lookupEstimateNotice(e, Boolean(args.yes));
      if (said.note) io.stderr(said.note + '\n');
      if (said.refuse) throw said.refuse;
    },
    stats,
  });
  if (opened.sources.length === 0) throw usageError('nothing to read: give --trail s3://…, --trail-name or --lookup');
  const until = window.until ?? io.now();
  const since = window.since ?? new Date(until.getTime() - DEFAULT_REMOTE_DAYS * DAY_MS);
  if (!window.since) io.stderr(`note: no --since/--days given: reading the last ${DEFAULT_REMOTE_DAYS} days from AWS.\n`);
  const query = { since, until, principalArn: filter.role, sessionName: filter.function };
  await readSourcesInto(tally, opened.sources, query, {
    only: options.only,
    ...(options.store ? { store: options.store } : {}),
    after: (label, summary) => {
      if (progress) io.stderr('\n');
      for (const w of summary.warnings) io.stderr(forTerminal(`warning (${label}): ${w}`) + '\n');
      for (const f of summary.failures) {
        io.stderr(forTerminal(`partial read (${f.scope}): ${f.message}${f.hint ? ` — ${f.hint}` : ''}`) + '\n');
        tally.problem({ code: `partial-read:${f.code}`, message: `${f.scope}: ${f.message}`, file: f.scope });
      }
    },
  });
  // Trail buckets are read in every Region folder (a delivery); Event history only in `regions`.
  const reads: RegionRead[] = opened.sources.map(({ label }) =>
    label === 'lookup' ? { kind: 'regions', label, regions } : { kind: 'delivery', label },
  );
  return { stats, recording: opened.recording, reads };
}
