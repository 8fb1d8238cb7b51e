/**
 * Lambda's event source pollers: for SQS, Kinesis, DynamoDB streams and Amazon MSK, Lambda itself reads the
 * source with the function's execution role, in sessions that need not carry the function's name. A split role
 * must keep these calls with the function whose trigger they serve, or the function stops receiving events.
 *
 * The actions are those of AWS's managed policies for each trigger (AWS Managed Policy reference pages
 * "AWSLambdaSQSQueueExecutionRole", "AWSLambdaKinesisExecutionRole", "AWSLambdaDynamoDBExecutionRole",
 * "AWSLambdaMSKExecutionRole", read 2026-12-07) plus `sqs:ChangeMessageVisibility`, which Lambda's SQS poller
 * calls on retries ("Creating and configuring an Amazon SQS event source mapping", AWS Lambda Developer Guide).
 */

import type { EventSourceMapping } from '../ports/function-directory.js';

export type { EventSourceMapping };

/** Actions Lambda's pollers call on an event source, by the service of the source ARN. */
export const POLLER_ACTIONS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  sqs: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'],
  kinesis: [
    'kinesis:DescribeStream',
    'kinesis:DescribeStreamSummary',
    'kinesis:GetRecords',
    'kinesis:GetShardIterator',
    'kinesis:ListShards',
    'kinesis:ListStreams',
    'kinesis:SubscribeToShard',
  ],
  dynamodb: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'],
  kafka: ['kafka:DescribeCluster', 'kafka:DescribeClusterV2', 'kafka:GetBootstrapBrokers'],
});

/** The service of an ARN (`arn:aws:sqs:…` → `sqs`), or undefined. */
function serviceOf(arn: string): string | undefined {
  return /^arn:[^:]+:([^:]+):/.exec(arn)?.[1];
}

/**
 * The functions whose trigger a call serves: a poller action of the source's service on that source (a Kinesis
 * consumer ARN under the stream counts as the stream). Several functions on one source each need the call's
 * permission, so each is named (sorted); none: not a poller's call.
 */
export function pollerOwners(action: string, resource: string, mappings: readonly EventSourceMapping[]): string[] {
  const owners = new Set<string>();
  for (const m of mappings) {
    const service = serviceOf(m.sourceArn);
    if (!service || !(POLLER_ACTIONS[service] ?? []).some((a) => a.toLowerCase() === action.toLowerCase())) continue;
    if (resource === m.sourceArn || resource.startsWith(`${m.sourceArn}/consumer/`)) owners.add(m.functionName);
  }
  return [...owners].sort();
}
