/**
 * One vocabulary of gates: `suggest --fail-on` accepts exactly the values `.policy-trim.yml`'s `gate.fail-on`
 * accepts (core/config/fail-on.ts), `removable` still works as the older name of `unused`, and each condition
 * counts what its rule says (checked against the findings `--report` writes).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yargs, { type Argv } from 'yargs';
import { describe, expect, it } from 'vitest';
import { suggestCommand } from '../../src/cli/commands/suggest.js';
import { FAIL_ON_VALUES } from '../../src/core/config/fail-on.js';
import { CONFIG_SCHEMA } from '../../src/core/config/schema.js';
import { runCli } from '../support/cli.js';
import { fixture, OFFLINE_ROLE } from '../support/offline-fixture.js';
import { tryParse } from '../config/support.js';

/** `suggest` on the offline fixture (sqs:*, sns:Publish and the logging actions on `*`; one SQS SendMessage). */
function suggestArgs(dir: string, policy = join(dir, 'policy.json')): string[] {
  return ['suggest', '--role', OFFLINE_ROLE, '--policy', policy, '--trail', join(dir, 'trail'), '--trail-config', join(dir, 'selectors.json')];
}

const declaredChoices = () => (suggestCommand.builder(yargs([]) as Argv) as unknown as { getOptions(): { choices: Record<string, unknown[]> } }).getOptions().choices['fail-on'];

describe('suggest --fail-on and gate.fail-on: one vocabulary', () => {
  it('declare the same values', () => {
    expect([...(declaredChoices() ?? [])].sort()).toEqual([...FAIL_ON_VALUES].sort());
    expect([...CONFIG_SCHEMA.properties.gate.properties['fail-on'].items.enum].sort()).toEqual([...FAIL_ON_VALUES].sort());
  });

  it.each(FAIL_ON_VALUES.map((v) => [v]))('both accept %s', async (value) => {
    expect(tryParse(`version: 1\ngate:\n  fail-on: [${value}]\n`).ok).toBe(true);
    const run = await runCli([...suggestArgs(fixture()), '--fail-on', value, '--quiet']);
    expect([0, 2], run.stderr).toContain(run.code);
  });

  it.each([['removeable'], ['unused-writ'], ['Unused']])('both refuse %s', async (value) => {
    expect(tryParse(`version: 1\ngate:\n  fail-on: [${value}]\n`).ok).toBe(false);
    const run = await runCli([...suggestArgs(fixture()), '--fail-on', value]);
    expect(run.code, run.stderr).toBe(64);
    expect(run.stdout).toBe('');
  });
});

describe('suggest --fail-on conditions', () => {
  /** The removed actions of the fixture's suggestion, per access level, read from `--report`. */
  function removedByLevel(dir: string): Map<string, number> {
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { findings: { kind: string; accessLevel?: string }[] };
    const out = new Map<string, number>();
    for (const f of report.findings.filter((f) => f.kind === 'removed-action')) out.set(f.accessLevel!, (out.get(f.accessLevel!) ?? 0) + 1);
    return out;
  }

  it('unused, an access level and unused-on-star count the removed actions their rules name; removable is unused', async () => {
    const dir = fixture();
    const run = await runCli([...suggestArgs(dir), '--report', join(dir, 'report.json'), '--quiet', '--fail-on', 'removable', 'unused', 'unused-write', 'unused-on-star', 'denied']);
    const levels = removedByLevel(dir);
    const all = [...levels.values()].reduce((a, b) => a + b, 0);
    expect(levels.get('Write')).toBeGreaterThan(0);
    expect(run.code, run.stderr).toBe(2);
    // `removable` and `unused` are one gate, named as first written; every removed action was granted on *.
    expect(run.stderr).toContain(`policy-trim: --fail-on removable,unused-write,unused-on-star: ${all} unused action(s), ${levels.get('Write')} unused Write action(s), ${all} unused action(s) granted on Resource "*"; exit 2\n`);
  });

  it('unused-on-star does not trip when the unused grants name their resources', async () => {
    const dir = fixture();
    const policy = join(dir, 'scoped.json');
    writeFileSync(policy, JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: 'arn:aws:sqs:us-east-1:123456789012:jobs' }] }));
    const star = await runCli([...suggestArgs(dir, policy), '--quiet', '--fail-on', 'unused-on-star']);
    expect(star.code, star.stderr).toBe(0);
    const unused = await runCli([...suggestArgs(dir, policy), '--quiet', '--fail-on', 'unused']);
    expect(unused.code, unused.stderr).toBe(2);
  });

  it('new-drift needs a previous report: it never trips in suggest, and a warning says so (even with --quiet)', async () => {
    const run = await runCli([...suggestArgs(fixture()), '--quiet', '--fail-on', 'new-drift']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('warning: --fail-on new-drift compares with a previous report, which suggest does not read: it cannot trip here.\n');
  });
});
