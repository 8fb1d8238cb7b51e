/**
 * Registry of per-service request extractors (by IAM prefix) and of the named extractors the CloudTrail
 * tables refer to (`{ "extract": "s3-copy-source" }`, `"resources": { "kms:ReEncryptFrom": "kms-source-key" }`).
 */

import type { ExtractContext, RequestExtractor } from './common.js';
import { dynamodbResources } from './dynamodb.js';
import { s3CopySource, s3ExpressResources, s3Resources } from './s3.js';
import {
  bedrockGuardrail,
  bedrockResources,
  eventsResources,
  kinesisResources,
  kmsDestinationKey,
  kmsResources,
  kmsSourceKey,
  lambdaResources,
  logsResources,
  secretIdList,
  secretsManagerResources,
  snsResources,
  sqsResources,
  ssmResources,
  statesResources,
  stsResources,
} from './services.js';

export type { ExtractContext, RequestExtractor } from './common.js';
export { splitPartiql, splitTransactItems, type SplitUse } from './dynamodb.js';

/** Request extractors by IAM service prefix. */
export const REQUEST_EXTRACTORS: Readonly<Record<string, RequestExtractor>> = {
  s3: s3Resources,
  s3express: s3ExpressResources,
  dynamodb: dynamodbResources,
  sqs: sqsResources,
  sns: snsResources,
  kms: kmsResources,
  secretsmanager: secretsManagerResources,
  ssm: ssmResources,
  lambda: lambdaResources,
  sts: stsResources,
  events: eventsResources,
  states: statesResources,
  kinesis: kinesisResources,
  logs: logsResources,
  bedrock: bedrockResources,
};

/** Extractors the tables name for one action's resources. */
export const NAMED_EXTRACTORS: Readonly<Record<string, RequestExtractor>> = {
  's3-copy-source': s3CopySource,
  's3-destination-object': s3DestinationObject,
  'kms-source-key': kmsSourceKey,
  'kms-destination-key': kmsDestinationKey,
  'secretsmanager-secret-id-list': secretIdList,
  'bedrock-guardrail': bedrockGuardrail,
};

/**
 * The object a CopyObject/UploadPartCopy writes (`bucketName` + `key`): the only resource its `s3:PutObject` is
 * authorized on, even when `resources[]` also lists the copy source (Amazon S3 API Reference, CopyObject:
 * "s3:PutObject on the destination, s3:GetObject on the source").
 */
function s3DestinationObject(ctx: ExtractContext): string[] {
  return s3Resources(ctx).filter((a) => a.indexOf('/') > 0 && !a.endsWith('/*'));
}

/** Candidate ARNs from `requestParameters` for a call to `prefix` (empty when no extractor knows the service). */
export function requestResources(prefix: string, ctx: ExtractContext): string[] {
  const ex = REQUEST_EXTRACTORS[prefix];
  return ex ? ex(ctx) : [];
}
