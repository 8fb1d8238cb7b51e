/**
 * The scan workers (`adapters/fs/scan-pool.ts`) of a read for known principals: the tally and every count are what
 * the same read gives in one thread (`--jobs 1`), on inputs of every shape the reader meets (delivery files in two
 * Regions, a truncated gzip file, a file that is not JSON, a missing path, the real corpora), whether a file comes
 * back whole or only its let-through records; a worker that fails or cannot start fails the read, naming the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { loadBundledNormalizer } from '../../src/adapters/fs/bundled-mapping.js';
import { ParallelReadError } from '../../src/adapters/fs/parallel-pool.js';
import { createScanPool } from '../../src/adapters/fs/scan-pool.js';
import { principalFilterFor } from '../../src/core/trail/prefilter.js';
import { collectActivity } from '../../src/cli/activity.js';
import { ActivityTally } from '../../src/core/usage/tally.js';
import { parseTimeWindow } from '../../src/core/usage/time-window.js';
import { tallyView } from '../support/tally-view.js';
import { DIST_SCAN_WORKER, ensureBuilt, ROOT, writeProblemTrail } from '../support/parallel.js';

const CORPORA = resolve(ROOT, '../shared/corpora');
const window = parseTimeWindow({ since: '2026-10-02T00:00:00Z', until: '2026-11-01T00:00:00Z' }, new Date('2026-11-02T00:00:00Z'));

let dir: string;
let trail: string;
const missing = () => join(dir, 'no-such-folder');

/**
 * A delivery file of `n` records in `region`, every fifth by app-role, the rest by other-role; times spread over
 * October; `noise` random bytes per record make the gzip as large as the CLI needs before it starts workers.
 */
function deliveryFile(root: string, f: number, region: string, n = 40, noise = 0): void {
  const folder = join(root, 'AWSLogs/111122223333/CloudTrail', region, '2026/10', String(1 + (f % 28)).padStart(2, '0'));
  mkdirSync(folder, { recursive: true });
  const records = Array.from({ length: n }, (_, i) => {
    const role = i % 5 === 0 ? 'app-role' : 'other-role';
    return {
      eventVersion: '1.08',
      userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::111122223333:assumed-role/${role}/fn`, accountId: '111122223333', sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::111122223333:role/${role}`, accountId: '111122223333' } } },
      eventTime: `2026-10-${String(1 + ((f + i) % 28)).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:00:00Z`,
      eventSource: 'sqs.amazonaws.com',
      eventName: 'SendMessage',
      awsRegion: region,
      requestParameters: { queueUrl: `https://sqs.${region}.amazonaws.com/111122223333/q${f % 3}`, ...(noise ? { messageGroupId: randomBytes(noise).toString('hex') } : {}) },
      eventID: `scan-${f}-${i}`,
    };
  });
  writeFileSync(join(folder, `111122223333_CloudTrail_${region}_202610${String(1 + (f % 28)).padStart(2, '0')}T1000Z_scanTest${String(f).padStart(4, '0')}.json.gz`), gzipSync(JSON.stringify({ Records: records })));
}

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'pt-scan-pool-'));
  trail = writeProblemTrail(join(dir, 'trail'));
  for (let f = 0; f < 40; f++) deliveryFile(trail, f, ['us-east-1', 'eu-west-1', 'ap-south-1'][f % 3]!);
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The same read in this thread and with `jobs` scan workers. */
async function bothWays(paths: string[], principals: string[], jobs = 2, within = window) {
  const one = new ActivityTally(loadBundledNormalizer());
  const s1 = await collectActivity(paths, within, one, { jobs: 1, principals });
  const many = new ActivityTally(loadBundledNormalizer());
  const s2 = await collectActivity(paths, within, many, { jobs, principals, scanWorkerUrl: DIST_SCAN_WORKER, smallInputBytes: 0 });
  return { one, s1, many, s2 };
}

describe('a read for known principals with scan workers', () => {
  it('tallies exactly what one thread does, with the same counts, by ARN and by name', async () => {
    for (const principals of [['arn:aws:iam::111122223333:role/app-role'], ['APP-ROLE'], ['app-role', 'arn:aws:iam::111122223333:role/ops-role']]) {
      for (const jobs of [2, 3]) {
        const { one, s1, many, s2 } = await bothWays([trail, missing()], principals, jobs);
        expect(tallyView(many), principals.join()).toEqual(tallyView(one));
        expect(many.ledger.regionsSeen()).toEqual(one.ledger.regionsSeen());
        expect(s2).toEqual(s1);
        // What the test is about: records were skipped unparsed, and the problem files were met.
        expect(s2.recordsUnparsed).toBeGreaterThan(0);
        expect(s2.recordsOutsideWindow).toBeGreaterThan(0);
        expect(Object.keys(s2.problemsByCode)).toEqual(expect.arrayContaining(['gzip-truncated', 'not-json', 'not-found']));
      }
    }
    expect(new Set(['us-east-1', 'eu-west-1', 'ap-south-1'])).toEqual(new Set((await bothWays([trail], ['app-role'])).many.ledger.regionsSeen()));
  }, 180_000);

  it('reports a record that is not JSON, in a file scanned after every Region is known, as one thread does', async () => {
    const late = join(dir, 'late-damage');
    for (let f = 0; f < 40; f++) deliveryFile(late, f, 'us-east-1');
    // The last file in walk order: by then the scans send only the let-through records' bytes back.
    const folder = join(late, 'AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/28');
    const name = readdirSync(folder).find((n) => n.endsWith('.json.gz'))!;
    const good = JSON.stringify({ Records: Array.from({ length: 3 }, (_, i) => ({ eventVersion: '1.08', eventTime: `2026-10-28T0${i}:00:00Z`, awsRegion: 'us-east-1', eventID: `late-${i}`, userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/app-role/fn' }, eventSource: 'sqs.amazonaws.com', eventName: 'SendMessage' })) });
    // A bare word where the second record's eventName belongs: the record spans stay whole, the JSON does not.
    const broken = good.replace('"eventID":"late-1","userIdentity"', '"eventID":late-1,"userIdentity"');
    expect(broken).not.toBe(good);
    writeFileSync(join(folder, name.replace('.json.gz', 'x.json.gz')), gzipSync(broken));
    const { one, s1, many, s2 } = await bothWays([late], ['app-role']);
    expect(s1.problemsByCode['not-json']).toBe(1);
    expect(tallyView(many)).toEqual(tallyView(one));
    expect(s2).toEqual(s1);
  }, 180_000);

  it('tallies the real corpora as one thread does', async () => {
    if (!existsSync(CORPORA)) return expect.fail(`the corpora are missing at ${CORPORA}`);
    const copy = join(dir, 'corpora');
    cpSync(CORPORA, copy, { recursive: true });
    // The corpora were recorded over several years.
    const ever = parseTimeWindow({ since: '2000-01-01T00:00:00Z', until: '2030-01-01T00:00:00Z' }, new Date('2030-01-02T00:00:00Z'));
    const all = new ActivityTally(loadBundledNormalizer());
    await collectActivity([copy], ever, all, { jobs: 1 });
    const principals = all.ledger.principals().filter((p) => p.includes(':role/')).slice(0, 3);
    expect(principals.length).toBeGreaterThan(0);
    const { one, s1, many, s2 } = await bothWays([copy], principals, 2, ever);
    expect(tallyView(many)).toEqual(tallyView(one));
    expect(s2).toEqual(s1);
    // Most corpus files are pretty-printed: the workers send them back decompressed for the full path.
    expect(s2.filesRead).toBeGreaterThan(40);
  }, 180_000);
});

describe('bin/policy-trim with scan workers', () => {
  it('prints the same usage table, suggestion and summary with --jobs 1 and --jobs 2', async () => {
    const big = join(dir, 'big');
    for (let f = 0; f < 60; f++) deliveryFile(big, f, f % 2 ? 'eu-west-1' : 'us-east-1', 60, 300);
    const gz = (d: string): number => (statSync(d).isDirectory() ? readdirSync(d).reduce((n, e) => n + gz(join(d, e)), 0) : statSync(d).size);
    // Over the size below which the CLI reads one role's files in its own thread (activity.ts).
    expect(gz(big)).toBeGreaterThan(1024 * 1024);
    const policy = join(dir, 'sqs.json');
    writeFileSync(policy, JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:DeleteQueue'], Resource: '*' }] }));
    const run = promisify(execFile);
    const cli = (args: string[], jobs: string) => run(process.execPath, [join(ROOT, 'bin', 'policy-trim'), ...args, '--trail', big, '--since', '2026-10-02T00:00:00Z', '--until', '2026-11-01T00:00:00Z', '--jobs', jobs], { cwd: ROOT });
    for (const args of [['usage', '--role', 'app-role'], ['suggest', '--role', 'arn:aws:iam::111122223333:role/app-role', '--policy', policy]]) {
      const [one, two] = [await cli(args, '1'), await cli(args, '2')];
      expect(two.stdout, args[0]).toBe(one.stdout);
      expect(two.stderr, args[0]).toBe(one.stderr);
      expect(one.stderr).toMatch(/record\(s\) in the window not parsed/);
    }
  }, 180_000);
});

describe('a scan worker that fails', () => {
  it('fails the read with an error naming the file it held', async () => {
    const crasher = join(dir, 'crash-scan-worker.mjs');
    writeFileSync(crasher, "import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => process.exit(9));\n");
    const err = await collectActivity([trail], window, new ActivityTally(loadBundledNormalizer()), { jobs: 2, principals: ['app-role'], scanWorkerUrl: pathToFileURL(crasher), smallInputBytes: 0 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParallelReadError);
    expect((err as Error).message).toMatch(/exited \(code 9\)/);
    expect((err as ParallelReadError).file).toMatch(/\.json(\.gz)?$/);
  }, 60_000);

  it('fails every later scan once a worker could not start (no hang)', async () => {
    const broken = join(dir, 'broken-scan-worker.mjs');
    writeFileSync(broken, "throw new Error('cannot load the scanner');\n");
    const pool = createScanPool({ jobs: 1, workerUrl: pathToFileURL(broken), needles: principalFilterFor(['app-role'])!, wholeFileMaxBytes: 1 << 20, streamDocumentBytes: 1 << 20 });
    try {
      const first = await pool.scan(join(trail, 'x.json'), []).catch((e: unknown) => e);
      expect(first).toBeInstanceOf(ParallelReadError);
      expect((first as Error).message).toContain('cannot load the scanner');
      await expect(pool.scan(join(trail, 'y.json'), [])).rejects.toBeInstanceOf(ParallelReadError);
    } finally {
      await pool.close();
    }
  }, 60_000);
});
