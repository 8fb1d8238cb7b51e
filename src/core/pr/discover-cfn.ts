/**
 * `--discover` for CloudFormation and SAM templates (YAML or JSON): `AWS::IAM::Role` (its `Policies` and
 * `ManagedPolicyArns`), `AWS::IAM::Policy` / `ManagedPolicy` attached through `Roles`, and
 * `AWS::Serverless::Function` `Policies`. A role CloudFormation names itself (no `RoleName`; every SAM function's
 * role) is proposed under a placeholder name with a comment: its real name is only known once deployed.
 */
import { parseDocument, type CollectionTag, type ScalarTag } from 'yaml';
import { CFN_SHORT_TAGS, longFormName } from '../iac/yaml-tags.js';
import { emptyScan, lineAt, type RepoFile, type RoleLink, type ScanResult } from './discover-types.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

/** Short-form tags read as their long form (`!Ref X` → `{Ref: X}`): a scan only needs the plain value. */
const TAGS: Array<ScalarTag | CollectionTag> = CFN_SHORT_TAGS.flatMap((name) => {
  const tag = `!${name}`;
  const wrap = (value: unknown) => ({ [longFormName(tag)]: value });
  return [
    { tag, identify: () => false, resolve: (v: string) => wrap(v) } as ScalarTag,
    { tag, collection: 'seq', identify: () => false, resolve: (v) => wrap(v.toJSON()) } as CollectionTag,
    { tag, collection: 'map', identify: () => false, resolve: (v) => wrap(v.toJSON()) } as CollectionTag,
  ];
});

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The file as plain data, or undefined when it does not parse (YAML is a superset of JSON). */
export function parseStructured(text: string): { value: unknown; error?: string } {
  const doc = parseDocument(text, { customTags: TAGS, uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length) return { value: undefined, error: doc.errors[0]!.message.split('\n')[0] };
  return { value: doc.toJS({ maxAliasCount: 100 }) };
}

/** Whether a parsed file is a CloudFormation or SAM template: `Resources` with `AWS::` types. */
export function isTemplate(value: unknown): value is JsonObject & { Resources: JsonObject } {
  if (!isObject(value) || !isObject(value.Resources)) return false;
  return Object.values(value.Resources).some((r) => isObject(r) && typeof r.Type === 'string' && r.Type.startsWith('AWS::'));
}

/** The line where a resource's logical id is written (the first occurrence; 1 when not found). */
function lineOf(file: RepoFile, logicalId: string): number {
  const m = new RegExp(`(^|[\\s"'{,])${logicalId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*:`, 'm').exec(file.text);
  return m ? lineAt(file.text, m.index + m[1]!.length) : 1;
}

/** A role reference in `Roles:` or `Role:`: `!Ref R` to a role of the template, or a literal name/ARN. */
function roleLinkOf(file: RepoFile, value: Json | undefined, roles: ReadonlySet<string>): RoleLink {
  if (typeof value === 'string') return value.includes('${') ? { kind: 'unknown', reason: `its role is ${value}` } : { kind: 'name', name: value };
  if (isObject(value)) {
    const ref = typeof value.Ref === 'string' ? value.Ref : undefined;
    const att = value['Fn::GetAtt'];
    const target = ref ?? (typeof att === 'string' ? att.split('.')[0] : Array.isArray(att) && typeof att[0] === 'string' ? att[0] : undefined);
    if (target && roles.has(target)) return { kind: 'key', key: cfnKey(file.path, target) };
    return { kind: 'unknown', reason: `its role is ${JSON.stringify(value)}` };
  }
  return { kind: 'unknown', reason: 'it names no role' };
}

function cfnKey(file: string, logicalId: string): string {
  return `cloudformation:${file}#${logicalId}`;
}

/** Roles and grant sites of one template. */
export function scanTemplate(file: RepoFile, template: { Resources: JsonObject }): ScanResult {
  const out = emptyScan();
  const resources = Object.entries(template.Resources).filter((e): e is [string, JsonObject] => isObject(e[1]));
  const roles = new Set(resources.filter(([, r]) => r.Type === 'AWS::IAM::Role').map(([id]) => id));
  const attached = attachedPolicies(file, resources);
  const at = (id: string) => `${file.path}:${lineOf(file, id)}`;
  for (const [id, r] of resources) {
    const p = propsOf(r);
    if (r.Type === 'AWS::IAM::Role') {
      const name = typeof p.RoleName === 'string' && !p.RoleName.includes('${') ? p.RoleName : undefined;
      const guess = name ? undefined : p.RoleName === undefined ? 'it has no RoleName, so CloudFormation generates one (STACK-' + id + '-XXXX)' : `its RoleName is ${JSON.stringify(p.RoleName)}`;
      out.roles.push({ key: cfnKey(file.path, id), name: name ?? id, ...(guess ? { guess } : {}), where: at(id) });
      if (p.Policies !== undefined || p.ManagedPolicyArns !== undefined) {
        out.sites.push({ site: { format: 'cloudformation', file: file.path, resource: id }, roles: [{ kind: 'key', key: cfnKey(file.path, id) }], where: at(id), label: `AWS::IAM::Role ${id}` });
      }
    } else if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') {
      const links = [...(Array.isArray(p.Roles) ? p.Roles.map((v) => roleLinkOf(file, v, roles)) : []), ...(attached.get(id) ?? [])];
      out.sites.push({ site: { format: 'cloudformation', file: file.path, resource: id }, roles: links, where: at(id), label: `${r.Type} ${id}` });
    } else if (r.Type === 'AWS::Serverless::Function') {
      scanFunction(file, id, p, out, at(id));
    }
  }
  return out;
}

function propsOf(r: JsonObject): JsonObject {
  return isObject(r.Properties) ? r.Properties : {};
}

/** `!Ref P` of a managed policy of the template in a role's ManagedPolicyArns or a SAM function's Policies: P → roles. */
function attachedPolicies(file: RepoFile, resources: ReadonlyArray<[string, JsonObject]>): Map<string, RoleLink[]> {
  const managed = new Set(resources.filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy').map(([id]) => id));
  const out = new Map<string, RoleLink[]>();
  const add = (list: Json | undefined, key: string) => {
    for (const v of Array.isArray(list) ? list : []) {
      const ref = isObject(v) && typeof v.Ref === 'string' ? v.Ref : undefined;
      if (ref && managed.has(ref)) out.set(ref, [...(out.get(ref) ?? []), { kind: 'key', key }]);
    }
  };
  for (const [id, r] of resources) {
    const p = propsOf(r);
    if (r.Type === 'AWS::IAM::Role') add(p.ManagedPolicyArns, cfnKey(file.path, id));
    if (r.Type === 'AWS::Serverless::Function' && p.Role === undefined) add(p.Policies, cfnKey(file.path, `${id}Role`));
  }
  return out;
}

/** A SAM function: with `Role`, it uses that role and SAM ignores its `Policies`; else SAM makes it a role. */
function scanFunction(file: RepoFile, id: string, p: JsonObject, out: ScanResult, where: string): void {
  if (p.Policies === undefined) return;
  const label = `AWS::Serverless::Function ${id}`;
  const site = { format: 'sam' as const, file: file.path, function: id };
  if (p.Role !== undefined) {
    out.sites.push({ site, roles: [{ kind: 'unknown', reason: `it sets Role (${JSON.stringify(p.Role)}), so SAM ignores its Policies` }], where, label });
    return;
  }
  const key = cfnKey(file.path, `${id}Role`);
  const fn = typeof p.FunctionName === 'string' && !p.FunctionName.includes('${') ? p.FunctionName : id;
  out.roles.push({ key, name: `${fn}-role`, guess: `SAM generates the role of function ${id} (STACK-${id}Role-XXXX)`, where });
  out.sites.push({ site, roles: [{ kind: 'key', key }], where, label });
}
