/**
 * A split as a serverless.yml fragment, in one of two layouts (ServerlessLayout):
 * - `per-function`: `functions.NAME.iamRoleStatements`, the layout of the serverless-iam-roles-per-function
 *   plugin, which gives each function with such statements its own role (the plugin names the roles);
 * - `provider`: `provider.iam.role.statements`, the framework's own (v3/v4) single role for the service,
 *   holding every function's statements, each distinct statement once.
 * A function's documents become one list of statements (serverless writes one policy per role); a Sid that
 * repeats gets a number (see gatherStatements). The keys under `functions` are the deployed function names;
 * the comment says to use the service's own function keys. The residual, when there is one, is
 * `custom.policyTrimResidual` (the shared role and its statements): `custom` deploys nothing.
 *
 * serverless resolves its own variables, `${source:…}`, before CloudFormation sees the file, and refuses the
 * ones it does not know, `${aws:username}` among them (serverless/serverless#12045). A string holding an IAM
 * policy variable serverless would take for its own is therefore written as `Fn::Sub` with every `${` escaped
 * as `${!`, which CloudFormation turns back into the literal text and serverless leaves alone.
 */

import { IamObject, statementTree, type IamNode } from './canonical.js';
import { gatherStatements, residualIsEmpty, residualLines, sharedRoleLabel } from './split-common.js';
import { yamlComment, ymap, yseq, type YNode } from './split-yaml.js';
import type { ServerlessLayout, SplitRenderOptions, SplitRoleOutput } from './split-types.js';
import type { Statement } from '../policy/types.js';
import { yamlNode, yamlText } from './yaml.js';

/** The layout used when none is asked for: one role for a single function, one role each otherwise. */
export function defaultServerlessLayout(output: SplitRoleOutput): ServerlessLayout {
  return output.functions.length === 1 ? 'provider' : 'per-function';
}

/**
 * `${` then what serverless v3's variable parser (lib/configuration/variables/parse.js) reads as a source: a
 * lower-case letter, letters, digits or dots, then `:` (not `::`) or `(`. The `aws:` namespace is among them.
 */
export const SERVERLESS_VARIABLE = /\$\{[a-z][a-zA-Z0-9.]*(?::(?!:)|\()/;

/** A tree whose strings serverless would read as its variables become `Fn::Sub` with `${!` (see the module comment). */
function escapeVariables(node: IamNode): IamNode {
  if (typeof node === 'string') return SERVERLESS_VARIABLE.test(node) ? new IamObject([['Fn::Sub', node.replaceAll('${', '${!')]]) : node;
  if (Array.isArray(node)) return node.map(escapeVariables);
  return new IamObject(node.entries.map(([k, v]) => [k, escapeVariables(v)]));
}

function statementList(statements: readonly Statement[]): YNode {
  return yseq(statements.map((s) => yamlNode(escapeVariables(statementTree(s)))));
}

function residualCustom(output: SplitRoleOutput): Array<[string, YNode]> {
  if (residualIsEmpty(output)) return [];
  const entries: Array<[string, YNode]> = [['sharedRole', yamlNode(output.sharedRole.name)]];
  if (output.sharedRole.arn !== undefined) entries.push(['sharedRoleArn', yamlNode(output.sharedRole.arn)]);
  entries.push(['statements', statementList(gatherStatements(output.residual, false))]);
  return [['custom', ymap([['policyTrimResidual', ymap(entries)]])]];
}

/** The `serverless` format (see the module comment). */
export function renderServerless(output: SplitRoleOutput, options: SplitRenderOptions): string {
  const layout = options.serverlessLayout ?? defaultServerlessLayout(output);
  const header = [`policy-trim: least-privilege statements split from the shared role ${sharedRoleLabel(output)}.`];
  let top: Array<[string, YNode]>;
  if (layout === 'per-function') {
    header.push(
      'One role per function needs the serverless-iam-roles-per-function plugin. The keys under functions are the',
      "deployed function names: put each list under your serverless.yml's key for that function.",
    );
    const functions = output.functions.map((f): [string, YNode] => [f.functionName, ymap([['iamRoleStatements', statementList(gatherStatements(f.documents, false))]])]);
    top = [['functions', ymap(functions)]];
  } else {
    const names = output.functions.map((f) => f.functionName).join(', ');
    header.push(`One role for the service's functions (${names}): the statements each of them needs, each once.`);
    const statements = gatherStatements(
      output.functions.flatMap((f) => f.documents),
      true,
    );
    top = [['provider', ymap([['iam', ymap([['role', ymap([['statements', statementList(statements)]])]])]])]];
  }
  header.push(...residualLines(output, 'custom.policyTrimResidual'));
  return yamlText(ymap([...top, ...residualCustom(output)]), yamlComment(header));
}
