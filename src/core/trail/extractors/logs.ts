/**
 * Amazon CloudWatch Logs resources from `requestParameters`. Log streams are
 * `log-group:GROUP:log-stream:STREAM`; CreateLogStream/DeleteLogStream/GetLogEvents are authorized on the
 * stream only (Service Authorization Reference). Member names follow the CloudWatch Logs API reference.
 */

import { arn, fromIdRules, isArn, str, stringsAt, uniq, type ExtractContext, type IdRule } from './common.js';

/** A log group name or ARN (the IAM-style `:*` suffix removed) → log-group ARN. */
function logGroupArn(ctx: ExtractContext, ref: string): string {
  if (isArn(ref)) return ref.replace(/:\*$/, '');
  return arn(ctx, 'logs', `log-group:${ref}`);
}

const logsRes = (prefix: string) => (v: string, ctx: ExtractContext) => arn(ctx, 'logs', `${prefix}${v}`);

const ID_RULES: readonly IdRule[] = [
  { path: 'name', build: logsRes('delivery-destination:'), ops: /DeliveryDestination/ },
  { path: 'name', build: logsRes('delivery-source:'), ops: /DeliverySource$/ },
  { path: 'deliverySourceName', build: logsRes('delivery-source:') },
  { path: 'deliveryDestinationArn' },
  { path: 'deliveryDestinationName', build: logsRes('delivery-destination:') },
  { path: 'id', build: logsRes('delivery:'), ops: /Deliver(y|yConfiguration)$/ },
  { path: 'destinationName', build: logsRes('destination:') },
  { path: 'anomalyDetectorArn' },
  { path: 'lookupTableName', build: logsRes('lookup-table:') },
  { path: 'lookupTableArn' },
  { path: 'scheduledQueryId', build: logsRes('scheduled-query:') },
  { path: 'identifier', build: logsRes('scheduled-query:'), ops: /ScheduledQuery/ },
];

/**
 * CloudWatch Logs: `logGroupName`/`logGroupIdentifier` (+ `logStreamName`), `logGroupNames[]`,
 * `logGroupIdentifiers[]`, `resourceArn`, and the id rules above (deliveries, destinations, detectors, ...).
 */
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
  const res = str(p.resourceArn) ?? str(p.resourceIdentifier);
  if (res && isArn(res)) out.push(res.replace(/:\*$/, ''));
  out.push(...fromIdRules(ctx, ID_RULES));
  return uniq(out);
}
