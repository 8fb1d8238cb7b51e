/**
 * What Athena would answer for the example trail: the usage query run on the embedded engine (sql.js) over the
 * example's records, and those rows queued in moto's Athena (moto runs no SQL; `POST
 * /moto-api/static/athena/query-results` queues the next result). Used by the wire tests of `--athena`.
 */
import { expect } from 'vitest';
import { readTrail } from '../../src/adapters/fs/trail-reader.js';
import { loadBundledCloudTrailTables, loadBundledEventMapper } from '../../src/adapters/fs/bundled-mapping.js';
import { readPolicyFiles } from '../../src/adapters/fs/policy-files.js';
import { SQLITE } from '../../src/core/athena/dialect.js';
import { USAGE_COLUMNS, usageQuery } from '../../src/core/athena/query.js';
import { grantedEventSources, requestKeyTable } from '../../src/core/athena/scope.js';
import { cloudTrailDb, loadRecords, usageRows } from './athena-sqlite.js';
import { MOTO_ACCOUNT_ID } from './moto.js';

/** The bundled example. */
export const EXAMPLE_DIR = new URL('../../examples/orders-api/', import.meta.url).pathname;
/** The example's role. */
export const EXAMPLE_ROLE = 'arn:aws:iam::123456789012:role/orders-api-role';

/** One Athena result row: every value text, NULL as absent. */
export type AthenaRow = Record<string, string | null>;

/**
 * The usage rows of the example trail for `principals` in [since, until), as Athena would return them; with
 * `eventSources`, only those sources (as `suggest` scopes its query).
 */
export async function exampleRows(options: { since: string; until: string; principals?: string[]; eventSources?: string[] | undefined }): Promise<AthenaRow[]> {
  const records: unknown[] = [];
  for await (const b of readTrail([`${EXAMPLE_DIR}trail`]).batches()) for (const i of b) if (i.kind === 'record') records.push(i.record);
  const db = await cloudTrailDb();
  loadRecords(db, records);
  const sql = usageQuery(
    {
      table: { table: 'cloudtrail_logs' },
      since: new Date(options.since),
      until: new Date(options.until),
      principals: options.principals ?? [EXAMPLE_ROLE],
      ...(options.eventSources ? { eventSources: options.eventSources } : {}),
      requestKeys: requestKeyTable(loadBundledEventMapper(), loadBundledCloudTrailTables()),
    },
    SQLITE,
  );
  const rows = usageRows(db, sql).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)])));
  db.close();
  return rows;
}

/** The event sources `suggest` (and `pr`) ask Athena for: those the example's policies can grant (undefined: every source). */
export async function examplePolicySources(): Promise<string[] | undefined> {
  const policies = await readPolicyFiles([`${EXAMPLE_DIR}policies`]);
  return grantedEventSources(policies.documents, loadBundledEventMapper(), loadBundledCloudTrailTables());
}

/** Queues one result in moto's Athena at `endpoint`: a header row, then the rows, in USAGE_COLUMNS order. */
export async function queueAthenaResult(endpoint: string, rows: AthenaRow[]): Promise<void> {
  const asRow = (values: Array<string | null>) => ({ Data: values.map((v) => (v === null ? {} : { VarCharValue: v })) });
  const body = {
    account_id: MOTO_ACCOUNT_ID,
    region: 'us-east-1',
    results: [{ rows: [asRow([...USAGE_COLUMNS]), ...rows.map((r) => asRow(USAGE_COLUMNS.map((c) => r[c] ?? null)))], column_info: USAGE_COLUMNS.map((c) => ({ Name: c, Label: c, Type: 'varchar' })) }],
  };
  const res = await fetch(`${endpoint}/moto-api/static/athena/query-results`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  expect(res.status).toBe(201);
}
