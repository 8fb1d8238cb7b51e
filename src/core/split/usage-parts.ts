/**
 * Parts and sums of a role's usage, for the split by function: a session's usage goes to its function, the
 * calls of Lambda's pollers go to the function whose event source they read, and the rest to the residual. Every
 * successful use, refusal and failure lands in exactly one part (nothing is dropped: `partitionUsage` is a
 * partition, `mergeUsages` its inverse up to order).
 */
import type { ActionUsage, AttemptUsage, PrincipalUsage, ResourceUsage } from '../usage/types.js';
import { mergeActionUsages } from '../usage/usage-view.js';

/** A usage with nothing in it, for `principalArn`. */
export function emptyPrincipalUsage(principalArn: string): PrincipalUsage {
  return { principalArn, used: [], denied: [], failed: [], sessions: [], records: 0 };
}

/** The sum of several usages of one principal: per action, resources, counts, dates, sessions and events merged. */
export function mergeUsages(principalArn: string, parts: readonly PrincipalUsage[]): PrincipalUsage {
  const used = new Map<string, ActionUsage[]>();
  const denied = new Map<string, AttemptUsage>();
  const failed = new Map<string, AttemptUsage>();
  const sessions = new Set<string>();
  let records = 0;
  for (const p of parts) {
    records += p.records;
    for (const s of p.sessions) sessions.add(s);
    for (const u of p.used) used.set(u.action, [...(used.get(u.action) ?? []), u]);
    for (const a of p.denied) denied.set(a.action, denied.has(a.action) ? mergeAttempt(denied.get(a.action)!, a) : { ...a, errorCodes: [...a.errorCodes], resources: [...a.resources], sessions: [...a.sessions] });
    for (const a of p.failed) failed.set(a.action, failed.has(a.action) ? mergeAttempt(failed.get(a.action)!, a) : { ...a, errorCodes: [...a.errorCodes], resources: [...a.resources], sessions: [...a.sessions] });
  }
  const byAction = <T extends { action: string }>(m: Map<string, T>): T[] => [...m.values()].sort((a, b) => (a.action < b.action ? -1 : a.action > b.action ? 1 : 0));
  const summed = new Map([...used].map(([action, uses]) => [action, mergeActionUsages(uses)]));
  return { principalArn, used: byAction(summed), denied: byAction(denied), failed: byAction(failed), sessions: [...sessions].sort(), records };
}

/**
 * Splits a usage's successful uses resource by resource: `owners(action, resource)` names the parts each goes
 * to (several: a copy to each, since each needs it; none: `rest`). Refusals and failures stay with `rest` (a poller's refused receive is the shared
 * role's problem until its function has a role of its own). Record counts stay with `rest` too: they count
 * records of the session, not of a part.
 */
export function partitionUsage(usage: PrincipalUsage, owners: (action: string, resource: string) => readonly string[]): { parts: Map<string, PrincipalUsage>; rest: PrincipalUsage } {
  const partUsed = new Map<string, ActionUsage[]>();
  const restUsed: ActionUsage[] = [];
  for (const u of usage.used) {
    const byOwner = new Map<string, ResourceUsage[]>();
    const rest: ResourceUsage[] = [];
    for (const r of u.resources) {
      const os = owners(u.action, r.resource);
      if (os.length === 0) rest.push(r);
      for (const o of os) byOwner.set(o, [...(byOwner.get(o) ?? []), r]);
    }
    for (const [o, resources] of byOwner) partUsed.set(o, [...(partUsed.get(o) ?? []), actionPiece(u, resources)]);
    if (rest.length > 0) restUsed.push(actionPiece(u, rest));
    // A use that names no resource stays whole with the rest.
    if (u.resources.length === 0) restUsed.push(cloneAction(u));
  }
  const parts = new Map<string, PrincipalUsage>();
  for (const [o, used] of partUsed) parts.set(o, { principalArn: usage.principalArn, used, denied: [], failed: [], sessions: [...usage.sessions], records: 0 });
  return { parts, rest: { ...usage, used: restUsed } };
}

/** The action's use restricted to `resources`: counts and dates from those resources. */
function actionPiece(u: ActionUsage, resources: ResourceUsage[]): ActionUsage {
  const count = resources.reduce((n, r) => n + r.count, 0);
  const firstSeen = resources.reduce((d, r) => (r.firstSeen < d ? r.firstSeen : d), resources[0]!.firstSeen);
  const lastSeen = resources.reduce((d, r) => (r.lastSeen > d ? r.lastSeen : d), resources[0]!.lastSeen);
  return { ...u, count, firstSeen, lastSeen, resources: resources.map((r) => ({ ...r })), sessions: [...u.sessions], eventNames: [...u.eventNames] };
}

function cloneAction(u: ActionUsage): ActionUsage {
  return { ...u, resources: u.resources.map((r) => ({ ...r })), sessions: [...u.sessions], eventNames: [...u.eventNames] };
}

/** Two attempts of one action, summed. */
function mergeAttempt(a: AttemptUsage, b: AttemptUsage): AttemptUsage {
  const union = (x: string[], y: string[]) => [...new Set([...x, ...y])].sort();
  return {
    action: a.action,
    count: a.count + b.count,
    firstSeen: a.firstSeen < b.firstSeen ? a.firstSeen : b.firstSeen,
    lastSeen: a.lastSeen > b.lastSeen ? a.lastSeen : b.lastSeen,
    errorCodes: union(a.errorCodes, b.errorCodes),
    resources: union(a.resources, b.resources),
    sessions: union(a.sessions, b.sessions),
  };
}
