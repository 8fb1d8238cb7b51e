/**
 * A policy the plan empties (every statement removed) cannot be deployed as it is written: IAM refuses a policy
 * document without statements. In every format where the edit leaves such a document (a JSON file or pointer,
 * a Terraform policy document, `aws_iam_policy` or `aws_iam_role_policy`, a CloudFormation policy resource or
 * named role policy), the plan says so and the pull request's "Before merging" list (pr-plan.ts beforeMerging)
 * carries it; where the editor drops the emptied policy itself (a role's `Policies`, a Terraform role's
 * `inline_policy`, a SAM function, serverless.yml), no empty document is written and nothing is asked.
 */
import { describe, expect, it } from 'vitest';
import { beforeMerging } from '../../src/cli/pr-plan.js';
import { planEdits } from '../../src/core/iac/plan.js';
import type { GrantSite } from '../../src/core/iac/types.js';
import { planInput } from '../iac/plan-support.js';

/** An action the role never used, and whose calls the test trail records: nothing of it is kept. */
const A = 'sns:DeleteTopic';

const CASES: Array<[string, boolean, GrantSite[], Record<string, string>]> = [
  ['json', true, [{ format: 'json', file: 'p.json' }], { 'p.json': JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: A, Resource: '*' }] }, null, 2) + '\n' }],
  ['json-pointer', true, [{ format: 'json', file: 'r.json', pointer: '/Policies/0/PolicyDocument' }], { 'r.json': JSON.stringify({ Policies: [{ PolicyName: 'x', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: A, Resource: '*' }] } }] }, null, 2) + '\n' }],
  ['tf-data', true, [{ format: 'terraform', file: 'm.tf', address: 'data.aws_iam_policy_document.x' }], { 'm.tf': `data "aws_iam_policy_document" "x" {\n  statement {\n    actions   = ["${A}"]\n    resources = ["*"]\n  }\n}\n` }],
  ['tf-policy-jsonencode', true, [{ format: 'terraform', file: 'm.tf', address: 'aws_iam_policy.x' }], { 'm.tf': `resource "aws_iam_policy" "x" {\n  name = "x"\n  policy = jsonencode({\n    Version = "2012-10-17"\n    Statement = [\n      {\n        Effect   = "Allow"\n        Action   = "${A}"\n        Resource = "*"\n      },\n    ]\n  })\n}\n` }],
  ['tf-role-policy-heredoc', true, [{ format: 'terraform', file: 'm.tf', address: 'aws_iam_role_policy.x' }], { 'm.tf': `resource "aws_iam_role_policy" "x" {\n  role = "r"\n  policy = <<EOF\n{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": "${A}", "Resource": "*"}\n  ]\n}\nEOF\n}\n` }],
  ['tf-role-inline', false, [{ format: 'terraform', file: 'm.tf', address: 'aws_iam_role.x' }], { 'm.tf': `resource "aws_iam_role" "x" {\n  name = "r"\n  assume_role_policy = "{}"\n  inline_policy {\n    name = "p"\n    policy = jsonencode({\n      Version = "2012-10-17"\n      Statement = [{ Effect = "Allow", Action = "${A}", Resource = "*" }]\n    })\n  }\n}\n` }],
  ['cfn-policy', true, [{ format: 'cloudformation', file: 't.yaml', resource: 'P' }], { 't.yaml': `Resources:\n  P:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: p\n      Roles: [r]\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Action: ${A}\n            Resource: '*'\n` }],
  ['cfn-managed', true, [{ format: 'cloudformation', file: 't.yaml', resource: 'P' }], { 't.yaml': `Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      Roles: [r]\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Action: ${A}\n            Resource: '*'\n` }],
  ['cfn-role', false, [{ format: 'cloudformation', file: 't.yaml', resource: 'R' }], { 't.yaml': `Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {}\n      Policies:\n        - PolicyName: p\n          PolicyDocument:\n            Version: '2012-10-17'\n            Statement:\n              - Effect: Allow\n                Action: ${A}\n                Resource: '*'\n` }],
  ['cfn-role-named', true, [{ format: 'cloudformation', file: 't.yaml', resource: 'R', policy: 'p' }], { 't.yaml': `Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {}\n      Policies:\n        - PolicyName: p\n          PolicyDocument:\n            Version: '2012-10-17'\n            Statement:\n              - Effect: Allow\n                Action: ${A}\n                Resource: '*'\n` }],
  ['sam', false, [{ format: 'sam', file: 't.yaml', function: 'F' }], { 't.yaml': `Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n      Policies:\n        - Version: '2012-10-17'\n          Statement:\n            - Effect: Allow\n              Action: ${A}\n              Resource: '*'\n` }],
  ['sam-one-doc', false, [{ format: 'sam', file: 't.yaml', function: 'F' }], { 't.yaml': `Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n      Policies:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n            Action: ${A}\n            Resource: '*'\n` }],
  ['serverless', false, [{ format: 'serverless', file: 'serverless.yml' }], { 'serverless.yml': `service: s\nprovider:\n  name: aws\n  iam:\n    role:\n      statements:\n        - Effect: Allow\n          Action: ${A}\n          Resource: '*'\n` }],
  ['serverless-old', false, [{ format: 'serverless', file: 'serverless.yml' }], { 'serverless.yml': `service: s\nprovider:\n  name: aws\n  iamRoleStatements:\n    - Effect: Allow\n      Action: ${A}\n      Resource: '*'\n` }],
  ['serverless-fn', false, [{ format: 'serverless', file: 'serverless.yml', function: 'f' }], { 'serverless.yml': `service: s\nprovider:\n  name: aws\nfunctions:\n  f:\n    handler: x\n    iamRoleStatements:\n      - Effect: Allow\n        Action: ${A}\n        Resource: '*'\n` }],
];

/** An empty statement list in any of the formats' spellings, or a Terraform policy document without statements. */
const EMPTY_DOCUMENT = /"?Statement"?\s*[:=]\s*\[\s*\]|data "aws_iam_policy_document" "\w+" \{\s*\}/;

describe('an emptied policy', () => {
  for (const [name, leavesDocument, sites, files] of CASES) {
    it(`${name}: ${leavesDocument ? 'written empty, and the pull request asks the reviewer to remove it first' : 'dropped by the editor, nothing to ask'}`, () => {
      const plan = planEdits(planInput(sites, files));
      expect(plan.edits).toHaveLength(1);
      expect(plan.trimmed.flatMap((d) => d.statements)).toEqual([]);
      const asked = beforeMerging(plan);
      if (leavesDocument) {
        expect(plan.edits[0]!.after).toMatch(EMPTY_DOCUMENT);
        expect(asked).toEqual([expect.stringMatching(/: no statement is left\. IAM does not accept a policy document without statements/)]);
        expect(asked[0]!.startsWith(`${sites[0]!.file}`)).toBe(true);
      } else {
        expect(plan.edits[0]!.after).not.toMatch(EMPTY_DOCUMENT);
        expect(asked).toEqual([]);
      }
    });
  }
});
