/**
 * The style of what the Terraform editor writes. `terraform fmt` cannot run here, so a rewritten statement
 * is checked against what hcl.ts (the project's fmt-layout writer) produces for the same policy — whole files
 * compared byte for byte — and against the fmt rules in test/support/render.ts. Then the site's own habits:
 * CRLF line ends, a single statement object, empty sites, the block's form of IAM policy variables, an
 * omitted effect, one-line jsonencode, heredoc indentation, and roles whose inline policies empty out.
 */

import { describe, expect, it } from 'vitest';
import type { PolicyDocument, Statement } from '../../src/core/policy/types.js';
import { renderTerraform } from '../../src/core/render/index.js';
import { terraformEditor } from '../../src/core/iac/terraform-editor.js';
import type { GrantSite } from '../../src/core/iac/types.js';
import { fmtViolations } from '../support/render.js';
import { editOf, fixture, keyedStatements } from './terraform-support.js';

const site = (address: string): GrantSite => ({ format: 'terraform', file: 'main.tf', address });

/** Write `statements` (tokens as `{{key}}`) at `address` of `text`. */
function write(text: string, address: string, statements: Statement[], attachments?: string[]): string {
  const g = terraformEditor.read(text, site(address));
  return terraformEditor.write(text, site(address), editOf(g, statements, attachments ?? g.attachments.map((a) => a.policy)));
}

const doc = (statements: Statement[]): PolicyDocument => ({ name: 'orders', version: '2012-10-17', statements });

const READ: Statement = { sid: 'Read', effect: 'Allow', action: ['s3:GetObject', 's3:ListBucket'], resource: ['arn:aws:s3:::orders', 'arn:aws:s3:::orders/*'] };
const QUEUE: Statement = { sid: 'Queue', effect: 'Allow', action: ['sqs:SendMessage'], resource: ['arn:aws:sqs:eu-west-1:123456789012:jobs'] };
const QUEUE_IN_REGION: Statement = { ...QUEUE, condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'eu-west-2'] } } };
const DENY: Statement = { sid: 'NoDelete', effect: 'Deny', action: ['s3:DeleteBucket', 's3:DeleteObject'], resource: ['*'], principal: { AWS: ['arn:aws:iam::123456789012:root'] } };

/** The jsonencode renderer's output as the policy of an aws_iam_policy. */
function jsonencodeResource(d: PolicyDocument): string {
  const [first, ...rest] = renderTerraform(d, { style: 'jsonencode', jsonencodeWrapper: 'none' }).trimEnd().split('\n');
  return `resource "aws_iam_policy" "orders" {\n  name = "orders"\n  policy = ${first}\n${rest.map((l) => `  ${l}`).join('\n')}\n}\n`;
}

describe('rewritten statements are what hcl.ts writes', () => {
  const edited = [READ, QUEUE_IN_REGION, DENY];

  it('data source: a changed and a new statement, byte for byte the renderer output', () => {
    const before = renderTerraform(doc([READ, QUEUE]));
    const after = write(before, 'data.aws_iam_policy_document.orders', edited);
    expect(after).toBe(renderTerraform(doc(edited)));
    expect(fmtViolations(after)).toEqual([]);
  });

  it('jsonencode: a changed and a new statement, byte for byte the renderer output', () => {
    const before = jsonencodeResource(doc([READ, QUEUE]));
    expect(fmtViolations(before)).toEqual([]);
    const after = write(before, 'aws_iam_policy.orders', edited);
    expect(after).toBe(jsonencodeResource(doc(edited)));
  });

  it('narrowed lists keep fmt layout, in both styles', () => {
    const narrowed = [{ ...READ, action: ['s3:GetObject'], resource: ['arn:aws:s3:::orders/*'] }, QUEUE];
    for (const [before, address] of [
      [renderTerraform(doc([READ, QUEUE])), 'data.aws_iam_policy_document.orders'],
      [jsonencodeResource(doc([READ, QUEUE])), 'aws_iam_policy.orders'],
    ] as const) {
      expect(fmtViolations(write(before, address, narrowed))).toEqual([]);
    }
  });
});

describe('the site keeps its habits', () => {
  it('CRLF files stay CRLF', () => {
    const crlf = (s: string) => s.replaceAll('\n', '\r\n');
    for (const [dir, address] of [
      ['data-source', 'data.aws_iam_policy_document.orders'],
      ['jsonencode', 'aws_iam_policy.orders'],
      ['heredoc', 'aws_iam_role_policy.reports'],
    ] as const) {
      const before = fixture(dir, 'before.tf');
      const g = terraformEditor.read(before, site(address));
      const statements = [...keyedStatements(g.statements, g.references).slice(1), { ...QUEUE_IN_REGION, sid: 'New' }];
      expect(write(crlf(before), address, statements)).toBe(crlf(write(before, address, statements)));
    }
  });

  it('a single statement object stays one, and becomes a list for two', () => {
    const before = 'resource "aws_iam_policy" "p" {\n  policy = jsonencode({\n    Version = "2012-10-17"\n    Statement = {\n      Effect   = "Allow"\n      Action   = "s3:GetObject"\n      Resource = "*"\n    }\n  })\n}\n';
    expect(write(before, 'aws_iam_policy.p', [{ effect: 'Allow', action: ['s3:ListBucket'], resource: ['*'] }])).toBe(before.replace('s3:GetObject', 's3:ListBucket'));
    const two = write(before, 'aws_iam_policy.p', [{ effect: 'Allow', action: ['s3:GetObject'], resource: ['*'] }, QUEUE]);
    expect(two).toBe(
      'resource "aws_iam_policy" "p" {\n  policy = jsonencode({\n    Version = "2012-10-17"\n    Statement = [\n      {\n        Effect   = "Allow"\n        Action   = "s3:GetObject"\n        Resource = "*"\n      },\n      {\n        Sid      = "Queue"\n        Effect   = "Allow"\n        Action   = "sqs:SendMessage"\n        Resource = "arn:aws:sqs:eu-west-1:123456789012:jobs"\n      },\n    ]\n  })\n}\n',
    );
    expect(fmtViolations(two)).toEqual([]);
  });

  it('a data source without statements gets them, and loses them all cleanly', () => {
    const empty = 'data "aws_iam_policy_document" "d" {\n  source_policy_documents = [data.aws_iam_policy_document.base.json]\n}\n';
    const filled = write(empty, 'data.aws_iam_policy_document.d', [QUEUE]);
    expect(filled).toBe(
      'data "aws_iam_policy_document" "d" {\n  source_policy_documents = [data.aws_iam_policy_document.base.json]\n\n  statement {\n    sid       = "Queue"\n    effect    = "Allow"\n    resources = ["arn:aws:sqs:eu-west-1:123456789012:jobs"]\n    actions   = ["sqs:SendMessage"]\n  }\n}\n',
    );
    expect(write(filled, 'data.aws_iam_policy_document.d', [])).toBe(empty);
    expect(write('data "aws_iam_policy_document" "d" {}\n', 'data.aws_iam_policy_document.d', [QUEUE])).toBe(
      'data "aws_iam_policy_document" "d" {\n  statement {\n    sid       = "Queue"\n    effect    = "Allow"\n    resources = ["arn:aws:sqs:eu-west-1:123456789012:jobs"]\n    actions   = ["sqs:SendMessage"]\n  }\n}\n',
    );
  });

  it('IAM policy variables in the block own form: &{...} where it uses it, else $${...}', () => {
    const home: Statement = { effect: 'Allow', action: ['s3:GetObject'], resource: ['arn:aws:s3:::b/home/${aws:username}/*'] };
    const amp = 'data "aws_iam_policy_document" "d" {\n  statement {\n    actions   = ["s3:PutObject"]\n    resources = ["arn:aws:s3:::b/&{aws:userid}"]\n  }\n}\n';
    expect(write(amp, 'data.aws_iam_policy_document.d', [home])).toContain('"arn:aws:s3:::b/home/&{aws:username}/*"');
    expect(write(amp.replace('&{', '$${'), 'data.aws_iam_policy_document.d', [home])).toContain('"arn:aws:s3:::b/home/$${aws:username}/*"');
  });

  it('a statement written without effect is rewritten without it (Allow is the default)', () => {
    const before = 'data "aws_iam_policy_document" "d" {\n  statement {\n    actions   = ["s3:PutObject"]\n    resources = ["*"]\n  }\n}\n';
    expect(write(before, 'data.aws_iam_policy_document.d', [{ effect: 'Allow', action: ['s3:PutObject'], resource: ['*'], sid: 'Put' }])).toBe(
      'data "aws_iam_policy_document" "d" {\n  statement {\n    sid       = "Put"\n    actions   = ["s3:PutObject"]\n    resources = ["*"]\n  }\n}\n',
    );
  });

  it('one-line jsonencode: a new statement is one line too, separated the same way', () => {
    const before = fixture('jsonencode', 'before.tf');
    const after = write(before, 'aws_iam_role_policy.compact', [
      { effect: 'Allow', action: ['logs:CreateLogStream', 'logs:PutLogEvents'], resource: ['*'] },
      { effect: 'Allow', action: ['xray:PutTraceSegments'], resource: ['{{aws_xray_group.g.arn}}'] },
    ]);
    expect(after).toContain(
      'Statement = [{ Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "*" }, { Effect = "Allow", Action = "xray:PutTraceSegments", Resource = aws_xray_group.g.arn }] })',
    );
  });

  it('heredoc: a new statement is JSON at the heredoc indentation, references as interpolations', () => {
    const before = fixture('heredoc', 'before.tf');
    const g = terraformEditor.read(before, site('aws_iam_role_policy.reports'));
    const statements = [...keyedStatements(g.statements, g.references), { sid: 'Tmp', effect: 'Deny' as const, action: ['s3:DeleteObject'], resource: ['{{aws_s3_bucket.reports.arn}}/tmp/$${x}/*'] }];
    const after = write(before, 'aws_iam_role_policy.reports', statements);
    expect(after).toContain(
      [
        '        },',
        '        {',
        '          "Sid": "Tmp",',
        '          "Effect": "Deny",',
        '          "Action": "s3:DeleteObject",',
        '          "Resource": "${aws_s3_bucket.reports.arn}/tmp/$$${x}/*"',
        '        }',
        '      ]',
      ].join('\n'),
    );
  });

  it('a role whose inline policies empty out keeps one empty inline_policy block (Terraform removes them only then)', () => {
    const before = fixture('role', 'before.tf');
    const none = write(before, 'aws_iam_role.worker', []);
    expect(none).toContain('  inline_policy {}\n\n  tags = {');
    expect(none.match(/inline_policy/g)).toHaveLength(1);
    const one = write(before, 'aws_iam_role.worker', [{ effect: 'Allow', action: ['secretsmanager:GetSecretValue'], resource: ['{{aws_secretsmanager_secret.db.arn}}'] }]);
    expect(one).not.toContain('name = "queues"');
    expect(one).toContain('name   = "secrets"');
    expect(terraformEditor.read(none, site('aws_iam_role.worker')).statements).toEqual([]);
  });
});
