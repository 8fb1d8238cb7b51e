/**
 * The file as written → the configuration the commands read: camelCase, `defined-in` entries as the
 * `GrantSite`s of core/iac, function names as objects, `--fail-on` aliases resolved, absent lists empty.
 * Runs only on a value the schema and the rules accepted.
 */
import type { GrantSite } from '../iac/types.js';
import { canonicalFailOn, type FailOnCondition } from './fail-on.js';
import type {
  ActivityConfig,
  ActivityFile,
  ActivitySourceConfig,
  FunctionConfig,
  RepositoryConfig,
  RepositoryConfigFile,
  RoleConfig,
  RoleFile,
  SiteFile,
} from './types.js';

/** The configuration of a valid file. */
export function normalizeConfig(file: RepositoryConfigFile): RepositoryConfig {
  const failOn = file.gate?.['fail-on'];
  return {
    version: 1,
    aws: { ...file.aws },
    accounts: (file.accounts ?? []).map((a) => ({ id: a.id, assumeRole: a['assume-role'] })),
    activity: activityConfig(file.activity ?? {}),
    roles: (file.roles ?? []).map(roleConfig),
    acknowledge: (file.acknowledge ?? []).map((a) => ({ finding: a.finding, reason: a.reason.trim(), ...(a.until ? { until: a.until } : {}) })),
    gate: failOn ? { failOn: [...new Set(failOn.map((v) => canonicalFailOn(v) as FailOnCondition))] } : {},
    pr: {
      labels: file.pr?.labels ?? [],
      ...(file.pr?.base ? { base: file.pr.base } : {}),
      ...(file.pr?.['branch-prefix'] ? { branchPrefix: file.pr['branch-prefix'] } : {}),
    },
  };
}

/** `activity:`: its one source, the selectors file and the window. */
function activityConfig(a: ActivityFile): ActivityConfig {
  const window = { ...(a.days !== undefined ? { days: a.days } : {}), ...(a.since ? { since: a.since } : {}), ...(a.until ? { until: a.until } : {}) };
  const source = activitySource(a);
  return { ...(source ? { source } : {}), ...(a['trail-config'] ? { trailConfig: repositoryPath(a['trail-config']) } : {}), window };
}

/** The source the file names (the schema allows at most one, and trail-name beside athena). */
function activitySource(a: ActivityFile): ActivitySourceConfig | undefined {
  if (a.athena) return { kind: 'athena', ...a.athena, ...(a['trail-name'] ? { trailName: a['trail-name'] } : {}) };
  if (a['trail-name']) return { kind: 'trail-name', trailName: a['trail-name'] };
  if (a.s3) return { kind: 's3', url: a.s3 };
  if (a.trail) return { kind: 'trail', paths: [...a.trail] };
  if (a.lookup) return { kind: 'lookup' };
  return undefined;
}

function roleConfig(r: RoleFile): RoleConfig {
  const functions = r.functions?.map((f): FunctionConfig => (typeof f === 'string' ? { name: f } : { ...f }));
  return { role: r.role, ...(functions ? { functions } : {}), definedIn: (r['defined-in'] ?? []).map(grantSite) };
}

/** One `defined-in` entry as the IAC editors' GrantSite: its one key becomes `format`. */
export function grantSite(entry: SiteFile): GrantSite {
  if ('json' in entry) return { format: 'json', ...entry.json, file: repositoryPath(entry.json.file) };
  if ('terraform' in entry) return { format: 'terraform', ...entry.terraform, file: repositoryPath(entry.terraform.file) };
  if ('cloudformation' in entry) return { format: 'cloudformation', ...entry.cloudformation, file: repositoryPath(entry.cloudformation.file) };
  if ('sam' in entry) return { format: 'sam', ...entry.sam, file: repositoryPath(entry.sam.file) };
  return { format: 'serverless', ...entry.serverless, file: repositoryPath(entry.serverless.file) };
}

/**
 * `./infra//iam.tf` → `infra/iam.tf`: one spelling per file, so two entries naming one file compare equal and
 * the editors join it to the root as is. Only for paths the rules accepted (inside the repository).
 */
export function repositoryPath(file: string): string {
  const out: string[] = [];
  for (const seg of file.split('/')) {
    if (seg === '..') out.pop();
    else if (seg !== '.' && seg !== '') out.push(seg);
  }
  return out.join('/');
}
