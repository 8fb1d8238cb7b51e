/**
 * `pr --split-by-function`'s edit: one new role per function of a shared role, added to the file where the shared
 * role is defined, in that file's own format, from the split renderers' output (no second emitter):
 * - Terraform: the `terraform` renderer's blocks appended (add-roles-terraform.ts);
 * - CloudFormation, SAM and serverless.yml: the `cloudformation` renderer's `AWS::IAM::Role` resources (trust
 *   policy for Lambda, one inline policy per document) added to `Resources` / `resources.Resources`
 *   (add-roles-yaml.ts; a JSON CloudFormation or SAM template: add-roles-json.ts).
 *
 * What the edit does not do, on purpose: it changes neither the shared role nor any function. Moving a function to
 * its role is the migration's step 2, one function at a time while watching for AccessDenied; and the shared role
 * stays whole while anyone else (the residual) or any not yet switched function uses it. SAM's per-function
 * `Policies` and the serverless-iam-roles-per-function `iamRoleStatements` are not used for the same reason: in
 * both, writing a function's statements switches that function at once (and when the shared role is itself one
 * function's generated role, rewriting that function's statements rewrites the shared role for all of them).
 *
 * Checked before any text is returned: each role's inline policies against IAM's limit (size.ts), every generated
 * logical id, address and role name against the names the file (and, for Terraform, its folder) already uses,
 * and, in a serverless file, that no policy string would be read as a serverless variable.
 */

import type { SiteText } from '../iac/plan-types.js';
import type { PolicyDocument } from '../policy/types.js';
import { renderSplit } from '../render/split.js';
import { cloudFormationRoleNames } from '../render/split-cfn.js';
import { prepare, safeLines, sharedRoleLabel } from '../render/split-common.js';
import { SERVERLESS_VARIABLE } from '../render/split-serverless.js';
import { terraformRoleNames } from '../render/split-terraform.js';
import type { SplitRoleOutput } from '../render/split-types.js';
import { addRolesToTerraform, reservedTerraformIds, terraformNames, type TerraformText } from './add-roles-terraform.js';
import { addRolesToYaml, readYamlTarget, type ExistingNames } from './add-roles-yaml.js';
import { addRolesToJson, isJsonText, readJsonTarget } from './add-roles-json.js';
import { SplitError } from './errors.js';
import { assertInlineSizes } from './size.js';

/** The formats a split can be added to (a JSON policy file holds no roles). */
export type SplitTargetFormat = 'terraform' | 'cloudformation' | 'sam' | 'serverless';

/** The file the roles are added to. */
export interface SplitTarget {
  file: string;
  format: SplitTargetFormat;
  text: string;
}

/** One function's new role, as written. */
export interface NewRole {
  functionName: string;
  /** The IAM role name. */
  roleName: string;
  /** How the file names it: a logical id (`OrdersApiRole`) or an address (`aws_iam_role.orders_api`). */
  id: string;
}

/** The edit: the file before and after, and the roles it adds. */
export interface AddedRoles {
  target: SplitTarget;
  after: string;
  roles: NewRole[];
}

/**
 * The file of the role's first `defined-in` site that can hold roles (Terraform, CloudFormation, SAM,
 * serverless), with its format: `sam` when any site of that file is a SAM function. Throws
 * `split-unsupported-file` when the role is defined only in JSON policy files.
 */
export function splitTarget(sites: readonly SiteText[]): SplitTarget {
  const first = sites.find((s) => s.site.format !== 'json');
  if (first === undefined) {
    const files = [...new Set(sites.map((s) => s.site.file))].join(', ');
    throw new SplitError('split-unsupported-file', `the role is defined only in JSON policy files (${files}), which hold policies, not roles`, 'Create the roles from `policy-trim suggest --split-by-function --format json` (a policy per function) with your own tooling, or add the role\'s Terraform, CloudFormation, SAM or serverless file to defined-in.');
  }
  const file = first.site.file;
  const sam = sites.some((s) => s.site.file === file && s.site.format === 'sam');
  return { file, format: sam ? 'sam' : (first.site.format as SplitTargetFormat), text: first.text };
}

/** Every clash between what the file uses and what the split adds, as phrases naming both. */
function clashes(existing: ExistingNames, ids: readonly { id: string; what: string }[], roles: readonly { roleName: string; what: string }[]): string[] {
  return [
    ...ids.filter((a) => existing.logicalIds.has(a.id)).map((a) => `${a.id} (${a.what}) is already defined`),
    ...roles.filter((r) => existing.roleNames.has(r.roleName.toLowerCase())).map((r) => `role name ${r.roleName} (${r.what}) is already given to a role`),
  ];
}

function throwClashes(file: string, found: readonly string[]): void {
  if (found.length === 0) return;
  throw new SplitError(
    'split-name-clash',
    `${file}: the new roles would clash with names already used there: ${found.join('; ')}`,
    'Nothing was written; policy-trim never overwrites a resource. Rename the existing one, or, if these are the roles of an earlier split that was merged, there is nothing to add: switch the functions to them.',
  );
}

/** A serverless variable in a policy string would be resolved (or refused) by the framework, not kept. */
function assertNoServerlessVariables(file: string, output: SplitRoleOutput): void {
  const strings = (d: PolicyDocument) => JSON.stringify(d.statements).match(/"(?:[^"\\]|\\.)*"/g) ?? [];
  for (const f of output.functions) {
    const hit = f.documents.flatMap(strings).find((s) => SERVERLESS_VARIABLE.test(s));
    if (hit) throw new SplitError('split-unsupported-file', `${file}: the policy of function ${f.functionName} holds ${hit}, which serverless would read as one of its own variables`, 'Add this function\'s role by hand from `policy-trim suggest --split-by-function --format serverless` (which escapes such values).');
  }
}

/** The first words of the comment above the added roles in every format (the renderer's Terraform header too). */
function splitMarker(output: SplitRoleOutput): string {
  return safeLines([`policy-trim: one role per function, split from the shared role ${sharedRoleLabel(output)}`])[0]!;
}

/**
 * The note put with the roles: the comment above them in a YAML file, each role's `Metadata` in a JSON template (one
 * line there). `json`: the switch of a function written in JSON.
 */
function roleNote(output: SplitRoleOutput, format: SplitTargetFormat, json = false): string[] {
  const use = format === 'serverless' ? 'role: <logical id>' : json ? '"Role": {"Fn::GetAtt": ["<logical id>", "Arn"]}' : 'Role: !GetAtt <logical id>.Arn';
  return [
    `${splitMarker(output)}, which stays as it is.`,
    `Each allows what its function was seen to use, and what could not be observed. Switch one function at a time`,
    `(${use}) and watch for AccessDenied; see the pull request.${format === 'serverless' ? '' : ' A fixed RoleName needs CAPABILITY_NAMED_IAM.'}`,
  ];
}

/** A second split of the same role would add a second set of roles: refused, naming the roles already there. */
function assertNotSplitYet(target: SplitTarget, output: SplitRoleOutput): void {
  if (!target.text.includes(splitMarker(output))) return;
  throw new SplitError(
    'split-name-clash',
    `${target.file}: the roles of an earlier split of ${output.sharedRole.name} are already there (the comment "${splitMarker(output)}")`,
    'Nothing was written. Switch the functions to those roles, or delete them first to have policy-trim write them anew from the current activity.',
  );
}

/**
 * The roles of the split added to the target (see the module comment). Generated names steer clear of the names
 * the file already uses (SplitRenderOptions.reserved); what cannot (Terraform's fixed `lambda_assume_role` and
 * `shared_role_residual`) is refused. `neighbours`: the other `.tf` files of a Terraform target's folder. Throws
 * SplitError (size, clash, an earlier split, unsupported file) with nothing written.
 */
export function addSplitRoles(target: SplitTarget, split: SplitRoleOutput, neighbours: readonly TerraformText[] = []): AddedRoles {
  const output = prepare(split);
  assertInlineSizes(output.functions);
  assertNotSplitYet(target, output);
  if (target.format === 'terraform') return addToTerraform(target, output, neighbours);
  return target.format !== 'serverless' && isJsonText(target.text) ? addToJson(target, output) : addToYaml(target, output);
}

function addToTerraform(target: SplitTarget, output: SplitRoleOutput, neighbours: readonly TerraformText[]): AddedRoles {
  const existing = terraformNames([target, ...neighbours]);
  const options = { reserved: { ids: reservedTerraformIds(existing), roleNames: [...existing.roleNames] } };
  const names = terraformRoleNames(output, options);
  const roles = output.functions.map((f) => ({ functionName: f.functionName, roleName: names.get(f.functionName)!.roleName, id: `aws_iam_role.${names.get(f.functionName)!.id}` }));
  const rendered = renderSplit(output, 'terraform', options);
  // A block belongs to the function whose role has its name (`NAME` or `NAME__2`); the trust document and the
  // residual belong to none.
  const owner = (address: string) => roles.find((r) => r.id === `aws_iam_role.${address.slice(address.lastIndexOf('.') + 1).replace(/__\d+$/, '')}`)?.functionName;
  const ids = [...terraformNames([{ file: target.file, text: rendered }]).logicalIds].map((id) => ({ id, what: owner(id) ? `for function ${owner(id)}` : 'shared by the new roles' }));
  throwClashes(target.file, clashes(existing, ids, roles.map((r) => ({ roleName: r.roleName, what: `function ${r.functionName}` }))));
  return { target, after: addRolesToTerraform(target, rendered), roles };
}

function addToJson(target: SplitTarget, output: SplitRoleOutput): AddedRoles {
  const read = readJsonTarget(target.file, target.text);
  const options = { reserved: { ids: [...read.existing.logicalIds], roleNames: [...read.existing.roleNames] } };
  const roles = newRoles(output, options);
  throwClashes(target.file, roleClashes(read.existing, roles));
  return { target, after: addRolesToJson(read, renderSplit(output, 'cloudformation', options), roleNote(output, target.format, true).join(' ')), roles };
}

/** The roles the `cloudformation` renderer names for each function, steering clear of `options.reserved`. */
function newRoles(output: SplitRoleOutput, options: { reserved: { ids: string[]; roleNames: string[] } }): NewRole[] {
  const names = cloudFormationRoleNames(output, options);
  return output.functions.map((f) => ({ functionName: f.functionName, roleName: names.get(f.functionName)!.roleName, id: names.get(f.functionName)!.logicalId }));
}

/** Clashes of new roles (logical id and role name) with what a template uses. */
function roleClashes(existing: ExistingNames, roles: readonly NewRole[]): string[] {
  const what = (r: NewRole) => `the role of function ${r.functionName}`;
  return clashes(existing, roles.map((r) => ({ id: r.id, what: what(r) })), roles.map((r) => ({ roleName: r.roleName, what: what(r) })));
}

function addToYaml(target: SplitTarget, output: SplitRoleOutput): AddedRoles {
  if (target.format === 'serverless') assertNoServerlessVariables(target.file, output);
  const read = readYamlTarget({ file: target.file, text: target.text, kind: target.format === 'serverless' ? 'serverless' : 'template' });
  const options = { reserved: { ids: [...read.existing.logicalIds], roleNames: [...read.existing.roleNames] } };
  const roles = newRoles(output, options);
  throwClashes(target.file, roleClashes(read.existing, roles));
  return { target, after: addRolesToYaml(read, renderSplit(output, 'cloudformation', options), roleNote(output, target.format)), roles };
}
