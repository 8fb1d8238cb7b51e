/**
 * `policy-trim drift` offline, on the fixture fleet (test/fixtures/drift/fleet: four roles in two accounts, one
 * shared by two functions, one with refused calls and an AWS-managed policy, one idle, an acknowledgement and an
 * expired one): golden reports in all four formats, the gate and its exit codes, acknowledgements, the
 * comparison with a previous report, and errors that name what to fix. `UPDATE_GOLDEN=1` rewrites the goldens.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectGolden as expectGoldenFile } from '../support/golden.js';
import type { DriftReport } from '../../src/core/drift/types.js';
import { runCli } from '../support/cli.js';
import { driftReportSchemaErrors, sarifSchemaErrors } from '../support/drift-schemas.js';
import { REPO_ROOT } from '../support/paths.js';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'drift');
const GOLDEN = join(FIXTURES, 'golden');

let fleet: string;
beforeEach(() => {
  // A copy at a folder of its own: the configuration's paths are relative to its root.
  fleet = mkdtempSync(join(tmpdir(), 'policy-trim-fleet-'));
  cpSync(join(FIXTURES, 'fleet'), fleet, { recursive: true });
});
afterEach(() => rmSync(fleet, { recursive: true, force: true }));

/** `drift` on the fleet with `extra` options (the window ends 2026-11-01; the clock says 2026-11-23). */
function drift(extra: string[]) {
  return runCli(['drift', '--config', join(fleet, '.policy-trim.yml'), '--trail', join(fleet, 'trail'), '--policy', join(fleet, 'policies'), '--until', '2026-11-01T00:00:00Z', '--days', '30', ...extra]);
}

/** The text with the temporary folder named `<fleet>`. */
const stable = (text: string): string => text.split(fleet).join('<fleet>');

/** Compares `actual` with the golden file `name` (test/support/golden.ts). */
const golden = (name: string, actual: string): void => expectGoldenFile(join(GOLDEN, name), actual);

describe('drift on the fixture fleet', () => {
  it('writes the four formats to --out-dir, each equal to its golden file', async () => {
    const out = join(fleet, 'report');
    const run = await drift(['--format', 'md', '--format', 'json', '--format', 'sarif', '--format', 'html', '--out-dir', out]);
    expect(run.stderr).toContain('drift: 4 role(s) (from config)');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    for (const ext of ['md', 'json', 'sarif', 'html']) golden(`fleet.${ext}`, stable(readFileSync(join(out, `drift.${ext}`), 'utf8')));
    expect(driftReportSchemaErrors(JSON.parse(readFileSync(join(out, 'drift.json'), 'utf8')))).toEqual([]);
    const sarif = JSON.parse(readFileSync(join(out, 'drift.sarif'), 'utf8'));
    expect(sarifSchemaErrors(sarif)).toEqual([]);
    // Every result sits in a file of the repository: the policy's file where the file says, else the role's line.
    const uris = new Set(sarif.runs[0].results.map((r: any) => r.locations[0].physicalLocation.artifactLocation.uri));
    expect([...uris].sort()).toEqual(['.policy-trim.yml', 'policies/orders-api-role/orders-api.json']);
  });

  it('reads the fleet as a reviewer needs it: shared role, refused calls, AWS-managed policy, idle role, risk order', async () => {
    const run = await drift(['--format', 'json']);
    const report = JSON.parse(run.stdout) as DriftReport;
    const byName = new Map(report.roles.map((r) => [r.roleName, r]));
    expect(report.roles.map((r) => r.roleName)).toEqual(['orders-api-role', 'payments-role', 'idle-role', 'reports-role']);
    expect(report.roles.map((r) => r.risk.rank)).toEqual([1, 2, 3, 4]);
    expect(report.accounts).toEqual(['111122223333', '444455556666']);
    const orders = byName.get('orders-api-role')!;
    expect(orders.shared).toBe(true);
    expect(orders.functions).toEqual(['orders-api', 'orders-worker']);
    expect(orders.unusedByLevel['Permissions management']).toBe(1);
    expect(orders.findings.map((f) => f.id)).toContain('UNUSED_ON_STAR[111122223333:orders-api-role][iam:PutRolePolicy]');
    expect(orders.findings.map((f) => f.id)).toContain('NARROWABLE[111122223333:orders-api-role][dynamodb:GetItem][arn:aws:dynamodb:us-east-1:111122223333:table/*]');
    // iam:PassRole is never an API call of its own: kept, with the reason, never reported unused.
    expect(orders.findings.find((f) => f.action === 'iam:PassRole')?.kind).toBe('UNOBSERVABLE');
    expect(orders.location?.definedIn).toEqual({ file: 'policies/orders-api-role/orders-api.json', line: 1, column: 1 });
    const reports = byName.get('reports-role')!;
    expect(reports.policies.find((p) => p.kind === 'aws-managed')?.arn).toBe('arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess');
    expect(reports.findings.filter((f) => f.kind === 'DENIED').map((f) => f.id)).toEqual(['DENIED[111122223333:reports-role][s3:PutObject][arn:aws:s3:::reports-111122223333/out/summary.csv]']);
    expect(reports.findings.find((f) => f.kind === 'DENIED')?.attempts).toMatchObject({ count: 9, errorCodes: ['AccessDenied'], sessions: ['reports'], grantedByPolicies: false });
    const idle = byName.get('idle-role')!;
    expect(idle.records).toBe(0);
    expect(idle.lastUsed).toBeUndefined();
    expect(idle.findings.map((f) => f.id)).toEqual(['UNUSED[111122223333:idle-role][s3:DeleteObject]', 'UNOBSERVABLE[111122223333:idle-role][sns:Publish][*]']);
    // The totals are the sums of the roles.
    expect(report.totals.unused).toBe(report.roles.reduce((n, r) => n + r.unused, 0));
    expect(report.totals.sharedRoles).toBe(1);
  });

  it('marks findings an acknowledgement holds; an expired one is listed and its findings count again', async () => {
    const run = await drift(['--format', 'json', '--fail-on', 'unused-list,denied']);
    const report = JSON.parse(run.stdout) as DriftReport;
    const reports = report.roles.find((r) => r.roleName === 'reports-role')!;
    const list = reports.findings.filter((f) => f.kind === 'UNUSED' && f.accessLevel === 'List');
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((f) => f.acknowledged?.reason === 'AWS-managed read-only policy, replaced next quarter')).toBe(true);
    expect(report.expiredAcknowledgements).toEqual([{ pattern: 'DENIED[111122223333:reports-role][*]', reason: 'migration window', until: '2026-10-15' }]);
    expect(reports.findings.find((f) => f.kind === 'DENIED')?.acknowledged).toBeUndefined();
    // unused-list: every one acknowledged → 0; denied: the expired acknowledgement holds nothing → 1.
    expect(report.gate).toEqual({ failOn: ['unused-list', 'denied'], counts: [{ condition: 'unused-list', count: 0 }, { condition: 'denied', count: 1 }], tripped: true });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--fail-on unused-list,denied: denied: 1; exit 2');
  });

  it('exits 0 when no gate counts an unacknowledged finding; the file\'s gate applies without --fail-on', async () => {
    expect((await drift(['--format', 'json', '--fail-on', 'unused-list'])).code).toBe(0);
    const config = join(fleet, '.policy-trim.yml');
    writeFileSync(config, readFileSync(config, 'utf8') + 'gate:\n  fail-on: [unused-permissions-management]\n');
    const run = await drift(['--format', 'json']);
    expect(run.code).toBe(2);
    expect((JSON.parse(run.stdout) as DriftReport).gate.counts).toEqual([{ condition: 'unused-permissions-management', count: 1 }]);
    // The flag replaces the file's gate.
    expect((await drift(['--format', 'json', '--fail-on', 'unused-list'])).code).toBe(0);
  });

  it('compares with a previous report: newly unused, newly used, new and removed roles, policy changes; new-drift gates', async () => {
    const first = await drift(['--format', 'json']);
    const previous = JSON.parse(first.stdout) as DriftReport;
    // What the previous run saw differently: the idle role did not exist, a retired role did, orders' GetItem was
    // unused and its PutRolePolicy not granted, payments' policy read otherwise.
    previous.roles = previous.roles.filter((r) => r.roleName !== 'idle-role');
    previous.roles.push({ ...previous.roles[0]!, roleArn: 'arn:aws:iam::111122223333:role/retired-role', roleName: 'retired-role', findings: [] });
    const orders = previous.roles.find((r) => r.roleName === 'orders-api-role')!;
    orders.findings = orders.findings.filter((f) => f.action !== 'iam:PutRolePolicy');
    orders.findings.push({ ...orders.findings[0]!, id: 'UNUSED[111122223333:orders-api-role][dynamodb:GetItem]', action: 'dynamodb:GetItem' });
    previous.roles.find((r) => r.roleName === 'payments-role')!.policies[0]!.sha256 = '0'.repeat(64);
    const file = join(fleet, 'previous.json');
    writeFileSync(file, JSON.stringify(previous));

    const run = await drift(['--format', 'json', '--previous-report', file, '--fail-on', 'new-drift']);
    const report = JSON.parse(run.stdout) as DriftReport;
    expect(report.comparison).toEqual({
      previousGeneratedAt: '2026-11-23T00:00:00.000Z',
      newlyUnused: ['UNUSED[111122223333:orders-api-role][iam:PutRolePolicy]'],
      newlyUsed: ['UNUSED[111122223333:orders-api-role][dynamodb:GetItem]'],
      newRoles: ['arn:aws:iam::111122223333:role/idle-role'],
      removedRoles: ['arn:aws:iam::111122223333:role/retired-role'],
      policyChanges: [{ roleArn: 'arn:aws:iam::444455556666:role/payments-role', added: [], removed: [], changed: ['payments.json'] }],
    });
    const putRolePolicy = report.roles[0]!.findings.filter((f) => f.action === 'iam:PutRolePolicy');
    expect(putRolePolicy.every((f) => f.new === true)).toBe(true);
    // Findings of a role new since then are not "new" one by one: the role is.
    expect(report.roles.find((r) => r.roleName === 'idle-role')!.findings.some((f) => f.new)).toBe(false);
    expect(report.gate.counts).toEqual([{ condition: 'new-drift', count: 2 }]);
    expect(run.code).toBe(2);
  });

  it('refuses a previous report that is not one, naming the file', async () => {
    const file = join(fleet, 'not-a-report.json');
    writeFileSync(file, JSON.stringify({ Records: [] }));
    const run = await drift(['--format', 'json', '--previous-report', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`[previous-report-invalid]: ${file}: not a drift report`);
    expect(run.stdout).toBe('');
    // A report of this version that breaks the published schema is refused too, naming where.
    const good = JSON.parse((await drift(['--format', 'json'])).stdout) as DriftReport;
    good.roles[0]!.findings[0]!.id = 'UNUSED[not-an-id]';
    const broken = join(fleet, 'broken.json');
    writeFileSync(broken, JSON.stringify(good));
    const refused = await drift(['--format', 'json', '--previous-report', broken]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${broken}: does not follow docs/drift-report.schema.json: /roles/0/findings/0/id must match pattern`);
  });

  it('reports a role it cannot analyse with its error, goes on with the others, and exits 1', async () => {
    const run = await drift(['--format', 'json', '--roles', 'orders-api-role,ghost-role']);
    const report = JSON.parse(run.stdout) as DriftReport;
    expect(report.roles.map((r) => r.roleName)).toEqual(['orders-api-role', 'ghost-role']);
    expect(report.roles[1]!.error?.code).toBe('policy-file-invalid');
    // Still a report of the published shape: the unknown account is empty, the ARN the name as given.
    expect(report.roles[1]).toMatchObject({ account: '', roleArn: 'ghost-role' });
    expect(report.accounts).toEqual(['111122223333']);
    expect(driftReportSchemaErrors(report)).toEqual([]);
    expect(run.stderr).toContain('not analysed: ghost-role: [policy-file-invalid]');
    expect(run.code).toBe(1);
  });

  it('without the file, roles come from --policy\'s folders and functions from sessions the Lambda runtime called in', async () => {
    rmSync(join(fleet, '.policy-trim.yml'));
    const trailFile = join(fleet, 'trail', 'AWSLogs', '111122223333', 'CloudTrail', 'us-east-1', '2026', '10', '31', '111122223333_CloudTrail_us-east-1_20261031T2355Z_fleet.json');
    const trail = JSON.parse(readFileSync(trailFile, 'utf8')) as { Records: Record<string, any>[] };
    const person = structuredClone(trail.Records.find((r) => r.userIdentity.arn.endsWith('/orders-api'))!);
    person.eventID = 'person-1';
    person.userAgent = 'aws-cli/2.17.20 os/macos';
    person.userIdentity.arn = person.userIdentity.arn.replace('/orders-api', '/alice');
    trail.Records.push(person);
    writeFileSync(trailFile, JSON.stringify(trail));
    const run = await runCli(['drift', '--dir', fleet, '--trail', join(fleet, 'trail'), '--trail-config', join(fleet, 'trail-config.json'), '--policy', join(fleet, 'policies'), '--until', '2026-11-01T00:00:00Z', '--days', '30', '--format', 'json']);
    expect(run.stderr).toContain('drift: 4 role(s) (from --policy)');
    const report = JSON.parse(run.stdout) as DriftReport;
    expect(report.roles.find((r) => r.roleName === 'orders-api-role')!.functions).toEqual(['orders-api', 'orders-worker']);
    // A role no call named: its account is unknown offline, so it is reported with that error.
    expect(report.roles.find((r) => r.roleName === 'idle-role')!.error?.code).toBe('drift-role-account-unknown');
    expect(run.code).toBe(1);
  });

  it('will not write a report over an input (the previous report, the configuration) unless --force', async () => {
    const previous = join(fleet, 'previous.json');
    writeFileSync(previous, (await drift(['--format', 'json'])).stdout);
    const kept = readFileSync(previous, 'utf8');
    const over = await drift(['--format', 'json', '--previous-report', previous, '--out', previous]);
    expect(over.code).toBe(64);
    expect(over.stderr).toContain(`--out ${previous} would overwrite --previous-report ${previous}`);
    expect(readFileSync(previous, 'utf8')).toBe(kept);
    const config = join(fleet, '.policy-trim.yml');
    const configText = readFileSync(config, 'utf8');
    const intoConfig = await drift(['--format', 'md', '--out', config]);
    expect(intoConfig.code).toBe(64);
    expect(intoConfig.stderr).toContain(`would overwrite --config ${config}`);
    expect(readFileSync(config, 'utf8')).toBe(configText);
    // --out-dir: drift.json there is the previous report.
    const dirPrevious = join(fleet, 'drift.json');
    writeFileSync(dirPrevious, kept);
    const intoDir = await drift(['--format', 'json', '--format', 'md', '--out-dir', fleet, '--previous-report', dirPrevious]);
    expect(intoDir.code).toBe(64);
    expect(intoDir.stderr).toContain(`--out-dir ${dirPrevious} would overwrite --previous-report ${dirPrevious}`);
    const forced = await drift(['--format', 'json', '--previous-report', previous, '--out', previous, '--force']);
    expect(forced.code).toBe(0);
    expect((JSON.parse(readFileSync(previous, 'utf8')) as DriftReport).comparison).toBeDefined();
  });

  it('usage errors: several formats without --out-dir, an unknown format or --fail-on word', async () => {
    const several = await drift(['--format', 'md', '--format', 'json']);
    expect(several.code).toBe(64);
    expect(several.stderr).toContain('2 formats asked for (md, json): name a folder with --out-dir DIR');
    expect((await drift(['--format', 'pdf'])).stderr).toContain('--format pdf: expected one of md, json, sarif, html');
    // A report drops nothing and writes no policy: suggest's --drop-unobservable and --target are not drift's.
    expect((await drift(['--drop-unobservable'])).code).toBe(64);
    const word = await drift(['--fail-on', 'unused,bogus']);
    expect(word.code).toBe(64);
    expect(word.stderr).toContain('--fail-on bogus: expected one of');
  });
});
