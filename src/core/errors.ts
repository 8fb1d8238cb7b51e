/**
 * The one base of every error policy-trim throws on purpose. It says what went wrong (`message`), what to do
 * (`hint`), a stable `code` scripts and tests can switch on, the process exit code, and whose problem it is:
 * the user's (their input, their command line, their AWS account or installation) or the tool's (a bug in
 * policy-trim). Only the tool's errors are presented as bugs; a user's mistake never is. Modelled on
 * aws-cdk's `ToolkitError` (`source: 'toolkit' | 'user'`).
 *
 * It lives in the core (no I/O) so the core, the adapters and the CLI can all throw it; the CLI prints any
 * `PolicyTrimError` by its fields, and only an unknown throwable as "unexpected … this is a bug".
 */

/** Exit codes an error can carry (README "Exit codes"): 1 an error, 64 a usage error (BSD sysexits EX_USAGE). */
export const ERROR_EXIT = {
  /** An error: bad input file, AWS error, broken installation, internal error. */
  ERROR: 1,
  /** Usage error: unknown option, missing argument, conflicting or malformed option values. */
  USAGE: 64,
} as const;

/** Exit code of an error: one of {@link ERROR_EXIT}. */
export type ErrorExitCode = (typeof ERROR_EXIT)[keyof typeof ERROR_EXIT];

/**
 * Whose problem an error is. `user`: the input, the command line, AWS (permissions, credentials, throttling)
 * or the installation — the user can act on it. `tool`: a bug in policy-trim — the user can only report it.
 */
export type ErrorSource = 'user' | 'tool';

/** Fields of a {@link PolicyTrimError}. */
export interface PolicyTrimErrorInit {
  /** Stable machine-readable code, e.g. `policy-file-invalid`; never reworded once released. */
  code: string;
  /** What went wrong, naming the file, statement, event or permission. */
  message: string;
  /** What to do next, as a sentence. */
  hint?: string;
  /** Process exit code (default {@link ERROR_EXIT.ERROR}). */
  exitCode?: ErrorExitCode;
  /** Whose problem it is (default `user`: most errors are about input). */
  source?: ErrorSource;
  /** The error this one explains, kept for `--debug`. */
  cause?: unknown;
}

/** Base of every error policy-trim throws on purpose; see the module comment. */
export class PolicyTrimError extends Error {
  /** Stable machine-readable code. */
  readonly code: string;
  /** What to do next. */
  readonly hint?: string;
  /** Process exit code. */
  readonly exitCode: ErrorExitCode;
  /** Whose problem it is: only `tool` errors are bugs. */
  readonly source: ErrorSource;

  constructor(init: PolicyTrimErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.code = init.code;
    this.hint = init.hint;
    this.exitCode = init.exitCode ?? ERROR_EXIT.ERROR;
    this.source = init.source ?? 'user';
  }
}

/** True for any {@link PolicyTrimError} (including subclasses). */
export function isPolicyTrimError(err: unknown): err is PolicyTrimError {
  return err instanceof PolicyTrimError;
}

/**
 * A condition policy-trim's own code relies on did not hold (a function called out of contract, a state that
 * cannot happen): always a bug in policy-trim, never the user's input.
 */
export class InvariantError extends PolicyTrimError {
  constructor(message: string) {
    super({ code: 'invariant', message, source: 'tool' });
  }
}

/** What to do about damaged bundled data: reinstall; only a fresh install that still fails is a bug to report. */
export const BUNDLED_DATA_HINT =
  'Reinstall policy-trim (e.g. `npm install -g policy-trim`); in a source checkout run `npm run data:build`. If a fresh install still shows this, please report it.';

/**
 * A file policy-trim ships in its `data/` directory is missing, unreadable or malformed: the installation is
 * incomplete or mixed from two versions. The user can fix it by reinstalling; it is not their input.
 */
export class BundledDataError extends PolicyTrimError {
  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super({
      code: 'bundled-data-invalid',
      message,
      hint: options.hint ?? BUNDLED_DATA_HINT,
      source: 'user',
      cause: options.cause,
    });
  }
}
