/**
 * The published schema is the one the tool validates with, and it is written the way the issue asks: every
 * property titled and described, every object closed to unknown keys, the shared vocabularies in sync.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { FAIL_ON_VALUES } from '../../src/core/config/fail-on.js';
import { CONFIG_SCHEMA, MAX_CONFIG_DAYS, SITE_FORMATS } from '../../src/core/config/schema.js';
import type { RepositoryConfigFile } from '../../src/core/config/types.js';
import { IAC_FORMATS } from '../../src/core/iac/types.js';
import { MAX_DAYS } from '../../src/core/usage/time-window.js';
import { ROOT } from './support.js';

type SchemaNode = Record<string, unknown>;

/** Every subschema with its JSON pointer. */
function* nodes(node: unknown, at = '#'): Generator<[string, SchemaNode]> {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
  const n = node as SchemaNode;
  yield [at, n];
  for (const key of ['properties', 'dependentSchemas'] as const) {
    for (const [k, v] of Object.entries((n[key] ?? {}) as SchemaNode)) yield* nodes(v, `${at}/${key}/${k}`);
  }
  for (const key of ['items', 'if', 'then', 'else', 'not'] as const) yield* nodes(n[key], `${at}/${key}`);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) for (const [i, v] of ((n[key] ?? []) as unknown[]).entries()) yield* nodes(v, `${at}/${key}/${i}`);
}

describe('docs/policy-trim.schema.json', () => {
  it('equals the schema module byte for byte (node scripts/write-config-schema.mjs rewrites it)', () => {
    const file = readFileSync(join(ROOT, 'docs', 'policy-trim.schema.json'), 'utf8');
    expect(file).toBe(JSON.stringify(CONFIG_SCHEMA, null, 2) + '\n');
  });

  it('is a valid draft 2020-12 schema with an $id', () => {
    const ajv = new Ajv2020({ strict: true, strictRequired: false });
    expect(ajv.validateSchema(CONFIG_SCHEMA)).toBe(true);
    expect(CONFIG_SCHEMA.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(CONFIG_SCHEMA.$id).toBeTruthy();
  });

  it('titles and describes every property, and closes every object', () => {
    const untitled: string[] = [];
    const open: string[] = [];
    for (const [at, n] of nodes(CONFIG_SCHEMA)) {
      if (/\/properties\/[^/]+$/.test(at) && (typeof n.title !== 'string' || typeof n.description !== 'string')) untitled.push(at);
      if ((n.type === 'object' || n.properties) && n.additionalProperties !== false) open.push(at);
    }
    expect(untitled).toEqual([]);
    expect(open).toEqual([]);
  });

  it('shares its vocabularies with the code: IaC formats, --fail-on values, the largest --days', () => {
    expect(SITE_FORMATS).toEqual([...IAC_FORMATS]);
    expect(MAX_CONFIG_DAYS).toBe(MAX_DAYS);
    const failOn = CONFIG_SCHEMA.properties.gate.properties['fail-on'].items.enum;
    expect(failOn).toEqual([...FAIL_ON_VALUES]);
  });
});

describe('RepositoryConfigFile (the type) has the schema\'s keys', () => {
  /** Every key of a file that uses every key once (the type rejects any key it does not have). */
  const everyKey: RepositoryConfigFile = {
    version: 1,
    aws: { profile: 'p', regions: ['eu-west-1'] },
    accounts: [{ id: '111122223333', 'assume-role': 'ro' }],
    activity: { 'trail-name': 't', s3: 's3://b', trail: ['l'], lookup: true, athena: { table: 't', workgroup: 'w', output: 's3://o', database: 'd' }, 'trail-config': 'c', days: 1, since: 's', until: 'u' },
    roles: [
      {
        role: 'r',
        functions: ['f', { name: 'f', unobservable: ['a:B'], vpc: true, tracing: 'active' }],
        'defined-in': [
          { json: { file: 'f', pointer: '/p' } },
          { terraform: { file: 'f', address: 'a' } },
          { cloudformation: { file: 'f', resource: 'R', policy: 'P' } },
          { sam: { file: 'f', function: 'F' } },
          { serverless: { file: 'f', function: 'f' } },
        ],
      },
    ],
    acknowledge: [{ finding: 'f', reason: 'r', until: 'u' }],
    gate: { 'fail-on': ['unused'] },
    pr: { labels: ['l'], base: 'b', 'branch-prefix': 'p' },
  };

  /** `roles.defined-in.json.file`-style paths of an instance (lists flattened). */
  function valuePaths(v: unknown, at: string[] = []): string[] {
    if (Array.isArray(v)) return v.flatMap((x) => valuePaths(x, at));
    if (v === null || typeof v !== 'object') return [at.join('.')];
    return Object.entries(v).flatMap(([k, x]) => [at.concat(k).join('.'), ...valuePaths(x, at.concat(k))]);
  }

  /** The same paths of the schema's properties. */
  function schemaPaths(n: SchemaNode, at: string[] = []): string[] {
    const item = (n.items ?? n) as SchemaNode;
    const sub = (item.else ?? item) as SchemaNode; // a function entry: a name, or the mapping of `else`
    const props = (sub.properties ?? {}) as Record<string, SchemaNode>;
    return Object.entries(props).flatMap(([k, x]) => [at.concat(k).join('.'), ...schemaPaths(x, at.concat(k))]);
  }

  it('every schema property is a key of the type, and the reverse', () => {
    const fromType = new Set(valuePaths(everyKey).filter((p) => p !== ''));
    const fromSchema = new Set(schemaPaths(CONFIG_SCHEMA as unknown as SchemaNode));
    expect([...fromType].sort()).toEqual([...fromSchema].sort());
  });
});
