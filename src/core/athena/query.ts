/**
 * The usage query: CloudTrail records in a window, of some principals and event sources, with duplicate
 * deliveries removed, GROUPed BY everything the normalizer reads of a record (principal, session, event, outcome,
 * the user agent's class, the request keys the extractors read, the record's resources). Each row is one distinct
 * usage with its count and first/last event time, so the rows returned grow with distinct usage, not with records.
 * `rows.ts` rebuilds a minimal record from each row and passes it through the same normalizer as local files.
 *
 * The window is pruned through the table's projected partitions (`ddl.ts`): `timestamp` (the delivery day
 * folder, with the reader's delivery-delay margin: core/trail/layout.ts deliveryDays), `account` when the
 * principals name their accounts, `region` when Regions are given.
 */
import { parseRoleArn, principalAccount } from '../catalog/arn.js';
import { deliveryDays } from '../trail/layout.js';
import { AWS_SERVICE_AGENT, DENIED_MESSAGE, LAMBDA_AGENT } from '../trail/record-facts.js';
import type { SqlDialect } from './dialect.js';
import { PARTITION } from './ddl.js';
import { AthenaInputError, checkAccount, checkRegion, quoteTable, sqlString, type TableRef } from './names.js';

/** What to ask Athena for. */
export interface UsageQueryInput {
  table: TableRef;
  /** Inclusive start and exclusive end, as the local reader's window. */
  since: Date;
  until: Date;
  /** Principal ARNs (roles, users) or role names; absent: every principal. */
  principals?: readonly string[];
  /** Accounts to read (the `account` partition); absent: those of the principals, else every account. */
  accounts?: readonly string[];
  /** Regions to read (the `region` partition); absent: every Region. */
  regions?: readonly string[];
  /** Event sources to read; absent: every one. */
  eventSources?: readonly string[];
  /** Per event source, the top-level request keys the normalizer reads (see `request-columns.ts`). */
  requestKeys: ReadonlyArray<{ eventSource: string; keys: readonly string[] }>;
}

/**
 * The result's columns, in order: the grouping keys, then `calls`, `duplicates` (copies removed by eventid),
 * `first_seen` and `last_seen` (min and max eventTime).
 */
export const USAGE_COLUMNS = [
  'event_source', 'event_name', 'event_type', 'aws_region', 'recipient_account', 'identity_type', 'identity_arn',
  'principal_id', 'identity_account', 'invoked_by', 'issuer_arn', 'error_code', 'denied_message', 'user_agent',
  'read_only', 'event_category', 'request', 'resource_arns', 'calls', 'duplicates', 'first_seen', 'last_seen',
] as const;

/** One column of {@link USAGE_COLUMNS}. */
export type UsageColumn = (typeof USAGE_COLUMNS)[number];

/** The user agent a row carries for calls made from a Lambda function's runtime (matches LAMBDA_AGENT). */
export const LAMBDA_AGENT_MARK = 'exec-env/AWS_Lambda_';

/** The error message a row carries for a call AWS's message shows was denied (matches DENIED_MESSAGE). */
export const DENIED_MESSAGE_MARK = 'is not authorized to perform';

/** The grouping keys: a CloudTrail path each, or an expression of the dialect. */
function groupExpressions(d: SqlDialect, input: UsageQueryInput): Array<[UsageColumn, string]> {
  const f = (...path: string[]) => d.field(path);
  // DENIED_MESSAGE is case-insensitive and written in lower case: matching the lower-cased message keeps its meaning.
  const denied = DENIED_MESSAGE.source;
  if (denied !== denied.toLowerCase() || !DENIED_MESSAGE.ignoreCase) throw new AthenaInputError('DENIED_MESSAGE changed shape', 'This is a bug in policy-trim.');
  return [
    ['event_source', f('eventSource')],
    ['event_name', f('eventName')],
    ['event_type', f('eventType')],
    ['aws_region', f('awsRegion')],
    ['recipient_account', f('recipientAccountId')],
    ['identity_type', f('userIdentity', 'type')],
    ['identity_arn', f('userIdentity', 'arn')],
    ['principal_id', f('userIdentity', 'principalId')],
    ['identity_account', f('userIdentity', 'accountId')],
    ['invoked_by', f('userIdentity', 'invokedBy')],
    ['issuer_arn', f('userIdentity', 'sessionContext', 'sessionIssuer', 'arn')],
    ['error_code', f('errorCode')],
    ['denied_message', `CASE WHEN ${d.regexpLike(`lower(${f('errorMessage')})`, denied)} THEN 1 ELSE 0 END`],
    [
      'user_agent',
      `CASE WHEN ${d.regexpLike(f('userAgent'), LAMBDA_AGENT.source)} THEN ${sqlString(LAMBDA_AGENT_MARK)} ` +
        `WHEN ${d.regexpLike(f('userAgent'), AWS_SERVICE_AGENT.source)} THEN ${f('userAgent')} ELSE '' END`,
    ],
    ['read_only', f('readOnly')],
    ['event_category', f('eventCategory')],
    ['request', requestExpression(d, input)],
    ['resource_arns', d.resourceArns()],
  ];
}

/** `CASE eventsource WHEN … THEN <the request cut to its keys> … END`; NULL for sources no extractor reads. */
function requestExpression(d: SqlDialect, input: UsageQueryInput): string {
  const wanted = input.eventSources ? new Set(input.eventSources) : undefined;
  const cases = input.requestKeys
    .filter((r) => r.keys.length > 0 && (!wanted || wanted.has(r.eventSource)))
    .map((r) => `WHEN ${sqlString(r.eventSource)} THEN ${d.requestSubset(r.keys)}`);
  return cases.length ? `CASE ${d.field(['eventSource'])} ${cases.join(' ')} ELSE NULL END` : 'NULL';
}

/**
 * An instant as CloudTrail writes eventTime (`2026-10-01T12:00:00Z`), rounded up to the second: eventTime has
 * whole seconds, so `eventtime >= ceil(t)` is `eventTime >= t` and `eventtime < ceil(t)` is `eventTime < t`, and
 * strings of this one shape compare as the instants do.
 */
export function eventTimeBound(t: Date): string {
  const s = Math.ceil(t.getTime() / 1000) * 1000;
  return new Date(s).toISOString().replace('.000Z', 'Z');
}

/** The assumed-role session ARN prefix of a role (`arn:P:sts::ACCT:assumed-role/NAME/`), or undefined. */
function sessionPrefix(principal: string): string | undefined {
  const role = parseRoleArn(principal);
  return role ? `arn:${role.partition}:sts::${role.account}:assumed-role/${role.name}/` : undefined;
}

/** IAM role names (IAM User Guide, "IAM object quotas": up to 64 of letters, digits and `+=,.@_-`). */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** A role given by name only: its sessions' issuer ends in `/NAME`, its session ARNs hold `:assumed-role/NAME/`. */
function roleNameCondition(d: SqlDialect, name: string): string {
  const issuer = d.field(['userIdentity', 'sessionContext', 'sessionIssuer', 'arn']);
  return `(substr(${issuer}, -${name.length + 1}) = ${sqlString(`/${name}`)} OR ${d.contains(d.field(['userIdentity', 'arn']), `:assumed-role/${name}/`)})`;
}

/** One principal's condition: the issuer of its sessions, its own ARN, or its sessions' ARNs; or a role's name. */
function principalCondition(d: SqlDialect, principal: string): string {
  if (!principal.startsWith('arn:') && ROLE_NAME.test(principal)) return roleNameCondition(d, principal);
  if (principalAccount(principal, { sts: true }) === undefined || /\s/.test(principal)) {
    throw new AthenaInputError(`${principal}: not an IAM principal ARN or role name`, 'Give the role as arn:aws:iam::ACCOUNT:role/NAME or by its name.');
  }
  const arnCol = d.field(['userIdentity', 'arn']);
  const parts = [`${d.field(['userIdentity', 'sessionContext', 'sessionIssuer', 'arn'])} = ${sqlString(principal)}`, `${arnCol} = ${sqlString(principal)}`];
  const prefix = sessionPrefix(principal);
  if (prefix) parts.push(`substr(${arnCol}, 1, ${prefix.length}) = ${sqlString(prefix)}`);
  return `(${parts.join(' OR ')})`;
}

/** The accounts a query's principals name (the `account` partition can then be pruned). */
export function accountsOf(principals: readonly string[]): string[] | undefined {
  const out = new Set<string>();
  for (const p of principals) {
    const account = principalAccount(p, { sts: true });
    if (account === undefined) return undefined;
    out.add(account);
  }
  return out.size ? [...out].sort() : undefined;
}

/** The WHERE conditions: partitions first (what Athena prunes by), then the records' own fields. */
function conditions(d: SqlDialect, input: UsageQueryInput): string[] {
  if (!(input.since.getTime() < input.until.getTime())) {
    throw new AthenaInputError(`the window is empty (${input.since.toISOString()} to ${input.until.toISOString()})`, 'Give --since before --until (or --days N).');
  }
  const days = deliveryDays({ since: input.since, until: input.until });
  const list = (xs: readonly string[]) => xs.map(sqlString).join(', ');
  const out = [`"${PARTITION.day}" BETWEEN ${sqlString(days[0]!)} AND ${sqlString(days[days.length - 1]!)}`];
  const accounts = input.accounts ?? (input.principals ? accountsOf(input.principals) : undefined);
  if (accounts?.length) out.push(`${PARTITION.account} IN (${list(accounts.map((a) => checkAccount(a, '--account')))})`);
  if (input.regions?.length) out.push(`${PARTITION.region} IN (${list(input.regions.map((r) => checkRegion(r, '--region')))})`);
  const time = d.field(['eventTime']);
  out.push(`${time} >= ${sqlString(eventTimeBound(input.since))}`, `${time} < ${sqlString(eventTimeBound(input.until))}`);
  if (input.eventSources) out.push(input.eventSources.length ? `${d.field(['eventSource'])} IN (${list(input.eventSources)})` : '1 = 0');
  if (input.principals?.length) out.push(`(${input.principals.map((p) => principalCondition(d, p)).join(' OR ')})`);
  return out;
}

/**
 * The usage query in `dialect`. Duplicate deliveries (the same `recipientAccountId` and `eventID`, as the local
 * reader counts them) are removed in the query: one copy is kept, the others are counted in `duplicates`.
 * Records without an eventID are never merged (nothing tells two of them apart), as locally.
 */
export function usageQuery(input: UsageQueryInput, dialect: SqlDialect): string {
  const d = dialect;
  const groups = groupExpressions(d, input);
  const id = d.field(['eventID']);
  const partition = `PARTITION BY ${d.field(['recipientAccountId'])}, ${id}`;
  const names = groups.map(([n]) => n).join(', ');
  return [
    'WITH records AS (',
    '  SELECT',
    ...groups.map(([n, e]) => `    ${e} AS ${n},`),
    `    ${d.field(['eventTime'])} AS event_time,`,
    `    CASE WHEN ${id} IS NULL THEN 1 ELSE row_number() OVER (${partition} ORDER BY ${d.field(['eventTime'])}) END AS copy_no,`,
    `    CASE WHEN ${id} IS NULL THEN 0 ELSE count(*) OVER (${partition}) - 1 END AS extra_copies`,
    `  FROM ${quoteTable(input.table)}`,
    `  WHERE ${conditions(d, input).join('\n    AND ')}`,
    ')',
    `SELECT ${names},`,
    '  count(*) AS calls, sum(extra_copies) AS duplicates, min(event_time) AS first_seen, max(event_time) AS last_seen',
    'FROM records',
    'WHERE copy_no = 1',
    `GROUP BY ${names}`,
  ].join('\n');
}
