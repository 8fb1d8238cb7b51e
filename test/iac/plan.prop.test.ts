/**
 * The edit planner on random statements and usage: one site in a random format (a CloudFormation policy, a SAM
 * function with a SAM policy template, serverless.yml's provider statements, a Terraform policy document or a
 * jsonencode policy) whose resources mix literals and references (each reference resolved or not, at random),
 * and a JSON policy file, trimmed with the real `suggest` over the small test catalog. Whatever the input, the
 * plan reads back (or planEdits would throw), and a brute-force oracle independent of the policy engine finds
 * `trimmed` never wider than `granted` and every used call that `granted` allows still allowed by `trimmed`, for
 * every truth of the conditions.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadBundledSamTemplates } from '../../src/adapters/fs/bundled-sam.js';
import { planEdits } from '../../src/core/iac/plan.js';
import type { PlanInput } from '../../src/core/iac/plan-types.js';
import type { GrantSite } from '../../src/core/iac/types.js';
import type { PolicyDocument, Statement } from '../../src/core/policy/types.js';
import { parseTrailRecording } from '../../src/core/trail/recording.js';
import { suggest } from '../../src/core/trim/suggest.js';
import type { TrimInput } from '../../src/core/trim/types.js';
import { assignments, oracleAllows } from '../support/oracle.js';
import { fakeKnowledge, smallCatalog, usageOf, used } from '../support/trim-fakes.js';

const catalog = smallCatalog();
const knowledge = fakeKnowledge();
const samTemplates = loadBundledSamTemplates();
const recording = parseTrailRecording(
  { EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }, { Type: 'AWS::DynamoDB::Table', Values: ['arn:aws:dynamodb'] }] }] },
  'all.json',
);
const ALL_ACTIONS = catalog.expandActionPattern('*');

const ACTIONS = ['s3:*', 's3:Get*', 's3:GetObject', 's3:PutObject', 's3:ListBucket', 'dynamodb:*', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:DeleteTable', 'sqs:SendMessage', 'sqs:*', 'kms:Decrypt', 'logs:PutLogEvents'];
const T1 = 'arn:aws:dynamodb:us-east-1:111:table/t1';
const Q1 = 'arn:aws:sqs:us-east-1:111:q1';
const FORMATS = ['cloudformation', 'sam', 'serverless', 'terraform-document', 'terraform-jsonencode'] as const;
type Format = (typeof FORMATS)[number];

/** Each resource as written in CloudFormation-style YAML (CloudFormation, SAM, serverless) and in Terraform. */
const RESOURCES: Array<{ yaml: string; sls?: string; tf: string }> = [
  { yaml: "'*'", tf: '"*"' },
  { yaml: "'arn:aws:s3:::b1/*'", tf: '"arn:aws:s3:::b1/*"' },
  { yaml: "'arn:aws:s3:::b2/*'", tf: '"arn:aws:s3:::b2/*"' },
  { yaml: "'arn:aws:dynamodb:us-east-1:111:table/*'", tf: '"arn:aws:dynamodb:us-east-1:111:table/*"' },
  { yaml: '!GetAtt T1.Arn', tf: 'aws_dynamodb_table.t1.arn' },
  { yaml: "!Sub '${T1.Arn}/index/*'", sls: "'${self:custom.t1}/index/*'", tf: '"${aws_dynamodb_table.t1.arn}/index/*"' },
  { yaml: "!Sub 'arn:aws:s3:::${B1}/*'", tf: '"${aws_s3_bucket.b1.arn}/*"' },
  { yaml: "!Sub 'arn:aws:s3:::${B1}'", tf: 'aws_s3_bucket.b1.arn' },
  { yaml: '!GetAtt Q1.Arn', tf: 'aws_sqs_queue.q1.arn' },
];
/** What each named resource resolves to, under the keys each format spells it with. */
const VALUES: Record<'T1' | 'B1' | 'Q1', Record<string, string>> = {
  T1: { 'GetAtt:T1.Arn': T1, 'self:custom.t1': T1, 'aws_dynamodb_table.t1.arn': T1, 'Ref:T1': 't1' },
  B1: { 'Ref:B1': 'b1', 'aws_s3_bucket.b1.arn': 'arn:aws:s3:::b1' },
  Q1: { 'GetAtt:Q1.Arn': Q1, 'aws_sqs_queue.q1.arn': Q1 },
};
/** SAM's pseudo parameters (the templates' ARNs are built with them). */
const PSEUDO = { 'Ref:AWS::Region': 'us-east-1', 'Ref:AWS::AccountId': '111', 'Ref:AWS::Partition': 'aws' };
const ARNS = ['arn:aws:s3:::b1/data/x.json', 'arn:aws:s3:::b1', 'arn:aws:s3:::b2/k', T1, `${T1}/index/i1`, 'arn:aws:dynamodb:us-east-1:111:table/t2', Q1, 'arn:aws:kms:us-east-1:111:key/k1'];

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

/** A statement as a YAML list item at indentation 0 (callers indent it). */
function yamlStatement(s: RandomStatement, serverless: boolean): string {
  const list = (xs: string[]) => xs.map((x) => `\n    - ${x}`).join('');
  const resources = s.resources.map((i) => (serverless ? (RESOURCES[i].sls ?? RESOURCES[i].yaml) : RESOURCES[i].yaml));
  const condition = s.condition ? "\n  Condition:\n    StringEquals:\n      aws:RequestedRegion: ['us-east-1']" : '';
  return `- Effect: ${s.deny ? 'Deny' : 'Allow'}\n  ${s.notAction ? 'NotAction' : 'Action'}:${list(s.actions.map((a) => `'${a}'`))}\n  Resource:${list(resources)}${condition}\n`;
}

const indent = (text: string, n: number) => text.replace(/^(?=.)/gm, ' '.repeat(n));
const tfList = (xs: string[]) => `[${xs.join(', ')}]`;

function tfDocument(statements: RandomStatement[]): string {
  const block = (s: RandomStatement) =>
    `  statement {\n    effect = "${s.deny ? 'Deny' : 'Allow'}"\n    ${s.notAction ? 'not_actions' : 'actions'} = ${tfList(s.actions.map((a) => `"${a}"`))}\n    resources = ${tfList(s.resources.map((i) => RESOURCES[i].tf))}\n` +
    (s.condition ? '    condition {\n      test     = "StringEquals"\n      variable = "aws:RequestedRegion"\n      values   = ["us-east-1"]\n    }\n' : '') +
    '  }\n';
  return `data "aws_iam_policy_document" "p" {\n${statements.map(block).join('\n')}}\n`;
}

function tfJsonencode(statements: RandomStatement[]): string {
  const item = (s: RandomStatement) =>
    `      {\n        Effect = "${s.deny ? 'Deny' : 'Allow'}"\n        ${s.notAction ? 'NotAction' : 'Action'} = ${tfList(s.actions.map((a) => `"${a}"`))}\n        Resource = ${tfList(s.resources.map((i) => RESOURCES[i].tf))}\n` +
    (s.condition ? '        Condition = { StringEquals = { "aws:RequestedRegion" = "us-east-1" } }\n' : '') +
    '      },\n';
  return `resource "aws_iam_role_policy" "p" {\n  role = aws_iam_role.r.id\n  policy = jsonencode({\n    Version = "2012-10-17"\n    Statement = [\n${statements.map(item).join('')}    ]\n  })\n}\n`;
}

/** The random site's text in its format. */
function siteText(format: Format, statements: RandomStatement[]): { site: GrantSite; text: string } {
  const yaml = (serverless = false) => statements.map((s) => yamlStatement(s, serverless)).join('');
  switch (format) {
    case 'cloudformation':
      return { site: { format, file: 'stack.yaml', resource: 'P' }, text: `Resources:\n  P:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: p\n      Roles: [r]\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n${indent(yaml(), 10)}` };
    case 'sam':
      return {
        site: { format, file: 'template.yaml', function: 'F' },
        text: `Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Policies:\n        - DynamoDBReadPolicy:\n            TableName: !Ref T1\n        - Version: '2012-10-17'\n          Statement:\n${indent(yaml(), 12)}`,
      };
    case 'serverless':
      return { site: { format, file: 'serverless.yml' }, text: `service: s\nprovider:\n  name: aws\n  iam:\n    role:\n      statements:\n${indent(yaml(true), 8)}` };
    case 'terraform-document':
      return { site: { format: 'terraform', file: 'main.tf', address: 'data.aws_iam_policy_document.p' }, text: tfDocument(statements) };
    case 'terraform-jsonencode':
      return { site: { format: 'terraform', file: 'main.tf', address: 'aws_iam_role_policy.p' }, text: tfJsonencode(statements) };
  }
}

/** The JSON site: literal statements only (a JSON policy file holds no references). */
function jsonFile(statements: Statement[]): string {
  const plain = statements.map((s) => ({ Effect: s.effect, Action: s.action, Resource: s.resource }));
  return `${JSON.stringify({ Version: '2012-10-17', Statement: plain }, null, 2)}\n`;
}

const jsonStatementArb: fc.Arbitrary<Statement> = fc.record({ actions: subset(ACTIONS, 3), resources: subset(['*', 'arn:aws:s3:::b1/*', T1, Q1], 2) }).map((r) => ({ effect: 'Allow', action: r.actions, resource: r.resources }));

const inputArb = fc.record({
  format: fc.constantFrom(...FORMATS),
  statements: fc.array(statementArb, { minLength: 1, maxLength: 4 }),
  json: fc.array(jsonStatementArb, { minLength: 0, maxLength: 2 }),
  resolved: fc.subarray(['T1', 'B1', 'Q1'] as const),
  usage: fc.uniqueArray(fc.record({ action: fc.constantFrom(...ALL_ACTIONS), resources: subset(ARNS, 2) }), { selector: (u) => u.action, maxLength: 6 }),
  inlineResolved: fc.boolean(),
});

type Random = typeof inputArb extends fc.Arbitrary<infer T> ? T : never;

function planInputOf(r: Random): PlanInput {
  const context: Omit<TrimInput, 'documents'> = { usage: usageOf(r.usage.map((u) => used(u.action, u.resources))), catalog, knowledge, recording, options: { baselines: [] } };
  const sites = [siteText(r.format, r.statements)];
  if (r.json.length > 0) sites.push({ site: { format: 'json', file: 'policy.json' }, text: jsonFile(r.json) });
  return {
    role: 'arn:aws:iam::111:role/r',
    sites,
    values: new Map(Object.entries({ ...PSEUDO, ...Object.assign({}, ...r.resolved.map((name) => VALUES[name])) })),
    managedPolicies: new Map(),
    suggestFor: (documents) => suggest({ ...context, documents }),
    inlineResolved: r.inlineResolved,
    samTemplates,
    trimContext: context,
  };
}

/** Probe resources: the concrete ARNs, and each opaque resource the documents hold, as itself and with a path. */
function probes(docs: PolicyDocument[]): string[] {
  const symbolic = docs.flatMap((d) => d.statements.flatMap((s) => [...(s.resource ?? []), ...(s.notResource ?? [])])).filter((x) => x.includes('\uE000'));
  return [...new Set([...ARNS, ...symbolic, ...symbolic.map((x) => x.replace(/\*$/, 'data/x'))])];
}

describe('planEdits on random statements and usage, in every format', () => {
  it('is never wider than what was granted and keeps every used call allowed (brute-force oracle)', () => {
    fc.assert(
      fc.property(inputArb, (r) => {
        const result = planEdits(planInputOf(r));
        const { granted, trimmed } = result;
        for (const truth of assignments(granted, trimmed)) {
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
      // 10-20 s on the 2-core machine.
      { numRuns: 150 },
    );
  });
});
