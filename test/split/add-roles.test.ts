/**
 * core/split/add-roles.ts on strings: where the roles go in each format and what is refused with nothing written
 * (IAM's inline-policy limit per role, names the file already uses, an earlier split, files the edit cannot take
 * in place), and that generated names steer clear of the file's own.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CFN_YAML_TAGS } from '../../src/core/iac/yaml-tags.js';
import type { PolicyDocument } from '../../src/core/policy/types.js';
import type { SplitRoleOutput } from '../../src/core/render/split-types.js';
import { addSplitRoles, splitTarget, type SplitTarget } from '../../src/core/split/add-roles.js';
import { SplitError } from '../../src/core/split/errors.js';
import { inlineSizeProblems } from '../../src/core/split/size.js';
import { ROLE_INLINE_TOTAL_MAX_CHARS } from '../../src/core/trim/types.js';

const doc = (action: string, resources: string[] = ['arn:aws:s3:::receipts/*']): PolicyDocument => ({ name: action, version: '2012-10-17', statements: [{ sid: 'S', effect: 'Allow', action: [action], resource: resources }] });
const OUTPUT: SplitRoleOutput = {
  sharedRole: { name: 'orders-api-role', arn: 'arn:aws:iam::123456789012:role/orders-api-role' },
  functions: [
    { functionName: 'orders-worker', documents: [doc('s3:GetObject')] },
    { functionName: 'orders-api', documents: [doc('s3:PutObject')] },
  ],
  residual: [],
};

const TEMPLATE = `Resources:
  SharedRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: orders-api-role
  # the API
  OrdersApi:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt SharedRole.Arn
Outputs:
  Arn:
    Value: !GetAtt SharedRole.Arn
`;

/** The error an edit throws (fails the test when it throws none). */
function refusal(target: SplitTarget, output = OUTPUT, neighbours: { file: string; text: string }[] = []): SplitError {
  try {
    addSplitRoles(target, output, neighbours);
  } catch (e) {
    if (e instanceof SplitError) return e;
    throw e;
  }
  throw new Error('expected a SplitError');
}

describe('addSplitRoles', () => {
  it('CloudFormation: the roles join Resources after its last entry, indented as the file indents; the rest unchanged', () => {
    // Given a plain CloudFormation template whose shared role is an AWS::IAM::Role
    const r = addSplitRoles({ file: 'template.yaml', format: 'cloudformation', text: TEMPLATE }, OUTPUT);
    // Then the roles sit between the last resource and Outputs, and nothing else moved
    const at = r.after.indexOf('\n  # policy-trim: one role per function');
    expect(r.after.slice(0, at)).toBe(TEMPLATE.slice(0, TEMPLATE.indexOf("Outputs:")));
    expect(r.after.endsWith('Outputs:\n  Arn:\n    Value: !GetAtt SharedRole.Arn\n')).toBe(true);
    expect(r.after).toContain('  OrdersApiRole:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: orders-api-role-orders-api\n');
    expect(r.roles).toEqual([
      { functionName: 'orders-api', roleName: 'orders-api-role-orders-api', id: 'OrdersApiRole' },
      { functionName: 'orders-worker', roleName: 'orders-api-role-orders-worker', id: 'OrdersWorkerRole' },
    ]);
  });

  it('a JSON template: the same roles as in YAML join Resources last, in the file\'s indentation; every other byte stays', () => {
    // Given the YAML template's resources written as JSON, indented by four spaces, with a SAM function's generated role
    const model = {
      Resources: {
        SharedRole: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'orders-api-role' } },
        OrdersApi: { Type: 'AWS::Serverless::Function', Properties: { Role: { 'Fn::GetAtt': ['SharedRole', 'Arn'] } } },
      },
      Outputs: { Arn: { Value: { 'Fn::GetAtt': ['SharedRole', 'Arn'] } } },
    };
    const text = JSON.stringify(model, null, 4) + '\n';

    // When the split's roles are added
    const r = addSplitRoles({ file: 'template.json', format: 'sam', text }, OUTPUT);

    // Then the file is still JSON, what was there is unchanged (bytes before the new entries and after them)
    const after = JSON.parse(r.after) as { Resources: Record<string, { Type: string; Properties: unknown; Metadata?: { PolicyTrim: string } }>; Outputs: unknown };
    expect(after.Outputs).toEqual(model.Outputs);
    const cut = text.indexOf('\n    },\n    "Outputs"');
    expect(r.after.slice(0, cut)).toBe(text.slice(0, cut));
    expect(r.after.endsWith('\n    },\n    "Outputs": {\n        "Arn": {\n            "Value": {\n                "Fn::GetAtt": [\n                    "SharedRole",\n                    "Arn"\n                ]\n            }\n        }\n    }\n}\n')).toBe(true);
    // and the roles are those the YAML edit writes, each with the note in its Metadata, indented by four
    const yaml = addSplitRoles({ file: 'template.yaml', format: 'sam', text: TEMPLATE.replace('AWS::Lambda::Function', 'AWS::Serverless::Function') }, OUTPUT);
    expect(r.roles).toEqual(yaml.roles);
    const fromYaml = parse(yaml.after, { customTags: CFN_YAML_TAGS }) as { Resources: Record<string, { Type: string; Properties: unknown }> };
    for (const role of r.roles) {
      expect(after.Resources[role.id]!.Type).toBe('AWS::IAM::Role');
      expect(after.Resources[role.id]!.Properties).toEqual(fromYaml.Resources[role.id]!.Properties);
      expect(after.Resources[role.id]!.Metadata!.PolicyTrim).toMatch(/^policy-trim: one role per function, split from the shared role orders-api-role .*"Fn::GetAtt"/);
    }
    expect(r.after).toContain(`\n        "${r.roles[0]!.id}": {\n            "Type": "AWS::IAM::Role",\n            "Properties": {\n                "RoleName": "orders-api-role-orders-api",\n`);
    // SAM's generated role of OrdersApi (OrdersApiRole) is a name in use: the new role of orders-api steers clear of it
    expect(r.roles[0]!.id).toMatch(/^OrdersApiRole[0-9a-f]{8}$/);
  });

  it('a JSON template keeps tabs and CRLF line ends, and refuses a second split of the same role', () => {
    const text = '{\r\n\t"Resources": {\r\n\t\t"SharedRole": {\r\n\t\t\t"Type": "AWS::IAM::Role"\r\n\t\t}\r\n\t}\r\n}\r\n';
    const r = addSplitRoles({ file: 't.json', format: 'cloudformation', text }, OUTPUT);
    expect(r.after).toContain('\r\n\t\t"OrdersApiRole": {\r\n\t\t\t"Type": "AWS::IAM::Role",\r\n');
    expect(r.after.replace(/\r\n/g, '')).not.toContain('\n');
    const again = refusal({ file: 't.json', format: 'cloudformation', text: r.after });
    expect(again.code).toBe('split-name-clash');
    expect(again.message).toMatch(/^t\.json: the roles of an earlier split of orders-api-role are already there/);
  });

  it('serverless.yml without resources: gets resources.Resources at its end', () => {
    const text = 'service: orders\nfunctions:\n  api:\n    name: orders-api\n    role: SharedRole';
    const r = addSplitRoles({ file: 'serverless.yml', format: 'serverless', text }, OUTPUT);
    expect(r.after.startsWith(`${text}\n\n# policy-trim: one role per function`)).toBe(true);
    expect(r.after).toContain('\nresources:\n  Resources:\n    # Function orders-api\n    OrdersApiRole:\n      Type: AWS::IAM::Role\n');
  });

  it('generated names steer clear of the logical ids, addresses and role names the file already uses', () => {
    const taken = TEMPLATE.replace('  # the API\n', '  OrdersApiRole:\n    Type: AWS::SNS::Topic\n  # the API\n').replace('RoleName: orders-api-role\n', 'RoleName: orders-api-role-orders-worker\n');
    const r = addSplitRoles({ file: 'template.yaml', format: 'cloudformation', text: taken }, OUTPUT);
    expect(r.roles[0]!.id).toMatch(/^OrdersApiRole[0-9a-f]{8}$/);
    expect(r.roles[1]!.roleName).toMatch(/^orders-api-role-orders-worker-[0-9a-f]{8}$/);
    const tf = 'resource "aws_iam_role" "orders_api" {\n  name = "orders-api-role"\n}\n';
    const t = addSplitRoles({ file: 'main.tf', format: 'terraform', text: tf }, OUTPUT);
    expect(t.roles[0]!.id).toMatch(/^aws_iam_role\.orders_api_[0-9a-f]{8}$/);
    expect(t.after.startsWith(`${tf}\n# policy-trim: one role per function`)).toBe(true);
  });

  it('refuses a fixed Terraform name the file or its folder already uses, naming it and what to do', () => {
    const trust = 'data "aws_iam_policy_document" "lambda_assume_role" {\n}\n';
    const inFile = refusal({ file: 'iam/main.tf', format: 'terraform', text: trust });
    expect(inFile.code).toBe('split-name-clash');
    expect(inFile.message).toBe('iam/main.tf: the new roles would clash with names already used there: data.aws_iam_policy_document.lambda_assume_role (shared by the new roles) is already defined');
    expect(inFile.hint).toMatch(/^Nothing was written; policy-trim never overwrites a resource\. Rename the existing one/);
    const inFolder = refusal({ file: 'iam/main.tf', format: 'terraform', text: '' }, OUTPUT, [{ file: 'iam/trust.tf', text: trust }]);
    expect(inFolder.message).toContain('data.aws_iam_policy_document.lambda_assume_role (shared by the new roles) is already defined');
  });

  it('refuses a second split of the same role: its roles are already in the file', () => {
    const once = addSplitRoles({ file: 'template.yaml', format: 'cloudformation', text: TEMPLATE }, OUTPUT).after;
    const again = refusal({ file: 'template.yaml', format: 'cloudformation', text: once });
    expect(again.code).toBe('split-name-clash');
    expect(again.message).toMatch(/^template\.yaml: the roles of an earlier split of orders-api-role are already there/);
  });

  it('refuses files it cannot add to in place: a serverless.json, invalid JSON, a flow Resources map, invalid HCL', () => {
    expect(refusal({ file: 'serverless.json', format: 'serverless', text: '{"service": "orders"}' }).message).toMatch(/^serverless\.json: a JSON serverless file/);
    expect(refusal({ file: 't.json', format: 'cloudformation', text: '{"Resources": {},}' }).message).toMatch(/^t\.json: not valid JSON \(PropertyNameExpected at offset 17\)/);
    expect(refusal({ file: 't.json', format: 'sam', text: '{"Resources": []}' }).message).toBe('t.json: the template has no Resources object for the roles to join');
    expect(refusal({ file: 't.yaml', format: 'cloudformation', text: 'Resources: {A: {Type: AWS::SNS::Topic}}\n' }).message).toMatch(/Resources is not a block map with entries/);
    expect(refusal({ file: 'main.tf', format: 'terraform', text: 'resource "x" "y" {\n' }).code).toBe('split-unsupported-file');
    expect(() => splitTarget([{ site: { format: 'json', file: 'policies/p.json' }, text: '{}' }])).toThrow(/defined only in JSON policy files \(policies\/p\.json\)/);
  });

  it('refuses a function whose role would exceed IAM\'s 10,240 inline characters, naming it, its size and the limit', () => {
    // Given one function keeping a statement on 200 long ARNs (over 10,240 characters) and one that fits
    const many = Array.from({ length: 200 }, (_, i) => `arn:aws:s3:::orders-receipts-123456789012/customers/${String(i).padStart(4, '0')}/*`);
    const big: SplitRoleOutput = { ...OUTPUT, functions: [{ functionName: 'orders-worker', documents: [doc('s3:GetObject', many)] }, OUTPUT.functions[1]!] };
    const [problem] = inlineSizeProblems(big.functions);
    expect(problem).toMatchObject({ functionName: 'orders-worker', limit: ROLE_INLINE_TOTAL_MAX_CHARS });
    expect(problem!.chars).toBeGreaterThan(ROLE_INLINE_TOTAL_MAX_CHARS);
    for (const target of [{ file: 'main.tf', format: 'terraform' as const, text: '' }, { file: 'template.yaml', format: 'sam' as const, text: TEMPLATE }]) {
      const e = refusal(target, big);
      expect(e.code).toBe('split-inline-size');
      expect(e.message).toContain(`(10,240 characters, white space not counted; IAM and AWS STS quotas): orders-worker: ${problem!.chars.toLocaleString('en-US')} characters`);
      expect(e.message).not.toContain('orders-api:');
    }
  });

  it('refuses, in serverless.yml, a policy string serverless would read as its own variable', () => {
    const vars: SplitRoleOutput = { ...OUTPUT, functions: [{ functionName: 'orders-api', documents: [doc('s3:GetObject', ['arn:aws:s3:::home/${aws:username}/*'])] }] };
    expect(refusal({ file: 'serverless.yml', format: 'serverless', text: 'service: s\n' }, vars).message).toMatch(/function orders-api holds .*\$\{aws:username\}.*serverless would read as one of its own variables/);
  });
});
