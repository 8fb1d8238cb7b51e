/**
 * Plain-text tables for `policy-trim usage`.
 */
import type { PrincipalUsage } from '../core/usage/types.js';
import { forTerminal } from '../core/render/escape.js';

/** How many resources a table row lists before saying "+N more". */
const RESOURCES_SHOWN = 3;

/**
 * A usage table per principal: used actions, then denied and failed attempts, then successful calls the catalog
 * cannot map. Every value comes from the logs, so each cell is escaped for the terminal (`forTerminal`) before
 * the columns are measured.
 */
export function formatUsageTable(usages: Array<PrincipalUsage & { functions?: PrincipalUsage[] }>): string {
  const out: string[] = [];
  for (const u of usages) {
    out.push(forTerminal(`${u.principalArn}  (${u.records} record(s)${u.sessions.length ? `; sessions: ${u.sessions.join(', ')}` : ''})`));
    if (u.used.length === 0) out.push('  no successful calls');
    else {
      const rows = u.used.map((a) => [
        a.action + (a.role === 'secondary' ? ' (secondary)' : ''),
        String(a.count),
        a.lastSeen.slice(0, 10),
        shortList(a.resources.map((r) => r.resource)),
        a.sessions.join(','),
      ]);
      out.push(...table(['action', 'calls', 'last seen', 'resources', 'sessions'], rows));
    }
    for (const [label, list] of [['denied attempts', u.denied], ['other failed calls', u.failed]] as const) {
      if (list.length === 0) continue;
      out.push(`  ${label}:`);
      out.push(
        ...table(
          ['action', 'calls', 'last seen', 'errors', 'resources'],
          list.map((a) => [a.action, String(a.count), a.lastSeen.slice(0, 10), a.errorCodes.join(','), shortList(a.resources)]),
        ).map((l) => '  ' + l),
      );
    }
    if (u.unmapped && u.unmapped.length > 0) {
      out.push('  successful calls the bundled catalog cannot map to an action (suggest keeps what may have allowed them):');
      out.push(
        ...table(
          ['event', 'calls', 'last seen', 'sessions'],
          u.unmapped.map((x) => [`${x.eventSource} ${x.eventName}`, String(x.count), x.lastSeen.slice(0, 10), x.sessions.join(',')]),
        ).map((l) => '  ' + l),
      );
    }
    out.push('');
  }
  return out.join('\n') + (out.length ? '\n' : '');
}

function shortList(items: string[]): string {
  if (items.length <= RESOURCES_SHOWN) return items.join(' ');
  return `${items.slice(0, RESOURCES_SHOWN).join(' ')} (+${items.length - RESOURCES_SHOWN} more)`;
}

function table(header: string[], raw: string[][]): string[] {
  const rows = raw.map((r) => r.map(forTerminal));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => '  ' + cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)];
}
