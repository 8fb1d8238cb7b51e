/**
 * `--format` and `--terraform-style`, shared by `render` and `suggest`: the choices are the core's, and the
 * parsed values are checked against them rather than cast.
 */
import type { Argv } from 'yargs';
import { isRenderFormat, RENDER_FORMATS, type RenderFormat } from '../core/render/documents.js';
import { isTerraformStyle, TERRAFORM_STYLES, type TerraformStyle } from '../core/render/terraform.js';
import { usageError } from './errors.js';

/**
 * Add `--format` (default json; `moreFormats` are the command's own, such as `suggest --split-by-function`'s
 * deployment formats) and `--terraform-style` (data-source when not given: left unset, so a command can tell
 * whether it was asked for).
 */
export function withRenderOptions(y: Argv, moreFormats: readonly string[] = []): Argv {
  return y
    .option('format', { choices: [...new Set([...RENDER_FORMATS, ...moreFormats])], default: RENDER_FORMATS[0], describe: 'Output format' })
    .option('terraform-style', { choices: TERRAFORM_STYLES, describe: `Terraform shape: aws_iam_policy_document data source, or jsonencode() (default ${TERRAFORM_STYLES[0]})` });
}

/** The output format and Terraform style the arguments chose. */
export function renderChoices(args: Record<string, unknown>): { format: RenderFormat; style: TerraformStyle } {
  const { format, 'terraform-style': style = TERRAFORM_STYLES[0] } = args;
  if (!isRenderFormat(format)) throw usageError(`--format ${String(format)}: expected one of ${RENDER_FORMATS.join(', ')}${RENDER_FORMATS.includes(format as RenderFormat) ? '' : ' (the others are for suggest --split-by-function)'}`);
  if (!isTerraformStyle(style)) throw usageError(`--terraform-style ${String(style)}: expected one of ${TERRAFORM_STYLES.join(', ')}`);
  return { format, style };
}
