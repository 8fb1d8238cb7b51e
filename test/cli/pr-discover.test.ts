/**
 * `policy-trim pr --discover`: the shapes of issue 10 §1 found in a repository's files and matched to role
 * names, printed as a `.policy-trim.yml` the configuration parser accepts, with every guess and every grant it
 * could not place said in comments; never written anywhere.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config/parse.js';
import { discover, type RepoFile } from '../../src/core/pr/discover.js';
import { renderDiscovery, yamlScalar } from '../../src/core/pr/discover-render.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/offline-fixture.js';

const TERRAFORM = `
resource "aws_iam_role" "api" {
  name               = "orders-api-role"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "api" {
  statement {
    actions   = ["dynamodb:*"]
    resources = [aws_dynamodb_table.orders.arn]
  }
}

resource "aws_iam_role_policy" "api" {
  role   = aws_iam_role.api.id
  policy = data.aws_iam_policy_document.api.json
}

resource "aws_iam_role_policy" "messaging" {
  role = aws_iam_role.api.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sqs:*", Resource = "*" }] })
}
`;

const TERRAFORM_POLICIES = `
resource "aws_iam_policy" "shared" {
  policy = <<-EOT
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
  EOT
}

resource "aws_iam_role_policy_attachment" "shared" {
  role       = aws_iam_role.api.name
  policy_arn = aws_iam_policy.shared.arn
}

resource "aws_iam_role_policy_attachment" "basic" {
  role       = aws_iam_role.api.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}

resource "aws_iam_role_policy" "elsewhere" {
  role   = var.role_name
  policy = jsonencode({ Statement = [] })
}
`;

const TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  WorkerRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: orders-worker-role
      ManagedPolicyArns:
        - !Ref Shared
  Shared:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: sqs:*
            Resource: '*'
  Inline:
    Type: AWS::IAM::Policy
    Properties:
      Roles: [!Ref WorkerRole]
      PolicyDocument:
        Statement: []
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
        - DynamoDBCrudPolicy: { TableName: !Ref Table }
`;

const SERVERLESS = `service: orders-api
provider:
  name: aws
  stage: prod
  region: us-east-1
  iam:
    role:
      statements:
        - Effect: Allow
          Action: sns:Publish
          Resource: '*'
functions:
  worker:
    handler: worker.handler
    iamRoleStatements:
      - Effect: Allow
        Action: sqs:ReceiveMessage
        Resource: '*'
`;

const ROLE_JSON = JSON.stringify({
  RoleName: 'exporter-role',
  AssumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
  ManagedPolicyArns: ['arn:aws:iam::123456789012:policy/exporter-shared'],
  InlinePolicies: { 'exporter-role': { Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }] } },
}, null, 2);

const POLICY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });

const FILES: RepoFile[] = [
  { path: 'infra/iam.tf', text: TERRAFORM },
  { path: 'infra/policies.tf', text: TERRAFORM_POLICIES },
  { path: 'stacks/worker.yaml', text: TEMPLATE },
  { path: 'app/serverless.yml', text: SERVERLESS },
  { path: 'json/roles/exporter.json', text: ROLE_JSON },
  { path: 'json/policies/exporter-shared.json', text: POLICY },
  { path: 'json/policies/orders-api-role.extra.json', text: POLICY },
  { path: 'json/policies/mystery.json', text: POLICY },
  { path: 'json/bucket-policy.json', text: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' }] }) },
  { path: 'package.json', text: '{"name": "x"}' },
  { path: 'broken/main.tf', text: 'resource "aws_iam_role" "x" {\n  name = "unclosed"\n' },
];

const sitesOf = (d: ReturnType<typeof discover>, role: string) => d.roles.find((r) => r.name === role)?.sites.map((s) => s.site);

describe('discover (pure: file texts in, a proposal out)', () => {
  const d = discover(FILES);

  it('links Terraform grants across the files of a folder, through documents and attachments, never a trust policy', () => {
    expect(sitesOf(d, 'orders-api-role')).toEqual([
      { format: 'terraform', file: 'infra/iam.tf', address: 'data.aws_iam_policy_document.api' },
      { format: 'terraform', file: 'infra/iam.tf', address: 'aws_iam_role_policy.messaging' },
      { format: 'terraform', file: 'infra/policies.tf', address: 'aws_iam_policy.shared' },
      { format: 'terraform', file: 'infra/policies.tf', address: 'aws_iam_role_policy_attachment.basic' },
      { format: 'json', file: 'json/policies/orders-api-role.extra.json' },
    ]);
    expect(JSON.stringify(d)).not.toContain('aws_iam_policy_document.trust');
  });

  it('reads CloudFormation roles, policies attached by Roles or ManagedPolicyArns, and SAM functions (their role a guess)', () => {
    expect(sitesOf(d, 'orders-worker-role')).toEqual([
      { format: 'cloudformation', file: 'stacks/worker.yaml', resource: 'WorkerRole' },
      { format: 'cloudformation', file: 'stacks/worker.yaml', resource: 'Shared' },
      { format: 'cloudformation', file: 'stacks/worker.yaml', resource: 'Inline' },
    ]);
    const api = d.roles.find((r) => r.name === 'Api-role')!;
    expect(api.guess).toMatch(/SAM generates the role/);
    expect(api.sites.map((s) => s.site)).toEqual([{ format: 'sam', file: 'stacks/worker.yaml', function: 'Api' }]);
  });

  it('names serverless roles as the framework does, and JSON role descriptions with what they attach', () => {
    expect(sitesOf(d, 'orders-api-prod-us-east-1-lambdaRole')).toEqual([{ format: 'serverless', file: 'app/serverless.yml' }]);
    expect(sitesOf(d, 'orders-api-prod-worker-us-east-1-lambdaRole')).toEqual([{ format: 'serverless', file: 'app/serverless.yml', function: 'worker' }]);
    expect(sitesOf(d, 'exporter-role')).toEqual([
      { format: 'json', file: 'json/policies/exporter-shared.json' },
      { format: 'json', file: 'json/roles/exporter.json', pointer: '/InlinePolicies/exporter-role' },
    ]);
  });

  it('lists what it cannot place and what it cannot read, and leaves out resource policies', () => {
    expect(d.unmatched.map((u) => [u.site.file, u.reason])).toEqual([
      ['infra/policies.tf', 'its role is var.role_name'],
      ['json/policies/mystery.json', 'no role grants it, and its name is no role found in the repository'],
    ]);
    expect(d.problems.map((p) => p.file)).toEqual(['broken/main.tf']);
    expect(JSON.stringify(d)).not.toContain('bucket-policy');
  });

  it('prints YAML the configuration parser accepts, guesses and leftovers as comments', () => {
    const text = renderDiscovery(d);
    const parsed = parseConfig(text, '.policy-trim.yml');
    expect(parsed.config.roles.map((r) => r.role)).toEqual(d.roles.map((r) => r.name));
    expect(parsed.config.roles.find((r) => r.role === 'orders-api-role')!.definedIn).toHaveLength(5);
    expect(text).toContain('# check the name: SAM generates the role of function Api');
    expect(text).toMatch(/^# {3}- json: \{file: json\/policies\/mystery\.json\}/m);
    expect(text).toMatch(/^# {3}broken\/main\.tf: not read as Terraform/m);
  });

  it('quotes what YAML would read as something else', () => {
    expect(yamlScalar('orders-api-role')).toBe('orders-api-role');
    for (const tricky of ['true', 'null', '123', '1e3', 'a: b', '#x', 'arn:aws:iam::123456789012:role/x', '']) expect(yamlScalar(tricky)).toBe(JSON.stringify(tricky));
  });

  it('says so when nothing is found', () => {
    const none = discover([{ path: 'README.md', text: '# hi' }]);
    expect(parseConfig(renderDiscovery(none), 'x.yml').config.roles).toEqual([]);
  });
});

function write(root: string, files: readonly RepoFile[]): void {
  for (const f of files) {
    mkdirSync(dirname(join(root, f.path)), { recursive: true });
    writeFileSync(join(root, f.path), f.text);
  }
}

describe('policy-trim pr --discover', () => {
  it('walks a folder that is not a git repository, prints the proposal, writes nothing', async () => {
    const root = tempDir('pt-discover-');
    write(root, FILES);
    mkdirSync(join(root, 'node_modules', 'x'), { recursive: true });
    writeFileSync(join(root, 'node_modules', 'x', 'policy.json'), POLICY);
    const before = readdirSync(root).sort();
    const run = await runCli(['pr', '--discover', '--dir', root]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(renderDiscovery(discover(FILES)));
    expect(run.stderr).toMatch(/listed by walking the folder/);
    expect(readdirSync(root).sort()).toEqual(before);
  });

  it('in a git repository, reads what git tracks or would track (ignored files stay out)', async () => {
    const root = tempDir('pt-discover-git-');
    write(root, FILES);
    writeFileSync(join(root, '.gitignore'), 'json/\n');
    execFileSync('git', ['init', '--quiet'], { cwd: root });
    const run = await runCli(['pr', '--discover', '--dir', join(root, 'infra')]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/listed by git ls-files/);
    expect(run.stdout).toContain('infra/iam.tf');
    expect(run.stdout).not.toContain('exporter');
  });

  it('--discover with --role or --all is a usage error', async () => {
    for (const extra of [['--role', 'x'], ['--all']]) {
      const run = await runCli(['pr', '--discover', ...extra]);
      expect(run.code).toBe(64);
      expect(run.stderr).toMatch(/cannot be combined/);
    }
  });
});
