/**
 * The byte prefilter (`adapters/trail-decode/prefilter.ts`, needles from `core/trail/prefilter.ts`) only ever lets
 * more through: every record `principalOf` attributes to a principal is parsed when that principal is asked for,
 * by ARN or by role name in any case. Over the real corpora (../shared/corpora), the example trail and the
 * records of the normalizer fixtures, and over generated records whose strings are written with JSON escapes.
 * The counts a skipped record still adds (records in and outside the window) equal the full path's.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTrailBuffer } from '../../src/adapters/trail-decode/decode.js';
import { FileSink, createTrailStats, type TrailParseOptions } from '../../src/adapters/trail-decode/sink.js';
import { readPrefiltered } from '../../src/adapters/trail-decode/prefilter.js';
import { principalFilterFor } from '../../src/core/trail/prefilter.js';
import { createPrincipalMemo, principalOf } from '../../src/core/trail/principal.js';
import { roleNameOf } from '../../src/cli/options.js';

const ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));
const CORPORA = resolve(ROOT, '../shared/corpora');

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : /\.json(\.gz)?$/.test(n) ? [p] : [];
  });
}

/** Every object in a JSON value that looks like a record (has userIdentity and eventName). */
function recordsIn(v: unknown, out: Array<Record<string, unknown>>): void {
  if (Array.isArray(v)) for (const x of v) recordsIn(x, out);
  else if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    if ('userIdentity' in o && 'eventName' in o) out.push(o);
    else for (const x of Object.values(o)) recordsIn(x, out);
  }
}

/** The records of the corpora and the example trail (read by the full path) and of the normalizer fixtures. */
async function allRecords(): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for (const f of [...filesUnder(CORPORA), ...filesUnder(join(ROOT, 'examples/orders-api/trail'))]) {
    for (const item of await parseTrailBuffer(f, readFileSync(f))) if (item.kind === 'record') out.push(item.record as Record<string, unknown>);
  }
  for (const f of filesUnder(join(ROOT, 'test/fixtures/cloudtrail'))) recordsIn(JSON.parse(readFileSync(f, 'utf8')), out);
  return out;
}

/** Indexes of the records the prefilter parses in `doc` for `principals` (every Region known: only the needles decide). */
function parsedIndexes(doc: Buffer, principals: string[], regions: Iterable<string>, options: TrailParseOptions = {}): { parsed: Set<number>; sink: FileSink } {
  const needles = principalFilterFor(principals);
  expect(needles, `a filter for ${principals.join(', ')}`).toBeDefined();
  const sink = new FileSink('doc.json', { ...options, stats: createTrailStats() });
  expect(readPrefiltered(sink, doc, 0, { needles: needles!, knownRegions: () => regions })).toBe(true);
  const parsed = new Set<number>();
  for (const item of sink.items) if (item.kind === 'record') parsed.add(item.source.index);
  return { parsed, sink };
}

function flipCase(s: string, flips: boolean[]): string {
  return [...s].map((c, i) => (flips[i % Math.max(1, flips.length)] ? (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) : c)).join('');
}

describe('prefilter over the corpora, the example trail and the fixtures', async () => {
  // eventVersion first in each (CloudTrail's order; the corpora's files vary): the prefilter cuts records at
  // the first record's first key, and a document whose records start otherwise takes the full path.
  const records = (await allRecords()).map((r): Record<string, unknown> => ({ eventVersion: r.eventVersion ?? '1.0', ...r }));
  const memo = createPrincipalMemo();
  const owner = records.map((r) => (typeof r.userIdentity === 'object' && r.userIdentity !== null ? principalOf(r.userIdentity as Record<string, unknown>, memo)?.arn : undefined));
  const doc = Buffer.from(JSON.stringify({ Records: records }));
  const regions = new Set(records.map((r) => (typeof r.awsRegion === 'string' ? r.awsRegion : '')));
  // A `--role` value is an ARN or a role name: principals that are neither (placeholders) cannot be asked for.
  const arns = [...new Set(owner.filter((p): p is string => p !== undefined && p.startsWith('arn:') && principalFilterFor([p]) !== undefined))].sort();
  const names = [...new Set(arns.map(roleNameOf).filter((n): n is string => n !== undefined && /^[\w+=,.@-]+$/.test(n)))].sort();

  it('has enough to prove something', () => {
    expect(records.length).toBeGreaterThan(300);
    expect(arns.length).toBeGreaterThan(20);
    expect(names.length).toBeGreaterThan(10);
  });

  it('parses every record attributed to each principal asked for by ARN, and skips some', () => {
    let skippedSomewhere = 0;
    for (const p of arns) {
      const { parsed } = parsedIndexes(doc, [p], regions);
      owner.forEach((o, i) => {
        if (o === p) expect(parsed.has(i), `record ${i} of ${p}`).toBe(true);
      });
      skippedSomewhere += records.length - parsed.size;
    }
    expect(skippedSomewhere).toBeGreaterThan(0);
  });

  it('parses every record of a role asked for by name, in any case', () => {
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), (name, flips) => {
        const { parsed } = parsedIndexes(doc, [flipCase(name, flips)], regions);
        owner.forEach((o, i) => {
          if (o !== undefined && roleNameOf(o)?.toLowerCase() === name.toLowerCase()) expect(parsed.has(i)).toBe(true);
        });
      }),
      { numRuns: 60 },
    );
  });

  it('counts the records it does not parse in and outside the window as the full path does', async () => {
    const window = { since: new Date('2017-01-01T00:00:00Z'), until: new Date('2023-01-01T00:00:00Z') };
    const full = createTrailStats();
    await parseTrailBuffer('doc.json', doc, { window, stats: full });
    for (const p of arns.slice(0, 10)) {
      const { sink } = parsedIndexes(doc, [p], regions, { window });
      expect([sink.stats.records, sink.stats.recordsOutsideWindow]).toEqual([full.records, full.recordsOutsideWindow]);
      expect(sink.stats.recordsUnparsed).toBeGreaterThan(0);
    }
  });

  it('parses a record whose Region the tally has not seen a call in', () => {
    const p = arns[0]!;
    const { parsed } = parsedIndexes(doc, [p], []);
    expect(parsed.size).toBe(records.length);
  });
});

/** JSON text of a value with each string character written plainly, as `\uXXXX`, or (a slash) as `\/`, by `pick`. */
function escapedJson(v: unknown, pick: () => number): string {
  if (typeof v === 'string') {
    let s = '"';
    for (const c of v) {
      const plain = JSON.stringify(c).slice(1, -1);
      const how = pick();
      if (how === 1) s += [...c].map((u) => `\\u${u.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
      else if (how === 2 && c === '/') s += '\\/';
      else s += plain;
    }
    return s + '"';
  }
  if (Array.isArray(v)) return `[${v.map((x) => escapedJson(x, pick)).join(',')}]`;
  if (typeof v === 'object' && v !== null) return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${escapedJson(x, pick)}`).join(',')}}`;
  return JSON.stringify(v);
}

const roleName = fc.stringMatching(/^[A-Za-z0-9+=,.@_-]{1,20}$/);
const account = fc.stringMatching(/^\d{12}$/);
const path = fc.constantFrom('', 'service-role/', 'a/b/');

/** A userIdentity of each kind principalOf attributes. */
const identity = fc.oneof(
  fc.record({ name: roleName, account, path, session: roleName, issuer: fc.boolean() }).map(({ name, account: a, path: p, session, issuer }) => ({
    type: 'AssumedRole',
    arn: `arn:aws:sts::${a}:assumed-role/${name}/${session}`,
    principalId: `AROAEXAMPLE:${session}`,
    accountId: a,
    ...(issuer ? { sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${a}:role/${p}${name}`, accountId: a } } } : {}),
  })),
  fc.record({ name: roleName, account, path }).map(({ name, account: a, path: p }) => ({ type: 'IAMUser', arn: `arn:aws:iam::${a}:user/${p}${name}`, accountId: a })),
  fc.record({ name: roleName, account, user: roleName }).map(({ name, account: a, user }) => ({
    type: 'FederatedUser',
    arn: `arn:aws:sts::${a}:federated-user/${name}`,
    accountId: a,
    sessionContext: { sessionIssuer: { type: 'IAMUser', arn: `arn:aws:iam::${a}:user/${user}`, accountId: a } },
  })),
  account.map((a) => ({ type: 'Root', arn: `arn:aws:iam::${a}:root`, accountId: a })),
  account.map((a) => ({ type: 'AWSAccount', accountId: a })),
);

function recordOf(uid: Record<string, unknown>, i: number): Record<string, unknown> {
  return { eventVersion: '1.08', userIdentity: uid, eventTime: '2026-10-05T10:00:00Z', eventSource: 's3.amazonaws.com', eventName: 'GetObject', awsRegion: 'us-east-1', eventID: `id-${i}` };
}

describe('prefilter over generated records written with JSON escapes', () => {
  it('parses the record of the principal asked for (by ARN, and by role name in any case) however its strings are escaped', () => {
    fc.assert(
      fc.property(
        fc.array(identity, { minLength: 2, maxLength: 6 }),
        fc.nat(5),
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 50 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
        (uids, which, choices, flips) => {
          const target = which % uids.length;
          let c = 0;
          // Mostly plain (0, 3..6), sometimes \uXXXX (1) or \/ (2): escapes only in the target record.
          const pick = () => choices[c++ % choices.length]!;
          const body = uids.map((u, i) => (i === target ? escapedJson(recordOf(u, i), pick) : JSON.stringify(recordOf(u, i))));
          const doc = Buffer.from(`{"Records":[${body.join(',')}]}`);
          const p = principalOf(uids[target]! as Record<string, unknown>, createPrincipalMemo())!.arn;
          const asked = [p];
          const name = roleNameOf(p);
          if (name !== undefined) asked.push(flipCase(name, flips));
          for (const a of asked) {
            const { parsed, sink } = parsedIndexes(doc, [a], ['us-east-1']);
            expect(parsed.has(target), `${a} in ${doc.toString()}`).toBe(true);
            expect(sink.stats.records).toBe(uids.length);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
