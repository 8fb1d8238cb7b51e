/**
 * Successful calls the bundled catalog cannot map to an IAM action, per principal: kept beside the usage ledger
 * (which holds only mapped actions) so that trim can keep whatever may have allowed them (README safety contract,
 * rule 2: what ran stays allowed). Memory grows with distinct (principal, session, eventSource, eventName), never
 * with records. Merging is commutative and associative, like the ledger's.
 */
import type { UnmappedCall, UnmappedUsage } from './types.js';

/** One (principal, session, eventSource, eventName) row: its fields, then count, first and last seen. */
export type UnmappedRow = [
  principal: string,
  session: string,
  eventSource: string,
  eventName: string,
  prefix: string,
  kind: UnmappedCall['kind'],
  count: number,
  firstSeen: string,
  lastSeen: string,
];

/** Unmapped successful calls, summed per principal, session and event. */
export class UnmappedCalls {
  /** principal → `session NUL eventSource NUL eventName` → its row. */
  private readonly byPrincipal = new Map<string, Map<string, UnmappedRow>>();

  /** Adds `times` calls alike seen from `firstSeen` to `lastSeen` (one record: the call's own time). */
  add(call: UnmappedCall, times = 1, firstSeen = call.time, lastSeen = call.time): void {
    const session = call.sessionName ?? '';
    this.addRow([call.principalArn, session, call.eventSource, call.eventName, call.prefix, call.kind, times, firstSeen, lastSeen]);
  }

  /** Takes back one call added earlier (a duplicate two threads both counted); its dates stay. */
  subtract(call: UnmappedCall): void {
    const row = this.byPrincipal.get(call.principalArn)?.get(keyOf(call.sessionName ?? '', call.eventSource, call.eventName));
    if (row) row[6] -= 1;
  }

  private addRow(r: UnmappedRow): void {
    let m = this.byPrincipal.get(r[0]);
    if (!m) {
      m = new Map();
      this.byPrincipal.set(r[0], m);
    }
    const key = keyOf(r[1], r[2], r[3]);
    const row = m.get(key);
    if (!row) {
      m.set(key, [...r]);
      return;
    }
    row[6] += r[6];
    if (r[7] < row[7]) row[7] = r[7];
    if (r[8] > row[8]) row[8] = r[8];
  }

  /** Principals with a call here (in no order). */
  principals(): string[] {
    return [...this.byPrincipal.keys()];
  }

  /** Every row, for a snapshot (structured-clone safe). */
  rows(): UnmappedRow[] {
    const out: UnmappedRow[] = [];
    for (const m of this.byPrincipal.values()) for (const row of m.values()) out.push([...row]);
    return out;
  }

  /** Adds rows from a snapshot of another collection. */
  merge(rows: readonly UnmappedRow[]): void {
    for (const r of rows) this.addRow(r);
  }

  /**
   * One principal's unmapped calls by (eventSource, eventName), sorted, the sessions of each sorted; with
   * `session`, only that session's calls. Rows whose count fell to 0 (taken back) are left out.
   */
  of(principal: string, session?: string): UnmappedUsage[] {
    const by = new Map<string, UnmappedUsage>();
    for (const r of this.byPrincipal.get(principal)?.values() ?? []) {
      if (r[6] <= 0 || (session !== undefined && r[1] !== session)) continue;
      const key = `${r[2]}\u0000${r[3]}`;
      let u = by.get(key);
      if (!u) {
        u = { eventSource: r[2], eventName: r[3], prefix: r[4], kind: r[5], count: 0, firstSeen: r[7], lastSeen: r[8], sessions: [] };
        by.set(key, u);
      }
      u.count += r[6];
      if (r[7] < u.firstSeen) u.firstSeen = r[7];
      if (r[8] > u.lastSeen) u.lastSeen = r[8];
      if (r[1] !== '') u.sessions.push(r[1]);
    }
    const out = [...by.values()];
    for (const u of out) u.sessions.sort();
    return out.sort((a, b) => (a.eventSource < b.eventSource ? -1 : a.eventSource > b.eventSource ? 1 : a.eventName < b.eventName ? -1 : a.eventName > b.eventName ? 1 : 0));
  }
}

function keyOf(session: string, eventSource: string, eventName: string): string {
  return `${session}\u0000${eventSource}\u0000${eventName}`;
}
