/**
 * Errors raised by trim. Each is a {@link PolicyTrimError} with a stable `code`, so the CLI prints it from its
 * fields and maps it to an exit code.
 */
import { PolicyTrimError } from '../errors.js';

/**
 * A safety check failed on a suggestion policy-trim produced itself: a bug in policy-trim, never a problem
 * with the user's input. The suggestion is never shown; `inputs` holds what a bug report needs.
 */
export class InternalError extends PolicyTrimError {
  declare readonly code: 'internal';
  constructor(
    message: string,
    /** The inputs and the offending output, JSON-serialisable, for a bug report. */
    readonly inputs: unknown,
    /** The individual violations found by the verifier. */
    readonly violations: string[] = [],
  ) {
    super({
      code: 'internal',
      message: `this is a bug in policy-trim: ${message}. Please report it with the attached inputs.`,
      hint: 'Rerun with --report FILE to save the inputs, and attach that file to the report.',
      source: 'tool',
    });
  }
}
