/**
 * Issue 9, item 6: `--out` and `--report` never replace an input or each other unless `--force`, keep an
 * existing file's mode, and are replaced together or not at all. Also item 8: an unknown Condition operator
 * is kept as written, with a warning naming it.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isKnownConditionOperator } from '../../src/core/policy/conditions.js';
import { runCli } from '../support/cli.js';
import { fixture, OFFLINE_ROLE } from '../support/offline-fixture.js';

function suggestArgs(dir: string): string[] {
  return ['suggest', '--role', OFFLINE_ROLE, '--policy', join(dir, 'policy.json'), '--trail', join(dir, 'trail'), '--trail-config', join(dir, 'selectors.json')];
}

describe('--out and --report targets', () => {
  it('--out naming an input policy file is a usage error unless --force', async () => {
    const dir = fixture();
    const policy = join(dir, 'policy.json');
    const before = readFileSync(policy, 'utf8');
    const run = await runCli([...suggestArgs(dir), '--out', policy]);
    expect(run.code).toBe(64);
    expect(run.stderr).toMatch(/--out .*policy\.json would overwrite --policy/);
    expect(run.stderr).toContain('--force');
    expect(readFileSync(policy, 'utf8')).toBe(before);
    const forced = await runCli([...suggestArgs(dir), '--out', policy, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(policy, 'utf8')).not.toBe(before);
  });

  it('--out naming a file inside a --policy directory (as a relative path) is refused too', async () => {
    const dir = fixture();
    mkdirSync(join(dir, 'policies'));
    writeFileSync(join(dir, 'policies', 'p.json'), readFileSync(join(dir, 'policy.json')));
    const args = suggestArgs(dir).map((a) => (a === join(dir, 'policy.json') ? join(dir, 'policies') : a));
    const run = await runCli([...args, '--out', join(dir, 'policies', '..', 'policies', 'p.json')]);
    expect(run.code).toBe(64);
  });

  it('--out X --report X is a usage error', async () => {
    const dir = fixture();
    const run = await runCli([...suggestArgs(dir), '--out', join(dir, 'x.json'), '--report', join(dir, 'x.json')]);
    expect(run.code).toBe(64);
    expect(run.stderr).toMatch(/--report .*x\.json would overwrite --out/);
  });

  it('render FILE --out FILE is a usage error unless --force', async () => {
    const dir = fixture();
    const policy = join(dir, 'policy.json');
    expect((await runCli(['render', policy, '--format', 'yaml', '--out', policy])).code).toBe(64);
    expect((await runCli(['render', policy, '--format', 'yaml', '--out', policy, '--force'])).code).toBe(0);
    expect(readFileSync(policy, 'utf8')).toMatch(/^Version:/m);
  });
});

describe('writing', () => {
  it('overwriting a mode-600 file keeps its mode', async () => {
    const dir = fixture();
    const out = join(dir, 'secret.json');
    writeFileSync(out, 'old');
    chmodSync(out, 0o600);
    const run = await runCli([...suggestArgs(dir), '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, 'utf8')).toContain('Statement');
  });

  it('an --out that names a folder says so, and leaves no temporary file beside it', async () => {
    const dir = fixture();
    const folder = join(dir, 'policies-out');
    mkdirSync(folder);
    const run = await runCli([...suggestArgs(dir), '--out', folder]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/error \[output-not-written\]: cannot write .*policies-out: EISDIR/);
    expect(run.stderr).toContain('what to do: The path is a folder: name a file in it (for example FOLDER/policy.json).');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a --report that cannot be written leaves --out as it was, prints nothing and leaves no temporary file', async () => {
    const dir = fixture();
    const out = join(dir, 'out.json');
    writeFileSync(out, 'previous policy');
    const run = await runCli([...suggestArgs(dir), '--out', out, '--report', join(dir, 'no-such-dir', 'report.json')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/cannot write .*report\.json/);
    expect(run.stderr).toContain('what to do: The folder does not exist: create it, or name a file in a folder that does.');
    expect(readFileSync(out, 'utf8')).toBe('previous policy');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // and to stdout: nothing is printed when the report fails
    const toStdout = await runCli([...suggestArgs(dir), '--report', join(dir, 'no-such-dir', 'report.json')]);
    expect(toStdout.code).toBe(1);
    expect(toStdout.stdout).toBe('');
  });

  it('--out and --report are both written when both can be', async () => {
    const dir = fixture();
    const run = await runCli([...suggestArgs(dir), '--out', join(dir, 'o.json'), '--report', join(dir, 'r.json')]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'o.json'), 'utf8')).Statement).toBeDefined();
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).findings).toBeDefined();
  });
});

describe('unknown Condition operators', () => {
  it('are kept as written, with a warning naming them', async () => {
    const dir = fixture();
    writeFileSync(
      join(dir, 'policy.json'),
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Sid: 'Typo', Effect: 'Allow', Action: 'sqs:*', Resource: '*', Condition: { StringEqualz: { 'aws:RequestedRegion': 'us-east-1' } } }],
      }),
    );
    const run = await runCli(suggestArgs(dir));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/warning: .*policy\.json statement Typo: Condition operator "StringEqualz" is not one IAM defines/);
    expect(run.stdout).toContain('"StringEqualz"');
  });

  it('IAM operators with their prefixes and IfExists are known; Null has no IfExists', () => {
    for (const op of ['StringEquals', 'ForAnyValue:StringLike', 'ForAllValues:ArnLikeIfExists', 'Bool', 'NotIpAddress', 'Null', 'numericlessthanequals']) {
      expect(isKnownConditionOperator(op), op).toBe(true);
    }
    for (const op of ['StringEqualz', 'NullIfExists', 'ForSomeValues:StringLike', 'IfExists', '']) expect(isKnownConditionOperator(op), op).toBe(false);
  });
});
