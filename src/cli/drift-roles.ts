/**
 * Each role of a drift run, analysed from the one read of the activity: its policies, its usage in the ledger,
 * its verified suggestion, and the drift read off it (core/drift/role.ts). A role that cannot be analysed (its
 * policies unreadable, its account unknown) is reported with its error; the others go on.
 */
import type { LoadedConfig } from '../adapters/fs/config-file.js';
import { roleDrift, zeroLevels } from '../core/drift/role.js';
import type { RoleDrift, SourceLocation } from '../core/drift/types.js';
import { PolicyTrimError } from '../core/errors.js';
import { editorFor } from '../core/iac/editors.js';
import { roleRefFrom } from '../core/pr/branch.js';
import type { GrantSite } from '../core/iac/types.js';
import { forTerminal } from '../core/render/escape.js';
import { suggest } from '../core/trim/suggest.js';
import { InternalError } from '../core/trim/errors.js';
import type { PrincipalUsage } from '../core/usage/types.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readFleetPolicies, roleArnFromTrail, type FleetRole } from './drift-fleet.js';
import type { CliIo } from './io.js';
import { emptyUsage, trimOptionsFrom, type ObservedRun, type TrimContext } from './suggest-wiring.js';

/** A role's drift without its rank, and the actions it used (for "newly used"). */
export interface AnalysedRole {
  drift: Omit<RoleDrift, 'risk'>;
  used: Set<string>;
  /** Set when the suggestion failed its own proof: a bug, reported and counted. */
  internalError?: boolean;
}

/** Analyses every role of the fleet, in order; progress on a terminal only. */
export async function analyseFleet(args: Record<string, unknown>, io: CliIo, ctx: TrimContext, run: ObservedRun, roles: readonly FleetRole[], config: LoadedConfig | undefined): Promise<AnalysedRole[]> {
  const out: AnalysedRole[] = [];
  const principals = run.tally.ledger.principals();
  for (const [i, role] of roles.entries()) {
    if (io.interactive && !args.quiet) io.stderr(`\r\u001b[2Kanalysing role ${i + 1} of ${roles.length}: ${forTerminal(role.name)}`);
    out.push(await analyseRole(args, io, ctx, run, role, principals, config));
  }
  if (io.interactive && !args.quiet && roles.length > 0) io.stderr('\r\u001b[2K');
  return out;
}

/** One role; its failure becomes the role's error, never the run's. */
async function analyseRole(args: Record<string, unknown>, io: CliIo, ctx: TrimContext, run: ObservedRun, role: FleetRole, principals: string[], config: LoadedConfig | undefined): Promise<AnalysedRole> {
  const location = await roleLocation(role, config);
  try {
    const policies = await readFleetPolicies(args, io, role, config?.config.accounts ?? []);
    const roleArn = policies.roleArn ?? roleArnFromTrail(role, principals);
    const account = roleArn ? roleRefFrom(roleArn).account : undefined;
    if (!roleArn || !account) {
      return failed(role, location, 'drift-role-account-unknown', `the account of role ${role.name} is unknown: it made no call in the window and was named without its ARN`, false);
    }
    const ledger = run.tally.ledger;
    const usage: PrincipalUsage = principals.includes(roleArn) ? ledger.usageOf(roleArn, {}) : emptyUsage(roleArn);
    const result = suggest({
      documents: policies.documents,
      usage,
      catalog: ctx.catalog,
      knowledge: ctx.knowledge,
      recording: run.recording,
      options: trimOptionsFrom(args, ctx, `${role.name}-trimmed`),
    });
    const drift = roleDrift({
      account,
      roleName: role.name,
      roleArn,
      // Without the file or Lambda to say, the functions are the sessions the Lambda runtime made calls in.
      functions: role.functions ?? usage.sessions.filter((s) => ledger.recordsOf(roleArn, s) > ledger.notFromLambdaOf(roleArn, s)),
      documents: policies.documents,
      result,
      usage,
      windowEnd: ctx.window.until ?? io.now(),
      levelOf: (action) => ctx.catalog.action(action)?.accessLevel,
      ...(location ? { location } : {}),
    });
    return { drift, used: new Set(usage.used.map((u) => u.action)) };
  } catch (e) {
    if (e instanceof InternalError) {
      io.stderr(`policy-trim: internal error: role ${forTerminal(role.name)}: ${forTerminal(e.message)} — this is a bug: please report it (suggest --role ${forTerminal(role.ref)} --report FILE saves the inputs)\n`);
      return failed(role, location, 'internal-error', e.message, true);
    }
    if (e instanceof PolicyTrimError) return failed(role, location, e.code, e.message + (e.hint ? ` (${e.hint})` : ''), false);
    throw e;
  }
}

/** A role reported with its error and nothing else. */
function failed(role: FleetRole, location: RoleDrift['location'] | undefined, code: string, message: string, internal: boolean): AnalysedRole {
  const drift: Omit<RoleDrift, 'risk'> = {
    account: role.arn ? (roleRefFrom(role.arn).account ?? '') : '',
    roleName: role.name,
    roleArn: role.arn ?? role.ref,
    functions: [...(role.functions ?? [])].sort(),
    shared: (role.functions?.length ?? 0) > 1,
    policies: [],
    granted: 0,
    used: 0,
    unused: 0,
    unusedByLevel: zeroLevels(),
    unusedOnStar: 0,
    unobservable: 0,
    narrowable: 0,
    denied: 0,
    records: 0,
    findings: [],
    ...(location ? { location } : {}),
    error: { code, message },
  };
  return { drift, used: new Set(), ...(internal ? { internalError: true } : {}) };
}

/**
 * Where the role is written: its line in `.policy-trim.yml`, and the first `defined-in` site's position in its
 * file (where the policy text starts), for SARIF results. A site that cannot be read gives no position.
 */
async function roleLocation(role: FleetRole, config: LoadedConfig | undefined): Promise<RoleDrift['location'] | undefined> {
  if (!config || role.configIndex === undefined) return undefined;
  const at = config.locate(['roles', role.configIndex]);
  const configFile = relativeToRoot(config.path, config.root);
  const location: NonNullable<RoleDrift['location']> = at ? { config: { file: configFile, line: at.line, column: at.column } } : {};
  const site = config.config.roles[role.configIndex]?.definedIn[0];
  if (site) {
    const definedIn = await sitePosition(config.root, site);
    if (definedIn) location.definedIn = definedIn;
  }
  return location.config || location.definedIn ? location : undefined;
}

/** The site's position in its file, read with the format's editor; undefined when it cannot be read. */
async function sitePosition(root: string, site: GrantSite): Promise<SourceLocation | undefined> {
  try {
    const text = await readFile(join(root, ...site.file.split('/')), 'utf8');
    const grants = editorFor(site.format).read(text, site);
    return { file: site.file, line: grants.position.line, column: grants.position.column };
  } catch {
    return { file: site.file, line: 1 };
  }
}

/** `path` relative to `root`, with forward slashes (SARIF and GitHub read them so). */
export function relativeToRoot(path: string, root: string): string {
  const rel = path.startsWith(root) ? path.slice(root.length).replace(/^[\\/]+/, '') : path;
  return rel.split(/[\\/]/).join('/');
}
