/** The errors of a split written into infrastructure code: all the user's to fix, none a bug. */

import { PolicyTrimError } from '../errors.js';

/** Stable codes of SplitError. */
export type SplitErrorCode =
  /** A function's role would hold more inline policy than IAM accepts for one role. */
  | 'split-inline-size'
  /** A generated logical id, address or role name is already used in the file. */
  | 'split-name-clash'
  /** The file (or its format) cannot take the new roles without guessing. */
  | 'split-unsupported-file'
  /** Part of the shared role's grant is unknown (an unresolved reference, an unread managed policy). */
  | 'split-grant-unknown';

/** An error of the split's edit: what is wrong, naming the function, file or name, and what to do. */
export class SplitError extends PolicyTrimError {
  constructor(code: SplitErrorCode, message: string, hint: string) {
    super({ code, message, hint, source: 'user' });
  }
}
