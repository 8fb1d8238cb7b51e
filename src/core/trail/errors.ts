/**
 * Errors about CloudTrail inputs the core reads. Each carries a stable `code` so the CLI can map it to an exit
 * code and message.
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
