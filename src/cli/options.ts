/**
 * Options shared by several commands, and the small pure helpers that interpret them.
 */
import type { Argv } from 'yargs';
import { parseTimeWindow, TimeWindowError, type TimeWindow } from '../core/usage/time-window.js';
import { usageError } from './errors.js';

/** `--since`, `--until`, `--days`. */
export function withWindowOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option('since', { type: 'string', describe: 'Start of the window: ISO date/time, or a duration back from now (30d, 12h)' })
    .option('until', { type: 'string', describe: 'End of the window (exclusive): ISO date/time or duration back from now' })
    .option('days', { type: 'number', describe: 'Window length in days, ending at --until (or now)' }) as Argv<T>;
}

/** The window from parsed args; a bad value is a usage error naming the option. */
export function windowFromArgs(args: Record<string, unknown>, now: Date): TimeWindow {
  try {
    return parseTimeWindow({ since: args.since as string | undefined, until: args.until as string | undefined, days: args.days as number | undefined }, now);
  } catch (e) {
    if (e instanceof TimeWindowError) throw usageError(`--${e.option}: ${e.message}`);
    throw e;
  }
}

/** The role name of a role ARN (`arn:aws:iam::1:role/path/NAME` → `NAME`), or undefined for other ARNs. */
export function roleNameOf(arn: string): string | undefined {
  const m = /^arn:[^:]+:iam::[^:]*:role\/(?:.*\/)?([^/]+)$/.exec(arn);
  return m ? m[1] : undefined;
}

/**
 * Principals matching `--role`: an ARN matches exactly; a bare name matches any role ARN with that name
 * (IAM role names are unique case-insensitively within an account), in any account or path.
 */
export function matchRole(principals: string[], role: string): string[] {
  if (role.startsWith('arn:')) return principals.filter((p) => p === role);
  const want = role.toLowerCase();
  return principals.filter((p) => roleNameOf(p)?.toLowerCase() === want);
}
