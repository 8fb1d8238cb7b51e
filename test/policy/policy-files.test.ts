import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPolicyFiles } from '../../src/adapters/fs/policy-files.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'policy');

describe('readPolicyFiles', () => {
  it('walks a directory recursively in sorted order, reading only .json/.yaml/.yml', async () => {
    const r = await readPolicyFiles([join(FIX, 'dir')]);
    expect(r.problems).toEqual([]);
    expect(r.files).toEqual([join(FIX, 'dir', 'nested', 'logs.yaml'), join(FIX, 'dir', 'orders.json')]);
    expect(r.documents.map((d) => d.statements.length)).toEqual([1, 2]);
    const logs = r.documents[0];
    expect(logs.kind).toBe('file');
    expect(logs.statements[0].condition).toEqual({ Bool: { 'aws:SecureTransport': ['true'] }, NumericLessThan: { 'aws:MultiFactorAuthAge': ['3600'] } });
  });

  it('reads AWS CLI output shapes', async () => {
    const r = await readPolicyFiles([join(FIX, 'get-role-policy.json'), join(FIX, 'get-role-policy-encoded.json'), join(FIX, 'get-policy-version.json')]);
    expect(r.problems).toEqual([]);
    expect(r.documents.map((d) => d.name)).toEqual([
      `${join(FIX, 'get-role-policy.json')}#orders-inline`,
      `${join(FIX, 'get-role-policy-encoded.json')}#encoded`,
      join(FIX, 'get-policy-version.json'),
    ]);
    expect(r.documents[0].statements[0].resource).toEqual(['arn:aws:s3:::orders-receipts/${aws:username}/*']);
    expect(r.documents[1].statements[0].action).toEqual(['sqs:SendMessage']);
    expect(r.documents[2].statements[0].notAction).toEqual(['iam:*']);
  });

  it('reports bad and missing files by name and goes on with the rest', async () => {
    const r = await readPolicyFiles([
      join(FIX, 'bad-missing-effect.json'),
      join(FIX, 'does-not-exist.json'),
      join(FIX, 'bad-syntax.json'),
      join(FIX, 'get-role-policy.json'),
    ]);
    expect(r.documents).toHaveLength(1);
    expect(r.problems.map((p) => p.code)).toEqual(['missing-effect', 'not-found', 'invalid-syntax']);
    expect(r.problems[0].message).toBe(
      `policy ${join(FIX, 'bad-missing-effect.json')}, Statement[1] (Sid "Broken"): no "Effect"; add "Effect": "Allow" or "Effect": "Deny"`,
    );
    expect(r.problems[1].message).toMatch(/does-not-exist\.json: cannot read \(ENOENT\); check the --policy path/);
    expect(r.problems[2].message).toMatch(/bad-syntax\.json: not valid JSON/);
  });
});
