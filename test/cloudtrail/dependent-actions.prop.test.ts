/**
 * Property: for every documented dependent-action case (test/fixtures/cloudtrail/dependent-actions.json, each
 * expected set written from the AWS page its name cites), adding arbitrary unrelated requestParameters fields —
 * names no conditional.json trigger, resource spec or request extractor reads — never removes an expected action
 * or one of its expected resources: attributed ⊇ expected.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadBundledCloudTrailTables, loadBundledNormalizer } from '../../src/adapters/fs/bundled-mapping.js';
import { loadFixtureCases } from '../support/cloudtrail-fixtures.js';

const normalize = loadBundledNormalizer();
const tables = loadBundledCloudTrailTables();
const documented = loadFixtureCases().filter((c) => c.file === 'dependent-actions.json');

/** First path segments of every trigger and arnAt path in conditional.json (`delete.Object[].VersionId` → `delete`). */
function triggerNames(): Set<string> {
  const names = new Set<string>();
  const add = (p: string): void => {
    names.add(p.split('.')[0]!.replace(/\[\]$/, ''));
  };
  for (const ops of Object.values(tables.conditional.conditional)) {
    for (const list of Object.values(ops)) {
      for (const c of list) {
        const w = c.when as Record<string, unknown>;
        if ('present' in w) (Array.isArray(w.present) ? w.present : [w.present]).forEach((p) => add(String(p)));
        if ('matches' in w) add((w.matches as { path: string }).path);
        if ('equals' in w) add((w.equals as { path: string }).path);
        if (typeof c.resource === 'object' && 'arnAt' in c.resource) (Array.isArray(c.resource.arnAt) ? c.resource.arnAt : [c.resource.arnAt]).forEach(add);
      }
    }
  }
  return names;
}

/** Every quoted identifier in the request extractors' sources: field names they may read. */
function extractorNames(): Set<string> {
  const dir = fileURLToPath(new URL('../../src/core/trail/extractors/', import.meta.url));
  const names = new Set<string>();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
    for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/['"`]([A-Za-z][\w-]*)['"`]/g)) names.add(m[1]!);
  }
  return names;
}

const reserved = new Set([...triggerNames(), ...extractorNames()].map((n) => n.toLowerCase()));

describe('documented dependent actions survive unrelated request fields', () => {
  it('has the documented cases', () => {
    expect(documented.length).toBeGreaterThanOrEqual(20);
  });
  for (const c of documented) {
    it(`${c.name}`, () => {
      const rec = c.record as Record<string, unknown>;
      const params = (rec.requestParameters ?? {}) as Record<string, unknown>;
      const taken = new Set(Object.keys(params).map((k) => k.toLowerCase()));
      const unrelatedName = fc
        .stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,20}$/)
        .filter((n) => !reserved.has(n.toLowerCase()) && !taken.has(n.toLowerCase()));
      fc.assert(
        fc.property(fc.dictionary(unrelatedName, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }), (extra) => {
          const out = normalize({ ...rec, requestParameters: { ...extra, ...params } }, { file: c.file, index: c.index });
          expect(out.kind).toBe('call');
          if (out.kind !== 'call') return;
          for (const want of c.expect.actions ?? []) {
            const got = out.call.actions.find((a) => a.action === want.action && a.role === want.role);
            expect(got, `${want.role} ${want.action} lost with extra fields ${JSON.stringify(Object.keys(extra))}`).toBeDefined();
            for (const r of want.resources) expect(got!.resources, `${want.action} resource ${r}`).toContain(r);
          }
        }),
        { numRuns: 60 },
      );
    });
  }
});
