/**
 * ARN helpers: parse an ARN, match it against the catalog's ARN templates, fill a template.
 *
 * ARN format (AWS General Reference, "Amazon Resource Names"):
 * `arn:partition:service:region:account-id:resource` where resource may itself contain `:` and `/`.
 */

/** The parts of an ARN. */
export interface ParsedArn {
  /** `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b`, ... */
  partition: string;
  service: string;
  /** Empty for global resources (IAM, S3 buckets). */
  region: string;
  /** Empty where the ARN carries no account (S3 buckets). */
  account: string;
  /** Everything after the fifth colon, e.g. `function:my-fn:1` or `bucket/key/with:colons`. */
  resource: string;
}

/** Partitions look like `aws` or `aws-<name>[-<name>]` (aws-cn, aws-us-gov, aws-iso-b, aws-eusc ...). */
const PARTITION_RE = /^aws(-[a-z]+)*$/;

/** Parses an ARN; undefined when it is not one (wrong prefix, fewer than six fields, bad partition, no service). */
export function parseArn(arn: string): ParsedArn | undefined {
  if (!arn.startsWith('arn:')) return undefined;
  const parts: string[] = [];
  let start = 4;
  for (let k = 0; k < 4; k++) {
    const colon = arn.indexOf(':', start);
    if (colon < 0) return undefined;
    parts.push(arn.slice(start, colon));
    start = colon + 1;
  }
  const [partition, service, region, account] = parts as [string, string, string, string];
  if (!PARTITION_RE.test(partition) || service === '') return undefined;
  return { partition, service, region, account, resource: arn.slice(start) };
}

/** The parts of an IAM role ARN, `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME` (IAM User Guide, "IAM identifiers"). */
export interface RoleArn {
  partition: string;
  /** The 12-digit account. */
  account: string;
  /** The last `/` segment: the role's name (role names are unique per account whatever the path). */
  name: string;
}

const ROLE_ARN_RE = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;

/** The parts of an IAM role ARN, or undefined when `arn` is not one (a role name, another principal). */
export function parseRoleArn(arn: string): RoleArn | undefined {
  const m = ROLE_ARN_RE.exec(arn);
  return m ? { partition: m[1]!, account: m[2]!, name: m[3]! } : undefined;
}

const IAM_ACCOUNT_RE = /^arn:[^:]+:iam::(\d{12}):/;
const IAM_OR_STS_ACCOUNT_RE = /^arn:[^:]+:(?:iam|sts)::(\d{12}):/;

/**
 * The 12-digit account of an IAM principal ARN (a role, a user, `root`), or with `sts` of an STS one too (an
 * assumed-role session); undefined for anything else.
 */
export function principalAccount(arn: string, options: { sts?: boolean } = {}): string | undefined {
  return (options.sts ? IAM_OR_STS_ACCOUNT_RE : IAM_ACCOUNT_RE).exec(arn)?.[1];
}

/** The shape `parseArn` accepts, as one regex: no allocation, for hot paths that only need a yes or no. */
const PARSABLE_ARN_RE = /^arn:aws(?:-[a-z]+)*:[^:]+:[^:]*:[^:]*:/;

/** True exactly when {@link parseArn} returns parts for `arn` (without building them). */
export function isParsableArn(arn: string): boolean {
  return PARSABLE_ARN_RE.test(arn);
}

/** Formats parts back into an ARN (inverse of `parseArn`). */
export function formatArn(p: ParsedArn): string {
  return `arn:${p.partition}:${p.service}:${p.region}:${p.account}:${p.resource}`;
}

/** A catalog ARN template compiled for matching concrete ARNs. */
export interface CompiledArnTemplate {
  template: string;
  /** Variable names in order of appearance. */
  variables: string[];
  regex: RegExp;
  /** Literal characters in the template (more = more specific). */
  literalLength: number;
}

const VAR_RE = /\$\{([^}]+)\}/g;

/**
 * Template variables whose values may contain `/` (paths, object keys, log group and stream names, SSM
 * parameter names, secret names, KMS alias names such as `aws/s3`). Every other variable is one segment.
 */
const MULTI_SEGMENT_VAR =
  /path|^objectname$|^objectkey$|^key$|^loggroupname$|^logstreamname$|^parameternamewithoutleadingslash$|^secretid$|^alias$/i;

/**
 * Compiles an ARN template such as `arn:${Partition}:lambda:${Region}:${Account}:function:${FunctionName}`.
 * A variable matches one non-empty segment (no `:` or `/`); `${Region}` and `${Account}` may be empty;
 * variables that hold paths (see MULTI_SEGMENT_VAR) may contain `/`, and when last in the template also `:`
 * (S3 keys may contain both). This is a heuristic over AWS's templates: several may still match one ARN
 * (`function version` and `function alias`), so callers rank by `literalLength`.
 */
export function compileArnTemplate(template: string): CompiledArnTemplate {
  const variables: string[] = [];
  let src = '';
  let last = 0;
  let literalLength = 0;
  const matches = [...template.matchAll(VAR_RE)];
  matches.forEach((m, idx) => {
    const lit = template.slice(last, m.index);
    src += lit.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    literalLength += lit.length;
    const name = m[1]!;
    variables.push(name);
    const isLast = idx === matches.length - 1 && m.index! + m[0].length === template.length;
    if (name === 'Region' || name === 'Account') src += '([^:/]*)';
    else if (MULTI_SEGMENT_VAR.test(name)) src += isLast ? '(.+)' : '([^:]+)';
    else src += '([^:/]+)';
    last = m.index! + m[0].length;
  });
  const tail = template.slice(last);
  src += tail.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  literalLength += tail.length;
  return { template, variables, regex: new RegExp(`^${src}$`), literalLength };
}

/** Variable values of a concrete ARN under a template, or undefined when it does not match. */
export function matchArnTemplate(compiled: CompiledArnTemplate, arn: string): Record<string, string> | undefined {
  const m = compiled.regex.exec(arn);
  if (!m) return undefined;
  const out: Record<string, string> = {};
  compiled.variables.forEach((v, i) => {
    out[v] = m[i + 1]!;
  });
  return out;
}

/**
 * Fills a template's `${Var}` placeholders from `parts` (exact name first, then case-insensitive).
 * Undefined when any variable has no value.
 */
export function fillArnTemplate(template: string, parts: Record<string, string>): string | undefined {
  let missing = false;
  const lowered = new Map(Object.entries(parts).map(([k, v]) => [k.toLowerCase(), v]));
  const out = template.replace(VAR_RE, (_all, name: string) => {
    const v = Object.prototype.hasOwnProperty.call(parts, name) ? parts[name] : lowered.get(name.toLowerCase());
    if (v === undefined) {
      missing = true;
      return '';
    }
    return v;
  });
  return missing ? undefined : out;
}
