/**
 * Issue 9, item 3: inputs that are missing must not pass quietly. A `--trail` path that does not exist is an
 * error (exit 1) before anything is read, with nothing on stdout, unless `--allow-missing`; a run that could
 * read no record from any input is an error; per-file problems inside a readable input are reported and skipped.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { OFFLINE_ROLE, sqsSendRecord, tempDir } from '../support/offline-fixture.js';

const ROLE = OFFLINE_ROLE;

const record = sqsSendRecord;

/** A trail folder with one good file and one broken file, and a policy folder. */
function fixture(): { dir: string; trail: string; policies: string } {
  const dir = tempDir('policy-trim-missing-');
  const trail = join(dir, 'trail');
  const policies = join(dir, 'policies');
  mkdirSync(trail);
  mkdirSync(policies);
  writeFileSync(join(trail, 'a.json'), JSON.stringify({ Records: [record(), record({ eventTime: '2026-10-11T10:00:00Z' })] }));
  writeFileSync(join(trail, 'broken.json'), '{"Records": [ {"eventName": ');
  writeFileSync(join(policies, 'p.json'), JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }] }));
  return { dir, trail, policies };
}

describe('a --trail path that does not exist', () => {
  it('suggest: exit 1 naming the path, before anything is read, nothing on stdout', async () => {
    const f = fixture();
    const typo = join(f.dir, 'trial');
    // The policy path is also missing: the trail check comes first, so nothing (not even the policies) was read.
    const run = await runCli(['suggest', '--role', ROLE, '--policy', join(f.dir, 'no-policies'), '--trail', f.trail, '--trail', typo]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('[input-not-found]');
    expect(run.stderr).toContain(typo);
    expect(run.stderr).toContain('--allow-missing');
    expect(run.stderr).not.toMatch(/^read \d+ file/m);
  });

  it('suggest --allow-missing: reads the others and reports the missing one', async () => {
    const f = fixture();
    const typo = join(f.dir, 'trial');
    const run = await runCli(['suggest', '--role', ROLE, '--policy', f.policies, '--trail', f.trail, '--trail', typo, '--allow-missing']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).Statement.length).toBeGreaterThan(0);
    expect(run.stderr).toContain(typo);
    expect(run.stderr).toMatch(/not-found/);
  });

  it('usage: exit 1 naming the path, nothing on stdout; --allow-missing goes on', async () => {
    const f = fixture();
    const typo = join(f.dir, 'trial');
    const run = await runCli(['usage', '--trail', f.trail, '--trail', typo]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(typo);
    const allowed = await runCli(['usage', '--trail', f.trail, '--trail', typo, '--allow-missing']);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain(ROLE);
  });
});

describe('a run in which no record could be read', () => {
  it('usage: every input missing (allowed) is still an error', async () => {
    const f = fixture();
    const run = await runCli(['usage', '--trail', join(f.dir, 'a'), '--trail', join(f.dir, 'b'), '--allow-missing']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('[no-records]');
  });

  it('usage and suggest: every input bad is an error, and the summary says why', async () => {
    const f = fixture();
    const bad = join(f.dir, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'x.json'), 'not json');
    writeFileSync(join(bad, 'y.json'), '{"Records": 3}');
    const usage = await runCli(['usage', '--trail', bad]);
    expect(usage.code).toBe(1);
    expect(usage.stdout).toBe('');
    expect(usage.stderr).toContain('[no-records]');
    expect(usage.stderr).toContain('x.json');
    const suggest = await runCli(['suggest', '--role', ROLE, '--policy', f.policies, '--trail', bad, '--allow-no-activity']);
    expect(suggest.code).toBe(1);
    expect(suggest.stdout).toBe('');
    expect(suggest.stderr).toContain('[no-records]');
  });

  it('per-file problems inside a readable input are reported and skipped', async () => {
    const f = fixture();
    const run = await runCli(['usage', '--trail', f.trail]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('broken.json');
  });

  it('a window that excludes every file is not an input error', async () => {
    const f = fixture();
    const run = await runCli(['usage', '--trail', f.trail, '--since', '2026-11-01T00:00:00Z', '--format', 'json']);
    expect(run.code).toBe(0);
  });
});
