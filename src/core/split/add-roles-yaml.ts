/**
 * The per-function roles added to a YAML template in place: a CloudFormation or SAM template's `Resources`, or a
 * serverless.yml's `resources.Resources` (which the framework merges into its stack as they are). The roles are
 * the `cloudformation` split renderer's `AWS::IAM::Role` resources (core/render/split-cfn.ts), re-indented to the
 * map they join and placed after its last entry; every other byte of the file stays as it was (comments, order,
 * quoting, the shared role and the functions).
 *
 * Nothing in the file is overwritten: a logical id or role name the file already uses is refused (see
 * `existingNames`), and so is a file whose `Resources` cannot take entries in place (a flow map, a serverless.json).
 * JSON CloudFormation and SAM templates are edited by add-roles-json.ts.
 */

import { isMap, isScalar, parseDocument, type Pair, type YAMLMap } from 'yaml';
import { CFN_YAML_TAGS } from '../iac/yaml-tags.js';
import { SplitError } from './errors.js';
import { InvariantError } from '../errors.js';

/** What the file already names: resource logical ids and IAM role names. */
export interface ExistingNames {
  logicalIds: Set<string>;
  /** Role names the file gives roles, lower-cased (IAM compares them without case). */
  roleNames: Set<string>;
}

/** A YAML file to add the roles to. */
export interface YamlTarget {
  file: string;
  text: string;
  /** `template` (CloudFormation/SAM: top-level `Resources`) or `serverless` (`resources.Resources`). */
  kind: 'template' | 'serverless';
}

function unsupported(file: string, why: string, hint: string): SplitError {
  return new SplitError('split-unsupported-file', `${file}: ${why}`, hint);
}

function pairOf(map: unknown, key: string): Pair | undefined {
  return isMap(map) ? (map.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair | undefined) : undefined;
}

const scalarText = (node: unknown): string | undefined => (isScalar(node) && typeof node.value === 'string' ? node.value : undefined);

/** The document, refused when it is not a YAML map (a JSON template is written in another syntax). */
function parseTarget(target: YamlTarget): YAMLMap {
  if (target.text.trimStart().startsWith('{')) {
    // JSON CloudFormation and SAM templates have their own edit (add-roles-json.ts); serverless.json does not.
    throw unsupported(target.file, 'a JSON serverless file: pr --split-by-function adds roles to serverless.yml only', 'Add the roles by hand from `policy-trim suggest --split-by-function --format serverless` (YAML), under resources.Resources.');
  }
  const doc = parseDocument(target.text, { customTags: CFN_YAML_TAGS, uniqueKeys: false });
  if (doc.errors.length > 0) throw unsupported(target.file, `not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`, 'Fix the file, then run again.');
  if (!isMap(doc.contents)) throw unsupported(target.file, 'the file is not a YAML map', 'Name the template or serverless.yml that defines the shared role in defined-in.');
  return doc.contents;
}

/** The `Resources` map of the target (undefined: a serverless file without `resources:` at all). */
function resourcesMap(target: YamlTarget, root: YAMLMap): YAMLMap | undefined {
  const holder = target.kind === 'template' ? root : pairOf(root, 'resources')?.value;
  if (target.kind === 'serverless' && holder === undefined) return undefined;
  const where = target.kind === 'template' ? 'Resources' : 'resources.Resources';
  if (!isMap(holder)) throw unsupported(target.file, `resources is not a map (a list of files?): the roles have no ${where} to join`, 'Add a `Resources:` map under `resources:` (serverless merges it into the stack), then run again.');
  const map = pairOf(holder, 'Resources')?.value;
  if (!isMap(map) || map.flow || map.items.length === 0) {
    throw unsupported(target.file, `${where} is not a block map with entries, so the roles cannot be added to it in place`, `Write ${where} as a block map (one resource per key), then run again.`);
  }
  return map;
}

/**
 * The names the file uses: its resources' logical ids, the roles SAM generates for its functions (`<Id>Role`),
 * and the role names it writes (`RoleName`; serverless `iamRoleStatementsName` and `provider.iam.role.name`).
 */
export function existingNames(target: YamlTarget, root: YAMLMap, resources: YAMLMap | undefined): ExistingNames {
  const logicalIds = new Set<string>();
  const roleNames = new Set<string>();
  for (const p of resources?.items ?? []) {
    const id = scalarText(p.key);
    if (id === undefined) continue;
    logicalIds.add(id);
    const type = scalarText(pairOf(p.value, 'Type')?.value);
    if (type === 'AWS::Serverless::Function') logicalIds.add(`${id}Role`);
    const name = scalarText(pairOf(pairOf(p.value, 'Properties')?.value, 'RoleName')?.value);
    if (name !== undefined) roleNames.add(name.toLowerCase());
  }
  if (target.kind === 'serverless') {
    const functions = pairOf(root, 'functions')?.value;
    for (const f of isMap(functions) ? functions.items : []) {
      const name = scalarText(pairOf(f.value, 'iamRoleStatementsName')?.value);
      if (name !== undefined) roleNames.add(name.toLowerCase());
    }
    const provider = scalarText(pairOf(pairOf(pairOf(pairOf(root, 'provider')?.value, 'iam')?.value, 'role')?.value, 'name')?.value);
    if (provider !== undefined) roleNames.add(provider.toLowerCase());
  }
  return { logicalIds, roleNames };
}

/** The rendered template's `Resources:` entries, as lines indented by two. */
function renderedEntries(rendered: string): string[] {
  const lines = rendered.replace(/\n$/, '').split('\n');
  const at = lines.indexOf('Resources:');
  if (at < 0 || lines.slice(at + 1).some((l) => l !== '' && !l.startsWith('  '))) throw new InvariantError('the cloudformation split renderer wrote no trailing Resources map');
  return lines.slice(at + 1);
}

/** The column of a map's first key (the indentation of its entries). */
function entryIndent(text: string, map: YAMLMap): number {
  const start = (map.items[0]!.key as { range?: [number, number, number] }).range?.[0] ?? map.range![0];
  return start - (text.lastIndexOf('\n', start - 1) + 1);
}

/** The entries re-indented to `indent` (relative indentation kept, so the YAML means the same). */
function indented(entries: readonly string[], indent: number): string {
  const pad = ' '.repeat(indent);
  return entries.map((l) => (l === '' ? '' : pad + l.slice(2))).join('\n') + '\n';
}

/** Comment lines at an indentation (names in them are escaped by the caller). */
function commentBlock(lines: readonly string[], indent: number): string {
  return lines.map((l) => `${' '.repeat(indent)}# ${l}`.trimEnd()).join('\n') + '\n';
}

/** A YAML target read: its `Resources` map (undefined: serverless without `resources:`) and the names it uses. */
export interface YamlTargetRead {
  target: YamlTarget;
  resources: YAMLMap | undefined;
  existing: ExistingNames;
}

/** Reads the target; throws `split-unsupported-file` when the roles cannot be added to it in place. */
export function readYamlTarget(target: YamlTarget): YamlTargetRead {
  const root = parseTarget(target);
  const resources = resourcesMap(target, root);
  return { target, resources, existing: existingNames(target, root, resources) };
}

/**
 * The file with the rendered roles added after the last entry of its `Resources` (see the module comment).
 * `rendered` is renderCloudFormation's output for the split; `header` the comment put above the roles.
 */
export function addRolesToYaml(read: YamlTargetRead, rendered: string, header: readonly string[]): string {
  const { target, resources } = read;
  const entries = renderedEntries(rendered);
  if (resources === undefined) {
    // serverless.yml without `resources:`: the block is appended whole, after a blank line.
    const tail = target.text.endsWith('\n') ? '' : '\n';
    return `${target.text}${tail}\n${commentBlock(header, 0)}resources:\n  Resources:\n${indented(entries, 4)}`;
  }
  const indent = entryIndent(target.text, resources);
  const end = resources.range![1];
  const head = target.text.slice(0, end);
  const glue = head.endsWith('\n') ? '' : '\n';
  return `${head}${glue}\n${commentBlock(header, indent)}${indented(entries, indent)}${target.text.slice(end)}`;
}
