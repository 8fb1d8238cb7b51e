/**
 * core/iac/resolve.ts: merging the maps of several sources (first wins, conflicts returned as warnings naming
 * both), and replacing the tokens of a policy string whose references resolve.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvariantError } from '../../src/core/errors.js';
import { mayBeList, mergeReferenceValues, resolveTokens, type ReferenceSource } from '../../src/core/iac/resolve.js';
import { hasReference, referenceToken, type ReferenceTable } from '../../src/core/iac/types.js';

const source = (name: string, entries: Record<string, string>): ReferenceSource => ({ name, values: new Map(Object.entries(entries)), skipped: [] });

describe('mergeReferenceValues', () => {
  it('unites the keys; the first source that has a key wins', () => {
    const { values, warnings } = mergeReferenceValues(
      source('--tf-state state.json', { 'aws_s3_bucket.b.arn': 'arn:aws:s3:::b', 'var.stage': 'prod' }),
      source('params.json', { 'Ref:Stage': 'prod', 'var.stage': 'prod' }),
    );
    expect(values).toEqual(new Map([['aws_s3_bucket.b.arn', 'arn:aws:s3:::b'], ['var.stage', 'prod'], ['Ref:Stage', 'prod']]));
    expect(warnings).toEqual([]);
  });

  it('a conflict is a warning listing both values and both sources, returned and not printed', () => {
    const { values, warnings } = mergeReferenceValues(
      source('stack orders-api (eu-west-1)', { 'Ref:Stage': 'prod', 'Ref:Table': 'orders' }),
      source('samconfig.toml', { 'Ref:Stage': 'staging' }),
      source('params.json', { 'Ref:Stage': 'dev' }),
    );
    expect(values.get('Ref:Stage')).toBe('prod');
    expect(warnings).toEqual([
      {
        key: 'Ref:Stage',
        kept: { source: 'stack orders-api (eu-west-1)', value: 'prod' },
        other: { source: 'samconfig.toml', value: 'staging' },
        message: 'Ref:Stage is "prod" in stack orders-api (eu-west-1) but "staging" in samconfig.toml; using the value from stack orders-api (eu-west-1).',
      },
      expect.objectContaining({ key: 'Ref:Stage', other: { source: 'params.json', value: 'dev' } }),
    ]);
  });

  it('takes plain maps too, named by their place', () => {
    const { values, warnings } = mergeReferenceValues(new Map([['k', 'a']]), new Map([['k', 'b'], ['j', 'c']]));
    expect(values).toEqual(new Map([['k', 'a'], ['j', 'c']]));
    expect(warnings.map((w) => w.message)).toEqual(['k is "a" in source 1 but "b" in source 2; using the value from source 1.']);
  });

  it('nothing to merge is an empty map', () => {
    expect(mergeReferenceValues()).toEqual({ values: new Map(), warnings: [] });
  });

  it('property: the merge holds every key of every source, with the value of the first source that has it', () => {
    const maps = fc.array(fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.constantFrom('1', '2')), { maxLength: 4 });
    fc.assert(
      fc.property(maps, (dicts) => {
        const { values, warnings } = mergeReferenceValues(...dicts.map((d) => new Map(Object.entries(d))));
        for (const key of new Set(dicts.flatMap(Object.keys))) {
          const first = dicts.find((d) => key in d)!;
          expect(values.get(key)).toBe(first[key]);
          const others = dicts.filter((d) => key in d && d[key] !== first[key]).length;
          expect(warnings.filter((w) => w.key === key)).toHaveLength(others);
        }
        expect(values.size).toBe(new Set(dicts.flatMap(Object.keys)).size);
      }),
    );
  });
});

describe('resolveTokens', () => {
  const table: ReferenceTable = [
    { key: 'GetAtt:Orders.Arn', written: '!GetAtt Orders.Arn' },
    { key: 'Ref:Bucket', written: '${Bucket}' },
    { key: 'Ref:AWS::AccountId', written: '${AWS::AccountId}' },
    { key: 'self:custom.table', written: '${self:custom.table}' },
  ];
  const values = new Map([
    ['GetAtt:Orders.Arn', 'arn:aws:dynamodb:eu-west-1:123456789012:table/orders'],
    ['Ref:Bucket', 'orders-receipts'],
  ]);

  it('replaces a whole-value token and tokens inside text', () => {
    expect(resolveTokens(referenceToken(0), table, values)).toEqual({ text: 'arn:aws:dynamodb:eu-west-1:123456789012:table/orders', unresolved: [] });
    expect(resolveTokens(`arn:aws:s3:::${referenceToken(1)}/*`, table, values)).toEqual({ text: 'arn:aws:s3:::orders-receipts/*', unresolved: [] });
  });

  it('leaves the tokens it cannot resolve as they were and lists each reference once, in order', () => {
    const value = `arn:aws:dynamodb:eu-west-1:${referenceToken(2)}:table/${referenceToken(3)}-${referenceToken(1)}-${referenceToken(3)}`;
    const r = resolveTokens(value, table, values);
    expect(r.text).toBe(`arn:aws:dynamodb:eu-west-1:${referenceToken(2)}:table/${referenceToken(3)}-orders-receipts-${referenceToken(3)}`);
    expect(r.unresolved).toEqual([table[2], table[3]]);
    expect(hasReference(r.text)).toBe(true);
  });

  it('a string without tokens is itself', () => {
    expect(resolveTokens('arn:aws:s3:::literal/${aws:username}/*', table, values)).toEqual({ text: 'arn:aws:s3:::literal/${aws:username}/*', unresolved: [] });
  });

  it('an empty literal is a value (an attribute Terraform left empty), not a missing one', () => {
    expect(resolveTokens(`x${referenceToken(0)}y`, table, new Map([['GetAtt:Orders.Arn', '']]))).toEqual({ text: 'xy', unresolved: [] });
  });

  it('a token with no entry in the table is a bug of the caller', () => {
    expect(() => resolveTokens(referenceToken(9), table, values)).toThrow(InvariantError);
  });

  it('a literal holding `$&` or `$1` is put in as written (no replacement patterns)', () => {
    expect(resolveTokens(referenceToken(1), table, new Map([['Ref:Bucket', 'a$&b$1']])).text).toBe('a$&b$1');
  });
});

describe('mayBeList', () => {
  it('is true for a value with a comma', () => {
    expect(mayBeList('a,b')).toBe(true);
    expect(mayBeList('arn:aws:s3:::b')).toBe(false);
  });
});
