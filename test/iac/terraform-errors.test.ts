/**
 * What the Terraform editor refuses, and how it says so: an address that is not in the file (listing those of
 * its type that are), expressions it cannot read item by item (with their line), policies defined elsewhere
 * (with what to name instead), syntax errors (with their position), and edits a site cannot hold.
 */

import { describe, expect, it } from 'vitest';
import { terraformEditor } from '../../src/core/iac/terraform-editor.js';
import { IacError } from '../../src/core/iac/errors.js';
import type { GrantSite, SiteEdit } from '../../src/core/iac/types.js';
import { editOf, keyedStatements } from './terraform-support.js';

const site = (address: string): GrantSite => ({ format: 'terraform', file: 'iam.tf', address });

/** The IacError a call throws. */
function caught(f: () => unknown): IacError {
  try {
    f();
  } catch (err) {
    if (err instanceof IacError) return err;
    throw err;
  }
  throw new Error('expected an IacError');
}

const readError = (text: string, address: string) => caught(() => terraformEditor.read(text, site(address)));

const POLICIES = `resource "aws_iam_policy" "a" {
  policy = jsonencode({ Statement = [] })
}

resource "aws_iam_policy" "b" {
  policy = jsonencode({ Statement = [] })
}
`;

describe('addresses', () => {
  it('an address not in the file lists the addresses of its type', () => {
    const err = readError(POLICIES, 'aws_iam_policy.c');
    expect(err.code).toBe('iac-site-not-found');
    expect(err.message).toBe('iam.tf: no aws_iam_policy.c in the file (its aws_iam_policy blocks: aws_iam_policy.a, aws_iam_policy.b)');
  });

  it('says so when the file has no block of that type', () => {
    expect(readError(POLICIES, 'data.aws_iam_policy_document.x').message).toBe('iam.tf: no data.aws_iam_policy_document.x in the file (it has no aws_iam_policy_document block)');
  });

  it.each(['aws_iam_user_policy.x', 'module.m.aws_iam_policy.x', 'data.aws_iam_role.x', 'aws_iam_policy'])('refuses the address %s', (address) => {
    expect(readError(POLICIES, address).code).toBe('iac-unsupported');
  });

  it('a site of another format is refused', () => {
    expect(caught(() => terraformEditor.read(POLICIES, { format: 'json', file: 'p.json' })).code).toBe('iac-unsupported');
  });

  it('an address defined twice is a parse error at the second', () => {
    const err = readError(POLICIES + POLICIES.split('\n\n')[0] + '\n', 'aws_iam_policy.a');
    expect(err.code).toBe('iac-parse-error');
    expect(err.position?.line).toBe(8);
  });
});

describe('attachments', () => {
  it('one block attaching several policies (for_each, count) is refused with its line', () => {
    const text = 'resource "aws_iam_role_policy_attachment" "many" {\n  role       = "r"\n  for_each   = toset(var.arns)\n  policy_arn = each.value\n}\n';
    const err = readError(text, 'aws_iam_role_policy_attachment.many');
    expect(err.code).toBe('iac-unsupported');
    expect(err.position?.line).toBe(3);
  });
});

describe('syntax errors', () => {
  it('name the line and column', () => {
    const err = readError('resource "aws_iam_policy" "a" {\n  policy = "unterminated\n}\n', 'aws_iam_policy.a');
    expect(err.code).toBe('iac-parse-error');
    expect(err.message).toBe('iam.tf:2:12: not valid Terraform: unterminated string');
  });
});

describe('policies defined elsewhere', () => {
  const policy = (expr: string) => `resource "aws_iam_role_policy" "p" {\n  role   = "r"\n  policy = ${expr}\n}\n`;

  it('a data source reference: name the data source instead', () => {
    const err = readError(policy('data.aws_iam_policy_document.orders.json'), 'aws_iam_role_policy.p');
    expect(err.code).toBe('iac-unsupported');
    expect(err.position).toEqual({ line: 3, column: 12 });
    expect(err.hint).toContain('address data.aws_iam_policy_document.orders');
  });

  it.each(['file("${path.module}/policy.json")', 'templatefile("policy.json.tftpl", { a = 1 })'])('%s: name the JSON file instead', (expr) => {
    const err = readError(policy(expr), 'aws_iam_role_policy.p');
    expect(err.code).toBe('iac-unsupported');
    expect(err.hint).toContain('json site');
  });

  it.each(['local.policy', '"{\\"Statement\\": []}"'])('%s is refused with its line', (expr) => {
    const err = readError(policy(expr), 'aws_iam_role_policy.p');
    expect(err.code).toBe('iac-unsupported');
    expect(err.position?.line).toBe(3);
  });
});

describe('expressions the editor cannot rewrite item by item', () => {
  const dataSource = (body: string) => `data "aws_iam_policy_document" "d" {\n  statement {\n    actions = ["s3:GetObject"]\n${body}\n  }\n}\n`;

  it.each([
    ['resources = concat(var.a, ["x"])', 'resources is concat(var.a, ["x"]), not a list of values'],
    ['resources = var.bucket_arns', 'resources is var.bucket_arns, not a list of values'],
    ['resources = [for b in var.buckets : b.arn]', 'resources is [for b in var.buckets : b.arn], not a list of values'],
    ['resources = ["a"]\n    effect = var.effect', 'effect is'],
    ['resources = ["%{ if var.x }a%{ endif }"]', 'a template directive'],
  ])('data source: %s', (line, message) => {
    const err = readError(dataSource(`    ${line}`), 'data.aws_iam_policy_document.d');
    expect(err.code).toBe('iac-unsupported');
    expect(err.message).toContain(message);
    expect(err.position?.line).toBeGreaterThanOrEqual(4);
  });

  it('a dynamic statement block is refused with its line', () => {
    const text = 'data "aws_iam_policy_document" "d" {\n  dynamic "statement" {\n    for_each = var.s\n    content {}\n  }\n}\n';
    const err = readError(text, 'data.aws_iam_policy_document.d');
    expect(err.code).toBe('iac-unsupported');
    expect(err.position?.line).toBe(2);
  });

  it.each([
    ['Resource = concat(var.a, var.b)', 'a list the editor cannot read item by item'],
    ['Resource = [for b in var.buckets : b.arn]', 'a for expression'],
    ['Resource = { a = "b" }', 'expected a string'],
    ['Bogus = "x"', 'unknown key "Bogus"'],
  ])('jsonencode: %s', (entry, message) => {
    const text = `resource "aws_iam_policy" "p" {\n  policy = jsonencode({\n    Statement = [{\n      Effect = "Allow"\n      Action = "s3:*"\n      ${entry}\n    }]\n  })\n}\n`;
    const err = readError(text, 'aws_iam_policy.p');
    expect(err.code).toBe('iac-unsupported');
    expect(err.message).toContain(message);
  });

  it('an opaque value inside a list is one reference keyed by its text', () => {
    const g = terraformEditor.read(dataSource('    resources = [var.on ? "a" : "b", format("arn:%s", var.x)]'), site('data.aws_iam_policy_document.d'));
    expect(keyedStatements(g.statements, g.references)[0]!.resource).toEqual(['{{var.on ? "a" : "b"}}', '{{format("arn:%s", var.x)}}']);
  });

  it.each([
    ['{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": ${jsonencode(var.arns)}}]}', 'a ${...} outside a JSON string'],
    ['Statement: []', 'not a JSON policy document'],
  ])('heredoc: %s', (json, message) => {
    const text = `resource "aws_iam_policy" "p" {\n  policy = <<EOF\n${json}\nEOF\n}\n`;
    const err = readError(text, 'aws_iam_policy.p');
    expect(err.code).toBe('iac-unsupported');
    expect(err.message).toContain(message);
    expect(err.position?.line).toBe(3);
  });
});

describe('edits a site cannot hold', () => {
  const text = `data "aws_iam_policy_document" "d" {\n  statement {\n    actions   = ["s3:GetObject"]\n    resources = ["*"]\n  }\n}\n\nresource "aws_iam_role_policy_attachment" "a" {\n  role       = "r"\n  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"\n}\n`;
  const write = (address: string, edit: (e: SiteEdit) => SiteEdit) => caught(() => terraformEditor.write(text, site(address), edit(editOf(terraformEditor.read(text, site(address)), []))));

  it('statements into an attachment', () => {
    expect(write('aws_iam_role_policy_attachment.a', (e) => ({ ...e, statements: [{ effect: 'Allow', action: ['s3:*'], resource: ['*'] }] })).code).toBe('iac-unsupported');
  });

  it('attachments into a data source', () => {
    expect(write('data.aws_iam_policy_document.d', (e) => ({ ...e, attachments: [{ policy: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }] })).code).toBe('iac-unsupported');
  });

  it('SAM templates anywhere', () => {
    expect(write('data.aws_iam_policy_document.d', (e) => ({ ...e, templates: [{ template: 'S3ReadPolicy', parameters: {} }] })).code).toBe('iac-unsupported');
  });

  it('a literal &{ in a data source that writes policy variables as &{...}', () => {
    const err = write('data.aws_iam_policy_document.d', (e) => ({ ...e, statements: [{ effect: 'Allow', action: ['s3:GetObject'], resource: ['arn:aws:s3:::b/&{x}'] }] }));
    expect(err.code).toBe('iac-unsupported');
    expect(err.message).toContain('&{');
  });
});
