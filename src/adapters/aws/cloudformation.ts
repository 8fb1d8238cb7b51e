/**
 * Reference values from a deployed CloudFormation stack (issue 10 §2): what `Ref` and `Fn::GetAtt` of a
 * template (or of a SAM or serverless file, deployed as a stack) stand for, read through `DescribeStacks` and
 * `ListStackResources` (paged with NextToken).
 *
 * - `Ref:LOGICAL` of a resource is its PhysicalResourceId: the value `Ref` returns for a resource ("a value that
 *   you use to identify that resource", CloudFormation User Guide, "Ref"), and what ListStackResources lists as
 *   "the name or unique identifier that corresponds to a physical instance ID of the resource" (API Reference,
 *   StackResourceSummary).
 * - `Ref:PARAM` is the parameter's value as the stack holds it, the SSM parameter's value for an SSM parameter
 *   type (ResolvedValue); a NoEcho parameter (masked with asterisks) and a value that may be a list are skipped.
 * - Pseudo parameters come from the stack's ARN: `Ref:AWS::AccountId`, `Ref:AWS::Region`, `Ref:AWS::Partition`,
 *   `Ref:AWS::StackName`, `Ref:AWS::StackId` (User Guide, "Pseudo parameters reference", 2023-04-10), and for
 *   serverless files the `aws:accountId` and `aws:region` variables.
 * - `GetAtt:LOGICAL.ATTRIBUTE` where the physical id and the resource type determine it: {@link GET_ATT}.
 *   A SAM `AWS::Serverless::Function` (or `SimpleTable`) is already an `AWS::Lambda::Function` (an
 *   `AWS::DynamoDB::Table`) of the same logical id in the deployed stack, so SAM references resolve the same way.
 *
 * Clients use the shared configuration (`config.ts`: timeouts, bounded retries with backoff); errors are
 * AwsAdapterError naming the action and the stack.
 */

import { parseRoleArn } from '../../core/catalog/arn.js';
import {
  type CloudFormationClient,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  type Stack,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import { mayBeList, type ReferenceSource, type SkippedReference } from '../../core/iac/resolve.js';
import { AwsAdapterError, awsErrorName, callAws, toAwsError } from './errors.js';

/** The part of the CloudFormation client this adapter uses. */
export type CloudFormationSender = Pick<CloudFormationClient, 'send'>;

/** Options of {@link readStackReferences}. */
export interface StackReferenceOptions {
  /** Named profile in use, for the credentials hint of errors. */
  profile?: string;
  /**
   * ARNs known from elsewhere (the role being trimmed, `--role ARN`): an `AWS::IAM::Role`'s `GetAtt … Arn`
   * resolves only through one of these, because a role's ARN holds its path, which the stack does not show.
   */
  knownArns?: readonly string[];
}

/**
 * The reference values of the stack `stackName` (a name or a stack ARN) in the client's Region. Throws
 * AwsAdapterError: `not-found` when there is no such stack, `access-denied` naming
 * `cloudformation:DescribeStacks` / `cloudformation:ListStackResources`, and the shared network and throttling
 * errors.
 */
export async function readStackReferences(
  client: CloudFormationSender,
  stackName: string,
  opts: StackReferenceOptions = {},
): Promise<ReferenceSource> {
  const stack = await describeStack(client, stackName, opts.profile);
  const resources = await listStackResources(client, stack.StackId ?? stackName, opts.profile);
  return stackReferenceValues(stack, resources, opts.knownArns ?? []);
}

async function describeStack(client: CloudFormationSender, stackName: string, profile?: string): Promise<Stack> {
  const ctx = { action: 'cloudformation:DescribeStacks', resource: `stack ${stackName}`, profile };
  try {
    const out = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = out.Stacks?.[0];
    if (stack) return stack;
  } catch (err) {
    // CloudFormation answers a missing stack with a ValidationError "Stack with id X does not exist".
    const missing = awsErrorName(err) === 'ValidationError' && /does not exist/i.test(err instanceof Error ? err.message : '');
    if (!missing) throw toAwsError(err, ctx);
  }
  throw new AwsAdapterError({
    code: 'not-found',
    message: `No CloudFormation stack ${JSON.stringify(stackName)} in this account and Region.`,
    hint: 'Check the stack name (or give its ARN), the account (--profile) and the Region (--region).',
    action: ctx.action,
    resource: stackName,
  });
}

/** Every resource of the stack, following NextToken until the last page. */
async function listStackResources(client: CloudFormationSender, stackId: string, profile?: string): Promise<StackResourceSummary[]> {
  const ctx = { action: 'cloudformation:ListStackResources', resource: `stack ${stackId}`, profile };
  const all: StackResourceSummary[] = [];
  const tokens = new Set<string>();
  let next: string | undefined;
  do {
    const page = await callAws(ctx, () => client.send(new ListStackResourcesCommand({ StackName: stackId, NextToken: next })));
    all.push(...(page.StackResourceSummaries ?? []));
    next = page.NextToken || undefined;
    // A token seen before would page forever: a broken endpoint, reported rather than looped on.
    if (next !== undefined && tokens.has(next)) {
      throw new AwsAdapterError({ code: 'aws-error', message: `ListStackResources returned the same NextToken twice for stack ${stackId}.`, hint: 'Check --endpoint-url; rerun with --debug.', action: ctx.action, resource: stackId });
    }
    if (next !== undefined) tokens.add(next);
  } while (next !== undefined);
  return all;
}

/** What the stack's ARN says: `arn:PARTITION:cloudformation:REGION:ACCOUNT:stack/NAME/ID`. */
export interface StackPlace {
  partition: string;
  region: string;
  account: string;
}

/** The partition, Region and account of a stack ARN, or undefined when it is not one. */
export function stackPlace(stackId: string): StackPlace | undefined {
  const m = /^arn:([a-z-]+):cloudformation:([a-z0-9-]+):(\d{12}):stack\//.exec(stackId);
  return m ? { partition: m[1]!, region: m[2]!, account: m[3]! } : undefined;
}

/** One attribute of a resource type from its physical id; undefined when the id is not of the expected shape. */
type AttributeRule = (physicalId: string, at: StackPlace) => string | undefined;

/**
 * `Fn::GetAtt` attributes that the physical id and the resource type determine, per type. What each attribute
 * is comes from the "Return values" section of the type's page in the CloudFormation User Guide (as of the dates
 * given, awsdocs/aws-cloudformation-user-guide); the ARN layouts are the resource types' ARN formats in the
 * Service Authorization Reference (also in data/iam/catalog.json, which a test checks them against).
 */
export const GET_ATT: Readonly<Record<string, Readonly<Record<string, AttributeRule>>>> = {
  // "AWS::S3::Bucket" (2023-08-07): Ref is the bucket name; Arn e.g. arn:aws:s3:::DOC-EXAMPLE-BUCKET.
  'AWS::S3::Bucket': { Arn: (id, p) => `arn:${p.partition}:s3:::${id}` },
  // "AWS::DynamoDB::Table" (2023-09-11): Ref is the table name; Arn e.g. arn:aws:dynamodb:us-east-2:123456789012:table/myDynamoDBTable.
  'AWS::DynamoDB::Table': { Arn: (id, p) => `arn:${p.partition}:dynamodb:${p.region}:${p.account}:table/${id}` },
  // "AWS::SQS::Queue" (2023-08-07): Ref is the queue URL; Arn arn:aws:sqs:REGION:ACCOUNT:NAME; QueueName; QueueUrl.
  'AWS::SQS::Queue': {
    Arn: (id, p) => {
      const q = queueParts(id);
      return q && `arn:${p.partition}:sqs:${p.region}:${q.account}:${q.name}`;
    },
    QueueName: (id) => queueParts(id)?.name,
    QueueUrl: (id) => id,
  },
  // "AWS::SNS::Topic" (2023-08-07): Ref is the topic ARN; TopicArn; TopicName.
  'AWS::SNS::Topic': { TopicArn: (id) => (id.startsWith('arn:') ? id : undefined), TopicName: (id) => (id.startsWith('arn:') ? id.split(':')[5] : undefined) },
  // "AWS::Lambda::Function" (2023-08-01): Ref is the function name; Arn is the function's ARN.
  'AWS::Lambda::Function': { Arn: (id, p) => `arn:${p.partition}:lambda:${p.region}:${p.account}:function:${id}` },
  // "AWS::KMS::Key" (2023-08-25): Ref is the key ID; Arn e.g. arn:aws:kms:us-west-2:111122223333:key/1234abcd-…; KeyId.
  'AWS::KMS::Key': { Arn: (id, p) => `arn:${p.partition}:kms:${p.region}:${p.account}:key/${id}`, KeyId: (id) => id },
  // "AWS::SecretsManager::Secret" (2023-07-02): Ref is the secret's ARN; Id is "the ARN of the secret".
  'AWS::SecretsManager::Secret': { Id: (id) => (id.startsWith('arn:') ? id : undefined) },
};

/** Account and name of a queue URL `https://sqs.REGION.amazonaws.com/ACCOUNT/NAME` (any host: legacy ones differ). */
function queueParts(url: string): { account: string; name: string } | undefined {
  const m = /^https?:\/\/[^/]+\/(\d{12})\/([^/?#]+)$/.exec(url);
  return m ? { account: m[1]!, name: m[2]! } : undefined;
}

/**
 * The reference values of a described stack and its resources (pure: the part of {@link readStackReferences}
 * that needs no network). `knownArns`: see {@link StackReferenceOptions}.
 */
export function stackReferenceValues(stack: Stack, resources: readonly StackResourceSummary[], knownArns: readonly string[] = []): ReferenceSource {
  const values = new Map<string, string>();
  const skipped: SkippedReference[] = [];
  const name = stack.StackName ?? '';
  const place = stack.StackId ? stackPlace(stack.StackId) : undefined;
  if (place) addPseudo(values, place, name, stack.StackId!);
  addParameters(values, skipped, stack);
  for (const r of resources) addResource(values, skipped, r, place, knownArns);
  return { name: `stack ${name}${place ? ` (${place.region})` : ''}`, values, skipped };
}

function addPseudo(values: Map<string, string>, place: StackPlace, stackName: string, stackId: string): void {
  values.set('Ref:AWS::AccountId', place.account);
  values.set('Ref:AWS::Region', place.region);
  values.set('Ref:AWS::Partition', place.partition);
  values.set('Ref:AWS::StackName', stackName);
  values.set('Ref:AWS::StackId', stackId);
  // serverless's `aws` variable source has exactly these two (see core/iac/serverless-editor.ts).
  values.set('aws:accountId', place.account);
  values.set('aws:region', place.region);
}

/**
 * The stack's parameter values. A NoEcho parameter is "masked as asterisks (*****)" in any call that describes the
 * stack (User Guide, "Parameters", 2023-08-01); moto masks with four, so any run of three or more is taken as a mask.
 */
function addParameters(values: Map<string, string>, skipped: SkippedReference[], stack: Stack): void {
  for (const p of stack.Parameters ?? []) {
    if (!p.ParameterKey) continue;
    const key = `Ref:${p.ParameterKey}`;
    const value = p.ResolvedValue ?? p.ParameterValue;
    if (value === undefined) continue;
    if (/^\*{3,}$/.test(value)) skipped.push({ key, reason: 'a NoEcho parameter: the stack shows it masked' });
    else if (mayBeList(value)) skipped.push({ key, reason: 'the value holds a comma, so the parameter may be a list' });
    else values.set(key, value);
  }
}

function addResource(
  values: Map<string, string>,
  skipped: SkippedReference[],
  r: StackResourceSummary,
  place: StackPlace | undefined,
  knownArns: readonly string[],
): void {
  const logical = r.LogicalResourceId;
  const id = r.PhysicalResourceId;
  // A resource being deleted or never created has no physical id worth resolving to.
  if (!logical || !id || r.ResourceStatus?.startsWith('DELETE_')) return;
  values.set(`Ref:${logical}`, id);
  const type = r.ResourceType ?? '';
  if (type === 'AWS::IAM::Role') {
    const arn = knownArns.find((a) => roleArnNames(a, id) && (!place || a.split(':')[4] === place.account));
    if (arn) values.set(`GetAtt:${logical}.Arn`, arn);
    else skipped.push({ key: `GetAtt:${logical}.Arn`, reason: "a role's ARN holds its path, which the stack does not show" });
    return;
  }
  const rules = GET_ATT[type];
  if (!rules || !place) return;
  for (const [attribute, rule] of Object.entries(rules)) {
    const value = rule(id, place);
    if (value !== undefined) values.set(`GetAtt:${logical}.${attribute}`, value);
  }
}

/** Whether `arn` is the ARN of the role named `name` (any path): `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`. */
function roleArnNames(arn: string, name: string): boolean {
  return parseRoleArn(arn)?.name === name;
}
