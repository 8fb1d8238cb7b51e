/** The error of the infrastructure-code editors: a site that cannot be found, read or written safely. */

import { PolicyTrimError } from '../errors.js';
import type { GrantSite, TextPosition } from './types.js';

/** Stable codes of IacError. */
export type IacErrorCode =
  /** The site named in the configuration is not in the file (no such resource, address, function or pointer). */
  | 'iac-site-not-found'
  /** The file does not parse as its format. */
  | 'iac-parse-error'
  /** The site's policy is written in a way the editor cannot read or rewrite without guessing. */
  | 'iac-unsupported'
  /** An edit failed its check: the file read back does not hold the planned policy. */
  | 'iac-edit-check-failed';

/** An error naming the file, the line when known, the site, and what to do. */
export class IacError extends PolicyTrimError {
  readonly file: string;
  readonly position?: TextPosition;

  constructor(init: { code: IacErrorCode; site: GrantSite; message: string; hint?: string; position?: TextPosition; cause?: unknown }) {
    const where = init.position ? `${init.site.file}:${init.position.line}:${init.position.column}` : init.site.file;
    // A file that does not read back as planned is policy-trim's bug, not the user's input.
    const source = init.code === 'iac-edit-check-failed' ? 'tool' : 'user';
    super({ code: init.code, message: `${where}: ${init.message}`, hint: init.hint, cause: init.cause, source });
    this.file = init.site.file;
    this.position = init.position;
  }
}
