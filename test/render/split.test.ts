/**
 * The split renderers (issue 12, section 2): a role shared by three functions (one with a name near the
 * 64-character limit, one that needs sanitising for Terraform, `orders.api-v2`, with two documents, a Deny, a
 * condition and a policy variable) and a residual, in every format. Golden files under
 * test/fixtures/render/split/ (`UPDATE_GOLDEN=1 npx vitest run test/render/split.test.ts` rewrites them; review
 * the diff), and each output read back by meaning: JSON and YAML through the policy parser; CloudFormation, SAM,
 * serverless and Terraform through the project's own in-place editors (src/core/iac), which read a deployment
 * file the way `pr` does. The names themselves are tested in split-names.test.ts.
 */

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, parseDocument, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { cloudFormationEditor, samEditor } from '../../src/core/iac/cfn-editor.js';
import { serverlessEditor } from '../../src/core/iac/serverless-editor.js';
import { terraformEditor } from '../../src/core/iac/terraform-editor.js';
import { parseHcl, type HclBlock } from '../../src/core/iac/terraform-syntax.js';
import { InvariantError } from '../../src/core/errors.js';
import { parsePolicyDocument } from '../../src/core/policy/parse.js';
import type { PolicyDocument, Statement } from '../../src/core/policy/types.js';
import { canonicalStatement } from '../../src/core/render/canonical.js';
import {
  IAM_ROLE_NAME,
  LOGICAL_ID,
  NAME_MAX,
  policyDocumentFromIam,
  renderJson,
  renderSplit,
  RESIDUAL_KEY,
  TERRAFORM_IDENTIFIER,
  type SplitFormat,
  type SplitRenderOptions,
  type SplitRoleOutput,
} from '../../src/core/render/index.js';
import { LAMBDA_TRUST } from '../../src/core/render/split-common.js';
import { RESIDUAL_ID, TRUST_ID } from '../../src/core/render/split-terraform.js';
import { fmtViolations } from '../support/render.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'render', 'split');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

interface RawInput {
  sharedRole: SplitRoleOutput['sharedRole'];
  functions: Array<{ functionName: string; documents: unknown[] }>;
  residual: unknown[];
}

function fromRaw(raw: RawInput): SplitRoleOutput {
  return {
    sharedRole: raw.sharedRole,
    functions: raw.functions.map((f) => ({ functionName: f.functionName, documents: f.documents.map((d, i) => policyDocumentFromIam(d, `${f.functionName}#${i + 1}`)) })),
    residual: raw.residual.map((d, i) => policyDocumentFromIam(d, `residual#${i + 1}`)),
  };
}

const INPUT = fromRaw(JSON.parse(readFileSync(join(DIR, 'input.json'), 'utf8')) as RawInput);
const FUNCTION_NAMES = INPUT.functions.map((f) => f.functionName);
const LONG = FUNCTION_NAMES.find((n) => n.length >= 60)!;

/** Statements as the renderers mean them (lists as sets, keys sorted). */
const canon = (statements: readonly Statement[]) => statements.map(canonicalStatement);
const statementsOf = (docs: readonly PolicyDocument[]) => canon(docs.flatMap((d) => d.statements));
const withoutSid = (statements: readonly Statement[]) => canon(statements.map((s) => ({ ...s, sid: undefined })));
const documentsOf = (name: string) => INPUT.functions.find((f) => f.functionName === name)!.documents;

const GOLDEN: Record<string, [SplitFormat, SplitRenderOptions?]> = {
  'expected.json': ['json'],
  'expected.yaml': ['yaml'],
  'expected.serverless.yml': ['serverless'],
  'expected.serverless-provider.yml': ['serverless', { serverlessLayout: 'provider' }],
  'expected.sam.yaml': ['sam'],
  'expected.cloudformation.yaml': ['cloudformation'],
  'expected.tf': ['terraform'],
};
const golden = (file: string) => readFileSync(join(DIR, file), 'utf8');
// Written before collection, since the read-back suites below read the golden files as they are declared.
if (UPDATE) for (const [file, [format, options]] of Object.entries(GOLDEN)) writeFileSync(join(DIR, file), renderSplit(INPUT, format, options));

describe('split golden files', () => {
  it.each(Object.keys(GOLDEN))('%s matches the golden file', (file) => {
    const [format, options] = GOLDEN[file]!;
    const actual = renderSplit(INPUT, format, options);
    const path = join(DIR, file);
    expect(existsSync(path), `${path} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
    expect(actual).toBe(golden(file));
  });

  it.each(Object.keys(GOLDEN))('%s does not depend on the order of the functions', (file) => {
    const [format, options] = GOLDEN[file]!;
    const reversed = { ...INPUT, functions: [...INPUT.functions].reverse() };
    expect(renderSplit(reversed, format, options)).toBe(renderSplit(INPUT, format, options));
  });
});

describe('json and yaml read back to the same documents', () => {
  const json = JSON.parse(golden('expected.json')) as Record<string, unknown[]>;

  it('is a map from each function name (sorted) to its documents, then the residual key', () => {
    expect(Object.keys(json)).toEqual([...[...FUNCTION_NAMES].sort(), RESIDUAL_KEY]);
  });

  it('each function and the residual parse to the input documents (policy parser)', () => {
    const wanted: Array<[string, PolicyDocument[]]> = [...INPUT.functions.map((f): [string, PolicyDocument[]] => [f.functionName, f.documents]), [RESIDUAL_KEY, INPUT.residual]];
    for (const [key, docs] of wanted) {
      const back = json[key]!.map((v, i) => parsePolicyDocument(v, `${key}#${i + 1}`));
      expect(back.map((d) => d.version)).toEqual(docs.map((d) => d.version));
      expect(back.map((d) => canon(d.statements))).toEqual(docs.map((d) => canon(d.statements)));
      // Each document is written exactly as renderJson writes it alone.
      expect(back.map((d) => renderJson(d))).toEqual(docs.map((d) => renderJson(d)));
    }
  });

  it('the YAML, read as YAML 1.1 and 1.2, is the same value as the JSON (Version stays a string)', () => {
    for (const version of ['1.1', '1.2'] as const) expect(parseYaml(golden('expected.yaml'), { version })).toEqual(json);
  });

  it('an empty residual is left out', () => {
    const out = JSON.parse(renderSplit({ ...INPUT, residual: [] }, 'json')) as object;
    expect(Object.keys(out)).not.toContain(RESIDUAL_KEY);
    const noStatements = { ...INPUT, residual: [{ name: 'r', version: '2012-10-17', statements: [] }] };
    expect(Object.keys(JSON.parse(renderSplit(noStatements, 'json')) as object)).not.toContain(RESIDUAL_KEY);
  });
});

/** The keys of a YAML map with the comment above each (the generated files say which function a key is for). */
function commentedKeys(map: YAMLMap): Map<string, string> {
  const out = new Map<string, string>();
  for (const [i, pair] of (map.items as Pair<Scalar<string>>[]).entries()) {
    // The yaml package gives the comment above a map's first key to the map.
    const comment = (i === 0 ? map.commentBefore : undefined) ?? pair.key.commentBefore ?? '';
    const fn = /Function (.+?)(?::|$)/m.exec(comment)?.[1];
    if (fn !== undefined) out.set(fn, pair.key.value);
  }
  return out;
}

function resourcesByFunction(text: string): Map<string, string> {
  const doc = parseDocument(text);
  return commentedKeys(doc.get('Resources', true) as YAMLMap);
}

describe('cloudformation reads back: a role per function with the trust policy and the function statements', () => {
  const text = golden('expected.cloudformation.yaml');
  const template = parseYaml(text) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>; Metadata: { PolicyTrimResidual: { SharedRole: string; Policies: unknown[] } } };
  const ids = resourcesByFunction(text);

  it('has one AWS::IAM::Role per function and nothing else', () => {
    expect([...ids.keys()].sort()).toEqual([...FUNCTION_NAMES].sort());
    expect(Object.keys(template.Resources).sort()).toEqual([...ids.values()].sort());
    for (const r of Object.values(template.Resources)) expect(r.Type).toBe('AWS::IAM::Role');
  });

  it.each(FUNCTION_NAMES)('%s: the editor reads the input statements; trust for Lambda; a valid RoleName', (fn) => {
    const id = ids.get(fn)!;
    expect(id).toMatch(LOGICAL_ID);
    const read = cloudFormationEditor.read(text, { format: 'cloudformation', file: 'split.yaml', resource: id });
    expect(read.references).toEqual([]);
    expect(canon(read.statements)).toEqual(statementsOf(documentsOf(fn)));
    const props = template.Resources[id]!.Properties;
    expect(canon(parsePolicyDocument(props.AssumeRolePolicyDocument, 'trust').statements)).toEqual(canon(LAMBDA_TRUST.statements));
    expect(props.RoleName).toMatch(IAM_ROLE_NAME);
    expect((props.Policies as Array<{ PolicyName: string }>).map((p) => p.PolicyName)).toEqual(documentsOf(fn).length === 1 ? ['policy-trim'] : ['policy-trim-1', 'policy-trim-2']);
  });

  it('the residual is metadata only: the shared role and its documents', () => {
    const r = template.Metadata.PolicyTrimResidual;
    expect(r.SharedRole).toBe(INPUT.sharedRole.name);
    expect(r.Policies.map((p) => canon(parsePolicyDocument(p, 'r').statements))).toEqual(INPUT.residual.map((d) => canon(d.statements)));
  });

  it('role names are distinct, at most 64 characters, and the long one is cut with a hash', () => {
    const names = Object.values(template.Resources).map((r) => r.Properties.RoleName as string);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    for (const n of names) expect(n.length).toBeLessThanOrEqual(NAME_MAX);
    const long = template.Resources[ids.get(LONG)!]!.Properties.RoleName as string;
    expect(long).toHaveLength(64);
    expect(long).toMatch(/^orders-api-role-orders-api-production-.*-[0-9a-f]{8}$/);
  });
});

describe('sam reads back: each function its Policies', () => {
  const text = golden('expected.sam.yaml');
  const ids = resourcesByFunction(text);

  it.each(FUNCTION_NAMES)('%s: the SAM editor reads the input statements, one Policies entry per document', (fn) => {
    const id = ids.get(fn)!;
    const read = samEditor.read(text, { format: 'sam', file: 'template.yaml', function: id });
    expect(read.attachments).toEqual([]);
    expect(read.templates).toEqual([]);
    expect(canon(read.statements)).toEqual(statementsOf(documentsOf(fn)));
    const template = parseYaml(text) as { Resources: Record<string, { Type: string; Properties: { Policies: unknown[] } }> };
    expect(template.Resources[id]!.Type).toBe('AWS::Serverless::Function');
    expect(template.Resources[id]!.Properties.Policies).toHaveLength(documentsOf(fn).length);
  });
});

describe('serverless reads back', () => {
  const text = golden('expected.serverless.yml');

  it.each(FUNCTION_NAMES)('per function: the editor reads %s’s iamRoleStatements as the input statements', (fn) => {
    const read = serverlessEditor.read(text, { format: 'serverless', file: 'serverless.yml', function: fn });
    // `${aws:username}` is written as Fn::Sub with `${!` (serverless would take it for its own variable) and
    // reads back as the literal policy variable, not as a reference.
    expect(read.references).toEqual([]);
    expect(canon(read.statements)).toEqual(statementsOf(documentsOf(fn)));
  });

  it('the residual is custom.policyTrimResidual, read as the input statements', () => {
    const custom = (parseYaml(text) as { custom: { policyTrimResidual: { sharedRole: string; statements: unknown[] } } }).custom.policyTrimResidual;
    expect(custom.sharedRole).toBe(INPUT.sharedRole.name);
    const doc = parsePolicyDocument({ Version: '2012-10-17', Statement: custom.statements }, 'residual');
    expect(canon(doc.statements)).toEqual(statementsOf(INPUT.residual));
  });

  it('provider layout: provider.iam.role.statements hold every function statement once, Sids unique', () => {
    const read = serverlessEditor.read(golden('expected.serverless-provider.yml'), { format: 'serverless', file: 'serverless.yml' });
    const sorted = [...INPUT.functions].sort((a, b) => (a.functionName < b.functionName ? -1 : 1));
    const all = sorted.flatMap((f) => f.documents.flatMap((d) => d.statements));
    const distinct = [...new Map(withoutSid(all).map((s) => [JSON.stringify(s), s])).values()];
    expect(withoutSid(read.statements)).toEqual(distinct);
    const sids = read.statements.map((s) => s.sid);
    expect(new Set(sids).size).toBe(sids.length);
    expect(sids).toContain('Sqs2');
  });

  it('one function defaults to the provider layout', () => {
    const one = { ...INPUT, functions: [INPUT.functions[0]!] };
    expect(renderSplit(one, 'serverless')).toBe(renderSplit(one, 'serverless', { serverlessLayout: 'provider' }));
    expect(parseYaml(renderSplit(one, 'serverless'))).toHaveProperty('provider.iam.role.statements');
  });
});

function blocks(text: string, type: string, kind: string): Map<string, HclBlock> {
  const items = parseHcl(text).filter((i): i is HclBlock => i.kind === 'block' && i.type === type && i.labels[0] === kind);
  return new Map(items.map((b) => [b.labels[1]!, b]));
}

function traversal(block: HclBlock, name: string): string | undefined {
  const attr = block.items.find((i) => i.kind === 'attribute' && i.name === name);
  return attr?.kind === 'attribute' && attr.expr.kind === 'traversal' ? attr.expr.text : undefined;
}

function literal(block: HclBlock, name: string, text: string): string {
  const attr = block.items.find((i) => i.kind === 'attribute' && i.name === name);
  if (attr?.kind !== 'attribute' || attr.expr.kind !== 'template') throw new Error(`${name} is not a string`);
  return JSON.parse(text.slice(attr.expr.start, attr.expr.end)) as string;
}

describe('terraform reads back: role, documents and attachments per function', () => {
  const text = golden('expected.tf');
  const readDoc = (id: string) => terraformEditor.read(text, { format: 'terraform', file: 'split.tf', address: `data.aws_iam_policy_document.${id}` }).statements;
  const roleIds = new Map([...text.matchAll(/# Function (.+?)(?::.*)?\nresource "aws_iam_role" "([^"]+)"/g)].map((m) => [m[1]!, m[2]!]));
  const roles = blocks(text, 'resource', 'aws_iam_role');
  const attachments = blocks(text, 'resource', 'aws_iam_role_policy');
  const documents = blocks(text, 'data', 'aws_iam_policy_document');

  it('is laid out as terraform fmt leaves it', () => {
    expect(fmtViolations(text)).toEqual([]);
  });

  it('names every function, with valid identifiers; orders.api-v2 is sanitised', () => {
    expect([...roleIds.keys()].sort()).toEqual([...FUNCTION_NAMES].sort());
    for (const id of roleIds.values()) expect(id).toMatch(TERRAFORM_IDENTIFIER);
    expect(roleIds.get('orders.api-v2')).toBe('orders_api_v2');
    expect([...roles.keys()].sort()).toEqual([...roleIds.values()].sort());
  });

  it('the trust document is Lambda’s, and every role assumes it with a valid name', () => {
    expect(canon(readDoc(TRUST_ID))).toEqual(canon(LAMBDA_TRUST.statements));
    for (const role of roles.values()) {
      expect(traversal(role, 'assume_role_policy')).toBe(`data.aws_iam_policy_document.${TRUST_ID}.json`);
      expect(literal(role, 'name', text)).toMatch(IAM_ROLE_NAME);
    }
  });

  it.each(FUNCTION_NAMES)('%s: each attached document reads back as the input’s, attached to its own role', (fn) => {
    const id = roleIds.get(fn)!;
    const mine = [...attachments.values()].filter((a) => traversal(a, 'role') === `aws_iam_role.${id}.id`);
    expect(mine).toHaveLength(documentsOf(fn).length);
    const read = mine.map((a) => {
      const target = /^data\.aws_iam_policy_document\.(.+)\.json$/.exec(traversal(a, 'policy') ?? '')![1]!;
      expect(documents.has(target)).toBe(true);
      return canon(readDoc(target));
    });
    expect(read).toEqual(documentsOf(fn).map((d) => canon(d.statements)));
  });

  it('the residual is a data source only, attached to nothing', () => {
    expect(canon(readDoc(RESIDUAL_ID))).toEqual(statementsOf(INPUT.residual));
    for (const a of attachments.values()) expect(traversal(a, 'policy')).not.toContain(RESIDUAL_ID);
  });
});

describe('empty parts', () => {
  const bare: SplitRoleOutput = {
    sharedRole: { name: 'shared' },
    functions: [
      { functionName: 'idle', documents: [{ name: 'idle', version: '2012-10-17', statements: [] }] },
      { functionName: 'busy', documents: documentsOf('orders-create') },
    ],
    residual: [],
  };

  it('without a residual, no format writes one, and each says the shared role can be retired', () => {
    for (const format of ['serverless', 'sam', 'cloudformation', 'terraform'] as const) {
      const out = renderSplit(bare, format);
      expect(out).not.toMatch(/residual/i);
      expect(out).toContain('Nothing but these functions used shared: once each function runs with its own role, it can be retired.');
    }
  });

  it('a function with no statements gets a role without a policy (AWS refuses an empty one)', () => {
    const cfn = parseYaml(renderSplit(bare, 'cloudformation')) as { Resources: Record<string, { Properties: object }> };
    expect(cfn.Resources.IdleRole!.Properties).not.toHaveProperty('Policies');
    const tf = renderSplit(bare, 'terraform');
    expect(blocks(tf, 'resource', 'aws_iam_role').has('idle')).toBe(true);
    expect(blocks(tf, 'resource', 'aws_iam_role_policy').has('idle')).toBe(false);
    expect(fmtViolations(tf)).toEqual([]);
  });
});

describe('refused input (the caller’s bug)', () => {
  it('two functions with one name', () => {
    const twice = { ...INPUT, functions: [INPUT.functions[0]!, INPUT.functions[0]!] };
    expect(() => renderSplit(twice, 'json')).toThrow(InvariantError);
  });

  it('a function named like the residual key', () => {
    const clash = { ...INPUT, functions: [{ functionName: RESIDUAL_KEY, documents: [] }] };
    expect(() => renderSplit(clash, 'yaml')).toThrow(InvariantError);
  });
});
