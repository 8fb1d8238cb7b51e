/**
 * The usage ledger: normalized calls aggregated per principal, per session (function), per action and
 * resource. Memory grows with the number of distinct (principal, session, action, resource) tuples, never
 * with the number of records.
 */
import type { CallOutcome, NormalizedCall, PrincipalUsage } from './types.js';
import { principalUsage } from './usage-view.js';
import { UnmappedCalls, type UnmappedRow } from './unmapped.js';
import { generalizeResource, LEVEL_SEGMENTS } from './generalize.js';

/**
 * Distinct resources one ledger cell (principal, session, action, outcome) keeps before it generalizes them.
 * Why: memory must not grow with months of logs when every call names a new object key; and at ~60
 * characters an ARN, a managed policy (6,144 characters) holds about a hundred, so a list of 256 exact ARNs for
 * one action is never printed as such anyway (trim generalizes it to shared prefixes). Generalized patterns
 * always cover what was seen.
 */
export const MAX_DISTINCT_RESOURCES = 256;

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

/**
 * Serializable form of a ledger, for merging partial ledgers built in parallel (worker threads). A cell's
 * resources are four parallel lists rather than a list of tuples: a worker's snapshot holds ~17,000 resources on
 * the bench trail, and a small array for each is one more object to build, clone between threads and read.
 */
export interface LedgerSnapshot {
  version: 2;
  cells: Array<LedgerCellHead & SnapshotResources & { eventNames: string[]; errorCodes: string[] }>;
  records: Array<[string, string, number]>;
  /** Per (principal, session), records whose user agent did not show the Lambda runtime (see UsageLedger.notFromLambdaOf). */
  notFromLambda?: Array<[string, string, number]>;
  /** Regions of the calls added (`awsRegion`), any principal. */
  regions?: string[];
  /** Successful calls the catalog cannot map (see {@link UsageLedger.unmapped}); absent when none. */
  unmapped?: UnmappedRow[];
}

/** A snapshot cell's resources: entry `i` of each list belongs to `resources[i]`. */
interface SnapshotResources {
  resources: string[];
  resourceCounts: number[];
  resourceFirstSeen: string[];
  resourceLastSeen: string[];
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
  /**
   * principal → session → its records, and of them those made neither by the Lambda runtime
   * (`exec-env/AWS_Lambda_` in the user agent) nor by an AWS service on the session's behalf: a session named
   * after a function holds only that function's calls when the second is 0 (the split by function). One entry
   * for both, so a record costs one lookup.
   */
  private readonly recordCounts = new Map<string, Map<string, { records: number; notFromLambda: number }>>();
  /** `awsRegion` of every call added, whoever made it: the regions whose logs the inputs held. */
  private readonly regions = new Set<string>();
  /** Successful calls the catalog cannot map to an action: kept apart, for trim to keep what may have allowed them. */
  readonly unmapped = new UnmappedCalls();

  /** Adds one normalized call (each action once), or `times` alike (an Athena row) seen from `firstSeen` to `lastSeen`. */
  add(call: NormalizedCall, times = 1, firstSeen = call.time, lastSeen = call.time): void {
    const principal = call.principalArn;
    const session = call.sessionName ?? '';
    this.bumpRecords(principal, session, times, times * notFromLambda(call, session));
    if (call.region !== undefined) this.regions.add(call.region);
    const actions = call.actions;
    if (actions.length === 0) return;
    const byAction = this.sessionCells(principal, session);
    for (const use of actions) {
      const cell = this.cellOf(byAction, principal, session, use.action, call.outcome, use.role, firstSeen, lastSeen);
      // An action seen as a primary anywhere is primary evidence; secondary only if never seen directly.
      if (use.role === 'primary') cell.role = 'primary';
      cell.count += times;
      if (firstSeen < cell.firstSeen) cell.firstSeen = firstSeen;
      if (lastSeen > cell.lastSeen) cell.lastSeen = lastSeen;
      cell.eventNames.add(call.eventName);
      if (call.errorCode) cell.errorCodes.add(call.errorCode);
      for (const raw of use.resources) {
        const resource = cell.level === 0 ? raw : generalizeResource(raw, cell.level);
        const r = cell.resources.get(resource);
        if (!r) cell.resources.set(resource, [times, firstSeen, lastSeen]);
        else {
          r[0] += times;
          if (firstSeen < r[1]) r[1] = firstSeen;
          if (lastSeen > r[2]) r[2] = lastSeen;
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
    this.bumpRecords(principal, session, -1, -notFromLambda(call, session));
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

  private bumpRecords(principal: string, session: string, records: number, notLambda: number): void {
    let bySession = this.recordCounts.get(principal);
    if (!bySession) {
      bySession = new Map();
      this.recordCounts.set(principal, bySession);
    }
    const c = bySession.get(session);
    if (c) {
      c.records += records;
      c.notFromLambda += notLambda;
    } else bySession.set(session, { records, notFromLambda: notLambda });
  }

  /** Records of the principal's session (0 for one never seen). */
  recordsOf(principal: string, session: string): number {
    return this.recordCounts.get(principal)?.get(session)?.records ?? 0;
  }

  /** Records of the principal's session whose user agent did not show the Lambda runtime. */
  notFromLambdaOf(principal: string, session: string): number {
    return this.recordCounts.get(principal)?.get(session)?.notFromLambda ?? 0;
  }

  /** Every principal seen (a call counted, or only a call the catalog cannot map), sorted. */
  principals(): string[] {
    return [...new Set([...this.recordCounts.keys(), ...this.unmapped.principals()])].sort();
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
    let records = 0;
    for (const [session, { records: n }] of this.recordCounts.get(principal) ?? []) {
      if (view.session === undefined || view.session === session) records += n;
    }
    const sessions = this.sessionsOf(principal).filter((s) => view.session === undefined || s === view.session);
    const usage = principalUsage(principal, this.byPrincipal.get(principal)?.list ?? [], records, sessions, view.session);
    const unmapped = this.unmapped.of(principal, view.session);
    if (unmapped.length > 0) usage.unmapped = unmapped;
    return usage;
  }

  /** The regions of every call added (any principal), sorted: where the inputs show activity. */
  regionsSeen(): string[] {
    return [...this.regions].sort();
  }

  /** A serializable copy, for sending a partial ledger between threads. */
  snapshot(): LedgerSnapshot {
    const cells: LedgerSnapshot['cells'] = [];
    for (const cell of this.cells) {
      const res: SnapshotResources = { resources: [], resourceCounts: [], resourceFirstSeen: [], resourceLastSeen: [] };
      for (const [r, c] of cell.resources) {
        res.resources.push(r);
        res.resourceCounts.push(c[0]);
        res.resourceFirstSeen.push(c[1]);
        res.resourceLastSeen.push(c[2]);
      }
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
        ...res,
        eventNames: [...cell.eventNames],
        errorCodes: [...cell.errorCodes],
      });
    }
    const records: LedgerSnapshot['records'] = [];
    const notFromLambda: Array<[string, string, number]> = [];
    for (const [p, m] of this.recordCounts) {
      for (const [s, c] of m) {
        records.push([p, s, c.records]);
        if (c.notFromLambda !== 0) notFromLambda.push([p, s, c.notFromLambda]);
      }
    }
    const unmapped = this.unmapped.rows();
    return { version: 2, cells, records, notFromLambda, regions: [...this.regions], ...(unmapped.length > 0 ? { unmapped } : {}) };
  }

  /**
   * Fold a snapshot (e.g. from a worker) into this ledger. Merging is commutative and associative. Runs once
   * per worker in the main thread, cold: plain indexed loops, no tuple destructuring.
   */
  merge(snapshot: LedgerSnapshot): void {
    for (const [p, s, n] of snapshot.records) this.bumpRecords(p, s, n, 0);
    for (const [p, s, n] of snapshot.notFromLambda ?? []) this.bumpRecords(p, s, 0, n);
    for (const r of snapshot.regions ?? []) this.regions.add(r);
    this.unmapped.merge(snapshot.unmapped ?? []);
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
      mergeResources(cell, c, cell.level !== (c.level ?? 0));
      if (cell.resources.size > MAX_DISTINCT_RESOURCES) compact(cell, cell.level + 1);
    }
  }
}

/** 1 when `call` is a record of a named session made neither by the Lambda runtime nor by a service for it. */
function notFromLambda(call: NormalizedCall, session: string): number {
  return call.fromLambda !== true && call.invokedBy === undefined && session !== '' ? 1 : 0;
}

/**
 * Adds a snapshot cell's resources to `cell`, generalized to the cell's level when `generalize` (a snapshot
 * cell already at that level holds only resources generalizing leaves unchanged: see LEVEL_SEGMENTS).
 */
function mergeResources(cell: Cell, c: SnapshotResources, generalize: boolean): void {
  const { resources, resourceCounts: counts, resourceFirstSeen: firsts, resourceLastSeen: lasts } = c;
  for (let i = 0; i < resources.length; i++) {
    const r = generalize ? generalizeResource(resources[i]!, cell.level) : resources[i]!;
    const x = cell.resources.get(r);
    if (!x) cell.resources.set(r, [counts[i]!, firsts[i]!, lasts[i]!]);
    else {
      x[0] += counts[i]!;
      if (firsts[i]! < x[1]) x[1] = firsts[i]!;
      if (lasts[i]! > x[2]) x[2] = lasts[i]!;
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
