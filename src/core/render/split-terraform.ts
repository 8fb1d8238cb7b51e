/**
 * A split as Terraform: one `data "aws_iam_policy_document" "lambda_assume_role"` (Lambda's trust, shared by
 * every role), then per function an `aws_iam_role` (its `name` from roleNameRule, `assume_role_policy` from
 * the trust document), and per document of the function an `aws_iam_policy_document` and the
 * `aws_iam_role_policy` that attaches it inline. Every block of a function is named by its identifier
 * (terraformIdRule: `orders.api-v2` → `orders_api_v2`); a function with several documents names them
 * `ID__1`, `ID__2` (a derived identifier never holds `__`, so these cannot meet another function's). The
 * residual, when there is one, is only `data "aws_iam_policy_document" "shared_role_residual"` (`__N` when
 * several): a data source creates nothing, so applying the file never changes the shared role. Laid out as
 * `terraform fmt` leaves it (hcl.ts); statements written by the data-source renderer of terraform.ts.
 */

import { hclFile, type HclBodyItem, type HclExpr } from './hcl.js';
import { LAMBDA_TRUST, residualLines, safeLines, sharedRoleLabel, withStatements } from './split-common.js';
import { allocateNames, inlinePolicyName, roleNameRule, terraformIdRule } from './split-names.js';
import type { SplitRenderOptions, SplitRoleOutput } from './split-types.js';
import { dataSourceItems } from './terraform.js';
import type { PolicyDocument } from '../policy/types.js';

/** The trust document's identifier; no function gets it (it is reserved when names are given out). */
export const TRUST_ID = 'lambda_assume_role';
/** The residual's identifier (reserved the same way). */
export const RESIDUAL_ID = 'shared_role_residual';

const str = (v: string): HclExpr => ({ t: 'str', v });
const ref = (v: string): HclExpr => ({ t: 'ref', v });
const comments = (lines: readonly string[]): HclBodyItem[] => safeLines(lines).map((text) => ({ t: 'comment', text }));

/** The identifiers of a list of documents under one base: the base alone for one, `BASE__N` for several. */
function documentIds(base: string, documents: readonly PolicyDocument[]): string[] {
  return documents.map((_, i) => (documents.length === 1 ? base : `${base}__${i + 1}`));
}

function functionBlocks(id: string, roleName: string, functionName: string, all: readonly PolicyDocument[]): HclBodyItem[] {
  const documents = withStatements(all);
  const items: HclBodyItem[] = [
    ...comments([`Function ${functionName}${documents.length === 0 ? ': seen to use nothing that needs a grant, so its role has no policy.' : ''}`]),
    {
      t: 'block',
      type: 'resource',
      labels: ['aws_iam_role', id],
      body: [
        { t: 'attr', name: 'name', value: str(roleName) },
        { t: 'attr', name: 'assume_role_policy', value: ref(`data.aws_iam_policy_document.${TRUST_ID}.json`) },
      ],
    },
  ];
  const ids = documentIds(id, documents);
  documents.forEach((doc, i) => {
    items.push(...dataSourceItems(doc, ids[i]!));
    items.push({
      t: 'block',
      type: 'resource',
      labels: ['aws_iam_role_policy', ids[i]!],
      body: [
        { t: 'attr', name: 'name', value: str(inlinePolicyName(i + 1, documents.length)) },
        { t: 'attr', name: 'role', value: ref(`aws_iam_role.${id}.id`) },
        { t: 'attr', name: 'policy', value: ref(`data.aws_iam_policy_document.${ids[i]!}.json`) },
      ],
    });
  });
  return items;
}

/**
 * The identifier (`aws_iam_role.ID`) and the IAM role name the `terraform` format gives each function's role, by
 * function name (for a caller that appends the roles to a file and must know what it adds).
 */
export function terraformRoleNames(output: SplitRoleOutput, options: SplitRenderOptions = {}): Map<string, { id: string; roleName: string }> {
  const names = output.functions.map((f) => f.functionName);
  const ids = allocateNames(names, terraformIdRule, [TRUST_ID, RESIDUAL_ID, ...(options.reserved?.ids ?? [])]);
  const roles = allocateNames(names, roleNameRule(output.sharedRole.name, options.roleNaming ?? 'shared-function'), options.reserved?.roleNames);
  return new Map(names.map((n) => [n, { id: ids.get(n)!, roleName: roles.get(n)! }]));
}

/** The `terraform` format (see the module comment). */
export function renderSplitTerraform(output: SplitRoleOutput, options: SplitRenderOptions): string {
  const named = terraformRoleNames(output, options);
  const ids = new Map([...named].map(([n, v]) => [n, v.id]));
  const roles = new Map([...named].map(([n, v]) => [n, v.roleName]));
  const items: HclBodyItem[] = [
    ...comments([
      `policy-trim: one role per function, split from the shared role ${sharedRoleLabel(output)}.`,
      'Each allows what its function was seen to use, and what could not be observed. Point each function',
      '(aws_lambda_function.role) at its role, watch for AccessDenied, then stop using the shared role.',
    ]),
    ...dataSourceItems(LAMBDA_TRUST, TRUST_ID),
  ];
  for (const f of output.functions) items.push(...functionBlocks(ids.get(f.functionName)!, roles.get(f.functionName)!, f.functionName, f.documents));
  const residual = withStatements(output.residual);
  items.push(...comments(residualLines(output, `data.aws_iam_policy_document.${RESIDUAL_ID}${residual.length > 1 ? '__N' : ''}`)));
  const residualIds = documentIds(RESIDUAL_ID, residual);
  residual.forEach((doc, i) => items.push(...dataSourceItems(doc, residualIds[i]!)));
  return hclFile(items);
}
