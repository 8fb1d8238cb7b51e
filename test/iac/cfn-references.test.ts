/**
 * CloudFormation references through a read and a write, in each spelling: short-form tags, long-form YAML maps
 * and JSON. A read turns each into a token with one key per meaning; a write puts back the node as written when
 * the value is exactly one reference, and a `Sub` in the template's own style when references sit inside text.
 */

import { describe, expect, it } from 'vitest';
import { cloudFormationEditor } from '../../src/core/iac/cfn-editor.js';
import type { GrantSite } from '../../src/core/iac/types.js';
import { allow, editOf, keyedGrants } from './support.js';

const site: GrantSite = { format: 'cloudformation', file: 't.yaml', resource: 'P' };

/** A YAML template with one AWS::IAM::Policy whose single statement has these resource lines. */
function yamlPolicy(resourceLines: string[]): string {
  return [
    'Resources:',
    '  P:',
    '    Type: AWS::IAM::Policy',
    '    Properties:',
    '      PolicyName: p',
    '      PolicyDocument:',
    '        Statement:',
    '          - Effect: Allow',
    '            Action: s3:GetObject',
    '            Resource:',
    ...resourceLines.map((l) => `              - ${l}`),
    '',
  ].join('\n');
}

function jsonPolicy(resources: string[]): string {
  return `{\n  "Resources": {\n    "P": {\n      "Type": "AWS::IAM::Policy",\n      "Properties": {\n        "PolicyName": "p",\n        "PolicyDocument": {\n          "Statement": [\n            {\n              "Effect": "Allow",\n              "Action": "s3:GetObject",\n              "Resource": [\n                ${resources.join(',\n                ')}\n              ]\n            }\n          ]\n        }\n      }\n    }\n  }\n}\n`;
}

function readResources(text: string): { resources: string[]; references: Array<[string, string]> } {
  const g = cloudFormationEditor.read(text, site);
  return { resources: keyedGrants(g).statements[0].resource!, references: g.references.map((r) => [r.key, r.written]) };
}

/** The resource lines of the statement after writing `resources` (tokens as `{{key}}`). */
function writeResources(text: string, resources: string[]): string {
  const g = cloudFormationEditor.read(text, site);
  const written = cloudFormationEditor.write(text, site, editOf(g, [allow(['s3:GetObject'], resources)]));
  expect(keyedGrants(cloudFormationEditor.read(written, site)).statements[0].resource).toEqual(resources);
  return written.slice(written.lastIndexOf('Resource'));
}

describe('reading references', () => {
  it('short-form tags: Ref, GetAtt (both spellings, dotted attributes), Sub, Join, pseudo parameters', () => {
    const text = yamlPolicy([
      '!Ref Bucket',
      '!GetAtt Orders.Arn',
      '!GetAtt [Orders, Arn]',
      '!GetAtt Db.Endpoint.Address',
      "!Sub 'arn:aws:s3:::${Bucket}/${Orders.Arn}/${AWS::AccountId}/${!Literal}'",
      "!Sub ['arn:aws:s3:::${B}/${Fixed}/*', {B: !Ref Bucket, Fixed: reports}]",
      "!Join ['', ['arn:aws:sqs:', !Ref 'AWS::Region', ':', !Ref AWS::AccountId, ':jobs']]",
      "!Join [':', [arn, aws, s3, '', '', !Ref Bucket]]",
    ]);
    const { resources, references } = readResources(text);
    expect(resources).toEqual([
      '{{Ref:Bucket}}',
      '{{GetAtt:Orders.Arn}}',
      '{{GetAtt:Orders.Arn}}',
      '{{GetAtt:Db.Endpoint.Address}}',
      'arn:aws:s3:::{{Ref:Bucket}}/{{GetAtt:Orders.Arn}}/{{Ref:AWS::AccountId}}/${Literal}',
      'arn:aws:s3:::{{Ref:Bucket}}/reports/*',
      'arn:aws:sqs:{{Ref:AWS::Region}}:{{Ref:AWS::AccountId}}:jobs',
      'arn:aws:s3:::{{Ref:Bucket}}',
    ]);
    // One entry per meaning, written as first seen.
    expect(references).toEqual([
      ['Ref:Bucket', '!Ref Bucket'],
      ['GetAtt:Orders.Arn', '!GetAtt Orders.Arn'],
      ['GetAtt:Db.Endpoint.Address', '!GetAtt Db.Endpoint.Address'],
      ['Ref:AWS::AccountId', '${AWS::AccountId}'],
      ['Ref:AWS::Region', "!Ref 'AWS::Region'"],
    ]);
  });

  it('anything else is one opaque reference, kept as written', () => {
    const opaque = ['!Select [0, !GetAZs ""]', '!ImportValue shared-arn', '!FindInMap [Buckets, !Ref Env, Arn]', "!If [IsProd, !Ref A, !Ref 'AWS::NoValue']", '!Base64 x', '!Cidr [10.0.0.0/16, 2, 8]', '!Split [",", !Ref List]'];
    const { resources, references } = readResources(yamlPolicy(opaque));
    expect(resources).toEqual(opaque.map((o) => `{{${o}}}`));
    expect(references).toEqual(opaque.map((o) => [o, o]));
  });

  it('long-form YAML maps and JSON read the same keys', () => {
    const long = yamlPolicy(['Ref: Bucket', 'Fn::GetAtt: [Orders, Arn]', "Fn::Sub: 'arn:aws:s3:::${Bucket}/*'", "Fn::Join: ['', ['arn:aws:s3:::', {Ref: Bucket}]]"]);
    const json = jsonPolicy(['{"Ref": "Bucket"}', '{"Fn::GetAtt": ["Orders", "Arn"]}', '{"Fn::Sub": "arn:aws:s3:::${Bucket}/*"}', '{"Fn::Join": ["", ["arn:aws:s3:::", {"Ref": "Bucket"}]]}']);
    const expected = ['{{Ref:Bucket}}', '{{GetAtt:Orders.Arn}}', 'arn:aws:s3:::{{Ref:Bucket}}/*', 'arn:aws:s3:::{{Ref:Bucket}}'];
    expect(readResources(long).resources).toEqual(expected);
    expect(readResources(json).resources).toEqual(expected);
  });

  it('an IAM policy variable in a plain string is text, not a reference', () => {
    expect(readResources(yamlPolicy(["'arn:aws:s3:::home/${aws:username}/*'"]))).toEqual({ resources: ['arn:aws:s3:::home/${aws:username}/*'], references: [] });
  });
});

describe('writing references', () => {
  const short = yamlPolicy(['!GetAtt [Jobs, Arn]', "!Sub 'arn:aws:s3:::${Bucket}/*'", '!ImportValue shared-arn']);

  it('a value that is exactly one reference is the node as written (its spelling kept)', () => {
    expect(writeResources(short, ['{{GetAtt:Jobs.Arn}}', '{{ImportValue}}'.replace('ImportValue', '!ImportValue shared-arn')])).toBe('Resource:\n              - !GetAtt [Jobs, Arn]\n              - !ImportValue shared-arn\n');
  });

  it('a new reference is built from its key in the template style', () => {
    expect(writeResources(short, ['{{GetAtt:Queue.Arn}}', '{{Ref:Topic}}'])).toBe('Resource:\n              - !GetAtt Queue.Arn\n              - !Ref Topic\n');
    const long = yamlPolicy(['Fn::GetAtt: [Jobs, Arn]']);
    expect(writeResources(long, ['{{GetAtt:Queue.Arn}}', '{{Ref:Topic}}'])).toBe('Resource:\n              - Fn::GetAtt: [Queue, Arn]\n              - Ref: Topic\n');
    const json = jsonPolicy(['{"Fn::GetAtt": ["Jobs", "Arn"]}']);
    expect(writeResources(json, ['{{GetAtt:Queue.Arn}}', '{{Ref:Topic}}'])).toContain('Resource": [\n                {"Fn::GetAtt": ["Queue", "Arn"]},\n                {"Ref": "Topic"}\n              ]');
  });

  it('references inside text become a Sub, short or long form as the template writes', () => {
    expect(writeResources(short, ['arn:aws:s3:::{{Ref:Bucket}}/2026/*'])).toBe("Resource:\n              - !Sub 'arn:aws:s3:::${Bucket}/2026/*'\n");
    const long = yamlPolicy(["Fn::Sub: 'arn:aws:s3:::${Bucket}/*'"]);
    expect(writeResources(long, ['arn:aws:s3:::{{Ref:Bucket}}/{{GetAtt:Orders.Arn}}'])).toBe("Resource:\n              - Fn::Sub: 'arn:aws:s3:::${Bucket}/${Orders.Arn}'\n");
    const json = jsonPolicy(['{"Fn::Sub": "arn:aws:s3:::${Bucket}/*"}']);
    expect(writeResources(json, ['arn:aws:s3:::{{Ref:Bucket}}/2026/*'])).toContain('Resource": [\n                {"Fn::Sub": "arn:aws:s3:::${Bucket}/2026/*"}\n              ]');
  });

  it('escapes a literal ${ in a Sub, and passes an opaque reference through its variable map', () => {
    expect(writeResources(short, ['arn:aws:s3:::{{Ref:Bucket}}/home/${aws:username}/*'])).toBe("Resource:\n              - !Sub 'arn:aws:s3:::${Bucket}/home/${!aws:username}/*'\n");
    expect(writeResources(short, ['arn:aws:kms:{{Ref:AWS::Region}}:*:key/{{!ImportValue shared-arn}}'])).toBe(
      "Resource:\n              - !Sub ['arn:aws:kms:${AWS::Region}:*:key/${Var0}', {Var0: !ImportValue shared-arn}]\n",
    );
  });
});
