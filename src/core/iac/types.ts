/**
 * The infrastructure-code model shared by the in-place editors (`pr`, issue 10): where a role's grants are
 * written, what a place holds, and how references to other resources travel through a trim untouched.
 *
 * Every editor is pure text → value → text: it never reads a file itself (the adapter does), so each format
 * can be tested on strings, and the same editor parses its own output back to check an edit.
 */

import type { Statement } from '../policy/types.js';

/** Formats of infrastructure code that grant a role something. */
export const IAC_FORMATS = ['json', 'terraform', 'cloudformation', 'sam', 'serverless'] as const;

/** One of IAC_FORMATS. */
export type IacFormat = (typeof IAC_FORMATS)[number];

/**
 * One `defined-in` entry of `.policy-trim.yml`: a place in the repository that grants a role something.
 * `file` is relative to the repository root, with `/` separators.
 * - json: the whole file is a policy document, or `pointer` (RFC 6901) points at one inside it.
 * - terraform: `address` is `data.aws_iam_policy_document.NAME`, `aws_iam_policy.NAME`,
 *   `aws_iam_role_policy.NAME`, `aws_iam_role.NAME` (its `inline_policy` blocks) or
 *   `aws_iam_role_policy_attachment.NAME` (a managed-policy attachment).
 * - cloudformation: `resource` is the logical id of an `AWS::IAM::Policy` / `AWS::IAM::ManagedPolicy` (its
 *   `PolicyDocument`) or an `AWS::IAM::Role` (its `Policies` entry named `policy`, or all of them when absent,
 *   and its `ManagedPolicyArns`).
 * - sam: `function` is the logical id of an `AWS::Serverless::Function`; its `Policies` (statements, managed
 *   policy names/ARNs and SAM policy templates).
 * - serverless: provider-level statements (`provider.iam.role.statements`, or the older
 *   `provider.iamRoleStatements`) and `provider.iam.role.managedPolicies`; with `function`, that function's
 *   `iamRoleStatements` (serverless-iam-roles-per-function).
 */
export type GrantSite =
  | { format: 'json'; file: string; pointer?: string }
  | { format: 'terraform'; file: string; address: string }
  | { format: 'cloudformation'; file: string; resource: string; policy?: string }
  | { format: 'sam'; file: string; function: string }
  | { format: 'serverless'; file: string; function?: string };

/**
 * A value the code computes at deploy time (`${aws_dynamodb_table.orders.arn}`, `!GetAtt Orders.Arn`,
 * `!Sub arn:aws:s3:::${Bucket}/*`'s `Bucket`, `!Ref AWS::AccountId`). Inside statements read from a file each
 * occurrence is replaced by a reference token (see `referenceToken`), so a policy string stays a string and the
 * policy engine can compare it as an opaque symbol.
 */
export interface IacReference {
  /** Exactly as written in the file, for messages and PR bodies (`aws_dynamodb_table.orders.arn`, `!GetAtt Orders.Arn`). */
  written: string;
  /**
   * The lookup key for resolution, one spelling per meaning:
   * - Terraform: the traversal, `aws_dynamodb_table.orders.arn`, `var.table_arn`, `data.aws_caller_identity.current.account_id`;
   * - CloudFormation/SAM: `Ref:LOGICAL` (or a pseudo parameter, `Ref:AWS::AccountId`), `GetAtt:LOGICAL.ATTRIBUTE`;
   * - serverless: the variable as written, `self:custom.table`, `Ref:LOGICAL`, `GetAtt:LOGICAL.ATTRIBUTE`.
   */
  key: string;
}

/** The reference table of one site: token index → reference. */
export type ReferenceTable = readonly IacReference[];

/** Private-use code points that cannot appear in an IAM policy: the brackets of a reference token. */
const TOKEN_OPEN = '\uE000';
const TOKEN_CLOSE = '\uE001';

/** The token that stands for reference number `index` of a site's ReferenceTable inside a policy string. */
export function referenceToken(index: number): string {
  return `${TOKEN_OPEN}${index}${TOKEN_CLOSE}`;
}

/** Matches every reference token in a string; group 1 is the index. */
export const REFERENCE_TOKEN = /\uE000(\d+)\uE001/g;

/** Whether a policy string holds a reference token. */
export function hasReference(value: string): boolean {
  return value.includes(TOKEN_OPEN);
}

/** A managed policy attached to the role by this site (by ARN, by name for SAM, or through a reference). */
export interface ManagedAttachment {
  /** The ARN or name as written, reference tokens included. */
  policy: string;
}

/** A SAM policy template used by a function (`DynamoDBCrudPolicy: {TableName: !Ref T}`). */
export interface SamTemplateUse {
  /** `DynamoDBCrudPolicy`. */
  template: string;
  /** Its parameters, values as strings with reference tokens. */
  parameters: Record<string, string>;
}

/** Where in the file something was found, for errors and PR bodies. 1-based. */
export interface TextPosition {
  line: number;
  column: number;
}

/** What one site grants, as read from the file. */
export interface SiteGrants {
  site: GrantSite;
  /** The statements written at the site, in order, with reference tokens in their strings. */
  statements: Statement[];
  /** Managed-policy attachments written at the site. */
  attachments: ManagedAttachment[];
  /** SAM policy templates written at the site. */
  templates: SamTemplateUse[];
  /** The references the tokens stand for. */
  references: ReferenceTable;
  /** Where the site's policy text starts. */
  position: TextPosition;
  /**
   * Whole policy documents the site merges into its statements by reference and keeps as written (Terraform
   * `source_policy_documents` / `override_policy_documents` of an `aws_iam_policy_document`): their grants are
   * not among `statements`, and a write leaves them alone. Absent when the site has none (and in formats
   * without such a thing).
   */
  included?: IncludedDocument[];
  /**
   * Grants that apply at the site but are written elsewhere in the file, reported and never rewritten (added
   * with the CloudFormation and serverless editors): SAM `Globals.Function.Policies`, the provider statements a
   * serverless function inherits (`iamRoleStatementsInherit`). Their tokens index `references`.
   */
  inherited?: InheritedGrants[];
}

/** Grants a site inherits from elsewhere in its file; see `SiteGrants.inherited`. */
export interface InheritedGrants {
  /** Where they are written, as a path in the file: `Globals.Function.Policies`, `provider.iam.role.statements`. */
  from: string;
  position: TextPosition;
  statements: Statement[];
  attachments: ManagedAttachment[];
  templates: SamTemplateUse[];
}

/** A policy document merged into a site's own by reference (see SiteGrants.included). */
export interface IncludedDocument {
  /** `source`: its statements are added; `override`: its statements replace those with the same Sid. */
  how: 'source' | 'override';
  /** The document's expression as a string with reference tokens (usually exactly one token). */
  document: string;
}

/**
 * What to write at a site: the statements that replace the site's statements (tokens standing for references of
 * `references`, which extends the table the site was read with), and the attachments and templates that stay
 * (those dropped are the ones the plan replaced by explicit statements).
 */
export interface SiteEdit {
  statements: Statement[];
  attachments: ManagedAttachment[];
  templates: SamTemplateUse[];
  references: ReferenceTable;
}

/**
 * One format's editor. `read` and `write` are inverse on the policy: `read(write(text, site, edit), site)`
 * holds `edit`'s statements, attachments and templates (up to layout), and every byte of `text` outside the
 * policy's own text is kept.
 */
export interface IacEditor {
  format: IacFormat;
  /** What `site` grants in `text`; throws IacError (naming the file, line and what to do) when it cannot say. */
  read(text: string, site: GrantSite): SiteGrants;
  /** `text` with the site's grants replaced by `edit`, written in the style of the surrounding code. */
  write(text: string, site: GrantSite, edit: SiteEdit): string;
}
