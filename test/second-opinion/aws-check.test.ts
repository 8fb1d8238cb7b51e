/**
 * What --verify-with-aws sends: the unions (boundary out, Sids dropped), the per-service cut used only when AWS
 * refuses the size, and the must-not-grant document.
 */
import { describe, expect, it } from 'vitest';
import type { PolicyDocument } from '../../src/core/policy/types.js';
import { mustNotGrantDocument, noNewAccessByService, noNewAccessWhole, restrictToService, unionDocument } from '../../src/core/second-opinion/aws-check.js';

const original: PolicyDocument[] = [
  { name: 'a', version: '2012-10-17', kind: 'inline', statements: [{ sid: 'S', effect: 'Allow', action: ['s3:Get*', 'sqs:*', '*:Describe*'], resource: ['*'] }] },
  { name: 'b', version: '2012-10-17', kind: 'inline', statements: [{ sid: 'S', effect: 'Deny', notAction: ['iam:*'], resource: ['arn:aws:s3:::secret/*'] }] },
  { name: 'boundary', version: '2012-10-17', kind: 'boundary', statements: [{ effect: 'Allow', action: ['*'], resource: ['*'] }] },
];
const suggestion: PolicyDocument[] = [{ name: 'new', version: '2012-10-17', statements: [{ sid: 'AllowS3', effect: 'Allow', action: ['s3:GetObject', 'sqs:SendMessage'], resource: ['*'] }] }];

describe('the documents --verify-with-aws sends', () => {
  it('a union: every identity statement once, the boundary left out, Sids dropped, origins kept for AWS\'s reasons', () => {
    const u = unionDocument(original, 'original');
    expect(JSON.parse(u.text)).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['*:Describe*', 's3:Get*', 'sqs:*'], Resource: ['*'] },
        { Effect: 'Deny', NotAction: ['iam:*'], Resource: ['arn:aws:s3:::secret/*'] },
      ],
    });
    expect(u.origins).toEqual([{ document: 'a', sid: 'S', index: 0 }, { document: 'b', sid: 'S', index: 0 }]);
    expect(noNewAccessWhole(original, suggestion).part).toBe('all');
  });

  it('cuts Action lists to the entries that can reach a service, keeps NotAction statements whole, drops what cannot reach it', () => {
    const s3 = restrictToService(original.slice(0, 2), 's3');
    expect(s3[0]!.statements[0]!.action).toEqual(['s3:Get*', '*:Describe*']);
    expect(s3[1]!.statements[0]!.notAction).toEqual(['iam:*']);
    expect(restrictToService([suggestion[0]!], 'iam')[0]!.statements).toEqual([]);
  });

  it('splits by the services the suggestion names; refuses a suggestion whose wildcard spans services', () => {
    const parts = noNewAccessByService(original, suggestion);
    expect(Array.isArray(parts) && parts.map((p) => [p.part, JSON.parse(p.updated).Statement[0].Action])).toEqual([
      ['s3', ['s3:GetObject']],
      ['sqs', ['sqs:SendMessage']],
    ]);
    const spanning: PolicyDocument[] = [{ name: 'x', statements: [{ effect: 'Allow', action: ['*:Get*'], resource: ['*'] }] }];
    expect(noNewAccessByService(original, spanning)).toEqual({ unsplittable: 'x grants *:Get*, which spans services' });
  });

  it('the must-not-grant document is the suggestion cut to those actions\' services', () => {
    expect(JSON.parse(mustNotGrantDocument(suggestion, ['sqs:DeleteQueue'])).Statement).toEqual([{ Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: ['*'] }]);
    expect(JSON.parse(mustNotGrantDocument(suggestion, ['iam:PassRole'])).Statement).toEqual([]);
  });
});
