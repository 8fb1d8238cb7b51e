/**
 * `--discover` for serverless.yml: the provider's statements and managed policies, and per-function
 * `iamRoleStatements` of serverless-iam-roles-per-function.
 *
 * The Serverless Framework names the provider's role `SERVICE-STAGE-REGION-lambdaRole` unless
 * `provider.iam.role.name` says otherwise, and the plugin names a function's role
 * `SERVICE-STAGE-FUNCTION-REGION-lambdaRole`; with a stage or Region set by a variable (or not at all) the name
 * is a guess, and the proposal says so.
 */
import { parseStructured } from './discover-cfn.js';
import { emptyScan, lineAt, type RepoFile, type RoleCandidate, type ScanResult } from './discover-types.js';

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A literal string (no `${…}` variable), else undefined. */
function literal(v: unknown): string | undefined {
  return typeof v === 'string' && !v.includes('${') ? v : undefined;
}

/** Whether a file is a serverless.yml by its name. */
export function isServerlessFile(path: string): boolean {
  return /(^|\/)serverless\.ya?ml$/.test(path);
}

/** Service, stage and Region as the role names use them, and what was assumed. */
function naming(doc: JsonObject): { service: string; stage: string; region: string; assumed: string[] } {
  const provider = isObject(doc.provider) ? doc.provider : {};
  const service = literal(isObject(doc.service) ? doc.service.name : doc.service);
  const stage = literal(provider.stage);
  const region = literal(provider.region);
  const assumed = [service ? '' : 'the service', stage ? '' : 'the stage (dev)', region ? '' : 'the Region (us-east-1)'].filter(Boolean);
  return { service: service ?? 'service', stage: stage ?? 'dev', region: region ?? 'us-east-1', assumed };
}

function lineOf(file: RepoFile, pattern: RegExp): number {
  const m = pattern.exec(file.text);
  return m ? lineAt(file.text, m.index) : 1;
}

/** The provider's role and site, and each function's own role and site. */
export function scanServerless(file: RepoFile): ScanResult {
  const out = emptyScan();
  const { value, error } = parseStructured(file.text);
  if (error !== undefined || !isObject(value)) {
    out.problems.push({ file: file.path, message: `not read as serverless.yml (${error ?? 'not a mapping'})` });
    return out;
  }
  const n = naming(value);
  const provider = isObject(value.provider) ? value.provider : {};
  const iam = isObject(provider.iam) ? provider.iam : {};
  const role = iam.role;
  const grants = (isObject(role) && (role.statements !== undefined || role.managedPolicies !== undefined)) || provider.iamRoleStatements !== undefined || provider.iamManagedPolicies !== undefined;
  if (grants) {
    const where = `${file.path}:${lineOf(file, /^provider\s*:/m)}`;
    const key = `serverless:${file.path}`;
    if (typeof role === 'string') {
      out.sites.push({ site: { format: 'serverless', file: file.path }, roles: [{ kind: 'unknown', reason: `provider.iam.role is ${role}: the functions use that role, and these statements are ignored` }], where, label: 'provider statements' });
    } else {
      const given = isObject(role) ? literal(role.name) : undefined;
      const guess = given ? undefined : `the Serverless Framework names it SERVICE-STAGE-REGION-lambdaRole${n.assumed.length ? `, assuming ${n.assumed.join(', ')}` : ''}`;
      out.roles.push(roleCandidate(key, given ?? `${n.service}-${n.stage}-${n.region}-lambdaRole`, guess, where));
      out.sites.push({ site: { format: 'serverless', file: file.path }, roles: [{ kind: 'key', key }], where, label: 'provider statements' });
    }
  }
  const functions = isObject(value.functions) ? value.functions : {};
  for (const [name, fn] of Object.entries(functions)) {
    if (!isObject(fn) || fn.iamRoleStatements === undefined) continue;
    const where = `${file.path}:${lineOf(file, new RegExp(`^\\s+${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:`, 'm'))}`;
    const key = `serverless:${file.path}#${name}`;
    const given = literal(fn.iamRoleStatementsName);
    const guess = given ? undefined : `serverless-iam-roles-per-function names it SERVICE-STAGE-FUNCTION-REGION-lambdaRole${n.assumed.length ? `, assuming ${n.assumed.join(', ')}` : ''}`;
    out.roles.push(roleCandidate(key, given ?? `${n.service}-${n.stage}-${name}-${n.region}-lambdaRole`.slice(0, 64), guess, where));
    out.sites.push({ site: { format: 'serverless', file: file.path, function: name }, roles: [{ kind: 'key', key }], where, label: `function ${name}` });
  }
  return out;
}

function roleCandidate(key: string, name: string, guess: string | undefined, where: string): RoleCandidate {
  return { key, name, ...(guess ? { guess } : {}), where };
}
