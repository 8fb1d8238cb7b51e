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
    // A string, so that `--days abc` is reported as written (yargs would turn it into NaN).
    .option('days', { type: 'string', describe: 'Window length in whole days, ending at --until (or now)' }) as Argv<T>;
}

/**
 * The window from parsed args; a bad value is a usage error naming the option. So is an empty window: `--since`
 * not before `--until`, or (without `--until`) not before now.
 */
export function windowFromArgs(args: Record<string, unknown>, now: Date): TimeWindow {
  let window: TimeWindow;
  try {
    window = parseTimeWindow({ since: args.since as string | undefined, until: args.until as string | undefined, days: args.days as string | undefined }, now);
  } catch (e) {
    if (e instanceof TimeWindowError) throw usageError(e.message.startsWith('--') ? e.message : `--${e.option}: ${e.message}`);
    throw e;
  }
  if (window.since && !window.until && window.since.getTime() >= now.getTime()) {
    throw usageError(`--since ${String(args.since)} (${window.since.toISOString()}) is not in the past: the window is empty`, 'Give a --since before now, or an --until after it.');
  }
  return window;
}

/**
 * The values of an option that may be repeated or comma-separated (`--roles a,b --roles c` → a, b, c): each
 * trimmed, blanks dropped; none when the option is absent.
 */
export function listOption(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter(Boolean);
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

/**
 * Options that mean something without a value: `--drop-unobservable` alone drops every unobservable action.
 * Every other option that takes a value must be given one.
 */
export const FLAGS_WITHOUT_VALUE: ReadonlySet<string> = new Set(['drop-unobservable']);

/** What yargs records of the declared options (`Argv.getOptions()`, missing from the type definitions). */
interface DeclaredOptions {
  key: Record<string, unknown>;
  array: string[];
  boolean: string[];
  count: string[];
  alias: Record<string, string[]>;
  string: string[];
  number: string[];
  choices: Record<string, unknown>;
}

function declaredOptions(y: Argv): DeclaredOptions {
  return (y as unknown as { getOptions(): DeclaredOptions }).getOptions();
}

/**
 * Makes every option that takes a value (string, number, or a fixed set of choices) require one, except
 * {@link FLAGS_WITHOUT_VALUE} and the positionals: a bare `--days` or `--baseline` is a usage error instead of
 * silently meaning "no value" (no window, no baseline).
 */
export function requireOptionValues(y: Argv, positionals: string[]): Argv {
  const o = declaredOptions(y);
  const keys = [...new Set([...o.string, ...o.number, ...Object.keys(o.choices)])].filter((k) => !FLAGS_WITHOUT_VALUE.has(k) && !positionals.includes(k));
  return keys.length ? y.requiresArg(keys) : y;
}

/**
 * A repeated option that takes one value (`--days 3 --days 30`): yargs makes it an array of both, which no
 * command reads as meant (the window parser crashed on it; `--until` twice read both as one date), and a number
 * option given `1` twice it even adds up (`--jobs 1 --jobs 1` is 2), so the command line is counted, not the
 * parsed value. One rule for every command: a usage error naming the option, unless the option is declared to
 * take several values (`array: true`: `--trail`, `--policy`, `--baseline`, ...). Flags are not affected: yargs
 * keeps the last of a repeated boolean.
 */
export function checkRepeatedOptions(y: Argv, args: Record<string, unknown>, argv: string[], positionals: string[]): void {
  const o = declaredOptions(y);
  for (const key of Object.keys(o.key)) {
    if (o.array.includes(key) || o.boolean.includes(key) || o.count.includes(key) || positionals.includes(key)) continue;
    const v = args[key];
    const given = Math.max(occurrences(argv, [key, ...(o.alias[key] ?? [])]), Array.isArray(v) ? v.length : 0);
    if (given < 2) continue;
    const times = given === 2 ? 'twice' : `${given} times`;
    throw usageError(`--${key} was given ${times}: give it once`, `--${key} takes one value; a later --${key} neither replaces nor adds to an earlier one.`);
  }
}

/** How many times the option named `names` (its name and aliases) is written in `argv`, before any `--`. */
function occurrences(argv: string[], names: string[]): number {
  let n = 0;
  for (const a of argv) {
    if (a === '--') break;
    if (names.some((k) => {
      const flag = k.length === 1 ? `-${k}` : `--${k}`;
      return a === flag || a.startsWith(`${flag}=`);
    })) n++;
  }
  return n;
}

/**
 * Checks what yargs lets through, before the command reads anything: an option that takes one value given more
 * than once ({@link checkRepeatedOptions}), an empty string given to an option that
 * takes text (`--since ""`, `--drop-unobservable ""` from an unset variable), a number option whose value is
 * not a number (named as written, not as NaN), and the time window when the command has one. Throws a usage
 * error naming the option.
 */
export function checkOptionValues(y: Argv, args: Record<string, unknown>, argv: string[], positionals: string[], now: Date): void {
  checkRepeatedOptions(y, args, argv, positionals);
  const o = declaredOptions(y);
  for (const key of o.string) {
    if (positionals.includes(key)) continue;
    const v = args[key];
    const values = Array.isArray(v) ? v : [v];
    if (values.some((x) => typeof x === 'string' && x.trim() === '')) {
      throw usageError(`--${key} was given an empty value`, `Give --${key} a value (an unset shell variable expands to nothing), or leave the option out.`);
    }
  }
  for (const key of o.number) {
    const v = args[key];
    const values = Array.isArray(v) ? v : [v];
    if (values.some((x) => typeof x === 'number' && Number.isNaN(x))) {
      throw usageError(`--${key} ${JSON.stringify(rawValue(argv, key) ?? '')}: expected a number`);
    }
  }
  if (o.string.includes('days')) windowFromArgs(args, now);
}

/** The text given to `--key` on the command line (`--key VALUE` or `--key=VALUE`), for messages. */
function rawValue(argv: string[], key: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${key}`) return argv[i + 1];
    if (argv[i].startsWith(`--${key}=`)) return argv[i].slice(key.length + 3);
  }
  return undefined;
}
