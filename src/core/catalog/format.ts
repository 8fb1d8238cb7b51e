/**
 * Plain-text renderings for `policy-trim catalog info` and `policy-trim catalog action PATTERN`
 * (pure: the CLI prints what these return).
 */

import type { Catalog, CatalogInfo } from './types.js';

/** Lines for `catalog info`: source, date, extra sources and counts. */
export function formatCatalogInfo(info: CatalogInfo): string {
  const lines = [
    `source:          ${info.source}`,
    `updated:         ${info.updatedAt}`,
    ...info.extraSources.map((s, i) => `${i === 0 ? 'also from:      ' : '                '} ${s}`),
    `services:        ${info.services}`,
    `actions:         ${info.actions}`,
    `resource types:  ${info.resourceTypes}`,
    `condition keys:  ${info.conditionKeys}`,
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Lines for `catalog action PATTERN...`: one matched action per line as
 * `id<TAB>access level<TAB>resource types (required ones marked *) or "*"`, sorted and de-duplicated
 * across the patterns. Returns the text and the number of actions, so the CLI can exit non-zero on 0.
 */
export function formatActionExpansion(catalog: Catalog, patterns: string[]): { text: string; count: number } {
  const ids = [...new Set(patterns.flatMap((p) => catalog.expandActionPattern(p)))].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  const lines = ids.map((id) => {
    const a = catalog.action(id)!;
    const rts = a.resourceTypes.length
      ? a.resourceTypes.map((r) => (r.required ? `${r.name}*` : r.name)).join(', ')
      : '*';
    return `${a.id}\t${a.accessLevel}\t${rts}`;
  });
  return { text: lines.length ? `${lines.join('\n')}\n` : '', count: ids.length };
}
