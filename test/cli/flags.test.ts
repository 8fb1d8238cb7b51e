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
    ['suggest', ['--fail-on', 'removeable'], ['removable', 'narrowable', 'denied']],
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
  file: 'positional: a path', what: 'positional with choices', patterns: 'positional: action patterns',
};

describe('option audit', () => {
  it('every option is boolean, has choices, or is a known free-form option', () => {
    const unchecked: string[] = [];
    for (const cmd of [suggestCommand, usageCommand, renderCommand, functionsCommand, catalogCommand]) {
      const y = cmd.builder(yargs([]) as Argv);
      const o = (y as unknown as { getOptions(): { key: Record<string, unknown>; boolean: string[]; choices: Record<string, unknown> } }).getOptions();
      for (const key of Object.keys(o.key)) {
        if (o.boolean.includes(key) || key in o.choices || key in FREE_FORM) continue;
        unchecked.push(`${cmd.command.split(' ')[0]} --${key}`);
      }
    }
    expect(unchecked).toEqual([]);
  });
});

describe('README', () => {
  it('lists the baselines the knowledge has', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const n of loadBundledCloudTrailKnowledge().baselineNames()) expect(readme).toContain(n);
  });
});
