/**
 * SAM policy templates expanded into explicit statements (issue 10 §1): each expected statement below is written
 * out by hand from the published definition (aws/serverless-application-model, policy_templates.json at the
 * commit in data/NOTICE), not produced by the code under test; every published template expands, and names only
 * actions of the bundled catalog (with the exceptions listed); the bundled file is what the build script writes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadBundledCatalog, readDataText } from '../../src/adapters/fs/bundled-data.js';
import { loadBundledSamTemplates } from '../../src/adapters/fs/bundled-sam.js';
import { BundledDataError, InvariantError } from '../../src/core/errors.js';
import { IacError } from '../../src/core/iac/errors.js';
import { expandSamTemplate, parseSamTemplates, type SamTemplateAt, type SamTemplates } from '../../src/core/iac/sam-templates.js';
import { referenceToken as t, type IacReference, type SamTemplateUse } from '../../src/core/iac/types.js';
import { REPO_ROOT } from '../support/paths.js';

const templates = loadBundledSamTemplates();
const at: SamTemplateAt = { site: { format: 'sam', file: 'template.yaml', function: 'OrdersFunction' }, position: { line: 12, column: 9 } };
const ordersTable: IacReference = { written: '!Ref OrdersTable', key: 'Ref:OrdersTable' };
const partition: IacReference = { written: '${AWS::Partition}', key: 'Ref:AWS::Partition' };
const region: IacReference = { written: '${AWS::Region}', key: 'Ref:AWS::Region' };
const account: IacReference = { written: '${AWS::AccountId}', key: 'Ref:AWS::AccountId' };

function expand(template: string, parameters: Record<string, string>, table: IacReference[] = [], from: SamTemplates = templates) {
  return expandSamTemplate({ template, parameters }, table, from, at);
}

describe('published templates, expanded by hand', () => {
  it('DynamoDBCrudPolicy with TableName: !Ref OrdersTable keeps the token; the pseudo parameters are appended', () => {
    const out = expand('DynamoDBCrudPolicy', { TableName: t(0) }, [ordersTable]);
    expect(out.statements).toEqual([
      {
        effect: 'Allow',
        action: [
          'dynamodb:GetItem',
          'dynamodb:DeleteItem',
          'dynamodb:PutItem',
          'dynamodb:Scan',
          'dynamodb:Query',
          'dynamodb:UpdateItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:BatchGetItem',
          'dynamodb:DescribeTable',
          'dynamodb:ConditionCheckItem',
        ],
        resource: [`arn:${t(1)}:dynamodb:${t(2)}:${t(3)}:table/${t(0)}`, `arn:${t(1)}:dynamodb:${t(2)}:${t(3)}:table/${t(0)}/index/*`],
      },
    ]);
    expect(out.references).toEqual([ordersTable, partition, region, account]);
  });

  it('S3ReadPolicy with a literal bucket name adds only the partition', () => {
    const out = expand('S3ReadPolicy', { BucketName: 'orders-exports' });
    expect(out.statements).toEqual([
      {
        effect: 'Allow',
        action: ['s3:GetObject', 's3:ListBucket', 's3:GetBucketLocation', 's3:GetObjectVersion', 's3:GetLifecycleConfiguration'],
        resource: [`arn:${t(0)}:s3:::orders-exports`, `arn:${t(0)}:s3:::orders-exports/*`],
      },
    ]);
    expect(out.references).toEqual([partition]);
  });

  it('SQSPollerPolicy reuses a pseudo parameter the site already has, and keeps the table a prefix', () => {
    const queue: IacReference = { written: '!GetAtt Jobs.QueueName', key: 'GetAtt:Jobs.QueueName' };
    const siteRegion: IacReference = { written: '!Ref AWS::Region', key: 'Ref:AWS::Region' };
    const out = expand('SQSPollerPolicy', { QueueName: t(1) }, [siteRegion, queue]);
    expect(out.statements).toEqual([
      {
        effect: 'Allow',
        action: [
          'sqs:ChangeMessageVisibility',
          'sqs:ChangeMessageVisibilityBatch',
          'sqs:DeleteMessage',
          'sqs:DeleteMessageBatch',
          'sqs:GetQueueAttributes',
          'sqs:ReceiveMessage',
        ],
        resource: [`arn:${t(2)}:sqs:${t(0)}:${t(3)}:${t(1)}`],
      },
    ]);
    expect(out.references).toEqual([siteRegion, queue, partition, account]);
  });

  it('CloudWatchPutMetricPolicy: {} takes no parameters and adds no references', () => {
    const table = [ordersTable];
    const out = expand('CloudWatchPutMetricPolicy', {}, table);
    expect(out.statements).toEqual([{ effect: 'Allow', action: ['cloudwatch:PutMetricData'], resource: ['*'] }]);
    expect(out.references).toEqual(table);
    expect(out.references).not.toBe(table); // the caller's table is never changed in place
  });

  it('LambdaInvokePolicy keeps the trailing * that covers versions and aliases', () => {
    const worker: IacReference = { written: '!Ref Worker', key: 'Ref:Worker' };
    const out = expand('LambdaInvokePolicy', { FunctionName: t(0) }, [worker]);
    expect(out.statements).toEqual([
      { effect: 'Allow', action: ['lambda:InvokeFunction'], resource: [`arn:${t(1)}:lambda:${t(2)}:${t(3)}:function:${t(0)}*`] },
    ]);
    expect(out.references).toEqual([worker, partition, region, account]);
  });

  it('AWSSecretsManagerRotationPolicy: two statements, a Sub in a condition value, a Sub without a variable map', () => {
    const out = expand('AWSSecretsManagerRotationPolicy', { FunctionName: 'rotator' });
    const [p, r, a] = [t(0), t(1), t(2)];
    expect(out.statements).toEqual([
      {
        effect: 'Allow',
        action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
        condition: { StringEquals: { 'secretsmanager:resource/AllowRotationLambdaArn': [`arn:${p}:lambda:${r}:${a}:function:rotator`] } },
        resource: [`arn:${p}:secretsmanager:${r}:${a}:secret:*`],
      },
      { effect: 'Allow', action: ['secretsmanager:GetRandomPassword'], resource: ['*'] },
    ]);
    expect(out.references).toEqual([partition, region, account]);
  });

  it('ignores parameters the template does not declare, as SAM does, and keeps ${…} in a value as text', () => {
    const out = expand('S3ReadPolicy', { BucketName: 'b-${x}', Extra: 'ignored' });
    expect(out.statements[0].resource).toEqual([`arn:${t(0)}:s3:::b-\${x}`, `arn:${t(0)}:s3:::b-\${x}/*`]);
  });
});

/** A small set in the bundled file's shape, with intrinsics the published definitions do not use (yet). */
function fixture(definitions: Record<string, { Parameters?: Record<string, { Description: string }>; Statement: unknown[] }>): SamTemplates {
  const meta = { format: 1, repository: 'aws/serverless-application-model', path: 'p.json', commit: 'c0ffee0', commitDate: '2026-01-01', version: '0.0.1' };
  const entries = Object.entries(definitions).map(([name, d]) => [name, { Description: `${name} test`, Parameters: d.Parameters ?? {}, Definition: { Statement: d.Statement } }]);
  return parseSamTemplates({ meta, templates: Object.fromEntries(entries) });
}

describe('intrinsics beyond the published ones', () => {
  const bucket = { BucketName: { Description: 'Name of the Bucket' } };
  const set = fixture({
    JoinPolicy: {
      Parameters: bucket,
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: 'BucketName' }, '/*']] } }],
    },
    IfPolicy: {
      Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: { 'Fn::If': ['IsProd', 'arn:aws:s3:::prod/*', 'arn:aws:s3:::dev/*'] } }],
    },
    EscapePolicy: {
      Parameters: bucket,
      Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: { 'Fn::Sub': ['arn:aws:s3:::${b}/${!aws:username}/*', { b: { Ref: 'BucketName' } }] } }],
    },
  });

  it('Fn::Join is static: the parts joined, a Ref of a pseudo parameter as a reference keyed Ref:AWS::…', () => {
    const out = expand('JoinPolicy', { BucketName: t(0) }, [ordersTable], set);
    expect(out.statements).toEqual([{ effect: 'Allow', action: ['s3:GetObject'], resource: [`arn:${t(1)}:s3:::${t(0)}/*`] }]);
    expect(out.references).toEqual([ordersTable, { written: '{"Ref":"AWS::Partition"}', key: 'Ref:AWS::Partition' }]);
  });

  it('Fn::If is not static: one reference whose key is its JSON text', () => {
    const out = expand('IfPolicy', {}, [], set);
    const json = '{"Fn::If":["IsProd","arn:aws:s3:::prod/*","arn:aws:s3:::dev/*"]}';
    expect(out.statements).toEqual([{ effect: 'Allow', action: ['s3:GetObject'], resource: [t(0)] }]);
    expect(out.references).toEqual([{ written: json, key: json }]);
  });

  it('${!X} in a Sub is the literal ${X} (an IAM policy variable)', () => {
    const out = expand('EscapePolicy', { BucketName: 'docs' }, [], set);
    expect(out.statements[0].resource).toEqual(['arn:aws:s3:::docs/${aws:username}/*']);
    expect(out.references).toEqual([]);
  });
});

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('refusals', () => {
  it('an unknown template is an IacError at the use, naming the source and similar names', () => {
    const e = thrown(() => expand('DynamoDbCrudPolicy', { TableName: 'x' })) as IacError;
    expect(e).toBeInstanceOf(IacError);
    expect(e.code).toBe('iac-unsupported');
    expect(e.message).toMatch(/^template\.yaml:12:9: DynamoDbCrudPolicy is not a SAM policy template .*aws\/serverless-application-model at [0-9a-f]{7}/);
    expect(e.hint).toMatch(/Did you mean DynamoDBCrudPolicy\?/);
    expect(e.source).toBe('user');
  });

  it('a name from Object.prototype is unknown too', () => {
    expect(thrown(() => expand('constructor', {}))).toBeInstanceOf(IacError);
  });

  it('a missing parameter names every parameter of the template, with its description, in the hint', () => {
    const e = thrown(() => expand('DynamoDBStreamReadPolicy', { TableName: 'orders' })) as IacError;
    expect(e).toBeInstanceOf(IacError);
    expect(e.message).toBe('template.yaml:12:9: SAM policy template DynamoDBStreamReadPolicy is missing parameter StreamName');
    expect(e.hint).toBe('DynamoDBStreamReadPolicy takes parameters: StreamName (Name of DynamoDB Stream), TableName (Name of DynamoDB Table); give each a value in the template\'s map.');
  });

  it('a token beyond the given table is a bug of the caller', () => {
    expect(thrown(() => expand('SQSPollerPolicy', { QueueName: t(3) }, [ordersTable]))).toBeInstanceOf(InvariantError);
  });

  it('a damaged file is a BundledDataError naming the template', () => {
    const meta = { format: 1, repository: 'r', path: 'p', commit: 'c', commitDate: 'd', version: 'v' };
    const bad = (templates: unknown) => thrown(() => parseSamTemplates({ meta, templates }, 'data/sam/policy-templates.json')) as Error;
    const ok = { Description: 'd', Parameters: {}, Definition: { Statement: [{ Effect: 'Allow', Action: 'a:B', Resource: '*' }] } };
    expect(bad({ X: { ...ok, Description: 1 } }).message).toMatch(/data\/sam\/policy-templates\.json: template X: Description is not a string/);
    expect(bad({ X: { ...ok, Definition: { Statement: [] } } }).message).toMatch(/template X: Definition.Statement is not a non-empty list/);
    expect(bad({ X: { ...ok, Parameters: { P: {} } } }).message).toMatch(/template X: parameter P has no Description string/);
    const stray = { ...ok, Definition: { Statement: [{ Effect: 'Allow', Action: 'a:B', Resource: { Ref: 'Bucket' } }] } };
    expect(bad({ X: stray }).message).toMatch(/template X: Ref Bucket names no parameter of the template/);
    expect(bad({ X: ok, Y: 'nope' })).toBeInstanceOf(BundledDataError);
    expect(() => parseSamTemplates({ meta: { ...meta, format: 2 }, templates: { X: ok } })).toThrow(/meta.format is 2, this version reads 1/);
  });
});

/**
 * Actions the published definitions name that are not IAM actions, so the catalog lacks them. Amazon SQS
 * Developer Guide, "Amazon SQS batch actions": permissions cannot be set for the batch operations; those of
 * ChangeMessageVisibility and DeleteMessage apply to them (both are in the same statement).
 */
const NOT_IN_CATALOG: Record<string, string[]> = {
  SQSPollerPolicy: ['sqs:ChangeMessageVisibilityBatch', 'sqs:DeleteMessageBatch'],
};

describe('every published template', () => {
  const catalog = loadBundledCatalog();
  // Each parameter a reference of its own, so every token of the site must come through. Expanded in the tests,
  // not while collecting them, so a failure is reported as a failed test.
  const expandAll = () =>
    [...templates.templates.values()].map((template) => {
      const parameters = Object.fromEntries([...template.parameters.keys()].map((p, i) => [p, t(i)]));
      const table = [...template.parameters.keys()].map((p) => ({ written: `!Ref ${p}Resource`, key: `Ref:${p}Resource` }));
      const use: SamTemplateUse = { template: template.name, parameters };
      return { template, table, out: expandSamTemplate(use, table, templates, at) };
    });

  it('are all there (the bundled file holds the 81 templates of its commit)', () => {
    expect(templates.templates.size).toBe(81);
    expect(loadBundledSamTemplates()).toBe(templates);
  });

  it('expands; the only references added are the three pseudo parameters', () => {
    for (const { template, table, out } of expandAll()) {
      expect(out.statements.length, template.name).toBe(template.statements.length);
      expect(out.references.slice(0, table.length), template.name).toEqual(table);
      for (const ref of out.references.slice(table.length)) expect([partition, region, account], template.name).toContainEqual(ref);
    }
  });

  it('names only actions of the bundled catalog, but for the listed exceptions', () => {
    const missing: Record<string, string[]> = {};
    for (const { template, out } of expandAll()) {
      for (const action of out.statements.flatMap((s) => s.action ?? [])) {
        const known = action.includes('*') ? catalog.expandActionPattern(action).length > 0 : catalog.action(action) !== undefined;
        if (!known) (missing[template.name] ??= []).push(action);
      }
    }
    expect(missing).toEqual(NOT_IN_CATALOG);
  });
});

/** The build script's exports used here (plain ESM without type declarations). */
interface BuildScript {
  convert(upstreamText: string, source: Record<string, string>): { meta: Record<string, unknown>; templates: Record<string, unknown> };
  render(doc: { meta: unknown; templates: unknown }): string;
}
// Imported through a computed URL so the type checker does not look for declarations of the .mjs file.
const SCRIPT = join(REPO_ROOT, 'scripts', 'build-sam-templates.mjs');
const script = (await import(pathToFileURL(SCRIPT).href)) as BuildScript;
const committedText = readDataText('sam/policy-templates.json');
const committed = JSON.parse(committedText) as { meta: Record<string, string> };
/** A clone of aws/serverless-application-model, when the machine has one (absent on a clean checkout). */
const upstreamRepo = process.env.POLICY_TRIM_SAM_REPO;
if (!upstreamRepo) console.warn('sam-templates: POLICY_TRIM_SAM_REPO is not set; the full rebuild of data/sam is SKIPPED');

describe('data/sam/policy-templates.json and scripts/build-sam-templates.mjs', () => {
  it('is laid out exactly as the script renders it', () => {
    expect(script.render(committed as never)).toBe(committedText);
  });

  it('names the source data/NOTICE cites', () => {
    const notice = readFileSync(fileURLToPath(new URL('../../data/NOTICE', import.meta.url)), 'utf8');
    expect(committed.meta).toMatchObject({ repository: 'aws/serverless-application-model', path: 'samtranslator/policy_templates_data/policy_templates.json', licence: 'Apache-2.0' });
    for (const field of ['commit', 'blob', 'repository', 'path']) expect(notice, field).toContain(committed.meta[field]);
  });

  it('converts the upstream shape: templates sorted, Parameters defaulted, the meta block complete', () => {
    const upstream = { Version: '9.9.9', Templates: { B: { Description: 'b', Definition: { Statement: [{}] } }, A: { Description: 'a', Parameters: {}, Definition: { Statement: [] } } } };
    const doc = script.convert(JSON.stringify(upstream), { commit: 'abc', commitDate: '2026-01-01' });
    expect(Object.keys(doc.templates)).toEqual(['A', 'B']);
    expect(doc.templates.B).toEqual({ Definition: { Statement: [{}] }, Description: 'b', Parameters: {} });
    expect(doc.meta).toMatchObject({ format: 1, version: '9.9.9', commit: 'abc', templates: 2, repository: 'aws/serverless-application-model' });
  });

  it.skipIf(!upstreamRepo)('is reproduced byte for byte from the upstream commit it names', () => {
    const out = mkdtempSync(join(tmpdir(), 'policy-trim-sam-'));
    try {
      const file = join(out, 'policy-templates.json');
      execFileSync(process.execPath, [SCRIPT, '--repo', upstreamRepo!, '--rev', committed.meta.commit, '--out', file, '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
      expect(readFileSync(file, 'utf8')).toBe(committedText);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
