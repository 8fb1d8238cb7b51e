/**
 * Usage rows (`query.ts`) into the same tally as local files. Each row is rebuilt as a minimal CloudTrail record
 * (only the fields the query kept, which are all the normalizer reads) and passed through the same normalizer;
 * the call it gives is added with the row's count and first/last event time.
 *
 * Why rebuild a record rather than map the row to a call directly: the normalizer (event mapping, principal,
 * outcome, extractors, secondary actions) is then the one source of truth for both paths, and a row of Athena
 * cannot mean something a record of the same fields would not. A call with a count goes into the ledger with
 * `UsageLedger.add(call, times, firstSeen, lastSeen)`.
 */
import type { Normalizer } from '../trail/normalize.js';
import type { ActivityTally } from '../usage/tally.js';
import type { InputProblem, NormalizedCall, RecordSource } from '../usage/types.js';
import { ARN_PREFIX_MARK } from './dialect.js';
import { DENIED_MESSAGE_MARK, type UsageColumn } from './query.js';

/** One result row: every column as Athena returns it (text, or null for SQL NULL; numbers from SQLite). */
export type UsageRow = Partial<Record<UsageColumn, string | number | null>>;

/** A column as a non-empty string, else undefined. */
function text(row: UsageRow, c: UsageColumn): string | undefined {
  const v = row[c];
  return v === null || v === undefined || v === '' ? undefined : String(v);
}

/** A column as a whole number ≥ 0 (the counts), or undefined when it is not one. */
function count(row: UsageRow, c: UsageColumn): number | undefined {
  const n = Number(row[c]);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** Sets `key` on `o` when `value` is defined (the record holds only what the row had). */
function put(o: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined) o[key] = value;
}

/** The JSON text of a column parsed, or undefined when absent; throws on text that is not JSON. */
function json(row: UsageRow, c: UsageColumn): unknown {
  const t = text(row, c);
  return t === undefined ? undefined : JSON.parse(t);
}

/** The minimal CloudTrail record a usage row stands for (its eventTime: the row's first one). */
export function recordOfRow(row: UsageRow): Record<string, unknown> {
  const uid: Record<string, unknown> = {};
  put(uid, 'type', text(row, 'identity_type'));
  put(uid, 'arn', text(row, 'identity_arn'));
  put(uid, 'principalId', text(row, 'principal_id'));
  put(uid, 'accountId', text(row, 'identity_account'));
  put(uid, 'invokedBy', text(row, 'invoked_by'));
  const issuer = text(row, 'issuer_arn');
  if (issuer) uid.sessionContext = { sessionIssuer: { arn: issuer } };
  const r: Record<string, unknown> = { userIdentity: uid };
  put(r, 'eventTime', text(row, 'first_seen'));
  put(r, 'eventSource', text(row, 'event_source'));
  put(r, 'eventName', text(row, 'event_name'));
  put(r, 'eventType', text(row, 'event_type'));
  put(r, 'awsRegion', text(row, 'aws_region'));
  put(r, 'recipientAccountId', text(row, 'recipient_account'));
  put(r, 'errorCode', text(row, 'error_code'));
  if (text(row, 'denied_message') === '1') r.errorMessage = DENIED_MESSAGE_MARK;
  put(r, 'userAgent', text(row, 'user_agent'));
  put(r, 'readOnly', text(row, 'read_only'));
  put(r, 'eventCategory', text(row, 'event_category'));
  put(r, 'requestParameters', json(row, 'request') ?? undefined);
  const arns = json(row, 'resource_arns');
  if (Array.isArray(arns)) {
    const list = arns
      .filter((a): a is string => typeof a === 'string' && a !== '' && a !== ARN_PREFIX_MARK)
      .map((a) => (a.startsWith(ARN_PREFIX_MARK) ? { ARNPrefix: a.slice(ARN_PREFIX_MARK.length) } : { ARN: a }));
    if (list.length) r.resources = list;
  }
  return r;
}

/** What adding the rows of one query counted, for the summary. */
export interface RowTotals {
  rows: number;
  /** Records the rows stand for (after duplicates were removed). */
  records: number;
  /** Copies of records removed by eventid in the query. */
  duplicates: number;
}

/** A fresh {@link RowTotals}. */
export function emptyRowTotals(): RowTotals {
  return { rows: 0, records: 0, duplicates: 0 };
}

/** A problem for a row that is not a usage row (a bug on either side of the query, or a changed table). */
function badRow(source: RecordSource, why: string): InputProblem {
  return { code: 'athena-row-invalid', message: `row ${source.index} of the Athena result is not a usage row (${why}); it was skipped`, file: source.file, position: `row ${source.index}` };
}

/**
 * Adds one usage row to the tally, as `n` records alike: normalized once, then counted `n` times (calls into
 * the ledger with their dates; ignored records and problems in the tally's counts). `source` names the query
 * and the row (for problems).
 */
export function addUsageRow(tally: ActivityTally, normalize: Normalizer, row: UsageRow, source: RecordSource, totals: RowTotals): void {
  totals.rows += 1;
  const n = count(row, 'calls');
  const first = text(row, 'first_seen');
  const last = text(row, 'last_seen');
  let record: Record<string, unknown>;
  try {
    record = recordOfRow(row);
  } catch (e) {
    tally.problem(badRow(source, `a JSON column does not parse: ${(e as Error).message}`));
    return;
  }
  if (n === undefined || n === 0 || !first || !last) {
    tally.problem(badRow(source, 'no count or event times'));
    return;
  }
  const dups = count(row, 'duplicates') ?? 0;
  totals.records += n;
  totals.duplicates += dups;
  tally.duplicates += dups;
  const res = normalize(record, source);
  if (res.kind === 'call') {
    tally.calls += n;
    tally.ledger.add(res.call, n, first, last);
  } else if (res.kind === 'ignored') {
    tally.ignored[res.reason] = (tally.ignored[res.reason] ?? 0) + n;
  } else {
    // One example, counted n times (the tally keeps the first examples of each code).
    tally.problem({ ...res.problem, message: `${res.problem.message} (${n} record(s) alike)` });
    tally.problemCounts[res.problem.code] = (tally.problemCounts[res.problem.code] ?? 0) + n - 1;
    if (res.unmapped) tally.ledger.unmapped.add(res.unmapped, n, first, last);
    if (res.problem.code === 'unknown-action' || res.problem.code === 'unknown-service') {
      const key = `${res.problem.eventSource ?? '?'} ${res.problem.eventName ?? '?'}`;
      tally.unknownEvents[key] = (tally.unknownEvents[key] ?? 0) + n - 1;
    }
  }
}
