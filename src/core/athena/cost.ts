/**
 * What an Athena query cost, and the summary line that says so (with its query id, its time, and what removing
 * duplicate deliveries in the query cost).
 */
import type { RowTotals } from './rows.js';

/**
 * Athena's published price for SQL queries: USD per terabyte scanned, in US East (N. Virginia); other Regions
 * may differ. Source: Amazon Athena pricing page ("SQL queries", "$5.00 per TB of data scanned"), as read on
 * 2026-12-07. Shown with its date, since it can change.
 */
export const ATHENA_USD_PER_TB = 5;
/** The date the price above was read (ISO date), printed beside every estimate. */
export const ATHENA_PRICE_DATE = '2026-12-07';
/** Bytes per TB in Athena's billing: binary units (1 TB = 1024⁴ bytes), as its console reports data scanned. */
export const BYTES_PER_TB = 1024 ** 4;
/** Each query is billed for at least 10 MB, rounded up to the next MB (same pricing page). */
export const MIN_BILLED_BYTES = 10 * 1024 ** 2;
const BYTES_PER_MB = 1024 ** 2;

/** Estimated USD for a query that scanned `bytes` (the 10 MB minimum and MB rounding applied). */
export function estimatedCostUsd(bytes: number): number {
  const billed = Math.max(MIN_BILLED_BYTES, Math.ceil(bytes / BYTES_PER_MB) * BYTES_PER_MB);
  return (billed / BYTES_PER_TB) * ATHENA_USD_PER_TB;
}

/** `1.2 GB`, `340 MB`, `12 KB`, `512 B` (binary units, one decimal under 10). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 || v >= 10 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}

/** `$0.0123` (four decimals: most queries of this tool cost cents or less). */
export function formatUsd(usd: number): string {
  return `$${usd.toFixed(4)}`;
}

/** What one query's execution reported. */
export interface QueryStats {
  queryId: string;
  /** Bytes Athena scanned (`DataScannedInBytes`). */
  bytesScanned: number;
  /** Milliseconds the engine ran (`EngineExecutionTimeInMillis`), when reported. */
  engineMs?: number;
  /** Milliseconds from start to the last result page, measured here. */
  wallMs: number;
}

/** The summary lines of an Athena read, for stderr (every value here is ours or a number: nothing to escape). */
export function athenaSummaryLines(stats: QueryStats, totals: RowTotals): string[] {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return [
    `athena: query ${stats.queryId}: scanned ${formatBytes(stats.bytesScanned)}, estimated ${formatUsd(estimatedCostUsd(stats.bytesScanned))} ` +
      `(at $${ATHENA_USD_PER_TB}/TB, Athena's US East price read ${ATHENA_PRICE_DATE}; 10 MB minimum), ${seconds(stats.wallMs)}` +
      (stats.engineMs !== undefined ? ` (engine ${seconds(stats.engineMs)})` : ''),
    `athena: ${totals.rows} row(s) of aggregated usage for ${totals.records} record(s); ${totals.duplicates} duplicate deliver${totals.duplicates === 1 ? 'y' : 'ies'} removed in the query ` +
      '(by recipientAccountId and eventID: no more bytes scanned than the eventid column, but a shuffle of the matching records, which adds engine time)',
  ];
}
