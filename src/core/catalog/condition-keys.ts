/** The catalog's condition keys: the type of a key, from its own service's keys first, then from every service's. */

import type { Services } from './actions.js';
import type { LazySection, RawService } from './raw-data.js';

/** Condition keys of one service: exact (lower-case) map plus `${Var}` templates. */
interface ConditionIndex {
  exact: Map<string, string>;
  templates: { re: RegExp; type: string }[];
}

function addConditionKeys(index: ConditionIndex, keys: Record<string, string>): void {
  for (const [k, type] of Object.entries(keys)) {
    const lower = k.toLowerCase();
    if (index.exact.has(lower)) continue; // first service (sorted) wins; global aws:* keys repeat per service
    index.exact.set(lower, type);
    if (k.includes('${')) {
      const src = lower
        .split(/\$\{[^}]*\}/)
        .map((lit) => lit.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
        .join('.+');
      index.templates.push({ re: new RegExp(`^${src}$`), type });
    }
  }
}

function lookupCondition(index: ConditionIndex, lower: string): string | undefined {
  const hit = index.exact.get(lower);
  if (hit !== undefined) return hit;
  return index.templates.find((t) => t.re.test(lower))?.type;
}

/** `conditionKeyType` of a Catalog: the key's type (any casing), or undefined when no service declares it. */
export function createConditionKeyType(services: Services, rawServices: LazySection<RawService>): (key: string) => string | undefined {
  const serviceConditions = new Map<string, ConditionIndex>();
  let globalConditions: ConditionIndex | undefined;
  return (key) => {
    const lower = key.toLowerCase();
    // Fast path: a service's own keys live in its own entry (parses one service, not all).
    const colon = lower.indexOf(':');
    const own = colon > 0 ? services.service(lower.slice(0, colon)) : undefined;
    if (own) {
      let idx = serviceConditions.get(own.prefix);
      if (!idx) {
        idx = { exact: new Map(), templates: [] };
        addConditionKeys(idx, own.raw.c ?? {});
        serviceConditions.set(own.prefix, idx);
      }
      const t = lookupCondition(idx, lower);
      if (t !== undefined) return t;
    }
    // Global keys (aws:*) and keys declared by another service: one index over every service.
    if (!globalConditions) {
      globalConditions = { exact: new Map(), templates: [] };
      for (const p of rawServices.keys) addConditionKeys(globalConditions, rawServices.get(p)!.c ?? {});
    }
    return lookupCondition(globalConditions, lower);
  };
}
