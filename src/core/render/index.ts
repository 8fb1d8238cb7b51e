/** Renderers for policy documents: JSON, YAML and Terraform, all pure and deterministic. */

import { InvariantError } from '../errors.js';
import type { PolicyDocument } from '../policy/types.js';
import { renderJson } from './json.js';
import { renderTerraform, type TerraformOptions } from './terraform.js';
import { renderYaml } from './yaml.js';

export { renderJson } from './json.js';
export { renderYaml, yamlNeedsQuotes } from './yaml.js';
export { RenderError, renderTerraform, terraformName, type TerraformOptions, type TerraformStyle } from './terraform.js';
export { parseJsonencode, parseJsonencodePolicy, policyDocumentFromIam, PolicyTextError, type PlainValue } from './parse-jsonencode.js';

/** Output formats of renderPolicy (the CLI's `--format`). */
export type RenderFormat = 'json' | 'yaml' | 'terraform';

/** The formats in the order the CLI should list them. */
export const RENDER_FORMATS: readonly RenderFormat[] = ['json', 'yaml', 'terraform'];

/** Options for renderPolicy; only the Terraform format reads any today. */
export type RenderOptions = TerraformOptions;

/**
 * Render a policy in the given format. Identical input gives byte-identical output; every format ends with a
 * newline. Throws an InvariantError on an unknown format (a programming error: the CLI validates `--format` first).
 */
export function renderPolicy(doc: PolicyDocument, format: RenderFormat, options: RenderOptions = {}): string {
  switch (format) {
    case 'json':
      return renderJson(doc);
    case 'yaml':
      return renderYaml(doc);
    case 'terraform':
      return renderTerraform(doc, options);
    default:
      throw new InvariantError(`unknown render format ${JSON.stringify(format as string)}: expected one of ${RENDER_FORMATS.join(', ')}`);
  }
}
