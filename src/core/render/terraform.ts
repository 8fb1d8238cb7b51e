/**
 * Terraform renderers.
 *
 * - `data-source` (default): `data "aws_iam_policy_document" "NAME" { statement { ... } }`, the shape users of
 *   iam-policy-json-to-terraform know: per statement `sid`, `effect`, `resources`/`not_resources`,
 *   `actions`/`not_actions`, one `condition` block per operator and key, then `principals`/`not_principals`.
 * - `jsonencode`: `locals { NAME = jsonencode({ ... }) }` (or the bare `jsonencode(...)` expression) with the
 *   IAM document written as an HCL object, keys in the JSON renderer's order.
 *
 * Both escape `${` → `$${` and `%{` → `%%{` in every string, sort every list, and are laid out as
 * `terraform fmt` would leave them (see hcl.ts).
 */

import { PolicyTrimError } from '../errors.js';
import type { PolicyDocument } from '../policy/types.js';
import { IamObject, canonicalStatement, iamTree, type CanonicalPrincipal, type IamNode } from './canonical.js';
import { hclFile, type HclBodyItem, type HclExpr } from './hcl.js';

/** The Terraform output styles (the CLI's `--terraform-style`), the default first. */
export const TERRAFORM_STYLES = ['data-source', 'jsonencode'] as const;

/** Terraform output style: the `aws_iam_policy_document` data source, or `jsonencode({...})`. */
export type TerraformStyle = (typeof TERRAFORM_STYLES)[number];

/** True when `value` names a Terraform output style (for values such as parsed arguments). */
export function isTerraformStyle(value: unknown): value is TerraformStyle {
  return (TERRAFORM_STYLES as readonly unknown[]).includes(value);
}

/** Options for renderTerraform. */
export interface TerraformOptions {
  /** Default `data-source`. */
  style?: TerraformStyle;
  /**
   * Name of the data source / local value. Sanitised to a Terraform identifier (see terraformName). Default:
   * derived from the document's name (a role, file, `inline:NAME` or policy ARN).
   */
  name?: string;
  /** For `jsonencode` only: `locals` (default) wraps it in `locals { NAME = ... }`; `none` prints the bare expression. */
  jsonencodeWrapper?: 'locals' | 'none';
}

/** The IAM policy version the `aws_iam_policy_document` data source writes when `version` is not set. */
const DATA_SOURCE_DEFAULT_VERSION = '2012-10-17';

/** Name used when nothing usable is left after sanitising. */
const FALLBACK_NAME = 'policy';

/**
 * A valid Terraform identifier from any name: the last segment of a path/ARN/`inline:` name, extension
 * `.json`/`.yaml`/`.yml`/`.tf` dropped, camelCase split, lower-cased, every run of characters other than
 * letters and digits turned into one `_`, and `policy_` put in front when it would start with a digit.
 * Examples: `arn:aws:iam::1:policy/team/OrdersApiPolicy` → `orders_api_policy`, `inline:s3-read` → `s3_read`.
 */
export function terraformName(raw: string): string {
  let s = raw.trim();
  const segments = s.split(/[/:\\]/).filter((x) => x.trim() !== '');
  s = segments.length > 0 ? segments[segments.length - 1]! : '';
  s = s.replace(/\.(json|ya?ml|tf)$/i, '');
  s = s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2');
  s = s.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  if (s === '') return FALLBACK_NAME;
  if (/^[0-9]/.test(s)) s = `${FALLBACK_NAME}_${s}`;
  return s;
}

const str = (v: string): HclExpr => ({ t: 'str', v });
const strList = (vs: string[]): HclExpr => ({ t: 'list', items: vs.map(str) });

/**
 * A document the chosen output cannot express faithfully; says which statement and what to do instead. The
 * user's policy, not a bug: the jsonencode style expresses every document.
 */
export class RenderError extends PolicyTrimError {
  declare readonly code: 'render-unsupported';
  constructor(
    readonly document: string,
    readonly statementIndex: number,
    reason: string,
  ) {
    super({
      code: 'render-unsupported',
      message: `${document}: Statement[${statementIndex}]: ${reason}`,
      hint: 'Render it in the jsonencode Terraform style (--terraform-style jsonencode), which expresses every policy document.',
      source: 'user',
    });
  }
}

function principalBlocks(type: 'principals' | 'not_principals', p: CanonicalPrincipal, fail: (reason: string) => never): HclBodyItem[] {
  // The provider writes `"Principal": "*"` only for type "*" with identifiers ["*"]; `{"AWS": "*"}` is type
  // "AWS" with identifiers ["*"] — different documents, so the two are kept apart here. A principal *kind*
  // named "*" (not valid IAM, but parseable) would collide with the first form, so it is refused.
  if (p !== '*' && p.some(({ kind }) => kind === '*')) {
    fail('a principal kind named "*" cannot be written as an aws_iam_policy_document; use the jsonencode style');
  }
  const kinds = p === '*' ? [{ kind: '*', identifiers: ['*'] }] : p;
  return kinds.map(({ kind, identifiers }) => ({
    t: 'block',
    type,
    labels: [],
    body: [
      { t: 'attr', name: 'type', value: str(kind) },
      { t: 'attr', name: 'identifiers', value: strList(identifiers) },
    ],
  }));
}

/** Comment put above a policy without statements (the output is still valid Terraform). */
const EMPTY_POLICY_COMMENT = [
  'policy-trim: this policy has no statements, so it grants nothing. AWS may refuse to store',
  'a policy without statements: consider removing the policy (or its attachment) instead.',
];

/**
 * `data "aws_iam_policy_document" "NAME"` for a document as body items (with the empty-policy comment above it
 * when it has no statements), for renderers that write it among other blocks. `name` must already be a valid
 * identifier. Throws RenderError as renderTerraform does.
 */
export function dataSourceItems(doc: PolicyDocument, name: string): HclBodyItem[] {
  const body: HclBodyItem[] = [];
  if (doc.version !== undefined && doc.version !== DATA_SOURCE_DEFAULT_VERSION) {
    body.push({ t: 'attr', name: 'version', value: str(doc.version) });
  }
  if (doc.id !== undefined) body.push({ t: 'attr', name: 'policy_id', value: str(doc.id) });
  for (const [index, raw] of doc.statements.entries()) {
    const s = canonicalStatement(raw);
    const fail = (reason: string): never => {
      throw new RenderError(doc.name, index, reason);
    };
    const st: HclBodyItem[] = [];
    if (s.sid !== undefined) st.push({ t: 'attr', name: 'sid', value: str(s.sid) });
    st.push({ t: 'attr', name: 'effect', value: str(s.effect) });
    if (s.resource !== undefined) st.push({ t: 'attr', name: 'resources', value: strList(s.resource) });
    if (s.notResource !== undefined) st.push({ t: 'attr', name: 'not_resources', value: strList(s.notResource) });
    if (s.action !== undefined) st.push({ t: 'attr', name: 'actions', value: strList(s.action) });
    if (s.notAction !== undefined) st.push({ t: 'attr', name: 'not_actions', value: strList(s.notAction) });
    for (const { operator, keys } of s.condition ?? []) {
      for (const { key, values } of keys) {
        st.push({
          t: 'block',
          type: 'condition',
          labels: [],
          body: [
            { t: 'attr', name: 'test', value: str(operator) },
            { t: 'attr', name: 'variable', value: str(key) },
            { t: 'attr', name: 'values', value: strList(values) },
          ],
        });
      }
    }
    if (s.principal !== undefined) st.push(...principalBlocks('principals', s.principal, fail));
    if (s.notPrincipal !== undefined) st.push(...principalBlocks('not_principals', s.notPrincipal, fail));
    body.push({ t: 'block', type: 'statement', labels: [], body: st });
  }
  const items: HclBodyItem[] = [];
  if (doc.statements.length === 0) items.push(...EMPTY_POLICY_COMMENT.map((text) => ({ t: 'comment' as const, text })));
  items.push({ t: 'block', type: 'data', labels: ['aws_iam_policy_document', name], body });
  return items;
}

function nodeToExpr(node: IamNode): HclExpr {
  if (typeof node === 'string') return str(node);
  if (Array.isArray(node)) return { t: 'list', items: node.map(nodeToExpr) };
  return objToExpr(node);
}

function objToExpr(node: IamObject): HclExpr {
  return { t: 'obj', entries: node.entries.map(([k, v]) => [k, nodeToExpr(v)]) };
}

function jsonencode(doc: PolicyDocument, name: string, wrapper: 'locals' | 'none'): HclBodyItem[] {
  const expr: HclExpr = { t: 'call', fn: 'jsonencode', arg: objToExpr(iamTree(doc)) };
  const items: HclBodyItem[] = [];
  if (doc.statements.length === 0) items.push(...EMPTY_POLICY_COMMENT.map((text) => ({ t: 'comment' as const, text })));
  if (wrapper === 'locals') items.push({ t: 'block', type: 'locals', labels: [], body: [{ t: 'attr', name, value: expr }] });
  else items.push({ t: 'attr', name: '__expr__', value: expr });
  return items;
}

/**
 * Render a policy as Terraform (see the module comment for both styles). Pure; identical input gives
 * byte-identical output, which `terraform fmt` leaves unchanged. Throws RenderError when the data source
 * cannot express the document (a principal kind named "*"); the jsonencode style expresses every document.
 */
export function renderTerraform(doc: PolicyDocument, options: TerraformOptions = {}): string {
  const name = terraformName(options.name ?? doc.name);
  const style = options.style ?? 'data-source';
  if (style === 'data-source') return hclFile(dataSourceItems(doc, name));
  const wrapper = options.jsonencodeWrapper ?? 'locals';
  const text = hclFile(jsonencode(doc, name, wrapper));
  // The bare expression is written through the attribute layout so it is indented the same way; drop the name.
  return wrapper === 'none' ? text.replace(/^__expr__ = /m, '') : text;
}
