/**
 * The GitHub Action's inputs, read from the environment as the runner sets them, and turned into the CLI's
 * command line. The runner names each input `INPUT_<NAME>`: the input id upper-cased, spaces replaced by `_`,
 * hyphens kept (`fail-on` → `INPUT_FAIL-ON`); an input the workflow leaves out holds action.yml's default.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { ERROR_EXIT, PolicyTrimError } from '../core/errors.js';

/** Every input action.yml declares, read by {@link readActionInputs} (a test checks the two lists agree). */
export const ACTION_INPUTS = ['command', 'config', 'roles', 'regions', 'days', 'fail-on', 'formats', 'out-dir', 'previous-report', 'args'] as const;

export type ActionInputName = (typeof ACTION_INPUTS)[number];

/** The report formats `drift` writes, and the file each is written to under `--out-dir`. */
export const REPORT_FILES = { md: 'drift.md', json: 'drift.json', sarif: 'drift.sarif', html: 'drift.html' } as const;

export type ReportFormat = keyof typeof REPORT_FILES;

/** The formats written when the `formats` input is empty (action.yml's default says the same). */
export const DEFAULT_FORMATS: readonly ReportFormat[] = ['md', 'json', 'sarif', 'html'];

/** The report folder's name under `RUNNER_TEMP` (or the working directory) when `out-dir` is empty. */
export const DEFAULT_OUT_DIR = 'policy-trim-report';

/** An input the action cannot use: printed as a workflow `::error::`, and the step fails before the CLI runs. */
export class ActionInputError extends PolicyTrimError {
  constructor(message: string) {
    super({ code: 'action-input', message, hint: 'Fix the input in the workflow step\'s `with:` (docs/github-action.md lists them).', exitCode: ERROR_EXIT.USAGE });
  }
}

/** What the action runs: the CLI's arguments, and for `drift` where its reports go. */
export interface ActionPlan {
  command: string;
  argv: string[];
  /** `drift` only: the report folder (absolute) and the formats asked for. */
  reports?: { dir: string; formats: ReportFormat[] };
}

/** The value of one input as GitHub sets it (`INPUT_FAIL-ON`), trimmed; '' when unset. */
export function readInput(env: Record<string, string | undefined>, name: ActionInputName): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** A list input: items separated by commas or newlines (a YAML block list pastes as lines), blanks dropped. */
export function listInput(value: string): string[] {
  return value
    .split(/[,\n\r]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * Reads every input and builds the command line. The shaped inputs (roles, regions, days, ...) are `drift`'s
 * options: for any other command only `args` is passed, since action.yml's defaults (formats, say) are set
 * for every run and other commands do not take them. Throws an {@link ActionInputError} for a value the CLI
 * would misread.
 */
export function readActionInputs(env: Record<string, string | undefined>, cwd: string): ActionPlan {
  const command = readInput(env, 'command') || 'drift';
  if (!/^[a-z][a-z-]*$/.test(command)) throw new ActionInputError(`input command: expected a policy-trim command such as drift, got ${JSON.stringify(command)}`);
  const extra = splitArgs(readInput(env, 'args'));
  if (command !== 'drift') return { command, argv: [command, ...extra] };

  const argv = ['drift'];
  const config = readInput(env, 'config');
  if (config) argv.push('--config', config);
  for (const role of listInput(readInput(env, 'roles'))) argv.push('--roles', role);
  for (const region of listInput(readInput(env, 'regions'))) argv.push('--regions', region);
  const days = readInput(env, 'days');
  if (days) {
    if (!/^[1-9][0-9]*$/.test(days)) throw new ActionInputError(`input days: expected a whole number of days (1 or more), got ${JSON.stringify(days)}`);
    argv.push('--days', days);
  }
  const failOn = listInput(readInput(env, 'fail-on'));
  if (failOn.length) argv.push('--fail-on', failOn.join(','));
  const formats = readFormats(readInput(env, 'formats'));
  for (const f of formats) argv.push('--format', f);
  const dir = reportDir(readInput(env, 'out-dir'), env, cwd);
  argv.push('--out-dir', dir);
  const previous = readInput(env, 'previous-report');
  if (previous) argv.push('--previous-report', previous);
  argv.push(...extra);
  return { command, argv, reports: { dir, formats } };
}

/** The `formats` input: known formats only, each once, in the order given; the default when empty. */
function readFormats(value: string): ReportFormat[] {
  const asked = listInput(value).map((f) => f.toLowerCase());
  if (asked.length === 0) return [...DEFAULT_FORMATS];
  const unknown = asked.filter((f) => !(f in REPORT_FILES));
  if (unknown.length) throw new ActionInputError(`input formats: unknown format ${unknown.map((f) => JSON.stringify(f)).join(', ')}; the formats are ${Object.keys(REPORT_FILES).join(', ')}`);
  return [...new Set(asked as ReportFormat[])];
}

/** The report folder, absolute: `out-dir` against the working directory, else `RUNNER_TEMP/policy-trim-report`. */
function reportDir(value: string, env: Record<string, string | undefined>, cwd: string): string {
  if (value) return isAbsolute(value) ? value : resolve(cwd, value);
  return join(env.RUNNER_TEMP || cwd, DEFAULT_OUT_DIR);
}

/**
 * Splits the `args` input into arguments as a POSIX shell would split plain words: on whitespace (newlines
 * too), with '…' taken literally and "…" allowing \" and \\ inside; no variables, globs or other expansions.
 */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else cur += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) cur += text[++i];
      else cur += c;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      inWord = true;
      if (c === '"' || c === "'") quote = c;
      else if (c === '\\' && i + 1 < text.length) cur += text[++i];
      else cur += c;
    }
  }
  if (quote) throw new ActionInputError(`input args: unterminated ${quote} quote`);
  if (inWord) out.push(cur);
  return out;
}
