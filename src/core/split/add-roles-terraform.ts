/**
 * The per-function roles added to a Terraform file: the `terraform` split renderer's blocks
 * (core/render/split-terraform.ts: the Lambda trust document, and per function an `aws_iam_role`, its
 * `aws_iam_policy_document` and the `aws_iam_role_policy` attaching it, plus the residual as a data source, which
 * creates nothing) appended after the file's last line, so every byte before stays as it was.
 *
 * Terraform wants each address once per module (folder), so the check looks at the file and at the other `.tf`
 * files of its folder the caller passes: an address or role name already there is refused, never overwritten.
 */

import { HclSyntaxError } from '../iac/terraform-lexer.js';
import { literalOnly, parseHcl, type HclBlock, type HclItem } from '../iac/terraform-syntax.js';
import { SplitError } from './errors.js';
import type { ExistingNames } from './add-roles-yaml.js';

/** A Terraform file's text, by its path in the repository. */
export interface TerraformText {
  file: string;
  text: string;
}

/** The address of a top-level block: `TYPE.NAME` for a resource, `data.TYPE.NAME` for a data source. */
function addressOf(b: HclBlock): string | undefined {
  if (b.labels.length !== 2) return undefined;
  if (b.type === 'resource') return `${b.labels[0]}.${b.labels[1]}`;
  if (b.type === 'data') return `data.${b.labels[0]}.${b.labels[1]}`;
  return undefined;
}

function blocks(t: TerraformText): HclBlock[] {
  try {
    return parseHcl(t.text).filter((i: HclItem): i is HclBlock => i.kind === 'block');
  } catch (e) {
    if (!(e instanceof HclSyntaxError)) throw e;
    throw new SplitError('split-unsupported-file', `${t.file}: not valid HCL (${e.message})`, 'Fix the file (terraform validate), then run again.');
  }
}

/** The addresses and `aws_iam_role` names (literal ones) of some Terraform files. */
export function terraformNames(files: readonly TerraformText[]): ExistingNames {
  const logicalIds = new Set<string>();
  const roleNames = new Set<string>();
  for (const f of files) {
    for (const b of blocks(f)) {
      const address = addressOf(b);
      if (address !== undefined) logicalIds.add(address);
      if (b.type !== 'resource' || b.labels[0] !== 'aws_iam_role') continue;
      const name = b.items.find((i) => i.kind === 'attribute' && i.name === 'name');
      const literal = name?.kind === 'attribute' && name.expr.kind === 'template' ? literalOnly(name.expr.token) : undefined;
      if (literal !== undefined) roleNames.add(literal.toLowerCase());
    }
  }
  return { logicalIds, roleNames };
}

/** The block types the split writes: their existing identifiers are kept clear of (see SplitRenderOptions.reserved). */
const SPLIT_BLOCKS = /^(aws_iam_role|aws_iam_role_policy|data\.aws_iam_policy_document)\.([^.]+)$/;

/** The identifiers of existing blocks of the types the split writes, for the renderer to avoid. */
export function reservedTerraformIds(existing: ExistingNames): string[] {
  return [...existing.logicalIds].flatMap((a) => SPLIT_BLOCKS.exec(a)?.[2] ?? []);
}

/** The file with the rendered blocks appended (see the module comment). */
export function addRolesToTerraform(target: TerraformText, rendered: string): string {
  const glue = target.text.endsWith('\n') || target.text === '' ? '' : '\n';
  return `${target.text}${glue}\n${rendered}`;
}
