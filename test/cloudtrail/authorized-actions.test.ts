/**
 * data/cloudtrail/authorized-actions.json classifies every AWS Service Reference AuthorizedActions entry of the
 * in-scope operations (data/iam/operations.json). Completeness: no entry is left unclassified. Consistency:
 * `primary` is what the mapper resolves, `always`/`when` have the matching conditional.json entry (and every
 * conditional.json entry of an in-scope operation is classified so), `never`/`unknowable` say why, with a source.
 */
import { describe, expect, it } from 'vitest';
import { loadBundledCatalog, readDataJson } from '../../src/adapters/fs/bundled-data.js';
import { loadBundledCloudTrailTables } from '../../src/adapters/fs/bundled-mapping.js';
import { createEventMapper } from '../../src/core/trail/event-mapping.js';
import type { ConditionalEntry } from '../../src/core/trail/tables.js';

type Entry =
  | { class: 'primary' }
  | { class: 'always' | 'when'; source: string }
  | { class: 'never' | 'unknowable'; reason: string; source: string };

interface Classification {
  _about: string;
  scope: string[];
  operations: Record<string, Record<string, Record<string, Entry>>>;
}

const SCOPE = ['s3', 'dynamodb', 'sqs', 'sns', 'kms', 'secretsmanager', 'ssm', 'lambda', 'sts', 'events', 'states', 'kinesis', 'logs', 'iam', 'rolesanywhere', 'rds'];
const CLASSES = new Set(['primary', 'always', 'when', 'never', 'unknowable']);

const catalog = loadBundledCatalog();
const tables = loadBundledCloudTrailTables();
const mapper = createEventMapper(tables, catalog);
const cls = readDataJson('cloudtrail/authorized-actions.json') as Classification;
const srOps = (readDataJson('iam/operations.json') as { services: Record<string, { ops?: Record<string, (string | [string, unknown])[]> }> }).services;

/** The AuthorizedActions action ids of an operation (context hints dropped). */
function authorized(prefix: string, op: string): string[] {
  return (srOps[prefix]?.ops?.[op] ?? []).map((a) => (typeof a === 'string' ? a : a[0]));
}

/** In-scope operations with more than one AuthorizedActions entry. */
function inScope(): [string, string][] {
  const out: [string, string][] = [];
  for (const p of SCOPE) for (const [op, list] of Object.entries(srOps[p]?.ops ?? {})) if (list.length > 1) out.push([p, op]);
  return out;
}

/** conditional.json entries of (prefix, operation), under the prefix's eventSource. */
function conditionalOf(prefix: string, op: string): ConditionalEntry[] {
  const src = mapper.eventSourceOf(prefix).toLowerCase();
  for (const [s, ops] of Object.entries(tables.conditional.conditional)) if (s.toLowerCase() === src) return ops[op] ?? [];
  return [];
}

function kindOf(c: ConditionalEntry): 'always' | 'when' {
  return 'always' in c.when ? 'always' : 'when';
}

describe('authorized-actions.json completeness', () => {
  it('names the brief\'s scope', () => {
    expect(cls.scope).toEqual(SCOPE);
    expect(cls._about.length).toBeGreaterThan(50);
  });
  it('classifies every AuthorizedActions entry of every in-scope operation with more than one entry', () => {
    const unclassified: string[] = [];
    for (const [p, op] of inScope()) {
      const got = cls.operations[p]?.[op] ?? {};
      for (const a of authorized(p, op)) if (!got[a]) unclassified.push(`${p} ${op} ${a}`);
    }
    expect(unclassified, `unclassified AuthorizedActions entries:\n${unclassified.join('\n')}`).toEqual([]);
  });
  it('classifies only in-scope operations that are in operations.json with more than one entry', () => {
    const wanted = new Set(inScope().map(([p, op]) => `${p} ${op}`));
    const extra = Object.entries(cls.operations).flatMap(([p, ops]) => Object.keys(ops).map((op) => `${p} ${op}`)).filter((k) => !wanted.has(k));
    expect(extra).toEqual([]);
    expect(Object.keys(cls.operations).sort()).toEqual([...SCOPE].sort());
  });
});

describe('authorized-actions.json consistency', () => {
  for (const [p, op] of inScope()) {
    const entries = cls.operations[p]?.[op] ?? {};
    it(`${p} ${op}`, () => {
      const src = mapper.eventSourceOf(p);
      const r = mapper.resolve(src, op);
      expect(r.kind, `${src} ${op} does not map`).toBe('mapped');
      const primary = r.kind === 'mapped' ? r.primary : [];
      const classifiedPrimary = Object.entries(entries).filter(([, e]) => e.class === 'primary').map(([a]) => a);
      expect(classifiedPrimary.sort(), 'primary must be what the mapper resolves').toEqual([...primary].sort());
      const conds = conditionalOf(p, op);
      for (const [action, e] of Object.entries(entries)) {
        expect(CLASSES.has(e.class), `${action}: class ${e.class}`).toBe(true);
        expect(catalog.action(action)?.id, `${action} is not a catalog action id`).toBe(action);
        if (e.class === 'primary') continue;
        expect(e.source.length, `${action}: source`).toBeGreaterThan(20);
        const mine = conds.filter((c) => c.action === action);
        if (e.class === 'always') {
          expect(mine.some((c) => kindOf(c) === 'always'), `${action}: needs a conditional.json entry with when.always`).toBe(true);
        } else if (e.class === 'when') {
          expect(mine.length > 0 && mine.every((c) => kindOf(c) === 'when'), `${action}: needs present/matches/equals conditional.json entries only`).toBe(true);
        } else if (e.class === 'never' || e.class === 'unknowable') {
          expect(mine, `${action} is ${e.class} but conditional.json adds it`).toEqual([]);
          expect(e.reason.length, `${action}: reason`).toBeGreaterThan(30);
          expect(e.reason, `${action}: the reason is shown to the user as a sentence`).toMatch(/^[A-Z].*\.$/s);
        }
      }
    });
  }
  it('every conditional.json entry of an in-scope operation is classified always/when with the same trigger kind', () => {
    const wrong: string[] = [];
    for (const [src, ops] of Object.entries(tables.conditional.conditional)) {
      const p = mapper.prefixOf(src);
      if (!SCOPE.includes(p)) continue;
      for (const [op, list] of Object.entries(ops)) {
        if (authorized(p, op).length < 2) continue;
        for (const c of list) {
          const e = cls.operations[p]?.[op]?.[c.action];
          if (!e || e.class !== kindOf(c)) wrong.push(`${src} ${op} ${c.action}: conditional ${kindOf(c)}, classified ${e?.class ?? 'not at all'}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
  it('BatchGetSecretValue: GetSecretValue on every call, ListSecrets with filters (Secrets Manager API Reference)', () => {
    expect(cls.operations.secretsmanager!.BatchGetSecretValue!['secretsmanager:GetSecretValue']!.class).toBe('always');
    expect(cls.operations.secretsmanager!.BatchGetSecretValue!['secretsmanager:ListSecrets']!.class).toBe('when');
  });
});
