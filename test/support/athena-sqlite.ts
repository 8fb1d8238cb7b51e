/**
 * The embedded engine for the Athena tests: SQLite (sql.js) with a table shaped like the CloudTrail table of
 * `policy-trim athena ddl` (the same column names; nested fields kept as the record's JSON text, read through the
 * SQLITE dialect), loaded from CloudTrail records, and a runner for the usage query's SQLite form.
 *
 * Behaviour: `loadRecords` puts each object record in one row (partition columns from its recipientAccountId,
 * awsRegion and eventTime day; booleans as Athena's STRING columns hold them); `usageRows` runs the query and
 * returns its rows as column → value. REGEXP is JavaScript's RegExp (the query's patterns are the portable subset).
 */
import initSqlJs, { type Database } from 'sql.js';
import type { UsageRow } from '../../src/core/athena/rows.js';

/** The table's columns: the normalizer's fields of a record, in Athena's lower case, and the partitions. */
const COLUMNS: Array<[string, string]> = [
  ['eventversion', 'eventVersion'], ['useridentity', 'userIdentity'], ['eventtime', 'eventTime'], ['eventsource', 'eventSource'],
  ['eventname', 'eventName'], ['awsregion', 'awsRegion'], ['useragent', 'userAgent'], ['errorcode', 'errorCode'],
  ['errormessage', 'errorMessage'], ['requestparameters', 'requestParameters'], ['eventid', 'eventID'], ['readonly', 'readOnly'],
  ['resources', 'resources'], ['eventtype', 'eventType'], ['recipientaccountid', 'recipientAccountId'], ['eventcategory', 'eventCategory'],
];

/** A value as Athena's table holds it: STRING columns get text (JSON text for objects), STRUCTs stay JSON here. */
function cell(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** A new in-memory database with the CloudTrail table `name` and a JavaScript REGEXP. */
export async function cloudTrailDb(name = 'cloudtrail_logs'): Promise<Database> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.create_function('regexp', (pattern: string, value: unknown) => (typeof value === 'string' && new RegExp(pattern).test(value) ? 1 : 0));
  db.run(`CREATE TABLE "${name}" (${COLUMNS.map(([c]) => c).join(', ')}, account, region, "timestamp")`);
  return db;
}

/** Loads object records into the table (anything else is what the SerDe would not read: left out). */
export function loadRecords(db: Database, records: readonly unknown[], name = 'cloudtrail_logs'): number {
  const stmt = db.prepare(`INSERT INTO "${name}" VALUES (${[...COLUMNS, 0, 0, 0].map(() => '?').join(', ')})`);
  let n = 0;
  for (const r of records) {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) continue;
    const rec = r as Record<string, unknown>;
    const time = typeof rec.eventTime === 'string' ? rec.eventTime : '';
    const uid = rec.userIdentity as Record<string, unknown> | undefined;
    const account = cell(rec.recipientAccountId) ?? cell(uid?.accountId);
    stmt.run([...COLUMNS.map(([, k]) => cell(rec[k])), account, cell(rec.awsRegion), time.slice(0, 10).replace(/-/g, '/')]);
    n++;
  }
  stmt.free();
  return n;
}

/** Runs `sql` and returns its rows as column → value. */
export function usageRows(db: Database, sql: string): UsageRow[] {
  const out: UsageRow[] = [];
  for (const res of db.exec(sql)) {
    for (const values of res.values) {
      const row: Record<string, string | number | null> = {};
      res.columns.forEach((c, i) => (row[c] = values[i] as string | number | null));
      out.push(row as UsageRow);
    }
  }
  return out;
}
