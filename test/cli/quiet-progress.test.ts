/**
 * Issue 9, item 8: a progress line for local reads on an interactive terminal only (never in CI or when stderr is
 * not a terminal), and `--quiet`, which leaves out progress and information but never warnings, problems or errors.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { OFFLINE_ROLE, sqsSendRecord, tempDir } from '../support/offline-fixture.js';

/** A trail of 30 small files (one call each) and one broken file, a policy folder and a multi-Region config. */
function workspace(): { trail: string; policies: string; config: string } {
  const dir = tempDir('policy-trim-quiet-');
  const trail = join(dir, 'trail');
  const policies = join(dir, 'policies');
  mkdirSync(trail);
  mkdirSync(policies);
  for (let i = 0; i < 30; i++) {
    const at = `2026-10-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z`;
    writeFileSync(join(trail, `f${String(i).padStart(2, '0')}.json`), JSON.stringify({ Records: [sqsSendRecord({ eventTime: at, eventID: `e-${i}` })] }));
  }
  writeFileSync(join(trail, 'zz-broken.json'), '{"Records": [ {"eventName": ');
  writeFileSync(join(policies, 'p.json'), JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:*', Resource: '*' }] }));
  const config = join(dir, 'selectors.json');
  writeFileSync(config, JSON.stringify({ IsMultiRegionTrail: true, AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }] }));
  return { trail, policies, config };
}

const args = (w: ReturnType<typeof workspace>) => ['suggest', '--role', OFFLINE_ROLE, '--policy', w.policies, '--trail', w.trail, '--trail-config', w.config, '--jobs', '1', '--since', '2026-10-01T00:00:00Z', '--until', '2026-11-01T00:00:00Z', '--baseline', 'none'];

/** A clock that moves 250 ms at every look: each batch may draw the progress line. */
function ticking(): () => Date {
  let t = Date.parse('2026-11-23T00:00:00Z');
  return () => new Date((t += 250));
}

describe('progress of a local read', () => {
  it('draws a progress line on an interactive terminal, redrawn in place and cleared at the end', async () => {
    const run = await runCli(args(workspace()), undefined, {}, { interactive: true, clock: ticking() });
    expect(run.code, run.stderr).toBe(0);
    // files done of the files the read will open (31: 30 calls and a broken one), records, throughput, time left
    expect(run.stderr).toMatch(/\r\u001b\[2Kreading trail: \d+ of 31 file\(s\), \d+ record\(s\), [\d,]+ records\/s, ~\d+s left/);
    // the last drawn line is cleared before the summary
    expect(run.stderr).toMatch(/\r\u001b\[2Kread \d+ file\(s\)/);
  });

  it('draws nothing when stderr is not a terminal (CI, pipes), nor with --quiet', async () => {
    const w = workspace();
    const plain = await runCli(args(w), undefined, {}, { interactive: false, clock: ticking() });
    expect(plain.stderr).not.toContain('reading trail');
    const quiet = await runCli([...args(w), '--quiet'], undefined, {}, { interactive: true, clock: ticking() });
    expect(quiet.stderr).not.toContain('reading trail');
  });
});

describe('--quiet', () => {
  it('leaves out what was read and the summary, keeps the policy and the problems', async () => {
    const w = workspace();
    const loud = await runCli(args(w));
    const quiet = await runCli([...args(w), '--quiet']);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toBe(loud.stdout);
    expect(loud.stderr).toMatch(/^read \d+ file\(s\)/m);
    expect(loud.stderr).toContain('policy-trim suggest:');
    expect(quiet.stderr).not.toMatch(/^read \d+ file\(s\)/m);
    expect(quiet.stderr).not.toContain('policy-trim suggest:');
    // the broken file is a problem: still reported
    expect(quiet.stderr).toMatch(/skipped or not understood: 1/);
    expect(quiet.stderr).toContain('zz-broken.json');
  });

  it('never hides an error', async () => {
    const w = workspace();
    const run = await runCli(['suggest', '--role', OFFLINE_ROLE, '--policy', w.policies, '--trail', join(w.trail, 'no-such'), '--quiet']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no-such/);
  });
});
