/**
 * `--store DIR` on local trail files, end to end through the CLI (`cli/sources.ts`, `adapters/fs/usage-store*.ts`):
 * a second run over the same files opens none of them, a run after one more day of logs arrived reads only that
 * day's files, and every run prints the same suggestion as a run without the store.
 */
import { cpSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const EX = 'examples/orders-api/';
const DAY = 'AWSLogs/123456789012/CloudTrail/us-east-1/2026/10/31';
let dir: string;
let trail: string;
let held: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pt-store-cli-'));
  trail = join(dir, 'trail');
  cpSync(`${EX}trail`, trail, { recursive: true });
  // The last day arrives later.
  held = join(dir, 'held');
  renameSync(join(trail, DAY), held);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const suggest = (...more: string[]) =>
  runCli([
    'suggest', '--role', 'arn:aws:iam::123456789012:role/orders-api-role', '--policy', `${EX}policies`, '--trail', trail,
    '--trail-config', `${EX}trail-config.json`, '--until', '2026-11-01T00:00:00Z', '--days', '30', ...more,
  ]);

/** `usage store: N object(s) taken from …, M read` → [N, M]. */
function storeLine(stderr: string): [number, number] {
  const m = /usage store: (\d+) object\(s\) taken from .*, (\d+) read/.exec(stderr);
  expect(m, stderr).not.toBeNull();
  return [Number(m![1]), Number(m![2])];
}

describe('--store DIR on local files', () => {
  it('a second run reads no file, a run after a new day reads only its files; the suggestion never changes', async () => {
    const store = join(dir, 'store');
    const plain1 = await suggest();
    expect(plain1.code, plain1.stderr).toBe(0);
    expect(plain1.stderr).not.toMatch(/usage store/);

    const first = await suggest('--store', store);
    expect(first.code, first.stderr).toBe(0);
    const [stored1, read1] = storeLine(first.stderr);
    expect(stored1).toBe(0);
    expect(read1).toBeGreaterThan(10);
    expect(first.stdout).toBe(plain1.stdout);

    const second = await suggest('--store', store);
    expect(storeLine(second.stderr)).toEqual([read1, 0]);
    expect(second.stdout).toBe(plain1.stdout);

    renameSync(held, join(trail, DAY));
    const newFiles = readdirSync(join(trail, DAY)).length;
    const plain2 = await suggest();
    const third = await suggest('--store', store);
    expect(storeLine(third.stderr)).toEqual([read1, newFiles]);
    expect(third.stdout).toBe(plain2.stdout);
  });

  it('--quiet: no word of the store on stderr, the same suggestion', async () => {
    const quiet = await suggest('--store', join(dir, 'quiet-store'), '--quiet');
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toMatch(/usage store/);
    expect(quiet.stdout).toBe((await suggest()).stdout);
  });
});
