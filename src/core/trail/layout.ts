/**
 * The S3 delivery layout of CloudTrail log files, and which parts of it can hold records in a time window.
 *
 * Layout (AWS CloudTrail User Guide, "Finding your CloudTrail log files" and "CloudTrail log file name format"):
 *   PREFIX/AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHmmZ_UNIQUE.json.gz
 * and for an Organization trail:
 *   PREFIX/AWSLogs/o-ORGID/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/...
 * Digest files (log file integrity validation) live under `CloudTrail-Digest/` and hold no records.
 *
 * Pure: works on path strings only (local paths or S3 keys, `/` or `\` separators).
 *
 * ## Why the window margin is asymmetric
 * The `YYYY/MM/DD` folder and the file name's `YYYYMMDDTHHmmZ` are the UTC *delivery* time of the file, and
 * "a log file delivered at a specific time can contain records written at any point before that time" (AWS,
 * "CloudTrail log file name format"). So:
 * - Lower side (exact): every record in a file delivered at T has eventTime ≤ T. The file-name time is
 *   truncated to the minute, so the true delivery time is < T + 1 min; a folder for day D holds only records
 *   with eventTime < D+1 00:00Z. A folder or file whose latest possible delivery time is before `since` cannot
 *   hold a record in the window — pruned with no margin at all.
 * - Upper side (needs an assumption): a record with eventTime t is delivered at t + delay. AWS says delivery
 *   takes "an average of about 5 minutes" and is not guaranteed; ~15 minutes is commonly observed. A record
 *   written just before `until` (e.g. 23:59 on day D) can therefore sit in day D+1's folder. We allow a delay of
 *   up to {@link DEFAULT_MAX_DELIVERY_DELAY_MS} (24 h, far above the observed 5–15 min): a folder for day D is
 *   read when D ≤ day(until + 24 h) — i.e. at most one extra day folder, and only when `until` is set. The
 *   cost of a generous margin is reading a few more files (records outside the window are then dropped by
 *   their eventTime and counted); the cost of a tight one would be missing usage, which could make a
 *   suggested policy remove a permission that was used. So the margin errs wide.
 */

import type { TimeWindow } from '../usage/time-window.js';
import { DAY_MS } from '../usage/time-window.js';
import { InvariantError } from '../errors.js';

/**
 * Default allowance for the delay between a record's eventTime and its file's delivery (ms). 24 h: AWS
 * documents ~5 min on average with no guarantee; this is generous so that late files are not missed.
 */
export const DEFAULT_MAX_DELIVERY_DELAY_MS = DAY_MS;

/** File-name times are truncated to the minute: the true delivery time is up to 1 min later (ms). */
const FILE_NAME_TIME_RESOLUTION_MS = 60_000;

/** What a path says about its place in the delivery layout. Fields are present as far as the path goes. */
export interface TrailPathInfo {
  /** Everything before `AWSLogs` (no trailing separator; `''` when the path starts with `AWSLogs`). */
  prefix: string;
  /** `o-...` for an Organization trail. */
  organizationId?: string;
  accountId?: string;
  /** `CloudTrail`, `CloudTrail-Digest`, `CloudTrail-Insight`, ... */
  logType?: string;
  region?: string;
  year?: number;
  month?: number;
  day?: number;
  /** The last segment when it is below the day folder (a file or object name). */
  fileName?: string;
}

/** What a standard CloudTrail log file name says. */
export interface TrailFileName {
  accountId: string;
  region: string;
  /** Delivery time from `YYYYMMDDTHHmmZ` (truncated to the minute, UTC). */
  deliveredAt: Date;
  unique: string;
  /** Extension after the unique part, e.g. `json.gz`. */
  extension: string;
  /** True for `..._CloudTrail-Digest_...` files (no records). */
  digest: boolean;
}

const FILE_NAME_RE =
  /^(\d{12})_(CloudTrail(?:-Digest|-Insight)?)_([a-z0-9-]+)_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_([A-Za-z0-9]+)\.(.+)$/;

/** Parses `ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHmmZ_UNIQUE.json.gz` (also the Digest/Insight forms). */
export function parseTrailFileName(name: string): TrailFileName | undefined {
  const m = FILE_NAME_RE.exec(name);
  if (!m) return undefined;
  const [y, mo, d, h, mi] = [Number(m[4]), Number(m[5]), Number(m[6]), Number(m[7]), Number(m[8])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return undefined;
  return {
    accountId: m[1],
    region: m[3],
    deliveredAt: new Date(Date.UTC(y, mo - 1, d, h, mi)),
    unique: m[9],
    extension: m[10],
    digest: m[2] === 'CloudTrail-Digest',
  };
}

/** Formats the standard file name (used by tests and the benchmark's synthetic trail). */
export function formatTrailFileName(accountId: string, region: string, deliveredAt: Date, unique: string): string {
  const iso = deliveredAt.toISOString(); // 2026-10-01T12:34:56.000Z
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
  return `${accountId}_CloudTrail_${region}_${stamp}_${unique}.json.gz`;
}

const YEAR_RE = /^\d{4}$/;
const TWO_DIGITS_RE = /^\d{2}$/;

/**
 * Finds the delivery layout in a path (directory or file, local or S3 key, under any prefix).
 * Returns undefined when the path has no `AWSLogs/ACCOUNT/<logType>` or `AWSLogs/o-ORG/ACCOUNT/<logType>` part.
 */
export function parseTrailPath(path: string): TrailPathInfo | undefined {
  const segs = path.replace(/\\/g, '/').split('/');
  // Drop a trailing empty segment (`dir/`).
  if (segs.length > 0 && segs[segs.length - 1] === '') segs.pop();
  for (let i = segs.length - 1; i >= 0; i--) {
    if (segs[i] !== 'AWSLogs') continue;
    const info: TrailPathInfo = { prefix: segs.slice(0, i).join('/') };
    let j = i + 1;
    if (j < segs.length && /^o-[a-z0-9]+$/.test(segs[j]) && segs[j + 2] !== undefined && segs[j + 2].startsWith('CloudTrail')) {
      info.organizationId = segs[j];
      j++;
    }
    if (j >= segs.length) return info;
    info.accountId = segs[j++];
    if (j >= segs.length) return info;
    if (!segs[j].startsWith('CloudTrail')) continue; // not a CloudTrail layout at this AWSLogs
    info.logType = segs[j++];
    if (j >= segs.length) return info;
    info.region = segs[j++];
    if (j >= segs.length) return info;
    if (!YEAR_RE.test(segs[j])) return info; // not dated below the region: nothing more to know
    info.year = Number(segs[j++]);
    if (j >= segs.length) return info;
    if (!TWO_DIGITS_RE.test(segs[j]) || Number(segs[j]) < 1 || Number(segs[j]) > 12) return info;
    info.month = Number(segs[j++]);
    if (j >= segs.length) return info;
    if (!TWO_DIGITS_RE.test(segs[j]) || Number(segs[j]) < 1 || Number(segs[j]) > 31) return info;
    info.day = Number(segs[j++]);
    if (j < segs.length) info.fileName = segs[segs.length - 1];
    return info;
  }
  return undefined;
}

/** True when the path is (inside) a CloudTrail-Digest folder or is a digest file: integrity data, no records. */
export function isDigestPath(path: string): boolean {
  const norm = path.replace(/\\/g, '/');
  return /(^|\/)CloudTrail-Digest(\/|$)/.test(norm) || /_CloudTrail-Digest_/.test(norm);
}

/**
 * The range of delivery times [from, to) a layout path covers, from its date folders and file name;
 * undefined when the path carries no date.
 */
export function deliveryRange(path: string): { from: number; to: number } | undefined {
  const info = parseTrailPath(path);
  const name = path.replace(/\\/g, '/').split('/').filter((s) => s !== '').pop() ?? '';
  const file = parseTrailFileName(name);
  if (file && !(info && info.year !== undefined && info.fileName === undefined)) {
    const t = file.deliveredAt.getTime();
    return { from: t, to: t + FILE_NAME_TIME_RESOLUTION_MS };
  }
  if (!info || info.year === undefined) return undefined;
  const y = info.year;
  if (info.month === undefined) return { from: Date.UTC(y, 0, 1), to: Date.UTC(y + 1, 0, 1) };
  if (info.day === undefined) return { from: Date.UTC(y, info.month - 1, 1), to: Date.UTC(y, info.month, 1) };
  // A day folder: a file name inside it (checked above) is finer; here the whole day.
  return { from: Date.UTC(y, info.month - 1, info.day), to: Date.UTC(y, info.month - 1, info.day + 1) };
}

/** Options for window pruning. */
export interface PruneOptions {
  /** Largest delay allowed between a record's eventTime and its file's delivery (ms). */
  maxDeliveryDelayMs?: number;
}

/**
 * Decides from a path alone whether it can hold records in the window (see the module comment for the
 * margin). Paths outside the layout, or without a date, always may. Works for directories, files and S3 keys
 * or prefixes.
 */
export function pathMayHoldWindow(path: string, window: TimeWindow | undefined, options: PruneOptions = {}): boolean {
  if (!window || (!window.since && !window.until)) return true;
  const range = deliveryRange(path);
  if (!range) return true;
  const delay = options.maxDeliveryDelayMs ?? DEFAULT_MAX_DELIVERY_DELAY_MS;
  // Records in a file delivered at time T satisfy T - delay ≤ eventTime ≤ T. Over the path's delivery range
  // [from, to), eventTimes lie in [from - delay, to). The window is [since, until).
  if (window.since && range.to <= window.since.getTime()) return false;
  if (window.until && range.from - delay >= window.until.getTime()) return false;
  return true;
}

/**
 * UTC day folders (`YYYY/MM/DD`) whose files can hold records in the window, oldest first.
 * @throws InvariantError when the window is not closed on both ends (the days cannot be enumerated: list instead).
 */
export function deliveryDays(window: TimeWindow, options: PruneOptions = {}): string[] {
  if (!window.since || !window.until) {
    throw new InvariantError('deliveryDays needs a window with both since and until; list the region folder instead');
  }
  const delay = options.maxDeliveryDelayMs ?? DEFAULT_MAX_DELIVERY_DELAY_MS;
  const first = Math.floor(window.since.getTime() / DAY_MS);
  // The last folder that may hold a record with eventTime < until is the day of (until + delay), exclusive
  // end: a record at until - ε is delivered before until - ε + delay.
  const last = Math.floor((window.until.getTime() - 1 + delay) / DAY_MS);
  const days: string[] = [];
  for (let d = first; d <= last; d++) {
    const iso = new Date(d * DAY_MS).toISOString();
    days.push(`${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}`);
  }
  return days;
}

/** Where to list: a bucket prefix, optional Organization id, and the accounts and regions wanted. */
export interface TrailPrefixQuery {
  /** The trail's S3 key prefix (`''` for none); a trailing `/` is optional. */
  prefix?: string;
  organizationId?: string;
  accountIds: string[];
  regions: string[];
  window: TimeWindow;
  maxDeliveryDelayMs?: number;
}

/** `PREFIX/AWSLogs/[o-ORG/]ACCOUNT/CloudTrail/` — list this with delimiter `/` to discover regions. */
export function accountLogPrefix(prefix: string | undefined, organizationId: string | undefined, accountId: string): string {
  const p = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  return `${p ? `${p}/` : ''}AWSLogs/${organizationId ? `${organizationId}/` : ''}${accountId}/CloudTrail/`;
}

/**
 * The S3 key prefixes to list for the given accounts, regions and window: one per account × region × day,
 * e.g. `logs/AWSLogs/111122223333/CloudTrail/us-east-1/2026/10/01/`. Sorted, no duplicates.
 * @throws InvariantError when the window is not closed on both ends (see {@link deliveryDays}).
 */
export function trailKeyPrefixes(query: TrailPrefixQuery): string[] {
  const days = deliveryDays(query.window, { maxDeliveryDelayMs: query.maxDeliveryDelayMs });
  const out = new Set<string>();
  for (const account of query.accountIds) {
    const base = accountLogPrefix(query.prefix, query.organizationId, account);
    for (const region of query.regions) for (const day of days) out.add(`${base}${region}/${day}/`);
  }
  return [...out].sort();
}
