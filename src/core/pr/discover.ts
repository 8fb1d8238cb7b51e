/**
 * `policy-trim pr --discover`: from the repository's files, a proposed `.policy-trim.yml` that maps each role
 * to the places granting it something (issue 10 §1). Pure: file texts in, the proposal's text out. It never
 * guesses silently: a role name the code does not write literally is marked "check", a grant that reaches no
 * role or several candidates is listed as a comment, and a file that does not parse is named.
 */
import type { GrantSite } from '../iac/types.js';
import { isTemplate, parseStructured, scanTemplate } from './discover-cfn.js';
import { scanJsonFile } from './discover-json.js';
import { isServerlessFile, scanServerless } from './discover-serverless.js';
import { scanTerraform } from './discover-terraform.js';
import { emptyScan, type RepoFile, type RoleCandidate, type ScanProblem, type ScanResult, type SiteCandidate } from './discover-types.js';

export type { RepoFile } from './discover-types.js';

/** Whether `--discover` reads a file, by its path: Terraform, YAML, JSON and `.template` files. */
export function isDiscoverable(path: string): boolean {
  return /\.(tf|ya?ml|json|template)$/i.test(path);
}

/** One role of the proposal with its sites. */
export interface ProposedRole {
  name: string;
  /** Why the name is a guess; absent when the code writes it. */
  guess?: string;
  where?: string;
  sites: { site: GrantSite; label: string; where: string; sharedWith: string[] }[];
}

/** A grant the scan could not tie to exactly one role. */
export interface UnmatchedSite {
  site: GrantSite;
  label: string;
  where: string;
  /** Why: no role named, a reference a scan cannot follow, or the roles its file name could mean. */
  reason: string;
}

/** What `--discover` proposes. */
export interface Discovery {
  roles: ProposedRole[];
  unmatched: UnmatchedSite[];
  problems: ScanProblem[];
  /** Files read. */
  files: number;
}

/** Every scanner over the files it reads. */
export function scanRepository(files: readonly RepoFile[]): ScanResult {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const out = scanTerraform(sorted.filter((f) => f.path.endsWith('.tf')));
  for (const file of sorted) {
    if (file.path.endsWith('.tf')) continue;
    const found = isServerlessFile(file.path) ? scanServerless(file) : scanOther(file);
    out.roles.push(...found.roles);
    out.sites.push(...found.sites);
    out.problems.push(...found.problems);
    out.attachments.push(...found.attachments);
  }
  return out;
}

/** A YAML or JSON file: a template, a JSON policy, or nothing of ours. */
function scanOther(file: RepoFile): ScanResult {
  if (/\b(Resources|AWSTemplateFormatVersion)\b/.test(file.text)) {
    const { value, error } = parseStructured(file.text);
    if (error === undefined && isTemplate(value)) return scanTemplate(file, value);
    if (error !== undefined && /AWS::/.test(file.text)) return { ...emptyScan(), problems: [{ file: file.path, message: `not read as a template (${error})` }] };
  }
  return /\.json$/i.test(file.path) ? scanJsonFile(file) : emptyScan();
}

/** The proposal for `files`. */
export function discover(files: readonly RepoFile[]): Discovery {
  const scan = scanRepository(files);
  const roles = new Map<string, ProposedRole>();
  const byKey = new Map(scan.roles.map((r) => [r.key, r]));
  const unmatched: UnmatchedSite[] = [];
  const roleNamed = (name: string, candidate?: RoleCandidate): ProposedRole => {
    const id = name.toLowerCase();
    const had = roles.get(id);
    if (had) return had;
    const made: ProposedRole = { name, ...(candidate?.guess ? { guess: candidate.guess } : {}), ...(candidate ? { where: candidate.where } : {}), sites: [] };
    roles.set(id, made);
    return made;
  };
  for (const r of scan.roles) roleNamed(r.name, r);
  for (const s of scan.sites) {
    const targets = s.roles.length ? s.roles : matchByFileName(s, [...roles.values()], scan.attachments);
    if ('reason' in targets) {
      unmatched.push({ site: s.site, label: s.label, where: s.where, reason: targets.reason });
      continue;
    }
    const named: ProposedRole[] = [];
    for (const link of targets) {
      if (link.kind === 'unknown') unmatched.push({ site: s.site, label: s.label, where: s.where, reason: link.reason });
      else named.push(link.kind === 'key' ? roleNamed(byKey.get(link.key)?.name ?? link.key, byKey.get(link.key)) : roleNamed(link.name));
    }
    const unique = [...new Set(named)];
    for (const role of unique) addSite(role, s, unique.filter((r) => r !== role).map((r) => r.name));
  }
  const sorted = [...roles.values()].filter((r) => r.sites.length > 0).sort((a, b) => compareText(a.name.toLowerCase(), b.name.toLowerCase()));
  for (const r of sorted) r.sites.sort((a, b) => compareText(a.site.file, b.site.file) || lineOf(a.where) - lineOf(b.where));
  return { roles: sorted, unmatched, problems: scan.problems, files: files.length };
}

function addSite(role: ProposedRole, s: SiteCandidate, sharedWith: string[]): void {
  const key = JSON.stringify(s.site);
  if (role.sites.some((x) => JSON.stringify(x.site) === key)) return;
  role.sites.push({ site: s.site, label: s.label, where: s.where, sharedWith });
}

/** The line of a `FILE:LINE` place. */
function lineOf(where: string): number {
  return Number(where.slice(where.lastIndexOf(':') + 1)) || 0;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A JSON policy file's role, from its name: a managed policy of that name a role description attaches, else a
 * path segment, or the file name, that is a role's name or starts with it (`orders-api-role.inline.json`). One
 * match is the role; none or several are reasons to ask.
 */
function matchByFileName(s: SiteCandidate, roles: readonly ProposedRole[], attachments: ScanResult['attachments']): SiteCandidate['roles'] | { reason: string } {
  const segments = s.site.file.toLowerCase().replace(/\.json$/, '').split('/');
  const base = segments.at(-1)!;
  const attachedAs = attachments.filter((a) => a.policyName.toLowerCase() === base);
  if (attachedAs.length) return attachedAs.map((a) => a.role);
  const exact = roles.filter((r) => segments.includes(r.name.toLowerCase()));
  const prefixed = roles.filter((r) => new RegExp(`^${escapeRegExp(r.name.toLowerCase())}[._-]`).test(base));
  const found = exact.length ? exact : prefixed;
  if (found.length === 1) return [{ kind: 'name', name: found[0]!.name }];
  if (found.length > 1) return { reason: `its name could mean ${found.map((r) => r.name).join(' or ')}` };
  return { reason: 'no role grants it, and its name is no role found in the repository' };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
