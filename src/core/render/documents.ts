/**
 * The output formats and the rendering of documents, without importing the `yaml` package: the YAML renderer
 * is the caller's to pass. `index.ts` passes `renderYaml` (the API every caller uses); `suggest` passes it only
 * when `--format yaml` asks for it, so a JSON or Terraform run never loads `yaml` (docs/BENCHMARKS.md).
 */

import { InvariantError } from '../errors.js';
import type { PolicyDocument } from '../policy/types.js';
import { renderJson } from './json.js';
import { renderTerraform, type TerraformOptions, type TerraformStyle } from './terraform.js';

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

/** The YAML renderer (`renderYaml` of `yaml.ts`), or undefined where YAML is not rendered. */
export type YamlRenderer = ((doc: PolicyDocument) => string) | undefined;

/** renderPolicy (index.ts) with the YAML renderer given; asking for YAML without one is an InvariantError. */
export function renderPolicyWith(renderYaml: YamlRenderer, doc: PolicyDocument, format: RenderFormat, options: RenderOptions = {}): string {
  switch (format) {
    case 'json':
      return renderJson(doc);
    case 'yaml':
      if (!renderYaml) throw new InvariantError('YAML asked of a renderer given no YAML renderer (core/render/documents.ts)');
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

/** renderDocuments (index.ts) with the YAML renderer given (see {@link renderPolicyWith}). */
export function renderDocumentsWith(renderYaml: YamlRenderer, documents: readonly PolicyDocument[], format: RenderFormat, options: RenderDocumentsOptions = {}): string {
  const several = documents.length > 1;
  const texts = documents.map((doc, i) => {
    const name = options.name === undefined ? doc.name : several ? `${options.name}_${i + 1}` : options.name;
    return renderPolicyWith(renderYaml, doc, format, { style: options.style, name });
  });
  if (format === 'json') {
    if (!several) return texts[0] ?? '[]\n';
    return `[\n${texts.map((t) => t.trimEnd()).join(',\n')}\n]\n`;
  }
  if (format === 'yaml') return several ? texts.map((t) => `---\n${t}`).join('') : texts.join('');
  return texts.join('\n');
}
