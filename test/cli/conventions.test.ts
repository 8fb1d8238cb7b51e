/**
 * Issue 9, item 8: the conventions a user expects of a CLI (version, unknown commands and flags, values that
 * say what they expected, an empty window, the --fail-on gate saying why, files that are not trail files).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { fixture, OFFLINE_ROLE } from '../support/offline-fixture.js';

const ROLE = OFFLINE_ROLE;

describe('--version', () => {
  it.each([['--version'], ['-V']])('%s prints the version and the bundled catalog date', async (flag) => {
    const run = await runCli([flag]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^policy-trim \d+\.\d+\.\d+ \(catalog .+, updated \d{4}-\d{2}-\d{2}\)\n$/);
  });
});

describe('unknown commands and flags', () => {
  it('an unknown command with --help is a usage error listing the commands', async () => {
    const run = await runCli(['NOSUCHCOMMAND', '--help']);
    expect(run.code).toBe(64);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/unknown command "NOSUCHCOMMAND"/);
    for (const c of ['suggest', 'usage', 'render', 'functions', 'catalog']) expect(run.stderr).toContain(c);
  });

  it('an unknown flag is named once (not also in camelCase)', async () => {
    const dir = fixture();
    const run = await runCli(['usage', '--trail', join(dir, 'trail'), '--bogus-flag']);
    expect(run.code).toBe(64);
    expect(run.stderr).toMatch(/Unknown argument: bogus-flag\n/);
    expect(run.stderr).not.toMatch(/bogusFlag/);
  });
});

describe('values say what they expected', () => {
  it('--days abc names the value and the expected form, never NaN', async () => {
    const dir = fixture();
    const run = await runCli(['usage', '--trail', join(dir, 'trail'), '--days', 'abc']);
    expect(run.code).toBe(64);
    expect(run.stderr).toMatch(/--days "abc": expected a whole number of days/);
    expect(run.stderr).not.toMatch(/NaN/);
  });

  it('--jobs abc names the value, never NaN', async () => {
    const dir = fixture();
    const run = await runCli(['usage', '--trail', join(dir, 'trail'), '--jobs', 'abc']);
    expect(run.code).toBe(64);
    expect(run.stderr).toMatch(/--jobs "abc": expected a number/);
    expect(run.stderr).not.toMatch(/NaN/);
  });

  it.each([
    [['--since', '']],
    [['--days']],
    [['--since', '2030-01-01']],
    [['--since', '2026-10-02', '--until', '2026-10-01']],
  ])('%j is a usage error (an empty or missing window value, an empty window)', async (flags) => {
    const dir = fixture();
    const run = await runCli(['usage', '--trail', join(dir, 'trail'), ...flags]);
    expect(run.code).toBe(64);
    expect(run.stdout).toBe('');
  });

  it('a bare option that takes a value is a usage error (--format, --fail-on, --out)', async () => {
    const dir = fixture();
    for (const flags of [['--format'], ['--fail-on'], ['--out']]) {
      const run = await runCli(['suggest', '--role', ROLE, '--policy', join(dir, 'policy.json'), '--trail', join(dir, 'trail'), ...flags]);
      expect(run.code, flags.join(' ')).toBe(64);
      expect(run.stderr).toContain(`${flags[0]} needs a value`);
    }
  });
});

describe('--fail-on', () => {
  it('exit 2 says which gate tripped and how many findings', async () => {
    const dir = fixture();
    const run = await runCli(['suggest', '--role', ROLE, '--policy', join(dir, 'policy.json'), '--trail', join(dir, 'trail'), '--trail-config', join(dir, 'selectors.json'), '--fail-on', 'removable', 'denied']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--fail-on removable: [1-9]\d* unused action\(s\); exit 2/);
    expect(run.stderr).not.toMatch(/--fail-on [a-z,]*denied/);
  });
});

describe('files that are not trail files', () => {
  it('are reported as not a CloudTrail file name, not as holding no records', async () => {
    const dir = fixture();
    const run = await runCli(['usage', '--trail', join(dir, 'trail')]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('notes.txt: not a CloudTrail file name');
    expect(run.stderr).not.toMatch(/hold no records/);
  });
});
