/**
 * The world of `pr --split-by-function`'s tests: the bundled example's infrastructure code
 * (examples/orders-api/infra/FORMAT: orders-api-role shared by orders-api, orders-worker and receipts-exporter)
 * as a repository of its own, with the example's activity (test/cli/pr-fixture.ts).
 *
 * The CloudFormation/SAM and serverless files name some resources through `!GetAtt` (the table, the bucket, the
 * queue), which only a deployed stack resolves (`--stack`); offline the split refuses them (its roles are written
 * with literal values). The copies here write those values out, exactly as the deployed stack would give them, so
 * the split runs offline; Terraform's are resolved by the example's `terraform.tfstate.json` (`--tf-state`).
 * The SAM copy also leaves out `SQSPollerPolicy`, which grants a part of what `OrderQueues` grants (the example's
 * README): the grant is then exactly the example's policy files, so each function's role can be compared with what
 * `suggest --split-by-function` gives from those files (a second statement for the same grant trims differently).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { infraRepo, type InfraRepo } from '../cli/pr-fixture.js';

const INFRA = resolve(import.meta.dirname, '..', '..', 'examples', 'orders-api', 'infra');

/**
 * The formats of the example the split is added to: the example's folders, `plain-cloudformation`, a
 * CloudFormation template without SAM written here from the example's policy files (plainCloudFormation), and
 * `json-cloudformation`, the same template written in JSON (jsonCloudFormation).
 */
export const SPLIT_FORMATS = ['terraform', 'cloudformation', 'plain-cloudformation', 'json-cloudformation', 'serverless'] as const;
export type SplitExampleFormat = (typeof SPLIT_FORMATS)[number];

/** The file each format's roles are added to. */
export const TARGET: Record<SplitExampleFormat, string> = {
  terraform: 'main.tf',
  cloudformation: 'template.yaml',
  'plain-cloudformation': 'template.yaml',
  'json-cloudformation': 'template.json',
  serverless: 'serverless.yml',
};

const POLICIES = resolve(INFRA, '..', 'policies');

/**
 * The example as plain CloudFormation: the shared role an `AWS::IAM::Role` with the inline policy, the managed
 * policy an `AWS::IAM::ManagedPolicy` of the template, three `AWS::Lambda::Function`s running with the role
 * (documents written as JSON, which YAML reads as it is).
 */
function plainCloudFormation(): Record<string, string> {
  const json = (file: string) => JSON.stringify(JSON.parse(readFileSync(join(POLICIES, file), 'utf8')));
  const fn = (id: string, name: string) => `  # ${name}\n  ${id}:\n    Type: AWS::Lambda::Function\n    Properties:\n      FunctionName: ${name}\n      Runtime: nodejs20.x\n      Handler: index.handler\n      Code: {ZipFile: 'exports.handler = async () => {}'}\n      Role: !GetAtt SharedRole.Arn\n`;
  const template = [
    "AWSTemplateFormatVersion: '2010-09-09'",
    'Resources:',
    '  SharedAccess:',
    '    Type: AWS::IAM::ManagedPolicy',
    '    Properties:',
    '      ManagedPolicyName: orders-api-shared-access',
    `      PolicyDocument: ${json('orders-api-shared-access.json')}`,
    '  SharedRole:',
    '    Type: AWS::IAM::Role',
    '    Properties:',
    '      RoleName: orders-api-role',
    "      AssumeRolePolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]}",
    '      ManagedPolicyArns: [!Ref SharedAccess]',
    '      Policies:',
    '        - PolicyName: orders-api-role',
    `          PolicyDocument: ${json('orders-api-role.inline.json')}`,
    fn('OrdersApi', 'orders-api') + fn('OrdersWorker', 'orders-worker') + fn('ReceiptsExporter', 'receipts-exporter').replace(/\n$/, ''),
    'Outputs:',
    '  SharedRoleArn:',
    '    Value: !GetAtt SharedRole.Arn',
    '',
  ].join('\n');
  const config = `version: 1\nroles:\n  - role: arn:aws:iam::123456789012:role/orders-api-role\n    functions: [orders-api, orders-worker, receipts-exporter]\n    defined-in:\n      - cloudformation: { file: template.yaml, resource: SharedRole }\n      - cloudformation: { file: template.yaml, resource: SharedAccess }\npr:\n  base: main\n  labels: [security, iam]\n`;
  return { '.policy-trim.yml': config, 'template.yaml': template };
}

/** {@link plainCloudFormation} in JSON (intrinsics in their long form), indented by two spaces as `JSON.stringify` does. */
function jsonCloudFormation(): Record<string, string> {
  const policy = (file: string) => JSON.parse(readFileSync(join(POLICIES, file), 'utf8')) as unknown;
  const fn = (name: string) => ({
    Type: 'AWS::Lambda::Function',
    Properties: { FunctionName: name, Runtime: 'nodejs20.x', Handler: 'index.handler', Code: { ZipFile: 'exports.handler = async () => {}' }, Role: { 'Fn::GetAtt': ['SharedRole', 'Arn'] } },
  });
  const template = {
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: {
      SharedAccess: { Type: 'AWS::IAM::ManagedPolicy', Properties: { ManagedPolicyName: 'orders-api-shared-access', PolicyDocument: policy('orders-api-shared-access.json') } },
      SharedRole: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: 'orders-api-role',
          AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
          ManagedPolicyArns: [{ Ref: 'SharedAccess' }],
          Policies: [{ PolicyName: 'orders-api-role', PolicyDocument: policy('orders-api-role.inline.json') }],
        },
      },
      OrdersApi: fn('orders-api'),
      OrdersWorker: fn('orders-worker'),
      ReceiptsExporter: fn('receipts-exporter'),
    },
    Outputs: { SharedRoleArn: { Value: { 'Fn::GetAtt': ['SharedRole', 'Arn'] } } },
  };
  const config = plainCloudFormation()['.policy-trim.yml']!.replaceAll('template.yaml', 'template.json');
  return { '.policy-trim.yml': config, 'template.json': JSON.stringify(template, null, 2) + '\n' };
}

/** The options resolving each format's references (files of the repository). */
export function resolveOptions(format: SplitExampleFormat, repo: InfraRepo): string[] {
  if (format === 'terraform') return ['--tf-state', join(repo.work, 'terraform.tfstate.json')];
  if (format === 'cloudformation') return ['--parameters', join(repo.work, 'samconfig.toml')];
  return [];
}

const TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders';
const BUCKET = 'arn:aws:s3:::orders-receipts-123456789012';

/** `!GetAtt` of the stack's own resources, written as the deployed stack resolves them. */
const DEPLOYED: Array<[string, string]> = [
  ['        # The worker polls the queue with this role.\n        - SQSPollerPolicy:\n            QueueName: !GetAtt OrdersQueue.QueueName\n', ''],
  ["!Join ['', [!GetAtt OrdersTable.Arn, '/index/*']]", `'${TABLE}/index/*'`],
  ['!Sub ${OrdersTable.Arn}/index/*', `'${TABLE}/index/*'`],
  ['!Sub ${ReceiptsBucket.Arn}/*', `'${BUCKET}/*'`],
  ['!GetAtt OrdersTable.Arn', `'${TABLE}'`],
  ['!GetAtt ReceiptsBucket.Arn', `'${BUCKET}'`],
];

function filesUnder(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) Object.assign(out, filesUnder(full, `${prefix}${name}/`));
    else out[`${prefix}${name}`] = readFileSync(full, 'utf8');
  }
  return out;
}

/** How a copy is made: edited by `change`; `asWritten` keeps the example's references (no values written out). */
export interface CopyOptions {
  change?: (files: Record<string, string>) => void;
  asWritten?: boolean;
}

/** The example's folder for `format` (references written out, see the module comment, unless `asWritten`). */
export function exampleFiles(format: SplitExampleFormat | 'json', options: CopyOptions = {}): Record<string, string> {
  const files = format === 'plain-cloudformation' ? plainCloudFormation() : format === 'json-cloudformation' ? jsonCloudFormation() : filesUnder(join(INFRA, format));
  if ((format === 'cloudformation' || format === 'serverless') && !options.asWritten) {
    const target = TARGET[format];
    let text = files[target]!;
    for (const [from, to] of DEPLOYED) text = text.split(from).join(to);
    files[target] = text;
  }
  options.change?.(files);
  return files;
}

/** A repository (clone and bare remote) holding the example's folder for `format` (see exampleFiles). */
export function exampleRepo(format: SplitExampleFormat | 'json', options: CopyOptions = {}): InfraRepo {
  return infraRepo(exampleFiles(format, options));
}
