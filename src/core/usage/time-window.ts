/**
 * The time window of activity to read: `--since`, `--until`, `--days`.
 *
 * Pure: the current time is passed in (`now`), never read from the clock here, so results are reproducible.
 *
 * Semantics (half-open, so consecutive windows tile without overlap or gap):
 * - `since` is inclusive, `until` is exclusive.
 * - A date-only `--since 2026-10-01` means the start of that UTC day; a date-only `--until 2026-10-31` means the
 *   END of that UTC day (i.e. `until` = 2026-11-01T00:00:00Z), because a person who writes a date as the end of
 *   a range means "up to and including that day".
 * - A date-time without a zone designator is read as UTC (CloudTrail's `eventTime` is UTC), never local time.
 * - Relative values (`30d`, `12h`, `90m`, `45s`, `2w`) count back from `now`.
 * - `--days N` counts N×24 h back from `until` when `--until` is given, else back from `now`; it cannot be
 *   combined with `--since` (the window would be over-determined).
 */
import { ERROR_EXIT, InvariantError, PolicyTrimError } from '../errors.js';

/** A time window: `since` inclusive, `until` exclusive; either end may be open. */
export interface TimeWindow {
  since?: Date;
  until?: Date;
}

/** Raw option values as the CLI receives them. */
export interface TimeWindowOptions {
  since?: string | Date;
  until?: string | Date;
  /** Whole days, as a number or a numeric string. */
  days?: number | string;
}

/** A bad `--since`/`--until`/`--days` value; `option` names the flag so the CLI can report a usage error (exit 64). */
export class TimeWindowError extends PolicyTrimError {
  declare readonly code: 'bad-time-window';
  /** The option at fault: `since`, `until` or `days`. */
  readonly option: 'since' | 'until' | 'days';
  constructor(option: 'since' | 'until' | 'days', message: string) {
    super({
      code: 'bad-time-window',
      message,
      hint: 'Run the command with --help for the forms --since, --until and --days accept.',
      exitCode: ERROR_EXIT.USAGE,
      source: 'user',
    });
    this.option = option;
  }
}

/** One day in milliseconds (UTC days have no DST: CloudTrail times are UTC). */
export const DAY_MS = 86_400_000;

/** Milliseconds per unit of a relative duration. `w` = 7 days. */
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS };

/** Largest `--days` accepted: CloudTrail has existed since 2013, so ~20 years covers any real trail. */
export const MAX_DAYS = 366 * 20;

const RELATIVE_RE = /^(\d+(?:\.\d+)?)\s*([smhdw])$/i;
const DATE_ONLY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
// YYYY-MM-DD[T ]HH:MM[:SS[.fff]][Z|±HH:MM|±HHMM]
const DATE_TIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;

const HELP =
  'use an ISO date (2026-10-01), a date-time (2026-10-01T12:00:00Z) or a duration back from now (30d, 12h, 90m, 2w)';

/**
 * Parses one `--since` or `--until` value into an instant.
 * @param endOfDay for a date-only value, return the end of that day (next day 00:00Z) instead of its start.
 * @throws TimeWindowError when the value is not a valid date, date-time or duration.
 */
export function parseTimePoint(
  value: string | Date,
  now: Date,
  option: 'since' | 'until',
  endOfDay = false,
): Date {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TimeWindowError(option, `--${option}: invalid date; ${HELP}.`);
    return value;
  }
  const text = String(value).trim();
  if (text === '') throw new TimeWindowError(option, `--${option} is empty; ${HELP}.`);

  const rel = RELATIVE_RE.exec(text);
  if (rel) {
    const ms = Number(rel[1]) * UNIT_MS[rel[2].toLowerCase()];
    return new Date(now.getTime() - ms);
  }

  const d = DATE_ONLY_RE.exec(text);
  if (d) {
    const [y, mo, da] = [Number(d[1]), Number(d[2]), Number(d[3])];
    checkCalendar(option, text, y, mo, da, 0, 0, 0);
    return new Date(Date.UTC(y, mo - 1, da + (endOfDay ? 1 : 0)));
  }

  const dt = DATE_TIME_RE.exec(text);
  if (dt) {
    const [y, mo, da, h, mi] = [Number(dt[1]), Number(dt[2]), Number(dt[3]), Number(dt[4]), Number(dt[5])];
    const s = dt[6] === undefined ? 0 : Number(dt[6]);
    const ms = dt[7] === undefined ? 0 : Math.floor(Number(`0.${dt[7]}`) * 1000);
    checkCalendar(option, text, y, mo, da, h, mi, s);
    let t = Date.UTC(y, mo - 1, da, h, mi, s, ms);
    const zone = dt[8];
    if (zone && zone.toUpperCase() !== 'Z') {
      const sign = zone[0] === '-' ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      const offMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
      if (Number(digits.slice(0, 2)) > 23 || Number(digits.slice(2, 4)) > 59) {
        throw new TimeWindowError(option, `--${option} ${JSON.stringify(text)}: bad time zone offset ${zone}.`);
      }
      t -= sign * offMin * 60_000;
    }
    return new Date(t);
  }

  if (/^-?\d+$/.test(text)) {
    throw new TimeWindowError(
      option,
      `--${option} ${JSON.stringify(text)}: a bare number is ambiguous; write ${text}d for days back from now, or a date; ${HELP}.`,
    );
  }
  throw new TimeWindowError(option, `--${option} ${JSON.stringify(text)} is not a date, date-time or duration; ${HELP}.`);
}

function checkCalendar(
  option: 'since' | 'until',
  text: string,
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
): void {
  const probe = new Date(Date.UTC(y, mo - 1, d));
  const valid =
    mo >= 1 && mo <= 12 && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d && h <= 23 && mi <= 59 && s <= 59;
  if (!valid) {
    throw new TimeWindowError(option, `--${option} ${JSON.stringify(text)} is not a real calendar date or time; ${HELP}.`);
  }
}

/** Parses `--days`: a positive whole number of days (at most {@link MAX_DAYS}). */
export function parseDays(value: number | string): number {
  const text = typeof value === 'number' ? String(value) : value.trim();
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_DAYS) {
    throw new TimeWindowError(
      'days',
      `--days ${JSON.stringify(String(value))}: expected a whole number of days between 1 and ${MAX_DAYS} (e.g. --days 30).`,
    );
  }
  return Number(text);
}

/**
 * Builds the window from `--since`/`--until`/`--days`, relative to `now`.
 * With no option at all the window is open on both ends (read everything).
 * @throws TimeWindowError on a bad value, on `--days` together with `--since`, or when since is not before until.
 */
export function parseTimeWindow(options: TimeWindowOptions, now: Date): TimeWindow {
  if (Number.isNaN(now.getTime())) throw new InvariantError('parseTimeWindow: `now` is an invalid Date');
  const has = (v: unknown): boolean => v !== undefined && v !== null && v !== '';
  const window: TimeWindow = {};
  if (has(options.until)) window.until = parseTimePoint(options.until as string | Date, now, 'until', true);
  if (has(options.since)) window.since = parseTimePoint(options.since as string | Date, now, 'since', false);
  if (has(options.days)) {
    if (window.since) {
      throw new TimeWindowError(
        'days',
        '--days cannot be combined with --since: give --since and --until, or --days with an optional --until.',
      );
    }
    const days = parseDays(options.days as number | string);
    const end = window.until ?? now;
    window.since = new Date(end.getTime() - days * DAY_MS);
  }
  if (window.since && window.until && window.since.getTime() >= window.until.getTime()) {
    throw new TimeWindowError(
      'since',
      `--since (${window.since.toISOString()}) must be before --until (${window.until.toISOString()}); the window is empty.`,
    );
  }
  return window;
}

/** True when an instant (ms since epoch) lies in the window (since inclusive, until exclusive). */
export function inWindow(window: TimeWindow, timeMs: number): boolean {
  if (window.since && timeMs < window.since.getTime()) return false;
  if (window.until && timeMs >= window.until.getTime()) return false;
  return true;
}

/** A short human form of the window for summaries, e.g. `2026-10-02T00:00:00.000Z .. 2026-11-01T00:00:00.000Z`. */
export function describeWindow(window: TimeWindow): string {
  if (!window.since && !window.until) return 'all time';
  return `${window.since ? window.since.toISOString() : '(start)'} .. ${window.until ? window.until.toISOString() : '(now)'}`;
}
