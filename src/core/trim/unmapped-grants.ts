/**
 * What of a role's Allow statements must stay as written because a successful call ran that the catalog cannot
 * map to an action (README safety contract, rule 2: what ran stays allowed). The action that call needed is
 * unknown, and an action the catalog cannot list, trim's expansion of a statement cannot keep: so what may grant
 * it is kept as written; and the actions of its service the catalog does know stay, through `context.ts`'s static
 * reasons ({@link unmappedReasons}).
 */
import type { Statement } from '../policy/types.js';
import type { Unobs } from './model.js';
import type { Finding } from './types.js';
import type { UnmappedUsage } from '../usage/types.js';
import { ACTION_PATTERN, patternCovers, patternsIntersect } from '../wildcard.js';

/** What of one statement stays as written: all of it, or a part (its patterns over the service), and why. */
export type UnmappedKeep = { whole: string } | { part: Statement; reason: string };

/** Whether an action pattern has a wildcard. */
const WILD = /[*?]/;

/**
 * The statement's action patterns limited to the service of `u` that may match an action the catalog cannot
 * list: `*` → `s3:*`, `*:Get*` → `s3:Get*`, `s3:Get*` as it is; a literal matches only itself. Each limited
 * pattern matches only what the original one does.
 */
function patternsOver(actions: readonly string[], u: UnmappedUsage): string[] {
  const service = `${u.prefix}:*`;
  const out: string[] = [];
  for (const p of actions) {
    if (!patternsIntersect(p, service, ACTION_PATTERN)) continue;
    const colon = p.indexOf(':');
    if (colon < 0) {
      if (p === '*') out.push(service);
      continue;
    }
    const name = p.slice(colon + 1);
    if (!WILD.test(name)) continue;
    out.push(WILD.test(p.slice(0, colon)) ? `${u.prefix}:${name}` : p);
  }
  return out;
}

/** The calls, as the reasons name them. */
function callsText(calls: readonly UnmappedUsage[]): string {
  return calls.map((u) => `${u.eventSource} ${u.eventName} (${u.count} successful call(s), last ${u.lastSeen.slice(0, 10)})`).join(', ');
}

function reasonFor(calls: readonly UnmappedUsage[], what: string): string {
  const one = calls.length === 1;
  return `${what} may grant what ${callsText(calls)} needed, which ran, and the bundled catalog cannot map ${one ? 'that call' : 'those calls'} to an IAM action (a newer policy-trim may map ${one ? 'it' : 'them'})`;
}

/**
 * What of Allow statement `st` stays as written for the `unmapped` calls, or undefined when nothing:
 * - all of it when it is a NotAction that does not exclude the call's whole service (it grants every action it
 *   does not name, which no Action list can say), or when the call's service is one the catalog does not know
 *   and an action pattern has a wildcard in its service part;
 * - else, as a statement of its own with the same resources and condition, its action patterns limited to the
 *   service of an operation the catalog does not know (`*` → `s3:*`); the statement itself is trimmed as usual.
 */
export function unmappedKeep(st: Statement, unmapped: readonly UnmappedUsage[]): UnmappedKeep | undefined {
  if (unmapped.length === 0) return undefined;
  const wholeFor = unmapped.filter((u) =>
    st.notAction !== undefined
      ? !st.notAction.some((p) => patternCovers(p, `${u.prefix}:*`, ACTION_PATTERN))
      : u.kind === 'unknown-service' && (st.action ?? []).some((p) => WILD.test(p.indexOf(':') < 0 ? p : p.slice(0, p.indexOf(':')))),
  );
  if (wholeFor.length > 0) return { whole: reasonFor(wholeFor, 'it') };
  if (st.notAction !== undefined) return undefined;
  const calls: UnmappedUsage[] = [];
  const patterns = new Set<string>();
  for (const u of unmapped) {
    if (u.kind !== 'unknown-action') continue;
    const over = patternsOver(st.action ?? [], u);
    if (over.length === 0) continue;
    calls.push(u);
    for (const p of over) patterns.add(p);
  }
  if (patterns.size === 0) return undefined;
  const action = [...patterns].sort();
  return { part: { ...st, action }, reason: reasonFor(calls, `its ${action.join(', ')}, kept as a statement of its own,`) };
}

/** Whether a suggestion keeps grants for calls the catalog cannot map (its findings say so): reports then say it. */
export function keepsForUnmapped(findings: readonly Finding[]): boolean {
  return findings.some((f) => (f.kind === 'kept-verbatim' || f.kind === 'kept-unobservable') && f.code === 'unmapped-call');
}

/**
 * Per IAM prefix, why the actions of the service the catalog knows stay (static reason `unmapped-call`, kept
 * whatever --drop-unobservable says): a successful call of the service ran that the catalog cannot map to an
 * action, and any action of the service may be what allowed it. A service the catalog does not know at all has
 * no such actions: {@link unmappedKeep} keeps what may grant it.
 */
export function unmappedReasons(unmapped: readonly UnmappedUsage[]): Map<string, Unobs> {
  const byPrefix = new Map<string, UnmappedUsage[]>();
  for (const u of unmapped) {
    if (u.kind !== 'unknown-action') continue;
    const list = byPrefix.get(u.prefix) ?? [];
    list.push(u);
    byPrefix.set(u.prefix, list);
  }
  const out = new Map<string, Unobs>();
  for (const [prefix, list] of byPrefix) {
    const it = list.length === 1 ? 'it' : 'them';
    out.set(prefix, {
      code: 'unmapped-call',
      reason: `${callsText(list)} ran, and the bundled catalog cannot map ${it} to an IAM action: any ${prefix} action may be what allowed ${it}, so every ${prefix} grant is kept (a newer policy-trim may map ${it})`,
    });
  }
  return out;
}
