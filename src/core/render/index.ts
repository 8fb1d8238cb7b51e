/** Renderers for policy documents: JSON, YAML and Terraform, all pure and deterministic. */

import { InvariantError } from '../errors.js';
import type { PolicyDocument } from '../policy/types.js';
import { renderJson } from './json.js';
import { renderTerraform, type TerraformOptions, type TerraformStyle } from './terraform.js';
import { renderYaml } from './yaml.js';

export { renderJson } from './json.js';
export { renderYaml, yamlNeedsQuotes } from './yaml.js';
export { isTerraformStyle, RenderError, renderTerraform, TERRAFORM_STYLES, terraformName, type TerraformOptions, type TerraformStyle } from './terraform.js';
export { parseJsonencode, parseJsonencodePolicy, policyDocumentFromIam, PolicyTextError, type PlainValue } from './parse-jsonencode.js';
export { parseRenderInput } from './input.js';

/** The output formats of renderPolicy and renderDocuments (the CLI's `--format`), in the order the CLI lists them. */
export const RENDER_FORMATS = ['json', 'yaml', 'terraform'] as const;

/** An output format: `json`, `yaml` or `terraform`. */
export type RenderFormat = (typeof RENDER_FORMATS)[number];

/** True when `value` names an output format (for values the type system cannot vouch for, such as parsed arguments). */
export function isRenderFormat(value: unknown): value is RenderFormat {
  return (RENDER_FORMATS as readonly unknown[]).includes(value);
}

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

/** Options for renderDocuments. */
export interface RenderDocumentsOptions {
  /** Terraform shape (default `data-source`); the other formats have one shape. */
  style?: TerraformStyle;
  /**
   * Terraform block name. With one document it is the name; with several, `NAME_1`, `NAME_2`, … so the blocks
   * do not collide. Default: each document's own name.
   */
  name?: string;
}

/**
 * Several documents as one output, for `suggest` (a policy split for size) and `render` (a folder) alike. One
 * document is exactly renderPolicy's text. Several are a JSON array of the documents, YAML documents each
 * opened by `---`, or Terraform blocks separated by a blank line; what JSON and YAML give here,
 * parseRenderInput reads back. No documents give `[]` in JSON and nothing in the other formats.
 */
export function renderDocuments(documents: readonly PolicyDocument[], format: RenderFormat, options: RenderDocumentsOptions = {}): string {
  const several = documents.length > 1;
  const texts = documents.map((doc, i) => {
    const name = options.name === undefined ? doc.name : several ? `${options.name}_${i + 1}` : options.name;
    return renderPolicy(doc, format, { style: options.style, name });
  });
  if (format === 'json') {
    if (!several) return texts[0] ?? '[]\n';
    return `[\n${texts.map((t) => t.trimEnd()).join(',\n')}\n]\n`;
  }
  if (format === 'yaml') return several ? texts.map((t) => `---\n${t}`).join('') : texts.join('');
  return texts.join('\n');
}
