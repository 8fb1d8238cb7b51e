/**
 * Errors raised by trim. Each carries a stable `code` so the CLI can map it to an exit code and message.
 */

/** The trail configuration (output of `aws cloudtrail get-event-selectors`) is malformed. */
export class TrailConfigError extends Error {
  readonly code = 'trail-config-invalid';
  constructor(
    /** File (or other source) the configuration came from. */
    readonly source: string,
    /** JSON path of the offending element, e.g. `AdvancedEventSelectors[0].FieldSelectors[1].Field`. */
    readonly path: string,
    /** What is wrong and what to do. */
    readonly detail: string,
  ) {
    super(`${source}: ${path ? path + ': ' : ''}${detail}`);
    this.name = 'TrailConfigError';
  }
}

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
