/**
 * The one error type of the policy model. `code` is stable (tests and the CLI switch on it); `message` names the
 * document, the statement (index and Sid) and says what is wrong and what to do.
 */
import { PolicyTrimError } from '../errors.js';

/** Stable codes of `PolicyError`. */
export type PolicyErrorCode =
  /** The text is neither JSON nor YAML. */
  | 'invalid-syntax'
  /** The document (or a part of it) is not a JSON object where one is required. */
  | 'not-an-object'
  /** A key IAM does not know, at the top level or in a statement. */
  | 'unknown-key'
  /** `Version` is not `2012-10-17` or `2008-10-17`. */
  | 'bad-version'
  /** No `Statement`, or an empty one. */
  | 'missing-statement'
  | 'missing-effect'
  | 'bad-effect'
  /** Neither `Action` nor `NotAction`. */
  | 'missing-action'
  | 'action-and-notaction'
  /** Neither `Resource` nor `NotResource` (identity policies need one). */
  | 'missing-resource'
  | 'resource-and-notresource'
  | 'principal-and-notprincipal'
  /** A value of the wrong type (e.g. a number in `Action`, an object in a list). */
  | 'bad-value'
  /** An empty list where IAM needs at least one value. */
  | 'empty-list'
  /** An action without a service prefix (`GetObject` instead of `s3:GetObject`). */
  | 'bad-action'
  /** A resource that is neither `*` nor an ARN. */
  | 'bad-resource'
  /** A malformed `Condition` block. */
  | 'bad-condition'
  /** A malformed `Principal`/`NotPrincipal`. */
  | 'bad-principal';

/** Where in which document an error sits. */
export interface PolicyErrorLocation {
  document: string;
  /** 0-based statement index, when the error is inside a statement. */
  statementIndex?: number;
  sid?: string;
}

/**
 * A document policy-trim cannot read: the user's input. Thrown by the parser; collected (not thrown) by
 * `parsePolicySet`. The message names the document and statement and says what is wrong.
 */
export class PolicyError extends PolicyTrimError {
  declare readonly code: PolicyErrorCode;
  readonly location: PolicyErrorLocation;

  constructor(code: PolicyErrorCode, location: PolicyErrorLocation, problem: string) {
    super({
      code,
      message: `${describeLocation(location)}: ${problem}`,
      hint: 'Fix the document (it must be an IAM policy document, JSON or YAML) and run again.',
      source: 'user',
    });
    this.location = location;
  }
}

/** `policy orders.json, Statement[1] (Sid "ReadOrders")` — the prefix of every PolicyError message (0-based, as a JSON path). */
export function describeLocation(loc: PolicyErrorLocation): string {
  let s = `policy ${loc.document}`;
  if (loc.statementIndex !== undefined) {
    s += `, Statement[${loc.statementIndex}]`;
    if (loc.sid !== undefined) s += ` (Sid "${loc.sid}")`;
  }
  return s;
}
