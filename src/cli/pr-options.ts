/**
 * The options of `policy-trim pr` beyond those it shares with `suggest`: which roles, where the repository and
 * its configuration are, how references and managed policies are resolved, and where the pull request goes.
 * Values are checked here, before anything is read.
 */
import type { Argv } from 'yargs';
import { CONFIG_FILE_NAME } from '../adapters/fs/config-file.js';
import { usageError } from './errors.js';

/** The pr-only options (the shared ones come from suggest-wiring, sources, options and aws-wiring). */
export function withPrOptions<T>(y: Argv<T>): Argv<T> {
  return y
    .option('role', { type: 'string', array: true, describe: `The role(s) of ${CONFIG_FILE_NAME} to trim: name or ARN as written there` })
    .option('all', { type: 'boolean', default: false, describe: `Every role of ${CONFIG_FILE_NAME}` })
    .option('discover', { type: 'boolean', default: false, describe: `Print a proposed ${CONFIG_FILE_NAME} from the repository's infrastructure code (writes nothing)` })
    .option('dry-run', { type: 'boolean', default: false, describe: 'Print the diff and the pull request instead: no git, no GitHub' })
    .option('config', { type: 'string', describe: `The configuration file (default: ${CONFIG_FILE_NAME} at the repository root)` })
    .option('dir', { type: 'string', describe: 'The repository to work in (default: the current directory)' })
    .option('tf-state', { type: 'string', array: true, describe: 'Resolve Terraform references with the JSON of `terraform show -json`' })
    .option('stack', { type: 'string', array: true, describe: 'Resolve CloudFormation/SAM references through this deployed stack (name or ARN)' })
    .option('parameters', { type: 'string', array: true, describe: 'Resolve template parameters with this file (aws cloudformation --parameters JSON, samconfig.toml/.yaml/.json)' })
    .option('managed-policy', { type: 'string', array: true, describe: 'Offline: the document of an attached managed policy, as ARN=FILE (default: read from IAM)' })
    .option('inline-resolved', { type: 'boolean', default: false, describe: 'Write resolved values instead of the references as written' })
    .option('base', { type: 'string', describe: 'The branch pull requests merge into (default: pr.base, else the remote default branch)' })
    .option('label', { type: 'string', array: true, describe: 'Labels for the pull requests (added to pr.labels)' })
    .option('repo', { type: 'string', describe: 'The GitHub repository, OWNER/NAME (default: GITHUB_REPOSITORY, else the origin remote)' })
    .option('github-token', { type: 'string', describe: 'GitHub token (default: GITHUB_TOKEN); never printed' })
    .option('github-api-url', { type: 'string', describe: 'GitHub REST API root (default: GITHUB_API_URL, else from the origin remote, else https://api.github.com)' }) as Argv<T>;
}

/** Which roles a run is about, as the options name them. */
export type RoleSelection = { kind: 'discover' } | { kind: 'all' } | { kind: 'named'; roles: string[] };

/** `--discover`, `--all` or `--role`: exactly one (usage error otherwise). */
export function roleSelection(args: Record<string, unknown>): RoleSelection {
  const roles = ((args.role as string[] | undefined) ?? []).map(String);
  const given = [args.discover ? '--discover' : '', args.all ? '--all' : '', roles.length ? '--role' : ''].filter(Boolean);
  if (given.length === 0) throw usageError('name the roles: --role NAME|ARN, --all (every role of the configuration), or --discover to propose a configuration');
  if (given.length > 1) throw usageError(`${given.join(' and ')} cannot be combined`, 'Give --role for some roles, --all for every role, or --discover alone.');
  if (args.discover) return { kind: 'discover' };
  return args.all ? { kind: 'all' } : { kind: 'named', roles };
}

/** One `--managed-policy ARN=FILE`. */
export interface ManagedPolicyFile {
  arn: string;
  file: string;
}

/**
 * `--managed-policy ARN=FILE` values, split at the last `=`: a policy name may hold `=`, a file name rarely does.
 * Anything else is a usage error showing the expected form.
 */
export function managedPolicyFiles(value: unknown): ManagedPolicyFile[] {
  const list = (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(String);
  return list.map((v) => {
    const at = v.lastIndexOf('=');
    const arn = at > 0 ? v.slice(0, at) : '';
    const file = at > 0 ? v.slice(at + 1) : '';
    if (!/^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/./.test(arn) || file === '') {
      throw usageError(`--managed-policy ${JSON.stringify(v)}: expected ARN=FILE, e.g. arn:aws:iam::aws:policy/AmazonS3FullAccess=./s3-full.json`, 'Give the ARN of the attached managed policy, `=`, and the file holding its document (`aws iam get-policy-version` output or the bare document).');
    }
    return { arn, file };
  });
}

/** The pr-only options that are free-form text, and how each is checked (for the option audit). */
export const PR_FREE_FORM_OPTIONS: Record<string, string> = {
  role: 'matched against the configuration (a role not there is an error)',
  config: 'a path, read and validated',
  dir: 'a path: the repository root is found from it',
  'tf-state': 'a path, read and parsed (core/iac/tf-state.ts)',
  stack: 'a stack name or ARN, looked up in CloudFormation',
  parameters: 'a path, read and parsed (core/iac/cfn-params.ts)',
  'managed-policy': 'ARN=FILE, checked (managedPolicyFiles)',
  base: 'a branch name, fetched from the remote',
  label: 'a label name, sent to GitHub',
  repo: 'OWNER/NAME, checked (parseRepoOption)',
  'github-token': 'a secret, sent to GitHub only',
  'github-api-url': 'an http(s) URL, checked (resolveGitHubSettings)',
  functions: 'function names, matched against the role\'s sessions (cli/suggest-split.ts functionsOf)',
  'event-source': 'FUNCTION=SOURCE_ARN, checked (cli/suggest-split.ts offlineMappings)',
};
