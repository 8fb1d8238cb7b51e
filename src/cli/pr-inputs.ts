/**
 * What the edit planner is given besides the suggestion: the text of every `defined-in` file of a role (read
 * from the work tree, relative to the repository root), the values references resolve to (`--tf-state`,
 * `--parameters`, `--stack`), and the documents of the managed policies the role has attached (IAM, or
 * `--managed-policy ARN=FILE` offline).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readPolicyFiles } from '../adapters/fs/policy-files.js';
import { readParameterFile, readTerraformState } from '../adapters/fs/iac-inputs.js';
import type { RoleConfig } from '../core/config/types.js';
import type { PlanInput, SiteText } from '../core/iac/plan-types.js';
import { localReferenceValues, withLocalValues } from '../core/iac/local-values.js';
import { mergeReferenceValues, type ReferenceSource } from '../core/iac/resolve.js';
import type { RecordingFacts } from '../core/pr/body.js';
import { parseRoleDocument } from '../core/policy/parse.js';
import type { PolicyDocument } from '../core/policy/types.js';
import { forTerminal } from '../core/render/escape.js';
import { awsClients, liveRolePolicies, loadAws } from './aws-wiring.js';
import { CliError } from './errors.js';
import type { CliIo } from './io.js';
import type { PrRepository } from './pr-config.js';
import { managedPolicyFiles } from './pr-options.js';

/**
 * The text of each site's file, in the configuration's order. A file that does not exist (or is not inside the
 * repository) is an error naming the file and the configuration line: nothing is planned from a partial grant.
 */
export async function readSiteTexts(role: RoleConfig, repo: PrRepository): Promise<SiteText[]> {
  const index = repo.config.config.roles.indexOf(role);
  if (role.definedIn.length === 0) {
    const at = repo.config.locate(['roles', index]);
    throw new CliError('pr-no-sites', `${repo.config.file}${at ? `:${at.line}:${at.column}` : ''}: role ${role.role} has no defined-in: pr does not know which files grant it something`, 'List the places that define it under defined-in (`policy-trim pr --discover` proposes them).');
  }
  const texts = new Map<string, string>();
  const out: SiteText[] = [];
  for (const [i, site] of role.definedIn.entries()) {
    let text = texts.get(site.file);
    if (text === undefined) {
      text = await readSiteFile(repo, site.file, () => repo.config.locate(['roles', index, 'defined-in', i]));
      texts.set(site.file, text);
    }
    out.push({ site, text });
  }
  return out;
}

async function readSiteFile(repo: PrRepository, file: string, locate: () => { line: number; column: number } | undefined): Promise<string> {
  try {
    return await readFile(join(repo.root, ...file.split('/')), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const at = locate();
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${code ?? (e as Error).message})`;
    throw new CliError(
      'pr-site-missing',
      `${file} (named at ${repo.config.file}${at ? `:${at.line}:${at.column}` : ''}) ${why} in ${repo.root}; nothing was written`,
      'Fix the path in defined-in (relative to the repository root, with /), or restore the file.',
    );
  }
}

/** The reference values of every `--tf-state`, `--parameters` and `--stack`, in that order of trust; conflicts warned. */
export async function referenceValues(args: Record<string, unknown>, io: CliIo, knownArns: string[]): Promise<PlanInput['values']> {
  const list = (k: string) => ((args[k] as string[] | undefined) ?? []).map(String);
  const sources: ReferenceSource[] = [];
  for (const file of list('tf-state')) sources.push(await readTerraformState(file));
  for (const file of list('parameters')) sources.push(await readParameterFile(file));
  if (list('stack').length) {
    const aws = await loadAws();
    // The run's shared clients: the same Region, endpoint, timeouts, retries and wait notice as every other AWS
    // call, closed with them by closeAwsClients when the command ends.
    const clients = await awsClients(args, io);
    for (const stack of list('stack')) sources.push(await aws.readStackReferences(clients.cloudformation(), stack, { profile: clients.config.profile, knownArns }));
  }
  const merged = mergeReferenceValues(...sources);
  for (const w of merged.warnings) io.stderr(`warning: ${forTerminal(w.message)}\n`);
  return merged.values;
}

/** The text of each --parameters file (a samconfig names the Region the stack deploys to). */
export async function parameterTexts(args: Record<string, unknown>): Promise<{ file: string; text: string }[]> {
  const files = ((args.parameters as string[] | undefined) ?? []).map(String);
  return Promise.all(files.map(async (file) => ({ file, text: await readFile(file, 'utf8') })));
}

/**
 * The values one role's plan resolves references with: the explicit sources', then what the run knows offline
 * (core/iac/local-values.ts: the role ARN's account and partition, the Region the code or the trail names, a
 * serverless file's `custom:` values), which never override an explicit value.
 */
export function valuesForRole(explicit: PlanInput['values'], roleArn: string, sites: readonly SiteText[], parameterFiles: readonly { file: string; text: string }[], recording: RecordingFacts): PlanInput['values'] {
  const local = localReferenceValues({ role: roleArn, sites, parameterFiles, trail: { arn: recording.trailArn, multiRegion: recording.trail?.multiRegion } });
  return withLocalValues(explicit, local);
}

/** Whether the run may call AWS for what the repository does not say (the role's managed policies). */
export function awsInReach(args: Record<string, unknown>, env: Record<string, string | undefined>): boolean {
  const remote = ((args.trail as string[] | undefined) ?? []).some((t) => String(t).startsWith('s3://')) || Boolean(args.lookup) || Boolean(args['trail-name']);
  const named = Boolean(args.profile) || Boolean(args['endpoint-url']) || ((args.stack as string[] | undefined) ?? []).length > 0;
  const credentials = ['AWS_ACCESS_KEY_ID', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'].some((k) => Boolean(env[k]));
  return remote || named || credentials;
}

/** What is known of a role in IAM: its ARN and the documents of its attached managed policies by ARN. */
export interface LiveRole {
  roleArn?: string;
  managed: Map<string, PolicyDocument>;
  /** Why the documents are missing when IAM could not be read (PlanInput.managedPoliciesUnread). */
  unread?: string;
}

/**
 * The documents of the role's managed policies: `--managed-policy ARN=FILE` when given (offline), else the
 * live role's from IAM when AWS is in reach. Without either, the planner keeps each attachment and says why.
 */
export async function managedPolicies(args: Record<string, unknown>, io: CliIo, role: string): Promise<LiveRole> {
  const given = managedPolicyFiles(args['managed-policy']);
  if (given.length) return { managed: await managedFromFiles(given) };
  // Offline, an attachment's document is unknown: the planner keeps the attachment and its notes say so.
  if (!awsInReach(args, io.env)) return { managed: new Map() };
  try {
    // Read once per run: the live role's comparison with the repository reads the same (cli/pr-live-diff.ts).
    const live = await liveRolePolicies(args, io, role);
    const managed = new Map<string, PolicyDocument>();
    for (const d of live.documents) {
      if (d.arn && d.kind !== 'inline') managed.set(d.arn, parseRoleDocument(d, d.arn));
    }
    return { roleArn: live.roleArn, managed };
  } catch (e) {
    // What it costs is said where it applies: the planner notes each attachment kept for want of its document
    // (with --managed-policy ARN=FILE as the way out), and the live role's comparison says it was not made.
    io.stderr(`warning: ${forTerminal(role)}: could not read the role from IAM (${forTerminal((e as Error).message)}).\n`);
    return { managed: new Map(), unread: `the role could not be read from IAM: ${(e as Error).message}; give --managed-policy ARN=FILE to trim it offline` };
  }
}

async function managedFromFiles(given: { arn: string; file: string }[]): Promise<Map<string, PolicyDocument>> {
  const out = new Map<string, PolicyDocument>();
  for (const { arn, file } of given) {
    const read = await readPolicyFiles([file]);
    if (read.problems.length || read.documents.length !== 1) {
      const why = read.problems.map((p) => p.message).join('; ') || `expected one policy document, found ${read.documents.length}`;
      throw new CliError('managed-policy-invalid', `--managed-policy ${arn}=${file}: ${why}`, 'Give the managed policy\'s document as one JSON or YAML file (`aws iam get-policy-version` output works).');
    }
    out.set(arn, { ...read.documents[0]!, name: arn, kind: arn.includes(':iam::aws:policy/') ? 'aws-managed' : 'customer-managed' });
  }
  return out;
}
