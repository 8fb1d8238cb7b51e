/** The error of `.policy-trim.yml`: a file that cannot be found, read, parsed, or that breaks the schema or a rule. */

import { PolicyTrimError } from '../errors.js';
import type { ConfigProblem } from './types.js';

/** Stable codes of ConfigError. */
export type ConfigErrorCode =
  /** `--config FILE` names a file that does not exist. */
  | 'config-not-found'
  /** The file exists but cannot be read (a folder, no permission). */
  | 'config-unreadable'
  /** `.policy-trim.yaml` (or another near-miss) at the root, but no `.policy-trim.yml`: never ignored quietly. */
  | 'config-misnamed'
  /** YAML syntax, the schema, or a rule beyond it: see `problems`. */
  | 'config-invalid';

/** Most problems one error lists: a file with hundreds of the same mistake needs the first few, not all. */
export const MAX_CONFIG_PROBLEMS = 20;

/** `FILE:LINE:COLUMN: PATH: MESSAGE`, one problem on one line. */
export function formatConfigProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

/**
 * An error about the configuration file. For `config-invalid` it carries every problem found (up to
 * {@link MAX_CONFIG_PROBLEMS}) in `problems`, and `total` says how many there were; the message names the file
 * and the first problem, so a one-line printer still shows where to look.
 */
export class ConfigError extends PolicyTrimError {
  /** The configuration file, as named to the parser. */
  readonly file: string;
  /** The problems, in file order, at most MAX_CONFIG_PROBLEMS. */
  readonly problems: readonly ConfigProblem[];
  /** How many problems were found in all (more than `problems.length` when cut). */
  readonly total: number;

  constructor(init: { code: ConfigErrorCode; file: string; message?: string; problems?: ConfigProblem[]; hint?: string; cause?: unknown }) {
    const all = init.problems ?? [];
    const problems = all.slice(0, MAX_CONFIG_PROBLEMS);
    const first = problems[0];
    const summary = first
      ? `${formatConfigProblem(first)}${all.length > 1 ? ` (and ${all.length - 1} more problem${all.length > 2 ? 's' : ''}: run \`policy-trim config validate\` for all)` : ''}`
      : `${init.file}: ${init.message ?? 'invalid configuration'}`;
    super({
      code: init.code,
      message: init.message && first ? `${init.message}: ${summary}` : summary,
      hint: init.hint ?? 'Fix the file (docs/configuration.md describes every key), or name another with --config FILE.',
      cause: init.cause,
    });
    this.file = init.file;
    this.problems = problems;
    this.total = all.length;
  }
}
