/** Unit tests for the renderers' individual rules (the golden files cover whole documents). */

import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { PolicyDocument } from '../../src/core/policy/types.js';
import { hclEscape } from '../../src/core/render/hcl.js';
import {
  parseJsonencode,
  parseJsonencodePolicy,
  policyDocumentFromIam,
  PolicyTextError,
  RenderError,
  renderJson,
  renderPolicy,
  renderTerraform,
  renderYaml,
  terraformName,
  yamlNeedsQuotes,
} from '../../src/core/render/index.js';
import { fmtViolations } from '../support/render.js';

const FULL: PolicyDocument = {
  name: 'inline:orders',
  version: '2012-10-17',
  id: 'doc-id',
  statements: [
    {
      condition: { StringEquals: { 'aws:x': ['1'] } },
      notResource: ['arn:aws:s3:::b'],
      notAction: ['s3:Delete*'],
      notPrincipal: { AWS: ['arn:aws:iam::1:root'] },
      effect: 'Deny',
      sid: 'S',
    },
    { resource: ['*'], action: ['s3:GetObject'], principal: '*', effect: 'Allow' },
  ],
};

describe('renderJson', () => {
  it('orders keys Version, Id, Statement and Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition', () => {
    const out = renderJson(FULL);
    const keysInOrder = [...out.matchAll(/^\s*"(\w+)":/gm)].map((m) => m[1]);
    expect(keysInOrder).toEqual(['Version', 'Id', 'Statement', 'Sid', 'Effect', 'NotPrincipal', 'AWS', 'NotAction', 'NotResource', 'Condition', 'StringEquals', 'Effect', 'Principal', 'Action', 'Resource']);
  });

  it('writes single values as one-element lists, "*" principal as a string, 2-space indent and a trailing newline', () => {
    const out = renderJson(FULL);
    expect(out.endsWith('}\n')).toBe(true);
    expect(out).toContain('\n  "Statement": [\n    {\n      "Sid": "S",');
    const parsed = JSON.parse(out);
    expect(parsed.Statement[1].Action).toEqual(['s3:GetObject']);
    expect(parsed.Statement[1].Principal).toBe('*');
  });

  it('keeps integer-like condition keys in sorted position (plain JS objects would move them first)', () => {
    const doc: PolicyDocument = { name: 'x', statements: [{ effect: 'Allow', action: ['a'], condition: { Op: { b: ['1'], '10': ['2'], a: ['3'] } } }] };
    const keys = [...renderJson(doc).matchAll(/^\s*"([^"]+)": \[/gm)].map((m) => m[1]);
    expect(keys).toEqual(['Statement', 'Action', '10', 'a', 'b']);
  });

  it('sorts and de-duplicates lists but keeps statement order', () => {
    const doc: PolicyDocument = {
      name: 'x',
      statements: [
        { effect: 'Deny', action: ['z:B', 'z:A', 'z:B'] },
        { effect: 'Allow', action: ['a:A'] },
      ],
    };
    const parsed = JSON.parse(renderJson(doc));
    expect(parsed.Statement.map((s: { Effect: string }) => s.Effect)).toEqual(['Deny', 'Allow']);
    expect(parsed.Statement[0].Action).toEqual(['z:A', 'z:B']);
  });
});

describe('renderYaml', () => {
  it('quotes Version so a YAML 1.1 reader keeps it a string, not a date', () => {
    const out = renderYaml(FULL);
    expect(out).toMatch(/^Version: "2012-10-17"$/m);
    expect(parseYaml(out, { version: '1.1' }).Version).toBe('2012-10-17');
  });

  it.each(['yes', 'No', 'on', 'OFF', 'y', 'n', '0755', '1:20', '1_000', '0o17', '0x1F', '1e3', '.inf', '~', 'null', '2012-10-17', '<<', '=', 'true', '12', ''])(
    'quotes %j, which a YAML 1.1 or 1.2 reader would read as another type',
    (s) => {
      expect(yamlNeedsQuotes(s)).toBe(true);
      const doc: PolicyDocument = { name: 'x', statements: [{ effect: 'Allow', action: [s] }] };
      expect(parseYaml(renderYaml(doc), { version: '1.1' }).Statement[0].Action).toEqual([s]);
    },
  );

  it.each(['s3:GetObject', 'arn:aws:s3:::bucket/*', 'orders', 'aws:SecureTransport'])('leaves %j plain', (s) => {
    expect(yamlNeedsQuotes(s)).toBe(false);
  });
});

describe('renderTerraform (data source)', () => {
  it('escapes IAM policy variables as $${...} and writes one condition block per operator and key', () => {
    const doc: PolicyDocument = {
      name: 'x',
      statements: [{ effect: 'Allow', action: ['s3:GetObject'], resource: ['arn:aws:s3:::b/${aws:username}/*'], condition: { StringLike: { 'k:a': ['1'], 'k:b': ['2'] }, Bool: { 'k:c': ['true'] } } }],
    };
    const out = renderTerraform(doc);
    expect(out).toContain('resources = ["arn:aws:s3:::b/$${aws:username}/*"]');
    const tests = [...out.matchAll(/test\s+= "(\w+)"\n\s+variable = "([^"]+)"/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(tests).toEqual(['Bool k:c', 'StringLike k:a', 'StringLike k:b']);
  });

  it('writes the "*" principal as type "*" and {"AWS": "*"} as type "AWS"', () => {
    const star = renderTerraform({ name: 'x', statements: [{ effect: 'Allow', action: ['a'], principal: '*' }] });
    expect(star).toMatch(/principals \{\n\s+type\s+= "\*"\n\s+identifiers = \["\*"\]/);
    const aws = renderTerraform({ name: 'x', statements: [{ effect: 'Allow', action: ['a'], principal: { AWS: ['*'] } }] });
    expect(aws).toMatch(/principals \{\n\s+type\s+= "AWS"\n\s+identifiers = \["\*"\]/);
  });

  it('refuses a principal kind named "*" (it would come out as the "*" principal) and names the statement', () => {
    const doc: PolicyDocument = { name: 'p.json', statements: [{ effect: 'Allow', action: ['a'] }, { effect: 'Allow', action: ['a'], principal: { '*': ['x'] } }] };
    expect(() => renderTerraform(doc)).toThrow(RenderError);
    expect(() => renderTerraform(doc)).toThrow(/^p\.json: Statement\[1\]: a principal kind named "\*"/);
    expect(() => renderTerraform(doc, { style: 'jsonencode' })).not.toThrow();
  });

  it('emits version only when it is not the data source default, and policy_id for Id', () => {
    expect(renderTerraform({ name: 'x', version: '2012-10-17', statements: [{ effect: 'Allow', action: ['a'] }] })).not.toContain('version');
    const old = renderTerraform({ name: 'x', version: '2008-10-17', id: 'i', statements: [{ effect: 'Allow', action: ['a'] }] });
    expect(old).toContain('  version   = "2008-10-17"\n  policy_id = "i"\n');
  });

  it('renders an empty policy as an empty data source with an explaining comment', () => {
    const out = renderTerraform({ name: 'x', statements: [] });
    expect(out).toMatch(/^# policy-trim: this policy has no statements/);
    expect(out.endsWith('data "aws_iam_policy_document" "x" {}\n')).toBe(true);
  });

  it('takes the block name from the option, else from the document name', () => {
    const doc: PolicyDocument = { name: 'arn:aws:iam::1:policy/team/OrdersApiPolicy', statements: [] };
    expect(renderTerraform(doc)).toContain('"orders_api_policy" {}');
    expect(renderTerraform(doc, { name: 'my role!' })).toContain('"my_role" {}');
  });
});

describe('renderTerraform (jsonencode)', () => {
  it('wraps in locals by default and can print the bare expression', () => {
    const doc: PolicyDocument = { name: 'inline:s3-read', version: '2012-10-17', statements: [{ effect: 'Allow', action: ['s3:GetObject'], resource: ['*'] }] };
    expect(renderTerraform(doc, { style: 'jsonencode' })).toMatch(/^locals \{\n {2}s3_read = jsonencode\(\{\n/);
    const bare = renderTerraform(doc, { style: 'jsonencode', jsonencodeWrapper: 'none' });
    expect(bare.startsWith('jsonencode({\n  Version = "2012-10-17"\n')).toBe(true);
    expect(bare.endsWith('})\n')).toBe(true);
  });

  it('quotes object keys that are not plain identifiers', () => {
    const doc: PolicyDocument = { name: 'x', statements: [{ effect: 'Allow', action: ['a'], condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': ['t'] }, StringEquals: { for: ['x'] } } }] };
    const out = renderTerraform(doc, { style: 'jsonencode' });
    expect(out).toContain('"ForAnyValue:StringLike" = {');
    expect(out).toContain('"aws:TagKeys" = ["t"]');
    expect(out).toContain('StringEquals = {');
    expect(out).toContain('"for" = ["x"]');
  });
});

describe('terraformName', () => {
  it.each([
    ['arn:aws:iam::123456789012:policy/team/OrdersApiPolicy', 'orders_api_policy'],
    ['inline:s3-read', 's3_read'],
    ['policies/orders-api.json', 'orders_api'],
    ['C:\\policies\\Lambda.yaml', 'lambda'],
    ['AWSLambdaBasicExecutionRole', 'aws_lambda_basic_execution_role'],
    ['123-policy', 'policy_123_policy'],
    ['!!!', 'policy'],
    ['', 'policy'],
  ])('%j → %j', (raw, want) => {
    expect(terraformName(raw)).toBe(want);
    expect(want).toMatch(/^[a-z_][a-z0-9_]*$/);
  });
});

describe('hclEscape', () => {
  it.each([
    ['${aws:username}', '$${aws:username}'],
    ['%{if x}', '%%{if x}'],
    ['$${already}', '$$${already}'],
    ['$ and % alone', '$ and % alone'],
    ['"q" \\ \n\r\t', '\\"q\\" \\\\ \\n\\r\\t'],
    ['\u0001\u007f', '\\u0001\\u007f'],
    ['é日本', 'é日本'],
  ])('%j → %j', (raw, want) => {
    expect(hclEscape(raw)).toBe(want);
  });
});

describe('parseJsonencodePolicy', () => {
  it('reads a single-object Statement and scalar values as the model does', () => {
    const doc = parseJsonencodePolicy('jsonencode({\n  Statement = { Effect = "Allow", Action = "s3:GetObject" }\n})\n', 'main.tf');
    expect(doc.singleStatementObject).toBe(true);
    expect(doc.statements).toEqual([{ effect: 'Allow', action: ['s3:GetObject'] }]);
  });

  it('rejects an interpolation with the file, line and column', () => {
    const text = 'locals {\n  p = jsonencode({\n    Version = "${var.v}"\n  })\n}\n';
    expect(() => parseJsonencode(text, 'main.tf')).toThrow(PolicyTextError);
    expect(() => parseJsonencode(text, 'main.tf')).toThrow(/^main\.tf:3:16: template \$\{/);
  });

  it('rejects unknown statement keys and a bad Effect, naming the statement', () => {
    expect(() => parseJsonencodePolicy('jsonencode({ Statement = [{ Effect = "Allow", Actions = ["a"] }] })', 'p.tf')).toThrow(/p\.tf: Statement\[0\]: unknown key "Actions"/);
    expect(() => parseJsonencodePolicy('jsonencode({ Statement = [{ Effect = "allow" }] })', 'p.tf')).toThrow(/Statement\[0\]\.Effect: expected "Allow" or "Deny"/);
  });

  it('rejects references and other functions', () => {
    expect(() => parseJsonencode('jsonencode({ Version = var_v })')).toThrow(/expected a string, \[ or \{, found "var_v"/);
    expect(() => parseJsonencode('jsonencode({ Version = var.v })')).toThrow(/unexpected character "\."/);
    expect(() => parseJsonencode('merge({})')).toThrow(/expected jsonencode/);
  });
});

describe('policyDocumentFromIam', () => {
  it('turns numbers and booleans in condition values into their text', () => {
    const doc = policyDocumentFromIam({ Statement: [{ Effect: 'Allow', Action: 'a', Condition: { Bool: { 'aws:SecureTransport': true }, NumericLessThan: { n: 5 } } }] }, 'f.json');
    expect(doc.statements[0]!.condition).toEqual({ Bool: { 'aws:SecureTransport': ['true'] }, NumericLessThan: { n: ['5'] } });
  });
});

describe('renderPolicy', () => {
  it('dispatches to each renderer and passes Terraform options through', () => {
    expect(renderPolicy(FULL, 'json')).toBe(renderJson(FULL));
    expect(renderPolicy(FULL, 'yaml')).toBe(renderYaml(FULL));
    expect(renderPolicy(FULL, 'terraform')).toBe(renderTerraform(FULL));
    expect(renderPolicy(FULL, 'terraform', { style: 'jsonencode', name: 'n' })).toBe(renderTerraform(FULL, { style: 'jsonencode', name: 'n' }));
  });

  it('gives byte-identical output for identical input', () => {
    for (const format of ['json', 'yaml', 'terraform'] as const) {
      expect(renderPolicy(structuredClone(FULL), format)).toBe(renderPolicy(FULL, format));
    }
  });

  it('rejects an unknown format', () => {
    expect(() => renderPolicy(FULL, 'xml' as 'json')).toThrow(/unknown render format "xml"/);
  });
});

describe('fmtViolations (the test helper that checks terraform fmt layout)', () => {
  it('accepts fmt-formatted text', () => {
    // `b` is alone in its run: the multi-line opener `ccc = [` is not part of a run, so nothing aligns with it.
    expect(fmtViolations('a {\n  b = 1\n  ccc = [\n    "x",\n  ]\n  dd  = "y"\n  eee = 2\n}\n')).toEqual([]);
  });

  it('flags misaligned "=", wrong indentation, padded multi-line openers and double blank lines', () => {
    expect(fmtViolations('a {\n  b = 1\n  ccc = 2\n}\n')).toEqual(['line 2: "=" at column 2, fmt puts it at 4']);
    expect(fmtViolations('a {\n   b = 1\n}\n')).toEqual(['line 2: indent 3, fmt uses 2']);
    expect(fmtViolations('a {\n  b   = 1\n  ccc  = [\n  ]\n}\n')).toContain('line 3: a line opening a multi-line value keeps one space before "="');
    expect(fmtViolations('a {}\n\n\nb {}\n')).toEqual(['line 3: two blank lines in a row']);
  });
});
