/**
 * Issue 9, item 1: every option with a fixed set of values is checked, and an unknown value is a usage error
 * (exit 64) naming the valid ones — a typo must never silently change what is kept.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yargs, { type Argv } from 'yargs';
import { describe, expect, it } from 'vitest';
import { suggestCommand } from '../../src/cli/commands/suggest.js';
import { usageCommand } from '../../src/cli/commands/usage.js';
import { renderCommand } from '../../src/cli/commands/render.js';
import { functionsCommand } from '../../src/cli/commands/functions.js';
import { catalogCommand } from '../../src/cli/commands/catalog.js';
import { configCommand } from '../../src/cli/commands/config.js';
import { driftCommand } from '../../src/cli/commands/drift.js';
import { athenaCommand } from '../../src/cli/commands/athena.js';
import { storeCommand } from '../../src/cli/commands/store.js';
import { FAIL_ON_CONDITIONS, FAIL_ON_RULES } from '../../src/core/config/fail-on.js';
import { prCommand } from '../../src/cli/commands/pr.js';
import { PR_FREE_FORM_OPTIONS } from '../../src/cli/pr-options.js';
import type { CommandModule } from '../../src/cli/command.js';
import { loadBundledCloudTrailKnowledge } from '../../src/adapters/fs/bundled-mapping.js';
import { runCli } from '../support/cli.js';
import { fixture, OFFLINE_ROLE } from '../support/offline-fixture.js';

function suggestArgs(dir: string): string[] {
  return ['suggest', '--role', OFFLINE_ROLE, '--policy', join(dir, 'policy.json'), '--trail', join(dir, 'trail'), '--trail-config', join(dir, 'selectors.json')];
}

describe('--baseline', () => {
  const names = loadBundledCloudTrailKnowledge().baselineNames();

  it('an unknown baseline is a usage error naming the valid ones (not a silent `none`)', async () => {
    const dir = fixture();
    const run = await runCli([...suggestArgs(dir), '--baseline', 'lamda-basic']);
    expect(run.code).toBe(64);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('lamda-basic');
    for (const n of [...names, 'none']) expect(run.stderr).toContain(n);
  });

  it.each([[['none', 'lambda-vpc']], [['none,lambda-vpc']], [['']], [['lambda-basic,lamda-vpc']]])('--baseline %j is a usage error', async (values) => {
    const dir = fixture();
    const run = await runCli([...suggestArgs(dir), '--baseline', ...values]);
    expect(run.code, run.stderr).toBe(64);
    expect(run.stdout).toBe('');
  });

  it('known names, repeated or comma-separated, are accepted and keep their actions', async () => {
    const dir = fixture();
    // logs:CreateLogGroup is logged (a management event) and unused: only the lambda-basic baseline keeps it.
    const run = await runCli([...suggestArgs(dir), '--baseline', 'lambda-basic,lambda-xray', '--baseline', 'lambda-vpc']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('logs:CreateLogGroup');
    const none = await runCli([...suggestArgs(dir), '--baseline', 'none']);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).not.toContain('logs:CreateLogGroup');
  });
});

describe('options with a fixed set of values', () => {
  it.each([
    ['suggest', ['--target', 'manged'], ['managed', 'inline']],
    ['suggest', ['--format', 'yml'], ['json', 'yaml', 'terraform']],
    ['suggest', ['--terraform-style', 'hcl'], ['data-source', 'jsonencode']],
    ['suggest', ['--fail-on', 'removeable'], ['unused', 'unused-write', 'unused-on-star', 'removable', 'narrowable', 'denied', 'new-drift']],
    ['suggest', ['--drop-unobservable', 'snss'], ['IAM service prefix']],
    ['suggest', ['--drop-unobservable', ''], ['empty value']],
    ['usage', ['--format', 'yaml'], ['table', 'json']],
  ])('%s %j is a usage error naming the valid values', async (command, flags, valid) => {
    const dir = fixture();
    const base = command === 'suggest' ? suggestArgs(dir) : ['usage', '--trail', join(dir, 'trail')];
    const run = await runCli([...base, ...flags]);
    expect(run.code, run.stderr).toBe(64);
    expect(run.stdout).toBe('');
    for (const v of valid) expect(run.stderr).toContain(v);
  });

  it.each([
    [['render', 'x.json', '--format', 'hcl'], ['json', 'yaml', 'terraform']],
    [['functions', '--format', 'csv'], ['table', 'json']],
    [['catalog', 'infos'], ['info', 'action']],
    [['catalog', 'info', '--format', 'yaml'], ['text', 'json']],
  ])('%j is a usage error naming the valid values', async (args, valid) => {
    const run = await runCli(args);
    expect(run.code, run.stderr).toBe(64);
    for (const v of valid) expect(run.stderr).toContain(v);
  });
});

/**
 * The audit, kept: every option of every command is a boolean, has a fixed set of choices yargs checks, or
 * is listed here with the check that applies to it. A new free-form option must be added here on purpose.
 */
const FREE_FORM: Record<string, string> = {
  role: 'a role name or ARN, matched against the trail',
  function: 'a function name (session name)',
  policy: 'paths, read (missing or invalid files are errors)',
  boundary: 'a path, read',
  out: 'a path, checked against the inputs',
  report: 'a path, checked against the inputs and --out',
  trail: 'paths or s3:// URLs, checked to exist',
  'trail-config': 'a path, read and validated',
  'trail-name': 'a trail name, looked up in CloudTrail',
  since: 'a time, parsed', until: 'a time, parsed', days: 'a number of days, parsed',
  jobs: 'a number, checked (jobsFromArgs)',
  timeout: 'a number of seconds, checked',
  profile: 'an AWS profile, resolved by the SDK', region: 'an AWS Region', 'endpoint-url': 'a URL',
  regions: 'AWS Regions to list',
  name: 'a Terraform block name',
  baseline: 'checked against the knowledge (baselinesFromArgs)',
  'drop-unobservable': 'checked against the catalog (dropUnobservableOptions)',
  'must-not-grant': 'suggest --verify-with-aws: IAM actions, checked against the catalog (mustNotGrantActions)',
  file: 'positional: a path', what: 'positional with choices', patterns: 'positional: action patterns',
  roles: 'drift: role names or ARNs, comma-separated (each reported, or reported with its error)',
  format: 'drift: comma-separated or repeated, checked against md, json, sarif, html (driftOutputs)',
  'out-dir': 'drift: a folder, created',
  'previous-report': 'drift: a path, read and checked to be a drift report (readPreviousReport)',
  'fail-on': 'drift: comma-separated or repeated, checked against the one vocabulary (failOnFrom)',
  functions: 'suggest --split-by-function: function names (sessions are matched against them)',
  'event-source': 'suggest --split-by-function: FUNCTION=ARN, checked (offlineMappings)',
  migration: 'suggest --split-by-function: a path, written',
  athena: 'a Glue table name, checked (parseTableRef)', 'athena-database': 'a Glue database name, checked (parseTableRef)',
  'athena-workgroup': 'an Athena workgroup name, checked (checkAthenaArgs)', 'athena-output': 'an s3:// URL, checked (checkAthenaArgs)',
  bucket: 'athena ddl: an S3 bucket name, checked', prefix: 'athena ddl: an S3 key prefix, checked',
  org: 'athena ddl: an Organizations id, checked', account: 'athena ddl: account ids, checked', table: 'athena ddl: a Glue table name, checked',
  store: 'the usage store: a folder, created (empty is a usage error; --no-store turns it off)',
  'older-than': 'store prune: a whole number of days, checked',
};

/** Every command, with the positionals it needs to be parsed at all (the audit runs each of them). */
const COMMANDS: Array<[CommandModule, string[]]> = [
  [suggestCommand, ['suggest']],
  [usageCommand, ['usage', '--trail', 'x']],
  [renderCommand, ['render', 'x.json']],
  [functionsCommand, ['functions']],
  [catalogCommand, ['catalog', 'info']],
  [configCommand, ['config', 'validate']],
  [prCommand, ['pr']],
  [driftCommand, ['drift']],
  [athenaCommand, ['athena', 'ddl']],
  [storeCommand, ['store', 'info']],
];

/** What yargs records of a command's declared options (`Argv.getOptions()`, missing from the type definitions). */
interface Declared {
  key: Record<string, unknown>;
  boolean: string[];
  array: string[];
  number: string[];
  count: string[];
  choices: Record<string, unknown[]>;
}

function declared(cmd: CommandModule): Declared {
  return (cmd.builder(yargs([]) as Argv) as unknown as { getOptions(): Declared }).getOptions();
}

/** A command's positionals (`catalog <what> [patterns..]` → what, patterns): not options. */
function positionals(cmd: CommandModule): string[] {
  return [...cmd.command.matchAll(/[<[]([^\]>.]+)(?:\.\.)?[\]>]/g)].map((m) => m[1]);
}

/** The options of a command that take one value: not a flag, not declared as an array, not a positional. */
function scalarOptions(cmd: CommandModule): string[] {
  const o = declared(cmd);
  const skip = new Set([...o.boolean, ...o.array, ...o.count, ...positionals(cmd)]);
  return Object.keys(o.key).filter((k) => !skip.has(k));
}

/** A value yargs lets through for `key`: one of its choices, a number, or text. */
function someValue(o: Declared, key: string): string {
  if (o.choices[key]?.length) return String(o.choices[key][0]);
  return o.number.includes(key) ? '1' : 'x';
}

describe('option audit', () => {
  it.each(COMMANDS.map(([cmd]) => [cmd.command.split(' ')[0], cmd] as const))('%s: every option is boolean, has choices, or is a known free-form option', (_, cmd) => {
    const o = declared(cmd);
    const unchecked = Object.keys(o.key).filter((key) => !(o.boolean.includes(key) || key in o.choices || key in FREE_FORM || key in PR_FREE_FORM_OPTIONS));
    expect(unchecked).toEqual([]);
  });

  it('the audit covers every command of the CLI', async () => {
    // An unknown command's error lists every command (main.ts's table of command modules).
    const run = await runCli(['NOSUCHCOMMAND']);
    const listed = /the commands are ([\w, ]+)/.exec(run.stderr)?.[1].split(', ') ?? [];
    expect(listed.length, run.stderr).toBeGreaterThan(0);
    expect(COMMANDS.map(([cmd]) => cmd.command.split(' ')[0]).sort()).toEqual([...listed].sort());
  });

  // A repeated option that takes one value is an array to yargs: `--days 3 --days 30` crashed on it ("value.trim
  // is not a function"), `--until` twice was parsed as one date from both. Neither value is the one meant.
  it.each(COMMANDS.flatMap(([cmd, base]) => scalarOptions(cmd).map((key) => [base.join(' '), key, cmd, base] as const)))(
    '%s: --%s given twice is a usage error naming it',
    async (_, key, cmd, base) => {
      const value = someValue(declared(cmd), key);
      const run = await runCli([...base, `--${key}`, value, `--${key}`, value]);
      expect(run.code, run.stderr).toBe(64);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(`--${key} was given twice: give it once`);
    },
  );

  it('an option declared for several values takes them, repeated', async () => {
    const multi = COMMANDS.flatMap(([cmd]) => declared(cmd).array);
    expect(multi).toEqual(expect.arrayContaining(['trail', 'policy', 'baseline', 'role', 'stack', 'label']));
    const dir = fixture();
    const run = await runCli([...suggestArgs(dir), '--baseline', 'lambda-basic', '--baseline', 'lambda-vpc']);
    expect(run.code, run.stderr).toBe(0);
  });

  it('the command of the report: suggest --days twice, and --until twice, name the option (exit 64, not an internal error)', async () => {
    const ex = ['suggest', '--role', 'orders-api-role', '--policy', 'examples/orders-api/policies', '--trail', 'examples/orders-api/trail'];
    const days = await runCli([...ex, '--days', '3', '--days', '30']);
    expect(days.code, days.stderr).toBe(64);
    expect(days.stderr).toContain('--days was given twice: give it once');
    expect(days.stderr).not.toMatch(/unexpected error|trim is not a function/);
    const until = await runCli([...ex, '--until', '2026-11-01', '--until', '2026-10-01', '--days', '30']);
    expect(until.code, until.stderr).toBe(64);
    expect(until.stderr).toContain('--until was given twice: give it once');
    const thrice = await runCli([...ex, '--days=3', '--days', '30', '--days', '7']);
    expect(thrice.code, thrice.stderr).toBe(64);
    expect(thrice.stderr).toContain('--days was given 3 times: give it once');
    // yargs adds up a number option given 1 twice (`--jobs 1 --jobs 1` parses as 2): the command line counts.
    const jobs = await runCli([...ex, '--jobs', '1', '--jobs', '1']);
    expect(jobs.code, jobs.stderr).toBe(64);
    expect(jobs.stderr).toContain('--jobs was given twice: give it once');
    // After `--`, nothing is an option.
    const after = await runCli(['catalog', 'action', '--format', 'json', '--', '--format']);
    expect(after.stderr).not.toContain('given twice');
  });
});

describe('README', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

  it('writes the exact rule of each --fail-on condition as the core defines it (one vocabulary, one wording)', () => {
    for (const c of FAIL_ON_CONDITIONS) expect(readme).toContain(`| \`${c}\` | ${FAIL_ON_RULES[c]} |`);
  });

  it('lists the baselines the knowledge has', () => {
    for (const n of loadBundledCloudTrailKnowledge().baselineNames()) expect(readme).toContain(n);
  });

  it.each(COMMANDS.map(([cmd]) => [cmd.command.split(' ')[0], cmd] as const))('names every option %s declares, and every value of its fixed sets', (_, cmd) => {
    // The options every command shares (yargs' own, and --debug) are documented once, not per command.
    const shared = new Set(['help', 'version', 'debug', 'V']);
    const o = declared(cmd);
    const missing = Object.keys(o.key).filter((k) => !shared.has(k) && !positionals(cmd).includes(k) && !new RegExp(`--${k}(?![\\w-])`).test(readme));
    expect(missing).toEqual([]);
    // A value counts as documented on a line that names its option.
    const lines = readme.split('\n');
    const documented = (k: string, v: string) => lines.some((l) => l.includes(`--${k}`) && new RegExp(`(^|[^\\w-])${v}([^\\w-]|$)`).test(l));
    const values = Object.entries(o.choices).filter(([k]) => !positionals(cmd).includes(k)).flatMap(([k, vs]) => vs.map((v) => [k, String(v)] as const)).filter(([k, v]) => !documented(k, v)).map(([k, v]) => `--${k} ${v}`);
    expect(values).toEqual([]);
  });
});
