/**
 * Port: where a role's policy documents come from (the IAM API, or files offline).
 * Shaped like the core's need ("the documents that govern role R"), not like any SDK.
 */

/** How a document is attached to the role. `boundary` is an upper bound, never a grant. */
export type RawPolicyKind = 'inline' | 'customer-managed' | 'aws-managed' | 'boundary';

/** One policy document as text, exactly as the source returned it (after URL-decoding). */
export interface RawPolicyDocument {
  /** `inline:NAME` for inline policies; the policy ARN for managed policies and boundaries. */
  name: string;
  kind: RawPolicyKind;
  /** The policy ARN (managed policies and boundaries). */
  arn?: string;
  /** The managed policy's default version id (e.g. `v3`). */
  versionId?: string;
  /** The JSON text of the document. Parse with `parsePolicyDocument(text, name)`. */
  text: string;
  /**
   * False for AWS-managed policies (`arn:PARTITION:iam::aws:policy/...`): they cannot be edited, so a
   * suggestion must propose a customer-managed or inline replacement instead.
   */
  editable: boolean;
}

/** Everything that governs what one role may do. */
export interface RolePolicies {
  roleArn: string;
  roleName: string;
  /** IAM path, `/` when none. */
  path: string;
  accountId: string;
  partition: string;
  /** Inline, customer-managed and AWS-managed documents, sorted by kind then name (deterministic). */
  documents: RawPolicyDocument[];
  /** The permissions boundary, when the role has one. */
  boundary?: RawPolicyDocument;
}

/** Reads the policies of a role given by name or ARN (with or without an IAM path). */
export interface RolePolicySource {
  getRolePolicies(role: string): Promise<RolePolicies>;
}
