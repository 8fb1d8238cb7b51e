/**
 * `--discover` for JSON files: policy documents (an object with `Statement`), the whole file or nested up to
 * three levels (`/InlinePolicies/orders-api-role`), and role descriptions (`aws iam create-role` input with
 * `RoleName`): a document inside a role description grants to that role, and its `ManagedPolicyArns` name the
 * policy files it attaches. A document whose every statement names a `Principal` is a trust or resource
 * policy and grants the role nothing.
 */
import { emptyScan, lineAt, type RepoFile, type RoleLink, type ScanResult } from './discover-types.js';

type JsonObject = Record<string, unknown>;

/** How deep documents are looked for inside a file. */
const MAX_DEPTH = 3;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `/` and `~` escaped for one JSON pointer token (RFC 6901). */
function pointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** An identity policy: `Statement` present, and not every statement names a principal. */
export function isGrantDocument(v: unknown): boolean {
  if (!isObject(v)) return false;
  const statements = Array.isArray(v.Statement) ? v.Statement : isObject(v.Statement) ? [v.Statement] : undefined;
  if (!statements) return false;
  return statements.length === 0 || !statements.every((s) => isObject(s) && ('Principal' in s || 'NotPrincipal' in s));
}

/** Pointers to the grant documents in `value` (`''` for the value itself). */
function documentPointers(value: unknown, depth = 0): string[] {
  if (isGrantDocument(value)) return [''];
  if (!isObject(value) || depth >= MAX_DEPTH || 'Statement' in value) return [];
  return Object.entries(value).flatMap(([k, v]) => documentPointers(v, depth + 1).map((p) => `/${pointerToken(k)}${p}`));
}

function lineOfKey(file: RepoFile, pointer: string): number {
  const last = pointer.split('/').at(-1)!.replace(/~1/g, '/').replace(/~0/g, '~');
  const at = file.text.indexOf(JSON.stringify(last));
  return at < 0 ? 1 : lineAt(file.text, at);
}

/** The role a JSON role description declares, and the policies it attaches by name. */
function roleDescription(file: RepoFile, value: JsonObject, out: ScanResult): RoleLink[] {
  if (typeof value.RoleName !== 'string' || value.RoleName === '') return [];
  const key = `json:${file.path}`;
  out.roles.push({ key, name: value.RoleName, where: `${file.path}:${lineOfKey(file, '/RoleName')}` });
  const role: RoleLink = { kind: 'key', key };
  for (const arn of Array.isArray(value.ManagedPolicyArns) ? value.ManagedPolicyArns : []) {
    if (typeof arn === 'string' && arn.includes(':policy/')) out.attachments.push({ policyName: arn.slice(arn.lastIndexOf('/') + 1), role });
  }
  return [role];
}

/** The policy documents and role description of one JSON file; not JSON is no policy file (no problem). */
export function scanJsonFile(file: RepoFile): ScanResult {
  const out = emptyScan();
  let value: unknown;
  try {
    value = JSON.parse(file.text.replace(/^\uFEFF/, ''));
  } catch {
    return out; // tsconfig.json with comments and the like: not ours
  }
  const roles = isObject(value) ? roleDescription(file, value, out) : [];
  for (const pointer of documentPointers(value)) {
    const site = pointer === '' ? { format: 'json' as const, file: file.path } : { format: 'json' as const, file: file.path, pointer };
    out.sites.push({ site, roles, where: `${file.path}:${pointer === '' ? 1 : lineOfKey(file, pointer)}`, label: pointer === '' ? 'policy document' : `policy document at ${pointer}` });
  }
  return out;
}
