/**
 * The catalog's operations (`data/iam/operations.json`): the actions an API operation needs, and whether IAM
 * Access Analyzer's policy generation identifies an action from CloudTrail.
 */

import type { OperationAction } from './types.js';
import { splitId, type ActionQueries } from './actions.js';
import type { LazySection, RawOperations } from './raw-data.js';

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

  /** Per service: lower-case names of the actions AWS's policy generation identifies from CloudTrail. */
  const pgIndexes = new Map<string, Set<string>>();
  function identifiableFromCloudTrail(actionId: string): boolean {
    const parts = splitId(actionId);
    if (!parts) return false;
    const p = parts[0].toLowerCase();
    let set = pgIndexes.get(p);
    if (!set) {
      const entry = rawOps.get(p);
      set = new Set(typeof entry === 'object' && entry !== null ? (entry.pg ?? []).map((n) => n.toLowerCase()) : []);
      pgIndexes.set(p, set);
    }
    return set.has(parts[1].toLowerCase());
  }

  return { operationActions, identifiableFromCloudTrail };
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
