/**
 * The usage ledger: normalized calls aggregated per principal, per session (function), per action and
 * resource. Memory grows with the number of distinct (principal, session, action, resource) tuples, never
 * with the number of records.
 */
import type {
  ActionUsage,
  AttemptUsage,
  CallOutcome,
  NormalizedCall,
  PrincipalUsage,
  ResourceUsage,
} from './types.js';

/**
 * Distinct resources one ledger cell (principal, session, action, outcome) keeps before it generalizes them.
 * Why: memory must not grow with months of logs when every call names a new object key; and at ~60
 * characters an ARN, a managed policy (6,144 characters) holds about a hundred, so a list of 256 exact ARNs for
 * one action is never printed as such anyway (trim generalizes it to shared prefixes). Generalized patterns
 * always cover what was seen.
 */
export const MAX_DISTINCT_RESOURCES = 256;

/**
 * Generalization levels: level L keeps at most LEVEL_SEGMENTS[L] `/`-separated segments of an ARN's resource
 * part and replaces the rest with `*` (`arn:aws:s3:::b/x/y/z.pdf` at 2 segments → `arn:aws:s3:::b/x/*`; at 0
 * → `arn:aws:s3:::*`). Budgets strictly decrease, so generalizing twice equals generalizing once at the higher
 * level: the result does not depend on the order calls were added or ledgers merged.
 */
const LEVEL_SEGMENTS = [Number.POSITIVE_INFINITY, 6, 4, 3, 2, 1, 0];

/** The scalar part of one (principal, session, action, outcome) cell, shared by the cell and its snapshot. */
export interface LedgerCellHead {
  principal: string;
  session: string;
  action: string;
  outcome: CallOutcome;
  /** Generalization level of the cell's resources (index into LEVEL_SEGMENTS; 0: exact). */
  level: number;
  role: 'primary' | 'secondary';
  count: number;
  firstSeen: string;
  lastSeen: string;
}

/** Counters for one (principal, session, action, outcome) cell. */
interface Cell extends LedgerCellHead {
  /** resource → [count, firstSeen, lastSeen] */
  resources: Map<string, [number, string, string]>;
  eventNames: Set<string>;
  errorCodes: Set<string>;
}

/** Serializable form of a ledger, for merging partial ledgers built in parallel (worker threads). */
export interface LedgerSnapshot {
  version: 1;
  cells: Array<LedgerCellHead & { resources: Array<[string, number, string, string]>; eventNames: string[]; errorCodes: string[] }>;
  records: Array<[string, string, number]>;
  /** Regions of the calls added (`awsRegion`), any principal. */
  regions?: string[];
}

/** The cells of one (principal, session, action), by outcome. */
type OutcomeCells = Partial<Record<CallOutcome, Cell>>;

/** One principal's cells: in insertion order (for its usage) and indexed by session → action (for adding). */
interface PrincipalCells {
  list: Cell[];
  bySession: Map<string, Map<string, OutcomeCells>>;
}

/** Filter for a view over a principal's usage. */
export interface UsageView {
  /** Only calls from this role session (for Lambda: the function name). */
  session?: string;
}

/** Aggregates normalized calls. Deterministic: every listing is sorted. */
export class UsageLedger {
  /** Every cell, in insertion order. */
  private readonly cells: Cell[] = [];
  /**
   * principal → its cells. Nested maps keyed on the call's own strings: finding a cell builds no key string
   * per action, on the per-record hot path (docs/BENCHMARKS.md), and one principal's usage reads only its own
   * cells.
   */
  private readonly byPrincipal = new Map<string, PrincipalCells>();
  /** principal → session → number of records */
  private readonly recordCounts = new Map<string, Map<string, number>>();
  /** `awsRegion` of every call added, whoever made it: the regions whose logs the inputs held. */
  private readonly regions = new Set<string>();

  /** Add one normalized call (each of its actions is counted once per call). */
  add(call: NormalizedCall): void {
    const principal = call.principalArn;
    const session = call.sessionName ?? '';
    this.bumpRecords(principal, session, 1);
    if (call.region !== undefined) this.regions.add(call.region);
    const actions = call.actions;
    if (actions.length === 0) return;
    const byAction = this.sessionCells(principal, session);
    for (const use of actions) {
      const cell = this.cellOf(byAction, principal, session, use.action, call.outcome, use.role, call.time, call.time);
      // An action seen as a primary anywhere is primary evidence; secondary only if never seen directly.
      if (use.role === 'primary') cell.role = 'primary';
      cell.count += 1;
      if (call.time < cell.firstSeen) cell.firstSeen = call.time;
      if (call.time > cell.lastSeen) cell.lastSeen = call.time;
      cell.eventNames.add(call.eventName);
      if (call.errorCode) cell.errorCodes.add(call.errorCode);
      for (const raw of use.resources) {
        const resource = cell.level === 0 ? raw : generalizeResource(raw, cell.level);
        const r = cell.resources.get(resource);
        if (!r) cell.resources.set(resource, [1, call.time, call.time]);
        else {
          r[0] += 1;
          if (call.time < r[1]) r[1] = call.time;
          if (call.time > r[2]) r[2] = call.time;
        }
      }
      if (cell.resources.size > MAX_DISTINCT_RESOURCES) compact(cell, cell.level + 1);
    }
  }

  /**
   * Takes back the counts of a call added earlier (a duplicate found after two threads had both counted it):
   * record, cell and resource counts go down by one. Dates, event names, error codes and generalization stay:
   * the copy that remains counted carries the same values.
   */
  subtract(call: NormalizedCall): void {
    const principal = call.principalArn;
    const session = call.sessionName ?? '';
    this.bumpRecords(principal, session, -1);
    const byAction = this.byPrincipal.get(principal)?.bySession.get(session);
    for (const use of call.actions) {
      const cell = byAction?.get(use.action)?.[call.outcome];
      if (!cell) continue;
      cell.count -= 1;
      for (const raw of use.resources) {
        const r = cell.resources.get(cell.level === 0 ? raw : generalizeResource(raw, cell.level));
        if (r) r[0] -= 1;
      }
    }
  }

  /** The action → cells index of one (principal, session), created on first use. */
  private sessionCells(principal: string, session: string): Map<string, OutcomeCells> {
    let p = this.byPrincipal.get(principal);
    if (!p) {
      p = { list: [], bySession: new Map() };
      this.byPrincipal.set(principal, p);
    }
    let byAction = p.bySession.get(session);
    if (!byAction) {
      byAction = new Map();
      p.bySession.set(session, byAction);
    }
    return byAction;
  }

  /** The cell of (principal, session, action, outcome), created empty (count 0) on first use. */
  private cellOf(
    byAction: Map<string, OutcomeCells>,
    principal: string,
    session: string,
    action: string,
    outcome: CallOutcome,
    role: Cell['role'],
    firstSeen: string,
    lastSeen: string,
  ): Cell {
    let byOutcome = byAction.get(action);
    if (!byOutcome) {
      byOutcome = {};
      byAction.set(action, byOutcome);
    }
    let cell = byOutcome[outcome];
    if (!cell) {
      cell = {
        principal,
        session,
        action,
        outcome,
        level: 0,
        role,
        count: 0,
        firstSeen,
        lastSeen,
        resources: new Map(),
        eventNames: new Set(),
        errorCodes: new Set(),
      };
      byOutcome[outcome] = cell;
      this.cells.push(cell);
      this.byPrincipal.get(principal)!.list.push(cell);
    }
    return cell;
  }

  private bumpRecords(principal: string, session: string, n: number): void {
    let bySession = this.recordCounts.get(principal);
    if (!bySession) {
      bySession = new Map();
      this.recordCounts.set(principal, bySession);
    }
    bySession.set(session, (bySession.get(session) ?? 0) + n);
  }

  /** Every principal seen, sorted. */
  principals(): string[] {
    return [...this.recordCounts.keys()].sort();
  }

  /** Sessions (functions) seen for a principal, sorted. */
  sessionsOf(principal: string): string[] {
    return [...(this.recordCounts.get(principal)?.keys() ?? [])].filter((s) => s !== '').sort();
  }

  /**
   * The usage of one principal: successful use apart from denied and other failed attempts. With
   * `view.session`, only that session's calls (a view over the role's usage, never a replacement for it).
   */
  usageOf(principal: string, view: UsageView = {}): PrincipalUsage {
    const used = new Map<string, ActionUsage & { _res: Map<string, ResourceUsage>; _ses: Set<string>; _ev: Set<string> }>();
    const attempts: Record<'denied' | 'failed', Map<string, AttemptUsage & { _res: Set<string>; _ses: Set<string>; _err: Set<string> }>> = {
      denied: new Map(),
      failed: new Map(),
    };
    for (const cell of this.byPrincipal.get(principal)?.list ?? []) {
      const { session, action, outcome } = cell;
      if (view.session !== undefined && session !== view.session) continue;
      if (outcome === 'succeeded') {
        let u = used.get(action);
        if (!u) {
          u = { action, role: cell.role, count: 0, firstSeen: cell.firstSeen, lastSeen: cell.lastSeen, resources: [], sessions: [], eventNames: [], _res: new Map(), _ses: new Set(), _ev: new Set() };
          used.set(action, u);
        }
        if (cell.role === 'primary') u.role = 'primary';
        u.count += cell.count;
        if (cell.firstSeen < u.firstSeen) u.firstSeen = cell.firstSeen;
        if (cell.lastSeen > u.lastSeen) u.lastSeen = cell.lastSeen;
        if (session) u._ses.add(session);
        for (const e of cell.eventNames) u._ev.add(e);
        for (const [resource, [count, first, last]] of cell.resources) {
          const r = u._res.get(resource);
          if (!r) u._res.set(resource, { resource, count, firstSeen: first, lastSeen: last });
          else {
            r.count += count;
            if (first < r.firstSeen) r.firstSeen = first;
            if (last > r.lastSeen) r.lastSeen = last;
          }
        }
      } else {
        const map = attempts[outcome];
        let a = map.get(action);
        if (!a) {
          a = { action, count: 0, firstSeen: cell.firstSeen, lastSeen: cell.lastSeen, errorCodes: [], resources: [], sessions: [], _res: new Set(), _ses: new Set(), _err: new Set() };
          map.set(action, a);
        }
        a.count += cell.count;
        if (cell.firstSeen < a.firstSeen) a.firstSeen = cell.firstSeen;
        if (cell.lastSeen > a.lastSeen) a.lastSeen = cell.lastSeen;
        if (session) a._ses.add(session);
        for (const e of cell.errorCodes) a._err.add(e);
        for (const r of cell.resources.keys()) a._res.add(r);
      }
    }
    const sortedUsed: ActionUsage[] = [...used.values()]
      .sort((a, b) => cmp(a.action, b.action))
      .map(({ _res, _ses, _ev, ...u }) => ({
        ...u,
        resources: [..._res.values()].sort((a, b) => cmp(a.resource, b.resource)),
        sessions: [..._ses].sort(),
        eventNames: [..._ev].sort(),
      }));
    const finish = (m: (typeof attempts)['denied']): AttemptUsage[] =>
      [...m.values()]
        .sort((a, b) => cmp(a.action, b.action))
        .map(({ _res, _ses, _err, ...a }) => ({
          ...a,
          resources: [..._res].sort(),
          sessions: [..._ses].sort(),
          errorCodes: [..._err].sort(),
        }));
    const bySession = this.recordCounts.get(principal);
    let records = 0;
    for (const [session, n] of bySession ?? []) {
      if (view.session === undefined || view.session === session) records += n;
    }
    const sessions = this.sessionsOf(principal).filter((s) => view.session === undefined || s === view.session);
    return { principalArn: principal, used: sortedUsed, denied: finish(attempts.denied), failed: finish(attempts.failed), sessions, records };
  }

  /** The regions of every call added (any principal), sorted: where the inputs show activity. */
  regionsSeen(): string[] {
    return [...this.regions].sort();
  }

  /** A serializable copy, for sending a partial ledger between threads. */
  snapshot(): LedgerSnapshot {
    const cells: LedgerSnapshot['cells'] = [];
    for (const cell of this.cells) {
      cells.push({
        principal: cell.principal,
        session: cell.session,
        action: cell.action,
        outcome: cell.outcome,
        level: cell.level,
        role: cell.role,
        count: cell.count,
        firstSeen: cell.firstSeen,
        lastSeen: cell.lastSeen,
        resources: [...cell.resources].map(([r, [c, f, l]]) => [r, c, f, l]),
        eventNames: [...cell.eventNames],
        errorCodes: [...cell.errorCodes],
      });
    }
    const records: LedgerSnapshot['records'] = [];
    for (const [p, m] of this.recordCounts) for (const [s, n] of m) records.push([p, s, n]);
    return { version: 1, cells, records, regions: [...this.regions] };
  }

  /** Fold a snapshot (e.g. from a worker) into this ledger. Merging is commutative and associative. */
  merge(snapshot: LedgerSnapshot): void {
    for (const [p, s, n] of snapshot.records) this.bumpRecords(p, s, n);
    for (const r of snapshot.regions ?? []) this.regions.add(r);
    for (const c of snapshot.cells) {
      const cell = this.cellOf(this.sessionCells(c.principal, c.session), c.principal, c.session, c.action, c.outcome, c.role, c.firstSeen, c.lastSeen);
      const level = Math.max(cell.level, c.level ?? 0);
      if (level > cell.level) compact(cell, level);
      if (c.role === 'primary') cell.role = 'primary';
      cell.count += c.count;
      if (c.firstSeen < cell.firstSeen) cell.firstSeen = c.firstSeen;
      if (c.lastSeen > cell.lastSeen) cell.lastSeen = c.lastSeen;
      for (const e of c.eventNames) cell.eventNames.add(e);
      for (const e of c.errorCodes) cell.errorCodes.add(e);
      for (const [raw, count, first, last] of c.resources) {
        const r = cell.level === 0 ? raw : generalizeResource(raw, cell.level);
        const x = cell.resources.get(r);
        if (!x) cell.resources.set(r, [count, first, last]);
        else {
          x[0] += count;
          if (first < x[1]) x[1] = first;
          if (last > x[2]) x[2] = last;
        }
      }
      if (cell.resources.size > MAX_DISTINCT_RESOURCES) compact(cell, cell.level + 1);
    }
  }
}

/**
 * Re-key a cell's resources at `level` or higher, until at most MAX_DISTINCT_RESOURCES remain (counts
 * summed, first/last seen kept).
 */
function compact(cell: Cell, level: number): void {
  let l = Math.min(level, LEVEL_SEGMENTS.length - 1);
  for (;;) {
    const next = new Map<string, [number, string, string]>();
    for (const [r, [count, first, last]] of cell.resources) {
      const g = generalizeResource(r, l);
      const x = next.get(g);
      if (!x) next.set(g, [count, first, last]);
      else {
        x[0] += count;
        if (first < x[1]) x[1] = first;
        if (last > x[2]) x[2] = last;
      }
    }
    cell.resources = next;
    cell.level = l;
    if (next.size <= MAX_DISTINCT_RESOURCES || l === LEVEL_SEGMENTS.length - 1) return;
    l += 1;
  }
}

/**
 * A resource (ARN or pattern) generalized to `level`: at most LEVEL_SEGMENTS[level] segments of its resource
 * part kept, the rest replaced by `*`. The result always matches every ARN the input matches.
 */
export function generalizeResource(resource: string, level: number): string {
  const keep = LEVEL_SEGMENTS[Math.min(Math.max(level, 0), LEVEL_SEGMENTS.length - 1)];
  if (resource === '*' || keep === Number.POSITIVE_INFINITY) return resource;
  // `arn:partition:service:region:account:` is the prefix; the rest is the resource part. Found by index, not
  // by splitting: this runs for every resource added to a generalized cell (S3 keys: most calls).
  let prefixEnd = -1;
  if (resource.startsWith('arn:')) {
    let colon = 3; // the colon of `arn:`
    for (let n = 1; n < 5 && colon >= 0; n++) colon = resource.indexOf(':', colon + 1);
    if (colon >= 0) prefixEnd = colon + 1;
  }
  if (prefixEnd < 0) return keep === 0 ? '*' : resource;
  if (keep === 0) return `${resource.slice(0, prefixEnd)}*`;
  // Keep `keep` segments: cut at the keep-th `/` of the resource part (fewer slashes: nothing to cut).
  let slash = prefixEnd - 1;
  for (let n = 0; n < keep; n++) {
    slash = resource.indexOf('/', slash + 1);
    if (slash < 0) return resource;
  }
  return `${resource.slice(0, slash)}/*`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
