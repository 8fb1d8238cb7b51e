/**
 * The GitHub Action, run once: read the inputs, run the CLI in this process with the command line they make,
 * then hand its results to the workflow: the Markdown report appended to the job summary, the report paths
 * and the drift report's counts as step outputs, an `::error::` for a failure or a tripped gate, and the
 * CLI's exit code as the step's (2 when a `fail-on` gate tripped: the reports are written all the same).
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { main as cliMain } from '../cli/main.js';
import { EXIT } from '../cli/errors.js';
import type { CliIo } from '../cli/io.js';
import type { DriftReport, GateCount } from '../core/drift/types.js';
import { ActionInputError, REPORT_FILES, readActionInputs, type ActionPlan, type ReportFormat } from './inputs.js';
import { appendSummary, errorCommand, stopCommandsToken, writeOutputs } from './workflow.js';

/** Every output the action writes, in the order written (action.yml declares the same; a test checks it). */
export const ACTION_OUTPUTS = [
  'report-dir',
  'markdown',
  'json',
  'sarif',
  'html',
  'roles',
  'unused',
  'unused-permissions-management',
  'unused-write',
  'unused-on-star',
  'denied',
  'gate-tripped',
  'exit-code',
] as const;

export type ActionOutputName = (typeof ACTION_OUTPUTS)[number];

/** Output name per report format. */
const FORMAT_OUTPUT: Record<ReportFormat, ActionOutputName> = { md: 'markdown', json: 'json', sarif: 'sarif', html: 'html' };

/** Where the action writes and what runs the CLI (the real process and the CLI's `main`, or a test's). */
export interface ActionContext {
  env: Record<string, string | undefined>;
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Runs the CLI with `argv` and returns its exit code. */
  runCli(argv: string[], io: CliIo): Promise<number>;
}

/** The context of the real process: the runner's environment and streams, the CLI's own `main`. */
export function processContext(): ActionContext {
  return {
    env: process.env,
    cwd: process.cwd(),
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    runCli: (argv, io) => cliMain(argv, io),
  };
}

/** Runs the action; returns the step's exit code. Every output is written, empty when it does not apply. */
export async function runAction(ctx: ActionContext): Promise<number> {
  const outputs = new Map<ActionOutputName, string>(ACTION_OUTPUTS.map((n) => [n, '']));
  let exitCode: number;
  try {
    const plan = readActionInputs(ctx.env, ctx.cwd);
    exitCode = await runCliQuietly(plan, ctx, outputs);
  } catch (err) {
    // An input the action cannot use, or a failure of the action itself (an unwritable report folder, say).
    exitCode = err instanceof ActionInputError ? EXIT.USAGE : EXIT.ERROR;
    ctx.stdout(errorCommand(err instanceof Error ? err.message : String(err), 'policy-trim'));
  }
  outputs.set('exit-code', String(exitCode));
  if (outputs.get('gate-tripped') === '') outputs.set('gate-tripped', String(exitCode === EXIT.FINDINGS));
  writeOutputs(ctx.env, [...outputs]);
  return exitCode;
}

/**
 * Runs the CLI between `::stop-commands::` and its resume token, so that nothing it prints (values from
 * CloudTrail and policies among it) is read as a workflow command; then reads what it wrote into `outputs`.
 */
async function runCliQuietly(plan: ActionPlan, ctx: ActionContext, outputs: Map<ActionOutputName, string>): Promise<number> {
  if (plan.reports) prepareReportDir(plan, ctx);
  const errors: string[] = [];
  const io: CliIo = {
    stdout: ctx.stdout,
    stderr: (text) => {
      // The CLI's error line (already escaped for a terminal) becomes the step's annotation below.
      for (const line of text.split('\n')) if (/^policy-trim: (internal )?error/.test(line)) errors.push(line);
      ctx.stderr(text);
    },
    interactive: false,
    env: ctx.env,
    now: () => new Date(),
  };
  const token = stopCommandsToken();
  ctx.stdout(`::stop-commands::${token}\n`);
  let code: number;
  try {
    code = await ctx.runCli(plan.argv, io);
  } finally {
    ctx.stdout(`::${token}::\n`);
  }
  const tripped = plan.reports ? collectReports(plan.reports, ctx, outputs) : [];
  if (code !== EXIT.OK && code !== EXIT.FINDINGS) {
    ctx.stdout(errorCommand(errors.at(-1) ?? `policy-trim ${plan.command} failed with exit code ${code}; its messages are in the log above`, `policy-trim ${plan.command}`));
  } else if (code === EXIT.FINDINGS) {
    ctx.stdout(errorCommand(gateMessage(plan.command, tripped), `policy-trim ${plan.command}`));
  }
  return code;
}

/**
 * Creates the report folder and removes the reports a run there would write, so that a path given as an
 * output is always this run's report (never one left by an earlier run in a reused folder); the previous
 * report, if it was put there, is kept: this run reads it.
 */
function prepareReportDir(plan: ActionPlan, ctx: ActionContext): void {
  const { dir } = plan.reports!;
  mkdirSync(dir, { recursive: true });
  const i = plan.argv.indexOf('--previous-report');
  const previous = i >= 0 ? resolve(ctx.cwd, plan.argv[i + 1]!) : undefined;
  for (const name of Object.values(REPORT_FILES)) {
    const file = join(dir, name);
    if (file !== previous) rmSync(file, { force: true });
  }
}

/**
 * Report paths of the formats written, and the counts of drift.json when it was; returns the gate's
 * conditions that counted findings (none without drift.json).
 */
function collectReports(reports: NonNullable<ActionPlan['reports']>, ctx: ActionContext, outputs: Map<ActionOutputName, string>): GateCount[] {
  outputs.set('report-dir', reports.dir);
  for (const format of reports.formats) {
    const file = join(reports.dir, REPORT_FILES[format]);
    if (existsSync(file)) outputs.set(FORMAT_OUTPUT[format], file);
  }
  const md = outputs.get('markdown');
  if (md) appendSummary(ctx.env, readFileSync(md, 'utf8'));
  const json = outputs.get('json');
  if (!json) return [];
  const report = JSON.parse(readFileSync(json, 'utf8')) as DriftReport;
  const t = report.totals;
  outputs.set('roles', String(t.roles));
  outputs.set('unused', String(t.unused));
  outputs.set('unused-permissions-management', String(t.unusedByLevel['Permissions management']));
  outputs.set('unused-write', String(t.unusedByLevel.Write));
  outputs.set('unused-on-star', String(t.unusedOnStar));
  outputs.set('denied', String(t.denied));
  outputs.set('gate-tripped', String(report.gate.tripped));
  return report.gate.counts.filter((c) => c.count > 0);
}

/** The annotation of a tripped gate: which conditions counted how many findings, when drift.json says. */
function gateMessage(command: string, counts: GateCount[]): string {
  const which = counts.length ? `: ${counts.map((c) => `${c.condition} ${c.count}`).join(', ')}` : '';
  return `policy-trim ${command}: the fail-on gate tripped${which}; the reports are written (see the job summary)`;
}
