/**
 * `policy-trim usage`: what each principal (and each Lambda function) actually did, per CloudTrail.
 */
import type { Argv } from 'yargs';
import { bundledNormalizerOnFirstUse } from '../../adapters/fs/bundled-mapping.js';
import { describeWindow } from '../../core/usage/time-window.js';
import type { PrincipalUsage } from '../../core/usage/types.js';
import { ActivityTally } from '../../core/usage/tally.js';
import { formatActivitySummary } from '../activity.js';
import { jobsOption, readLocalActivity, withInputChecks } from '../sources.js';
import { CliError, EXIT, usageError } from '../errors.js';
import type { CliIo } from '../io.js';
import type { CommandModule } from '../command.js';
import { matchRole, windowFromArgs, withWindowOptions } from '../options.js';
import { closeAwsClients, withAwsOptions } from '../aws-wiring.js';
import { explainAthenaQuery, readAthenaActivity, withAthenaOptions, withExplainQueryOption } from '../athena-source.js';
import type { TrailReadStats } from '../../adapters/trail-decode/sink.js';
import type { TimeWindow } from '../../core/usage/time-window.js';
import { formatUsageTable } from '../usage-table.js';

export const usageCommand: CommandModule = {
  command: 'usage',
  describe: 'Show what each role (and each Lambda function) actually did, according to CloudTrail logs',
  builder: (y: Argv) =>
    withInputChecks(withWindowOptions(withAwsOptions(withExplainQueryOption(withAthenaOptions(
      y
        .option('trail', { type: 'string', array: true, describe: 'CloudTrail log files or directories (.json, .json.gz, S3 delivery layout)' })
        .option('role', { type: 'string', describe: 'Only this role (name or ARN)' })
        .option('function', { type: 'string', describe: 'Only this Lambda function (its role session name)' })
        .option('format', { choices: ['table', 'json'] as const, default: 'table', describe: 'Output format' })
        .option('jobs', jobsOption()),
    ))))
      .example('$0 usage --trail ./AWSLogs --days 30 --role orders-api-role', 'Per-action usage of one role over 30 days')
      .example('$0 usage --athena cloudtrail.trail_logs --days 30 --role arn:aws:iam::111122223333:role/orders-api-role', 'The same, aggregated by Athena')),
  async run(args, io: CliIo) {
    const window = windowFromArgs(args, io.now());
    const tally = new ActivityTally(bundledNormalizerOnFirstUse());
    const read = { stats: await readUsageActivity(args, io, window, tally) };
    if (read.stats === undefined) return EXIT.OK; // --explain-query printed the query
    const { ledger } = tally;

    let principals = ledger.principals();
    if (args.role) {
      principals = matchRole(principals, String(args.role));
      if (principals.length === 0) {
        io.stderr(formatActivitySummary(tally, read.stats, { quiet: Boolean(args.quiet) }));
        throw new CliError('role-not-in-trail', `no activity for role ${String(args.role)} in the trail (window ${describeWindow(window)})`, 'Check the role name, the --trail paths and the window; `policy-trim usage` without --role lists every principal seen.');
      }
    }
    const fn = args.function as string | undefined;
    const usages: Array<PrincipalUsage & { functions: PrincipalUsage[] }> = [];
    for (const p of principals) {
      if (fn !== undefined && !ledger.sessionsOf(p).includes(fn)) continue;
      const view = ledger.usageOf(p, fn !== undefined ? { session: fn } : {});
      const functions = ledger.sessionsOf(p)
        .filter((s) => fn === undefined || s === fn)
        .map((s) => ledger.usageOf(p, { session: s }));
      usages.push({ ...view, functions });
    }
    if (fn !== undefined && usages.length === 0) {
      io.stderr(formatActivitySummary(tally, read.stats, { quiet: Boolean(args.quiet) }));
      throw new CliError('function-not-in-trail', `no activity for function ${fn} in the trail (window ${describeWindow(window)})`, 'A Lambda function appears as the role session name: check the name and the window.');
    }

    if (args.format === 'json') {
      const out = {
        window: { since: window.since?.toISOString() ?? null, until: window.until?.toISOString() ?? null },
        principals: usages,
        summary: {
          filesRead: read.stats.filesRead,
          records: read.stats.records,
          recordsOutsideWindow: read.stats.recordsOutsideWindow,
          filesPruned: read.stats.filesPruned,
          dirsPruned: read.stats.dirsPruned,
          calls: tally.calls,
          duplicates: tally.duplicates,
          ignored: tally.ignored,
          skipped: tally.problemCounts,
          unknownEvents: tally.unknownEvents,
        },
      };
      io.stdout(JSON.stringify(out, null, 2) + '\n');
    } else {
      io.stdout(formatUsageTable(usages));
    }
    io.stderr(formatActivitySummary(tally, read.stats, { quiet: Boolean(args.quiet) }));
    return EXIT.OK;
  },
};

/**
 * The activity of `usage`: local files, or one Athena query (`--athena`: every principal unless `--role` names
 * one). Undefined when `--explain-query` printed the query instead.
 */
async function readUsageActivity(args: Record<string, unknown>, io: CliIo, window: TimeWindow, tally: ActivityTally): Promise<TrailReadStats | undefined> {
  if (!args.athena) {
    if (args['explain-query']) throw usageError('--explain-query prints the Athena query: give --athena TABLE too');
    if (!(args.trail as string[] | undefined)?.length) throw usageError('name the activity to read: --trail PATH (files or folders) or --athena TABLE');
    // The JSON summary counts every record (calls, ignored, problems): only the table can leave the other
    // principals' records unparsed.
    const principals = args.role !== undefined && args.format !== 'json' ? [String(args.role)] : undefined;
    return readLocalActivity(args, io, window, tally, principals);
  }
  const filter = args.role === undefined ? {} : { role: String(args.role) };
  if (args['explain-query']) {
    explainAthenaQuery(args, io, window, filter);
    return undefined;
  }
  try {
    // usage trims nothing: what the trail records (its data events) changes nothing here.
    return (await readAthenaActivity(args, io, window, tally, filter, { recordingMatters: false })).stats;
  } finally {
    await closeAwsClients(args);
  }
}
