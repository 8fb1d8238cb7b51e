/**
 * What `suggest --role R --split-by-function` hands the split renderers (issue 12): one least-privilege policy
 * per function of a shared role, and the residual policy for the calls made with the role by anything else.
 */

import type { PolicyDocument } from '../policy/types.js';

/** A shared role split into one policy per function, plus the residual. */
export interface SplitRoleOutput {
  /** The shared role's name and ARN (for comments and the migration). */
  sharedRole: { name: string; arn?: string };
  /** One entry per function, in a stable order (by function name). Names must be distinct. */
  functions: { functionName: string; documents: PolicyDocument[] }[];
  /** Documents for calls made with the shared role by anything that is not one of its functions (may be empty). */
  residual: PolicyDocument[];
}

/** The output formats of a split (the CLI's `--format` with `--split-by-function`), in the order the CLI lists them. */
export const SPLIT_FORMATS = ['json', 'yaml', 'serverless', 'sam', 'cloudformation', 'terraform'] as const;

/** One of SPLIT_FORMATS. */
export type SplitFormat = (typeof SPLIT_FORMATS)[number];

/** True when `value` names a split output format (for values such as parsed arguments). */
export function isSplitFormat(value: unknown): value is SplitFormat {
  return (SPLIT_FORMATS as readonly unknown[]).includes(value);
}

/**
 * How generated IAM role names are formed (cloudformation and terraform; SAM and the serverless plugin name
 * their roles themselves):
 * - `shared-function` (default): `<shared-role-name>-<function-name>`. Role names are global to the account
 *   while function names are per Region, so `<function-name>-role` alone can collide (the same function
 *   deployed in two Regions); the shared role's name, unique in the account, keeps the new names apart,
 *   and groups them next to the role they replace in the console.
 * - `function-role`: `<function-name>-role`, shorter, for accounts where function names are unique.
 */
export type SplitRoleNaming = 'shared-function' | 'function-role';

/**
 * Where the `serverless` format writes the functions' statements:
 * - `per-function`: each function's `iamRoleStatements` (the serverless-iam-roles-per-function plugin);
 * - `provider`: one role for the service, `provider.iam.role.statements` (framework v3/v4), holding every
 *   function's statements (exact duplicates once).
 * Default: `provider` when there is exactly one function, `per-function` otherwise.
 */
export type ServerlessLayout = 'per-function' | 'provider';

/** Options of renderSplit. */
export interface SplitRenderOptions {
  /** Default `shared-function`. */
  roleNaming?: SplitRoleNaming;
  /** The `serverless` format's layout (see ServerlessLayout). */
  serverlessLayout?: ServerlessLayout;
  /**
   * Names the output must not use because the file it is added to already does (`pr --split-by-function`):
   * `ids` are CloudFormation logical ids or Terraform identifiers, `roleNames` IAM role names. A derived name
   * equal to one of them gets the short stable hash instead (split-names.ts).
   */
  reserved?: { ids?: readonly string[]; roleNames?: readonly string[] };
}

/**
 * The key of the residual in the `json` and `yaml` maps: parentheses cannot appear in a Lambda function name
 * (letters, digits, `-`, `_`), so it never collides with one; a function given this name is refused.
 */
export const RESIDUAL_KEY = '(residual)';
