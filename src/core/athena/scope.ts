/**
 * What the usage query reads, from the normalizer's own knowledge: the request keys each event source's
 * extractors and conditional triggers read (`extractors/request-keys.ts`), and the event sources whose records
 * can show the use of an action a role's policies grant (so the query can leave the others unread).
 */
import type { EventMapper } from '../trail/event-mapping.js';
import type { CloudTrailTables } from '../trail/tables.js';
import { REQUEST_KEYS, requestKeysFor } from '../trail/extractors/request-keys.js';
import type { PolicyDocument } from '../policy/types.js';

/** The host suffixes CloudTrail writes event sources with (commercial and China partitions). */
const SUFFIXES = ['.amazonaws.com', '.amazonaws.com.cn'];

/** The event sources that carry a prefix's events: its own host names, the table's canonical one, its exceptions. */
function sourcesOfPrefix(prefix: string, mapper: EventMapper, tables: CloudTrailTables): string[] {
  const out = new Set<string>(SUFFIXES.map((s) => `${prefix}${s}`));
  out.add(mapper.eventSourceOf(prefix));
  for (const [source, e] of Object.entries(tables.eventSources.exceptions)) if (e.prefix === prefix) out.add(source);
  return [...out];
}

/** Per event source, the top-level request keys the normalizer reads (only sources with some), sorted by source. */
export function requestKeyTable(mapper: EventMapper, tables: CloudTrailTables): Array<{ eventSource: string; keys: string[] }> {
  const sources = new Set<string>(Object.keys(tables.conditional.conditional));
  for (const prefix of Object.keys(REQUEST_KEYS)) for (const s of sourcesOfPrefix(prefix, mapper, tables)) sources.add(s);
  return [...sources]
    .sort()
    .map((eventSource) => ({ eventSource, keys: requestKeysFor(mapper.prefixOf(eventSource), eventSource, tables.conditional) }))
    .filter((r) => r.keys.length > 0);
}

/** The IAM prefix of an action pattern, or undefined when the pattern's prefix itself is a wildcard (`*`, `s*:Get`). */
function prefixOfPattern(action: string): string | undefined {
  const colon = action.indexOf(':');
  if (colon < 0) return undefined;
  const prefix = action.slice(0, colon).toLowerCase();
  return /[*?]/.test(prefix) ? undefined : prefix;
}

/**
 * The event sources whose records can show the use of what `documents` allow: for every prefix an Allow grants,
 * its event sources; and the event sources of every operation whose record adds a granted action (a conditional
 * secondary action such as `iam:PassRole` on `lambda:CreateFunction`, or an eventName mapped across prefixes).
 * Undefined (read every source) when an Allow grants a wildcard prefix or uses NotAction: then any call may count.
 */
export function grantedEventSources(documents: readonly PolicyDocument[], mapper: EventMapper, tables: CloudTrailTables): string[] | undefined {
  const prefixes = new Set<string>();
  for (const d of documents) {
    if (d.kind === 'boundary') continue; // a boundary only limits: it grants nothing
    for (const s of d.statements) {
      if (s.effect !== 'Allow') continue;
      if (s.notAction?.length) return undefined;
      for (const a of s.action ?? []) {
        const p = prefixOfPattern(a);
        if (p === undefined) return undefined;
        prefixes.add(p);
      }
    }
  }
  const out = new Set<string>();
  for (const p of prefixes) for (const s of sourcesOfPrefix(p, mapper, tables)) out.add(s);
  const grants = (action: string) => prefixes.has(prefixOfPattern(action) ?? '');
  for (const [source, ops] of Object.entries(tables.conditional.conditional)) {
    if (Object.values(ops).some((entries) => entries.some((c) => grants(c.action)))) out.add(source);
  }
  for (const [source, ops] of Object.entries(tables.eventNames.operations)) {
    if (Object.values(ops).some((e) => e.actions.some(grants))) out.add(source);
  }
  return [...out].sort();
}
