/**
 * fast-check arbitraries for renderer properties: random PolicyDocuments mixing realistic IAM strings
 * (actions with wildcards, ARNs with policy variables, YAML-1.1-ambiguous values, HCL template introducers)
 * with arbitrary Unicode text. Strings are well-formed UTF-16 (a policy document is UTF-8 text).
 */

import fc from 'fast-check';
import type { ConditionBlock, PolicyDocument, PrincipalBlock, Statement } from '../../src/core/policy/types.js';

const tricky = fc.constantFrom(
  's3:GetObject',
  's3:Get*',
  'dynamodb:?etItem',
  '*',
  'arn:aws:s3:::bucket/home/${aws:username}/*',
  '${aws:PrincipalTag/team}',
  '$${literal}',
  '%{directive}',
  '%%{x}',
  '$',
  '%',
  'yes',
  'No',
  'on',
  '0755',
  '1:20',
  '2012-10-17',
  '1e3',
  '~',
  '<<',
  '=',
  'a: b',
  '#x',
  '- x',
  ' padded ',
  'quote"back\\slash',
  'tab\tnew\nline',
  '\u0000ctl\u007f',
  'e\u0301',
  '日本語',
  '👩‍👩‍👧',
  '',
  '__proto__',
  'true',
  'null',
);

/** An unpaired UTF-16 surrogate (not representable in a UTF-8 policy file). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A string for any slot of a policy. */
export const policyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: tricky },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }).filter((s) => !LONE_SURROGATE.test(s)) },
);

const list = fc.array(policyString, { minLength: 0, maxLength: 4 });
const record = <T>(value: fc.Arbitrary<T>, key = policyString): fc.Arbitrary<Record<string, T>> =>
  fc.uniqueArray(fc.tuple(key, value), { maxLength: 3, selector: ([k]) => k }).map((entries) => Object.fromEntries(entries));

// A principal kind named "*" is refused by the data-source renderer (tested on its own in render.test.ts).
const principal: fc.Arbitrary<PrincipalBlock> = fc.oneof(
  fc.constant('*' as const),
  record(
    fc.array(policyString, { minLength: 1, maxLength: 3 }),
    policyString.filter((k) => k !== '*'),
  ),
  fc.constant<PrincipalBlock>({ AWS: ['*'] }),
  fc.constant<PrincipalBlock>({ Service: ['lambda.amazonaws.com'] }),
);

const condition: fc.Arbitrary<ConditionBlock> = record(record(fc.array(policyString, { minLength: 1, maxLength: 3 })));

/** A random statement: exactly one of Action/NotAction, at most one of Resource/NotResource. */
export const statementArb: fc.Arbitrary<Statement> = fc
  .record(
    {
      sid: policyString,
      effect: fc.constantFrom('Allow' as const, 'Deny' as const),
      notAction: fc.boolean(),
      actions: list,
      resourceKind: fc.constantFrom('resource', 'notResource', 'none'),
      resources: list,
      condition,
      principal,
      notPrincipal: principal,
      principalKind: fc.constantFrom('principal', 'notPrincipal', 'none'),
    },
    { requiredKeys: ['effect', 'notAction', 'actions', 'resourceKind', 'resources', 'principalKind'] },
  )
  .map((r) => {
    const s: Statement = { effect: r.effect };
    if (r.sid !== undefined) s.sid = r.sid;
    if (r.notAction) s.notAction = r.actions;
    else s.action = r.actions;
    if (r.resourceKind === 'resource') s.resource = r.resources;
    if (r.resourceKind === 'notResource') s.notResource = r.resources;
    if (r.condition !== undefined) s.condition = r.condition;
    if (r.principalKind === 'principal' && r.principal !== undefined) s.principal = r.principal;
    if (r.principalKind === 'notPrincipal' && r.notPrincipal !== undefined) s.notPrincipal = r.notPrincipal;
    return s;
  });

/** A random policy document (possibly empty, possibly without Version or with an Id). */
export const policyArb: fc.Arbitrary<PolicyDocument> = fc
  .record(
    {
      name: fc.oneof(policyString, fc.constant('arn:aws:iam::123456789012:policy/team/OrdersApi')),
      version: fc.constantFrom('2012-10-17', '2008-10-17'),
      id: policyString,
      statements: fc.array(statementArb, { maxLength: 4 }),
    },
    { requiredKeys: ['name', 'statements'] },
  )
  .map((r) => {
    const d: PolicyDocument = { name: r.name, statements: r.statements };
    if (r.version !== undefined) d.version = r.version;
    if (r.id !== undefined) d.id = r.id;
    return d;
  });

/** The same document with every list (and key order) shuffled: must render identically. */
export function shuffled(doc: PolicyDocument, seed: number): PolicyDocument {
  let x = seed >>> 0 || 1;
  const rnd = () => ((x = (x * 1103515245 + 12345) >>> 0), x);
  const mix = <T>(a: T[]): T[] => {
    const out = [...a];
    for (let i = out.length - 1; i > 0; i--) {
      const j = rnd() % (i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  };
  const mixRecord = <T>(r: Record<string, T>, f: (v: T) => T): Record<string, T> =>
    Object.fromEntries(mix(Object.entries(r)).map(([k, v]) => [k, f(v)]));
  const mixPrincipal = (p: PrincipalBlock): PrincipalBlock => (p === '*' ? p : mixRecord(p, mix));
  return {
    ...doc,
    statements: doc.statements.map((s) => {
      const t: Statement = { ...s };
      if (s.action) t.action = mix(s.action);
      if (s.notAction) t.notAction = mix(s.notAction);
      if (s.resource) t.resource = mix(s.resource);
      if (s.notResource) t.notResource = mix(s.notResource);
      if (s.principal) t.principal = mixPrincipal(s.principal);
      if (s.notPrincipal) t.notPrincipal = mixPrincipal(s.notPrincipal);
      if (s.condition) t.condition = mixRecord(s.condition, (byKey) => mixRecord(byKey, mix));
      return t;
    }),
  };
}
