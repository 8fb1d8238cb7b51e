/**
 * `policy-trim drift`: a report on every function role of the fleet — granted and not used, how risky that
 * unused part is, what changed since the previous report, which roles are shared, which calls were refused —
 * in Markdown, JSON, SARIF and HTML, from one read of the activity for all roles; exit 2 when a `--fail-on`
 * gate counts unacknowledged findings.
 */
import type { Argv } from 'yargs';
import { packageVersion } from '../../adapters/fs/bundled-data.js';
import { loadConfig, type LoadedConfig } from '../../adapters/fs/config-file.js';
import { formatConfigProblem } from '../../core/config/errors.js';
import { canonicalFailOn, FAIL_ON_VALUES } from '../../core/config/fail-on.js';
import { buildDriftReport } from '../../core/drift/report.js';
import type { DriftReport } from '../../core/drift/types.js';
import { forTerminal, terminalLines } from '../../core/render/escape.js';
import { describeWindow } from '../../core/usage/time-window.js';
import { closeAwsClients, withAwsOptions } from '../aws-wiring.js';
import type { CommandModule } from '../command.js';
import { resolveFleet } from '../drift-fleet.js';
import { checkDriftOutputs, driftOutputs, readPreviousReport, writeDriftOutputs } from '../drift-output.js';
import { analyseFleet, relativeToRoot } from '../drift-roles.js';
import { EXIT, usageError } from '../errors.js';
import type { CliIo } from '../io.js';
import { listOption, withWindowOptions } from '../options.js';
import { mergedArgs, startDir } from '../pr-config.js';
import { withActivityOptions } from '../sources.js';
import { observeActivity, printActivitySummary, trimContext, withObservationOptions } from '../suggest-wiring.js';

export const driftCommand: CommandModule = {
  command: 'drift',
  describe: 'Report unused, risky and refused permissions of every function role (md, json, sarif, html; CI gate)',
  builder: (y: Argv) =>
    withAwsOptions(
      withActivityOptions(
        withWindowOptions(
          withObservationOptions(
            y
              .option('roles', { type: 'string', array: true, describe: 'Roles to report (names or ARNs, comma-separated or repeated); default: the roles of .policy-trim.yml, else every Lambda function\'s role' })
              .option('regions', { type: 'string', array: true, describe: 'Regions whose Lambda functions (and Event history) to read (default: the resolved Region)' })
              .option('policy', { type: 'string', describe: 'Offline: a folder with one folder of policy documents per role, named after the role (AWS-managed ones in its aws-managed/ folder)' })
              .option('config', { type: 'string', describe: 'The configuration file (default: .policy-trim.yml at the repository root, when there is one)' })
              .option('dir', { type: 'string', describe: 'Where to look for .policy-trim.yml (default: the working directory)' }),
          ),
        ),
      ),
    )
      .option('format', { type: 'string', array: true, describe: 'md, json, sarif or html (repeat for several, with --out-dir); default md' })
      .option('out', { type: 'string', describe: 'Write the one format to this file instead of stdout' })
      .option('out-dir', { type: 'string', describe: 'Write drift.md, drift.json, drift.sarif, drift.html (the formats asked for) in this folder' })
      .option('previous-report', { type: 'string', describe: 'The JSON report of an earlier run: report what changed since then' })
      .option('force', { type: 'boolean', default: false, describe: 'Let --out or --out-dir overwrite an input file (the configuration, the previous report, the trail configuration, a trail file)' })
      .option('fail-on', { type: 'string', array: true, describe: `Exit 2 when unacknowledged findings match (comma-separated or repeated): ${FAIL_ON_VALUES.join(', ')}` })
      .example('$0 drift --trail s3://my-trail-bucket --days 30 --format md', 'Every Lambda function role, live')
      .example('$0 drift --policy fleet/policies --trail fleet/trail --days 30 --out-dir report --format md --format json --format sarif --format html', 'Offline, all four formats'),
  async run(args, io: CliIo) {
    try {
      return await runDrift(args, io);
    } finally {
      await closeAwsClients(args);
    }
  },
};

/** The body of `drift`: configuration, fleet, one read, each role, the report, the formats, the gate. */
async function runDrift(given: Record<string, unknown>, io: CliIo): Promise<number> {
  const config = await loadConfig({ cwd: startDir(given), now: io.now(), ...(given.config !== undefined ? { config: String(given.config) } : {}) });
  if (config) io.stderr(terminalLines(config.warnings.map((w) => `policy-trim: warning: ${formatConfigProblem(w)}`)));
  const args = config ? withConfigSettings(given, config, io) : given;
  const failOn = failOnFrom(args, config);
  const outputs = driftOutputs(args);
  await checkDriftOutputs(args, outputs, config?.path);
  const previous = args['previous-report'] !== undefined ? await readPreviousReport(String(args['previous-report'])) : undefined;
  const ctx = trimContext(args, io);

  const fleet = await resolveFleet(args, io, config?.config.roles ?? [], config?.config.accounts ?? []);
  const run = await observeActivity(args, io, ctx, { regions: args.regions as string[] | undefined });
  printActivitySummary(args, io, run);
  const analysed = await analyseFleet(args, io, ctx, run, fleet.roles, config);

  const usedBy = new Map(analysed.map((a) => [a.drift.roleArn, a.used]));
  const report = buildDriftReport({
    toolVersion: packageVersion(),
    generatedAt: io.now(),
    window: ctx.window,
    roles: analysed.map((a) => a.drift),
    activity: {
      records: run.activity.stats.records,
      calls: run.tally.calls,
      problems: Object.values(run.tally.problemCounts).reduce((n, c) => n + c, 0),
      sources: sourcesOf(args),
    },
    acknowledgements: config?.config.acknowledge ?? [],
    failOn,
    ...(previous ? { previous } : {}),
    usedNow: (roleArn, action) => usedBy.get(roleArn)?.has(action) ?? false,
  });
  // A SARIF result needs a file: without a place the file names, the configuration's first line.
  const fallback = { file: config ? relativeToRoot(config.path, config.root) : '.policy-trim.yml', line: 1 };
  await writeDriftOutputs(args, io, report, outputs, fallback);
  if (!args.quiet) io.stderr(summaryOf(report, describeWindow(ctx.window), fleet.origin));
  return exitCodeOf(report, io, analysed.some((a) => a.internalError));
}

/** The file's settings under the flags' names where no flag sets them, and its Regions as `--regions`. */
function withConfigSettings(args: Record<string, unknown>, config: LoadedConfig, io: CliIo): Record<string, unknown> {
  const merged = mergedArgs(args, { root: config.root, config }, io);
  const regions = config.config.aws.regions;
  if ((merged.regions === undefined || (merged.regions as string[]).length === 0) && regions?.length) merged.regions = regions;
  return merged;
}

/** `--fail-on` (comma-separated or repeated), else the file's `gate.fail-on`; an unknown word is a usage error. */
function failOnFrom(args: Record<string, unknown>, config: LoadedConfig | undefined): string[] {
  const given = listOption(args['fail-on']);
  for (const word of given) {
    if (!canonicalFailOn(word)) throw usageError(`--fail-on ${word}: expected one of ${FAIL_ON_VALUES.join(', ')}`);
  }
  return given.length > 0 ? given : (config?.config.gate.failOn ?? []);
}

/** The activity sources named, for the report. */
function sourcesOf(args: Record<string, unknown>): string[] {
  return [
    ...((args.trail as string[] | undefined) ?? []).map((t) => `trail: ${t}`),
    ...(args['trail-name'] ? [`trail-name: ${String(args['trail-name'])}`] : []),
    ...(args.lookup ? ['Event history (LookupEvents)'] : []),
  ];
}

/** The few lines on stderr: what the report holds, and the gate. */
function summaryOf(report: DriftReport, window: string, origin: string): string {
  const t = report.totals;
  const failed = report.roles.filter((r) => r.error);
  const lines = [
    `drift: ${t.roles} role(s) (from ${origin}) in ${window}; ${t.sharedRoles} shared by several functions`,
    `  unused: ${t.unused} action(s), of which ${t.unusedByLevel['Permissions management']} Permissions management and ${t.unusedByLevel.Write} Write; ${t.unusedOnStar} on "*"`,
    `  narrowable: ${t.narrowable}; refused: ${t.denied}; kept as unobservable: ${t.unobservable}; acknowledged findings: ${t.acknowledged}`,
    ...(report.comparison ? [`  since ${report.comparison.previousGeneratedAt}: ${report.comparison.newlyUnused.length} newly unused, ${report.comparison.newlyUsed.length} newly used, ${report.comparison.newRoles.length} new role(s), ${report.comparison.removedRoles.length} removed`] : []),
    ...report.expiredAcknowledgements.map((a) => `  expired acknowledgement (until ${a.until}): ${a.pattern} — its findings count again`),
    ...failed.map((r) => `  not analysed: ${r.roleName}: [${r.error!.code}] ${r.error!.message}`),
  ];
  return terminalLines(lines);
}

/** 1 when a role could not be analysed, else 2 when the gate tripped, else 0 (saying which gates tripped). */
function exitCodeOf(report: DriftReport, io: CliIo, internal: boolean): number {
  const failed = report.roles.filter((r) => r.error).length;
  if (report.gate.tripped) {
    const said = report.gate.counts.filter((c) => c.count > 0).map((c) => `${c.condition}: ${c.count}`).join(', ');
    io.stderr(`policy-trim: --fail-on ${forTerminal(report.gate.failOn.join(','))}: ${forTerminal(said)}; exit ${failed > 0 || internal ? EXIT.ERROR : EXIT.FINDINGS}\n`);
  }
  if (failed > 0 || internal) {
    io.stderr(`policy-trim: ${failed} role(s) could not be analysed (listed above and in the report); exit ${EXIT.ERROR}\n`);
    return EXIT.ERROR;
  }
  return report.gate.tripped ? EXIT.FINDINGS : EXIT.OK;
}
