/** The render reader (parseRenderInput) and the multi-document renderer (renderDocuments). */

import { describe, expect, it } from 'vitest';
import { PolicyError } from '../../src/core/policy/errors.js';
import type { PolicyDocument } from '../../src/core/policy/types.js';
import {
  isRenderFormat,
  isTerraformStyle,
  parseRenderInput,
  PolicyTextError,
  RENDER_FORMATS,
  renderDocuments,
  renderPolicy,
  TERRAFORM_STYLES,
} from '../../src/core/render/index.js';

const A: PolicyDocument = { name: 'a', version: '2012-10-17', statements: [{ effect: 'Allow', action: ['s3:GetObject'], resource: ['arn:aws:s3:::b/*'] }] };
const B: PolicyDocument = { name: 'b', version: '2012-10-17', id: 'queue', statements: [{ sid: 'Q', effect: 'Deny', notAction: ['sqs:*'], resource: ['*'] }] };
const EMPTY: PolicyDocument = { name: 'e', version: '2012-10-17', statements: [] };

/** The parts of a document the renderers read (the name and kind are the reader's). */
const content = (d: PolicyDocument) => ({ version: d.version, id: d.id, statements: d.statements });

describe('renderDocuments', () => {
  it('one document is exactly renderPolicy', () => {
    for (const format of RENDER_FORMATS) expect(renderDocuments([B], format)).toBe(renderPolicy(B, format));
  });

  it('several documents as JSON are one array of the documents', () => {
    const out = renderDocuments([A, B], 'json');
    expect(JSON.parse(out)).toEqual([JSON.parse(renderPolicy(A, 'json')), JSON.parse(renderPolicy(B, 'json'))]);
    expect(out.endsWith(']\n')).toBe(true);
  });

  it('several documents as YAML open each with ---; as Terraform are blocks a blank line apart', () => {
    expect(renderDocuments([A, B], 'yaml')).toBe(`---\n${renderPolicy(A, 'yaml')}---\n${renderPolicy(B, 'yaml')}`);
    expect(renderDocuments([A, B], 'terraform')).toBe(`${renderPolicy(A, 'terraform')}\n${renderPolicy(B, 'terraform')}`);
  });

  it('a name is the one block name, or numbered for several documents; the style reaches Terraform', () => {
    expect(renderDocuments([A], 'terraform', { name: 'orders' })).toMatch(/^data "aws_iam_policy_document" "orders" \{/m);
    const two = renderDocuments([A, B], 'terraform', { name: 'orders', style: 'jsonencode' });
    expect([...two.matchAll(/^ {2}(\w+) = jsonencode/gm)].map((m) => m[1])).toEqual(['orders_1', 'orders_2']);
  });

  it('no documents: an empty JSON array, nothing in the other formats', () => {
    expect(renderDocuments([], 'json')).toBe('[]\n');
    expect(renderDocuments([], 'yaml')).toBe('');
    expect(renderDocuments([], 'terraform')).toBe('');
  });
});

describe('parseRenderInput', () => {
  it.each(['json', 'yaml'] as const)('reads back what renderDocuments writes as %s, one document or several', (format) => {
    for (const docs of [[A], [A, B], [A, EMPTY, B]]) {
      const read = parseRenderInput(renderDocuments(docs, format), `out.${format}`, { format });
      expect(read.map(content)).toEqual(docs.map(content));
    }
  });

  it('names the documents of a file holding several NAME#1, NAME#2; a single one keeps the file name', () => {
    expect(parseRenderInput(renderDocuments([A, B], 'json'), 'p.json').map((d) => d.name)).toEqual(['p.json#1', 'p.json#2']);
    expect(parseRenderInput(renderDocuments([A, B], 'yaml'), 'p.yaml').map((d) => d.name)).toEqual(['p.yaml#1', 'p.yaml#2']);
    expect(parseRenderInput(`[${renderPolicy(A, 'json')}]`, 'p.json').map((d) => d.name)).toEqual(['p.json']);
    expect(parseRenderInput(`---\n${renderPolicy(A, 'yaml')}`, 'p.yaml').map((d) => d.name)).toEqual(['p.yaml']);
    const marked = `--- # first\n${renderPolicy(A, 'yaml')}---\n${renderPolicy(B, 'yaml')}`;
    expect(parseRenderInput(marked, 'p.yaml').map(content)).toEqual([A, B].map(content));
  });

  it('reads a document without statements, keeping Version and Id', () => {
    expect(parseRenderInput('{"Version": "2012-10-17", "Id": "x", "Statement": []}', 'e.json')).toEqual([{ name: 'e.json', version: '2012-10-17', id: 'x', statements: [] }]);
    expect(parseRenderInput('Statement: []\n', 'e.yaml', { format: 'yaml', kind: 'file' })).toEqual([{ name: 'e.yaml', kind: 'file', statements: [] }]);
  });

  it('still refuses what is wrong besides the empty Statement list, with the parser\'s error', () => {
    const code = (text: string) => {
      try {
        parseRenderInput(text, 'x.json');
        return 'accepted';
      } catch (e) {
        return e instanceof PolicyError ? e.code : String(e);
      }
    };
    expect(code('{"Version": "2012-10-18", "Statement": []}')).toBe('bad-version');
    expect(code('{"Version": "2012-10-17", "Statment": [], "Statement": []}')).toBe('unknown-key');
    expect(code('{"Version": "2012-10-17", "Id": 3, "Statement": []}')).toBe('bad-value');
    expect(code('{"Version": "2012-10-17"}')).toBe('missing-statement');
    expect(code('[{"Version": "2012-10-17", "Statement": [{"Effect": "Maybe"}]}]')).not.toBe('accepted');
    expect(() => parseRenderInput('[]', 'x.json')).toThrow(PolicyTextError);
  });

  it('reads AWS CLI get-role-policy output as before', () => {
    const text = JSON.stringify({ RoleName: 'r', PolicyName: 'Pol', PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] } });
    expect(parseRenderInput(text, 'r.json').map((d) => [d.name, d.kind])).toEqual([['r.json#Pol', 'inline']]);
  });
});

it('the format and style choices come from the core, with guards for values such as parsed arguments', () => {
  expect(RENDER_FORMATS).toEqual(['json', 'yaml', 'terraform']);
  expect(TERRAFORM_STYLES).toEqual(['data-source', 'jsonencode']);
  expect([isRenderFormat('yaml'), isRenderFormat('hcl'), isRenderFormat(undefined)]).toEqual([true, false, false]);
  expect([isTerraformStyle('jsonencode'), isTerraformStyle('json')]).toEqual([true, false]);
});
