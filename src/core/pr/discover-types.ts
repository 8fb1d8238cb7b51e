/**
 * What `policy-trim pr --discover` finds in a repository's files: the roles declared there, and the places
 * that grant something, each linked to a role as well as the code says (a resource reference, a literal role
 * name, or not at all). The scanners (one per format) are pure: a file's text in, candidates out.
 */
import type { GrantSite } from '../iac/types.js';

/** A file of the repository: its path relative to the root (with `/`), and its text. */
export interface RepoFile {
  path: string;
  text: string;
}

/** How a grant names the role it applies to. */
export type RoleLink =
  /** A role declared in the same code: `aws_iam_role.app` (Terraform), `cfn:FILE#LogicalId`, … (see RoleCandidate.key). */
  | { kind: 'key'; key: string }
  /** The role's name or ARN, written literally. */
  | { kind: 'name'; name: string }
  /** The code names it in a way a scan cannot follow (a variable, an import, a parameter): why. */
  | { kind: 'unknown'; reason: string };

/** A role the code declares. */
export interface RoleCandidate {
  /** Unique among all candidates of one scan, for RoleLink `key`. */
  key: string;
  /** The role's name when the code writes it literally; else the best guess (see `guess`). */
  name: string;
  /** Why `name` is not certain (CloudFormation generates it, a variable sets it, …); absent when written literally. */
  guess?: string;
  /** `FILE:LINE`, for the comments of the proposal. */
  where: string;
}

/** A place that grants something, with the role(s) it applies to. */
export interface SiteCandidate {
  site: GrantSite;
  /** The roles it grants to; empty when the code does not say (an unattached policy document). */
  roles: RoleLink[];
  /** `FILE:LINE`. */
  where: string;
  /** What the site is, for comments (`aws_iam_role_policy.orders`, `SAM function Api`). */
  label: string;
}

/** A file the scan could not read as its format (a syntax error): it is listed, never guessed at. */
export interface ScanProblem {
  file: string;
  message: string;
}

/** A managed policy a role attaches by name (`ManagedPolicyArns` of a JSON role description). */
export interface PolicyAttachment {
  /** The policy's name: the last part of its ARN. */
  policyName: string;
  role: RoleLink;
}

/** What one scanner found. */
export interface ScanResult {
  roles: RoleCandidate[];
  sites: SiteCandidate[];
  problems: ScanProblem[];
  /** Policies attached by name: a JSON policy file of that name grants to the role. */
  attachments: PolicyAttachment[];
}

/** An empty {@link ScanResult}. */
export function emptyScan(): ScanResult {
  return { roles: [], sites: [], problems: [], attachments: [] };
}

/** The line (1-based) of `offset` in `text`. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
