/**
 * The edit planner on a Terraform role defined in one file over four sites: a policy document with references,
 * an inline policy in jsonencode, and two managed-policy attachments (one whose document is known).
 */

import { describe, expect, it } from 'vitest';
import { editorFor } from '../../src/core/iac/editors.js';
import { IacError } from '../../src/core/iac/errors.js';
import { planEdits } from '../../src/core/iac/plan.js';
import type { GrantSite, IacEditor } from '../../src/core/iac/types.js';
import { evaluate } from '../../src/core/policy/index.js';
import { fixture } from './support.js';
import { QUEUE, RECEIPTS, S3_READ_ONLY, TABLE, TOPIC, changedLines, planInput } from './plan-support.js';

const MAIN_TF = `# The orders worker's permissions.
resource "aws_iam_role" "worker" {
  name               = "orders-worker"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

data "aws_iam_policy_document" "orders" {
  # Orders table: the API reads and writes orders.
  statement {
    sid = "OrdersTable"
    actions = [
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:DeleteTable",
    ]
    resources = [aws_dynamodb_table.orders.arn]
  }

  statement {
    sid       = "Receipts"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = ["\${aws_s3_bucket.receipts.arn}/*"]
  }

  statement {
    sid       = "Events"
    actions   = ["sns:Publish", "sns:DeleteTopic"]
    resources = [var.topic_arn] # from the events stack
  }

  statement {
    sid       = "Jobs"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.jobs.arn]
  }
}

resource "aws_iam_role_policy" "orders" {
  role   = aws_iam_role.worker.id
  policy = data.aws_iam_policy_document.orders.json
}

resource "aws_iam_role_policy" "logs" {
  role = aws_iam_role.worker.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "*"
      },
    ]
  })
}

# Broad read access the worker got during the incident.
resource "aws_iam_role_policy_attachment" "s3_read" {
  role       = aws_iam_role.worker.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
}

resource "aws_iam_role_policy_attachment" "xray" {
  role       = aws_iam_role.worker.name
  policy_arn = "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"
}
`;

const FILE = 'infra/main.tf';
const tf = (address: string): GrantSite => ({ format: 'terraform', file: FILE, address });
const SITES = [tf('data.aws_iam_policy_document.orders'), tf('aws_iam_role_policy.logs'), tf('aws_iam_role_policy_attachment.s3_read'), tf('aws_iam_role_policy_attachment.xray')];
const VALUES = {
  'aws_dynamodb_table.orders.arn': TABLE,
  'aws_s3_bucket.receipts.arn': RECEIPTS,
  'aws_sqs_queue.jobs.arn': QUEUE,
};

describe('planEdits on a Terraform role', () => {
  const result = planEdits(planInput(SITES, { [FILE]: MAIN_TF }, { values: VALUES, managed: [S3_READ_ONLY] }));
  const edit = result.edits[0];

  it('edits the one file the four sites share, each site after the other', () => {
    expect(result.edits).toHaveLength(1);
    expect(edit.file).toBe(FILE);
    expect(edit.before).toBe(MAIN_TF);
    expect(edit.sites.map((s) => (s.format === 'terraform' ? s.address : ''))).toEqual(['data.aws_iam_policy_document.orders', 'aws_iam_role_policy.logs', 'aws_iam_role_policy_attachment.s3_read']);
  });

  it('removes the unused actions and keeps the reference the resource is written with', () => {
    expect(edit.after).toContain(`    actions = [
      "dynamodb:GetItem",
    ]
    resources = [aws_dynamodb_table.orders.arn]`);
  });

  it('narrows a resource to the path used, as the reference plus the rest', () => {
    expect(edit.after).toContain('resources = ["${aws_s3_bucket.receipts.arn}/receipts/*"]');
    expect(edit.after).toMatch(/sid {7}= "Receipts"\n {4}actions {3}= \["s3:PutObject"\]/);
  });

  it('trims a statement on an unresolved reference at action level only, its resources as written', () => {
    expect(edit.after).toContain('actions   = ["sns:Publish"]\n    resources = [var.topic_arn] # from the events stack');
    expect(result.unresolved.map((u) => u.reference.key)).toEqual(['var.topic_arn']);
    expect(edit.notes.join('\n')).toMatch(/statement 3 \(Events\) names resources by a reference that is not resolved; it was trimmed at action level only/);
  });

  it('keeps the bytes of statements the trim leaves as they are', () => {
    expect(edit.after).toContain(`  statement {
    sid       = "Jobs"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.jobs.arn]
  }`);
    expect(edit.after).toContain(`      {
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = "*"
      },`);
    // Outside the sites nothing changes: the removed lines are the statements' and the replaced attachment's
    // (with the comment above its block).
    const { removed } = changedLines(MAIN_TF, edit.after);
    expect(removed).toEqual([
      '      "dynamodb:PutItem",',
      '      "dynamodb:DeleteTable",',
      '    actions   = ["s3:GetObject", "s3:PutObject"]',
      '    resources = ["${aws_s3_bucket.receipts.arn}/*"]',
      '    actions   = ["sns:Publish", "sns:DeleteTopic"]',
      '# Broad read access the worker got during the incident.',
      'resource "aws_iam_role_policy_attachment" "s3_read" {',
      '  role       = aws_iam_role.worker.name',
      '  policy_arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"',
      '}',
      '',
    ]);
  });

  it('replaces the over-granting attachment by explicit statements in a role policy of the same file', () => {
    expect(edit.after).not.toContain('aws_iam_role_policy_attachment" "s3_read"');
    expect(edit.after).toContain(`      {
        Effect   = "Allow"
        Action   = "s3:GetObject"
        Resource = "arn:aws:s3:::orders-config/app.json"
      },`);
    expect(edit.notes.join('\n')).toMatch(/managed policy arn:aws:iam::aws:policy\/AmazonS3ReadOnlyAccess \(attached at infra\/main\.tf:\d+\) replaced by 2 explicit statements at infra\/main\.tf#aws_iam_role_policy\.logs; the attachment is removed from this code only/);
  });

  it('keeps an attachment whose document is not known, and says so', () => {
    expect(edit.after).toContain('policy_arn = "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"');
    expect(result.notes!.join('\n')).toMatch(/AWSXrayWriteOnlyAccess \(attached at infra\/main\.tf:\d+\) kept as written: its document is not known/);
  });

  it('grants per site (named FILE#SITE) plus the attached documents, and trimmed is what the files hold after', () => {
    expect(result.granted.map((d) => d.name)).toEqual([`${FILE}#data.aws_iam_policy_document.orders`, `${FILE}#aws_iam_role_policy.logs`, S3_READ_ONLY.name]);
    expect(result.trimmed.map((d) => d.name)).toEqual([`${FILE}#data.aws_iam_policy_document.orders`, `${FILE}#aws_iam_role_policy.logs`]);
    for (const call of [
      { action: 'dynamodb:GetItem', resource: TABLE },
      { action: 's3:PutObject', resource: `${RECEIPTS}/receipts/2026/a.json` },
      { action: 's3:GetObject', resource: 'arn:aws:s3:::orders-config/app.json' },
      { action: 'sqs:SendMessage', resource: QUEUE },
    ]) {
      expect(evaluate(result.trimmed, call)).toBe('allowed');
    }
    expect(evaluate(result.trimmed, { action: 'dynamodb:DeleteTable', resource: TABLE })).toBe('implicit-deny');
    expect(evaluate(result.trimmed, { action: 's3:GetObject', resource: `${RECEIPTS}/receipts/x` })).toBe('implicit-deny');
    // The unresolved reference is an opaque name, matching no real ARN.
    expect(evaluate(result.trimmed, { action: 'sns:Publish', resource: TOPIC })).toBe('implicit-deny');
    expect(result.suggestion.documents.length).toBeGreaterThan(0);
  });

  it('is deterministic', () => {
    const again = planEdits(planInput(SITES, { [FILE]: MAIN_TF }, { values: VALUES, managed: [S3_READ_ONLY] }));
    expect(again.edits).toEqual(result.edits);
  });
});

describe('planEdits on a Terraform role with managed_policy_arns, and a policy of its own in another file', () => {
  const ROLE_TF = fixture('terraform/role/before.tf');
  const IAM_TF = `resource "aws_iam_policy" "orders" {
  name   = "orders"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "Publish"
        Effect   = "Allow"
        Action   = ["sns:Publish", "sns:CreateTopic"]
        Resource = "*"
      },
    ]
  })
}

resource "aws_iam_role_policy_attachment" "s3_read" {
  role       = aws_iam_role.worker.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
}
`;
  const role: GrantSite = { format: 'terraform', file: 'infra/role.tf', address: 'aws_iam_role.worker' };
  const policy: GrantSite = { format: 'terraform', file: 'infra/iam.tf', address: 'aws_iam_policy.orders' };
  const attachment: GrantSite = { format: 'terraform', file: 'infra/iam.tf', address: 'aws_iam_role_policy_attachment.s3_read' };
  const S3_FULL = { name: 'arn:aws:iam::aws:policy/AmazonS3FullAccess', statements: [{ effect: 'Allow' as const, action: ['s3:*'], resource: ['*'] }] };
  const files = { 'infra/role.tf': ROLE_TF, 'infra/iam.tf': IAM_TF };
  const result = planEdits(planInput([role, policy, attachment], files, { values: { 'aws_sqs_queue.jobs.arn': QUEUE }, managed: [S3_FULL, S3_READ_ONLY] }));
  const [roleEdit, iamEdit] = result.edits;

  it('edits both files, each site where it is written', () => {
    expect(result.edits.map((e) => e.file)).toEqual(['infra/role.tf', 'infra/iam.tf']);
    expect(changedLines(IAM_TF, iamEdit.after).removed).toEqual([
      '        Action   = ["sns:Publish", "sns:CreateTopic"]',
      '',
      'resource "aws_iam_role_policy_attachment" "s3_read" {',
      '  role       = aws_iam_role.worker.name',
      '  policy_arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"',
      '}',
    ]);
  });

  it('removes the unused action, the inline policy nothing of which was used, and the replaced attachment with its comment', () => {
    expect(changedLines(ROLE_TF, roleEdit.after).removed).toEqual([
      '    # Too broad: kept until trimmed.',
      '    "arn:aws:iam::aws:policy/AmazonS3FullAccess",',
      '        Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:PurgeQueue"]',
      '  inline_policy {',
      '    name   = "secrets"',
      '    policy = <<EOF',
      '{',
      '  "Version": "2012-10-17",',
      '  "Statement": [',
      '    {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "${aws_secretsmanager_secret.db.arn}"}',
      '  ]',
      '}',
      'EOF',
      '  }',
      '',
    ]);
    expect(result.unresolved.map((u) => u.reference.key)).toEqual(['aws_secretsmanager_secret.db.arn']);
  });

  it('keeps the attachment of the policy trimmed at its own site, and counts that policy once', () => {
    expect(roleEdit.after).toContain('    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",\n    aws_iam_policy.orders.arn,\n  ]');
    expect(result.granted.map((d) => d.name)).toEqual(['infra/role.tf#aws_iam_role.worker', S3_FULL.name, 'infra/iam.tf#aws_iam_policy.orders', S3_READ_ONLY.name]);
  });

  it('writes the statements of both replaced attachments into the role inline policy once, naming the lines they were attached at', () => {
    expect(roleEdit.after).not.toContain('AmazonS3FullAccess');
    expect(roleEdit.after.split('"arn:aws:s3:::orders-config/app.json"')).toHaveLength(2);
    expect(result.notes).toContain(
      'infra/role.tf#aws_iam_role.worker: managed policy arn:aws:iam::aws:policy/AmazonS3FullAccess (attached at infra/role.tf:15) replaced by 3 explicit statements; the attachment is removed from this code only: the AWS managed policy itself is unchanged.',
    );
    expect(iamEdit.notes).toEqual([
      'infra/iam.tf#aws_iam_role_policy_attachment.s3_read: managed policy arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess (attached at infra/iam.tf:18) replaced by 2 explicit statements at infra/role.tf#aws_iam_role.worker; the attachment is removed from this code only: the AWS managed policy itself is unchanged.',
    ]);
  });

  it('keeps an attachment when no site of the role can hold its statements', () => {
    const alone = planEdits(planInput([policy, attachment], files, { managed: [S3_READ_ONLY] }));
    expect(alone.edits.map((e) => e.after.includes('AmazonS3ReadOnlyAccess'))).toEqual([true]);
    expect(alone.notes!.join('\n')).toMatch(/AmazonS3ReadOnlyAccess grants more than the role used, but it is kept: no site of the role in this code can hold its statements/);
  });
});

describe('planEdits on a policy nothing of which was used', () => {
  it('writes it without statements and tells the reviewer to remove it', () => {
    const text = 'data "aws_iam_policy_document" "admin" {\n  statement {\n    actions   = ["iam:CreateUser"]\n    resources = ["*"]\n  }\n}\n';
    const site = tf('data.aws_iam_policy_document.admin');
    const result = planEdits(planInput([site], { [FILE]: text }));
    expect(result.edits[0].after).toBe('data "aws_iam_policy_document" "admin" {\n}\n');
    expect(result.edits[0].notes).toEqual([
      'infra/main.tf#data.aws_iam_policy_document.admin: no statement is left. IAM does not accept a policy document without statements: remove this policy (and whatever attaches it) rather than deploy it empty.',
    ]);
    expect(result.trimmed).toEqual([]);
  });
});

describe('planEdits with --inline-resolved', () => {
  it('writes resolved literals in the statements it changes, and leaves the others as written', () => {
    const result = planEdits(planInput(SITES.slice(0, 1), { [FILE]: MAIN_TF }, { values: VALUES, inlineResolved: true }));
    const after = result.edits[0].after;
    expect(after).toContain(`resources = ["${TABLE}"]`);
    expect(after).toContain(`resources = ["${RECEIPTS}/receipts/*"]`);
    expect(after).toContain('resources = [aws_sqs_queue.jobs.arn]');
    expect(after).toContain('resources = [var.topic_arn]');
  });
});

describe('planEdits when nothing is resolved', () => {
  it('trims every statement at action level and keeps every reference', () => {
    const result = planEdits(planInput(SITES.slice(0, 1), { [FILE]: MAIN_TF }));
    const after = result.edits[0].after;
    expect(after).toContain('resources = [aws_dynamodb_table.orders.arn]');
    expect(after).toContain('resources = ["${aws_s3_bucket.receipts.arn}/*"]');
    expect(after).toMatch(/actions   = \["s3:GetObject", "s3:PutObject"\]|actions   = \["s3:PutObject"\]/);
    expect(result.unresolved.map((u) => u.reference.key).sort()).toEqual(['aws_dynamodb_table.orders.arn', 'aws_s3_bucket.receipts.arn', 'aws_sqs_queue.jobs.arn', 'var.topic_arn']);
  });
});

describe('planEdits checks the edited files', () => {
  /** An editor that drops the first statement of every edit it writes, as a broken editor would. */
  const lossy = (format: GrantSite['format']): IacEditor => {
    const real = editorFor(format);
    return { ...real, write: (text, site, e) => real.write(text, site, { ...e, statements: e.statements.slice(1) }) };
  };

  it('refuses the plan when a file does not read back as planned, naming the file', () => {
    const input = planInput(SITES.slice(0, 1), { [FILE]: MAIN_TF }, { values: VALUES });
    expect(() => planEdits(input, lossy)).toThrowError(IacError);
    try {
      planEdits(input, lossy);
    } catch (e) {
      expect((e as IacError).code).toBe('iac-edit-check-failed');
      expect((e as IacError).file).toBe(FILE);
      expect((e as IacError).message).toMatch(/infra\/main\.tf: the edited file does not hold the planned policy at infra\/main\.tf#data\.aws_iam_policy_document\.orders/);
    }
  });

  it('refuses an editor that writes nothing at all', () => {
    const idle = (format: GrantSite['format']): IacEditor => ({ ...editorFor(format), write: (text) => text });
    expect(() => planEdits(planInput(SITES.slice(0, 1), { [FILE]: MAIN_TF }, { values: VALUES }), idle)).toThrowError(/does not hold the planned policy/);
  });

  it('says when the whole-plan proof could not run', () => {
    const result = planEdits(planInput(SITES.slice(0, 1), { [FILE]: MAIN_TF }, { values: VALUES, noProof: true }));
    expect(result.notes!.join('\n')).toMatch(/whole-plan proof .* did not run/);
  });

  it('propagates a site that cannot be read, naming the file and line', () => {
    const input = planInput([tf('aws_iam_role_policy.missing')], { [FILE]: MAIN_TF });
    expect(() => planEdits(input)).toThrowError(/infra\/main\.tf(:\d+:\d+)?: .*aws_iam_role_policy\.missing/);
  });
});
