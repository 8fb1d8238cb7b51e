/**
 * One typed error for everything the CLI reports to a person, with stable codes and documented exit codes.
 */

/** Exit codes (README "Exit codes"). */
export const EXIT = {
  /** Success. */
  OK: 0,
  /** An error: bad input file, AWS error, internal error. */
  ERROR: 1,
  /** Findings when the user asked to gate on them (`--fail-on`). */
  FINDINGS: 2,
  /** Usage error: unknown option, missing argument, conflicting options (BSD sysexits EX_USAGE). */
  USAGE: 64,
} as const;

/** An error meant for a person: what went wrong (naming the file, event or permission) and what to do next. */
export class CliError extends Error {
  constructor(
    /** Stable machine-readable code, e.g. `policy-file-invalid`. */
    readonly code: string,
    message: string,
    /** What to do next. */
    readonly hint?: string,
    readonly exitCode: number = EXIT.ERROR,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A usage error (exit 64). */
export function usageError(message: string, hint?: string): CliError {
  return new CliError('usage', message, hint, EXIT.USAGE);
}
