/**
 * The policy model: identity policy documents as policy-trim reasons about them.
 * Parsing keeps what the author wrote (single values become one-element lists; order is preserved).
 */

export type Effect = 'Allow' | 'Deny';

/** `Principal`/`NotPrincipal` as written: `"*"` or a map of kind (`AWS`, `Service`, `Federated`, `CanonicalUser`) to values. */
export type PrincipalBlock = '*' | Record<string, string[]>;

/** Condition block: operator (`StringEquals`, `ForAnyValue:StringLike`, `...IfExists`) → key → values. */
export type ConditionBlock = Record<string, Record<string, string[]>>;

/** One statement. Exactly one of action/notAction is set; at most one of resource/notResource. */
export interface Statement {
  sid?: string;
  effect: Effect;
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  condition?: ConditionBlock;
  principal?: PrincipalBlock;
  notPrincipal?: PrincipalBlock;
}

/** One policy document with its origin. */
export interface PolicyDocument {
  /** Where it came from: a file path, `inline:NAME`, or a managed policy ARN. */
  name: string;
  /** `2012-10-17` normally. */
  version?: string;
  id?: string;
  statements: Statement[];
  /**
   * How the document was written: `Statement` as a single object (true) or an array. Renderers keep
   * nothing of this; it is informational for round-trip tests.
   */
  singleStatementObject?: boolean;
  /** Kind of document, when known: inline, customer-managed, aws-managed, boundary, file. */
  kind?: 'inline' | 'customer-managed' | 'aws-managed' | 'boundary' | 'file';
}

/** A request to evaluate: one action on one resource ARN. */
export interface AccessRequest {
  action: string;
  resource: string;
}

/** Result of evaluating a request against a policy set. */
export type Decision = 'allowed' | 'explicit-deny' | 'implicit-deny';
