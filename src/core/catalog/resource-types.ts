/** The catalog's resource types: lookup by name, the types an ARN can be (by their ARN templates), ARN filling. */

import type { ResourceTypeInfo } from './types.js';
import { compileArnTemplate, fillArnTemplate, parseArn } from './arn.js';
import type { Services } from './actions.js';
import { byCodeUnit } from './raw-data.js';

/** The resource-type queries of a Catalog. */
export interface ResourceTypeQueries {
  resourceType(prefix: string, name: string): ResourceTypeInfo | undefined;
  resourceTypesOfArn(arn: string, prefix?: string): ResourceTypeInfo[];
  arnFor(prefix: string, rt: string, parts: Record<string, string>): string | undefined;
}

/** Resource-type lookups over the service indexes (templates compiled per service on first use). */
export function createResourceTypeQueries(services: Services): ResourceTypeQueries {
  function resourceType(prefix: string, name: string): ResourceTypeInfo | undefined {
    const s = services.service(prefix);
    if (!s) return undefined;
    s.rtByLower ??= new Map(Object.keys(s.raw.r ?? {}).map((n) => [n.toLowerCase(), n]));
    const canon = s.rtByLower.get(name.toLowerCase());
    if (!canon) return undefined;
    const raw = s.raw.r[canon]!;
    return { service: s.prefix, name: canon, arnTemplate: raw[0], conditionKeys: [...(raw[1] ?? [])] };
  }

  /** Most specific first: longer literal text, then more variables, then by name. */
  function resourceTypesOfArn(arn: string, prefix?: string): ResourceTypeInfo[] {
    const parsed = parseArn(arn);
    if (!parsed) return [];
    const s = services.service(prefix ?? parsed.service);
    if (!s) return [];
    s.compiledTemplates ??= Object.keys(s.raw.r ?? {})
      .sort(byCodeUnit)
      .map((name) => ({ name, compiled: compileArnTemplate(s.raw.r[name]![0]) }));
    return s.compiledTemplates
      .filter((t) => t.compiled.regex.test(arn))
      .sort(
        (x, y) =>
          y.compiled.literalLength - x.compiled.literalLength ||
          y.compiled.variables.length - x.compiled.variables.length ||
          byCodeUnit(x.name, y.name),
      )
      .map((t) => resourceType(s.prefix, t.name)!);
  }

  function arnFor(prefix: string, rt: string, parts: Record<string, string>): string | undefined {
    const info = resourceType(prefix, rt);
    return info ? fillArnTemplate(info.arnTemplate, parts) : undefined;
  }

  return { resourceType, resourceTypesOfArn, arnFor };
}
