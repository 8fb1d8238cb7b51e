/**
 * The JSON policy editor: whole-file documents and JSON pointers, on files with different layouts (inline and
 * one-per-line arrays, a single Statement object, tabs and CRLF), plus its errors.
 */

import { describe, expect, it } from 'vitest';
import { jsonEditor, pointerSegments } from '../../src/core/iac/json-editor.js';
import { IacError } from '../../src/core/iac/errors.js';
import type { GrantSite } from '../../src/core/iac/types.js';
import { describeCases } from './cases.js';
import { allow, editOf, fixture } from './support.js';

const whole: GrantSite = { format: 'json', file: 'policies/orders.json' };
const pointer: GrantSite = { format: 'json', file: 'roles/worker.json', pointer: '/Policies/1/PolicyDocument' };
const tabs: GrantSite = { format: 'json', file: 'reports.json' };

const username = { StringLike: { 's3:prefix': ['home/${aws:username}/*'] } };

describeCases([
  {
    name: 'a whole-file document: actions removed, a resource narrowed, a statement dropped',
    editor: jsonEditor,
    before: 'json/whole/before.json',
    after: 'json/whole/after.json',
    site: whole,
    read: {
      statements: [
        allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Scan'], ['arn:aws:dynamodb:us-east-1:123456789012:table/orders'], { sid: 'OrdersTable' }),
        allow(['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], ['arn:aws:s3:::orders-receipts/*'], { sid: 'Receipts', condition: username }),
        allow(['sqs:*'], ['*'], { sid: 'Everything' }),
        { sid: 'NoIam', effect: 'Deny', notAction: ['iam:GetRole'], resource: ['*'] },
      ],
    },
    edit: {
      statements: [
        allow(['dynamodb:GetItem', 'dynamodb:PutItem'], ['arn:aws:dynamodb:us-east-1:123456789012:table/orders'], { sid: 'OrdersTable' }),
        allow(['s3:GetObject', 's3:PutObject'], ['arn:aws:s3:::orders-receipts/receipts/*'], { sid: 'Receipts', condition: username }),
        { sid: 'NoIam', effect: 'Deny', notAction: ['iam:GetRole'], resource: ['*'] },
      ],
    },
  },
  {
    name: 'a pointer to a single Statement object: it stays one object',
    editor: jsonEditor,
    before: 'json/pointer/before.json',
    after: 'json/pointer/after.json',
    site: pointer,
    read: {
      statements: [allow(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:SendMessage', 'sqs:PurgeQueue'], ['arn:aws:sqs:us-east-1:123456789012:*'])],
    },
    edit: { statements: [allow(['sqs:ReceiveMessage', 'sqs:DeleteMessage'], ['arn:aws:sqs:us-east-1:123456789012:orders-jobs'])] },
  },
  {
    name: 'tabs and CRLF: a single Statement object becomes a list of two',
    editor: jsonEditor,
    before: 'json/tabs/before.json',
    after: 'json/tabs/after.json',
    site: tabs,
    read: { statements: [allow(['s3:*'], ['arn:aws:s3:::reports', 'arn:aws:s3:::reports/*'])] },
    edit: {
      statements: [allow(['s3:ListBucket'], ['arn:aws:s3:::reports']), allow(['s3:GetObject'], ['arn:aws:s3:::reports/2026/*'])],
    },
  },
]);

describe('JSON pointers', () => {
  it('unescapes ~1 and ~0 (RFC 6901)', () => {
    expect(pointerSegments('/a~1b/c~0d/0')).toEqual(['a/b', 'c~d', '0']);
    expect(pointerSegments('')).toEqual([]);
  });
});

describe('JSON editor errors', () => {
  const text = fixture('json/pointer/before.json');

  it('names what is there when the pointer finds nothing', () => {
    const site: GrantSite = { format: 'json', file: 'roles/worker.json', pointer: '/Policies/2/PolicyDocument' };
    expect(() => jsonEditor.read(text, site)).toThrow(/roles\/worker\.json:\d+:\d+: no value at pointer \/Policies\/2\/PolicyDocument \(no "2"\); \/Policies is a list of 2/);
    const keys: GrantSite = { format: 'json', file: 'roles/worker.json', pointer: '/Policy' };
    expect(() => jsonEditor.read(text, keys)).toThrow(/keys at \/: RoleName, Description, Policies, Tags/);
  });

  it('says when the value is not a policy document', () => {
    const site: GrantSite = { format: 'json', file: 'roles/worker.json', pointer: '/Policies/0' };
    expect(() => jsonEditor.read(text, site)).toThrow(/the value at \/Policies\/0 is not a policy document with a Statement \(keys: PolicyName, PolicyDocument\)/);
  });

  it('reports malformed JSON with its line', () => {
    const broken = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow",, "Action": "s3:*"}\n  ]\n}\n';
    const error = catchError(() => jsonEditor.read(broken, whole));
    expect(error.code).toBe('iac-parse-error');
    expect(error.position?.line).toBe(4);
    expect(error.message).toMatch(/policies\/orders\.json:4:\d+: not valid JSON: property name expected/);
  });

  it('refuses a statement IAM would not accept, naming its line', () => {
    const bad = '{\n  "Statement": [\n    {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},\n    {"Effect": "Permit", "Action": "s3:*", "Resource": "*"}\n  ]\n}\n';
    const error = catchError(() => jsonEditor.read(bad, whole));
    expect(error.code).toBe('iac-unsupported');
    expect(error.position?.line).toBe(4);
    expect(error.message).toMatch(/statement 2: Effect "Permit" is neither "Allow" nor "Deny"/);
  });

  it('refuses an edit holding a reference or an attachment', () => {
    const g = jsonEditor.read(fixture('json/whole/before.json'), whole);
    expect(() => jsonEditor.write(fixture('json/whole/before.json'), whole, editOf(g, [allow(['s3:GetObject'], ['{{GetAtt:Bucket.Arn}}'])]))).toThrow(/reference, which a JSON policy document cannot express/);
    expect(() => jsonEditor.write(fixture('json/whole/before.json'), whole, editOf(g, [], ['arn:aws:iam::aws:policy/ReadOnlyAccess']))).toThrow(/cannot hold managed-policy attachments/);
  });

  it('reads {"Ref": …} in a policy file as a map, not a reference', () => {
    const doc = '{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": {"Ref": "Bucket"}}}';
    expect(() => jsonEditor.read(doc, whole)).toThrow(/Resource must be a string, got an object/);
  });
});

function catchError(f: () => unknown): IacError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(IacError);
    return e as IacError;
  }
  throw new Error('expected an IacError');
}
