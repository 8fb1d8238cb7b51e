/**
 * Properties of the normalizer: whatever JSON it is given (random values, or real-shaped fixture records with
 * fields dropped or replaced by random values) it never throws, and every action it reports is a catalog
 * action with at least one resource; problems always carry the record's position.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadBundledCatalog } from '../../src/adapters/fs/bundled-data.js';
import { loadBundledNormalizer } from '../../src/adapters/fs/bundled-mapping.js';
import type { NormalizeResult } from '../../src/core/usage/types.js';
import { loadFixtureCases } from '../support/cloudtrail-fixtures.js';

const normalize = loadBundledNormalizer();
const catalog = loadBundledCatalog();
const records = loadFixtureCases()
  .map((c) => c.record)
  .filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null && !Array.isArray(r));

function wellFormed(out: NormalizeResult): void {
  if (out.kind === 'call') {
    for (const a of out.call.actions) {
      expect(catalog.action(a.action)?.id).toBe(a.action);
      expect(a.resources.length).toBeGreaterThan(0);
    }
  } else if (out.kind === 'problem') {
    expect(out.problem.file).toBe('prop.json');
    expect(out.problem.position).toBe('record 7');
    expect(out.problem.message.length).toBeGreaterThan(10);
  } else expect(out.reason.length).toBeGreaterThan(0);
}

describe('normalizer properties', () => {
  it('never throws on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        wellFormed(normalize(v, { file: 'prop.json', index: 7 }));
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on real-shaped records with fields replaced or removed', () => {
    const keyPaths = fc.constantFrom('userIdentity', 'requestParameters', 'resources', 'errorCode', 'eventName', 'eventSource', 'awsRegion', 'eventCategory', 'recipientAccountId');
    fc.assert(
      fc.property(fc.constantFrom(...records), fc.array(fc.tuple(keyPaths, fc.option(fc.jsonValue(), { nil: undefined })), { maxLength: 4 }), (base, edits) => {
        const r: Record<string, unknown> = structuredClone(base);
        for (const [k, v] of edits) {
          if (v === undefined) delete r[k];
          else r[k] = v;
        }
        wellFormed(normalize(r, { file: 'prop.json', index: 7 }));
      }),
      { numRuns: 1000 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(fc.constantFrom(...records), (r) => {
        expect(normalize(structuredClone(r))).toEqual(normalize(structuredClone(r)));
      }),
      { numRuns: 200 },
    );
  });
});
