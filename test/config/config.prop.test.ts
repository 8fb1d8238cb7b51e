/**
 * Properties of the parser over configurations generated from the schema's shape: a valid file parses, and a
 * file missing any required key is refused with a problem naming that key at its mapping.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatPath } from '../../src/core/config/paths.js';
import { CONFIG_SCHEMA } from '../../src/core/config/schema.js';
import { arbConfigFile } from './arbitraries.js';
import { tryParse } from './support.js';

type Node = Record<string, unknown>;

/** Every [path of a mapping, required key] the value holds, by walking it beside its schema. */
function requiredKeys(value: unknown, schema: Node, path: (string | number)[] = []): [(string | number)[], string][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => requiredKeys(v, (schema.items ?? {}) as Node, [...path, i]));
  if (value === null || typeof value !== 'object') return [];
  // A function entry is a name or a mapping: the mapping's schema is the `else` of the if/then/else.
  const s = (schema.else && typeof value === 'object' ? schema.else : schema) as Node;
  const props = (s.properties ?? {}) as Record<string, Node>;
  const own = ((s.required ?? []) as string[]).filter((k) => k in value).map((k): [(string | number)[], string] => [path, k]);
  return [...own, ...Object.entries(value).flatMap(([k, v]) => (props[k] ? requiredKeys(v, props[k]!, [...path, k]) : []))];
}

/** A deep copy of `value` without `key` in the mapping at `path`. */
function without(value: unknown, path: (string | number)[], key: string): unknown {
  const copy = structuredClone(value) as Node;
  let node: Node = copy;
  for (const seg of path) node = node[seg] as Node;
  delete node[key];
  return copy;
}

describe('configurations generated from the schema', () => {
  it('parse, with the same roles and grant sites as written', () => {
    fc.assert(
      fc.property(arbConfigFile, (file) => {
        const r = tryParse(stringify(file));
        expect(r.ok ? [] : r.problems.map((p) => `${p.line}:${p.column} ${p.path}: ${p.message}`)).toEqual([]);
        if (!r.ok) return;
        expect(r.parsed.config.roles.map((x) => x.role)).toEqual((file.roles ?? []).map((x) => x.role));
        expect(r.parsed.config.roles.map((x) => x.definedIn.length)).toEqual((file.roles ?? []).map((x) => x['defined-in']?.length ?? 0));
      }),
      { numRuns: 100 },
    );
  });

  it('missing any required key is a problem naming it, at its mapping', () => {
    const withChoice = arbConfigFile.chain((file) => {
      const required = requiredKeys(file, CONFIG_SCHEMA as unknown as Node);
      return fc.constantFrom(...required).map((choice) => ({ file, choice }));
    });
    fc.assert(
      fc.property(withChoice, ({ file, choice: [path, key] }) => {
        const r = tryParse(stringify(without(file, path, key)));
        expect(r.ok).toBe(false);
        if (r.ok) return;
        expect(r.problems.map((p) => `${p.path}: ${p.message}`)).toContain(`${formatPath(path)}: missing required key '${key}'`);
      }),
      { numRuns: 100 },
    );
  });
});
