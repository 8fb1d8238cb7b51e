/**
 * Resource ARNs from `requestParameters` for SQS, SNS, KMS, Secrets Manager, SSM Parameter Store, Lambda,
 * STS, EventBridge, Step Functions, Kinesis and CloudWatch Logs. Shapes follow the services' CloudTrail
 * pages and API references (catalog-notes §3e).
 */

import { arn, arnParts, firstStr, isArn, str, stringsAt, uniq, valuesAt, type ExtractContext } from './common.js';

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

/** One SSM parameter name (with or without a leading `/`, or an ARN) → parameter ARN. */
export function ssmParameterArn(ctx: ExtractContext, name: string): string {
  if (isArn(name)) return name;
  return arn(ctx, 'ssm', `parameter/${name.replace(/^\/+/, '')}`);
}

/**
 * SSM Parameter Store: `name`, `names[]`, and GetParametersByPath `path` → both the path's own ARN and
 * `path/*` (the hierarchy below it), so a narrowed grant covers either form of the check.
 */
export function ssmResources(ctx: ExtractContext): string[] {
  const p = ctx.params;
  const out: string[] = [];
  const name = str(p.name);
  if (name) out.push(ssmParameterArn(ctx, name));
  out.push(...stringsAt(p, 'names[]').map((n) => ssmParameterArn(ctx, n)));
  const path = str(p.path);
  if (path) {
    const base = ssmParameterArn(ctx, path.replace(/\/+$/, ''));
    out.push(base, `${base}/*`);
  }
  return uniq(out);
}

/**
 * One Lambda function reference (name, `ACCOUNT:function:NAME`, full ARN, each optionally `:QUALIFIER`) →
 * function ARN; `qualifier` (the request parameter) is appended when the reference has none.
 */
export function lambdaFunctionArn(ctx: ExtractContext, ref: string, qualifier?: string): string {
  let out: string;
  if (isArn(ref)) out = ref;
  else {
    const partial = /^(\d{12}):function:(.+)$/.exec(ref);
    if (partial) out = arn(ctx, 'lambda', `function:${partial[2]}`, { account: partial[1]! });
    else out = arn(ctx, 'lambda', `function:${ref.replace(/^function:/, '')}`);
  }
  const qualified = /:function:[^:]+:[^:]+$/.test(out);
  return qualifier && !qualified ? `${out}:${qualifier}` : out;
}

/** Lambda: `functionName` (+ `qualifier`), layer `layerName`+`versionNumber`, GetLayerVersionByArn `arn`, `resource`. */
export function lambdaResources(ctx: ExtractContext): string[] {
  const p = ctx.params;
  const out: string[] = [];
  const fn = str(p.functionName);
  if (fn) out.push(lambdaFunctionArn(ctx, fn, str(p.qualifier)));
  const layer = str(p.layerName);
  if (layer) {
    const layerArn = isArn(layer) ? layer : arn(ctx, 'lambda', `layer:${layer}`);
    const v = p.versionNumber;
    out.push(typeof v === 'number' || typeof v === 'string' ? `${layerArn}:${v}` : layerArn);
  }
  if (ctx.operation === 'GetLayerVersionByArn') {
    const a = str(p.arn);
    if (a) out.push(a);
  }
  const res = str(p.resource);
  if (res && isArn(res)) out.push(res);
  return uniq(out);
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
  return out;
}

/** Bus name from a name or an event-bus ARN. */
function busName(v: string): string {
  const m = /:event-bus\/(.+)$/.exec(v);
  return m ? m[1]! : v;
}

/**
 * EventBridge: PutEvents `entries[].eventBusName` (absent = `default`); rule calls `name`/`rule` +
 * `eventBusName` → `rule/NAME` on the default bus, `rule/BUS/NAME` otherwise; bus calls `name`.
 */
export function eventsResources(ctx: ExtractContext): string[] {
  const p = ctx.params;
  const out: string[] = [];
  if (ctx.operation === 'PutEvents') {
    const entries = valuesAt(p, 'entries[]');
    for (const e of entries) {
      const bus = typeof e === 'object' && e !== null ? str((e as Record<string, unknown>).eventBusName) : undefined;
      out.push(bus && isArn(bus) ? bus : arn(ctx, 'events', `event-bus/${bus ?? 'default'}`));
    }
    if (entries.length === 0) out.push(arn(ctx, 'events', 'event-bus/default'));
    return uniq(out);
  }
  const bus = str(p.eventBusName);
  const rule = str(p.rule) ?? (/Rule$/.test(ctx.operation) ? str(p.name) : undefined);
  if (rule) {
    if (isArn(rule)) out.push(rule);
    else {
      const b = bus ? busName(bus) : 'default';
      out.push(arn(ctx, 'events', b === 'default' ? `rule/${rule}` : `rule/${b}/${rule}`));
    }
  }
  if (/EventBus$/.test(ctx.operation)) {
    const name = str(p.name);
    if (name) out.push(isArn(name) ? name : arn(ctx, 'events', `event-bus/${name}`));
  } else if (bus && !rule) out.push(isArn(bus) ? bus : arn(ctx, 'events', `event-bus/${bus}`));
  const res = str(p.resourceARN) ?? str(p.resourceArn);
  if (res) out.push(res);
  return uniq(out);
}

/** Step Functions: ARNs as given (`stateMachineArn`, `executionArn`, `activityArn`, `mapRunArn`, `resourceArn`). SendTask* carry only a token. */
export function statesResources(ctx: ExtractContext): string[] {
  const p = ctx.params;
  return uniq(['stateMachineArn', 'executionArn', 'activityArn', 'mapRunArn', 'resourceArn'].map((k) => str(p[k])).filter((x): x is string => !!x && isArn(x)));
}

/** Kinesis: `streamName` → stream ARN; `streamARN`, `consumerARN` as given. GetRecords has only a shard iterator. */
export function kinesisResources(ctx: ExtractContext): string[] {
  const p = ctx.params;
  const out: string[] = [];
  const arnGiven = str(p.streamARN) ?? str(p.streamArn);
  if (arnGiven) out.push(arnGiven);
  const name = str(p.streamName);
  if (name) out.push(arn(ctx, 'kinesis', `stream/${name}`));
  const consumer = str(p.consumerARN) ?? str(p.consumerArn);
  if (consumer) out.push(consumer);
  return uniq(out);
}

/** A log group name or ARN (the IAM-style `:*` suffix removed) → log-group ARN. */
function logGroupArn(ctx: ExtractContext, ref: string): string {
  if (isArn(ref)) return ref.replace(/:\*$/, '');
  return arn(ctx, 'logs', `log-group:${ref}`);
}

/** CloudWatch Logs: `logGroupName`/`logGroupIdentifier` (+ `logStreamName`), `logGroupNames[]`, `resourceArn`. */
export function logsResources(ctx: ExtractContext): string[] {
  const p = ctx.params;
  const out: string[] = [];
  const group = str(p.logGroupName) ?? str(p.logGroupIdentifier);
  if (group) {
    const g = logGroupArn(ctx, group);
    out.push(g);
    const stream = str(p.logStreamName);
    if (stream) out.push(`${g}:log-stream:${stream}`);
  }
  out.push(...stringsAt(p, 'logGroupNames[]').map((n) => logGroupArn(ctx, n)));
  out.push(...stringsAt(p, 'logGroupIdentifiers[]').map((n) => logGroupArn(ctx, n)));
  const res = str(p.resourceArn);
  if (res) out.push(logGroupArn(ctx, res));
  return uniq(out);
}

/** Cross-Region inference profile ids start with a geography (`us.`, `eu.`, `apac.`, `global.`, ...). */
const INFERENCE_PROFILE_ID = /^(us|eu|apac|global|us-gov|jp|au|ca)\.[a-z0-9-]+\./;

/**
 * Bedrock `modelId`: an ARN as given; a cross-Region inference profile id → `inference-profile/ID` in the
 * caller's account; otherwise a foundation model → `arn:P:bedrock:R::foundation-model/ID` (no account).
 */
export function bedrockResources(ctx: ExtractContext): string[] {
  const out: string[] = [];
  const model = str(ctx.params.modelId);
  if (model) {
    if (isArn(model)) out.push(model);
    else if (INFERENCE_PROFILE_ID.test(model)) out.push(arn(ctx, 'bedrock', `inference-profile/${model}`));
    else out.push(arn(ctx, 'bedrock', `foundation-model/${model}`, { account: '' }));
  }
  return out;
}

/** The guardrail of a model invocation (`guardrailIdentifier`, or `guardrailConfig.guardrailIdentifier` for Converse). */
export function bedrockGuardrail(ctx: ExtractContext): string[] {
  const id = str(ctx.params.guardrailIdentifier) ?? stringsAt(ctx.params, 'guardrailConfig.guardrailIdentifier')[0];
  if (!id) return [];
  return [isArn(id) ? id : arn(ctx, 'bedrock', `guardrail/${id}`)];
}
