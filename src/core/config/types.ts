/**
 * The types of `.policy-trim.yml`: the file as written (`RepositoryConfigFile`, the schema's keys exactly), and
 * the configuration the commands read (`RepositoryConfig`: camelCase, `defined-in` entries as the `GrantSite`s
 * the IaC editors take, aliases resolved, absent lists empty).
 */
import type { GrantSite, TextPosition } from '../iac/types.js';
import type { FailOnCondition } from './fail-on.js';

// ---------------------------------------------------------------------------------------------------------
// The file as written (schema.ts, key for key)

/** `aws:`. */
export interface AwsFile {
  profile?: string;
  regions?: string[];
}

/** One `accounts:` entry. */
export interface AccountFile {
  id: string;
  'assume-role': string;
}

/** `activity.athena:`. */
export interface AthenaFile {
  table: string;
  workgroup?: string;
  output?: string;
  database?: string;
}

/** `activity:`. */
export interface ActivityFile {
  'trail-name'?: string;
  s3?: string;
  trail?: string[];
  lookup?: true;
  athena?: AthenaFile;
  'trail-config'?: string;
  days?: number;
  since?: string;
  until?: string;
}

/** Lambda's tracing modes, as the file spells them. */
export type TracingMode = 'active' | 'pass-through';

/** One `functions:` entry written as an object. */
export interface FunctionFile {
  name: string;
  unobservable?: string[];
  vpc?: boolean;
  tracing?: TracingMode;
}

/** One `defined-in:` entry: exactly one key. */
export type SiteFile =
  | { json: { file: string; pointer?: string } }
  | { terraform: { file: string; address: string } }
  | { cloudformation: { file: string; resource: string; policy?: string } }
  | { sam: { file: string; function: string } }
  | { serverless: { file: string; function?: string } };

/** One `roles:` entry. */
export interface RoleFile {
  role: string;
  functions?: (string | FunctionFile)[];
  'defined-in'?: SiteFile[];
}

/** One `acknowledge:` entry. */
export interface AcknowledgementFile {
  finding: string;
  reason: string;
  until?: string;
}

/** `.policy-trim.yml` as written. */
export interface RepositoryConfigFile {
  version: 1;
  aws?: AwsFile;
  accounts?: AccountFile[];
  activity?: ActivityFile;
  roles?: RoleFile[];
  acknowledge?: AcknowledgementFile[];
  gate?: { 'fail-on'?: string[] };
  pr?: { labels?: string[]; base?: string; 'branch-prefix'?: string };
}

// ---------------------------------------------------------------------------------------------------------
// The configuration the commands read

/** An account of the fleet and the role to assume in it. */
export interface AccountConfig {
  id: string;
  assumeRole: string;
}

/** The one activity source the file names. */
export type ActivitySourceConfig =
  | { kind: 'trail-name'; trailName: string }
  | { kind: 's3'; url: string }
  | { kind: 'trail'; paths: string[] }
  | { kind: 'lookup' }
  | { kind: 'athena'; table: string; workgroup?: string; output?: string; database?: string; trailName?: string };

/** The window, as written (parsed with the command's clock by core/usage/time-window.ts). */
export interface WindowConfig {
  days?: number;
  since?: string;
  until?: string;
}

/** `activity:`. */
export interface ActivityConfig {
  source?: ActivitySourceConfig;
  trailConfig?: string;
  window: WindowConfig;
}

/** A function of a role. */
export interface FunctionConfig {
  name: string;
  /** Present only when the file narrows the unobservable remainder for this function. */
  unobservable?: string[];
  vpc?: boolean;
  tracing?: TracingMode;
}

/** A role that matters. */
export interface RoleConfig {
  /** Name or ARN, as written. */
  role: string;
  /** Absent when the file does not list them (then they are discovered from Lambda). */
  functions?: FunctionConfig[];
  /** Where it is defined; empty when the file does not say. */
  definedIn: GrantSite[];
}

/** An accepted finding. */
export interface Acknowledgement {
  /** The finding id or pattern (finding-id.ts). */
  finding: string;
  reason: string;
  /** Last day it holds, YYYY-MM-DD (UTC). */
  until?: string;
}

/** `pr:`. Defaults are the command's (base: the repository's default branch; branch prefix `policy-trim/`). */
export interface PrConfig {
  labels: string[];
  base?: string;
  branchPrefix?: string;
}

/** `.policy-trim.yml`, read and checked. */
export interface RepositoryConfig {
  version: 1;
  aws: AwsFile;
  accounts: AccountConfig[];
  activity: ActivityConfig;
  roles: RoleConfig[];
  acknowledge: Acknowledgement[];
  /** `failOn` absent when the file sets no gate (so a default or the environment can apply). */
  gate: { failOn?: FailOnCondition[] };
  pr: PrConfig;
}

// ---------------------------------------------------------------------------------------------------------
// Problems and the parse result

/** A key or index path into the file: `['roles', 0, 'defined-in', 1, 'terraform', 'address']`. */
export type ConfigPath = readonly (string | number)[];

/** One problem or warning, located in the file. */
export interface ConfigProblem {
  file: string;
  /** 1-based line and column of the offending node (of the file's start when it has none). */
  line: number;
  column: number;
  /** `roles[0].defined-in[1].terraform.address`; empty for the file as a whole. */
  path: string;
  message: string;
}

/** What parseConfig returns. */
export interface ParsedConfig {
  config: RepositoryConfig;
  /** The file name the text was given with (for messages). */
  file: string;
  /** Things that do not stop a run: an expired acknowledgement, a role named twice in two spellings. */
  warnings: ConfigProblem[];
  /** Where a node of the file starts (`locate(['roles', 2])`: that role's line, for SARIF results), or undefined. */
  locate(path: ConfigPath): TextPosition | undefined;
}
