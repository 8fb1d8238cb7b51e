/**
 * Resource generalization for the usage ledger: how a cell's resources are widened to shared prefixes when it holds
 * too many distinct ones (`ledger.ts`, MAX_DISTINCT_RESOURCES).
 */

/**
 * Generalization levels: level L keeps at most LEVEL_SEGMENTS[L] `/`-separated segments of an ARN's resource
 * part and replaces the rest with `*` (`arn:aws:s3:::b/x/y/z.pdf` at 2 segments → `arn:aws:s3:::b/x/*`; at 0
 * → `arn:aws:s3:::*`). Budgets strictly decrease, so generalizing twice equals generalizing once at the higher
 * level: the result does not depend on the order calls were added or ledgers merged.
 */
export const LEVEL_SEGMENTS = [Number.POSITIVE_INFINITY, 6, 4, 3, 2, 1, 0];

/**
 * A resource (ARN or pattern) generalized to `level`: at most LEVEL_SEGMENTS[level] segments of its resource
 * part kept, the rest replaced by `*`. The result always matches every ARN the input matches.
 */
export function generalizeResource(resource: string, level: number): string {
  const keep = LEVEL_SEGMENTS[Math.min(Math.max(level, 0), LEVEL_SEGMENTS.length - 1)];
  if (resource === '*' || keep === Number.POSITIVE_INFINITY) return resource;
  // `arn:partition:service:region:account:` is the prefix; the rest is the resource part. Found by index, not
  // by splitting: this runs for every resource added to a generalized cell (S3 keys: most calls).
  let prefixEnd = -1;
  if (resource.startsWith('arn:')) {
    let colon = 3; // the colon of `arn:`
    for (let n = 1; n < 5 && colon >= 0; n++) colon = resource.indexOf(':', colon + 1);
    if (colon >= 0) prefixEnd = colon + 1;
  }
  if (prefixEnd < 0) return keep === 0 ? '*' : resource;
  if (keep === 0) return `${resource.slice(0, prefixEnd)}*`;
  // Keep `keep` segments: cut at the keep-th `/` of the resource part (fewer slashes: nothing to cut).
  let slash = prefixEnd - 1;
  for (let n = 0; n < keep; n++) {
    slash = resource.indexOf('/', slash + 1);
    if (slash < 0) return resource;
  }
  return `${resource.slice(0, slash)}/*`;
}
