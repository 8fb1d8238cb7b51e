/**
 * Resource ARNs from `requestParameters` for SQS, SNS, KMS, Secrets Manager, STS, Step Functions and Kinesis.
 * Shapes follow the services' CloudTrail pages and API references (catalog-notes §3e). Lambda, SSM,
 * EventBridge, CloudWatch Logs and Bedrock live in their own files and are re-exported here for the registry.
 */

import { arn, arnParts, firstStr, fromIdRules, isArn, str, stringsAt, uniq, type ExtractContext, type IdRule } from './common.js';

export { bedrockGuardrail, bedrockResources } from './bedrock.js';
export { eventsResources } from './events.js';
export { lambdaFunctionArn, lambdaResources } from './lambda.js';
export { logsResources } from './logs.js';
export { ssmParameterArn, ssmResources } from './ssm.js';

/**
 * An SQS queue URL → queue ARN. Forms: `https://sqs.REGION.amazonaws.com[.cn]/ACCOUNT/NAME`, the legacy
 * `https://REGION.queue.amazonaws.com/ACCOUNT/NAME` and `https://queue.amazonaws.com/ACCOUNT/NAME` (us-east-1).
 */
export function sqsQueueArnFromUrl(ctx: ExtractContext, url: string): string | undefined {
  const m = /^https?:\/\/([^/]+)\/(\d{12})\/([^/?#]+)/.exec(url);
  if (!m) return undefined;
  const host = m[1]!.toLowerCase();
  let region = ctx.region;
  const modern = /^sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(host);
  const legacy = /^([a-z0-9-]+)\.queue\.amazonaws\.com(\.cn)?$/.exec(host);
  if (modern) region = modern[1]!;
  else if (legacy) region = legacy[1]!;
  else if (host === 'queue.amazonaws.com') region = 'us-east-1';
  return arn(ctx, 'sqs', m[3]!, { region, account: m[2]! });
}

/** SQS: `queueUrl` (any form), `queueName` (+ `queueOwnerAWSAccountId`). */
export function sqsResources(ctx: ExtractContext): string[] {
  const p = ctx.params;
  const out: string[] = [];
  const url = firstStr(p, 'queueUrl', 'QueueUrl');
  if (url) {
    const a = sqsQueueArnFromUrl(ctx, url);
    if (a) out.push(a);
  }
  const name = firstStr(p, 'queueName', 'QueueName');
  if (name) out.push(arn(ctx, 'sqs', name, { account: firstStr(p, 'queueOwnerAWSAccountId') ?? ctx.account }));
  return uniq(out);
}

/** SNS: `topicArn`, `targetArn`, `resourceArn`, `subscriptionArn` as given; CreateTopic `name`. Phone numbers have no ARN. */
export function snsResources(ctx: ExtractContext): string[] {
  const p = ctx.params;
  const out = ['topicArn', 'targetArn', 'resourceArn', 'subscriptionArn'].flatMap((k) => stringsAt(p, k)).filter(isArn);
  if (ctx.operation === 'CreateTopic') {
    const name = str(p.name);
    if (name) out.push(arn(ctx, 'sns', name));
  }
  return uniq(out);
}

/** One KMS key reference (`keyId`: key id, key ARN, `alias/NAME`, alias ARN) → ARN. */
export function kmsKeyArn(ctx: ExtractContext, ref: string): string {
  if (isArn(ref)) return ref;
  if (ref.startsWith('alias/')) return arn(ctx, 'kms', ref);
  return arn(ctx, 'kms', `key/${ref}`);
}

/** KMS: `keyId`, `destinationKeyId`, `sourceKeyId`, `targetKeyId`. */
export function kmsResources(ctx: ExtractContext): string[] {
  const p = ctx.params;
  const refs = ['keyId', 'sourceKeyId', 'destinationKeyId', 'targetKeyId'].map((k) => str(p[k])).filter((x): x is string => !!x);
  const out = refs.map((r) => kmsKeyArn(ctx, r));
  const alias = str(p.aliasName);
  if (alias) out.push(kmsKeyArn(ctx, alias));
  return uniq(out);
}

/** ReEncrypt's source key (`sourceKeyId`), when recorded. */
export function kmsSourceKey(ctx: ExtractContext): string[] {
  const ref = str(ctx.params.sourceKeyId);
  return ref ? [kmsKeyArn(ctx, ref)] : [];
}

/** ReEncrypt's destination key (`destinationKeyId`). */
export function kmsDestinationKey(ctx: ExtractContext): string[] {
  const ref = str(ctx.params.destinationKeyId);
  return ref ? [kmsKeyArn(ctx, ref)] : [];
}

/** Secrets Manager ARNs end in `-` plus 6 random characters; a name-only id matches any suffix (`-??????`). */
const SECRET_SUFFIX = /-[A-Za-z0-9]{6}$/;

/** One secret id (name, partial ARN, or full ARN) → ARN or ARN pattern. */
export function secretArn(ctx: ExtractContext, id: string): string {
  if (isArn(id)) {
    const parts = arnParts(id);
    const name = parts?.resource.replace(/^secret:/, '') ?? '';
    return SECRET_SUFFIX.test(name) ? id : `${id}-??????`;
  }
  return arn(ctx, 'secretsmanager', `secret:${id}-??????`);
}

/** Secrets Manager: `secretId`, CreateSecret `name`, BatchGetSecretValue `secretIdList`. */
export function secretsManagerResources(ctx: ExtractContext): string[] {
  const p = ctx.params;
  const ids = [str(p.secretId), ctx.operation === 'CreateSecret' ? str(p.name) : undefined].filter((x): x is string => !!x);
  ids.push(...stringsAt(p, 'secretIdList[]'));
  return uniq(ids.map((id) => secretArn(ctx, id)));
}

/** The secrets of BatchGetSecretValue `secretIdList`. */
export function secretIdList(ctx: ExtractContext): string[] {
  return uniq(stringsAt(ctx.params, 'secretIdList[]').map((id) => secretArn(ctx, id)));
}

/** STS: AssumeRole `roleArn`; GetFederationToken `name` → federated-user ARN. */
export function stsResources(ctx: ExtractContext): string[] {
  const p = ctx.params;
  const out: string[] = [];
  const role = str(p.roleArn);
  if (role) out.push(role);
  if (ctx.operation === 'GetFederationToken') {
    const name = str(p.name);
    if (name) out.push(arn(ctx, 'sts', `federated-user/${name}`, { region: '' }));
  }
  // AssumeRoot: `targetPrincipal` is the member account whose root user the session acts as.
  const target = str(p.targetPrincipal);
  if (target && /^\d{12}$/.test(target)) out.push(arn(ctx, 'iam', 'root', { region: '', account: target }));
  return out;
}

const STATES_RULES: readonly IdRule[] = [
  ...['stateMachineArn', 'stateMachineAliasArn', 'stateMachineVersionArn', 'executionArn', 'activityArn', 'mapRunArn', 'resourceArn'].map((path) => ({ path })),
  { path: 'name', build: (v: string, ctx: ExtractContext) => arn(ctx, 'states', `activity:${v}`), ops: /^CreateActivity$/ },
  { path: 'name', build: (v: string, ctx: ExtractContext) => arn(ctx, 'states', `stateMachine:${v}`), ops: /^CreateStateMachine$/ },
];

/**
 * Step Functions: ARNs as given (state machine, possibly `:VERSION`/`:ALIAS`-qualified, which is what
 * StartExecution is then authorized on; execution, activity, map run); CreateActivity/CreateStateMachine
 * `name`. SendTask* carry only a token.
 */
export function statesResources(ctx: ExtractContext): string[] {
  return uniq(fromIdRules(ctx, STATES_RULES));
}

const KINESIS_RULES: readonly IdRule[] = [
  // StartStreamEncryption/StopStreamEncryption: the KMS key (id, ARN, or alias; an alias is not a key).
  { path: 'keyId', build: (v, ctx) => kmsKeyArn(ctx, v), ops: /StreamEncryption$/ },
  { path: 'channelARN' },
  { path: 'channelArn' },
];

/**
 * Kinesis: `streamName` → stream ARN; `streamARN`, `consumerARN` as given; the KMS key of stream encryption
 * calls. GetRecords has only a shard iterator.
 */
export function kinesisResources(ctx: ExtractContext): string[] {
  const p = ctx.params;
  const out: string[] = [];
  const arnGiven = str(p.streamARN) ?? str(p.streamArn);
  if (arnGiven) out.push(arnGiven);
  const name = str(p.streamName);
  if (name) out.push(arn(ctx, 'kinesis', `stream/${name}`));
  const consumer = str(p.consumerARN) ?? str(p.consumerArn);
  if (consumer) out.push(consumer);
  out.push(...fromIdRules(ctx, KINESIS_RULES));
  return uniq(out);
}

