/**
 * The parallel trail reader: same results as reading in one thread (CLI JSON output and stderr summary,
 * ledger, counts, problem examples), nothing lost across threads, and clean failure when a worker dies.
 */
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
import { ActivityCollector, collectActivity, PROBLEM_EXAMPLES_PER_CODE } from '../../src/cli/activity.js';
import { parseTimeWindow } from '../../src/core/usage/time-window.js';
import type { UsageLedger } from '../../src/core/usage/ledger.js';
import { DIST_WORKER, ensureBuilt, ROOT, writeProblemTrail } from './parallel-helpers.js';

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

/** Everything a ledger says, per principal and per session. */
function ledgerView(ledger: UsageLedger): unknown {
  return ledger.principals().map((p) => ({
    all: ledger.usageOf(p),
    sessions: ledger.sessionsOf(p).map((s) => ledger.usageOf(p, { session: s })),
  }));
}

async function serial() {
  const collector = new ActivityCollector(loadBundledNormalizer());
  const read = readTrail([trail, missing()], { window });
  await collector.addAll(read.batches());
  return { result: collector.result, stats: read.stats };
}

describe('bin/policy-trim usage --jobs', () => {
  it('prints the same JSON and the same summary with --jobs 1 and --jobs 2 on a trail with problems', async () => {
    const cli = (jobs: string) =>
      run(process.execPath, [join(ROOT, 'bin', 'policy-trim'), 'usage', '--trail', trail, missing(), ...WINDOW, '--format', 'json', '--jobs', jobs], { cwd: ROOT });
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
  it('merges to exactly what one thread collects: ledger, calls, ignored, counts, examples in order, stats', async () => {
    const s = await serial();
    for (const jobs of [2, 3, 8]) {
      const p = await readTrailParallel([trail, missing()], { window, jobs, examplesPerCode: PROBLEM_EXAMPLES_PER_CODE, workerUrl: DIST_WORKER });
      expect(ledgerView(p.ledger)).toEqual(ledgerView(s.result.ledger));
      expect(p.calls).toBe(s.result.calls);
      expect(p.ignored).toEqual(s.result.ignored);
      expect(p.problemCounts).toEqual(s.result.problemCounts);
      expect(p.unknownEvents).toEqual(s.result.unknownEvents);
      expect(p.problemExamples).toEqual(s.result.problemExamples);
      expect(p.stats).toEqual(s.stats);
    }
    // Nothing lost: every record read is a call, ignored, or a problem.
    const r = s.result;
    const ignored = Object.values(r.ignored).reduce((a, b) => a + b, 0);
    const recordProblems = (r.problemCounts['unknown-action'] ?? 0) + (r.problemCounts['missing-field'] ?? 0);
    expect(r.calls + ignored + recordProblems).toBe(s.stats.records);
  }, 120_000);

  it('collectActivity with jobs 2 fills the collector like jobs 1', async () => {
    const a = new ActivityCollector(loadBundledNormalizer());
    const b = new ActivityCollector(loadBundledNormalizer());
    const sa = await collectActivity([trail, missing()], window, a, { jobs: 1 });
    const sb = await collectActivity([trail, missing()], window, b, { jobs: 2, workerUrl: DIST_WORKER });
    expect(sb).toEqual(sa);
    expect(ledgerView(b.result.ledger)).toEqual(ledgerView(a.result.ledger));
    expect({ ...b.result, ledger: null }).toEqual({ ...a.result, ledger: null });
  }, 120_000);

  it('fails with an error naming the file when a worker throws, and does not hang', async () => {
    const err = await readTrailParallel([trail], {
      window,
      jobs: 2,
      examplesPerCode: 5,
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
    const err = await readTrailParallel([trail], { window, jobs: 2, examplesPerCode: 5, workerUrl: pathToFileURL(crasher) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParallelReadError);
    expect((err as Error).message).toMatch(/exited \(code 7\)/);
    expect((err as ParallelReadError).file).toMatch(/\.json(\.gz)?$/);
  }, 60_000);

  it('reports a worker that cannot start as an error (no hang)', async () => {
    const broken = join(dir, 'broken-worker.mjs');
    writeFileSync(broken, "throw new Error('cannot load');\n");
    const err = await readTrailParallel([trail], { window, jobs: 2, examplesPerCode: 5, workerUrl: pathToFileURL(broken) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParallelReadError);
    expect((err as Error).message).toContain('cannot load');
  }, 60_000);
});
