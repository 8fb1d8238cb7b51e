/**
 * Errors raised by trim. Each carries a stable `code` so the CLI can map it to an exit code and message.
 */

/**
 * A safety check failed on a suggestion policy-trim produced itself: a bug in policy-trim, never a problem
 * with the user's input. The suggestion is never shown; `inputs` holds what a bug report needs.
 */
export class InternalError extends Error {
  readonly code = 'internal';
  constructor(
    message: string,
    /** The inputs and the offending output, JSON-serialisable, for a bug report. */
    readonly inputs: unknown,
    /** The individual violations found by the verifier. */
    readonly violations: string[] = [],
  ) {
    super(`this is a bug in policy-trim: ${message}. Please report it with the attached inputs.`);
    this.name = 'InternalError';
  }
}
