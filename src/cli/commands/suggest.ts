/**
 * `policy-trim suggest`: the smallest policy that still allows everything the role did, verified never wider
 * than the original, printed as JSON, YAML or Terraform; a summary for a person on stderr.
 */
import { terminalLines } from '../../core/render/escape.js';
import type { Argv } from 'yargs';
import { renderDocumentsWith } from '../../core/render/documents.js';
import { suggest, type SuggestResult } from '../../core/trim/suggest.js';
import { InternalError } from '../../core/trim/errors.js';
import { describeWindow } from '../../core/usage/time-window.js';
import { EXIT, usageError } from '../errors.js';
import type { CliIo } from '../io.js';
import type { CommandModule } from '../command.js';
import { roleNameOf, withWindowOptions } from '../options.js';
import { checkOutputTargets, writeResult, writeResults } from '../output.js';
import { renderChoices, withRenderOptions } from '../render-options.js';
import { formatExplain, formatSuggestSummary } from '../suggest-report.js';
import { withActivityOptions } from '../sources.js';
import { explainAthenaQuery, withExplainQueryOption } from '../athena-source.js';
import { checkRoleActivity, observeActivity, printActivitySummary, roleUsage, trimContext, trimOptionsFrom, withTrimOptions } from '../suggest-wiring.js';
import { closeAwsClients, withAwsOptions } from '../aws-wiring.js';
import { readRolePolicies, warnUnknownConditionOperators } from '../role-policies.js';
import { checkSplitOptions, SPLIT_ONLY_FORMATS, withSplitOptions } from '../suggest-split-options.js';
import { FAIL_ON_VALUES } from '../../core/config/fail-on.js';
import { failOnGate } from '../fail-on-gate.js';
import { checkSecondOpinionOptions, withSecondOpinionOptions } from '../second-opinion-options.js';
import { lastAccessedEvidence } from '../second-opinion.js';
import { formatLastAccessedLines } from '../second-opinion-report.js';
import { awsFoundNewAccess, formatAwsVerificationLines, reportAwsNewAccess, verifyWithAws } from '../second-opinion-verify.js';

export const suggestCommand: CommandModule = {
  command: 'suggest',
  describe: 'Print the smallest policy that still allows everything the role did (verified never wider)',
  builder: (y: Argv) =>
    withSecondOpinionOptions(withAwsOptions(
      withExplainQueryOption(withActivityOptions(
        withWindowOptions(
          withTrimOptions(
            withRenderOptions(
              withSplitOptions(y)
                .option('role', { type: 'string', describe: 'The role: name or ARN' })
                .option('function', { type: 'string', describe: 'Narrow to one Lambda function (its role session name)' })
                .option('policy', { type: 'string', array: true, describe: 'Policy documents (files or directories) instead of reading IAM' })
                .option('boundary', { type: 'string', describe: "With --policy: the role's permissions boundary document (an upper bound, never trimmed)" }),
              SPLIT_ONLY_FORMATS,
            )
              .option('out', { type: 'string', describe: 'Write the policy to this file (atomically) instead of stdout' })
              .option('explain', { type: 'boolean', default: false, describe: 'Show the evidence behind each statement (stderr)' }),
          )
            .option('fail-on', { choices: FAIL_ON_VALUES, array: true, describe: 'Exit 2 when the suggestion has these findings (CI gate; the vocabulary of gate.fail-on in .policy-trim.yml)' })
            .option('report', { type: 'string', describe: 'Write the findings and evidence as JSON to this file' })
            .option('force', { type: 'boolean', default: false, describe: 'Let --out or --report overwrite an input file, or each other' }),
        ),
      )),
    )
      .example('$0 suggest --role orders-api-role --policy policies/ --trail ./AWSLogs --days 30', 'Offline, from files')
      .example('$0 suggest --role orders-api-role --trail s3://my-trail-bucket --days 90', 'Live: policies from IAM, logs from the trail bucket')),
  async run(args, io: CliIo) {
    try {
      return await runSuggest(args, io);
    } finally {
      await closeAwsClients(args);
    }
  },
};

/** The body of `suggest`: read, trim, verify, render, summarize. */
async function runSuggest(args: Record<string, unknown>, io: CliIo): Promise<number> {
  checkSplitOptions(args);
  checkSecondOpinionOptions(args);
  if (args['explain-query'] && args['split-by-function']) throw usageError('--explain-query prints the query of one suggestion: leave out --split-by-function');
  // The split's modules (the configuration file's schema validator, deployment renderers, YAML: ~0.1 s of
  // start-up) are loaded only for a split.
  if (args['split-by-function']) return (await import('../suggest-split.js')).runSplit(args, io);
  const role = args.role as string | undefined;
  const fn = args.function as string | undefined;
  if (!role && !fn) throw usageError('name the role with --role NAME|ARN (or a Lambda function with --function NAME)');
  const ctx = trimContext(args, io);
  const { window, catalog } = ctx;

  // Policies: from files, or from IAM.
  const policies = await readRolePolicies(args, io, role, fn);
  await checkSuggestOutputs(args, policies.files ?? []);
  warnUnknownConditionOperators(policies.documents, io);

  // Activity.
  const filter = { role: policies.roleArn, function: fn, grants: policies.documents };
  if (args['explain-query']) return explainAthenaQuery(args, io, window, filter);
  const run = await observeActivity(args, io, ctx, filter);
  const { roleArn, usage } = roleUsage(run, policies.roleArn ?? role!, fn);
  printActivitySummary(args, io, run);
  checkRoleActivity(args, io, run, ctx, { usage, roleArn, role: (policies.roleArn ?? role)!, fn });
  const lastAccessed = await lastAccessedEvidence(args, io, { window, roleArn: policies.roleArn, usage, regionsSeen: run.tally.ledger.regionsSeen() });

  let result: SuggestResult;
  try {
    result = suggest({
      documents: policies.documents,
      usage,
      catalog,
      knowledge: ctx.knowledge,
      recording: run.recording,
      options: trimOptionsFrom(args, ctx, `${roleNameOf(policies.roleArn ?? '') ?? role ?? fn ?? 'role'}-trimmed`),
      ...(lastAccessed ? { lastAccessed: lastAccessed.input } : {}),
    });
  } catch (e) {
    if (e instanceof InternalError) return reportInternalError(e, args, io);
    throw e;
  }
  // AWS's second opinion, before anything is written: a FAIL after our own proof passed is a bug, and prints nothing.
  const awsCheck = await verifyWithAws(args, io, policies.documents, result.documents, catalog);
  if (awsFoundNewAccess(awsCheck)) return reportAwsNewAccess(awsCheck!, io);

  const { format, style } = renderChoices(args);
  const report = args.report
    ? JSON.stringify({ role: roleArn, function: fn ?? null, window: { since: window.since?.toISOString() ?? null, until: window.until?.toISOString() ?? null }, stats: result.stats, findings: result.findings, evidence: result.evidence }, null, 2) + '\n'
    : undefined;
  // The policy and the report are written together: neither file is replaced unless both could be written.
  // The `yaml` package is loaded only when YAML is printed (~0.05 s of start-up otherwise; docs/BENCHMARKS.md).
  const renderYaml = format === 'yaml' ? (await import('../../core/render/yaml.js')).renderYaml : undefined;
  await writeResults([{ text: renderDocumentsWith(renderYaml, result.documents, format, { style }), path: args.out as string | undefined }, ...(report !== undefined ? [{ text: report, path: String(args.report) }] : [])], io);
  // --quiet: the summary is information; the policy, warnings and errors are not.
  if (!args.quiet) io.stderr(
    formatSuggestSummary(result, {
      role: roleArn ?? policies.roleArn ?? role ?? '',
      function: fn,
      window: describeWindow(window),
      records: usage.records,
      sessions: usage.sessions,
      original: policies.documents,
      levelOf: (action) => catalog.action(action)?.accessLevel,
      secondOpinion: [...(lastAccessed ? formatLastAccessedLines(lastAccessed.notes, result.findings) : []), ...(awsCheck ? formatAwsVerificationLines(awsCheck) : [])],
    }),
  );
  if (args.explain) io.stderr(formatExplain(result));
  const gate = failOnGate(result, policies.documents, (args['fail-on'] as string[] | undefined) ?? [], io);
  if (awsCheck?.mustNotGrant?.answer.result !== 'FAIL') return gate;
  // A --must-not-grant FAIL is a warning: said even under --quiet, which keeps warnings.
  if (args.quiet) io.stderr(terminalLines(formatAwsVerificationLines(awsCheck)));
  return EXIT.FINDINGS;
}

/** A failed safety proof: a bug in policy-trim. Say so, and save the inputs with `--report`. */
async function reportInternalError(e: InternalError, args: Record<string, unknown>, io: CliIo): Promise<number> {
  // Violations quote the inputs' ARNs and names, which come from logs and policies: escaped.
  io.stderr(terminalLines([`policy-trim: ${e.message}`, ...e.violations.slice(0, 10).map((v) => `  - ${v}`)]));
  const dump = JSON.stringify(e.inputs);
  io.stderr(`  inputs for the bug report (${dump.length} characters): rerun with --report FILE to save them\n`);
  if (args.report) await writeResult(JSON.stringify({ error: e.message, violations: e.violations, inputs: e.inputs }, null, 2) + '\n', String(args.report), io);
  return EXIT.ERROR;
}

/** `--out` and `--report` may not replace an input (policy files, boundary, trail configuration, trail files) or each other, unless `--force`. */
async function checkSuggestOutputs(args: Record<string, unknown>, policyFiles: string[]): Promise<void> {
  const trails = ((args.trail as string[] | undefined) ?? []).filter((t) => !t.startsWith('s3://'));
  await checkOutputTargets(
    [
      { option: '--out', path: args.out as string | undefined },
      { option: '--report', path: args.report as string | undefined },
    ],
    [
      ...policyFiles.map((path) => ({ option: '--policy', path })),
      ...(args.boundary ? [{ option: '--boundary', path: String(args.boundary) }] : []),
      ...(args['trail-config'] ? [{ option: '--trail-config', path: String(args['trail-config']) }] : []),
      ...trails.map((path) => ({ option: '--trail', path })),
    ],
    Boolean(args.force),
  );
}
