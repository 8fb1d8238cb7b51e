/**
 * The catalog's operations (`data/iam/operations.json`): the actions an API operation needs, and whether IAM
 * Access Analyzer's policy generation identifies an action from CloudTrail.
 */

import type { OperationAction } from './types.js';
import type { ActionQueries } from './actions.js';
import type { LazySection, RawOperations } from './raw-data.js';

/** Bound of the per-prefix policy-generation memo (~400 services, and spellings read from logs). */
const MAX_PG_PREFIXES = 10_000;

/** Operation name (exact and lower-case) → its frozen action list. */
interface OperationIndex {
  exact: Map<string, readonly OperationAction[]>;
  lower: Map<string, readonly OperationAction[]>;
}

/** The operation queries of a Catalog. */
export interface OperationQueries {
  operationActions(prefix: string, operation: string): OperationAction[] | undefined;
  identifiableFromCloudTrail(actionId: string): boolean;
}

/** Operation lookups over the raw operations, indexed per service on first use. */
export function createOperationQueries(rawOps: LazySection<RawOperations>, actions: Pick<ActionQueries, 'action'>): OperationQueries {
  const opIndexes = new Map<string, OperationIndex>();
  function opIndex(p: string): OperationIndex | undefined {
    let idx = opIndexes.get(p);
    if (idx) return idx;
    const entry = rawOps.get(p);
    if (typeof entry !== 'object' || entry === null) return undefined;
    idx = buildOperationIndex(p, entry, actions);
    opIndexes.set(p, idx);
    return idx;
  }

  function operationActions(prefix: string, operation: string): OperationAction[] | undefined {
    const idx = opIndex(prefix.toLowerCase());
    if (!idx) return undefined;
    // Exact name first (CloudTrail uses AWS casing), then case-insensitively. Called once per CloudTrail
    // record, so this is two map lookups; entries are frozen and shared, the array is a fresh copy.
    const list = idx.exact.get(operation) ?? idx.lower.get(operation.toLowerCase());
    return list ? [...list] : undefined;
  }

  /**
   * Per service prefix as asked: the names of the actions AWS's policy generation identifies from CloudTrail,
   * as written and lower-cased (a `*` grant asks about ~22,000 canonical ids: the exact set answers most
   * without lower-casing the name).
   */
  const pgIndexes = new Map<string, { exact: Set<string>; lower: Set<string> }>();
  function policyGenerationNames(prefix: string): { exact: Set<string>; lower: Set<string> } {
    let pg = pgIndexes.get(prefix);
    if (!pg) {
      // Peeked, not kept: only `pg` is read here, and a `*` grant asks about every service, whose other
      // operations (~3 MB parsed) the normalizer needs for the few services in the trail only.
      const entry = rawOps.peek(prefix.toLowerCase());
      const names = typeof entry === 'object' && entry !== null ? (entry.pg ?? []) : [];
      pg = { exact: new Set(names), lower: new Set(names.map((n) => n.toLowerCase())) };
      // Bounded: callers may ask about prefixes spelled in logs.
      if (pgIndexes.size >= MAX_PG_PREFIXES) pgIndexes.clear();
      pgIndexes.set(prefix, pg);
    }
    return pg;
  }

  function identifiableFromCloudTrail(actionId: string): boolean {
    // A catalog id as the catalog spells it (a `*` grant asks about ~22,000): its info holds the prefix and the
    // name already, so neither is sliced off (and hashed) again.
    const info = actions.action(actionId);
    if (info !== undefined && info.id === actionId) return namedIn(policyGenerationNames(info.service), info.name);
    const colon = actionId.indexOf(':');
    if (colon <= 0 || colon === actionId.length - 1) return false;
    return namedIn(policyGenerationNames(actionId.slice(0, colon)), actionId.slice(colon + 1));
  }

  return { operationActions, identifiableFromCloudTrail };
}

/** Whether the names hold `name`, as written or case-insensitively. */
function namedIn(pg: { exact: Set<string>; lower: Set<string> }, name: string): boolean {
  return pg.exact.has(name) || pg.lower.has(name.toLowerCase());
}

/** One service's operations: `ops` entries as written, then `same` names (operation = action of that name). */
function buildOperationIndex(p: string, entry: RawOperations, actions: Pick<ActionQueries, 'action'>): OperationIndex {
  const idx: OperationIndex = { exact: new Map(), lower: new Map() };
  const add = (name: string, list: readonly OperationAction[]): void => {
    idx.exact.set(name, list);
    if (!idx.lower.has(name.toLowerCase())) idx.lower.set(name.toLowerCase(), list);
  };
  for (const [name, raw] of Object.entries(entry.ops ?? {})) {
    add(
      name,
      Object.freeze(
        raw.map((e) =>
          Object.freeze(
            typeof e === 'string'
              ? { action: e }
              : {
                  action: e[0],
                  context: Object.freeze(Object.fromEntries(Object.entries(e[1]).map(([k, v]) => [k, Object.freeze([...v])]))),
                },
          ),
        ) as OperationAction[],
      ),
    );
  }
  for (const name of entry.same ?? []) {
    const a = actions.action(`${p}:${name}`);
    add(name, Object.freeze([Object.freeze({ action: a ? a.id : `${p}:${name}` })]));
  }
  return idx;
}
