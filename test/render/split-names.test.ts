/**
 * The names the split renderers generate (split-names.ts): IAM role names, Terraform identifiers and
 * CloudFormation logical ids are valid, at most 64 characters, stable, and never collide, including two long
 * function names sharing a 60-character prefix, names differing only in case, and the reserved identifiers.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocateNames,
  fnv1a32,
  IAM_ROLE_NAME,
  LOGICAL_ID,
  logicalIdRule,
  NAME_MAX,
  policyDocumentFromIam,
  renderSplit,
  roleNameRule,
  TERRAFORM_IDENTIFIER,
  terraformIdRule,
} from '../../src/core/render/index.js';
import { RESIDUAL_ID, TRUST_ID } from '../../src/core/render/split-terraform.js';

describe('names', () => {
  const sixty = `${'a'.repeat(30)}-shared-prefix-of-sixty-characters-`.padEnd(60, 'x');
  const longPair = [`${sixty}-one`, `${sixty}-two`];

  it('FNV-1a 32 matches the reference values', () => {
    expect(fnv1a32('')).toBe('811c9dc5');
    expect(fnv1a32('a')).toBe('e40c292c');
    expect(fnv1a32('foobar')).toBe('bf9cf968');
  });

  it('two long function names sharing a 60-character prefix get different names of every kind', () => {
    const rules = [roleNameRule('orders-api-role', 'shared-function'), roleNameRule('r', 'function-role'), terraformIdRule, logicalIdRule('Role')];
    for (const rule of rules) {
      const names = [...allocateNames(longPair, rule).values()];
      expect(new Set(names).size).toBe(2);
      for (const n of names) expect(n.length).toBeLessThanOrEqual(NAME_MAX);
    }
  });

  it('role names that differ only in case are told apart (IAM ignores case)', () => {
    const names = [...allocateNames(['Orders', 'orders'], roleNameRule('r', 'function-role')).values()];
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(2);
  });

  it('a short, unique name is kept as derived; a clash with a reserved identifier is hashed', () => {
    expect(allocateNames(['orders-create'], roleNameRule('orders-api-role', 'shared-function')).get('orders-create')).toBe('orders-api-role-orders-create');
    expect(allocateNames(['orders-create'], roleNameRule('x', 'function-role')).get('orders-create')).toBe('orders-create-role');
    const id = allocateNames(['lambda-assume-role'], terraformIdRule, [TRUST_ID, RESIDUAL_ID]).get('lambda-assume-role')!;
    expect(id).toMatch(/^lambda_assume_role_[0-9a-f]{8}$/);
  });

  it('the role-function naming reaches the outputs', () => {
    const documents = [policyDocumentFromIam({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] }, 'd')];
    const split = { sharedRole: { name: 'orders-api-role' }, functions: [{ functionName: 'orders-create', documents }], residual: [] };
    expect(renderSplit(split, 'terraform', { roleNaming: 'function-role' })).toContain('name               = "orders-create-role"');
    expect(renderSplit(split, 'cloudformation')).toContain('RoleName: orders-api-role-orders-create');
  });

  // Lambda-like names, and any string at all (names may come from a config file).
  const nameArb = fc.oneof(fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/), fc.string({ minLength: 1, maxLength: 80, unit: 'binary' }));
  const kinds = [
    { rule: roleNameRule('orders-api-role', 'shared-function'), valid: IAM_ROLE_NAME, key: (n: string) => n.toLowerCase() },
    { rule: roleNameRule('orders-api-role', 'function-role'), valid: IAM_ROLE_NAME, key: (n: string) => n.toLowerCase() },
    { rule: terraformIdRule, valid: TERRAFORM_IDENTIFIER, key: (n: string) => n },
    { rule: logicalIdRule('Role'), valid: LOGICAL_ID, key: (n: string) => n.toLowerCase() },
  ];

  it('property: names are valid, at most 64 characters, distinct, stable, and apart from the reserved ones', () => {
    fc.assert(
      fc.property(fc.uniqueArray(nameArb, { minLength: 1, maxLength: 12 }), fc.constantFrom(...kinds), (fns, kind) => {
        const reserved = [TRUST_ID, RESIDUAL_ID];
        const names = allocateNames(fns, kind.rule, reserved);
        const values = fns.map((f) => names.get(f)!);
        for (const v of values) {
          expect(v).toMatch(kind.valid);
          expect(v.length).toBeLessThanOrEqual(kind.rule.max ?? NAME_MAX);
        }
        const keys = [...values, ...reserved].map(kind.key);
        expect(new Set(keys).size).toBe(keys.length);
        expect(allocateNames(fns, kind.rule, reserved)).toEqual(names);
      }),
      { numRuns: 300 },
    );
  });

  it('property: near-collisions (shared long prefixes, case, punctuation) never collide', () => {
    const base = fc.stringMatching(/^[a-z]{55,62}$/);
    const variant = fc.constantFrom('', '-', '_', '.', 'A', 'a', '1', '-x', '.x');
    fc.assert(
      fc.property(base, fc.uniqueArray(variant, { minLength: 2, maxLength: 9 }), fc.constantFrom(...kinds), (b, vs, kind) => {
        const fns = [...new Set(vs.map((v) => b + v))];
        const keys = [...allocateNames(fns, kind.rule).values()].map(kind.key);
        expect(new Set(keys).size).toBe(fns.length);
      }),
      { numRuns: 200 },
    );
  });
});
