/**
 * CloudTrail record → {@link NormalizedCall}: who called (role ARN for assumed roles), which IAM action(s)
 * the call needed, on which resources, and whether it succeeded. Pure: the tables and the catalog are passed
 * in; nothing is read or printed here. Anything that cannot be mapped becomes a `problem` (counted and
 * reported by the caller), never a made-up action name.
 */

import type { Catalog } from '../catalog/types.js';
import type { CloudTrailTables } from './tables.js';
import { createEventMapper, type EventMapper } from './event-mapping.js';
import type { NormalizeResult, NormalizedCall, RecordSource } from '../usage/types.js';
import { isObject, partitionOfRegion, str, uniq, type ExtractContext } from './extractors/common.js';
import { AWS_SERVICE_AGENT, boolOf, categoryOf, classifyOutcome, idsOf, IGNORED_EVENT_TYPES, LAMBDA_AGENT, position } from './record-facts.js';
import { createPrincipalMemo, principalOf, type Principal } from './principal.js';
import { ResourcePicker } from './resource-picker.js';
import { actionsOf } from './attribute.js';

/** Normalizes one parsed record; `source` is echoed into problems and the call. */
export type Normalizer = (record: unknown, source?: RecordSource) => NormalizeResult;

/**
 * Builds the normalizer. `mapper` may be shared with {@link createCloudTrailKnowledge}; it is built from
 * the tables otherwise (which validates every table action against the catalog and throws if one is unknown).
 */
export function createNormalizer(catalog: Catalog, tables: CloudTrailTables, mapper?: EventMapper): Normalizer {
  const m = mapper ?? createEventMapper(tables, catalog);
  const dataNames = new Set<string>();
  for (const d of Object.values(tables.events.dataEvents)) for (const n of d.eventNames) dataNames.add(`${d.eventSource.toLowerCase()}\u0000${n}`);
  const principalMemo = createPrincipalMemo();
  const picker = new ResourcePicker(catalog);

  // What depends only on (eventSource, eventName): the mapper's resolution and whether the tables list the
  // event as a data event. Nested maps keyed on the two strings as recorded (no key building per record);
  // safe because both are pure functions of the pair; bounded: emptied past MAX_PAIRS pairs (real trails hold
  // a few hundred, AWS has ~17,000 operations).
  interface PairInfo {
    res: ReturnType<EventMapper['resolve']>;
    listedAsData: boolean;
  }
  const pairs = new Map<string, Map<string, PairInfo>>();
  let pairCount = 0;
  const MAX_PAIRS = 50_000;
  function pairInfo(eventSource: string, eventName: string): PairInfo {
    let byName = pairs.get(eventSource);
    let info = byName?.get(eventName);
    if (info) return info;
    if (pairCount >= MAX_PAIRS) {
      pairs.clear();
      pairCount = 0;
      byName = undefined;
    }
    if (!byName) {
      byName = new Map();
      pairs.set(eventSource, byName);
    }
    const res = m.resolve(eventSource, eventName);
    const src = eventSource.toLowerCase();
    info = { res, listedAsData: dataNames.has(`${src}\u0000${eventName}`) || dataNames.has(`${src}\u0000${res.operation}`) };
    byName.set(eventName, info);
    pairCount++;
    return info;
  }

  return function normalize(record: unknown, source?: RecordSource): NormalizeResult {
    if (!isObject(record)) return notARecord(record, source);
    const r = record;
    const eventSource = str(r.eventSource);
    const eventName = str(r.eventName);
    const eventId = str(r.eventID);
    const eventType = str(r.eventType);
    if (eventType && IGNORED_EVENT_TYPES[eventType]) {
      return { kind: 'ignored', reason: IGNORED_EVENT_TYPES[eventType]!, ...(eventSource ? { eventSource } : {}), ...(eventName ? { eventName } : {}) };
    }
    const time = str(r.eventTime);
    if (!time || !isObject(r.userIdentity) || !eventSource || !eventName) return missingFields(r, time, eventId, eventSource, eventName, source);
    const uid = r.userIdentity as Record<string, unknown>;
    if (str(uid.type) === 'AWSService') {
      return { kind: 'ignored', reason: `made by the AWS service ${str(uid.invokedBy) ?? 'itself'} with its own permissions, not a principal's`, eventSource, eventName };
    }
    const pair = pairInfo(eventSource, eventName);
    const res = pair.res;
    if (res.kind === 'non-iam' || res.kind === 'permission-free') return { kind: 'ignored', reason: res.reason, eventSource, eventName };
    const principal = principalOf(uid, principalMemo);
    if (res.kind === 'unknown-service' || res.kind === 'unknown-action') {
      const result = unmapped(res.kind, res.prefix, res.operation, { eventId, eventSource, eventName }, source);
      // A successful call by a principal: trim keeps what may have allowed it (the problem is still reported).
      if (principal && classifyOutcome(r.errorCode, r.errorMessage).outcome === 'succeeded') {
        result.unmapped = { principalArn: principal.arn, ...(principal.sessionName ? { sessionName: principal.sessionName } : {}), eventSource, eventName, prefix: res.prefix, kind: res.kind, time };
      }
      return result;
    }
    if (!principal) {
      return problem('unknown-principal', `userIdentity of type ${str(uid.type) ?? '(none)'} has no ARN or session issuer to attribute the call to; it was skipped`, { eventId, eventSource, eventName }, source);
    }
    const region = str(r.awsRegion) ?? '';
    const account = str(r.recipientAccountId) ?? principal.account ?? str(uid.accountId) ?? '';
    const partition = principal.partition ?? partitionOfRegion(region) ?? (eventSource.toLowerCase().endsWith('.amazonaws.com.cn') ? 'aws-cn' : 'aws');
    const params = isObject(r.requestParameters) ? r.requestParameters : {};
    const ctx: ExtractContext = { partition, region, account, eventSource, operation: res.operation, params };
    const actions = actionsOf(picker, res, ctx, recordResources(r));
    return { kind: 'call', call: buildCall(r, uid, { eventId, time, eventSource, eventName, operation: res.operation, principal, account, region, listedAsData: pair.listedAsData, actions }, source) };
  };
}

/** Identifiers of the record a problem is about (each only when present). */
interface RecordIds {
  eventId?: string;
  eventSource?: string;
  eventName?: string;
}

/** A problem result naming the record's position and identifiers. */
function problem(code: string, message: string, ids: RecordIds, source: RecordSource | undefined): Extract<NormalizeResult, { kind: 'problem' }> {
  return { kind: 'problem', problem: { code, message, ...position(source), ...idsOf(ids.eventId, ids.eventSource, ids.eventName) } };
}

/** The input item is not a JSON object. */
function notARecord(record: unknown, source: RecordSource | undefined): NormalizeResult {
  const what = record === null ? 'null' : Array.isArray(record) ? 'an array' : `a ${typeof record}`;
  return {
    kind: 'problem',
    problem: {
      code: 'not-cloudtrail',
      message: `record is ${what}, not a CloudTrail event object; it was skipped (check that the file holds CloudTrail records)`,
      ...position(source),
    },
  };
}

/** A record without one of the fields every CloudTrail event has. */
function missingFields(
  r: Record<string, unknown>,
  time: string | undefined,
  eventId: string | undefined,
  eventSource: string | undefined,
  eventName: string | undefined,
  source: RecordSource | undefined,
): NormalizeResult {
  const missing = [
    !time ? 'eventTime' : undefined,
    !isObject(r.userIdentity) ? 'userIdentity' : undefined,
    !eventSource ? 'eventSource' : undefined,
    !eventName ? 'eventName' : undefined,
  ].filter((x): x is string => !!x);
  const message = `CloudTrail record lacks ${missing.join(', ')}; it was skipped (the record is truncated or not a CloudTrail event)`;
  return problem('missing-field', message, { eventId, eventSource, eventName }, source);
}

/** An event the bundled catalog cannot map: counted and reported, never given a made-up action. */
function unmapped(kind: 'unknown-service' | 'unknown-action', prefix: string, operation: string, ids: RecordIds, source: RecordSource | undefined): Extract<NormalizeResult, { kind: 'problem' }> {
  const message =
    kind === 'unknown-service'
      ? `eventSource ${ids.eventSource} (IAM prefix "${prefix}") is not a service in the bundled IAM catalog; it counts as the use of no action, and where it succeeded, suggest keeps the grants that may have allowed it (a newer policy-trim may know it)`
      : `${ids.eventSource} ${ids.eventName} does not map to an IAM action in the bundled catalog (no "${prefix}:${operation}" and no AWS Service Reference entry); it counts as the use of no action, and where it succeeded, suggest keeps the grants that may have allowed it (a newer policy-trim may know it)`;
  return problem('unknown-action', message, ids, source);
}

/** ARNs of the record's `resources[]` (an `ARNPrefix` as a pattern), unique, in order. */
function recordResources(r: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (!Array.isArray(r.resources)) return out;
  for (const it of r.resources) {
    if (!isObject(it)) continue;
    const a = str(it.ARN) ?? str(it.arn);
    if (a) out.push(a);
    else {
      const prefix = str(it.ARNPrefix) ?? str(it.arnPrefix);
      if (prefix) out.push(prefix.endsWith('*') ? prefix : `${prefix}*`);
    }
  }
  return uniq(out);
}

/** What {@link buildCall} needs besides the raw record. */
interface CallParts {
  eventId?: string;
  time: string;
  eventSource: string;
  eventName: string;
  operation: string;
  principal: Principal;
  account: string;
  region: string;
  listedAsData: boolean;
  actions: NormalizedCall['actions'];
}

/**
 * The normalized call. Built by assignment in a fixed key order: conditional object spreads here make the
 * object shapes megamorphic, the costliest thing per record (see docs/BENCHMARKS.md).
 */
function buildCall(r: Record<string, unknown>, uid: Record<string, unknown>, p: CallParts, source: RecordSource | undefined): NormalizedCall {
  const { outcome, dryRun } = classifyOutcome(r.errorCode, r.errorMessage);
  const userAgent = str(r.userAgent) ?? '';
  const invokedBy = str(uid.invokedBy);
  const readOnly = boolOf(r.readOnly);
  const errorCode = str(r.errorCode);
  const errorMessage = str(r.errorMessage);
  const call = {} as NormalizedCall;
  if (p.eventId) call.eventId = p.eventId;
  call.time = p.time;
  call.eventSource = p.eventSource;
  call.eventName = p.eventName;
  call.operation = p.operation;
  call.principalArn = p.principal.arn;
  call.principalType = p.principal.type;
  if (p.principal.sessionName) call.sessionName = p.principal.sessionName;
  if (LAMBDA_AGENT.test(userAgent)) call.fromLambda = true;
  if (p.account) call.accountId = p.account;
  if (p.region) call.region = p.region;
  call.outcome = outcome;
  if (errorCode) call.errorCode = errorCode;
  if (errorMessage) call.errorMessage = errorMessage;
  if (dryRun) call.dryRun = dryRun;
  call.category = categoryOf(r, p.listedAsData);
  if (readOnly !== undefined) call.readOnly = readOnly;
  if (invokedBy) call.invokedBy = invokedBy;
  else if (call.fromLambda !== true && AWS_SERVICE_AGENT.test(userAgent)) call.invokedBy = userAgent;
  call.actions = p.actions;
  if (source) call.source = source;
  return call;
}
