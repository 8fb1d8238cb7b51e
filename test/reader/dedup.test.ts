/**
 * The same record counts once (issue 9, item 4): the same file twice, a symlink, a copy, or CloudTrail
 * delivering an event twice must not double any count; one thread and several give the same tally, with
 * the copies counted as duplicates; records without an eventID are never deduplicated.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBundledNormalizer } from '../../src/adapters/fs/bundled-mapping.js';
import { readTrailParallel } from '../../src/adapters/fs/parallel-pool.js';
import { readTrail } from '../../src/adapters/fs/trail-reader.js';
import { readTrailInto } from '../../src/adapters/fs/tally-read.js';
import { HashSet128, eventIdentity, hash128 } from '../../src/core/usage/event-ids.js';
import { ActivityTally, type ActivityResult } from '../../src/core/usage/tally.js';
import { parseTimeWindow } from '../../src/core/usage/time-window.js';
import { DIST_WORKER, ensureBuilt, ROOT, writeProblemTrail } from '../support/parallel.js';

const run = promisify(execFile);
const window = parseTimeWindow({ since: '2026-10-01T00:00:00Z', until: '2026-11-01T00:00:00Z' }, new Date('2026-11-02T00:00:00Z'));

let dir: string;
let trail: string;
let copy: string;

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'pt-dedup-'));
  trail = writeProblemTrail(join(dir, 'trail'));
  copy = join(dir, 'copy');
  cpSync(trail, copy, { recursive: true });
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function view(t: ActivityResult): unknown {
  const ledger = t.ledger.principals().map((p) => ({ all: t.ledger.usageOf(p), sessions: t.ledger.sessionsOf(p).map((s) => t.ledger.usageOf(p, { session: s })) }));
  return {
    ledger,
    calls: t.calls,
    ignored: Object.entries(t.ignored),
    problemCounts: Object.entries(t.problemCounts),
    unknownEvents: Object.entries(t.unknownEvents),
    problemExamples: t.problemExamples,
  };
}

/** What the records say: usage, calls, ignored records and record problems (not the files' own problems). */
function recordView(t: ActivityResult): unknown {
  const v = view(t) as Record<string, unknown>;
  return { ...v, problemCounts: [t.problemCounts['unknown-action'], t.problemCounts['missing-field']], problemExamples: undefined };
}

async function serial(paths: string[]): Promise<ActivityTally> {
  const tally = new ActivityTally(loadBundledNormalizer());
  const read = readTrail(paths, { window });
  for await (const batch of read.batches()) for (const item of batch) tally.add(item);
  return tally;
}

const record = (id: string | undefined, account = '111122223333'): unknown => ({
  eventVersion: '1.09',
  eventTime: '2026-10-02T00:00:00Z',
  eventSource: 's3.amazonaws.com',
  eventName: 'GetObject',
  awsRegion: 'us-east-1',
  userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/r/s', sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/r' } } },
  requestParameters: { bucketName: 'b', key: 'k' },
  ...(id === undefined ? {} : { eventID: id }),
  recipientAccountId: account,
});

describe('ActivityTally deduplication', () => {
  it('counts a record once per (recipientAccountId, eventID); records without an eventID always count', () => {
    const t = new ActivityTally(loadBundledNormalizer());
    const add = (r: unknown) => t.add({ kind: 'record', record: r, source: { file: 'f', index: 0 } });
    add(record('a'));
    add(record('a'));
    add(record('a', '444455556666')); // another account's event that shares the id: a different event
    add(record(undefined));
    add(record(undefined));
    expect(t.calls).toBe(4);
    expect(t.duplicates).toBe(1);
  });

  it('a 128-bit hash set keeps 200,000 distinct ids apart and finds each again', () => {
    const set = new HashSet128();
    const h = new Uint32Array(4);
    let clashes = 0;
    for (let i = 0; i < 200_000; i++) {
      hash128(`111122223333\u0000${i.toString(16).padStart(8, '0')}-1111-2222-3333-444455556666`, h);
      if (set.get(h) !== -1) clashes++;
      set.set(h, 0, i);
    }
    expect(clashes).toBe(0);
    expect(set.size).toBe(200_000);
    hash128('111122223333\u0000000000ff-1111-2222-3333-444455556666', h);
    expect(set.get(h)).toBe(255);
    expect(set.delete(h)).toBe(true);
    expect(set.get(h)).toBe(-1);
    expect(set.size).toBe(199_999);
  });
});

describe('eventIdentity and HashSet128.addIfAbsent', () => {
  const identity = (r: unknown): number[] | undefined => {
    const h = new Uint32Array(4);
    return eventIdentity(r, h) ? [...h] : undefined;
  };

  it('is a function of (recipientAccountId, eventID) alone, whatever record came before', () => {
    const id = '7f82d4cf-c73f-4bd2-9b8d-48c0714334ab';
    const first = identity(record(id));
    identity(record('other', '444455556666')); // the account's hash is kept between records: must not leak
    expect(identity({ ...(record(id) as object), eventName: 'PutObject' })).toEqual(first);
    expect(identity(record(id, '444455556666'))).not.toEqual(first);
    expect(identity(record(id.toUpperCase()))).not.toEqual(first); // ids are compared as written
    expect(identity({ eventID: id })).toEqual(identity({ eventID: id, recipientAccountId: '' }));
    expect(identity(record(undefined))).toBeUndefined();
    expect(identity({ eventID: '' })).toBeUndefined();
    expect(identity(null)).toBeUndefined();
    expect(identity('text')).toBeUndefined();
  });

  it('addIfAbsent stores once and then returns the stored value, like get then set', () => {
    const set = new HashSet128();
    const h = new Uint32Array(4);
    hash128('a', h);
    expect(set.addIfAbsent(h, 0, 7)).toBe(-1);
    expect(set.addIfAbsent(h, 0, 9)).toBe(7);
    expect(set.get(h)).toBe(7);
    expect(set.size).toBe(1);
    for (let i = 0; i < 5_000; i++) {
      hash128(`id-${i}`, h);
      expect(set.addIfAbsent(h, 0, i)).toBe(-1);
    }
    expect(set.size).toBe(5_001);
    hash128('id-4321', h);
    expect(set.addIfAbsent(h, 0, 0)).toBe(4321);
    expect(set.entries().length).toBe(5_001 * 5);
  });

  it('addEntries adds what is absent, names what is present, and gives the largest value (one reserve, no growth)', () => {
    const h = new Uint32Array(4);
    const a = new HashSet128();
    for (let i = 0; i < 3_000; i++) {
      hash128(`a-${i}`, h);
      a.set(h, 0, 10);
    }
    const b = new HashSet128();
    for (let i = 2_000; i < 6_000; i++) {
      hash128(`a-${i}`, h);
      b.set(h, 0, i % 7);
    }
    const entries = b.entries();
    const present: number[] = [];
    const largest = a.addEntries(entries, (at, stored) => {
      expect(stored).toBe(10);
      present.push(entries[at + 4]! - 1);
    });
    expect(present.length).toBe(1_000);
    expect(largest).toBe(6);
    expect(a.size).toBe(6_000);
    hash128('a-5999', h);
    expect(a.get(h)).toBe(5_999 % 7);
    hash128('a-2500', h);
    expect(a.get(h)).toBe(10); // present: left as stored
    expect(new HashSet128().addEntries(new Uint32Array(0), () => undefined)).toBe(-1);
  });
});

describe('the same records given twice count once', () => {
  it('a copy of a folder, a file twice, a symlinked file: one thread counts as if read once', async () => {
    for (const [first, second] of [[trail, copy], [copy, trail]] as const) {
      const once = await serial([first]);
      expect(once.duplicates).toBe(0);
      const twice = await serial([first, second]);
      // File-level problems (a truncated file, a non-JSON file) are the copy's own; what records say counts once.
      expect(recordView(twice)).toEqual(recordView(once));
      expect(twice.duplicates).toBeGreaterThan(300); // 12 files × 25 records with an id
    }
    const file = join(dir, 'one.json');
    writeFileSync(file, JSON.stringify({ Records: [record('x'), record('y'), record('x')] }));
    symlinkSync(file, join(dir, 'link.json'));
    const t = await serial([file, join(dir, 'link.json')]);
    expect(t.calls).toBe(2);
    expect(t.duplicates).toBe(4);
  });

  it('worker threads: copies read by different threads are caught at the merge; the tally equals one thread', async () => {
    const s = await serial([trail, copy]);
    for (const jobs of [2, 3]) {
      const p = new ActivityTally(loadBundledNormalizer());
      await readTrailParallel([trail, copy], p, { window, jobs, workerUrl: DIST_WORKER });
      expect(view(p)).toEqual(view(s));
      expect(p.duplicates).toBe(s.duplicates);
      expect(p.pendingRetractions).toBe(0);
    }
  }, 120_000);

  it('worker threads keeping a window of 16 ids (the rest spilled to a temporary folder): the tally equals one thread; the folder goes', async () => {
    const s = await serial([trail, copy]);
    // A TMPDIR of this test's own: other test files running at the same time make and remove spill folders too.
    const ownTmp = mkdtempSync(join(tmpdir(), 'pt-dedup-tmp-'));
    const spillDirs = () => readdirSync(ownTmp).filter((n) => n.startsWith('policy-trim-ids-')).length;
    const savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = ownTmp;
    try {
      for (const jobs of [2, 3]) {
        const p = new ActivityTally(loadBundledNormalizer());
        await readTrailParallel([trail, copy], p, { window, jobs, workerUrl: DIST_WORKER, idWindow: 16 });
        expect(view(p)).toEqual(view(s));
        expect(p.duplicates).toBe(s.duplicates);
        expect(p.pendingRetractions).toBe(0);
      }
    } finally {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
    }
    expect(spillDirs()).toBe(0);
    rmSync(ownTmp, { recursive: true, force: true });
  }, 120_000);

  it('one thread keeping a window of ids (readTrailInto): equals keeping them all, for two folders and for copies inside one file', async () => {
    const s = await serial([trail, copy]);
    const t = new ActivityTally(loadBundledNormalizer());
    await readTrailInto([trail, copy], t, { window, idWindow: 16 });
    expect(view(t)).toEqual(view(s));
    expect(t.duplicates).toBe(s.duplicates);
    expect(t.pendingRetractions).toBe(0);
    // A copy past the window inside the same file: the file is read again and the later copy taken back.
    const file = join(dir, 'one-file.json');
    writeFileSync(file, JSON.stringify({ Records: [record('x'), record('y'), record('z'), record('x')] }));
    const one = new ActivityTally(loadBundledNormalizer());
    await readTrailInto([file], one, { window, idWindow: 1 });
    expect(one.calls).toBe(3);
    expect(one.duplicates).toBe(1);
    expect(view(one)).toEqual(view(await serial([file])));
  }, 120_000);

  it('bin/policy-trim usage on the example given twice: same calls, the duplicates counted, --jobs 1 = --jobs 2', async () => {
    const ex = join(ROOT, 'examples', 'orders-api', 'trail');
    const exCopy = join(dir, 'example-copy');
    cpSync(ex, exCopy, { recursive: true });
    const cli = (jobs: string, ...trails: string[]) =>
      run(process.execPath, [join(ROOT, 'bin', 'policy-trim'), 'usage', ...trails.flatMap((t) => ['--trail', t]), '--since', '2026-09-01T00:00:00Z', '--until', '2026-11-01T00:00:00Z', '--format', 'json', '--jobs', jobs], { cwd: ROOT });
    const [once, twice, twiceParallel] = await Promise.all([cli('1', ex), cli('1', ex, exCopy), cli('2', ex, exCopy)]);
    const a = JSON.parse(once.stdout) as { principals: unknown; summary: { calls: number; duplicates: number; records: number } };
    const b = JSON.parse(twice.stdout) as typeof a;
    expect(b.principals).toEqual(a.principals);
    expect(b.summary.calls).toBe(a.summary.calls);
    expect(a.summary.duplicates).toBe(0);
    expect(b.summary.duplicates).toBe(a.summary.records);
    expect(twice.stderr).toContain(`${a.summary.records} duplicate record(s) dropped`);
    expect(twiceParallel.stdout).toBe(twice.stdout);
    const summary = (stderr: string) => stderr.split('\n').filter((l) => !l.startsWith('(node:') && !/^ {2}- |^ {2}Please|^ {2}https/.test(l));
    expect(summary(twiceParallel.stderr)).toEqual(summary(twice.stderr));
  }, 120_000);
});
