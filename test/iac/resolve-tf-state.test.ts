/**
 * Reference values from `terraform show -json` (core/iac/tf-state.ts): the keys
 * of a state and of a plan, sensitive values left out, module scopes, every refusal with its hint, and the
 * round trip with the Terraform editor: the references it reads from a policy resolve to the state's values.
 *
 * The fixtures in fixtures/resolve/ are written by hand in the layout of HashiCorp's "JSON Output Format"
 * (developer.hashicorp.com/terraform/internals/json-format) as Terraform 1.9 prints it.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReferenceSourceError, resolveTokens } from '../../src/core/iac/resolve.js';
import { terraformEditor } from '../../src/core/iac/terraform-editor.js';
import { parseTerraformState, terraformModuleScope } from '../../src/core/iac/tf-state.js';

const DIR = join(import.meta.dirname, 'fixtures', 'resolve');
const text = (name: string) => readFileSync(join(DIR, name), 'utf8');

describe('a state (terraform show -json)', () => {
  const state = parseTerraformState(text('tf-state.json'), 'state.json');
  const v = state.values;

  it('keys every string attribute by the resource address', () => {
    expect(state.name).toBe('state.json');
    expect(v.get('aws_dynamodb_table.orders.arn')).toBe('arn:aws:dynamodb:eu-west-1:123456789012:table/orders');
    expect(v.get('aws_dynamodb_table.orders.id')).toBe('orders');
    expect(v.get('aws_dynamodb_table.orders.stream_arn')).toBe('');
  });

  it('keys counted and for_each instances by their index', () => {
    expect(v.get('aws_s3_bucket.receipts[0].arn')).toBe('arn:aws:s3:::orders-receipts-eu');
    expect(v.get('aws_s3_bucket.receipts[1].arn')).toBe('arn:aws:s3:::orders-receipts-us');
    expect(v.get('aws_sqs_queue.jobs["high"].arn')).toBe('arn:aws:sqs:eu-west-1:123456789012:jobs-high');
    expect(v.get('aws_sqs_queue.jobs["low"].name')).toBe('jobs-low');
    expect(v.has('aws_s3_bucket.receipts.arn')).toBe(false);
  });

  it('keys data sources and module resources by their absolute address', () => {
    expect(v.get('data.aws_caller_identity.current.account_id')).toBe('123456789012');
    expect(v.get('data.aws_region.current.name')).toBe('eu-west-1');
    expect(v.get('module.worker.aws_lambda_function.this.arn')).toBe('arn:aws:lambda:eu-west-1:123456789012:function:orders-worker');
    expect(v.get('module.worker.data.aws_region.current.name')).toBe('eu-west-1');
    expect(v.get('module.worker.module.dlq.aws_sqs_queue.this.arn')).toBe('arn:aws:sqs:eu-west-1:123456789012:orders-worker-dlq');
  });

  it('goes into nested blocks and maps, with ["key"] where the key is no identifier', () => {
    expect(v.get('aws_dynamodb_table.orders.attribute[0].name')).toBe('id');
    expect(v.get('aws_dynamodb_table.orders.tags.Team')).toBe('orders');
    expect(v.get('aws_dynamodb_table.orders.tags.cost-center')).toBe('42');
    expect(v.get('module.worker.aws_lambda_function.this.environment[0].variables.TABLE')).toBe('orders');
  });

  it('keys strings only: numbers, booleans and nulls are not references into a policy', () => {
    expect(v.has('aws_dynamodb_table.orders.read_capacity')).toBe(false);
    expect(v.has('aws_dynamodb_table.orders.stream_enabled')).toBe(false);
    expect(v.has('aws_s3_bucket.receipts[0].tags')).toBe(false);
  });

  it('leaves sensitive values out and says so; outputs give no key', () => {
    expect(v.has('aws_ssm_parameter.api_key.value')).toBe(false);
    expect(v.get('aws_ssm_parameter.api_key.name')).toBe('/orders/api-key');
    expect(state.skipped).toEqual([{ key: 'aws_ssm_parameter.api_key.value', reason: 'sensitive in the Terraform output' }]);
    expect([...v.values()]).not.toContain('s3cr3t-value');
    expect([...v.values()]).not.toContain('s3cr3t-output');
    expect([...v.keys()].filter((k) => /orders_table_arn|api_key$/.test(k))).toEqual([]);
  });

  it('an empty state is no values, not an error', () => {
    expect(parseTerraformState('{"format_version":"1.0"}', 'empty.json').values.size).toBe(0);
    expect(parseTerraformState('{"format_version":"1.0","terraform_version":"1.9.5","values":{"root_module":{}}}', 'e.json').values.size).toBe(0);
  });
});

describe('a saved plan (terraform show -json PLANFILE)', () => {
  const plan = parseTerraformState(text('tf-plan.json'), 'plan.json');
  const v = plan.values;

  it('takes var.* from the plan, but not a sensitive variable nor a number', () => {
    expect(v.get('var.stage')).toBe('prod');
    expect(v.get('var.table_name')).toBe('orders');
    expect(v.get('var.tags.Team')).toBe('orders');
    expect(v.has('var.db_password')).toBe(false);
    expect(plan.skipped).toContainEqual({ key: 'var.db_password', reason: 'sensitive in the Terraform output' });
    expect(v.has('var.replicas')).toBe(false);
  });

  it('takes planned values over the prior state', () => {
    expect(v.get('aws_dynamodb_table.orders.tags.Team')).toBe('orders');
    expect(v.get('aws_s3_bucket.exports.bucket')).toBe('orders-exports-v2');
  });

  it('leaves what is known only after apply unresolved, not taken from the prior state', () => {
    expect(v.has('aws_s3_bucket.exports.arn')).toBe(false);
    expect(v.has('aws_sqs_queue.events.arn')).toBe(false);
    expect(v.get('aws_sqs_queue.events.name')).toBe('orders-events');
  });

  it('takes what the plan does not list (data sources read while planning) from the prior state', () => {
    expect(v.get('data.aws_caller_identity.current.account_id')).toBe('123456789012');
  });
});

describe('module scope', () => {
  const values = parseTerraformState(text('tf-state.json'), 'state.json').values;

  it("gives a module's values under the keys its own code writes", () => {
    const worker = terraformModuleScope(values, 'module.worker');
    expect(worker.get('aws_lambda_function.this.arn')).toBe('arn:aws:lambda:eu-west-1:123456789012:function:orders-worker');
    expect(worker.get('data.aws_region.current.name')).toBe('eu-west-1');
    expect([...worker.keys()].some((k) => k.startsWith('module.') || k.startsWith('aws_dynamodb_table'))).toBe(false);
    expect(terraformModuleScope(values, 'module.worker.module.dlq').get('aws_sqs_queue.this.arn')).toBe('arn:aws:sqs:eu-west-1:123456789012:orders-worker-dlq');
  });

  it('the root scope holds no module resources (a module is reached through its outputs)', () => {
    const root = terraformModuleScope(values, '');
    expect(root.get('aws_dynamodb_table.orders.arn')).toBeDefined();
    expect([...root.keys()].filter((k) => k.startsWith('module.'))).toEqual([]);
  });

  it("var.* belongs to the root: a module's inputs are not in the JSON", () => {
    const planValues = parseTerraformState(text('tf-plan.json'), 'plan.json').values;
    expect(terraformModuleScope(planValues, '').get('var.stage')).toBe('prod');
    expect(terraformModuleScope(new Map([['module.m.var.x', 'no'], ['module.m.aws_s3_bucket.b.id', 'b']]), 'module.m')).toEqual(new Map([['aws_s3_bucket.b.id', 'b']]));
  });
});

describe('the Terraform editor reads references whose keys the state resolves', () => {
  it('resolves every reference of a root policy', () => {
    const state = parseTerraformState(text('tf-state.json'), 'state.json');
    const plan = parseTerraformState(text('tf-plan.json'), 'plan.json');
    const grants = terraformEditor.read(text('iam.tf'), { format: 'terraform', file: 'iam.tf', address: 'aws_iam_role_policy.api' });
    const values = new Map([...state.values, ['var.stage', plan.values.get('var.stage')!]]);
    const resources = grants.statements.flatMap((s) => s.resource ?? []).map((r) => resolveTokens(r, grants.references, values));
    expect(resources.flatMap((r) => r.unresolved)).toEqual([]);
    expect(resources.map((r) => r.text)).toEqual([
      'arn:aws:dynamodb:eu-west-1:123456789012:table/orders',
      'arn:aws:s3:::orders-receipts-eu/*',
      'arn:aws:s3:::orders-receipts-us/*',
      'arn:aws:sqs:eu-west-1:123456789012:jobs-high',
      'arn:aws:sqs:eu-west-1:123456789012:jobs-low',
      'arn:aws:ssm:eu-west-1:123456789012:parameter/orders/prod/*',
    ]);
  });

  it("without the variable, var.stage stays a token and is listed; the rest resolves", () => {
    const state = parseTerraformState(text('tf-state.json'), 'state.json');
    const grants = terraformEditor.read(text('iam.tf'), { format: 'terraform', file: 'iam.tf', address: 'aws_iam_role_policy.api' });
    const last = grants.statements[3]!.resource![0]!;
    const r = resolveTokens(last, grants.references, state.values);
    expect(r.unresolved.map((x) => x.written)).toEqual(['${var.stage}']);
    expect(r.text.startsWith('arn:aws:ssm:eu-west-1:123456789012:parameter/orders/')).toBe(true);
    expect(r.text).toContain('\uE000');
  });

  it("resolves a module's policy through the module's scope", () => {
    const values = terraformModuleScope(parseTerraformState(text('tf-state.json'), 'state.json').values, 'module.worker');
    const file = 'modules/worker/iam.tf';
    const grants = terraformEditor.read(text(file), { format: 'terraform', file, address: 'aws_iam_role_policy.invoke' });
    const resources = grants.statements.flatMap((s) => s.resource ?? []).map((r) => resolveTokens(r, grants.references, values).text);
    expect(resources).toEqual(['arn:aws:lambda:eu-west-1:123456789012:function:orders-worker', 'arn:aws:sqs:eu-west-1:*:orders-worker-dlq']);
  });
});

describe('refusals: a typed error naming the file and what to run', () => {
  const refusal = (body: string, file = 'state.json'): ReferenceSourceError => {
    try {
      parseTerraformState(body, file);
    } catch (e) {
      expect(e).toBeInstanceOf(ReferenceSourceError);
      return e as ReferenceSourceError;
    }
    throw new Error('expected a refusal');
  };

  it.each([
    ['not JSON', 'format_version = "1.0"', /^state\.json: not JSON/],
    ['a list', '[]', /expected the JSON object of `terraform show -json`, found a list/],
    ['no format_version', '{"values":{}}', /no "format_version"/],
    ['a new major format', '{"format_version":"2.0"}', /format_version "2\.0" is not supported/],
    ['values not an object', '{"format_version":"1.0","values":[]}', /values should be an object, found a list/],
    ['resources not a list', '{"format_version":"1.0","values":{"root_module":{"resources":{}}}}', /values\.root_module\.resources should be a list/],
    ['a resource without address', '{"format_version":"1.0","values":{"root_module":{"resources":[{"values":{}}]}}}', /resources\[0\]\.address should be a resource address/],
    ['a child module not an object', '{"format_version":"1.0","values":{"root_module":{"child_modules":[1]}}}', /child_modules\[0\] should be an object, found a number/],
    ['variables not an object', '{"format_version":"1.0","planned_values":{},"variables":[]}', /variables should be an object/],
  ])('%s', (_what, body, message) => {
    const e = refusal(body);
    expect(e.code).toBe('tf-state-invalid');
    expect(e.file).toBe('state.json');
    expect(e.message).toMatch(message);
    expect(e.hint).toContain('terraform show -json > state.json');
    expect(e.source).toBe('user');
  });

  it('a raw terraform.tfstate is named as such', () => {
    const e = refusal(text('raw.tfstate'), 'terraform.tfstate');
    expect(e.message).toBe('terraform.tfstate: this is a raw Terraform state file (terraform.tfstate), whose layout is internal to Terraform');
    expect(e.hint).toContain('terraform show -json');
  });
});
