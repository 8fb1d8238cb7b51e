/**
 * The Athena aggregation means what the local reader means: the usage query (its SQLite form, the dialect
 * differences isolated in core/athena/dialect.ts) runs on an embedded engine over the fixture records and the
 * shared corpora, its rows go through the same normalizer into a ledger, and that ledger equals the one the local
 * reader builds from the same records, principal by principal and session by session.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTrail } from '../../src/adapters/fs/trail-reader.js';
import { loadBundledCloudTrailTables, loadBundledEventMapper, loadBundledNormalizer } from '../../src/adapters/fs/bundled-mapping.js';
import { SQLITE } from '../../src/core/athena/dialect.js';
import { usageQuery } from '../../src/core/athena/query.js';
import { addUsageRow, emptyRowTotals } from '../../src/core/athena/rows.js';
import { grantedEventSources, requestKeyTable } from '../../src/core/athena/scope.js';
import { ActivityTally } from '../../src/core/usage/tally.js';
import type { PolicyDocument } from '../../src/core/policy/types.js';
import { loadFixtureCases } from '../support/cloudtrail-fixtures.js';
import { cloudTrailDb, loadRecords, usageRows } from '../support/athena-sqlite.js';

const CORPORA = resolve(fileURLToPath(new URL('../../', import.meta.url)), '../shared/corpora');

/** Every record of the fixtures and (when present) the corpora, with one delivered twice. */
async function allRecords(): Promise<unknown[]> {
  const records: unknown[] = loadFixtureCases().map((c) => c.record);
  if (existsSync(CORPORA)) {
    const read = readTrail([CORPORA]);
    for await (const batch of read.batches()) for (const item of batch) if (item.kind === 'record') records.push(item.record);
  }
  // The fixtures share one eventID, and the anonymised corpora reuse some for different events: give each
  // distinct record its own id (a real duplicate delivery is the same record, so which copy a reader keeps does
  // not matter; here it would), then deliver one record twice.
  const seen = new Set<string>();
  records.forEach((r, i) => {
    if (typeof r !== 'object' || r === null || typeof (r as { eventID?: unknown }).eventID !== 'string') return;
    const rec = r as { eventID: string; recipientAccountId?: unknown };
    const key = `${String(rec.recipientAccountId)} ${rec.eventID}`;
    if (seen.has(key)) rec.eventID = `${rec.eventID}-${i}`;
    seen.add(`${String(rec.recipientAccountId)} ${rec.eventID}`);
  });
  const withId = records.find((r) => typeof r === 'object' && r !== null && typeof (r as { eventID?: unknown }).eventID === 'string' && (r as { eventTime?: unknown }).eventTime);
  records.push(structuredClone(withId));
  return records;
}

/** The local reader's tally over the records. */
function localTally(records: readonly unknown[]): ActivityTally {
  const tally = new ActivityTally(loadBundledNormalizer());
  records.forEach((record, index) => tally.add({ kind: 'record', record, source: { file: 'local', index } }));
  return tally;
}

/** The Athena path's tally: the query's SQLite form over the records, its rows through the normalizer. */
async function athenaTally(records: readonly unknown[], scope: { principals?: string[]; eventSources?: string[] } = {}): Promise<{ tally: ActivityTally; rows: number; records: number; duplicates: number }> {
  const db = await cloudTrailDb();
  loadRecords(db, records);
  const sql = usageQuery(
    { table: { table: 'cloudtrail_logs' }, since: new Date('2000-01-01T00:00:00Z'), until: new Date('2040-01-01T00:00:00Z'), requestKeys: requestKeyTable(loadBundledEventMapper(), loadBundledCloudTrailTables()), ...scope },
    SQLITE,
  );
  const tally = new ActivityTally(loadBundledNormalizer());
  const totals = emptyRowTotals();
  const normalize = loadBundledNormalizer();
  usageRows(db, sql).forEach((row, index) => addUsageRow(tally, normalize, row, { file: 'athena:test', index }, totals));
  db.close();
  return { tally, ...totals };
}

/** Every principal's usage, and each of its sessions', as the commands read them. */
function usageOfAll(tally: ActivityTally, only?: string): unknown {
  const l = tally.ledger;
  return l.principals().filter((p) => !only || p === only).map((p) => ({
    principal: p,
    usage: l.usageOf(p),
    sessions: l.sessionsOf(p).map((s) => ({ s, usage: l.usageOf(p, { session: s }), notFromLambda: l.notFromLambdaOf(p, s) })),
  }));
}

describe('the Athena usage query on an embedded engine', () => {
  it('gives the same ledger as the local reader over the fixtures and corpora, in fewer rows than records', async () => {
    // Given every fixture record and corpus record, one of them delivered twice
    const records = await allRecords();
    // When the local reader and the Athena aggregation each build a ledger
    const local = localTally(records);
    const athena = await athenaTally(records);
    // Then the ledgers are the same, principal by principal and session by session
    expect(athena.tally.ledger.principals()).toEqual(local.ledger.principals());
    expect(usageOfAll(athena.tally)).toEqual(usageOfAll(local));
    expect(athena.tally.ledger.regionsSeen()).toEqual(local.ledger.regionsSeen());
    // and the calls and the removed duplicate are counted alike
    expect(athena.tally.calls).toBe(local.calls);
    expect(athena.duplicates).toBe(1);
    expect(local.duplicates).toBe(1);
    // and the rows are aggregates: fewer than the records they stand for
    expect(athena.rows).toBeLessThan(athena.records);
  });

  it('keeps one role and the event sources its policy can grant, and still agrees on that role', async () => {
    // Given a role of the fixtures and a policy granting S3 and Lambda only
    const records = await allRecords();
    const local = localTally(records);
    const role = local.ledger.principals().find((p) => p.endsWith(':role/service-role/orders-api-role'))!;
    expect(role).toBeDefined();
    const policy: PolicyDocument = { name: 'p', statements: [{ effect: 'Allow', action: ['s3:GetObject', 'lambda:*', 'iam:PassRole'], resource: ['*'] }] };
    const eventSources = grantedEventSources([policy], loadBundledEventMapper(), loadBundledCloudTrailTables())!;
    // When the query is narrowed to the role and those event sources
    const athena = await athenaTally(records, { principals: [role], eventSources });
    // Then the role's use of every action the policy can grant is the same as locally
    const granted = (u: ReturnType<ActivityTally['ledger']['usageOf']>) => u.used.filter((a) => /^(s3|lambda|iam):/.test(a.action));
    expect(granted(athena.tally.ledger.usageOf(role))).toEqual(granted(local.ledger.usageOf(role)));
    expect(granted(athena.tally.ledger.usageOf(role)).length).toBeGreaterThan(0);
    // and only records naming the role were read (a superset the commands filter again: the role's sessions,
    // and records whose session issuer is the role), far fewer principals than the records hold
    expect(athena.tally.ledger.principals()).toContain(role);
    expect(athena.tally.ledger.principals().length).toBeLessThan(local.ledger.principals().length / 4);
  });

  it('returns one row for many calls alike: rows grow with distinct usage, not with records', async () => {
    // Given 500 calls of one function to one object, each its own event at its own time
    const base = loadFixtureCases().find((c) => (c.record as { eventName?: string }).eventName === 'GetObject')!.record as Record<string, unknown>;
    const calls = Array.from({ length: 500 }, (_, i) => ({ ...base, eventID: `e-${i}`, eventTime: new Date(Date.UTC(2026, 9, 1) + i * 60_000).toISOString().replace('.000Z', 'Z') }));
    // When they are aggregated
    const athena = await athenaTally(calls);
    // Then one row stands for them all, with their count and first and last time, as the local ledger has them
    expect(athena.rows).toBe(1);
    expect(athena.records).toBe(500);
    expect(usageOfAll(athena.tally)).toEqual(usageOfAll(localTally(calls)));
  });

  it('finds a role given by name alone, wherever its path', async () => {
    const records = await allRecords();
    const local = localTally(records);
    const athena = await athenaTally(records, { principals: ['orders-api-role'] });
    const named = (t: ActivityTally) => t.ledger.principals().filter((p) => p.endsWith('/orders-api-role'));
    expect(named(athena.tally).length).toBeGreaterThan(0);
    expect(usageOfAll(athena.tally, named(athena.tally)[0])).toEqual(usageOfAll(local, named(local)[0]));
    expect(named(athena.tally)).toEqual(named(local));
  });
});
