/**
 * In-memory fakes for trim tests.
 *
 * fakeKnowledge() behaviour spec (a small, hand-picked subset of what data/cloudtrail says, enough for trim):
 * - data events: S3 object actions → AWS::S3::Object; DynamoDB item actions → AWS::DynamoDB::Table;
 *   SQS message actions → AWS::SQS::Queue; lambda:InvokeFunction → AWS::Lambda::Function; all others management.
 * - never logged: logs:PutLogEvents, xray:PutTraceSegments, xray:PutTelemetryRecords.
 * - secondary only: iam:PassRole.
 * - permission free: sts:GetCallerIdentity.
 * - eventSourceOf: `<prefix>.amazonaws.com`.
 * - evidence: every other management action is `documented` (source "fake documentation"); iam is `global`.
 * - possiblyNeededBy: s3:GetObject (GetObject) may need kms:Decrypt (an SSE-KMS object's key is not recorded).
 * - baseline `lambda-basic`: logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents; `lambda-xray`:
 *   xray:PutTraceSegments, xray:PutTelemetryRecords.
 *
 * smallCatalog(): a Catalog over ~30 actions of s3, dynamodb, sqs, iam, logs, xray, kms, secretsmanager with
 * resource types as in the real catalog (enough for generalization and wildcard tests; fast for properties).
 */
import type { CloudTrailKnowledge, UnobservableReason } from '../../src/core/trail/knowledge-types.js';
import type { AccessLevel, ActionInfo, Catalog } from '../../src/core/catalog/types.js';
import { ACTION_PATTERN, patternCovers } from '../../src/core/wildcard.js';
import type { ActionUsage, AttemptUsage, PrincipalUsage } from '../../src/core/usage/types.js';

const DATA: Record<string, string> = {
  's3:getobject': 'AWS::S3::Object',
  's3:getobjecttagging': 'AWS::S3::Object',
  's3:getobjectversion': 'AWS::S3::Object',
  's3:putobject': 'AWS::S3::Object',
  's3:deleteobject': 'AWS::S3::Object',
  'dynamodb:getitem': 'AWS::DynamoDB::Table',
  'dynamodb:putitem': 'AWS::DynamoDB::Table',
  'dynamodb:query': 'AWS::DynamoDB::Table',
  'dynamodb:updateitem': 'AWS::DynamoDB::Table',
  'dynamodb:deleteitem': 'AWS::DynamoDB::Table',
  'dynamodb:scan': 'AWS::DynamoDB::Table',
  'sqs:sendmessage': 'AWS::SQS::Queue',
  'sqs:receivemessage': 'AWS::SQS::Queue',
  'sqs:deletemessage': 'AWS::SQS::Queue',
  'lambda:invokefunction': 'AWS::Lambda::Function',
};
const NEVER: Record<string, string> = {
  'logs:putlogevents': 'CloudWatch Logs data-plane writes are not logged by CloudTrail (CloudWatch Logs User Guide)',
  'xray:puttracesegments': 'X-Ray trace writes are data events not recorded by trails (X-Ray Developer Guide)',
  'xray:puttelemetryrecords': 'X-Ray telemetry writes are not recorded (X-Ray Developer Guide)',
};
/** Actions the fake says CloudTrail cannot identify (like `events:PutEvents` in the real tables). */
const UNIDENTIFIABLE = new Set(['events:putevents']);

const BASELINES: Record<string, [string, string][]> = {
  'lambda-basic': [
    ['logs:CreateLogGroup', 'the Lambda service creates the function log group with the execution role'],
    ['logs:CreateLogStream', 'the Lambda service creates log streams with the execution role'],
    ['logs:PutLogEvents', 'the Lambda service writes function logs with the execution role; never logged'],
  ],
  'lambda-xray': [
    ['xray:PutTraceSegments', 'active tracing sends segments with the execution role'],
    ['xray:PutTelemetryRecords', 'active tracing sends telemetry with the execution role'],
  ],
};

/** A small CloudTrailKnowledge, see the module comment for its behaviour. */
export function fakeKnowledge(): CloudTrailKnowledge {
  return {
    dataEventTypeOf: (a) => DATA[a.toLowerCase()],
    neverLoggedReason: (a) => NEVER[a.toLowerCase()],
    secondaryOnlyReason: (a) =>
      a.toLowerCase() === 'iam:passrole' ? 'iam:PassRole is authorized as part of another call and never logged as its own event' : undefined,
    unidentifiableReason: (a) =>
      UNIDENTIFIABLE.has(a.toLowerCase()) ? 'AWS policy generation cannot identify it from CloudTrail (fake)' : undefined,
    observationEvidence: (a) =>
      DATA[a.toLowerCase()] || UNIDENTIFIABLE.has(a.toLowerCase()) ? undefined : { tier: 'documented', source: 'fake documentation' },
    scopeOf: (a) => (a.toLowerCase().startsWith('iam:') ? 'global' : 'regional'),
    possiblyNeededBy: (a, eventName) =>
      a.toLowerCase() === 's3:getobject' && eventName === 'GetObject'
        ? [{ action: 'kms:Decrypt', reason: 'an SSE-KMS object needs kms:Decrypt on its key, which the record does not name (fake)' }]
        : [],
    isPermissionFree: (a) => a.toLowerCase() === 'sts:getcalleridentity',
    eventSourceOf: (a) => `${a.split(':')[0].toLowerCase()}.amazonaws.com`,
    baseline: (name): UnobservableReason[] =>
      (BASELINES[name] ?? []).map(([action, reason]) => ({ action, code: 'baseline', reason })),
    baselineNames: () => Object.keys(BASELINES).sort(),
  };
}

type Def = [string, AccessLevel, string[]];
const ACTIONS: Def[] = [
  ['s3:GetObject', 'Read', ['object']],
  ['s3:GetObjectTagging', 'Read', ['object']],
  ['s3:GetObjectVersion', 'Read', ['object']],
  ['s3:PutObject', 'Write', ['object']],
  ['s3:DeleteObject', 'Write', ['object']],
  ['s3:ListBucket', 'List', ['bucket']],
  ['s3:DeleteBucket', 'Write', ['bucket']],
  ['s3:PutBucketPolicy', 'Permissions management', ['bucket']],
  ['s3:ListAllMyBuckets', 'List', []],
  ['dynamodb:GetItem', 'Read', ['table']],
  ['dynamodb:PutItem', 'Write', ['table']],
  ['dynamodb:Query', 'Read', ['table', 'index']],
  ['dynamodb:DescribeTable', 'Read', ['table']],
  ['dynamodb:DeleteTable', 'Write', ['table']],
  ['sqs:SendMessage', 'Write', ['queue']],
  ['sqs:ReceiveMessage', 'Write', ['queue']],
  ['sqs:CreateQueue', 'Write', ['queue']],
  ['iam:PassRole', 'Write', ['role']],
  ['iam:CreateUser', 'Write', ['user']],
  ['iam:AttachRolePolicy', 'Permissions management', ['role']],
  ['logs:CreateLogGroup', 'Write', ['log-group']],
  ['logs:CreateLogStream', 'Write', ['log-group']],
  ['logs:PutLogEvents', 'Write', ['log-stream']],
  ['xray:PutTraceSegments', 'Write', []],
  ['xray:PutTelemetryRecords', 'Write', []],
  ['kms:Decrypt', 'Write', ['key']],
  ['kms:Encrypt', 'Write', ['key']],
  ['secretsmanager:GetSecretValue', 'Read', ['Secret']],
  ['secretsmanager:DescribeSecret', 'Read', ['Secret']],
];
const RESOURCE_TEMPLATES: Record<string, string> = {
  's3/object': 'arn:${Partition}:s3:::${BucketName}/${ObjectName}',
  's3/bucket': 'arn:${Partition}:s3:::${BucketName}',
  'dynamodb/table': 'arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}',
  'dynamodb/index': 'arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}/index/${IndexName}',
};

/** A small Catalog (see the module comment). */
export function smallCatalog(): Catalog {
  const infos: ActionInfo[] = ACTIONS.map(([id, accessLevel, rts]) => ({
    id,
    service: id.split(':')[0],
    name: id.split(':')[1],
    accessLevel,
    resourceTypes: rts.map((name) => ({ name, required: true })),
    conditionKeys: [],
  })).sort((a, b) => (a.id.toLowerCase() < b.id.toLowerCase() ? -1 : 1));
  const byId = new Map(infos.map((i) => [i.id.toLowerCase(), i]));
  const expand = (p: string) => infos.filter((i) => patternCovers(p, i.id, ACTION_PATTERN)).map((i) => i.id);
  return {
    info: () => ({ source: 'test', updatedAt: '2026-01-01', extraSources: [], services: 8, actions: infos.length, resourceTypes: 0, conditionKeys: 0 }),
    services: () => [...new Set(infos.map((i) => i.service))].sort(),
    serviceName: () => undefined,
    action: (id) => byId.get(id.toLowerCase()),
    actionsOf: (prefix) => infos.filter((i) => i.service === prefix.toLowerCase()),
    expandActionPattern: expand,
    expandNotAction: (patterns) => infos.filter((i) => !patterns.some((p) => patternCovers(p, i.id, ACTION_PATTERN))).map((i) => i.id),
    conditionKeyType: () => undefined,
    resourceType: (prefix, name) => {
      const t = RESOURCE_TEMPLATES[`${prefix}/${name}`];
      return t ? { service: prefix, name, arnTemplate: t, conditionKeys: [] } : undefined;
    },
    resourceTypesOfArn: () => [],
    arnFor: () => undefined,
    operationActions: () => undefined,
    identifiableFromCloudTrail: (id: string) => byId.has(id.toLowerCase()),
  };
}

/** Build one ActionUsage with sensible defaults. */
export function used(
  action: string,
  resources: string[],
  opts: { role?: 'primary' | 'secondary'; count?: number; sessions?: string[]; lastSeen?: string } = {},
): ActionUsage {
  const count = opts.count ?? resources.length;
  return {
    action,
    role: opts.role ?? 'primary',
    count,
    firstSeen: '2026-10-01T00:00:00Z',
    lastSeen: opts.lastSeen ?? '2026-10-30T12:00:00Z',
    resources: resources.map((resource) => ({ resource, count: 1, firstSeen: '2026-10-01T00:00:00Z', lastSeen: opts.lastSeen ?? '2026-10-30T12:00:00Z' })),
    sessions: opts.sessions ?? ['orders-api'],
    eventNames: [action.split(':')[1]],
  };
}

/** Build one AttemptUsage (denied). */
export function denied(action: string, resources: string[], errorCode = 'AccessDenied'): AttemptUsage {
  return {
    action,
    count: 3,
    firstSeen: '2026-10-02T00:00:00Z',
    lastSeen: '2026-10-29T00:00:00Z',
    errorCodes: [errorCode],
    resources,
    sessions: ['orders-api'],
  };
}

/** A PrincipalUsage for the test role. */
export function usageOf(usedList: ActionUsage[], deniedList: AttemptUsage[] = []): PrincipalUsage {
  return {
    principalArn: 'arn:aws:iam::123456789012:role/orders-api-role',
    used: [...usedList].sort((a, b) => (a.action < b.action ? -1 : 1)),
    denied: deniedList,
    failed: [],
    sessions: ['orders-api'],
    records: usedList.reduce((n, u) => n + u.count, 0),
  };
}
