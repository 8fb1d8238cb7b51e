/**
 * Port: which Lambda functions exist and which execution role each one uses.
 */

/** One function and its execution role. */
export interface FunctionInfo {
  name: string;
  arn: string;
  /** Execution role ARN. */
  roleArn: string;
  region: string;
  runtime?: string;
  lastModified?: string;
  /** Whether it runs in a VPC (`VpcConfig` with subnets); absent when the listing did not say. */
  vpc?: boolean;
  /** Its X-Ray tracing mode (`TracingConfig.Mode`); absent when the listing did not say. */
  tracing?: 'active' | 'pass-through';
}

/** One event source mapping of a function: Lambda's poller reads `sourceArn` with the function's role. */
export interface EventSourceMapping {
  functionName: string;
  /** The queue, stream or cluster ARN. */
  sourceArn: string;
}

/** A role used by more than one function (trimming it affects them all). */
export interface SharedRole {
  roleArn: string;
  /** Function names, sorted. */
  functions: string[];
}

/** Lists functions and resolves a function's role. */
export interface FunctionDirectory {
  /** Every function in the directory's region(s), sorted by region then name. */
  listFunctions(): Promise<FunctionInfo[]>;
  /** The function named `nameOrArn` (name, partial or full ARN). Throws a typed not-found error. */
  getFunction(nameOrArn: string): Promise<FunctionInfo>;
  /** The event source mappings of a function (`ListEventSourceMappings`), in its Region. */
  eventSourceMappings(fn: FunctionInfo): Promise<EventSourceMapping[]>;
}

/**
 * Roles used by two or more of `functions`, sorted by role ARN; pure.
 * @param functions output of {@link FunctionDirectory.listFunctions}
 */
export function sharedRoles(functions: readonly FunctionInfo[]): SharedRole[] {
  const byRole = new Map<string, Set<string>>();
  for (const f of functions) {
    const set = byRole.get(f.roleArn) ?? new Set<string>();
    set.add(f.name);
    byRole.set(f.roleArn, set);
  }
  return [...byRole.entries()]
    .filter(([, names]) => names.size > 1)
    .map(([roleArn, names]) => ({ roleArn, functions: [...names].sort() }))
    .sort((a, b) => (a.roleArn < b.roleArn ? -1 : a.roleArn > b.roleArn ? 1 : 0));
}
