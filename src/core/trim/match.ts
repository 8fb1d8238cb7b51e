/**
 * Statement matching for trim's own bookkeeping (which statement a used call could have come through, whether
 * a narrowed pattern stays inside a statement). Conditions are treated as possibly true ("may allow"): trim only
 * uses these answers to decide what evidence belongs to which statement; the verifier proves the result.
 */
import type { Statement } from '../policy/types.js';
import { ACTION_PATTERN, RESOURCE_PATTERN, patternCovers, patternsIntersect } from '../wildcard.js';

/** True when the statement's Action/NotAction applies to the concrete action id. */
export function statementMatchesAction(st: Statement, action: string): boolean {
  if (st.action) return st.action.some((p) => patternCovers(p, action, ACTION_PATTERN));
  if (st.notAction) return !st.notAction.some((p) => patternCovers(p, action, ACTION_PATTERN));
  return false;
}

/**
 * True when every ARN matched by `resource` (a literal ARN or a pattern) is inside the statement's
 * Resource/NotResource. A statement with neither applies to nothing.
 */
export function statementCoversResource(st: Pick<Statement, 'resource' | 'notResource'>, resource: string): boolean {
  if (st.resource) return st.resource.some((p) => patternCovers(p, resource, RESOURCE_PATTERN));
  if (st.notResource) return !st.notResource.some((p) => patternsIntersect(p, resource, RESOURCE_PATTERN));
  return false;
}

/**
 * True when some ARN matched by `resource` (a literal ARN or a pattern) may be inside the statement's
 * Resource/NotResource.
 */
export function statementMayIntersectResource(st: Pick<Statement, 'resource' | 'notResource'>, resource: string): boolean {
  if (st.resource) return st.resource.some((p) => patternsIntersect(p, resource, RESOURCE_PATTERN));
  if (st.notResource) return !st.notResource.some((p) => patternCovers(p, resource, RESOURCE_PATTERN));
  return false;
}

/** True when some Allow statement may allow (action, resource) and no unconditional Deny certainly denies it. */
export function mayAllow(statements: Statement[], action: string, resource: string): boolean {
  let allowed = false;
  for (const st of statements) {
    if (!statementMatchesAction(st, action)) continue;
    if (st.effect === 'Deny') {
      if (!st.condition && statementCoversResource(st, resource)) return false;
    } else if (statementCoversResource(st, resource)) {
      allowed = true;
    }
  }
  return allowed;
}

/** Canonical, key-sorted JSON of a condition block ('' when absent): the identity used to group statements. */
export function conditionKey(condition: Statement['condition']): string {
  if (!condition || Object.keys(condition).length === 0) return '';
  const ops = Object.keys(condition).sort();
  return JSON.stringify(
    ops.map((op) => [op, Object.keys(condition[op]).sort().map((k) => [k, [...condition[op][k]]])]),
  );
}
