/**
 * Amazon DynamoDB resources (`tableName`, `indexName`, `streamArn`, batch `requestItems`, `transactItems`)
 * and the per-item splitters for TransactWriteItems and PartiQL statements.
 */

import { arn, firstStr, fromIdRules, isArn, isObject, str, uniq, valuesAt, type ExtractContext, type IdRule } from './common.js';

function tableArn(ctx: ExtractContext, nameOrArn: string): string {
  return isArn(nameOrArn) ? nameOrArn : arn(ctx, 'dynamodb', `table/${nameOrArn}`);
}

/** Table names of a BatchGetItem/BatchWriteItem `requestItems` (object keyed by table, or a list of items). */
function requestItemTables(v: unknown): string[] {
  if (isObject(v)) return Object.keys(v);
  if (Array.isArray(v)) {
    return v.flatMap((item) => (isObject(item) ? [firstStr(item, 'tableName', 'TableName')].filter((x): x is string => !!x) : []));
  }
  return [];
}

/** Kinds of a TransactWriteItems / TransactGetItems item, CloudTrail lower-camel or API casing. */
const ITEM_KINDS: Record<string, string> = {
  get: 'dynamodb:GetItem',
  put: 'dynamodb:PutItem',
  update: 'dynamodb:UpdateItem',
  delete: 'dynamodb:DeleteItem',
  conditioncheck: 'dynamodb:ConditionCheckItem',
};

/** Each transact item as [action, tableName] (undefined parts dropped). */
function transactItems(params: Record<string, unknown>): { action: string; table: string }[] {
  const out: { action: string; table: string }[] = [];
  if (params.transactItems === undefined || params.transactItems === null) return out; // every item call: no walk
  for (const item of valuesAt(params, 'transactItems[]')) {
    if (!isObject(item)) continue;
    for (const [k, body] of Object.entries(item)) {
      const action = ITEM_KINDS[k.toLowerCase()];
      if (!action || !isObject(body)) continue;
      const table = firstStr(body, 'tableName', 'TableName');
      if (table) out.push({ action, table });
    }
  }
  return out;
}

/**
 * Backups, exports and imports are named by their full ARN (DescribeBackup `backupArn`, DescribeExport
 * `exportArn`, DescribeImport `importArn`); a global table (version 2017) by name, in an ARN without a region.
 */
const ID_RULES: readonly IdRule[] = [
  { path: 'backupArn' },
  { path: 'exportArn' },
  { path: 'importArn' },
  { path: 'globalTableName', build: (v, ctx) => arn(ctx, 'dynamodb', `global-table/${v}`, { region: '' }) },
];

/** Table, index, stream, backup, export, import and global-table ARNs a DynamoDB call addresses. */
export function dynamodbResources(ctx: ExtractContext): string[] {
  const p = ctx.params;
  const out: string[] = [];
  const table = firstStr(p, 'tableName', 'TableName', 'tableArn');
  const index = firstStr(p, 'indexName', 'IndexName');
  if (table) {
    const t = tableArn(ctx, table);
    // A Query/Scan on an index is authorized against the index ARN only.
    out.push(index ? `${t}/index/${index}` : t);
  }
  const stream = firstStr(p, 'streamArn', 'StreamArn');
  if (stream) out.push(stream);
  const resourceArn = firstStr(p, 'resourceArn', 'ResourceArn');
  if (resourceArn) out.push(resourceArn);
  const ids = fromIdRules(ctx, ID_RULES);
  if (ids.length > 0) out.push(...ids);
  const global = str(p.globalTableName);
  if (global && /^(Create|Update)GlobalTable$/.test(ctx.operation)) {
    // CreateGlobalTable/UpdateGlobalTable (version 2017) also act on the same-named table in each replica Region.
    const regions = new Set([ctx.region, ...valuesAt(p, 'replicationGroup[].regionName'), ...valuesAt(p, 'replicaUpdates[].create.regionName'), ...valuesAt(p, 'replicaUpdates[].delete.regionName')]);
    for (const r of regions) if (typeof r === 'string' && r) out.push(arn(ctx, 'dynamodb', `table/${global}`, { region: r }));
  }
  for (const t of requestItemTables(p.requestItems ?? p.RequestItems)) out.push(tableArn(ctx, t));
  for (const it of transactItems(p)) out.push(tableArn(ctx, it.table));
  return uniq(out);
}

/** One action and the resources it was used on, as decided per request item. */
export interface SplitUse {
  action: string;
  resources: string[];
}

/** TransactWriteItems/TransactGetItems: each item's action on its own table; undefined when no items are recorded. */
export function splitTransactItems(ctx: ExtractContext): SplitUse[] | undefined {
  const items = transactItems(ctx.params);
  if (items.length === 0) return undefined;
  const by = new Map<string, Set<string>>();
  for (const it of items) {
    const set = by.get(it.action) ?? new Set<string>();
    set.add(tableArn(ctx, it.table));
    by.set(it.action, set);
  }
  return [...by.entries()].map(([action, set]) => ({ action, resources: [...set] }));
}

const PARTIQL: Record<string, string> = {
  SELECT: 'dynamodb:PartiQLSelect',
  INSERT: 'dynamodb:PartiQLInsert',
  UPDATE: 'dynamodb:PartiQLUpdate',
  DELETE: 'dynamodb:PartiQLDelete',
};

/** The PartiQL action and table of one statement text; undefined when the verb is not readable (redacted). */
function partiqlStatement(ctx: ExtractContext, text: string): { action: string; table?: string } | undefined {
  const m = /^\s*(SELECT|INSERT|UPDATE|DELETE)\b/i.exec(text);
  if (!m) return undefined;
  const action = PARTIQL[m[1]!.toUpperCase()]!;
  // Table after FROM / INTO / UPDATE, optionally double-quoted, possibly with a ."index" suffix.
  const t = /\b(?:FROM|INTO|UPDATE)\s+"([^"]+)"(?:\."([^"]+)")?|\b(?:FROM|INTO|UPDATE)\s+([A-Za-z0-9_.-]+)/i.exec(text);
  let table: string | undefined;
  if (t) {
    const name = t[1] ?? t[3];
    const idx = t[2];
    if (name) table = idx ? `${tableArn(ctx, name)}/index/${idx}` : tableArn(ctx, name);
  }
  return table ? { action, table } : { action };
}

/**
 * ExecuteStatement / BatchExecuteStatement / ExecuteTransaction: the PartiQL action per statement verb.
 * Undefined when any statement's verb cannot be read (the caller then reports all four actions).
 * Statements without a readable table use `fallbackResources` (the record's own resources).
 */
export function splitPartiql(ctx: ExtractContext, fallbackResources: string[]): SplitUse[] | undefined {
  const p = ctx.params;
  const texts = [
    ...valuesAt(p, 'statement').map(str),
    ...valuesAt(p, 'statements[].statement').map(str),
    ...valuesAt(p, 'transactStatements[].statement').map(str),
  ];
  if (texts.length === 0 || texts.some((t) => t === undefined)) return undefined;
  const by = new Map<string, Set<string>>();
  for (const text of texts as string[]) {
    const s = partiqlStatement(ctx, text);
    if (!s) return undefined;
    const set = by.get(s.action) ?? new Set<string>();
    for (const r of s.table ? [s.table] : fallbackResources) set.add(r);
    by.set(s.action, set);
  }
  return [...by.entries()].map(([action, set]) => ({ action, resources: [...set] }));
}
