import { describe, expect, it } from 'vitest';
import { loadBundledCatalog } from '../../src/adapters/fs/bundled-data.js';
import { parsePolicyDocument } from '../../src/core/policy/parse.js';
import { verifyNeverWider } from '../../src/core/policy/verify.js';

// The never-wider check against the real bundled catalog (thousands of actions), not the small test one.
describe('verifyNeverWider with the bundled catalog', () => {
  const catalog = loadBundledCatalog();
  const doc = (name: string, ...statements: object[]) => parsePolicyDocument({ Version: '2012-10-17', Statement: statements }, name);

  it('the parser accepts every action id in the catalog', () => {
    const ids = catalog.expandActionPattern('*');
    expect(ids.length).toBeGreaterThan(1000);
    const d = parsePolicyDocument({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: ids, Resource: '*' } }, 'all');
    expect(d.statements[0].action).toHaveLength(ids.length);
  });

  it('expands wildcards and NotAction complements over the catalog', () => {
    // Given an original that allows everything but IAM, and denies S3 deletes,
    const original = [doc('o', { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:Delete*', Resource: '*' })];
    // then it is never wider than itself,
    const self = verifyNeverWider(original, original, catalog);
    expect(self.ok).toBe(true);
    expect(self.checked).toBe(catalog.expandNotAction(['iam:*']).length);
    // a suggestion using s3:* without the Deny is caught on each S3 delete action,
    const noDeny = verifyNeverWider(original, [doc('s', { Effect: 'Allow', Action: 's3:*', Resource: '*' })], catalog, { maxCounterexamples: 1000 });
    expect(noDeny.ok).toBe(false);
    const denied = new Set(noDeny.counterexamples.map((c) => c.action));
    expect(denied).toEqual(new Set(catalog.expandActionPattern('s3:Delete*')));
    expect(noDeny.counterexamples.every((c) => c.reason === 'deny-not-preserved')).toBe(true);
    // and one that reaches into IAM is caught on iam:PassRole.
    const iam = verifyNeverWider(original, [doc('s', { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' })], catalog);
    expect(iam.counterexamples.map((c) => [c.reason, c.action])).toEqual([['not-allowed-by-original', 'iam:PassRole']]);
  });
});
