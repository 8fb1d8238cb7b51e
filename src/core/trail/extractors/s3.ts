/**
 * Amazon S3 resources from `requestParameters` (`bucketName`, `key`, `x-amz-copy-source`, DeleteObjects'
 * `delete` list). S3 ARNs have no region or account: `arn:P:s3:::BUCKET[/KEY]`.
 */

import { arn, firstStr, fromIdRules, str, stringsAt, uniq, type ExtractContext, type IdRule } from './common.js';

const DELETE_KEY_PATHS = ['delete.Object[].Key', 'delete.object[].key', 'delete.objects[].key', 'delete.Objects[].Key'];

/**
 * S3 Control resources (access points, Object Lambda access points, Batch Operations jobs, Storage Lens,
 * Access Grants, Multi-Region Access Point requests), in the account of `x-amz-account-id` when recorded.
 * Member names follow the S3 Control API reference (URI labels), lower camel case.
 */
function controlRes(service: string, prefix: string) {
  return (v: string, ctx: ExtractContext) => arn(ctx, service, `${prefix}${v}`, { account: str(ctx.params['x-amz-account-id']) ?? ctx.account });
}

const CONTROL_RULES: readonly IdRule[] = [
  { path: 'name', build: controlRes('s3-object-lambda', 'accesspoint/'), ops: /ForObjectLambda$/ },
  { path: 'name', build: controlRes('s3', 'accesspoint/'), ops: /^(Create|Delete|Get|Put)AccessPoint(Policy|PolicyStatus|Scope)?$/ },
  { path: 'name', build: controlRes('s3', 'storage-lens-group/'), ops: /StorageLensGroup$/ },
  { path: 'id', build: controlRes('s3', 'job/'), ops: /Job(Tagging|Priority|Status)?$/ },
  { path: 'configId', build: controlRes('s3', 'storage-lens/'), ops: /StorageLens(Configuration|ConfigurationTagging|Dashboard)$/ },
  { path: 'accessGrantId', build: controlRes('s3', 'access-grants/default/grant/') },
  { path: 'accessGrantsLocationId', build: controlRes('s3', 'access-grants/default/location/') },
  { path: 'requestTokenARN' },
];

/**
 * Bucket and object ARNs a call addresses; DeleteObjects without per-key detail gives `bucket/*`; S3 Control
 * resources by the rules above; the account's one Access Grants instance for its instance calls.
 */
export function s3Resources(ctx: ExtractContext): string[] {
  const p = ctx.params;
  const control = fromIdRules(ctx, CONTROL_RULES);
  // An account has at most one Access Grants instance per Region, always named `default`.
  // (Every alternative contains `AccessGrant`: the substring test spares object calls the regex.)
  if (ctx.operation.includes('AccessGrant') && /AccessGrantsInstance|AccessGrantsIdentityCenter|^(Create|Delete|Get|Update)AccessGrantsLocation$|^(Create|Delete|Get)AccessGrant$/.test(ctx.operation)) {
    control.push(controlRes('s3', 'access-grants/default')('', ctx));
  }
  const bucket = firstStr(p, 'bucketName', 'bucket', 'Bucket');
  if (!bucket) return uniq(control);
  const base = `arn:${ctx.partition}:s3:::${bucket}`;
  const out = [base];
  const key = firstStr(p, 'key', 'Key');
  if (key !== undefined) out.push(`${base}/${key}`);
  if (ctx.operation === 'DeleteObjects') {
    const keys = DELETE_KEY_PATHS.flatMap((path) => stringsAt(p, path));
    if (keys.length > 0) out.push(...keys.map((k) => `${base}/${k}`));
    else out.push(`${base}/*`);
  }
  if (control.length > 0) out.push(...control);
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

/**
 * S3 Express One Zone (directory buckets, prefix `s3express`): `bucketName` → `arn:P:s3express:R:A:bucket/NAME`;
 * directory-bucket access point calls `name` → `accesspoint/NAME`.
 */
export function s3ExpressResources(ctx: ExtractContext): string[] {
  const out: string[] = [];
  const bucket = firstStr(ctx.params, 'bucketName', 'bucket', 'Bucket');
  if (bucket) out.push(arn(ctx, 's3express', `bucket/${bucket}`));
  const ap = /AccessPoint/.test(ctx.operation) ? str(ctx.params.name) : undefined;
  if (ap) out.push(ap.startsWith('arn:') ? ap : arn(ctx, 's3express', `accesspoint/${ap}`, { account: str(ctx.params['x-amz-account-id']) ?? ctx.account }));
  return uniq(out);
}
