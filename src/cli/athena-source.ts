/**
 * `--athena TABLE`: activity read by one aggregating query over the CloudTrail table (core/athena/query.ts),
 * its rows fed into the same tally as local files (core/athena/rows.ts). Wired by `sources.ts` (`suggest`,
 * `drift`, `pr`) and `usage`; `--explain-query` prints the query instead of running it.
 */
import type { Argv } from 'yargs';
import { createTrailStats, type TrailReadStats } from '../adapters/trail-decode/sink.js';
import { loadBundledCloudTrailTables, loadBundledEventMapper, loadBundledNormalizer } from '../adapters/fs/bundled-mapping.js';
import { athenaSummaryLines } from '../core/athena/cost.js';
import { TRINO } from '../core/athena/dialect.js';
import { parseTableRef } from '../core/athena/names.js';
import { usageQuery } from '../core/athena/query.js';
import { addUsageRow, emptyRowTotals } from '../core/athena/rows.js';
import { grantedEventSources, requestKeyTable } from '../core/athena/scope.js';
import { forTerminal, terminalLines } from '../core/render/escape.js';
import { parseTrailRecording, type TrailRecording } from '../core/trail/recording.js';
import type { RegionRead } from '../core/trail/region-coverage.js';
import type { ActivityTally } from '../core/usage/tally.js';
import { DAY_MS, type TimeWindow } from '../core/usage/time-window.js';
import { awsClients, loadAws, type ActivityFilter } from './aws-wiring.js';
import { EXIT, usageError } from './errors.js';
import type { CliIo } from './io.js';

/** Window read when none is given: the same 90 days as the other AWS sources. */
const DEFAULT_ATHENA_DAYS = 90;

/** `--athena`, `--athena-workgroup`, `--athena-output`, `--athena-database`. */
export function withAthenaOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option('athena', { type: 'string', describe: 'Read activity with one Athena query over this CloudTrail table ([DATABASE.]TABLE, as `policy-trim athena ddl` creates it)' })
    .option('athena-workgroup', { type: 'string', describe: 'Athena workgroup to run the query in (default: primary)' })
    .option('athena-output', { type: 'string', describe: "s3://BUCKET/PREFIX for the query's results (default: the workgroup's)" })
    .option('athena-database', { type: 'string', describe: 'Glue database of the --athena table (default: default)' }) as Argv<T>;
}

/** `--explain-query`: for the commands that can print their query (`usage`, `suggest`). */
export function withExplainQueryOption<T>(y: Argv<T>): Argv<T> {
  return y.option('explain-query', { type: 'boolean', default: false, describe: 'With --athena: print the SQL it would run, and run nothing' }) as Argv<T>;
}

/** Checks the Athena options together: the usage errors before anything is read. */
function checkAthenaArgs(args: Record<string, unknown>): void {
  const others = [...((args.trail as string[] | undefined) ?? []), ...(args.lookup ? ['--lookup'] : [])];
  if (others.length) throw usageError(`--athena reads every record of the table: it cannot be combined with ${others.join(', ')}`, 'Read either the Athena table or the logs themselves (files, bucket, Event history).');
  checkAthenaPlace(args);
  if (args['explain-query'] && !args.athena) throw usageError('--explain-query prints the Athena query: give --athena TABLE too');
}

/** Checks `--athena-output` and `--athena-workgroup` (also `athena ddl --create`'s). */
export function checkAthenaPlace(args: Record<string, unknown>): void {
  const out = args['athena-output'];
  if (out !== undefined && !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(String(out))) {
    throw usageError(`--athena-output ${String(out)}: expected s3://BUCKET/PREFIX`, "Give the S3 location for Athena's query results, or leave it out to use the workgroup's.");
  }
  // Workgroup names: 1 to 128 of letters, digits, `.`, `_`, `-` (Athena API Reference, WorkGroup Name).
  const wg = args['athena-workgroup'];
  if (wg !== undefined && !/^[A-Za-z0-9._-]{1,128}$/.test(String(wg))) throw usageError(`--athena-workgroup ${String(wg)}: not an Athena workgroup name`, 'Give the workgroup\'s name (letters, digits, . _ -), as `aws athena list-work-groups` shows it.');
}

/** The window a query reads: the given one, else the last {@link DEFAULT_ATHENA_DAYS} days. */
function queryWindow(window: TimeWindow, now: Date): { since: Date; until: Date } {
  const until = window.until ?? now;
  return { since: window.since ?? new Date(until.getTime() - DEFAULT_ATHENA_DAYS * DAY_MS), until };
}

/** The usage query for `args` and `filter` (the role's principal, the event sources its policies can grant). */
export function athenaQueryFor(args: Record<string, unknown>, io: CliIo, window: TimeWindow, filter: ActivityFilter): string {
  checkAthenaArgs(args);
  const tables = loadBundledCloudTrailTables();
  const mapper = loadBundledEventMapper();
  const eventSources = filter.grants ? grantedEventSources(filter.grants, mapper, tables) : undefined;
  const principals = filter.role ? [filter.role] : undefined;
  return usageQuery(
    {
      table: parseTableRef(String(args.athena), args['athena-database'] as string | undefined),
      ...queryWindow(window, io.now()),
      ...(principals ? { principals } : {}),
      ...(eventSources ? { eventSources } : {}),
      requestKeys: requestKeyTable(mapper, tables),
    },
    TRINO,
  );
}

/** `--explain-query`: prints the query on stdout; runs nothing. */
export function explainAthenaQuery(args: Record<string, unknown>, io: CliIo, window: TimeWindow, filter: ActivityFilter): number {
  io.stdout(athenaQueryFor(args, io, window, filter) + '\n');
  return EXIT.OK;
}

/** The trail's recording configuration with `--trail-name` (its event selectors; its bucket is not read). */
async function trailNameRecording(args: Record<string, unknown>, io: CliIo): Promise<TrailRecording | undefined> {
  const name = args['trail-name'] as string | undefined;
  if (!name) return undefined;
  const aws = await loadAws();
  const clients = await awsClients(args, io);
  const cfg = await new aws.CloudTrailConfigSource((r) => clients.cloudtrail(r), { profile: clients.config.profile }).getTrailConfig(name);
  return parseTrailRecording(cfg.eventSelectors, `trail ${cfg.name} (cloudtrail:GetEventSelectors)`);
}

/** What an Athena read gives `sources.ts` (its ActivityReadResult, spelled here so neither imports the other). */
export interface AthenaReadResult {
  stats: TrailReadStats;
  recording?: TrailRecording;
  reads: RegionRead[];
}

/** Runs the usage query and adds its rows to the tally; the summary of the query goes to stderr. */
export async function readAthenaActivity(
  args: Record<string, unknown>,
  io: CliIo,
  window: TimeWindow,
  tally: ActivityTally,
  filter: ActivityFilter,
  opts: { recordingMatters?: boolean } = {},
): Promise<AthenaReadResult> {
  const sql = athenaQueryFor(args, io, window, filter);
  const quiet = Boolean(args.quiet);
  if (opts.recordingMatters !== false && !args['trail-config'] && !args['trail-name']) {
    io.stderr(terminalLines(['warning: Athena reads the table, not the trail: it cannot tell which data events the trail records, so every data-event action stays unobservable (kept). Pass --trail-config FILE or --trail-name NAME to narrow them.']));
  }
  if (!window.since) io.stderr(`note: no --since/--days given: reading the last ${DEFAULT_ATHENA_DAYS} days from Athena.\n`);
  const recording = await trailNameRecording(args, io);
  await loadAws(); // sets up the SDK's environment once
  const athena = await import('../adapters/aws/athena.js');
  const clients = await awsClients(args, io);
  const client = athena.createAthenaClient(clients.config);
  const stats = createTrailStats();
  try {
    const onPoll = io.interactive && !quiet ? (state: string, ms: number) => io.stderr(`\r\u001b[2Kathena: ${state.toLowerCase()} (${Math.round(ms / 1000)} s)`) : undefined;
    const runner = new athena.AthenaRunner(client, {
      ...(args['athena-workgroup'] ? { workgroup: String(args['athena-workgroup']) } : {}),
      ...(args['athena-output'] ? { outputLocation: String(args['athena-output']) } : {}),
      ...(args['athena-database'] ? { database: String(args['athena-database']) } : {}),
    }, undefined, onPoll);
    const started = Date.now();
    const queryId = await runner.start(sql);
    if (!quiet) io.stderr(`athena: started query ${forTerminal(queryId)}\n`);
    // Ctrl-C while the query runs stops it in Athena too (it would otherwise run, and bill, to its end).
    const release = io.onInterrupt?.(() => {
      io.stderr(`\nathena: interrupted: stopping query ${forTerminal(queryId)} (Ctrl-C again to quit at once)\n`);
      runner.stop(queryId).catch((e: unknown) => io.stderr(`athena: could not stop query ${forTerminal(queryId)}: ${forTerminal((e as Error).message)}\n`));
    });
    const outcome = await runner.wait(queryId).finally(() => release?.());
    if (onPoll) io.stderr('\r\u001b[2K');
    const normalize = loadBundledNormalizer();
    const totals = emptyRowTotals();
    let index = 0;
    for await (const row of runner.rows(queryId)) addUsageRow(tally, normalize, row, { file: `athena:${queryId}`, index: index++ }, totals);
    stats.records = totals.records;
    stats.readThrough = `Athena query ${queryId}`;
    if (!quiet) io.stderr(terminalLines(athenaSummaryLines({ queryId, bytesScanned: outcome.bytesScanned, wallMs: Date.now() - started, ...(outcome.engineMs !== undefined ? { engineMs: outcome.engineMs } : {}) }, totals)));
  } finally {
    client.destroy();
  }
  return { stats, ...(recording ? { recording } : {}), reads: [{ kind: 'delivery', label: `athena:${String(args.athena)}` }] };
}
