/**
 * Shared helpers for building resource ARNs from CloudTrail `requestParameters`.
 */

/** What an extractor knows about the call besides its parameters. */
export interface ExtractContext {
  /** `aws`, `aws-cn`, `aws-us-gov`, ... */
  partition: string;
  /** `awsRegion` of the record (may be empty for global services). */
  region: string;
  /** Account owning the resources by default (`recipientAccountId`, else the caller's account). */
  account: string;
  eventSource: string;
  /** eventName after version-suffix normalisation. */
  operation: string;
  /** `requestParameters` (an empty object when absent or null). */
  params: Record<string, unknown>;
}

/** Builds candidate resource ARNs a call addresses; the normalizer keeps those matching each action's types. */
export type RequestExtractor = (ctx: ExtractContext) => string[];

/** True for a plain JSON object. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A non-empty string value, else undefined. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/**
 * First non-empty string among up to three keys of an object (CloudTrail casing varies between services).
 * Fixed parameters rather than a rest list: extractors call this several times per record.
 */
export function firstStr(obj: Record<string, unknown>, a: string, b?: string, c?: string): string | undefined {
  const v = str(obj[a]);
  if (v !== undefined || b === undefined) return v;
  return str(obj[b]) ?? (c === undefined ? undefined : str(obj[c]));
}

/** One segment of a dotted path: the key, and whether it walks every item (`name[]`). */
interface PathSegment {
  seg: string;
  each: boolean;
}

// Parsed paths. Keyed on the path text; safe because parsing is a pure function of it; bounded because paths
// come from the code and the bundled tables (a few dozen), and emptied past 1,000 in case a caller ever
// passes data-derived paths.
const parsedPaths = new Map<string, readonly PathSegment[]>();

function pathSegments(path: string): readonly PathSegment[] {
  let segs = parsedPaths.get(path);
  if (!segs) {
    segs = path.split('.').map((raw) => (raw.endsWith('[]') ? { seg: raw.slice(0, -2), each: true } : { seg: raw, each: false }));
    if (parsedPaths.size >= 1000) parsedPaths.clear();
    parsedPaths.set(path, segs);
  }
  return segs;
}

/**
 * Values found at a dotted path; a segment ending in `[]` walks every array item
 * (`targets[].roleArn`, `layers[]`, `delete.Object[].VersionId`). Null/undefined values are left out.
 */
export function valuesAt(root: unknown, path: string): unknown[] {
  let current: unknown[] = [root];
  for (const { seg, each } of pathSegments(path)) {
    const next: unknown[] = [];
    for (const c of current) {
      const v = seg === '' ? c : isObject(c) ? c[seg] : undefined;
      if (v === undefined || v === null) continue;
      if (each) {
        // CloudTrail sometimes records a one-item list as a bare object.
        if (Array.isArray(v)) next.push(...v.filter((x) => x !== undefined && x !== null));
        else next.push(v);
      } else next.push(v);
    }
    current = next;
  }
  return current;
}

/**
 * Whether some value at a dotted path passes `test`: `valuesAt(root, path).some(test)`, without its lists when
 * the path is one plain member (what the conditional table's triggers test on most calls).
 */
export function someAt(root: unknown, path: string, test: (v: unknown) => boolean): boolean {
  const segs = pathSegments(path);
  if (segs.length === 1 && !segs[0]!.each && segs[0]!.seg !== '') {
    const v = isObject(root) ? root[segs[0]!.seg] : undefined;
    return v !== undefined && v !== null && test(v);
  }
  return valuesAt(root, path).some(test);
}

/** True when a value counts as "given" in a request: not null, not empty string/array/object, not `false`. */
export function isPresent(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isObject(v)) return Object.keys(v).length > 0;
  return true;
}

/** String values at a path (non-strings dropped). */
export function stringsAt(root: unknown, path: string): string[] {
  const segs = pathSegments(path);
  if (segs.length === 1 && !segs[0]!.each && segs[0]!.seg !== '') {
    // One plain member (most id rules): what valuesAt would find, without its two arrays per call.
    const v = isObject(root) ? root[segs[0]!.seg] : undefined;
    return typeof v === 'string' && v.length > 0 ? [v] : [];
  }
  return valuesAt(root, path).filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/** True for a string shaped like an ARN. */
export function isArn(s: string): boolean {
  return /^arn:[^:]+:[^:]*:/.test(s);
}

/** The parts of an ARN, or undefined. */
export function arnParts(s: string): { partition: string; service: string; region: string; account: string; resource: string } | undefined {
  const m = /^arn:([^:]+):([^:]*):([^:]*):([^:]*):(.*)$/.exec(s);
  if (!m) return undefined;
  return { partition: m[1]!, service: m[2]!, region: m[3]!, account: m[4]!, resource: m[5]! };
}

/** No region or account override for {@link arn} (shared, never written: no object per call). */
const CONTEXT_PLACE: { region?: string; account?: string } = Object.freeze({});

/** `arn:P:SERVICE:REGION:ACCOUNT:RESOURCE` from the context. */
export function arn(ctx: ExtractContext, service: string, resource: string, opts: { region?: string; account?: string } = CONTEXT_PLACE): string {
  return `arn:${ctx.partition}:${service}:${opts.region ?? ctx.region}:${opts.account ?? ctx.account}:${resource}`;
}

/**
 * Unique, in first-seen order. `xs` itself when it has no repeat (callers pass lists they built and do not
 * keep); lists of up to 8 (nearly every call's candidates) are checked without building a Set.
 */
export function uniq(xs: string[]): string[] {
  if (xs.length < 2) return xs;
  if (xs.length <= 8) {
    let repeat = false;
    for (let i = 1; i < xs.length && !repeat; i++) repeat = xs.lastIndexOf(xs[i]!, i - 1) >= 0;
    if (!repeat) return xs;
  }
  return [...new Set(xs)];
}

/** Partition of a region name, when the name says so (`cn-north-1` → `aws-cn`). */
export function partitionOfRegion(region: string | undefined): string | undefined {
  if (!region) return undefined;
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  return undefined;
}

/**
 * One request parameter that names a resource by id or ARN. `build` turns a bare id into the resource part
 * of the ARN (`document/${v}`); a value that already is an ARN is kept as given (cross-account, other region).
 * `ops`, when set, limits the rule to operations it matches: the same parameter name (`name`, `id`) names
 * different resource types in different operations, and a candidate of the wrong type must not be offered.
 */
export interface IdRule {
  path: string;
  build?: (v: string, ctx: ExtractContext) => string | undefined;
  ops?: RegExp;
}

/** An id rule that applies to an operation, with its path's member when the path is one plain member. */
interface ApplicableRule {
  rule: IdRule;
  member: string | undefined;
}

/**
 * The rules of a list that apply to an operation, by list and operation name. Safe to keep: a pure function of
 * the two; bounded: lists come from the code (a dozen), operations from the tables (emptied past 1,000).
 */
const rulesByOperation = new WeakMap<readonly IdRule[], Map<string, readonly ApplicableRule[]>>();

function rulesFor(rules: readonly IdRule[], operation: string): readonly ApplicableRule[] {
  let byOp = rulesByOperation.get(rules);
  if (!byOp) {
    byOp = new Map();
    rulesByOperation.set(rules, byOp);
  }
  let list = byOp.get(operation);
  if (!list) {
    // Each rule's `ops` test once per operation, not once per call: S3's rules alone are five regexes.
    list = rules.filter((r) => !r.ops || r.ops.test(operation)).map((rule) => {
      const segs = pathSegments(rule.path);
      return { rule, member: segs.length === 1 && !segs[0]!.each && segs[0]!.seg !== '' ? segs[0]!.seg : undefined };
    });
    if (byOp.size >= 1000) byOp.clear();
    byOp.set(operation, list);
  }
  return list;
}

/** Candidate ARNs from a service's id rules (see {@link IdRule}). */
export function fromIdRules(ctx: ExtractContext, rules: readonly IdRule[]): string[] {
  const out: string[] = [];
  const params = ctx.params;
  for (const { rule, member } of rulesFor(rules, ctx.operation)) {
    if (member === undefined) {
      for (const v of stringsAt(params, rule.path)) idRuleValue(out, rule, v, ctx);
      continue;
    }
    // One plain member: what stringsAt would give, read without a list per rule and call.
    const v = isObject(params) ? params[member] : undefined;
    if (typeof v === 'string' && v.length > 0) idRuleValue(out, rule, v, ctx);
  }
  return out;
}

/** Adds the candidate of one value of a rule: the value when it is an ARN, else what the rule builds. */
function idRuleValue(out: string[], rule: IdRule, v: string, ctx: ExtractContext): void {
  if (isArn(v)) out.push(v);
  else if (rule.build) {
    const built = rule.build(v, ctx);
    if (built) out.push(built);
  }
}
