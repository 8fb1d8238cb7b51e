/**
 * Which top-level `requestParameters` keys the normalizer reads, declared next to the extractors that read them:
 * the per-service extractors (REQUEST_EXTRACTORS), the named extractors (NAMED_EXTRACTORS) and the DynamoDB
 * splitters, by IAM prefix; the conditional table's triggers and `arnAt` paths are read off the table itself.
 * A source that aggregates records before they are normalized (Athena) keeps only these keys, so a record
 * rebuilt from its aggregate normalizes exactly as the original did. `test/athena/athena-request-keys.test.ts` proves
 * it over the fixtures and corpora: every record normalizes the same with its parameters cut to these keys.
 * Adding a parameter to an extractor means adding its top-level key here (that test fails until it is).
 */
import type { ConditionalTable, Trigger } from '../tables.js';

/** The buckets' and objects' keys S3's extractors read (`s3.ts`: bucket, key, copy source, control-plane ids). */
const S3_KEYS = [
  'bucketName', 'bucket', 'Bucket', 'key', 'Key', 'delete', 'name', 'id', 'configId', 'accessGrantId',
  'accessGrantsLocationId', 'requestTokenARN', 'x-amz-account-id', 'x-amz-copy-source', 'copySource', 'CopySource',
];

/** Top-level request keys read per IAM prefix (extractors of `extractors/*.ts`, incl. the named ones). */
export const REQUEST_KEYS: Readonly<Record<string, readonly string[]>> = {
  s3: S3_KEYS,
  s3express: ['bucketName', 'bucket', 'Bucket', 'name', 'x-amz-account-id'],
  dynamodb: [
    'tableName', 'TableName', 'tableArn', 'indexName', 'IndexName', 'streamArn', 'StreamArn', 'resourceArn', 'ResourceArn',
    'backupArn', 'exportArn', 'importArn', 'globalTableName', 'replicationGroup', 'replicaUpdates', 'requestItems',
    'RequestItems', 'transactItems', 'statement', 'statements', 'transactStatements',
  ],
  sqs: ['queueUrl', 'QueueUrl', 'queueName', 'QueueName', 'queueOwnerAWSAccountId'],
  sns: ['topicArn', 'targetArn', 'resourceArn', 'subscriptionArn', 'name'],
  kms: ['keyId', 'sourceKeyId', 'destinationKeyId', 'targetKeyId', 'aliasName'],
  secretsmanager: ['secretId', 'name', 'secretIdList'],
  ssm: [
    'name', 'names', 'path', 'documentName', 'entries', 'opsItemId', 'windowId', 'windowTargetId', 'windowTaskId',
    'associationId', 'cloudConnectorId', 'syncName', 'opsMetadataArn', 'baselineId', 'instanceId',
    'automationExecutionId', 'settingId', 'sessionId', 'iamRole',
  ],
  lambda: [
    'functionName', 'qualifier', 'layerName', 'versionNumber', 'arn', 'resource', 'uUID', 'uuid', 'codeSigningConfigArn',
    'capacityProviderName', 'microvmImageName', 'networkConnectorId', 'durableExecutionArn',
  ],
  sts: ['roleArn', 'name', 'targetPrincipal'],
  events: [
    'entries', 'eventBusName', 'rule', 'name', 'archiveName', 'replayName', 'connectionArn', 'eventSourceArn', 'destination',
    'resourceARN', 'resourceArn',
  ],
  states: ['stateMachineArn', 'stateMachineAliasArn', 'stateMachineVersionArn', 'executionArn', 'activityArn', 'mapRunArn', 'resourceArn', 'name'],
  kinesis: ['streamARN', 'streamArn', 'streamName', 'consumerARN', 'consumerArn', 'keyId', 'channelARN', 'channelArn'],
  logs: [
    'logGroupName', 'logGroupIdentifier', 'logStreamName', 'logGroupNames', 'logGroupIdentifiers', 'resourceArn',
    'resourceIdentifier', 'name', 'deliverySourceName', 'deliveryDestinationArn', 'deliveryDestinationName', 'id',
    'destinationName', 'anomalyDetectorArn', 'lookupTableName', 'lookupTableArn', 'scheduledQueryId', 'identifier',
  ],
  bedrock: [
    'modelId', 'agentId', 'agentAliasId', 'flowIdentifier', 'flowAliasIdentifier', 'aliasIdentifier', 'executionIdentifier',
    'promptIdentifier', 'promptVersion', 'guardrailIdentifier', 'guardrailConfig', 'knowledgeBaseId', 'sessionIdentifier',
    'inferenceProfileIdentifier', 'provisionedModelId', 'customModelDeploymentIdentifier', 'modelIdentifier',
    'jobIdentifier', 'jobIdentifiers', 'jobArn', 'invocationArn', 'promptRouterArn', 'policyArn', 'blueprintArn',
    'projectArn', 'dataAutomationConfiguration', 'dataAutomationProfileArn', 'libraryArn', 'resourceARN', 'resourceArn',
  ],
};

/** The first segment of a `valuesAt` path (`transactItems[].put.tableName` → `transactItems`). */
export function topLevelKey(path: string): string {
  const seg = path.split('.')[0] ?? '';
  return seg.endsWith('[]') ? seg.slice(0, -2) : seg;
}

/** The paths a trigger reads. */
function triggerPaths(when: Trigger): string[] {
  if ('present' in when) return typeof when.present === 'string' ? [when.present] : [...when.present];
  if ('matches' in when) return [when.matches.path];
  if ('equals' in when) return [when.equals.path];
  return [];
}

/**
 * The top-level keys the conditional table reads for one eventSource (lower-cased), over all its operations:
 * every trigger's paths and every `arnAt` resource path.
 */
export function conditionalKeys(table: ConditionalTable, eventSource: string): string[] {
  const out = new Set<string>();
  for (const [src, ops] of Object.entries(table.conditional)) {
    if (src.toLowerCase() !== eventSource.toLowerCase()) continue;
    for (const entries of Object.values(ops)) {
      for (const c of entries) {
        for (const p of triggerPaths(c.when)) out.add(topLevelKey(p));
        if (typeof c.resource === 'object' && 'arnAt' in c.resource) {
          for (const p of Array.isArray(c.resource.arnAt) ? c.resource.arnAt : [c.resource.arnAt]) out.add(topLevelKey(p));
        }
      }
    }
  }
  return [...out];
}

/**
 * Every top-level request key the normalizer reads for calls of `prefix` logged by `eventSource`, sorted:
 * the service's extractors' keys and the conditional table's. Empty when neither reads the request.
 */
export function requestKeysFor(prefix: string, eventSource: string, conditional: ConditionalTable): string[] {
  return [...new Set([...(REQUEST_KEYS[prefix] ?? []), ...conditionalKeys(conditional, eventSource)])].filter((k) => k !== '').sort();
}
