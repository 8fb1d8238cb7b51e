/**
 * The edit planner on random statements and usage: a CloudFormation policy whose resources mix literals and
 * references (each resolved or not, at random) and a JSON policy file, trimmed with the real `suggest` over the
 * small test catalog. Whatever the input, the plan reads back (or planEdits would throw), and a brute-force
 * oracle independent of the policy engine finds `trimmed` never wider than `granted` and every used call that
 * `granted` allows still allowed by `trimmed`, for every truth of the conditions.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planEdits } from '../../src/core/iac/plan.js';
import type { PlanInput } from '../../src/core/iac/plan-types.js';
import type { GrantSite } from '../../src/core/iac/types.js';
import type { Statement } from '../../src/core/policy/types.js';
import { parseTrailRecording } from '../../src/core/trail/recording.js';
import { suggest } from '../../src/core/trim/suggest.js';
import type { TrimInput } from '../../src/core/trim/types.js';
import { assignments, oracleAllows } from '../support/oracle.js';
import { fakeKnowledge, smallCatalog, usageOf, used } from '../support/trim-fakes.js';

const catalog = smallCatalog();
const knowledge = fakeKnowledge();
const recording = parseTrailRecording(
  { EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }, { Type: 'AWS::DynamoDB::Table', Values: ['arn:aws:dynamodb'] }] }] },
  'all.json',
);
const ALL_ACTIONS = catalog.expandActionPattern('*');

const ACTIONS = ['s3:*', 's3:Get*', 's3:GetObject', 's3:PutObject', 's3:ListBucket', 'dynamodb:*', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:DeleteTable', 'sqs:SendMessage', 'sqs:*', 'kms:Decrypt', 'logs:PutLogEvents'];
const T1 = 'arn:aws:dynamodb:us-east-1:111:table/t1';
const Q1 = 'arn:aws:sqs:us-east-1:111:q1';
/** Resources as written in YAML, and as the resolved literal when the reference has a value. */
const RESOURCES: Array<{ yaml: string; keys: string[] }> = [
  { yaml: "'*'", keys: [] },
  { yaml: "'arn:aws:s3:::b1/*'", keys: [] },
  { yaml: "'arn:aws:s3:::b2/*'", keys: [] },
  { yaml: "'arn:aws:dynamodb:us-east-1:111:table/*'", keys: [] },
  { yaml: '!GetAtt T1.Arn', keys: ['GetAtt:T1.Arn'] },
  { yaml: "!Sub '${T1.Arn}/index/*'", keys: ['GetAtt:T1.Arn'] },
  { yaml: "!Sub 'arn:aws:s3:::${B1}/*'", keys: ['Ref:B1'] },
  { yaml: "!Sub 'arn:aws:s3:::${B1}'", keys: ['Ref:B1'] },
  { yaml: '!GetAtt Q1.Arn', keys: ['GetAtt:Q1.Arn'] },
];
const VALUES: Record<string, string> = { 'GetAtt:T1.Arn': T1, 'Ref:B1': 'b1', 'GetAtt:Q1.Arn': Q1 };
const ARNS = ['arn:aws:s3:::b1/data/x.json', 'arn:aws:s3:::b1', 'arn:aws:s3:::b2/k', T1, `${T1}/index/i1`, 'arn:aws:dynamodb:us-east-1:111:table/t2', Q1, 'arn:aws:kms:us-east-1:111:key/k1'];
const CONDITION = "\n        Condition:\n          StringEquals:\n            aws:RequestedRegion: ['us-east-1']";

interface RandomStatement {
  deny: boolean;
  notAction: boolean;
  actions: string[];
  resources: number[];
  condition: boolean;
}

const subset = <T>(pool: readonly T[], max: number) => fc.uniqueArray(fc.constantFrom(...pool), { minLength: 1, maxLength: max });
const statementArb: fc.Arbitrary<RandomStatement> = fc.record({
  deny: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
  notAction: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  actions: subset(ACTIONS, 3),
  resources: subset(RESOURCES.map((_r, i) => i), 3),
  condition: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
});

function yamlStatement(s: RandomStatement): string {
  const list = (xs: string[]) => xs.map((x) => `\n          - ${x}`).join('');
  const actions = list(s.actions.map((a) => `'${a}'`));
  return `      - Effect: ${s.deny ? 'Deny' : 'Allow'}\n        ${s.notAction ? 'NotAction' : 'Action'}:${actions}\n        Resource:${list(s.resources.map((i) => RESOURCES[i].yaml))}${s.condition ? CONDITION : ''}\n`;
}

function template(statements: RandomStatement[]): string {
  return `Resources:\n  P:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: p\n      Roles: [r]\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n${statements.map(yamlStatement).join('').replace(/^/gm, '    ')}`;
}

/** The JSON site: literal statements only (a JSON policy file holds no references). */
function jsonFile(statements: Statement[]): string {
  const plain = statements.map((s) => ({ Effect: s.effect, Action: s.action, Resource: s.resource }));
  return `${JSON.stringify({ Version: '2012-10-17', Statement: plain }, null, 2)}\n`;
}

const jsonStatementArb: fc.Arbitrary<Statement> = fc.record({ actions: subset(ACTIONS, 3), resources: subset(['*', 'arn:aws:s3:::b1/*', T1, Q1], 2) }).map((r) => ({ effect: 'Allow', action: r.actions, resource: r.resources }));

const inputArb = fc.record({
  statements: fc.array(statementArb, { minLength: 1, maxLength: 4 }),
  json: fc.array(jsonStatementArb, { minLength: 0, maxLength: 2 }),
  resolved: fc.subarray(Object.keys(VALUES)),
  usage: fc.uniqueArray(fc.record({ action: fc.constantFrom(...ALL_ACTIONS), resources: subset(ARNS, 2) }), { selector: (u) => u.action, maxLength: 6 }),
  inlineResolved: fc.boolean(),
});

type Random = typeof inputArb extends fc.Arbitrary<infer T> ? T : never;

function planInputOf(r: Random): PlanInput {
  const context: Omit<TrimInput, 'documents'> = { usage: usageOf(r.usage.map((u) => used(u.action, u.resources))), catalog, knowledge, recording, options: { baselines: [] } };
  const sites: Array<{ site: GrantSite; text: string }> = [{ site: { format: 'cloudformation', file: 'stack.yaml', resource: 'P' }, text: template(r.statements) }];
  if (r.json.length > 0) sites.push({ site: { format: 'json', file: 'policy.json' }, text: jsonFile(r.json) });
  return {
    role: 'arn:aws:iam::111:role/r',
    sites,
    values: new Map(r.resolved.map((k) => [k, VALUES[k]])),
    managedPolicies: new Map(),
    suggestFor: (documents) => suggest({ ...context, documents }),
    inlineResolved: r.inlineResolved,
    trimContext: context,
  };
}

/** Probe resources: the concrete ARNs, and each opaque resource the documents hold, as itself and with a path. */
function probes(docs: ReturnType<typeof planEdits>['granted']): string[] {
  const symbolic = docs.flatMap((d) => d.statements.flatMap((s) => [...(s.resource ?? []), ...(s.notResource ?? [])])).filter((x) => x.includes('\uE000'));
  return [...new Set([...ARNS, ...symbolic, ...symbolic.map((x) => x.replace(/\*$/, 'data/x'))])];
}

describe('planEdits on random statements and usage', () => {
  it('is never wider than what was granted and keeps every used call allowed (brute-force oracle)', () => {
    fc.assert(
      fc.property(inputArb, (r) => {
        const input = planInputOf(r);
        const result = planEdits(input);
        const { granted, trimmed } = result;
        const truths = assignments(granted, trimmed);
        for (const truth of truths) {
          for (const action of ALL_ACTIONS) {
            for (const resource of probes(granted)) {
              if (oracleAllows(trimmed, action, resource, truth)) expect([action, resource, oracleAllows(granted, action, resource, truth)]).toEqual([action, resource, true]);
            }
          }
          for (const u of r.usage) {
            for (const resource of u.resources) {
              if (oracleAllows(granted, u.action, resource, truth)) expect([u.action, resource, oracleAllows(trimmed, u.action, resource, truth)]).toEqual([u.action, resource, true]);
            }
          }
        }
        if (result.edits.length === 0) expect(trimmed).toEqual(granted);
        for (const e of result.edits) expect(e.after).not.toBe(e.before);
      }),
      { numRuns: 120 },
    );
  });
});
