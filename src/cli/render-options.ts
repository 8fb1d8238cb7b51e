/**
 * `--format` and `--terraform-style`, shared by `render` and `suggest`: the choices are the core's, and the
 * parsed values are checked against them rather than cast.
 */
import type { Argv } from 'yargs';
import { isRenderFormat, RENDER_FORMATS, type RenderFormat } from '../core/render/documents.js';
import { isTerraformStyle, TERRAFORM_STYLES, type TerraformStyle } from '../core/render/terraform.js';
import { usageError } from './errors.js';

/** Add `--format` (default json) and `--terraform-style` (default data-source). */
export function withRenderOptions(y: Argv): Argv {
  return y
    .option('format', { choices: RENDER_FORMATS, default: RENDER_FORMATS[0], describe: 'Output format' })
    .option('terraform-style', { choices: TERRAFORM_STYLES, default: TERRAFORM_STYLES[0], describe: 'Terraform shape: aws_iam_policy_document data source, or jsonencode()' });
}

/** The output format and Terraform style the arguments chose. */
export function renderChoices(args: Record<string, unknown>): { format: RenderFormat; style: TerraformStyle } {
  const { format, 'terraform-style': style } = args;
  if (!isRenderFormat(format)) throw usageError(`--format ${String(format)}: expected one of ${RENDER_FORMATS.join(', ')}`);
  if (!isTerraformStyle(style)) throw usageError(`--terraform-style ${String(style)}: expected one of ${TERRAFORM_STYLES.join(', ')}`);
  return { format, style };
}
