/**
 * The Terraform editor on realistic files, one golden before/after pair per site kind
 * (test/iac/fixtures/terraform/<case>/before.tf → after.<address>.tf; `UPDATE_GOLDEN=1` rewrites the after-files,
 * review them by hand). Each case checks what a read finds, the golden write (actions removed, a resource
 * narrowed), that only lines of the site changed, that the written file reads back as the edit, and that
 * writing back what was read changes nothing.
 */

import { describe, expect, it } from 'vitest';
import type { Statement } from '../../src/core/policy/types.js';
import { terraformEditor } from '../../src/core/iac/terraform-editor.js';
import { readSite } from '../../src/core/iac/terraform-read.js';
import { leadingCommentStart } from '../../src/core/iac/terraform-splice.js';
import { positionAt } from '../../src/core/iac/terraform-lexer.js';
import type { GrantSite, IncludedDocument } from '../../src/core/iac/types.js';
import { changedLines, editOf, fixture, golden, keyed, keyedStatements } from './terraform-support.js';

interface Case {
  dir: string;
  address: string;
  /** What a read finds, tokens as `{{key}}`. */
  read: Statement[];
  attachments?: string[];
  /** [key, written] of each reference, in table order. */
  references?: Array<[string, string]>;
  included?: IncludedDocument[];
  /** The edit written, tokens as `{{key}}`. */
  edit: Statement[];
  editAttachments?: string[];
}

const allow = (action: string[], resource: string[], more: Partial<Statement> = {}): Statement => ({ effect: 'Allow', action, resource, ...more });

const CASES: Case[] = [
  {
    dir: 'data-source',
    address: 'data.aws_iam_policy_document.orders',
    read: [
      allow(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:Scan'], ['{{aws_dynamodb_table.orders.arn}}', '{{aws_dynamodb_table.orders.arn}}/index/*'], { sid: 'OrdersTable' }),
      allow(['s3:GetObject', 's3:PutObject'], ['{{aws_s3_bucket.receipts.arn}}/*'], { sid: 'Receipts', condition: { StringLike: { 's3:prefix': ['home/${aws:username}/*'] } } }),
      allow(['sns:Publish'], ['{{var.topic_arn}}'], { sid: 'PublishEvents' }),
    ],
    references: [
      ['data.aws_iam_policy_document.logging.json', 'data.aws_iam_policy_document.logging.json'],
      ['aws_dynamodb_table.orders.arn', 'aws_dynamodb_table.orders.arn'],
      ['aws_s3_bucket.receipts.arn', '${aws_s3_bucket.receipts.arn}'],
      ['var.topic_arn', 'var.topic_arn'],
    ],
    included: [{ how: 'source', document: '{{data.aws_iam_policy_document.logging.json}}' }],
    edit: [
      allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], ['{{aws_dynamodb_table.orders.arn}}', '{{aws_dynamodb_table.orders.arn}}/index/*'], { sid: 'OrdersTable' }),
      allow(['s3:GetObject', 's3:PutObject'], ['{{aws_s3_bucket.receipts.arn}}/receipts/*'], { sid: 'Receipts', condition: { StringLike: { 's3:prefix': ['home/${aws:username}/*'] } } }),
      allow(['sns:Publish'], ['{{var.topic_arn}}'], { sid: 'PublishEvents' }),
    ],
  },
  {
    dir: 'jsonencode',
    address: 'aws_iam_policy.orders',
    read: [
      allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteTable'], ['{{aws_dynamodb_table.orders.arn}}'], { sid: 'Table' }),
      allow(['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage'], ['{{aws_sqs_queue.jobs.arn}}', '{{aws_sqs_queue.dlq.arn}}'], { sid: 'Queue' }),
      allow(['s3:GetObject'], ['arn:aws:s3:::{{var.bucket}}/home/${aws:username}/*'], { sid: 'Home', condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1'] } } }),
    ],
    references: [
      ['aws_dynamodb_table.orders.arn', 'aws_dynamodb_table.orders.arn'],
      ['aws_sqs_queue.jobs.arn', 'aws_sqs_queue.jobs.arn'],
      ['aws_sqs_queue.dlq.arn', '${aws_sqs_queue.dlq.arn}'],
      ['var.bucket', '${var.bucket}'],
    ],
    edit: [
      allow(['dynamodb:GetItem', 'dynamodb:PutItem'], ['{{aws_dynamodb_table.orders.arn}}'], { sid: 'Table' }),
      allow(['sqs:SendMessage', 'sqs:ReceiveMessage'], ['{{aws_sqs_queue.jobs.arn}}'], { sid: 'Queue' }),
      allow(['s3:GetObject'], ['arn:aws:s3:::{{var.bucket}}/home/${aws:username}/*'], { sid: 'Home', condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1'] } } }),
    ],
  },
  {
    dir: 'jsonencode',
    address: 'aws_iam_role_policy.compact',
    read: [allow(['logs:CreateLogStream', 'logs:PutLogEvents'], ['*'])],
    edit: [allow(['logs:PutLogEvents'], ['*'])],
  },
  {
    dir: 'heredoc',
    address: 'aws_iam_role_policy.reports',
    read: [
      allow(['s3:GetObject', 's3:ListBucket', 's3:DeleteObject'], ['{{aws_s3_bucket.reports.arn}}', '{{aws_s3_bucket.reports.arn}}/{{var.prefix}}/*'], { sid: 'ReadReports' }),
      allow(['s3:PutObject'], ['{{aws_s3_bucket.reports.arn}}/home/${aws:username}/*'], { sid: 'Home' }),
      allow(['kms:Decrypt', 'kms:Encrypt'], ['{{var.kms_key_arn}}'], { sid: 'Kms' }),
    ],
    references: [
      ['aws_s3_bucket.reports.arn', '${aws_s3_bucket.reports.arn}'],
      ['var.prefix', '${var.prefix}'],
      ['var.kms_key_arn', '${var.kms_key_arn}'],
    ],
    edit: [
      allow(['s3:GetObject', 's3:ListBucket'], ['{{aws_s3_bucket.reports.arn}}/{{var.prefix}}/*'], { sid: 'ReadReports' }),
      allow(['s3:PutObject'], ['{{aws_s3_bucket.reports.arn}}/home/${aws:username}/*'], { sid: 'Home' }),
      allow(['kms:Decrypt'], ['{{var.kms_key_arn}}'], { sid: 'Kms' }),
    ],
  },
  {
    dir: 'role',
    address: 'aws_iam_role.worker',
    read: [
      allow(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:PurgeQueue'], ['{{aws_sqs_queue.jobs.arn}}']),
      allow(['secretsmanager:GetSecretValue'], ['{{aws_secretsmanager_secret.db.arn}}']),
    ],
    attachments: ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole', 'arn:aws:iam::aws:policy/AmazonS3FullAccess', '{{aws_iam_policy.orders.arn}}'],
    edit: [
      allow(['sqs:ReceiveMessage', 'sqs:DeleteMessage'], ['{{aws_sqs_queue.jobs.arn}}']),
      allow(['secretsmanager:GetSecretValue'], ['{{aws_secretsmanager_secret.db.arn}}']),
    ],
    editAttachments: ['arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole', '{{aws_iam_policy.orders.arn}}'],
  },
  {
    dir: 'attachment',
    address: 'aws_iam_role_policy_attachment.s3_read',
    read: [],
    attachments: ['arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess'],
    edit: [],
    editAttachments: [],
  },
  {
    dir: 'attachment',
    address: 'aws_iam_role_policy_attachment.orders',
    read: [],
    attachments: ['{{aws_iam_policy.orders.arn}}'],
    edit: [],
    editAttachments: ['arn:aws:iam::123456789012:policy/orders-trimmed'],
  },
];

describe.each(CASES)('$dir: $address', (c) => {
  const before = fixture(c.dir, 'before.tf');
  const site: GrantSite = { format: 'terraform', file: `${c.dir}/main.tf`, address: c.address };
  const grants = terraformEditor.read(before, site);
  const edit = editOf(grants, c.edit, c.editAttachments ?? c.attachments);
  const after = terraformEditor.write(before, site, edit);

  it('reads the statements, attachments and references', () => {
    expect(keyedStatements(grants.statements, grants.references)).toEqual(c.read);
    expect(grants.attachments.map((a) => keyed(a.policy, grants.references))).toEqual(c.attachments ?? []);
    expect(grants.templates).toEqual([]);
    if (c.references) expect(grants.references.map((r) => [r.key, r.written])).toEqual(c.references);
    expect(grants.included?.map((d) => ({ ...d, document: keyed(d.document, grants.references) }))).toEqual(c.included);
  });

  it('writes the golden after-file', () => {
    expect(after).toBe(golden(after, c.dir, `after.${c.address}.tf`));
  });

  it('changes only lines of the site', () => {
    const r = readSite(before, site);
    // A removed block takes its comment lines and one blank line with it.
    const first = positionAt(before, leadingCommentStart(before, r.block.start)).line - 1;
    const last = positionAt(before, r.block.end).line + 1;
    const changed = changedLines(before, after);
    expect(changed).toBeDefined();
    expect(changed!.first).toBeGreaterThanOrEqual(first);
    expect(changed!.last).toBeLessThanOrEqual(last);
  });

  it('reads back as the edit', () => {
    if (c.dir === 'attachment' && c.editAttachments?.length === 0) {
      // No attachment left: the block is gone, so the address is not found any more.
      expect(() => terraformEditor.read(after, site)).toThrow(expect.objectContaining({ code: 'iac-site-not-found' }));
      return;
    }
    const back = terraformEditor.read(after, site);
    expect(keyedStatements(back.statements, back.references)).toEqual(c.edit);
    expect(back.attachments.map((a) => keyed(a.policy, back.references))).toEqual(c.editAttachments ?? c.attachments ?? []);
  });

  it('writes back what it read without changing a byte', () => {
    expect(terraformEditor.write(before, site, grants)).toBe(before);
  });
});

describe('sites in the same file stay independent', () => {
  it('editing one jsonencode site leaves the other byte-identical', () => {
    const before = fixture('jsonencode', 'before.tf');
    const a: GrantSite = { format: 'terraform', file: 'main.tf', address: 'aws_iam_role_policy.compact' };
    const b: GrantSite = { format: 'terraform', file: 'main.tf', address: 'aws_iam_policy.orders' };
    const g = terraformEditor.read(before, a);
    const after = terraformEditor.write(before, a, editOf(g, [allow(['logs:PutLogEvents'], ['*'])]));
    expect(after.slice(0, before.indexOf('resource "aws_iam_role_policy"'))).toBe(before.slice(0, before.indexOf('resource "aws_iam_role_policy"')));
    expect(terraformEditor.read(after, b)).toEqual(terraformEditor.read(before, b));
  });
});
