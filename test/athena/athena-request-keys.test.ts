/**
 * The request keys declared next to the extractors (core/trail/extractors/request-keys.ts) are all the
 * normalizer reads: every fixture and corpus record normalizes to the same call with its requestParameters cut
 * to the keys of its event source. A key an extractor reads but the table lacks fails here.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTrail } from '../../src/adapters/fs/trail-reader.js';
import { loadBundledCloudTrailTables, loadBundledEventMapper, loadBundledNormalizer } from '../../src/adapters/fs/bundled-mapping.js';
import { requestKeyTable } from '../../src/core/athena/scope.js';
import { REQUEST_KEYS, topLevelKey } from '../../src/core/trail/extractors/request-keys.js';
import { loadFixtureCases } from '../support/cloudtrail-fixtures.js';

const CORPORA = resolve(fileURLToPath(new URL('../../', import.meta.url)), '../shared/corpora');

describe('request keys the normalizer reads', () => {
  it('give the same call as the whole request, on every fixture and corpus record', async () => {
    // Given every record, and the keys per event source
    const records: unknown[] = loadFixtureCases().map((c) => c.record);
    if (existsSync(CORPORA)) for await (const b of readTrail([CORPORA]).batches()) for (const i of b) if (i.kind === 'record') records.push(i.record);
    const keys = new Map(requestKeyTable(loadBundledEventMapper(), loadBundledCloudTrailTables()).map((r) => [r.eventSource, new Set(r.keys)]));
    const normalize = loadBundledNormalizer();
    let cut = 0;
    for (const r of records) {
      if (typeof r !== 'object' || r === null) continue;
      const rec = r as Record<string, unknown>;
      const params = rec.requestParameters;
      if (typeof params !== 'object' || params === null || Array.isArray(params)) continue;
      // When the request is cut to its source's keys
      const wanted = keys.get(String(rec.eventSource)) ?? new Set<string>();
      const kept = Object.fromEntries(Object.entries(params).filter(([k]) => wanted.has(k)));
      if (Object.keys(kept).length < Object.keys(params).length) cut++;
      // Then the record normalizes to the same result
      expect(normalize({ ...rec, requestParameters: kept }), `${String(rec.eventSource)} ${String(rec.eventName)}`).toEqual(normalize(rec));
    }
    expect(cut).toBeGreaterThan(50);
  });

  it('are top-level keys, read off paths as valuesAt does', () => {
    expect(topLevelKey('transactItems[].put.tableName')).toBe('transactItems');
    expect(topLevelKey('delete.Object[].Key')).toBe('delete');
    for (const list of Object.values(REQUEST_KEYS)) for (const k of list) expect(k).not.toMatch(/[.[\]]/);
  });
});
