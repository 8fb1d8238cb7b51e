/**
 * `pr` and `drift` reading their activity through Athena (moto's, started and stopped here on a free loopback
 * port; the rows are those the usage query gives on the embedded engine over the example trail, queued in moto):
 * `activity.athena` of `.policy-trim.yml` is read like the `--athena` flags, and what each command prints is
 * what it prints from the example's files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { EXAMPLE_DIR as EX, EXAMPLE_ROLE as ROLE, examplePolicySources, exampleRows, queueAthenaResult } from '../support/athena-results.js';
import { seedExample, startMoto, useFakeAwsEnv, type MotoServer } from '../support/moto.js';
import { tempDir } from '../support/offline-fixture.js';
import { CONFIG, infraRepo, runPr } from '../cli/pr-fixture.js';

const WINDOW = ['--until', '2026-11-01T00:00:00Z', '--days', '30'];
const SINCE = '2026-10-02T00:00:00Z';
const UNTIL = '2026-11-01T00:00:00Z';

let moto: MotoServer;
let restoreEnv: () => void;

beforeAll(async () => {
  restoreEnv = useFakeAwsEnv();
  moto = await startMoto();
  // The example's trail (for its event selectors, read through --trail-name / activity.athena's trail-name).
  await seedExample(moto.endpoint);
});

afterAll(async () => {
  await moto?.stop();
  restoreEnv?.();
});

describe('pr with activity.athena in .policy-trim.yml', () => {
  it('reads the activity through Athena and prints the dry run it prints from the files', async () => {
    // Given the pull-request repository, its file naming the Athena table, and moto holding the query's rows
    const athenaConfig = `${CONFIG}activity:\n  athena: { table: trails.cloudtrail_logs, workgroup: primary, output: 's3://athena-results/q/' }\n  trail-name: orders-audit\n`;
    const viaAthenaRepo = infraRepo();
    viaAthenaRepo.write({ '.policy-trim.yml': athenaConfig });
    viaAthenaRepo.git(viaAthenaRepo.work, 'commit', '--quiet', '-am', 'read the trail through Athena');
    await queueAthenaResult(moto.endpoint, await exampleRows({ since: SINCE, until: UNTIL, eventSources: await examplePolicySources() }));
    // When pr runs on it (no activity flag: the file's), and on a twin repository from the example's files
    const env = { ...repoAwsEnv(), ...viaAthenaRepo.env };
    const viaAthena = await runCli(['pr', '--dir', viaAthenaRepo.work, '--role', ROLE, '--dry-run', '--region', 'us-east-1', '--endpoint-url', moto.endpoint, ...WINDOW], undefined, env);
    const viaFiles = await runPr(infraRepo(), ['--role', ROLE, '--dry-run']);
    // Then the query ran, and the edits and the pull request's title are the same (its body differs where the
    // run with an endpoint also read the live role, and in the records counted: Athena returns only the role's)
    expect(viaAthena.code, viaAthena.stderr).toBe(0);
    expect(viaFiles.code, viaFiles.stderr).toBe(0);
    expect(viaAthena.stderr).toMatch(/athena: query [0-9a-f-]{36}: scanned/);
    expect(diffAndTitle(viaAthena.stdout)).toBe(diffAndTitle(viaFiles.stdout));
    expect(diffAndTitle(viaAthena.stdout)).toMatch(/^diff --git a\/infra\/iam\.tf b\/infra\/iam\.tf/);
  }, 90_000);
});

describe('drift --athena', () => {
  it('reports the role as it does from the files', async () => {
    // Given a one-role fleet (the example's policies) and moto holding the rows of the role's activity
    const fleet = tempDir('pt-drift-athena-');
    mkdirSync(join(fleet, 'orders-api-role'));
    cpSync(`${EX}policies`, join(fleet, 'orders-api-role'), { recursive: true });
    await queueAthenaResult(moto.endpoint, await exampleRows({ since: SINCE, until: UNTIL }));
    // When drift reads it through Athena (selectors from the trail) and from the files
    const out = (dir: string) => ['--format', 'json', '--out-dir', dir];
    const athenaOut = tempDir('pt-drift-athena-out-');
    const filesOut = tempDir('pt-drift-files-out-');
    const viaAthena = await runCli(['drift', '--roles', ROLE, '--policy', fleet, '--athena', 'trails.cloudtrail_logs', '--trail-name', 'orders-audit', '--region', 'us-east-1', '--endpoint-url', moto.endpoint, ...WINDOW, ...out(athenaOut)]);
    const viaFiles = await runCli(['drift', '--roles', ROLE, '--policy', fleet, '--trail', `${EX}trail`, '--trail-config', `${EX}trail-config.json`, ...WINDOW, ...out(filesOut)]);
    // Then the role's drift is the same
    expect(viaAthena.code, viaAthena.stderr).toBe(0);
    expect(viaFiles.code, viaFiles.stderr).toBe(0);
    expect(viaAthena.stderr).toMatch(/athena: query [0-9a-f-]{36}: scanned/);
    // (the reasons name where the trail's event selectors came from: a file for one, the trail for the other)
    const roles = (dir: string) =>
      (JSON.parse(readFileSync(join(dir, 'drift.json'), 'utf8').replaceAll(`${EX}trail-config.json`, SELECTORS).replaceAll('trail orders-audit (cloudtrail:GetEventSelectors)', SELECTORS)) as { roles: unknown[] }).roles;
    expect(roles(athenaOut)).toEqual(roles(filesOut));
  }, 90_000);
});

/** The fake AWS environment's variables for a child run (pr runs in a repository's own environment). */
function repoAwsEnv(): Record<string, string> {
  const keys = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_EC2_METADATA_DISABLED'];
  return Object.fromEntries(keys.flatMap((k) => (process.env[k] !== undefined ? [[k, process.env[k]!]] : [])));
}

/** What both drift runs' reasons say for where the selectors came from. */
const SELECTORS = '<the trail\'s event selectors>';

/** The dry run's diff of every edited file and the pull request's title. */
function diffAndTitle(stdout: string): string {
  const title = stdout.indexOf('# Title: ');
  return stdout.slice(stdout.indexOf('diff --git'), stdout.indexOf('\n', title));
}
