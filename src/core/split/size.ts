/**
 * IAM's limit on a role's inline policies, checked on each function's documents before a split is written as
 * roles (CloudFormation, SAM, serverless, Terraform): a role whose inline policies add up to more is refused by
 * IAM when the stack is deployed, so the split stops here instead of proposing a role that cannot exist.
 *
 * Source: AWS IAM User Guide, "IAM and AWS STS quotas" (reference_iam-quotas, "IAM and STS character limits":
 * "Role policy size cannot exceed 10,240 characters", the aggregate of a role's inline policies, white space not
 * counted; https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html, read 2026-12-07; the page
 * carries no date of its own). The number is core/trim/types.ts ROLE_INLINE_TOTAL_MAX_CHARS, measured as the trim
 * measures it (core/trim/size.ts documentChars: whitespace-free JSON, every value a list, so never less than
 * what IAM counts).
 */

import type { PolicyDocument } from '../policy/types.js';
import { withStatements } from '../render/split-common.js';
import { documentChars } from '../trim/size.js';
import { ROLE_INLINE_TOTAL_MAX_CHARS } from '../trim/types.js';
import { SplitError } from './errors.js';

/** One function's inline policies over the limit. */
export interface InlineSizeProblem {
  functionName: string;
  /** Characters IAM counts, all of the function's documents together. */
  chars: number;
  limit: number;
}

/** Characters of a role's inline policies made of these documents (empty ones are not written). */
export function inlineChars(documents: readonly PolicyDocument[]): number {
  return withStatements(documents).reduce((n, d) => n + documentChars(d.statements), 0);
}

/** The functions whose documents, as one role's inline policies, exceed IAM's limit (in the given order). */
export function inlineSizeProblems(functions: readonly { functionName: string; documents: readonly PolicyDocument[] }[]): InlineSizeProblem[] {
  return functions
    .map((f) => ({ functionName: f.functionName, chars: inlineChars(f.documents), limit: ROLE_INLINE_TOTAL_MAX_CHARS }))
    .filter((p) => p.chars > p.limit);
}

/** Throws `split-inline-size` naming every function over the limit, its size and the limit. */
export function assertInlineSizes(functions: readonly { functionName: string; documents: readonly PolicyDocument[] }[]): void {
  const over = inlineSizeProblems(functions);
  if (over.length === 0) return;
  const each = over.map((p) => `${p.functionName}: ${p.chars.toLocaleString('en-US')} characters`).join('; ');
  throw new SplitError(
    'split-inline-size',
    `a function's role would hold more inline policy than IAM allows for one role (${ROLE_INLINE_TOTAL_MAX_CHARS.toLocaleString('en-US')} characters, white space not counted; IAM and AWS STS quotas): ${each}`,
    'Nothing was written. The shared role grants that function more resources or actions than one role can hold inline: narrow the shared role first (policy-trim pr --role, without --split-by-function), or move part of the function\'s grant to a managed policy by hand.',
  );
}
