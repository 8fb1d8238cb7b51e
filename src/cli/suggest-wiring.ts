/**
 * The part of `suggest` that `pr` shares: the trim options (`--baseline`, `--drop-unobservable`, …), the
 * window, catalog and knowledge a run starts from, reading the activity into one role's usage, the trail's
 * recording configuration, and the options trim is called with. One module, so a pull request is computed
 * exactly as `suggest` computes the suggestion it prints.
 */
import type { Argv } from 'yargs';
import { loadBundledCatalog } from '../adapters/fs/bundled-data.js';
import { loadBundledCloudTrailKnowledge, loadBundledNormalizer } from '../adapters/fs/bundled-mapping.js';
import type { Catalog } from '../core/catalog/types.js';
import { terminalLines } from '../core/render/escape.js';
import { defaultTrailRecording, parseTrailRecording, withRegionCoverage, type TrailRecording } from '../core/trail/recording.js';
import { decideRegionCoverage } from '../core/trail/region-coverage.js';
import type { CloudTrailKnowledge } from '../core/trail/knowledge-types.js';
import type { TrimOptions } from '../core/trim/types.js';
import { ActivityTally } from '../core/usage/tally.js';
import { describeWindow, type TimeWindow } from '../core/usage/time-window.js';
import type { PrincipalUsage } from '../core/usage/types.js';
import { formatActivitySummary } from './activity.js';
import { CliError, usageError } from './errors.js';
import type { CliIo } from './io.js';
import { listOption, matchRole, windowFromArgs } from './options.js';
import { readJsonFile } from './read-json.js';
import { readActivity, type ActivityReadResult } from './sources.js';
import type { ActivityFilter } from './aws-wiring.js';

/**
 * `--baseline` and `--assume-management-logged`: what a run takes as used although CloudTrail cannot show it, and
 * what it trusts CloudTrail to show. `drift` takes only these (a report drops nothing and writes no policy).
 */
export function withObservationOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option('baseline', { type: 'string', array: true, describe: 'Unlogged needs of the workload to keep (default lambda-basic; also lambda-vpc, lambda-xray; `none` for none)' })
    .option('assume-management-logged', {
      type: 'boolean',
      default: false,
      describe: 'Trust that every action not known as a data event or never-logged would appear in CloudTrail when called (opt-in; default keeps actions AWS policy generation cannot identify)',
    }) as Argv<T>;
}

/** The observation options, and `--drop-unobservable`, `--target`, `--allow-no-activity`. */
export function withTrimOptions<T>(y: Argv<T>): Argv<T> {
  return withObservationOptions(y)
    .option('drop-unobservable', {
      type: 'string',
      array: true,
      describe: 'Also remove actions CloudTrail could not have shown (unsafe; opt-in): alone for every service, or only for the named services (e.g. sns,logs)',
    })
    .option('target', { choices: ['managed', 'inline'] as const, default: 'managed', describe: 'Size limits to respect: managed (6,144) or inline (10,240 per role)' })
    .option('allow-no-activity', { type: 'boolean', default: false, describe: 'Suggest even when the trail holds no call by the role' }) as Argv<T>;
}

/** What every trim of a run shares: the window, the bundled catalog and knowledge, and the baselines asked for. */
export interface TrimContext {
  window: TimeWindow;
  catalog: Catalog;
  knowledge: CloudTrailKnowledge;
  /** `undefined`: the default (lambda-basic). */
  baselines: string[] | undefined;
}

/** The window, catalog, knowledge and baselines from `args` (usage errors before anything is read). */
export function trimContext(args: Record<string, unknown>, io: CliIo): TrimContext {
  const window = windowFromArgs(args, io.now());
  const catalog = loadBundledCatalog();
  const knowledge = loadBundledCloudTrailKnowledge({ assumeManagementLogged: Boolean(args['assume-management-logged']) });
  return { window, catalog, knowledge, baselines: baselinesFromArgs(args.baseline, knowledge.baselineNames()) };
}

/** The activity of a run, read once: the tally, what was read, and the trail's recording configuration. */
export interface ObservedRun {
  tally: ActivityTally;
  activity: ActivityReadResult;
  recording: TrailRecording;
}

/**
 * Reads every activity source of `args` into a new tally (`filter` narrows what remote sources fetch), and the
 * trail's recording configuration limited to the Regions read.
 */
export async function observeActivity(args: Record<string, unknown>, io: CliIo, ctx: TrimContext, filter: ActivityFilter): Promise<ObservedRun> {
  const tally = new ActivityTally(loadBundledNormalizer());
  // The role reported on (its ARN, else `--role` as given): local files parse only records that may be its own.
  const role = filter.role ?? (typeof args.role === 'string' ? args.role : undefined);
  const activity = await readActivity(args, io, ctx.window, tally, filter, role !== undefined ? [role] : undefined);
  const recording = await recordingOf(args, activity, tally.ledger.regionsSeen());
  return { tally, activity, recording };
}

/** One role's usage in an observed run, and the principal it was found under. */
export interface RoleUsage {
  /** The trail's principal for the role; undefined when the role made no call. */
  roleArn: string | undefined;
  usage: PrincipalUsage;
}

/** The usage of `role` (name or ARN; with `fn`, of that session only) in the run's ledger. */
export function roleUsage(run: ObservedRun, role: string, fn?: string): RoleUsage {
  const { ledger } = run.tally;
  const roleArn = resolvePrincipal(ledger.principals(), role);
  const usage = roleArn ? ledger.usageOf(roleArn, fn !== undefined ? { session: fn } : {}) : emptyUsage(role);
  return { roleArn, usage };
}

/** The summary of what was read, on stderr (`--quiet` keeps only problems). */
export function printActivitySummary(args: Record<string, unknown>, io: CliIo, run: ObservedRun): void {
  io.stderr(formatActivitySummary(run.tally, run.activity.stats, { quiet: Boolean(args.quiet) }));
}

/** The options trim is called with, from `args`; `documentName` names the output documents. */
export function trimOptionsFrom(args: Record<string, unknown>, ctx: TrimContext, documentName: string): TrimOptions {
  return {
    baselines: ctx.baselines,
    ...dropUnobservableOptions(args['drop-unobservable'], ctx.catalog),
    target: args.target as 'managed' | 'inline',
    documentName,
  };
}

/**
 * The trail's recording configuration (`--trail-config`, else what `--trail-name` read, else CloudTrail's
 * default), limited to the Regions the logs read cover: a call possible in another Region proves nothing by its
 * absence.
 */
export async function recordingOf(args: Record<string, unknown>, activity: ActivityReadResult, regionsInRecords: string[]): Promise<TrailRecording> {
  let recording: TrailRecording = defaultTrailRecording();
  if (args['trail-config']) {
    const file = String(args['trail-config']);
    recording = parseTrailRecording(await readJsonFile(file, 'trail configuration'), file);
  } else if (activity.recording) recording = activity.recording;
  return withRegionCoverage(
    recording,
    decideRegionCoverage({
      ...(recording.trail ? { trail: recording.trail } : {}),
      reads: activity.reads,
      regionsInRecords,
      lookup: Boolean(args.lookup),
    }),
  );
}

/** No activity by the role is an error unless asked for; a function view of a shared role gets a warning. */
export function checkActivity(
  args: Record<string, unknown>,
  io: CliIo,
  c: { usage: { records: number; unmapped?: readonly unknown[] }; ledger: ActivityTally['ledger']; roleArn: string | undefined; role: string | undefined; fn: string | undefined; window: string },
): void {
  // A successful call the catalog cannot map is activity too (its grants are kept), though not a record of a call.
  if (c.usage.records === 0 && !c.usage.unmapped?.length && !args['allow-no-activity']) {
    throw new CliError(
      'no-activity',
      `the trail holds no call by ${c.role}${c.fn ? ` from function ${c.fn}` : ''} in the window ${c.window}`,
      'Check --role/--function, the --trail paths and the window. If the role really did nothing, pass --allow-no-activity to get the suggestion anyway (it will remove everything CloudTrail could have shown).',
    );
  }
  if (c.fn !== undefined && c.roleArn) {
    const others = c.ledger.sessionsOf(c.roleArn).filter((s) => s !== c.fn);
    if (others.length) {
      io.stderr(terminalLines([`warning: ${c.roleArn} is also used by ${others.join(', ')}: this suggestion covers only ${c.fn}; give ${c.fn} its own role before applying it.`]));
    }
  }
}

/** `checkActivity` for one role of an observed run, with the window described as the summary does. */
export function checkRoleActivity(args: Record<string, unknown>, io: CliIo, run: ObservedRun, ctx: TrimContext, c: { role: string; roleArn: string | undefined; usage: { records: number }; fn?: string }): void {
  checkActivity(args, io, { usage: c.usage, ledger: run.tally.ledger, roleArn: c.roleArn, role: c.role, fn: c.fn, window: describeWindow(ctx.window) });
}

/**
 * `--baseline NAME...` (repeated or comma-separated): the knowledge's baseline names, or `none` alone. An
 * unknown name is a usage error listing the valid ones: a typo must not silently drop the Lambda basics.
 * Absent, the default (`undefined`: lambda-basic) applies.
 */
export function baselinesFromArgs(value: unknown, known: string[]): string[] | undefined {
  if (value === undefined) return undefined;
  const names = listOption(value);
  const valid = `${known.join(', ')}, or none`;
  const unknown = names.filter((n) => n !== 'none' && !known.includes(n));
  if (unknown.length) throw usageError(`--baseline ${unknown.join(', ')}: not a known baseline; expected ${valid}`);
  if (names.length === 0) throw usageError(`--baseline needs a name: ${valid}`);
  if (names.includes('none')) {
    if (names.length > 1) throw usageError('--baseline none cannot be combined with other baselines', 'Give `--baseline none` alone to keep no baseline, or name the baselines to keep.');
    return [];
  }
  return [...new Set(names)];
}

/**
 * `--drop-unobservable [SERVICE,...]`: absent keeps every unobservable action; alone drops them all; with service
 * prefixes (repeated or comma-separated) drops only theirs. An unknown prefix is a usage error: a typo must not
 * silently keep (or drop) something else.
 */
export function dropUnobservableOptions(value: unknown, catalog: Catalog): { keepUnobservable: boolean; dropUnobservableServices?: string[] } {
  if (value === undefined || value === false) return { keepUnobservable: true };
  const list = listOption(value).map((v) => v.toLowerCase());
  if (list.length === 0) return { keepUnobservable: false };
  const known = new Set(catalog.services().map((s) => s.toLowerCase()));
  const unknown = list.filter((p) => !known.has(p));
  if (unknown.length) {
    throw usageError(
      `--drop-unobservable: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not an IAM service prefix' : 'are not IAM service prefixes'} in the bundled catalog`,
      'Name services by their IAM prefix, e.g. --drop-unobservable sns,logs (see `policy-trim catalog info`), or give the flag alone to drop every unobservable action.',
    );
  }
  return { keepUnobservable: false, dropUnobservableServices: [...new Set(list)].sort() };
}

/** The ledger principal for `role` (ARN or name); several accounts with the same role name is a usage error. */
export function resolvePrincipal(principals: string[], role: string): string | undefined {
  const matches = matchRole(principals, role);
  if (matches.length > 1) {
    throw usageError(`the role name ${role} matches several roles in the trail: ${matches.join(', ')}`, 'Pass the full role ARN with --role.');
  }
  return matches[0];
}

/** The usage of a principal that made no call. */
export function emptyUsage(principalArn: string): PrincipalUsage {
  return { principalArn, used: [], denied: [], failed: [], sessions: [], records: 0 };
}
