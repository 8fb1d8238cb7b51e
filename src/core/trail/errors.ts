/**
 * Errors about CloudTrail inputs the core reads. Each is a {@link PolicyTrimError} with a stable `code`, so the
 * CLI prints it from its fields and maps it to an exit code.
 */
import { BUNDLED_DATA_HINT, PolicyTrimError } from '../errors.js';

/** The trail configuration (output of `aws cloudtrail get-event-selectors`) is malformed: the user's input. */
export class TrailConfigError extends PolicyTrimError {
  declare readonly code: 'trail-config-invalid';
  constructor(
    /** File (or other source) the configuration came from. */
    readonly file: string,
    /** JSON path of the offending element, e.g. `AdvancedEventSelectors[0].FieldSelectors[1].Field`. */
    readonly path: string,
    /** What is wrong and what to do. */
    readonly detail: string,
  ) {
    super({
      code: 'trail-config-invalid',
      message: `${file}: ${path ? path + ': ' : ''}${detail}`,
      hint: 'Give the JSON printed by `aws cloudtrail get-event-selectors --trail-name NAME` (and, for Region coverage, `aws cloudtrail get-trail`), unedited.',
      source: 'user',
    });
  }
}

/**
 * A table entry is malformed or names something the catalog does not know. The tables ship with policy-trim,
 * so this is a damaged or mixed installation (the user can reinstall), not the user's input and not a bug.
 */
export class CloudTrailTableError extends PolicyTrimError {
  declare readonly code: 'cloudtrail-tables-invalid';
  constructor(message: string) {
    super({ code: 'cloudtrail-tables-invalid', message: `policy-trim CloudTrail tables: ${message}`, hint: BUNDLED_DATA_HINT, source: 'user' });
  }
}
