/**
 * CloudTrail record → {@link NormalizedCall}: who called (role ARN for assumed roles), which IAM action(s)
 * the call needed, on which resources, and whether it succeeded. Pure: the tables and the catalog are passed
 * in; nothing is read or printed here. Anything that cannot be mapped becomes a `problem` (counted and
 * reported by the caller), never a made-up action name.
 */

import type { Catalog, ActionInfo } from '../catalog/types.js';
import type { CloudTrailTables, ConditionalEntry, ResourceSpec, Trigger } from './tables.js';
import { compileArnTemplate, isParsableArn } from '../catalog/arn.js';
import { createEventMapper, type EventMapper, type ResolvedOperation } from './event-mapping.js';
import type { ActionUse, CallOutcome, EventCategory, InputProblem, NormalizeResult, NormalizedCall, RecordSource } from '../usage/types.js';
import { isObject, isPresent, partitionOfRegion, str, valuesAt, arnParts, type ExtractContext } from './extractors/common.js';
import { NAMED_EXTRACTORS, requestResources, splitPartiql, splitTransactItems, type SplitUse } from './extractors/index.js';

/** Normalizes one parsed record; `source` is echoed into problems and the call. */
export type Normalizer = (record: unknown, source?: RecordSource) => NormalizeResult;

/**
 * `eventType` values that are not API calls made with a principal's permissions (catalog-notes §7):
 * service-initiated events, console sign-in, Insights, console-only actions, VPC endpoint network activity.
 */
const IGNORED_EVENT_TYPES: Readonly<Record<string, string>> = {
  AwsServiceEvent: 'AwsServiceEvent: an event AWS generated itself, not an API call made with the principal\'s permissions',
  AwsConsoleSignIn: 'AwsConsoleSignIn: a console sign-in, not an IAM-authorized API call',
  AwsCloudTrailInsight: 'AwsCloudTrailInsight: an Insights summary, not an API call',
  AwsConsoleAction: 'AwsConsoleAction: a console action that is not a public API call',
  AwsVpceEvent: 'AwsVpceEvent: VPC endpoint network activity, authorized by the endpoint policy rather than by the caller\'s policies',
};

/**
 * Error codes meaning "not authorized" across AWS APIs, compared lower-case after removing a `Client.` or
 * `Server.` prefix (EC2 writes `Client.UnauthorizedOperation`).
 */
const DENIED_CODES = new Set([
  'accessdenied',
  'accessdeniedexception',
  'unauthorizedoperation',
  'unauthorizedaccess',
  'unauthorized',
  'unauthorizedexception',
  'authorizationerror',
  'authorizationerrorexception',
  'authorizationexception',
  'notauthorized',
  'notauthorizedexception',
  'forbidden',
  'forbiddenexception',
  'accessdeniedforbidden',
]);

/** AWS's authorization failure text (e.g. "User: ... is not authorized to perform: ec2:GetPasswordData"). */
const DENIED_MESSAGE = /is not authorized to perform|explicit deny|no identity-based policy allows/i;

/** Classifies `errorCode`/`errorMessage`. `Client.DryRunOperation` proves authorization (EC2 docs, catalog-notes §7). */
export function classifyOutcome(errorCode: unknown, errorMessage: unknown): { outcome: CallOutcome; dryRun?: boolean } {
  const code = typeof errorCode === 'string' ? errorCode.trim() : '';
  if (code === '') return { outcome: 'succeeded' };
  const bare = code.replace(/^(Client|Server)\./, '').toLowerCase();
  if (bare === 'dryrunoperation') return { outcome: 'succeeded', dryRun: true };
  if (DENIED_CODES.has(bare)) return { outcome: 'denied' };
  if (typeof errorMessage === 'string' && DENIED_MESSAGE.test(errorMessage)) return { outcome: 'denied' };
  return { outcome: 'failed' };
}

/** `eventCategory` / `managementEvent` → category; older records without either fall back to the data-event table. */
function categoryOf(r: Record<string, unknown>, listedAsData: boolean): EventCategory {
  // CloudTrail's own spellings first, without lower-casing (a string allocation per record).
  if (r.eventCategory === 'Management') return 'management';
  if (r.eventCategory === 'Data') return 'data';
  const ec = typeof r.eventCategory === 'string' ? r.eventCategory.toLowerCase() : '';
  if (ec === 'management') return 'management';
  if (ec === 'data') return 'data';
  if (ec === 'networkactivity') return 'network';
  if (ec !== '') return 'other';
  if (r.managementEvent === false || r.managementEvent === 'false') return 'data';
  if (r.managementEvent === true || r.managementEvent === 'true') return 'management';
  return listedAsData ? 'data' : 'management';
}

function boolOf(v: unknown): boolean | undefined {
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  return undefined;
}

/** The identifiers a problem about one record carries (those present); built only for problems (spreads are slow). */
function idsOf(eventId: string | undefined, eventSource: string | undefined, eventName: string | undefined): Pick<InputProblem, 'eventId' | 'eventSource' | 'eventName'> {
  return { ...(eventId ? { eventId } : {}), ...(eventSource ? { eventSource } : {}), ...(eventName ? { eventName } : {}) };
}

function position(source?: RecordSource): Pick<InputProblem, 'file' | 'position'> {
  if (!source) return {};
  return { file: source.file, position: source.line !== undefined ? `record ${source.index} (line ${source.line})` : `record ${source.index}` };
}

interface Principal {
  arn: string;
  type: string;
  sessionName?: string;
  partition?: string;
  account?: string;
}

/** Memoized ARN parsing for {@link principalOf} (see `createNormalizer`). */
interface PrincipalMemo {
  /** Groups of `^arn:P:sts::ACCOUNT:assumed-role/ROLE/SESSION$`, or null when the ARN is not of that form. */
  assumedRole(arn: string): readonly string[] | null;
  /** Partition and account of an ARN, or undefined when it is not one. */
  arnParts(arn: string): { readonly partition: string; readonly account: string } | undefined;
}

/** Assumed-role session ARN: partition, account, role name, session name. */
const ASSUMED_ROLE_ARN = /^arn:([^:]+):sts::(\d*):assumed-role\/([^/]+)\/(.+)$/;

/**
 * A memo of a pure function of one string, emptied whenever it reaches `max` entries: bounded memory on
 * unusual input (every key distinct) at the cost of recomputing; on real trails the keys repeat (a few
 * hundred roles and sessions), so nearly every lookup hits.
 */
function memoize<V>(max: number, compute: (key: string) => V): (key: string) => V {
  const cache = new Map<string, V>();
  return (key) => {
    let v = cache.get(key);
    if (v === undefined && !cache.has(key)) {
      if (cache.size >= max) cache.clear();
      v = compute(key);
      cache.set(key, v);
    }
    return v as V;
  };
}

/** Entries kept by each memo of this module before it is emptied (~100 bytes each: a few MiB at most). */
const MAX_MEMO = 20_000;

/**
 * The principal whose policies authorized the call. AssumedRole → the role (from `sessionIssuer.arn`, which
 * keeps the role path; else rebuilt from the assumed-role ARN); FederatedUser → the issuing IAM user; others →
 * their own ARN; AWSAccount without an ARN → the account root. Undefined when nothing identifies it.
 */
function principalOf(uid: Record<string, unknown>, memo: PrincipalMemo): Principal | undefined {
  const type = str(uid.type) ?? 'Unknown';
  const own = str(uid.arn);
  const ctx = isObject(uid.sessionContext) ? uid.sessionContext : undefined;
  const issuer = ctx && isObject(ctx.sessionIssuer) ? str(ctx.sessionIssuer.arn) : undefined;
  const account = str(uid.accountId);
  if (type === 'AssumedRole') {
    const m = own ? memo.assumedRole(own) : null;
    const principalId = str(uid.principalId);
    const sessionName = m?.[4] ?? (principalId && principalId.includes(':') ? principalId.slice(principalId.indexOf(':') + 1) : undefined);
    const roleArn = issuer ?? (m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : undefined);
    if (!roleArn) return undefined;
    const parts = memo.arnParts(roleArn);
    const p: Principal = { arn: roleArn, type, partition: parts?.partition, account: parts?.account || account };
    if (sessionName) p.sessionName = sessionName;
    return p;
  }
  if (type === 'FederatedUser') {
    const m = own ? /:federated-user\/(.+)$/.exec(own) : null;
    const p = issuer ?? own;
    if (!p) return undefined;
    return { arn: p, type, ...(m ? { sessionName: m[1] } : {}), partition: memo.arnParts(p)?.partition, account: memo.arnParts(p)?.account || account };
  }
  if (own) return { arn: own, type, partition: memo.arnParts(own)?.partition, account: memo.arnParts(own)?.account || account };
  if (type === 'AWSAccount' && account) return { arn: `arn:aws:iam::${account}:root`, type, account };
  return undefined;
}

/** Minimal ARN-template matcher used only for the qualifier fallback (see `acceptsLoose`). */
function templateRegex(template: string): RegExp {
  const parts = template.split(/(\$\{[^}]+\})/);
  let src = '';
  parts.forEach((part, i) => {
    if (/^\$\{[^}]+\}$/.test(part)) src += i === parts.length - 2 && parts[parts.length - 1] === '' ? '(.+)' : '([^:/]*)';
    else src += part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  });
  return new RegExp(`^${src}$`);
}

/**
 * Sub-resources IAM authorizes in place of the resource `resources[]` names: a DynamoDB Query or Scan with
 * `indexName` is authorized on `table/T/index/I` (DynamoDB Developer Guide, "Using IAM policy conditions for
 * fine-grained access control" and the Service Authorization Reference: Query/Scan take the `index` resource
 * type), and an Invoke of `NAME:ALIAS` or `NAME:VERSION` on the qualified function ARN, which a grant on the
 * unqualified ARN does not match (Lambda Developer Guide, "Fine-tuning the Resources and Conditions sections of
 * policies"). Each pattern matches the text after the record's ARN.
 */
const SUB_RESOURCE_SUFFIXES: readonly RegExp[] = [/^\/index\/[^/]+$/, /^:[^:/]+$/];

/** Resources of `resources[]` whose service authorizes a qualified form (see {@link SUB_RESOURCE_SUFFIXES}). */
const REFINABLE_RECORD_ARN = /^arn:[^:]+:(?:dynamodb:[^:]*:[^:]*:table\/[^/]+|lambda:[^:]*:[^:]*:function:[^:]+)$/;

/**
 * Replaces each record ARN by the sub-resources the request names under it (an index of that table, a
 * qualified ARN of that function); returns `record` itself when nothing is refined.
 */
function refineToSubResources(record: string[], request: string[]): string[] {
  if (request.length === 0) return record;
  let changed = false;
  const out: string[] = [];
  for (const r of record) {
    const subs = REFINABLE_RECORD_ARN.test(r)
      ? request.filter((q) => q.length > r.length && q.startsWith(r) && SUB_RESOURCE_SUFFIXES.some((re) => re.test(q.slice(r.length))))
      : [];
    if (subs.length > 0) {
      changed = true;
      out.push(...subs);
    } else out.push(r);
  }
  return changed ? [...new Set(out)] : record;
}

/** The user agent of calls made from inside a Lambda function's execution environment. */
const LAMBDA_AGENT = /exec-env\/AWS_Lambda_/;

/**
 * Builds the normalizer. `mapper` may be shared with {@link createCloudTrailKnowledge}; it is built from
 * the tables otherwise (which validates every table action against the catalog and throws if one is unknown).
 */
export function createNormalizer(catalog: Catalog, tables: CloudTrailTables, mapper?: EventMapper): Normalizer {
  const m = mapper ?? createEventMapper(tables, catalog);
  const dataNames = new Set<string>();
  for (const d of Object.values(tables.events.dataEvents)) for (const n of d.eventNames) dataNames.add(`${d.eventSource.toLowerCase()}\u0000${n}`);

  // Principal ARNs repeat on every call of a role or session: parse each once. Keyed on the ARN string
  // alone (the parse is a pure function of it); bounded by MAX_MEMO.
  const principalMemo: PrincipalMemo = {
    assumedRole: memoize(MAX_MEMO, (arn) => ASSUMED_ROLE_ARN.exec(arn)),
    arnParts: memoize(MAX_MEMO, (arn) => {
      const p = arnParts(arn);
      return p ? { partition: p.partition, account: p.account } : undefined;
    }),
  };

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

  const actionCache = new Map<string, ActionInfo | undefined>();
  function info(id: string): ActionInfo | undefined {
    let a = actionCache.get(id);
    if (a === undefined && !actionCache.has(id)) {
      a = catalog.action(id);
      actionCache.set(id, a);
    }
    return a;
  }
  // Trigger regexes of the conditional table, compiled once. Keyed on the pattern text (a pure function of
  // it); bounded by the bundled tables' patterns.
  const triggerRegexes = new Map<string, RegExp>();
  function triggerRegex(pattern: string): RegExp {
    let re = triggerRegexes.get(pattern);
    if (!re) {
      re = new RegExp(pattern);
      triggerRegexes.set(pattern, re);
    }
    return re;
  }
  const templateCache = new Map<string, RegExp | undefined>();
  function typeRegex(service: string, type: string): RegExp | undefined {
    const key = `${service}\u0000${type}`;
    if (!templateCache.has(key)) {
      const rt = catalog.resourceType(service, type);
      templateCache.set(key, rt ? templateRegex(rt.arnTemplate) : undefined);
    }
    return templateCache.get(key);
  }
  // Per action id: the compiled ARN templates of the action's resource types (the same compilation the
  // catalog's `resourceTypesOfArn` uses). "Is this ARN one of the action's resource types" is then a few regex
  // tests, where asking the catalog for every type of the ARN and caching that per ARN missed on nearly every
  // S3 object key (each key is new) and cost ~1 µs per record. Safe: keyed on the action id alone (the result
  // does not depend on the record); bounded by the catalog's actions, in practice the few dozen a trail uses.
  const typeMatchers = new Map<string, RegExp[]>();
  function matchersOf(a: ActionInfo): RegExp[] {
    let list = typeMatchers.get(a.id);
    if (!list) {
      list = [];
      for (const t of a.resourceTypes) {
        const rt = catalog.resourceType(a.service, t.name);
        if (rt) list.push(compileArnTemplate(rt.arnTemplate).regex);
      }
      typeMatchers.set(a.id, list);
    }
    return list;
  }

  /**
   * The ARN is one of the action's resource types: it fits one of their templates and is a well-formed ARN
   * (as `catalog.resourceTypesOfArn(arn, a.service)` would report one of them).
   */
  function acceptsExact(a: ActionInfo, arn: string): boolean {
    if (arn === '*') return false;
    const list = matchersOf(a);
    for (let i = 0; i < list.length; i++) if (list[i]!.test(arn)) return isParsableArn(arn);
    return false;
  }
  /**
   * Qualifier fallback: the ARN fits one of the action's templates with a last segment that only adds a
   * `:qualifier` (a Lambda `function:NAME:3` for lambda:InvokeFunction), never a `/child` (an S3 object is
   * not a bucket).
   */
  function acceptsLoose(a: ActionInfo, arn: string): boolean {
    for (const t of a.resourceTypes) {
      const re = typeRegex(a.service, t.name);
      const mm = re?.exec(arn);
      if (mm && !(mm[mm.length - 1] ?? '').includes('/')) return true;
    }
    return false;
  }
  /** Index of the first of the action's resource types whose template `arn` fits (-1: none exactly). */
  function typeIndex(a: ActionInfo, arn: string): number {
    const list = matchersOf(a);
    for (let i = 0; i < list.length; i++) if (list[i]!.test(arn)) return i;
    return -1;
  }
  /**
   * Request ARNs of resource types none of `chosen` has: a call authorized on two resources whose record lists
   * one (KMS CreateAlias: `resources[]` names the key, the request the alias; AWS checks both — AWS KMS
   * Developer Guide, "Controlling access to aliases").
   */
  function ofOtherTypes(a: ActionInfo, chosen: string[], request: string[]): string[] {
    if (request.length === 0 || a.resourceTypes.length < 2) return [];
    const have = new Set(chosen.map((c) => typeIndex(a, c)));
    return request.filter((r) => !chosen.includes(r) && !have.has(typeIndex(a, r)) && typeIndex(a, r) >= 0);
  }
  function pick(a: ActionInfo, candidates: string[]): string[] {
    const exact = candidates.filter((c) => acceptsExact(a, c));
    return exact.length > 0 ? exact : candidates.filter((c) => acceptsLoose(a, c));
  }

  function resourcesFor(actionId: string, fromRecord: string[], fromRequest: () => string[], override?: string[]): Pick<ActionUse, 'resources' | 'resourceBasis'> {
    const a = info(actionId);
    if (!a || a.resourceTypes.length === 0) return { resources: ['*'], resourceBasis: 'no-resource-type' };
    if (override && override.length > 0) {
      const chosen = pick(a, override);
      if (chosen.length > 0) return { resources: chosen, resourceBasis: 'request' };
    }
    const rec = pick(a, fromRecord);
    if (rec.length > 0) {
      const req = pick(a, fromRequest());
      const refined = refineToSubResources(rec, req);
      const more = ofOtherTypes(a, refined, req);
      const out = more.length > 0 ? [...refined, ...more] : refined;
      return out === rec ? { resources: rec, resourceBasis: 'record' } : { resources: out, resourceBasis: 'request' };
    }
    const req = pick(a, fromRequest());
    if (req.length > 0) return { resources: req, resourceBasis: 'request' };
    return { resources: ['*'], resourceBasis: 'unidentified' };
  }

  function triggered(when: Trigger, params: Record<string, unknown>): string | undefined {
    if ('always' in when) return when.always === true ? 'needed by every such call' : undefined;
    if ('present' in when) {
      const paths = Array.isArray(when.present) ? when.present : [when.present];
      const hit = paths.find((p) => valuesAt(params, p).some(isPresent));
      return hit ? `requestParameters.${hit} present` : undefined;
    }
    if ('matches' in when) {
      const re = triggerRegex(when.matches.regex);
      return valuesAt(params, when.matches.path).some((v) => typeof v === 'string' && re.test(v))
        ? `requestParameters.${when.matches.path} matches /${when.matches.regex}/`
        : undefined;
    }
    if ('equals' in when) {
      return valuesAt(params, when.equals.path).some((v) => v === when.equals.value)
        ? `requestParameters.${when.equals.path} = ${JSON.stringify(when.equals.value)}`
        : undefined;
    }
    return undefined;
  }

  function secondaryResources(
    c: ConditionalEntry,
    spec: ResourceSpec,
    primaryUses: ActionUse[],
    ctx: ExtractContext,
    fromRecord: string[],
    fromRequest: () => string[],
  ): Pick<ActionUse, 'resources' | 'resourceBasis'> {
    const a = info(c.action);
    if (!a || a.resourceTypes.length === 0) return { resources: ['*'], resourceBasis: 'no-resource-type' };
    if (spec === '*') return { resources: ['*'], resourceBasis: 'no-resource-type' };
    if (spec === 'unidentified') return { resources: ['*'], resourceBasis: 'unidentified' };
    if (spec === 'same') {
      const same = primaryUses.flatMap((u) => u.resources).filter((r) => r !== '*');
      const chosen = pick(a, [...new Set(same)]);
      if (chosen.length > 0) return { resources: chosen, resourceBasis: primaryUses[0]?.resourceBasis ?? 'record' };
      return resourcesFor(c.action, fromRecord, fromRequest);
    }
    let given: string[] = [];
    if ('arnAt' in spec) {
      const paths = Array.isArray(spec.arnAt) ? spec.arnAt : [spec.arnAt];
      given = paths.flatMap((p) => valuesAt(ctx.params, p)).filter((v): v is string => typeof v === 'string' && v.startsWith('arn:'));
    } else if ('extract' in spec) {
      const ex = NAMED_EXTRACTORS[spec.extract];
      given = ex ? ex(ctx) : [];
    }
    const chosen = pick(a, given);
    return chosen.length > 0 ? { resources: chosen, resourceBasis: 'request' } : { resources: ['*'], resourceBasis: 'unidentified' };
  }

  function actionsOf(res: ResolvedOperation, ctx: ExtractContext, fromRecord: string[]): ActionUse[] {
    let reqCache: string[] | undefined;
    const fromRequest = (): string[] => (reqCache ??= requestResources(res.prefix, ctx));
    const uses: ActionUse[] = [];
    let split: SplitUse[] | undefined;
    if (res.split === 'dynamodb-transact-write') split = splitTransactItems(ctx);
    else if (res.split === 'dynamodb-partiql') {
      const tables = fromRecord.length > 0 ? fromRecord : fromRequest();
      split = splitPartiql(ctx, tables);
    }
    if (split) {
      for (const s of split) {
        const a = info(s.action);
        const chosen = a && a.resourceTypes.length > 0 ? pick(a, s.resources) : [];
        uses.push({
          action: a?.id ?? s.action,
          role: 'primary',
          ...(a && a.resourceTypes.length === 0
            ? { resources: ['*'], resourceBasis: 'no-resource-type' as const }
            : chosen.length > 0
              ? { resources: chosen, resourceBasis: 'request' as const }
              : resourcesFor(s.action, fromRecord, fromRequest)),
        });
      }
    } else {
      const ambiguous = res.split !== undefined || res.primarySource === 'service-reference-ambiguous';
      for (const id of res.primary) {
        const hint = res.entry?.resources?.[id];
        const override = hint ? NAMED_EXTRACTORS[hint]?.(ctx) : undefined;
        const found = resourcesFor(id, fromRecord, fromRequest, override);
        const use: ActionUse = { action: id, role: 'primary', resources: found.resources, resourceBasis: found.resourceBasis };
        if (ambiguous) use.reason = `the record does not show which of ${res.primary.join(', ')} ${res.operation} needed; all are counted`;
        uses.push(use);
      }
    }
    for (const c of res.conditional) {
      const why = triggered(c.when, ctx.params);
      if (!why) continue;
      const r = secondaryResources(c, c.resource, uses.filter((u) => u.role === 'primary'), ctx, fromRecord, fromRequest);
      const existing = uses.find((u) => u.action === c.action);
      if (existing) {
        // Same action twice (CopyObject's GetObject is secondary only; a primary never repeats): merge resources.
        existing.resources = [...new Set([...existing.resources, ...r.resources])];
        continue;
      }
      // A needed action whose resource the record does not show: say so (trim keeps its granted resources).
      const reason = r.resourceBasis === 'unidentified' ? `${why}; the record does not show the resource it needs` : why;
      uses.push({ action: c.action, role: 'secondary', ...r, reason });
    }
    return uses;
  }

  return function normalize(record: unknown, source?: RecordSource): NormalizeResult {
    if (!isObject(record)) {
      return {
        kind: 'problem',
        problem: {
          code: 'not-cloudtrail',
          message: `record is ${record === null ? 'null' : Array.isArray(record) ? 'an array' : `a ${typeof record}`}, not a CloudTrail event object; it was skipped (check that the file holds CloudTrail records)`,
          ...position(source),
        },
      };
    }
    const r = record;
    const eventSource = str(r.eventSource);
    const eventName = str(r.eventName);
    const eventId = str(r.eventID);
    const eventType = str(r.eventType);
    if (eventType && IGNORED_EVENT_TYPES[eventType]) {
      return { kind: 'ignored', reason: IGNORED_EVENT_TYPES[eventType]!, ...(eventSource ? { eventSource } : {}), ...(eventName ? { eventName } : {}) };
    }
    const time = str(r.eventTime);
    if (!time || !isObject(r.userIdentity) || !eventSource || !eventName) {
      const missing = [
        !time ? 'eventTime' : undefined,
        !isObject(r.userIdentity) ? 'userIdentity' : undefined,
        !eventSource ? 'eventSource' : undefined,
        !eventName ? 'eventName' : undefined,
      ].filter((x): x is string => !!x);
      return {
        kind: 'problem',
        problem: {
          code: 'missing-field',
          message: `CloudTrail record lacks ${missing.join(', ')}; it was skipped (the record is truncated or not a CloudTrail event)`,
          ...position(source),
          ...idsOf(eventId, eventSource, eventName),
        },
      };
    }
    const uid = r.userIdentity as Record<string, unknown>;
    const uidType = str(uid.type);
    if (uidType === 'AWSService') {
      return {
        kind: 'ignored',
        reason: `made by the AWS service ${str(uid.invokedBy) ?? 'itself'} with its own permissions, not a principal's`,
        eventSource: eventSource!,
        eventName: eventName!,
      };
    }
    const pair = pairInfo(eventSource, eventName);
    const res = pair.res;
    if (res.kind === 'non-iam' || res.kind === 'permission-free') {
      return { kind: 'ignored', reason: res.reason, eventSource: eventSource!, eventName: eventName! };
    }
    if (res.kind === 'unknown-service' || res.kind === 'unknown-action') {
      return {
        kind: 'problem',
        problem: {
          code: 'unknown-action',
          message:
            res.kind === 'unknown-service'
              ? `eventSource ${eventSource} (IAM prefix "${res.prefix}") is not a service in the bundled IAM catalog; the call's permissions are not counted (a newer policy-trim may know it)`
              : `${eventSource} ${eventName} does not map to an IAM action in the bundled catalog (no "${res.prefix}:${res.operation}" and no AWS Service Reference entry); the call's permissions are not counted (a newer policy-trim may know it)`,
          ...position(source),
          ...idsOf(eventId, eventSource, eventName),
        },
      };
    }
    const principal = principalOf(uid, principalMemo);
    if (!principal) {
      return {
        kind: 'problem',
        problem: {
          code: 'unknown-principal',
          message: `userIdentity of type ${uidType ?? '(none)'} has no ARN or session issuer to attribute the call to; it was skipped`,
          ...position(source),
          ...idsOf(eventId, eventSource, eventName),
        },
      };
    }
    const region = str(r.awsRegion) ?? '';
    const account = str(r.recipientAccountId) ?? principal.account ?? str(uid.accountId) ?? '';
    const partition =
      principal.partition ?? partitionOfRegion(region) ?? (eventSource!.toLowerCase().endsWith('.amazonaws.com.cn') ? 'aws-cn' : 'aws');
    const params = isObject(r.requestParameters) ? r.requestParameters : {};
    const ctx: ExtractContext = { partition, region, account, eventSource: eventSource!, operation: res.operation, params };
    const fromRecord: string[] = [];
    if (Array.isArray(r.resources)) {
      for (const it of r.resources) {
        if (!isObject(it)) continue;
        const a = str(it.ARN) ?? str(it.arn);
        if (a) fromRecord.push(a);
        else {
          const prefix = str(it.ARNPrefix) ?? str(it.arnPrefix);
          if (prefix) fromRecord.push(prefix.endsWith('*') ? prefix : `${prefix}*`);
        }
      }
    }
    const actions = actionsOf(res, ctx, fromRecord.length > 1 ? [...new Set(fromRecord)] : fromRecord);
    const { outcome, dryRun } = classifyOutcome(r.errorCode, r.errorMessage);
    const userAgent = str(r.userAgent) ?? '';
    const invokedBy = str(uid.invokedBy);
    const readOnly = boolOf(r.readOnly);
    const errorCode = str(r.errorCode);
    const errorMessage = str(r.errorMessage);
    // Built by assignment, in the same key order as before: conditional object spreads (`...(x ? {x} : {})`)
    // go megamorphic here and cost ~20 µs per record (profiled on the 100k-record bench trail), more than
    // everything else in this function together.
    const call = {} as NormalizedCall;
    if (eventId) call.eventId = eventId;
    call.time = time;
    call.eventSource = eventSource!;
    call.eventName = eventName!;
    call.operation = res.operation;
    call.principalArn = principal.arn;
    call.principalType = principal.type;
    if (principal.sessionName) call.sessionName = principal.sessionName;
    if (LAMBDA_AGENT.test(userAgent)) call.fromLambda = true;
    if (account) call.accountId = account;
    if (region) call.region = region;
    call.outcome = outcome;
    if (errorCode) call.errorCode = errorCode;
    if (errorMessage) call.errorMessage = errorMessage;
    if (dryRun) call.dryRun = dryRun;
    call.category = categoryOf(r, pair.listedAsData);
    if (readOnly !== undefined) call.readOnly = readOnly;
    if (invokedBy) call.invokedBy = invokedBy;
    call.actions = actions;
    if (source) call.source = source;
    return { kind: 'call', call };
  };
}
