/**
 * The parallel trail reader: same results as reading in one thread (CLI JSON output and stderr summary, the
 * whole tally: ledger, counts and their key order, problem examples), nothing lost across threads, and clean
 * failure when a worker dies.
 */
import { tallyView } from '../support/tally-view.js';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBundledNormalizer } from '../../src/adapters/fs/bundled-mapping.js';
import { ParallelReadError, readTrailParallel } from '../../src/adapters/fs/parallel-pool.js';
import { readTrail } from '../../src/adapters/fs/trail-reader.js';
import { collectActivity } from '../../src/cli/activity.js';
import { ActivityTally, PROBLEM_EXAMPLES_PER_CODE, type ActivityResult } from '../../src/core/usage/tally.js';
import { parseTimeWindow } from '../../src/core/usage/time-window.js';
import type { UsageLedger } from '../../src/core/usage/ledger.js';
import { DIST_WORKER, ensureBuilt, ROOT, writeProblemTrail } from '../support/parallel.js';

const run = promisify(execFile);
const WINDOW = ['--since', '2026-10-01T00:00:00Z', '--until', '2026-11-01T00:00:00Z'];
const window = parseTimeWindow({ since: '2026-10-01T00:00:00Z', until: '2026-11-01T00:00:00Z' }, new Date('2026-11-02T00:00:00Z'));

let dir: string;
let trail: string;
const missing = () => join(dir, 'no-such-folder');

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'pt-parallel-'));
  trail = writeProblemTrail(join(dir, 'trail'));
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));



async function serial() {
  const tally = new ActivityTally(loadBundledNormalizer());
  const read = readTrail([trail, missing()], { window });
  for await (const batch of read.batches()) for (const item of batch) tally.add(item);
  return { result: tally, stats: read.stats };
}

describe('bin/policy-trim usage --jobs', () => {
  it('prints the same JSON and the same summary with --jobs 1 and --jobs 2 on a trail with problems', async () => {
    const cli = (jobs: string) =>
      run(process.execPath, [join(ROOT, 'bin', 'policy-trim'), 'usage', '--trail', trail, missing(), ...WINDOW, '--format', 'json', '--jobs', jobs, '--allow-missing'], { cwd: ROOT });
    const [one, two, three] = await Promise.all([cli('1'), cli('2'), cli('3')]);
    expect(two.stdout).toBe(one.stdout);
    expect(two.stderr).toBe(one.stderr);
    expect(three.stdout).toBe(one.stdout);
    // The trail really has what the test is about: several principals and problems of several codes.
    const out = JSON.parse(one.stdout) as { principals: unknown[]; summary: { skipped: Record<string, number>; calls: number; filesRead: number } };
    expect(out.principals.length).toBe(2);
    expect(out.summary.filesRead).toBe(14);
    expect(Object.keys(out.summary.skipped).sort()).toEqual(
      expect.arrayContaining(['gzip-truncated', 'missing-field', 'not-a-record', 'not-found', 'not-json', 'unknown-action']),
    );
    expect(out.summary.skipped['unknown-action']).toBeGreaterThan(PROBLEM_EXAMPLES_PER_CODE);
    expect(one.stderr).toContain('more not shown');
  }, 120_000);

  it('rejects a --jobs that is not a whole number of 1 or more', async () => {
    const err = await run(process.execPath, [join(ROOT, 'bin', 'policy-trim'), 'usage', '--trail', trail, '--jobs', '0'], { cwd: ROOT }).catch((e: { code: number; stderr: string }) => e);
    expect((err as { code: number }).code).not.toBe(0);
    expect((err as { stderr: string }).stderr).toContain('--jobs');
  }, 60_000);
});

describe('readTrailParallel', () => {
  it('merges to exactly what one thread tallies: ledger, calls, ignored, counts, examples in order, stats', async () => {
    const s = await serial();
    for (const jobs of [2, 3, 8]) {
      const p = new ActivityTally(loadBundledNormalizer());
      const stats = await readTrailParallel([trail, missing()], p, { window, jobs, workerUrl: DIST_WORKER });
      expect(tallyView(p)).toEqual(tallyView(s.result));
      expect(stats).toEqual(s.stats);
    }
    // Nothing lost: every record read is a call, ignored, or a problem.
    const r = s.result;
    const ignored = Object.values(r.ignored).reduce((a, b) => a + b, 0);
    const recordProblems = (r.problemCounts['unknown-action'] ?? 0) + (r.problemCounts['missing-field'] ?? 0);
    expect(r.calls + ignored + recordProblems).toBe(s.stats.records);
  }, 120_000);

  it('collectActivity gives the same tally and stats in this thread (jobs 1) and in workers (jobs 2, 3)', async () => {
    const a = new ActivityTally(loadBundledNormalizer());
    const sa = await collectActivity([trail, missing()], window, a, { jobs: 1 });
    expect(a.problemCounts['unknown-action']).toBeGreaterThan(PROBLEM_EXAMPLES_PER_CODE);
    for (const jobs of [2, 3]) {
      const b = new ActivityTally(loadBundledNormalizer());
      const sb = await collectActivity([trail, missing()], window, b, { jobs, workerUrl: DIST_WORKER, smallInputBytes: 0 });
      expect(sb).toEqual(sa);
      expect(tallyView(b)).toEqual(tallyView(a));
    }
  }, 120_000);

  it('reads a small input in this thread whatever --jobs is (starting workers would cost more than reading)', async () => {
    // Given a worker entry that cannot load, a small input never reaches it
    const a = new ActivityTally(loadBundledNormalizer());
    const stats = await collectActivity([trail], window, a, { jobs: 2, workerUrl: new URL('file:///nonexistent/worker.js'), smallInputBytes: 1024 * 1024 * 1024 });
    expect(stats.records).toBeGreaterThan(0);
    // while with no size allowance the same input goes to the (broken) workers and fails
    const b = new ActivityTally(loadBundledNormalizer());
    await expect(collectActivity([trail, missing()], window, b, { jobs: 2, workerUrl: new URL('file:///nonexistent/worker.js'), smallInputBytes: 0 })).rejects.toThrow();
  }, 120_000);

  it('items tallied after a parallel read come after it, as in one thread (local trail, then remote sources)', async () => {
    const late = { kind: 'problem' as const, problem: { code: 'partial-read:x', message: 'late' } };
    const a = new ActivityTally(loadBundledNormalizer());
    await collectActivity([trail, missing()], window, a, { jobs: 1 });
    a.add(late);
    const b = new ActivityTally(loadBundledNormalizer());
    await collectActivity([trail, missing()], window, b, { jobs: 2, workerUrl: DIST_WORKER, smallInputBytes: 0 });
    b.add(late);
    expect(tallyView(b)).toEqual(tallyView(a));
    expect(Object.keys(b.problemCounts).at(-1)).toBe('partial-read:x');
  }, 120_000);

  it('fails with an error naming the file when a worker throws, and does not hang', async () => {
    const err = await readTrailParallel([trail], new ActivityTally(loadBundledNormalizer()), {
      window,
      jobs: 2,
      workerUrl: DIST_WORKER,
      failOnPath: '_f3.json.gz',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParallelReadError);
    expect((err as ParallelReadError).file).toMatch(/_f3\.json\.gz$/);
    expect((err as Error).message).toContain('_f3.json.gz');
  }, 120_000);

  it('fails with an error naming the file when a worker exits abruptly', async () => {
    const crasher = join(dir, 'crash-worker.mjs');
    // Says it is ready, then dies as soon as it is given a file (as an out-of-memory kill would).
    writeFileSync(crasher, "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => process.exit(7));\nparentPort.postMessage({ type: 'ready' });\n");
    const err = await readTrailParallel([trail], new ActivityTally(loadBundledNormalizer()), { window, jobs: 2, workerUrl: pathToFileURL(crasher) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParallelReadError);
    expect((err as Error).message).toMatch(/exited \(code 7\)/);
    expect((err as ParallelReadError).file).toMatch(/\.json(\.gz)?$/);
  }, 60_000);

  it('reports a worker that cannot start as an error (no hang)', async () => {
    const broken = join(dir, 'broken-worker.mjs');
    writeFileSync(broken, "throw new Error('cannot load');\n");
    const err = await readTrailParallel([trail], new ActivityTally(loadBundledNormalizer()), { window, jobs: 2, workerUrl: pathToFileURL(broken) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParallelReadError);
    expect((err as Error).message).toContain('cannot load');
  }, 60_000);
});
