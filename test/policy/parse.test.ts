import { describe, expect, it } from 'vitest';
import { PolicyError, type PolicyErrorCode } from '../../src/core/policy/errors.js';
import { parsePolicyDocument, parsePolicyFileContent, parsePolicySet } from '../../src/core/policy/parse.js';

const doc = (statement: unknown, extra: Record<string, unknown> = {}) => ({ Version: '2012-10-17', Statement: statement, ...extra });

describe('parsePolicyDocument: shapes', () => {
  it('reads a Statement array with Action/Resource lists and keeps order', () => {
    const d = parsePolicyDocument(
      doc([
        { Sid: 'A', Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: ['arn:aws:s3:::b/*', 'arn:aws:s3:::a/*'] },
        { Effect: 'Deny', Action: 's3:DeleteObject', Resource: '*' },
      ]),
      'p.json',
    );
    expect(d.name).toBe('p.json');
    expect(d.version).toBe('2012-10-17');
    expect(d.singleStatementObject).toBeUndefined();
    expect(d.statements).toEqual([
      { sid: 'A', effect: 'Allow', action: ['s3:PutObject', 's3:GetObject'], resource: ['arn:aws:s3:::b/*', 'arn:aws:s3:::a/*'] },
      { effect: 'Deny', action: ['s3:DeleteObject'], resource: ['*'] },
    ]);
  });

  it('reads a single Statement object and says so', () => {
    const d = parsePolicyDocument(doc({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }), 'single');
    expect(d.singleStatementObject).toBe(true);
    expect(d.statements).toHaveLength(1);
    expect(d.statements[0].action).toEqual(['sqs:SendMessage']);
  });

  it('reads NotAction, NotResource, Principal and NotPrincipal', () => {
    const d = parsePolicyDocument(
      doc([
        { Effect: 'Allow', NotAction: 'iam:*', NotResource: ['arn:aws:s3:::secret/*'] },
        { Effect: 'Allow', Action: 's3:GetObject', Principal: { AWS: 'arn:aws:iam::1:root', Service: ['lambda.amazonaws.com'] }, Resource: '*' },
        { Effect: 'Deny', Action: 's3:*', NotPrincipal: '*' },
      ]),
      'p',
    );
    expect(d.statements[0]).toEqual({ effect: 'Allow', notAction: ['iam:*'], notResource: ['arn:aws:s3:::secret/*'] });
    expect(d.statements[1].principal).toEqual({ AWS: ['arn:aws:iam::1:root'], Service: ['lambda.amazonaws.com'] });
    // A resource policy may omit Resource when it names a principal.
    expect(d.statements[2].notPrincipal).toBe('*');
    expect(d.statements[2].resource).toBeUndefined();
  });

  it('turns condition values into strings as IAM compares them', () => {
    const d = parsePolicyDocument(
      doc({
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: '*',
        Condition: { Bool: { 'aws:SecureTransport': true }, NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 }, StringEquals: { 'aws:RequestTag/team': ['a', 'b'] } },
      }),
      'p',
    );
    expect(d.statements[0].condition).toEqual({
      Bool: { 'aws:SecureTransport': ['true'] },
      NumericLessThan: { 'aws:MultiFactorAuthAge': ['3600'] },
      StringEquals: { 'aws:RequestTag/team': ['a', 'b'] },
    });
  });

  it('keeps policy variables verbatim', () => {
    const d = parsePolicyDocument(doc({ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::home/${aws:username}/*' }), 'p');
    expect(d.statements[0].resource).toEqual(['arn:aws:s3:::home/${aws:username}/*']);
  });

  it('accepts JSON text, YAML text, Id and the 2008 version', () => {
    const json = parsePolicyDocument('{"Version":"2008-10-17","Id":"x","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}', 'j');
    expect(json.version).toBe('2008-10-17');
    expect(json.id).toBe('x');
    const yaml = parsePolicyDocument('Version: 2012-10-17\nStatement:\n  - Effect: Deny\n    Action: [s3:DeleteBucket]\n    Resource: "*"\n', 'y');
    // YAML 1.2 (what the yaml package reads) keeps an unquoted 2012-10-17 a string.
    expect(yaml.version).toBe('2012-10-17');
    expect(yaml.statements[0]).toEqual({ effect: 'Deny', action: ['s3:DeleteBucket'], resource: ['*'] });
  });

  it('records the kind when given', () => {
    expect(parsePolicyDocument(doc({ Effect: 'Allow', Action: '*', Resource: '*' }), 'm', { kind: 'aws-managed' }).kind).toBe('aws-managed');
  });
});

describe('parsePolicyDocument: errors name the document and statement and say what to do', () => {
  const ok = { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };
  const cases: Array<[string, unknown, PolicyErrorCode, RegExp]> = [
    ['not an object', ['x'], 'not-an-object', /^policy p\.json: the document must be an object .*got an array/],
    ['unknown top-level key', { ...doc([ok]), Statements: [] }, 'unknown-key', /^policy p\.json: unknown top-level key "Statements"; a policy document has only Version, Id and Statement/],
    ['lower-case key hints', { version: '2012-10-17', Statement: [ok] }, 'unknown-key', /did you mean "Version"\? keys are case-sensitive/],
    ['bad version', { Version: '2012-10-18', Statement: [ok] }, 'bad-version', /^policy p\.json: Version "2012-10-18" is not one IAM accepts; use "2012-10-17"/],
    ['version as a date', { Version: new Date('2012-10-17'), Statement: [ok] }, 'bad-version', /quote it in YAML/],
    ['no statement', { Version: '2012-10-17' }, 'missing-statement', /no "Statement"; add a Statement/],
    ['empty statement', doc([]), 'missing-statement', /empty array/],
    ['statement not an object', doc([ok, 'x']), 'not-an-object', /^policy p\.json, Statement\[1\]: a statement must be an object, got a string/],
    ['missing effect', doc([ok, { Sid: 'Two', Action: 's3:x', Resource: '*' }]), 'missing-effect', /^policy p\.json, Statement\[1\] \(Sid "Two"\): no "Effect"; add "Effect": "Allow" or "Effect": "Deny"/],
    ['bad effect', doc([{ ...ok, Effect: 'allow' }]), 'bad-effect', /Statement\[0\]: Effect "allow" is neither "Allow" nor "Deny"/],
    ['both Action and NotAction', doc([{ ...ok, NotAction: 's3:x' }]), 'action-and-notaction', /has both "Action" and "NotAction"; keep one/],
    ['neither Action nor NotAction', doc([{ Effect: 'Allow', Resource: '*' }]), 'missing-action', /has neither "Action" nor "NotAction"/],
    ['both Resource and NotResource', doc([{ ...ok, NotResource: '*' }]), 'resource-and-notresource', /both "Resource" and "NotResource"/],
    ['no Resource', doc([{ Effect: 'Allow', Action: 's3:x' }]), 'missing-resource', /neither "Resource" nor "NotResource"; identity policies need one/],
    ['both Principal and NotPrincipal', doc([{ ...ok, Principal: '*', NotPrincipal: '*' }]), 'principal-and-notprincipal', /keep one/],
    ['unknown statement key', doc([{ ...ok, Actions: 's3:x' }]), 'unknown-key', /Statement\[0\]: unknown key "Actions"; a statement has only Sid, Effect/],
    ['non-string action', doc([{ ...ok, Action: ['s3:GetObject', 42] }]), 'bad-value', /Statement\[0\]: Action\[1\] must be a string, got a number 42; quote it/],
    ['object action', doc([{ ...ok, Action: { a: 1 } }]), 'bad-value', /Action must be a string, got an object/],
    ['empty action list', doc([{ ...ok, Action: [] }]), 'empty-list', /"Action" is an empty list/],
    ['action without prefix', doc([{ ...ok, Action: 'GetObject' }]), 'bad-action', /Action "GetObject" is not an IAM action; add the service prefix, e.g. "s3:GetObject"/],
    ['resource not an ARN', doc([{ ...ok, Resource: 'my-bucket' }]), 'bad-resource', /Resource "my-bucket" is neither "\*" nor an ARN; write the full ARN/],
    ['non-string Sid', doc([{ ...ok, Sid: 3 }]), 'bad-value', /Sid must be a string/],
    ['condition not an object', doc([{ ...ok, Condition: 'x' }]), 'bad-condition', /Condition must be an object of operator/],
    ['condition operator not a map', doc([{ ...ok, Condition: { StringEquals: 'x' } }]), 'bad-condition', /operator "StringEquals" must map condition keys to values/],
    ['condition value an object', doc([{ ...ok, Condition: { StringEquals: { 'aws:x': { y: 1 } } } }]), 'bad-condition', /holds an object; values must be strings, numbers or booleans/],
    ['condition without values', doc([{ ...ok, Condition: { StringEquals: { 'aws:x': [] } } }]), 'bad-condition', /has no values/],
    ['bad principal', doc([{ ...ok, Principal: 'someone' }]), 'bad-principal', /Principal must be "\*" or an object/],
  ];
  for (const [title, value, code, message] of cases) {
    it(title, () => {
      let err: unknown;
      try {
        parsePolicyDocument(value, 'p.json');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(PolicyError);
      expect((err as PolicyError).code).toBe(code);
      expect((err as PolicyError).message).toMatch(message);
      expect((err as PolicyError).location.document).toBe('p.json');
    });
  }

  it('reports the statement index and Sid in the location', () => {
    try {
      parsePolicyDocument(doc([ok, ok, { Sid: 'Third', Effect: 'Allow', Action: 'x', Resource: '*' }]), 'loc');
      expect.unreachable();
    } catch (e) {
      expect((e as PolicyError).location).toEqual({ document: 'loc', statementIndex: 2, sid: 'Third' });
    }
  });

  it('reports syntax errors of JSON and YAML texts', () => {
    expect(() => parsePolicyDocument('{"Version": ', 'broken.json')).toThrow(/^policy broken\.json: not valid JSON/);
    expect(() => parsePolicyDocument('Statement: [a, b\n  c: d', 'broken.yaml')).toThrow(/^policy broken\.yaml: not valid YAML/);
    expect(() => parsePolicyDocument('   ', 'empty.json')).toThrow(/the document is empty/);
    expect(() => parsePolicyDocument('Version: [', 'x', { format: 'yaml' })).toThrow(PolicyError);
  });
});

describe('parsePolicyFileContent: CLI output shapes', () => {
  const inner = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: '*' }] };

  it('reads get-role-policy output with the document as an object', () => {
    const d = parsePolicyFileContent(JSON.stringify({ RoleName: 'r', PolicyName: 'inline1', PolicyDocument: inner }), 'f.json');
    expect(d.name).toBe('f.json#inline1');
    expect(d.kind).toBe('inline');
    expect(d.statements[0].action).toEqual(['sqs:SendMessage']);
  });

  it('reads get-role-policy output with a URL-encoded document (raw API form)', () => {
    const d = parsePolicyFileContent(JSON.stringify({ PolicyName: 'enc', PolicyDocument: encodeURIComponent(JSON.stringify(inner)) }), 'f.json');
    expect(d.statements[0].resource).toEqual(['*']);
  });

  it('reads get-policy-version output', () => {
    const d = parsePolicyFileContent(JSON.stringify({ PolicyVersion: { Document: inner, VersionId: 'v2', IsDefaultVersion: true } }), 'g.json');
    expect(d.name).toBe('g.json');
    expect(d.statements).toHaveLength(1);
  });

  it('errors inside an embedded document name the file and the policy', () => {
    const bad = { PolicyName: 'p1', PolicyDocument: { Version: '2012-10-17', Statement: [{ Action: 's3:x', Resource: '*' }] } };
    expect(() => parsePolicyFileContent(JSON.stringify(bad), 'f.json')).toThrow(/^policy f\.json#p1, Statement\[0\]: no "Effect"/);
  });
});

describe('parsePolicySet', () => {
  it('parses every good document and collects the errors of the bad ones', () => {
    const r = parsePolicySet([
      { name: 'inline:a', content: doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }), kind: 'inline' },
      { name: 'inline:bad', content: '{', kind: 'inline' },
      { name: 'arn:aws:iam::aws:policy/X', content: JSON.stringify(doc({ Effect: 'Deny', Action: '*', Resource: '*' })), kind: 'aws-managed' },
    ]);
    expect(r.documents.map((d) => [d.name, d.kind])).toEqual([
      ['inline:a', 'inline'],
      ['arn:aws:iam::aws:policy/X', 'aws-managed'],
    ]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].code).toBe('invalid-syntax');
    expect(r.errors[0].message).toMatch(/^policy inline:bad:/);
  });
});
