/**
 * Readable generalization of the resource ARNs a role actually used. Every candidate pattern is only a
 * proposal: trim keeps it only when it is provably inside the original statement's resources, otherwise it
 * falls back to the exact ARNs the candidate stood for.
 */

/** One proposed pattern and the used ARNs it stands for. */
export interface ResourceCandidate {
  pattern: string;
  members: string[];
}

/**
 * S3 key prefixes stop at the first path segment containing a digit: such segments are dates, ids or versions
 * that change from one call to the next, so a prefix ending in one would break the function on the next day.
 */
const VOLATILE_SEGMENT = /\d/;
/** Deepest S3 key prefix proposed (segments), so prefixes stay readable. */
const MAX_S3_PREFIX_SEGMENTS = 3;
/** More distinct prefixes than this in one bucket: propose the bucket's shared prefix instead (readability). */
const MAX_S3_PATTERNS_PER_BUCKET = 8;
/** Root-level keys (no `/`) listed exactly up to this many; beyond it the bucket's shared prefix is proposed. */
const MAX_S3_ROOT_KEYS = 3;
/** Secrets Manager appends `-` and 6 random characters to a secret's name in its ARN (Secrets Manager User Guide). */
const SECRET_SUFFIX = /^(arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:.+)-[A-Za-z0-9]{6}$/;

function sharedDirPrefix(keys: string[]): string {
  let common = keys[0];
  for (const k of keys) {
    let i = 0;
    while (i < common.length && i < k.length && common[i] === k[i]) i++;
    common = common.slice(0, i);
  }
  const segments = common.split('/').slice(0, -1); // whole directory segments only
  const kept: string[] = [];
  for (const seg of segments) {
    if (kept.length >= MAX_S3_PREFIX_SEGMENTS || VOLATILE_SEGMENT.test(seg) || seg.includes('*') || seg.includes('?')) break;
    kept.push(seg);
  }
  return kept.length === 0 ? '' : kept.join('/') + '/';
}

function s3Candidates(bucketArn: string, keys: string[]): ResourceCandidate[] {
  const arn = (k: string) => `${bucketArn}/${k}`;
  const rooted = new Map<string, string[]>();
  const root: string[] = [];
  for (const k of keys) {
    const slash = k.indexOf('/');
    if (slash <= 0) root.push(k);
    else {
      const first = k.slice(0, slash);
      const list = rooted.get(first) ?? [];
      list.push(k);
      rooted.set(first, list);
    }
  }
  const out: ResourceCandidate[] = [];
  for (const [, group] of [...rooted.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const prefix = sharedDirPrefix(group);
    if (prefix === '') group.forEach((k) => out.push({ pattern: arn(k), members: [arn(k)] }));
    else out.push({ pattern: arn(prefix) + '*', members: group.map(arn) });
  }
  if (root.length > MAX_S3_ROOT_KEYS) out.push({ pattern: arn('*'), members: root.map(arn) });
  else root.forEach((k) => out.push({ pattern: arn(k), members: [arn(k)] }));
  if (out.length > MAX_S3_PATTERNS_PER_BUCKET) {
    const prefix = sharedDirPrefix(keys);
    return [{ pattern: arn(prefix) + '*', members: keys.map(arn) }];
  }
  return out;
}

/** Generalize one non-S3-object ARN (or keep it). */
function generalizeOne(arn: string): string {
  // DynamoDB: a used index or stream stands for the table's indexes / streams (names are chosen by the table's
  // owner; stream labels change whenever the stream is re-enabled).
  const ddb = /^(arn:[^:]+:dynamodb:[^:]*:[^:]*:table\/[^/]+)\/(index|stream)\/[^/]+$/.exec(arn);
  if (ddb) return `${ddb[1]}/${ddb[2]}/*`;
  const secret = SECRET_SUFFIX.exec(arn);
  if (secret) return `${secret[1]}-??????`;
  // CloudWatch Logs: streams are created per Lambda execution environment; the group is the stable part.
  const stream = /^(arn:[^:]+:logs:[^:]*:[^:]*:log-group:[^:]+:log-stream:).+$/.exec(arn);
  if (stream) return `${stream[1]}*`;
  return arn;
}

/**
 * Propose readable patterns for a set of used ARNs: S3 object keys → shared path prefix + `*` (per top-level
 * folder); DynamoDB index/stream → `table/T/index/*`; a secret's full ARN → `secret:NAME-??????`; a log
 * stream → `log-stream:*`; anything else exact. Deterministic: sorted by pattern.
 */
export function proposeResourcePatterns(arns: string[]): ResourceCandidate[] {
  const s3 = new Map<string, string[]>();
  const byPattern = new Map<string, string[]>();
  for (const arn of [...new Set(arns)].sort()) {
    const m = /^(arn:[^:]+:s3:::[^/]+)\/(.+)$/.exec(arn);
    if (m) {
      const list = s3.get(m[1]) ?? [];
      list.push(m[2]);
      s3.set(m[1], list);
      continue;
    }
    const p = generalizeOne(arn);
    const list = byPattern.get(p) ?? [];
    list.push(arn);
    byPattern.set(p, list);
  }
  const out: ResourceCandidate[] = [...byPattern.entries()].map(([pattern, members]) => ({ pattern, members }));
  for (const [bucket, keys] of s3) out.push(...s3Candidates(bucket, keys));
  return out.sort((a, b) => (a.pattern < b.pattern ? -1 : a.pattern > b.pattern ? 1 : 0));
}
