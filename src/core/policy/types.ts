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
  /**
   * Condition clauses known to hold for this request (added in issue 3). A statement's condition applies for
   * sure only when each of its clauses is implied by one here; absent means nothing is known.
   */
  context?: ConditionBlock;
}

/** Result of evaluating a request against a policy set. */
export type Decision = 'allowed' | 'explicit-deny' | 'implicit-deny';

// ---------------------------------------------------------------------------------------------------------
// Added with the evaluator and the never-wider check (issue 3). Additive only.

/**
 * Which question an evaluation answers, for statements whose effect depends on things policy-trim cannot see
 * (conditions, policy variables, principals):
 * - `must-allow`: "is the request certainly allowed?" (asked of the original, and of a suggestion for the calls
 *   it must cover). A conditional or variable Allow counts only when the request's `context` implies it; a Deny
 *   that might apply is assumed to apply.
 * - `may-allow`: "could the request be allowed?" (asked of a suggestion). A conditional or variable Allow is
 *   assumed to apply; a Deny counts only when it certainly applies.
 */
export type EvaluationMode = 'must-allow' | 'may-allow';

/** Options of `evaluate`. */
export interface EvaluateOptions {
  /** Default `must-allow`. */
  mode?: EvaluationMode;
}

/** Points at one statement: document name, 0-based index, Sid when present. */
export interface StatementRef {
  document: string;
  index: number;
  sid?: string;
}

/** Decision plus the statements that produced it. */
export interface Evaluation {
  decision: Decision;
  /** Allow statements that apply (under the mode). */
  allowedBy: StatementRef[];
  /** Deny statements that apply (under the mode). */
  deniedBy: StatementRef[];
}

/** Why a request shows a suggestion wider than the original, or a call the suggestion does not cover. */
export type CounterexampleReason =
  /** The suggestion may allow it; no original Allow certainly covers it. */
  | 'not-allowed-by-original'
  /** An original Deny may apply; the suggestion has no Deny at least as broad. */
  | 'deny-not-preserved'
  /** verifyCovers: nothing in the suggestion allows the call. */
  | 'implicit-deny'
  /** verifyCovers: a Deny in the suggestion may apply. */
  | 'explicit-deny'
  /** verifyCovers: only a conditional / variable Allow matches; whether it applies is unknown. */
  | 'conditional-only';

/** One witness that a check failed, with enough input attached to file it as a bug. */
export interface Counterexample {
  reason: CounterexampleReason;
  action: string;
  /** A resource pattern (never-wider) or the concrete ARN (covers); `NotResource[...]` for complements. */
  resource: string;
  /** The suggestion statement that may allow the request (never-wider), when there is one. */
  statement?: StatementRef;
  /** The original Deny that was not preserved (deny-not-preserved). */
  deny?: StatementRef;
  /** A sentence for humans. */
  message: string;
}

/** Result of `verifyNeverWider` / `verifyCovers`. */
export interface VerifyResult {
  ok: boolean;
  counterexamples: Counterexample[];
  /** How many actions were checked (never-wider: catalog actions + literal names; covers: calls). */
  checked: number;
  /**
   * Things proven only as far as the catalog knows (e.g. a wildcard in the suggestion that also matches future
   * actions the original may not allow). Not failures; worth showing with `--explain`.
   */
  notes: string[];
}
