/**
 * `policy-trim pr`'s configuration: `.policy-trim.yml` found from `--dir`/`--config`, merged with the flags and
 * the environment (a flag beats the file, the file beats the environment: core/config/precedence.ts), the roles
 * the run is about, and each role's branch.
 */
import { resolve, isAbsolute, join } from 'node:path';
import { CONFIG_FILE_NAME, findRepositoryRoot, loadConfig, type LoadedConfig } from '../adapters/fs/config-file.js';
import { isSet, resolveSettings } from '../core/config/precedence.js';
import type { RoleConfig } from '../core/config/types.js';
import { BRANCH_PREFIX, branchNamesForRoles, roleRefFrom, sameRoleRef } from '../core/pr/branch.js';
import { terminalLines } from '../core/render/escape.js';
import { formatConfigProblem } from '../core/config/errors.js';
import { CliError, usageError } from './errors.js';
import type { CliIo } from './io.js';
import type { RoleSelection } from './pr-options.js';

/** The repository a run works in and its configuration. */
export interface PrRepository {
  /** The repository root: `.policy-trim.yml`'s folder's repository, or the one `--dir` is in. */
  root: string;
  config: LoadedConfig;
}

/** The folder the run starts from: `--dir`, else the process's working directory. */
export function startDir(args: Record<string, unknown>): string {
  return resolve(process.cwd(), (args.dir as string | undefined) ?? '.');
}

/** Loads the configuration (required: it says where each role is defined); warnings go to stderr. */
export async function loadPrConfig(args: Record<string, unknown>, io: CliIo): Promise<PrRepository> {
  const cwd = startDir(args);
  const config = await loadConfig({ cwd, now: io.now(), ...(args.config !== undefined ? { config: String(args.config) } : {}) });
  if (!config) {
    const root = (await findRepositoryRoot(cwd)) ?? cwd;
    throw new CliError('config-not-found', `no ${CONFIG_FILE_NAME} at the repository root (${root}): pr needs it to know where each role is defined`, `Run \`policy-trim pr --discover\` for a proposed one, check it, and commit it as ${CONFIG_FILE_NAME}; or name a file with --config FILE.`);
  }
  io.stderr(terminalLines(config.warnings.map((w) => `policy-trim: warning: ${formatConfigProblem(w)}`)));
  return { root: config.root, config };
}

/**
 * The command's arguments with the file's settings under the flags' names (activity source, trail selectors,
 * window, profile, Region), each only where no flag sets it. Paths in the file are relative to the root.
 */
export function mergedArgs(args: Record<string, unknown>, repo: PrRepository, io: CliIo): Record<string, unknown> {
  const settings = resolveSettings({ flags: args, config: repo.config, env: io.env, resolvePath: (p) => (isAbsolute(p) ? p : join(repo.root, p)) });
  const out: Record<string, unknown> = { ...args };
  for (const [option, value] of Object.entries(settings.values)) {
    if (option === 'regions') continue; // pr reads one Region (--region): the first the file names
    if (!isSet(args[option])) out[option] = option === 'days' ? String(value) : value;
  }
  const regions = settings.values.regions as string[] | undefined;
  if (!isSet(args.region) && regions?.length && settings.origins.regions?.from.layer === 'config') out.region = regions[0];
  return out;
}

/** The configuration's roles the run is about, in the file's order; a `--role` the file does not list is an error. */
export function selectedRoles(selection: Exclude<RoleSelection, { kind: 'discover' }>, repo: PrRepository): RoleConfig[] {
  const all = repo.config.config.roles;
  if (selection.kind === 'all') {
    if (all.length === 0) throw new CliError('pr-no-roles', `${repo.config.file} lists no roles`, 'Add the roles and where each is defined (`policy-trim pr --discover` proposes them).');
    return all;
  }
  return selection.roles.map((wanted) => {
    const found = all.filter((r) => sameRoleRef(r.role, wanted));
    if (found.length === 1) return found[0]!;
    const listed = all.map((r) => r.role).join(', ') || 'none';
    if (found.length === 0) throw usageError(`--role ${wanted}: not a role of ${repo.config.file} (it lists ${listed})`, 'Name a role as the file writes it, or add it with the places that define it.');
    throw usageError(`--role ${wanted}: several roles of ${repo.config.file} have that name (${found.map((r) => r.role).join(', ')})`, 'Give the role\'s ARN.');
  });
}


/**
 * The branch of each selected role: `policy-trim/<role>`, with the account when the file has two roles of one
 * name (the branch of a role depends on every role of the file, so a branch never changes with `--role`).
 * `pr.branch-prefix` replaces `policy-trim/` when it stays inside it: the git adapter writes nothing else.
 */
export function branchesFor(roles: readonly RoleConfig[], repo: PrRepository): Map<RoleConfig, string> {
  const all = repo.config.config.roles;
  const names = branchNamesForRoles(all.map((r) => roleRefFrom(r.role)));
  const prefix = repo.config.config.pr.branchPrefix;
  if (prefix !== undefined && !(prefix.startsWith(BRANCH_PREFIX) && prefix.endsWith('/'))) {
    throw new CliError('pr-branch-prefix', `${repo.config.file}: pr.branch-prefix ${JSON.stringify(prefix)} must start with ${BRANCH_PREFIX} and end with /`, `policy-trim only ever writes branches under ${BRANCH_PREFIX} (never anyone else's); use e.g. ${BRANCH_PREFIX}iam/.`);
  }
  const out = new Map<RoleConfig, string>();
  for (const role of roles) {
    const name = names[all.indexOf(role)]!;
    out.set(role, prefix === undefined ? name : prefix + name.slice(BRANCH_PREFIX.length));
  }
  return out;
}
