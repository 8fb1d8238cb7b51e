/**
 * A split as CloudFormation or SAM template fragments (YAML), to merge into the template the functions are
 * deployed with:
 * - `cloudformation`: a `Resources:` map with an `AWS::IAM::Role` per function: `RoleName`, the trust policy for
 *   Lambda (`AssumeRolePolicyDocument`) and one inline policy per document (`Policies: [{PolicyName,
 *   PolicyDocument}]`); the logical id is the function name in PascalCase with `Role` (`OrdersCreateRole`).
 * - `sam`: a `Resources:` map with each `AWS::Serverless::Function`'s `Properties.Policies`, one
 *   `{Version, Statement}` per document; the logical id is the function name in PascalCase, which the comment
 *   above it names, since we cannot know the template's own ids.
 * The residual, when there is one, is top-level `Metadata.PolicyTrimResidual` (the shared role and its
 * documents): metadata deploys nothing, so merging the fragment never changes the shared role.
 * Documents without statements are left out (AWS refuses them); a function left with none says so.
 */

import { iamTree } from './canonical.js';
import { LAMBDA_TRUST, residualIsEmpty, residualLines, sharedRoleLabel, withStatements } from './split-common.js';
import { yamlComment, ymap, yseq, type YNode } from './split-yaml.js';
import { allocateNames, inlinePolicyName, logicalIdRule, roleNameRule } from './split-names.js';
import type { SplitRenderOptions, SplitRoleOutput } from './split-types.js';
import { yamlNode, yamlText } from './yaml.js';

const NOTHING = 'It was seen to use nothing that needs a grant: its role has no policy.';

function residualMetadata(output: SplitRoleOutput): Array<[string, YNode]> {
  if (residualIsEmpty(output)) return [];
  const entries: Array<[string, YNode]> = [['SharedRole', yamlNode(output.sharedRole.name)]];
  if (output.sharedRole.arn !== undefined) entries.push(['SharedRoleArn', yamlNode(output.sharedRole.arn)]);
  entries.push(['Policies', yseq(withStatements(output.residual).map((d) => yamlNode(iamTree(d))))]);
  return [['Metadata', ymap([['PolicyTrimResidual', ymap(entries)]])]];
}

/**
 * The logical id and the IAM role name the `cloudformation` format gives each function's role, by function name
 * (for a caller that places the roles in a template and must know what it adds).
 */
export function cloudFormationRoleNames(output: SplitRoleOutput, options: SplitRenderOptions = {}): Map<string, { logicalId: string; roleName: string }> {
  const names = output.functions.map((f) => f.functionName);
  const ids = allocateNames(names, logicalIdRule('Role'), options.reserved?.ids);
  const roles = allocateNames(names, roleNameRule(output.sharedRole.name, options.roleNaming ?? 'shared-function'), options.reserved?.roleNames);
  return new Map(names.map((n) => [n, { logicalId: ids.get(n)!, roleName: roles.get(n)! }]));
}

/** The `cloudformation` format (see the module comment). */
export function renderCloudFormation(output: SplitRoleOutput, options: SplitRenderOptions): string {
  const named = cloudFormationRoleNames(output, options);
  const ids = new Map([...named].map(([n, v]) => [n, v.logicalId]));
  const roles = new Map([...named].map(([n, v]) => [n, v.roleName]));
  const resources = output.functions.map((f): [string, YNode, string[]] => {
    const documents = withStatements(f.documents);
    const properties: Array<[string, YNode]> = [
      ['RoleName', yamlNode(roles.get(f.functionName)!)],
      ['AssumeRolePolicyDocument', yamlNode(iamTree(LAMBDA_TRUST))],
    ];
    if (documents.length > 0) {
      const policies = documents.map((d, i) => ymap([['PolicyName', yamlNode(inlinePolicyName(i + 1, documents.length))], ['PolicyDocument', yamlNode(iamTree(d))]]));
      properties.push(['Policies', yseq(policies)]);
    }
    const comment = [`Function ${f.functionName}`, ...(documents.length === 0 ? [NOTHING] : [])];
    return [ids.get(f.functionName)!, ymap([['Type', yamlNode('AWS::IAM::Role')], ['Properties', ymap(properties)]]), comment];
  });
  const header = [
    `policy-trim: one role per function, split from the shared role ${sharedRoleLabel(output)}.`,
    'Each allows what its function was seen to use, and what could not be observed. Point each function at its',
    'role (Role: !GetAtt <logical id>.Arn), watch for AccessDenied, then stop using the shared role.',
    'A fixed RoleName needs CAPABILITY_NAMED_IAM when the stack is deployed.',
    ...residualLines(output, 'Metadata.PolicyTrimResidual'),
  ];
  return yamlText(ymap([...residualMetadata(output), ['Resources', ymap(resources)]]), yamlComment(header));
}

/** The `sam` format (see the module comment). */
export function renderSam(output: SplitRoleOutput): string {
  const ids = allocateNames(
    output.functions.map((f) => f.functionName),
    logicalIdRule(''),
  );
  const resources = output.functions.map((f): [string, YNode, string[]] => {
    const documents = withStatements(f.documents);
    const properties = ymap([['Policies', yseq(documents.map((d) => yamlNode(iamTree(d))))]]);
    const comment = [`Function ${f.functionName}: merge Policies into its AWS::Serverless::Function`, ...(documents.length === 0 ? [NOTHING] : [])];
    return [ids.get(f.functionName)!, ymap([['Type', yamlNode('AWS::Serverless::Function')], ['Properties', properties]]), comment];
  });
  const header = [
    `policy-trim: one role per function, split from the shared role ${sharedRoleLabel(output)}.`,
    "SAM creates each function's role from its Policies. The logical ids below are derived from the function",
    "names: merge each function's Policies into your template's resource for it, replacing its Role.",
    ...residualLines(output, 'Metadata.PolicyTrimResidual'),
  ];
  return yamlText(ymap([...residualMetadata(output), ['Resources', ymap(resources)]]), yamlComment(header));
}
