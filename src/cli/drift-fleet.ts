/**
 * The roles a drift report is about, and each role's policies: from `--roles`, else the roles of
 * `.policy-trim.yml`, else (offline) the folders of `--policy DIR`, else every Lambda function's execution role
 * in the Regions asked for. Functions sharing a role come from the file, else from Lambda, else from the role's
 * sessions in the trail (Lambda names a function's session after it).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readPolicyFiles } from '../adapters/fs/policy-files.js';
import type { AccountConfig, RoleConfig } from '../core/config/types.js';
import type { PolicyDocument } from '../core/policy/types.js';
import { roleRefFrom, sameRoleRef } from '../core/pr/branch.js';
import type { FunctionInfo } from '../core/ports/function-directory.js';
import { forTerminal } from '../core/render/escape.js';
import { CliError, usageError } from './errors.js';
import type { CliIo } from './io.js';
import { accountClients, awsClients, loadAws, loadRolePolicies } from './aws-wiring.js';
import { listOption, matchRole } from './options.js';

/** One role of the fleet, as far as it is known before the activity is read. */
export interface FleetRole {
  /** As given: a name or an ARN. */
  ref: string;
  name: string;
  /** Known when given as an ARN or found by Lambda; else from the trail or IAM. */
  arn?: string;
  /** The functions the file or Lambda names; undefined when neither does (the trail's sessions are used). */
  functions?: string[];
  /** The role's index in `.policy-trim.yml`, when it is listed there. */
  configIndex?: number;
}

/** Where the roles came from, for the summary. */
export type FleetOrigin = '--roles' | 'config' | '--policy' | 'lambda';

/** The fleet and where it came from. */
export interface Fleet {
  roles: FleetRole[];
  origin: FleetOrigin;
}

/** The role's functions as the file lists them. */
function configFunctions(r: RoleConfig): string[] | undefined {
  return r.functions?.map((f) => f.name);
}

/** The fleet of this run (usage errors before any log is read). */
export async function resolveFleet(args: Record<string, unknown>, io: CliIo, configRoles: readonly RoleConfig[], accounts: readonly AccountConfig[]): Promise<Fleet> {
  const fromFlag = listOption(args.roles);
  const policyDir = args.policy as string | undefined;
  const inConfig = (ref: string): number => configRoles.findIndex((r) => sameRoleRef(r.role, ref));
  const fromConfig = (ref: string): FleetRole => {
    const i = inConfig(ref);
    const functions = i >= 0 ? configFunctions(configRoles[i]!) : undefined;
    return { ...roleOf(ref), ...(functions ? { functions } : {}), ...(i >= 0 ? { configIndex: i } : {}) };
  };
  if (fromFlag.length > 0) return withLambdaFunctions(args, io, { roles: dedupeRoles(fromFlag.map(fromConfig)), origin: '--roles' }, accounts);
  if (configRoles.length > 0) return withLambdaFunctions(args, io, { roles: configRoles.map((r) => fromConfig(r.role)), origin: 'config' }, accounts);
  if (policyDir) return { roles: (await roleFolders(policyDir)).map(fromConfig), origin: '--policy' };
  const functions = await listFunctions(args, io, accounts);
  return { roles: rolesOfFunctions(functions), origin: 'lambda' };
}

/** A role as given: its name, and its ARN when given as one. */
function roleOf(ref: string): FleetRole {
  const parsed = roleRefFrom(ref);
  return { ref, name: parsed.name, ...(ref.startsWith('arn:') ? { arn: ref } : {}) };
}

/** A role named twice (name and ARN, say) is one role. */
function dedupeRoles(roles: FleetRole[]): FleetRole[] {
  const out: FleetRole[] = [];
  for (const r of roles) if (!out.some((o) => sameRoleRef(o.ref, r.ref))) out.push(r);
  return out;
}


/** Offline: one folder per role under `--policy DIR`, named after the role. */
async function roleFolders(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw usageError(`--policy ${dir}: cannot read the folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'Point --policy at a folder holding one folder per role, named after the role.');
  }
  const roles = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  if (roles.length === 0) throw usageError(`--policy ${dir}: no role folders in it`, 'drift reads one folder per role (DIR/ROLE-NAME/*.json), or name the roles with --roles.');
  return roles;
}

/**
 * Every Lambda function of the Regions asked for (`--regions`, else the client's Region): in each account of
 * `accounts:` through its assumed role, else in the caller's account.
 */
async function listFunctions(args: Record<string, unknown>, io: CliIo, accounts: readonly AccountConfig[]): Promise<FunctionInfo[]> {
  const aws = await loadAws();
  const regions = args.regions as string[] | undefined;
  if (accounts.length === 0) return aws.awsFunctionDirectory(await awsClients(args, io), regions).listFunctions();
  const out: FunctionInfo[] = [];
  for (const a of accounts) out.push(...(await aws.awsFunctionDirectory(await accountClients(args, io, a.id, accounts), regions).listFunctions()));
  return out;
}

/** The execution roles of `functions`, each with the functions it serves (sorted). */
export function rolesOfFunctions(functions: readonly FunctionInfo[]): FleetRole[] {
  const byRole = new Map<string, Set<string>>();
  for (const f of functions) byRole.set(f.roleArn, (byRole.get(f.roleArn) ?? new Set()).add(f.name));
  return [...byRole]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([arn, names]) => ({ ref: arn, name: roleRefFrom(arn).name, arn, functions: [...names].sort() }));
}

/**
 * Live, for roles named by the flag or the file without their functions: Lambda says which functions use
 * each, so a shared role is reported as shared. Offline, or when Lambda cannot be read, the trail's sessions
 * stand in (said on stderr).
 */
async function withLambdaFunctions(args: Record<string, unknown>, io: CliIo, fleet: Fleet, accounts: readonly AccountConfig[]): Promise<Fleet> {
  if (args.policy || fleet.roles.every((r) => r.functions !== undefined)) return fleet;
  let functions: FunctionInfo[];
  try {
    functions = await listFunctions(args, io, accounts);
  } catch (e) {
    io.stderr(`warning: could not list Lambda functions (${forTerminal((e as Error).message)}): the functions of each role are taken from its sessions in the trail.\n`);
    return fleet;
  }
  const known = rolesOfFunctions(functions);
  return {
    ...fleet,
    roles: fleet.roles.map((r) => {
      if (r.functions) return r;
      const found = known.filter((k) => sameRoleRef(k.arn!, r.arn ?? r.ref));
      return found.length === 1 ? { ...r, arn: r.arn ?? found[0]!.arn, functions: found[0]!.functions } : r;
    }),
  };
}

/** The role's ARN: as given, else the one principal of that name in the trail; undefined when neither says. */
export function roleArnFromTrail(role: FleetRole, principals: string[]): string | undefined {
  if (role.arn) return role.arn;
  const matches = matchRole(principals, role.name);
  if (matches.length > 1) throw new CliError('drift-role-ambiguous', `the role name ${role.name} matches several roles in the trail: ${matches.join(', ')}`, 'Name the role by its ARN (in --roles or .policy-trim.yml).');
  return matches[0];
}

/** A document's name (`path` or `path#PolicyName`) relative to `folder`, with forward slashes. */
function relativeName(name: string, folder: string): string {
  return (name.startsWith(folder) ? name.slice(folder.length).replace(/^[\\/]+/, '') : name).split(/[\\/]/).join('/');
}

/** A role's policies and its ARN as IAM or the files say. */
export interface RolePolicySet {
  documents: PolicyDocument[];
  roleArn?: string;
}

/**
 * The role's policies: offline from `--policy DIR/ROLE-NAME/` (files of AWS-managed policies in its
 * `aws-managed/` folder, named after the policy), else from IAM. Failures are the caller's to report per role.
 */
export async function readFleetPolicies(args: Record<string, unknown>, io: CliIo, role: FleetRole, accounts: readonly AccountConfig[]): Promise<RolePolicySet> {
  const dir = args.policy as string | undefined;
  if (!dir) {
    const account = role.arn ? roleRefFrom(role.arn).account : undefined;
    // One note per AWS-managed policy of 200 roles would bury the summary: the report lists them per role.
    return loadRolePolicies(args, io, role.arn ?? role.ref, undefined, { through: await accountClients(args, io, account, accounts), notes: false });
  }
  const folder = join(dir, role.name);
  const managedDir = join(folder, 'aws-managed');
  const hasManaged = await stat(managedDir).then((s) => s.isDirectory(), () => false);
  const own = await readPolicyFiles([folder]);
  // Named relative to the role's folder: a report names the same policy the same way wherever it runs.
  const documents = own.documents.filter((d) => !(hasManaged && d.name.startsWith(managedDir))).map((d) => ({ ...d, name: relativeName(d.name, folder) }));
  const problems = own.problems;
  if (hasManaged) {
    const managed = await readPolicyFiles([managedDir]);
    problems.push(...managed.problems);
    for (const d of managed.documents) {
      const file = d.name.slice(managedDir.length + 1);
      documents.push({ ...d, kind: 'aws-managed', name: `arn:aws:iam::aws:policy/${file.replace(/\.(json|ya?ml)$/i, '')}` });
    }
  }
  if (problems.length > 0) throw new CliError('policy-file-invalid', problems.map((p) => p.message).join('; '), 'Fix or remove the files named: no drift is reported from a partial set of policies.');
  if (documents.length === 0) throw new CliError('no-policies', `no policy documents in ${folder}`, 'Put the role\'s policy documents in its folder.');
  return { documents, ...(role.arn ? { roleArn: role.arn } : {}) };
}
