/**
 * One principal's usage read back from the ledger's cells: successful use apart from denied and other failed
 * attempts, per action, every list sorted. What `usage` prints (once for the role and once per function) and
 * what trim reads.
 *
 * Built with plain loops and objects made once in their final key order (no object rest/spread, no tuple
 * destructuring): `usage` calls this once per principal and per session, in the main thread after a parallel
 * read, where the code runs cold and those forms are several times slower (~125 ms instead of ~200 ms for the
 * bench trail's 24 roles and their functions, docs/BENCHMARKS.md).
 */
import type { ActionUsage, AttemptUsage, CallOutcome, PrincipalUsage, ResourceUsage } from './types.js';

/** What the view reads of one ledger cell (principal, session, action, outcome). */
export interface ViewCell {
  readonly session: string;
  readonly action: string;
  readonly outcome: CallOutcome;
  readonly role: 'primary' | 'secondary';
  readonly count: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  /** resource → [count, firstSeen, lastSeen] */
  readonly resources: ReadonlyMap<string, readonly [number, string, string]>;
  readonly eventNames: ReadonlySet<string>;
  readonly errorCodes: ReadonlySet<string>;
}

/** One action's successful use while cells are summed: the result and its sets. */
interface UsedSum {
  usage: ActionUsage;
  resources: Map<string, ResourceUsage>;
  sessions: Set<string>;
  eventNames: Set<string>;
}

/** One action's denied or failed attempts while cells are summed. */
interface AttemptSum {
  usage: AttemptUsage;
  resources: Set<string>;
  sessions: Set<string>;
  errorCodes: Set<string>;
}

/**
 * The usage of `principal` from its cells (in insertion order); with `session`, only that session's cells.
 * `records` and `sessions` (sorted) are the caller's, counted for the same view.
 */
export function principalUsage(principal: string, cells: Iterable<ViewCell>, records: number, sessions: string[], session?: string): PrincipalUsage {
  const used = new Map<string, UsedSum>();
  const denied = new Map<string, AttemptSum>();
  const failed = new Map<string, AttemptSum>();
  for (const cell of cells) {
    if (session !== undefined && cell.session !== session) continue;
    if (cell.outcome === 'succeeded') addUse(used, cell);
    else addAttempt(cell.outcome === 'denied' ? denied : failed, cell);
  }
  return { principalArn: principal, used: finishUsed(used), denied: finishAttempts(denied), failed: finishAttempts(failed), sessions, records };
}

/** Adds a successful cell to its action's sum. */
function addUse(used: Map<string, UsedSum>, cell: ViewCell): void {
  let u = used.get(cell.action);
  if (!u) {
    const usage: ActionUsage = { action: cell.action, role: cell.role, count: 0, firstSeen: cell.firstSeen, lastSeen: cell.lastSeen, resources: [], sessions: [], eventNames: [] };
    u = { usage, resources: new Map(), sessions: new Set(), eventNames: new Set() };
    used.set(cell.action, u);
  }
  const a = u.usage;
  if (cell.role === 'primary') a.role = 'primary';
  a.count += cell.count;
  if (cell.firstSeen < a.firstSeen) a.firstSeen = cell.firstSeen;
  if (cell.lastSeen > a.lastSeen) a.lastSeen = cell.lastSeen;
  if (cell.session) u.sessions.add(cell.session);
  for (const e of cell.eventNames) u.eventNames.add(e);
  for (const [resource, c] of cell.resources) {
    const r = u.resources.get(resource);
    if (!r) u.resources.set(resource, { resource, count: c[0], firstSeen: c[1], lastSeen: c[2] });
    else {
      r.count += c[0];
      if (c[1] < r.firstSeen) r.firstSeen = c[1];
      if (c[2] > r.lastSeen) r.lastSeen = c[2];
    }
  }
}

/** Adds a denied or failed cell to its action's sum. */
function addAttempt(attempts: Map<string, AttemptSum>, cell: ViewCell): void {
  let a = attempts.get(cell.action);
  if (!a) {
    const usage: AttemptUsage = { action: cell.action, count: 0, firstSeen: cell.firstSeen, lastSeen: cell.lastSeen, errorCodes: [], resources: [], sessions: [] };
    a = { usage, resources: new Set(), sessions: new Set(), errorCodes: new Set() };
    attempts.set(cell.action, a);
  }
  const x = a.usage;
  x.count += cell.count;
  if (cell.firstSeen < x.firstSeen) x.firstSeen = cell.firstSeen;
  if (cell.lastSeen > x.lastSeen) x.lastSeen = cell.lastSeen;
  if (cell.session) a.sessions.add(cell.session);
  for (const e of cell.errorCodes) a.errorCodes.add(e);
  for (const r of cell.resources.keys()) a.resources.add(r);
}

/** The successful use, sorted by action, each with its lists sorted. */
function finishUsed(used: Map<string, UsedSum>): ActionUsage[] {
  const out: ActionUsage[] = [];
  for (const u of used.values()) {
    u.usage.resources = [...u.resources.values()].sort(byResource);
    u.usage.sessions = [...u.sessions].sort();
    u.usage.eventNames = [...u.eventNames].sort();
    out.push(u.usage);
  }
  return out.sort(byAction);
}

/** The attempts, sorted by action, each with its lists sorted. */
function finishAttempts(attempts: Map<string, AttemptSum>): AttemptUsage[] {
  const out: AttemptUsage[] = [];
  for (const a of attempts.values()) {
    a.usage.errorCodes = [...a.errorCodes].sort();
    a.usage.resources = [...a.resources].sort();
    a.usage.sessions = [...a.sessions].sort();
    out.push(a.usage);
  }
  return out.sort(byAction);
}

/**
 * Several uses of one action, summed: counts added, dates widened, resources, sessions and event names merged
 * (the same action seen under two spellings, or in two parts of a role's usage). One use is returned as is.
 */
export function mergeActionUsages(entries: readonly ActionUsage[]): ActionUsage {
  if (entries.length === 1) return entries[0]!;
  const res = new Map<string, ResourceUsage>();
  for (const e of entries)
    for (const r of e.resources) {
      const prev = res.get(r.resource);
      res.set(
        r.resource,
        prev
          ? {
              resource: r.resource,
              count: prev.count + r.count,
              firstSeen: prev.firstSeen < r.firstSeen ? prev.firstSeen : r.firstSeen,
              lastSeen: prev.lastSeen > r.lastSeen ? prev.lastSeen : r.lastSeen,
            }
          : r,
      );
    }
  return {
    action: entries[0]!.action,
    role: entries.some((e) => e.role === 'primary') ? 'primary' : 'secondary',
    count: entries.reduce((n, e) => n + e.count, 0),
    firstSeen: entries.map((e) => e.firstSeen).sort()[0]!,
    lastSeen: entries.map((e) => e.lastSeen).sort().reverse()[0]!,
    resources: [...res.values()].sort(byResource),
    sessions: [...new Set(entries.flatMap((e) => e.sessions))].sort(),
    eventNames: [...new Set(entries.flatMap((e) => e.eventNames))].sort(),
  };
}

function byAction(a: { action: string }, b: { action: string }): number {
  return cmp(a.action, b.action);
}

function byResource(a: ResourceUsage, b: ResourceUsage): number {
  return cmp(a.resource, b.resource);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
