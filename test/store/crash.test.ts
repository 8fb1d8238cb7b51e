/**
 * Crash safety of the usage store (`adapters/fs/usage-store.ts`): a child process reading a trail through the
 * store, adding files and pruning, is killed (SIGKILL) at random moments; after each kill the store opens without
 * a warning and a read through it gives the same tally as a full read of the same files without the store.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBundledNormalizer } from '../../src/adapters/fs/bundled-mapping.js';
import { readTrailInto } from '../../src/adapters/fs/tally-read.js';
import { UsageStore } from '../../src/adapters/fs/usage-store.js';
import { readLocalThroughStore } from '../../src/adapters/fs/usage-store-local.js';
import { ActivityTally } from '../../src/core/usage/tally.js';
import { ensureBuilt } from '../support/parallel.js';
import { tallyView } from '../support/tally-view.js';

const SINCE = '2026-10-02T00:00:00Z';
const UNTIL = '2026-11-01T00:00:00Z';
const window = { since: new Date(SINCE), until: new Date(UNTIL) };
const DAY = 'AWSLogs/123456789012/CloudTrail/us-east-1/2026/10/23';
const FINGERPRINT = 'crash-test';
const CHILD = new URL('./crash-child.mjs', import.meta.url).pathname;
let dir: string;

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'pt-store-crash-'));
  cpSync('examples/orders-api/trail', join(dir, 'trail'), { recursive: true });
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the child and kills it after `ms`; resolves with what it printed (how many rounds it finished). */
function runAndKill(store: string, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, join(dir, 'trail'), DAY, store, FINGERPRINT, SINCE, UNTIL], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (out += String(d)));
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`the child ended by itself (${code}): ${out}`));
      else resolve(out);
    });
  });
}

async function plainTally(): Promise<ActivityTally> {
  const tally = new ActivityTally(loadBundledNormalizer());
  await readTrailInto([join(dir, 'trail')], tally, { window });
  return tally;
}

const view = (t: ActivityTally) => ({ ...(tallyView(t) as object), duplicates: t.duplicates });

describe('the usage store killed at random moments', () => {
  it('opens without a warning and gives the answers of a full read after every kill', async () => {
    const store = join(dir, 'store');
    const rounds: string[] = [];
    const used: number[] = [];
    for (let i = 0; i < 8; i++) {
      // From before the first read is done to several rounds in (node starts in ~150 ms here).
      rounds.push(await runAndKill(store, 250 + Math.floor(Math.random() * 2500)));
      const opened = UsageStore.open(store, FINGERPRINT);
      expect(opened.warnings).toEqual([]);
      const through = new ActivityTally(loadBundledNormalizer());
      used.push((await readLocalThroughStore(through, [join(dir, 'trail')], window, opened, loadBundledNormalizer())).fromStore);
      expect(view(through)).toEqual(view(await plainTally()));
    }
    // The kills landed after some rounds completed, not only before the first one.
    expect(rounds.some((r) => /round \d/.test(r)), rounds.join('|')).toBe(true);
    // And the reads after them took objects from the store the killed child left.
    expect(used.some((n) => n > 0), used.join(',')).toBe(true);
  }, 120_000);
});
