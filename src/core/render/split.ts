/**
 * Rendering a shared role split by function (issue 12, `suggest --split-by-function`): the entry, and the
 * `json` and `yaml` maps. The deployment formats are in split-cfn.ts (cloudformation, sam),
 * split-serverless.ts and split-terraform.ts (YAML helpers in split-yaml.ts, names in split-names.ts). Pure and
 * deterministic like every renderer: the same input gives byte-identical output, in function-name order
 * whatever the input order. This entry loads the yaml package for every format; split-terraform.ts and the
 * JSON path (splitTree with json.ts) do not need it, for a caller that wants to avoid loading it.
 *
 * `json` and `yaml` print one map: each function's name → the list of its policy documents (always a list,
 * as canonical.ts keeps one-element lists, so every value has one shape), then, only when the residual grants
 * something, RESIDUAL_KEY (`(residual)`, which no Lambda function name can be) → the residual's documents.
 * Each document is written exactly as renderJson / renderYaml write it alone.
 */

import { InvariantError } from '../errors.js';
import { IamObject, iamTree, type IamNode } from './canonical.js';
import { iamTreeToJson } from './json.js';
import { prepare, residualIsEmpty, withStatements } from './split-common.js';
import { renderCloudFormation, renderSam } from './split-cfn.js';
import { renderServerless } from './split-serverless.js';
import { renderSplitTerraform } from './split-terraform.js';
import { RESIDUAL_KEY, SPLIT_FORMATS, type SplitFormat, type SplitRenderOptions, type SplitRoleOutput } from './split-types.js';
import { yamlFromTree } from './yaml.js';

/** The `json`/`yaml` map as an ordered tree (see the module comment). */
export function splitTree(output: SplitRoleOutput): IamObject {
  const sorted = prepare(output);
  const entries: Array<[string, IamNode]> = sorted.functions.map((f) => [f.functionName, f.documents.map(iamTree)]);
  if (!residualIsEmpty(sorted)) entries.push([RESIDUAL_KEY, withStatements(sorted.residual).map(iamTree)]);
  return new IamObject(entries);
}

/**
 * Render a split in one format; every format ends with a newline. Throws an InvariantError on an unknown
 * format, two functions with one name, or a function named RESIDUAL_KEY (the caller's bugs), and the
 * Terraform renderer's RenderError for a statement an `aws_iam_policy_document` cannot hold.
 */
export function renderSplit(output: SplitRoleOutput, format: SplitFormat, options: SplitRenderOptions = {}): string {
  const sorted = prepare(output);
  switch (format) {
    case 'json':
      return iamTreeToJson(splitTree(sorted)) + '\n';
    case 'yaml':
      return yamlFromTree(splitTree(sorted));
    case 'serverless':
      return renderServerless(sorted, options);
    case 'sam':
      return renderSam(sorted);
    case 'cloudformation':
      return renderCloudFormation(sorted, options);
    case 'terraform':
      return renderSplitTerraform(sorted, options);
    default:
      throw new InvariantError(`unknown split format ${JSON.stringify(format as string)}: expected one of ${SPLIT_FORMATS.join(', ')}`);
  }
}
