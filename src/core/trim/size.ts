/**
 * IAM policy size accounting and splitting. IAM counts characters of the policy JSON without whitespace
 * (IAM User Guide, "IAM and AWS STS quotas": managed policy 6,144; all inline policies of a role 10,240).
 * Sizes here are measured on a compact rendering with every value as a list, which is never shorter than what a
 * renderer that writes single values as strings produces — so "fits" here means fits there.
 */
import type { Statement } from '../policy/types.js';

/** IAM JSON of one statement with a fixed key order (the size model; renderers own the real output). */
export function statementJson(st: Statement): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (st.sid !== undefined) o.Sid = st.sid;
  o.Effect = st.effect;
  if (st.principal !== undefined) o.Principal = st.principal;
  if (st.notPrincipal !== undefined) o.NotPrincipal = st.notPrincipal;
  if (st.action) o.Action = st.action;
  if (st.notAction) o.NotAction = st.notAction;
  if (st.resource) o.Resource = st.resource;
  if (st.notResource) o.NotResource = st.notResource;
  if (st.condition) o.Condition = st.condition;
  return o;
}

/** Characters IAM counts for a document holding these statements (whitespace-free JSON). */
export function documentChars(statements: Statement[]): number {
  // JSON.stringify without indentation emits no whitespace outside strings; whitespace inside strings counts.
  return JSON.stringify({ Version: '2012-10-17', Statement: statements.map(statementJson) }).length;
}

/** Characters of one statement inside a document (its JSON plus the separating comma). */
export function statementChars(st: Statement): number {
  return JSON.stringify(statementJson(st)).length + 1;
}

/**
 * Split a statement that alone exceeds `limit` into statements with fewer actions (then fewer resources), each
 * a subset of the original — never wider. Returns `[st]` when it fits or cannot be split (NotAction, verbatim).
 */
export function splitStatement(st: Statement, limit: number, splittable: boolean): Statement[] {
  if (!splittable || documentChars([st]) <= limit) return [st];
  if (st.action && st.action.length > 1) {
    const mid = Math.ceil(st.action.length / 2);
    return [
      ...splitStatement({ ...st, action: st.action.slice(0, mid) }, limit, true),
      ...splitStatement({ ...st, action: st.action.slice(mid) }, limit, true),
    ];
  }
  if (st.resource && st.resource.length > 1) {
    const mid = Math.ceil(st.resource.length / 2);
    return [
      ...splitStatement({ ...st, resource: st.resource.slice(0, mid) }, limit, true),
      ...splitStatement({ ...st, resource: st.resource.slice(mid) }, limit, true),
    ];
  }
  return [st];
}

/** Greedy packing, in order, of statements into documents of at most `limit` characters each. */
export function packStatements(statements: Statement[], limit: number): Statement[][] {
  const docs: Statement[][] = [];
  let cur: Statement[] = [];
  for (const st of statements) {
    if (cur.length > 0 && documentChars([...cur, st]) > limit) {
      docs.push(cur);
      cur = [];
    }
    cur.push(st);
  }
  if (cur.length > 0 || docs.length === 0) docs.push(cur);
  return docs;
}
