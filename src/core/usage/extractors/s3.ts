/**
 * Amazon S3 resources from `requestParameters` (`bucketName`, `key`, `x-amz-copy-source`, DeleteObjects'
 * `delete` list). S3 ARNs have no region or account: `arn:P:s3:::BUCKET[/KEY]`.
 */

import { arn, firstStr, stringsAt, uniq, type ExtractContext } from './common.js';

const DELETE_KEY_PATHS = ['delete.Object[].Key', 'delete.object[].key', 'delete.objects[].key', 'delete.Objects[].Key'];

/** Bucket and object ARNs a call addresses; DeleteObjects without per-key detail gives `bucket/*`. */
export function s3Resources(ctx: ExtractContext): string[] {
  const p = ctx.params;
  const bucket = firstStr(p, 'bucketName', 'bucket', 'Bucket');
  if (!bucket) return [];
  const base = `arn:${ctx.partition}:s3:::${bucket}`;
  const out = [base];
  const key = firstStr(p, 'key', 'Key');
  if (key !== undefined) out.push(`${base}/${key}`);
  if (ctx.operation === 'DeleteObjects') {
    const keys = DELETE_KEY_PATHS.flatMap((path) => stringsAt(p, path));
    if (keys.length > 0) out.push(...keys.map((k) => `${base}/${k}`));
    else out.push(`${base}/*`);
  }
  return uniq(out);
}

/**
 * The source object of CopyObject/UploadPartCopy from `x-amz-copy-source` (`bucket/key[?versionId=...]`,
 * possibly URL-encoded and with a leading `/`, or an access-point ARN form which is kept as given).
 */
export function s3CopySource(ctx: ExtractContext): string[] {
  const raw = firstStr(ctx.params, 'x-amz-copy-source', 'copySource', 'CopySource');
  if (!raw) return [];
  const noQuery = raw.split('?')[0]!;
  let decoded = noQuery;
  try {
    decoded = decodeURIComponent(noQuery);
  } catch {
    // Not URL-encoded (or malformed escapes): use the text as recorded.
  }
  decoded = decoded.replace(/^\/+/, '');
  if (decoded.startsWith('arn:')) {
    // arn:P:s3:R:A:accesspoint/NAME/object/KEY — already the resource ARN.
    return [decoded];
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) return [];
  return [`arn:${ctx.partition}:s3:::${decoded}`];
}

/** S3 Express One Zone (directory buckets, prefix `s3express`): `bucketName` → `arn:P:s3express:R:A:bucket/NAME`. */
export function s3ExpressResources(ctx: ExtractContext): string[] {
  const bucket = firstStr(ctx.params, 'bucketName', 'bucket', 'Bucket');
  return bucket ? [arn(ctx, 's3express', `bucket/${bucket}`)] : [];
}
