/** Renderers for policy documents: JSON, YAML and Terraform, all pure and deterministic. */

import type { PolicyDocument } from '../policy/types.js';
import { renderDocumentsWith, renderPolicyWith, type RenderDocumentsOptions, type RenderFormat, type RenderOptions } from './documents.js';
import { renderYaml } from './yaml.js';

export { renderJson } from './json.js';
export { renderYaml, yamlNeedsQuotes } from './yaml.js';
export { isTerraformStyle, RenderError, renderTerraform, TERRAFORM_STYLES, terraformName, type TerraformOptions, type TerraformStyle } from './terraform.js';
export { parseJsonencode, parseJsonencodePolicy, policyDocumentFromIam, PolicyTextError, type PlainValue } from './parse-jsonencode.js';
export { parseRenderInput } from './input.js';
export { renderSplit, splitTree } from './split.js';
export {
  isSplitFormat,
  RESIDUAL_KEY,
  SPLIT_FORMATS,
  type ServerlessLayout,
  type SplitFormat,
  type SplitRenderOptions,
  type SplitRoleNaming,
  type SplitRoleOutput,
} from './split-types.js';
export { allocateNames, fnv1a32, IAM_ROLE_NAME, LOGICAL_ID, logicalIdRule, NAME_MAX, roleNameRule, TERRAFORM_IDENTIFIER, terraformIdRule, type NameRule } from './split-names.js';
export { isRenderFormat, RENDER_FORMATS, type RenderDocumentsOptions, type RenderFormat, type RenderOptions } from './documents.js';

/**
 * Render a policy in the given format. Identical input gives byte-identical output; every format ends with a
 * newline. Throws an InvariantError on an unknown format (a programming error: the CLI validates `--format` first).
 */
export function renderPolicy(doc: PolicyDocument, format: RenderFormat, options: RenderOptions = {}): string {
  return renderPolicyWith(renderYaml, doc, format, options);
}

/**
 * Several documents as one output, for `suggest` (a policy split for size) and `render` (a folder) alike. One
 * document is exactly renderPolicy's text. Several are a JSON array of the documents, YAML documents each
 * opened by `---`, or Terraform blocks separated by a blank line; what JSON and YAML give here,
 * parseRenderInput reads back. No documents give `[]` in JSON and nothing in the other formats.
 */
export function renderDocuments(documents: readonly PolicyDocument[], format: RenderFormat, options: RenderDocumentsOptions = {}): string {
  return renderDocumentsWith(renderYaml, documents, format, options);
}
