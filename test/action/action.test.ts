/**
 * The GitHub Action, tested through its bundle (scripts/build-action.mjs's action/index.mjs, run by node from
 * a tree without node_modules/, as a release tag is), in the environment the runner sets: the inputs as
 * INPUT_*, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and RUNNER_TEMP.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_OUTPUTS } from '../../src/action/run.js';
import { splitArgs } from '../../src/action/inputs.js';
import { escapeData, outputsText } from '../../src/action/workflow.js';
import { REPO_ROOT } from '../support/paths.js';
import { buildReleasedTree, parseGithubOutput, removeTemp, runBundle, type ActionRun, type ReleasedTree } from './harness.js';

/** `suggest` on the bundled example (package.json's `example` script), through the `args` input. */
const EXAMPLE_ARGS =
  '--role arn:aws:iam::123456789012:role/orders-api-role --policy examples/orders-api/policies --trail examples/orders-api/trail ' +
  '--trail-config examples/orders-api/trail-config.json --until 2026-11-01T00:00:00Z --days 30';

let tree: ReleasedTree;
const temps: string[] = [];

beforeAll(() => {
  tree = buildReleasedTree();
}, 180_000);

afterAll(() => {
  for (const d of [tree?.root, ...temps]) if (d) removeTemp(d);
});

/** Runs the bundle and keeps its runner folder for cleanup. */
function run(inputs: Record<string, string>, workspace?: string): ActionRun {
  const r = runBundle(tree, inputs, workspace);
  temps.push(r.runnerTemp);
  return r;
}

/** The workflow commands (`::name ...::message`) in stdout outside a `::stop-commands::` region. */
function activeCommands(stdout: string): string[] {
  const out: string[] = [];
  let stopped: string | undefined;
  for (const line of stdout.split('\n')) {
    if (stopped) {
      if (line === `::${stopped}::`) stopped = undefined;
      continue;
    }
    const stop = /^::stop-commands::(.+)$/.exec(line);
    if (stop) stopped = stop[1];
    else if (line.startsWith('::')) out.push(line);
  }
  return out;
}

describe('the action bundle', () => {
  it('runs a command given through `args`, writes every output once in the multiline form, and exits as the CLI does', () => {
    const r = run({ command: 'suggest', args: EXAMPLE_ARGS, formats: 'md,json,sarif,html' });
    expect(r.stderr).toContain('policy-trim suggest: arn:aws:iam::123456789012:role/orders-api-role');
    expect(r.status).toBe(0);
    expect([...r.outputs.keys()]).toEqual([...ACTION_OUTPUTS]);
    expect(r.outputs.get('exit-code')).toBe('0');
    expect(r.outputs.get('gate-tripped')).toBe('false');
    // suggest writes no drift report: no paths, no counts, nothing in the summary.
    for (const name of ['report-dir', 'markdown', 'json', 'sarif', 'html', 'roles', 'unused', 'denied']) expect(r.outputs.get(name), name).toBe('');
    expect(r.summary).toBe('');
    // Every value is written as name<<DELIMITER with a fresh random delimiter.
    const delimiters = [...r.outputText.matchAll(/^[a-z-]+<<(.+)$/gm)].map((m) => m[1]);
    expect(delimiters).toHaveLength(ACTION_OUTPUTS.length);
    expect(new Set(delimiters).size).toBe(delimiters.length);
  });

  it("prints the CLI's output inside ::stop-commands::, so a value from a log cannot act as a workflow command", () => {
    const r = run({ command: 'suggest', args: EXAMPLE_ARGS });
    const stop = /^::stop-commands::(.+)$/m.exec(r.stdout);
    expect(stop).not.toBeNull();
    const [before, inside] = r.stdout.split(`::stop-commands::${stop![1]}\n`);
    expect(before).toBe('');
    const [policy, after] = inside!.split(`::${stop![1]}::\n`);
    expect(JSON.parse(policy!).Version).toBe('2012-10-17');
    expect(after).toBe('');
    expect(activeCommands(r.stdout)).toEqual([]);
  });

  it('fails the step with exit 2 and an ::error:: annotation when a --fail-on gate trips', () => {
    const r = run({ command: 'suggest', args: `${EXAMPLE_ARGS} --fail-on unused` });
    expect(r.status).toBe(2);
    expect(r.outputs.get('exit-code')).toBe('2');
    expect(r.outputs.get('gate-tripped')).toBe('true');
    expect(activeCommands(r.stdout)).toEqual(['::error title=policy-trim suggest::policy-trim suggest: the fail-on gate tripped; the reports are written (see the job summary)']);
  });

  it("turns the CLI's error into an escaped ::error:: annotation and exits with its code", () => {
    const r = run({ command: 'suggest', args: '--role orders-api-role --policy examples/orders-api/policies --trail does/not/exist%20here' });
    expect(r.status).toBe(1);
    expect(r.outputs.get('exit-code')).toBe('1');
    const errors = activeCommands(r.stdout);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^::error title=policy-trim suggest::policy-trim: error \[[a-z-]+\]: .*does\/not\/exist%2520here/);
  });

  it('refuses a bad input before running anything, with an escaped ::error:: and the usage exit code', () => {
    const r = run({ command: 'drift', days: 'abc' });
    expect(r.status).toBe(64);
    expect(r.stdout).toBe('::error title=policy-trim::input days: expected a whole number of days (1 or more), got "abc"\n');
    expect(r.outputs.get('exit-code')).toBe('64');
    expect(r.outputs.get('gate-tripped')).toBe('false');
    const pct = run({ command: 'drift', formats: 'md,100%\nhtml' });
    expect(pct.status).toBe(64);
    expect(pct.stdout).toBe('::error title=policy-trim::input formats: unknown format "100%25"; the formats are md, json, sarif, html\n');
  });
});

describe('the action helpers', () => {
  it('splits `args` like a shell splits plain words, quotes kept together', () => {
    expect(splitArgs(` --trail "a b" --x 'c "d"'\n--y e\\ f ""`)).toEqual(['--trail', 'a b', '--x', 'c "d"', '--y', 'e f', '']);
    expect(() => splitArgs('--x "open')).toThrow(/unterminated/);
  });

  it('escapes workflow command data and writes outputs the runner reads back exactly', () => {
    expect(escapeData('a%b\r\nc')).toBe('a%25b%0D%0Ac');
    const text = outputsText([
      ['one', 'line'],
      ['many', 'first\nsecond'],
      ['empty', ''],
    ]);
    expect([...parseGithubOutput(text)]).toEqual([
      ['one', 'line'],
      ['many', 'first\nsecond'],
      ['empty', ''],
    ]);
    expect(() => outputsText([['x', 'ends with D']], () => 'D')).toThrow(/delimiter/);
  });
});

/** The drift command exists once src/cli/commands/drift.ts lands; until then this case is skipped. */
const DRIFT_READY = existsSync(join(REPO_ROOT, 'src', 'cli', 'commands', 'drift.ts'));
const FLEET = 'test/fixtures/drift/fleet';
// --trail-config is given because the fixture's `activity.trail-config` is relative to the fleet folder, and the
// CLI reads paths in .policy-trim.yml from the repository root (docs/configuration.md).
const DRIFT_INPUTS = {
  command: 'drift',
  config: `${FLEET}/.policy-trim.yml`,
  days: '30',
  formats: 'md,json,sarif,html',
  'out-dir': '$RUNNER_TEMP/out',
  args: `--trail-config ${FLEET}/trail-config.json --trail ${FLEET}/trail --policy ${FLEET}/policies --until 2026-11-01T00:00:00Z`,
};

describe.skipIf(!DRIFT_READY)('the action running drift on the fixture fleet', () => {
  it('appends the Markdown report to the job summary and sets each output from drift.json', () => {
    const r = run({ ...DRIFT_INPUTS, 'fail-on': '' });
    expect(r.stderr).not.toMatch(/policy-trim: (internal )?error/);
    expect(r.status).toBe(0);
    const dir = join(r.runnerTemp, 'out');
    expect(r.outputs.get('report-dir')).toBe(dir);
    for (const [output, file] of [['markdown', 'drift.md'], ['json', 'drift.json'], ['sarif', 'drift.sarif'], ['html', 'drift.html']] as const) {
      expect(r.outputs.get(output)).toBe(join(dir, file));
      expect(existsSync(join(dir, file)), file).toBe(true);
    }
    expect(r.summary).toBe(readFileSync(join(dir, 'drift.md'), 'utf8'));
    const report = JSON.parse(readFileSync(join(dir, 'drift.json'), 'utf8'));
    expect(r.outputs.get('roles')).toBe(String(report.totals.roles));
    expect(r.outputs.get('unused')).toBe(String(report.totals.unused));
    expect(r.outputs.get('unused-permissions-management')).toBe(String(report.totals.unusedByLevel['Permissions management']));
    expect(r.outputs.get('unused-write')).toBe(String(report.totals.unusedByLevel.Write));
    expect(r.outputs.get('unused-on-star')).toBe(String(report.totals.unusedOnStar));
    expect(r.outputs.get('denied')).toBe(String(report.totals.denied));
    expect(r.outputs.get('gate-tripped')).toBe('false');
    expect(r.outputs.get('exit-code')).toBe('0');
    expect(report.totals.roles).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(join(dir, 'drift.sarif'), 'utf8')).version).toBe('2.1.0');
  });

  it('exits 2 with the reports written when the fail-on gate trips, and reads a previous report', () => {
    const first = run({ ...DRIFT_INPUTS, 'fail-on': '' });
    const previous = join(first.runnerTemp, 'out', 'drift.json');
    const r = run({ ...DRIFT_INPUTS, 'fail-on': 'unused', 'previous-report': previous });
    const report = JSON.parse(readFileSync(r.outputs.get('json')!, 'utf8'));
    expect(report.totals.unused).toBeGreaterThan(0);
    expect(report.gate.tripped).toBe(true);
    expect(report.comparison?.previousGeneratedAt).toBeDefined();
    expect(r.status).toBe(2);
    expect(r.outputs.get('gate-tripped')).toBe('true');
    expect(r.outputs.get('exit-code')).toBe('2');
    expect(r.summary.length).toBeGreaterThan(0);
    expect(activeCommands(r.stdout)).toEqual([expect.stringMatching(/^::error title=policy-trim drift::policy-trim drift: the fail-on gate tripped: unused \d+/)]);
  });
});
