/**
 * compressActions is a fixed point on its own output: compressing the actions a compressed list grants, with
 * only that list's own wildcards allowed (a statement written as the trim wrote it), gives the list back. It
 * used to write `s3:GetObjectVersionAnnotation` beside `s3:GetObjectVersionAnnotation*` (it never tried the
 * whole name as a prefix), so re-trimming a trimmed policy proposed another edit (issue 10: idempotent pr).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadBundledCatalog } from '../../src/adapters/fs/bundled-data.js';
import { compressActions } from '../../src/core/trim/actions.js';
import { ACTION_PATTERN, patternCovers } from '../../src/core/wildcard.js';

const catalog = loadBundledCatalog();
const within = (list: readonly string[]) => (wildcard: string) => list.some((p) => patternCovers(p, wildcard, ACTION_PATTERN));
const grantedBy = (list: readonly string[]) => [...new Set(list.flatMap((p) => catalog.expandActionPattern(p)))];

describe('compressActions', () => {
  it('writes `Name*` alone when the grant allows only that wildcard for Name and the actions extending it', () => {
    const kept = ['s3:GetObjectVersionAnnotation', 's3:GetObjectVersionAnnotationForReplication'];
    expect(compressActions(kept, catalog, () => true)).toEqual(['s3:GetObjectVersionAnnotation*']);
    expect(compressActions(kept, catalog, within(['s3:GetObjectVersionAnnotation*']))).toEqual(['s3:GetObjectVersionAnnotation*']);
  });

  it('re-compressing its output, allowed only its own wildcards, gives the same list', () => {
    const s3 = catalog.actionsOf('s3').map((a) => `s3:${a.name}`);
    fc.assert(
      fc.property(fc.subarray(s3, { minLength: 1 }), (kept) => {
        const once = compressActions(kept, catalog, () => true);
        const again = compressActions(grantedBy(once), catalog, within(once));
        expect(again).toEqual(once);
      }),
      { numRuns: 30 },
    );
  });
});
