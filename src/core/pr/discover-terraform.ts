/**
 * `--discover` for Terraform: the IAM blocks of each folder's `.tf` files (a folder is one module, so a role in
 * `iam.tf` and its policy in `policies.tf` are linked), and which role each grant reaches. A grant follows the
 * references the code writes: `role = aws_iam_role.app.name`, `policy = data.aws_iam_policy_document.d.json`,
 * `policy_arn = aws_iam_policy.p.arn`. A policy document used only as a trust policy (`assume_role_policy`) grants
 * nothing and is left out.
 */
import { HclSyntaxError } from '../iac/terraform-lexer.js';
import { literalOnly, parseHcl, type HclAttribute, type HclBlock, type HclItem } from '../iac/terraform-syntax.js';
import { emptyScan, lineAt, type RepoFile, type RoleLink, type ScanResult, type SiteCandidate } from './discover-types.js';

/** One IAM block of a folder, with what the scan needs of it. */
interface TfBlock {
  file: RepoFile;
  block: HclBlock;
  /** `aws_iam_role.app`, `data.aws_iam_policy_document.d`. */
  address: string;
}

const ROLE_REF = /\baws_iam_role\.([A-Za-z_][\w-]*)\.(?:name|id|arn|unique_id)\b/;
const DOC_REF = /\bdata\.aws_iam_policy_document\.([A-Za-z_][\w-]*)\.json\b/;
const POLICY_REF = /\baws_iam_policy\.([A-Za-z_][\w-]*)\.(?:arn|id)\b/;

/** The blocks of every `.tf` file of a scan, by folder. */
export function scanTerraform(files: readonly RepoFile[]): ScanResult {
  const out = emptyScan();
  const byFolder = new Map<string, TfBlock[]>();
  for (const file of files) {
    let items: HclItem[];
    try {
      items = parseHcl(file.text);
    } catch (e) {
      if (!(e instanceof HclSyntaxError)) throw e;
      out.problems.push({ file: file.path, message: `not read as Terraform (line ${lineAt(file.text, e.offset)}: ${e.message})` });
      continue;
    }
    const folder = file.path.includes('/') ? file.path.slice(0, file.path.lastIndexOf('/')) : '.';
    const list = byFolder.get(folder) ?? [];
    list.push(...iamBlocks(file, items));
    byFolder.set(folder, list);
  }
  for (const [folder, blocks] of [...byFolder].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) scanFolder(folder, blocks, out);
  return out;
}

/** The top-level `resource "aws_iam_…"` and `data "aws_iam_policy_document"` blocks of a file. */
function iamBlocks(file: RepoFile, items: HclItem[]): TfBlock[] {
  const out: TfBlock[] = [];
  for (const item of items) {
    if (item.kind !== 'block' || item.labels.length !== 2) continue;
    const [type, name] = item.labels as [string, string];
    if (item.type === 'resource' && type.startsWith('aws_iam_')) out.push({ file, block: item, address: `${type}.${name}` });
    if (item.type === 'data' && type === 'aws_iam_policy_document') out.push({ file, block: item, address: `data.${type}.${name}` });
  }
  return out;
}

function attr(block: HclBlock, name: string): HclAttribute | undefined {
  return block.items.find((i): i is HclAttribute => i.kind === 'attribute' && i.name === name);
}

/** An attribute's source text, or '' when absent. */
function source(b: TfBlock, a: HclAttribute | undefined): string {
  return a ? b.file.text.slice(a.expr.start, a.expr.end) : '';
}

/** An attribute's value when it is a literal string. */
function literal(a: HclAttribute | undefined): string | undefined {
  return a?.expr.kind === 'template' ? literalOnly(a.expr.token) : undefined;
}

function where(b: TfBlock): string {
  return `${b.file.path}:${lineAt(b.file.text, b.block.start)}`;
}

/** The role a `role = …` attribute names (`roles`: the labels of the folder's aws_iam_role blocks). */
function roleLinkOf(folder: string, b: TfBlock, roles: ReadonlySet<string>): RoleLink {
  const a = attr(b.block, 'role');
  const text = source(b, a);
  const ref = ROLE_REF.exec(text);
  if (ref && roles.has(ref[1]!)) return { kind: 'key', key: roleKey(folder, ref[1]!) };
  if (ref) return { kind: 'unknown', reason: `its role aws_iam_role.${ref[1]} is not declared in ${folder}` };
  const name = literal(a);
  if (name) return { kind: 'name', name };
  return { kind: 'unknown', reason: a ? `its role is ${text.trim().slice(0, 80)}` : 'it names no role' };
}

function roleKey(folder: string, name: string): string {
  return `terraform:${folder}:aws_iam_role.${name}`;
}

/** Links and sites of one folder. */
class FolderLinks {
  /** data.aws_iam_policy_document label → roles it grants to. */
  readonly docs = new Map<string, RoleLink[]>();
  /** Documents referenced as a grant at least once. */
  readonly usedAsGrant = new Set<string>();
  readonly trustOnly = new Set<string>();
  /** aws_iam_policy label → roles it is attached to. */
  readonly policies = new Map<string, RoleLink[]>();

  link(map: Map<string, RoleLink[]>, label: string, roles: RoleLink[]): void {
    map.set(label, [...(map.get(label) ?? []), ...roles]);
  }
}

/** Roles and grant sites of one folder (one Terraform module). */
function scanFolder(folder: string, blocks: readonly TfBlock[], out: ScanResult): void {
  const links = new FolderLinks();
  const of = (type: string) => blocks.filter((b) => b.address.startsWith(`${type}.`));
  const labelOf = (b: TfBlock) => b.address.slice(b.address.lastIndexOf('.') + 1);
  const roles = new Set(of('aws_iam_role').map(labelOf));
  for (const b of of('aws_iam_role')) scanRole(folder, b, labelOf(b), links, out);
  for (const b of of('aws_iam_role_policy_attachment')) {
    const role = roleLinkOf(folder, b, roles);
    const policy = POLICY_REF.exec(source(b, attr(b.block, 'policy_arn')));
    if (policy && of('aws_iam_policy').some((p) => labelOf(p) === policy[1])) links.link(links.policies, policy[1]!, [role]);
    else out.sites.push(site(b, [role]));
  }
  for (const b of of('aws_iam_role_policy')) grantOrDocument(b, [roleLinkOf(folder, b, roles)], links, out);
  for (const b of of('aws_iam_policy')) grantOrDocument(b, links.policies.get(labelOf(b)) ?? [], links, out);
  for (const b of of('data.aws_iam_policy_document')) {
    const label = labelOf(b);
    if (links.trustOnly.has(label) && !links.usedAsGrant.has(label)) continue;
    if (!links.usedAsGrant.has(label) && onlyPrincipalStatements(b.block)) continue; // a trust or resource policy
    out.sites.push(site(b, links.docs.get(label) ?? []));
  }
}

/** A role: its name, its own site (inline policies and managed_policy_arns written there), the documents it uses. */
function scanRole(folder: string, b: TfBlock, label: string, links: FolderLinks, out: ScanResult): void {
  const key = roleKey(folder, label);
  const nameAttr = attr(b.block, 'name');
  const name = literal(nameAttr);
  const guess = name !== undefined ? undefined : nameAttr ? `its name is ${source(b, nameAttr).trim().slice(0, 80)}` : 'it has no `name`, so Terraform generates one';
  out.roles.push({ key, name: name ?? label, ...(guess ? { guess } : {}), where: where(b) });
  const trust = DOC_REF.exec(source(b, attr(b.block, 'assume_role_policy')));
  if (trust) links.trustOnly.add(trust[1]!);
  let ownSite = attr(b.block, 'managed_policy_arns') !== undefined;
  for (const inline of b.block.items.filter((i): i is HclBlock => i.kind === 'block' && i.type === 'inline_policy')) {
    const doc = DOC_REF.exec(source(b, attr(inline, 'policy')));
    if (doc) {
      links.usedAsGrant.add(doc[1]!);
      links.link(links.docs, doc[1]!, [{ kind: 'key', key }]);
    } else if (attr(inline, 'policy')) ownSite = true;
  }
  if (ownSite) out.sites.push(site(b, [{ kind: 'key', key }]));
}

/** A resource with a `policy` argument: its grant is written there, or in the document it references. */
function grantOrDocument(b: TfBlock, roles: RoleLink[], links: FolderLinks, out: ScanResult): void {
  const doc = DOC_REF.exec(source(b, attr(b.block, 'policy')));
  if (!doc) return void out.sites.push(site(b, roles));
  links.usedAsGrant.add(doc[1]!);
  links.link(links.docs, doc[1]!, roles);
}

function site(b: TfBlock, roles: RoleLink[]): SiteCandidate {
  return { site: { format: 'terraform', file: b.file.path, address: b.address }, roles, where: where(b), label: b.address };
}

/** Whether every `statement` block of a policy document names `principals`: a trust or resource policy, no grant. */
function onlyPrincipalStatements(block: HclBlock): boolean {
  const statements = block.items.filter((i): i is HclBlock => i.kind === 'block' && i.type === 'statement');
  return statements.length > 0 && statements.every((st) => st.items.some((i) => i.kind === 'block' && (i.type === 'principals' || i.type === 'not_principals')));
}
