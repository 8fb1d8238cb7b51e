/**
 * Reference values from CloudFormation and SAM parameter files (core/iac/cfn-params.ts): each form users keep,
 * what is skipped and why, the samconfig environments and the SAM CLI's overrides syntax, the small TOML reader,
 * and every refusal. The SAM-resolved round trip goes through the SAM editor's own read of a template.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { samEditor } from '../../src/core/iac/cfn-editor.js';
import { parseParameterFile, splitOverrides } from '../../src/core/iac/cfn-params.js';
import { ReferenceSourceError, resolveTokens } from '../../src/core/iac/resolve.js';

const DIR = join(import.meta.dirname, 'fixtures', 'resolve');
const read = (name: string, opts = {}) => parseParameterFile(readFileSync(join(DIR, name), 'utf8'), name, opts);
const entries = (m: ReadonlyMap<string, string>) => Object.fromEntries(m);

describe('the AWS CLI form', () => {
  it('gives Ref:K for each entry; UsePreviousValue and a value with a comma are skipped with why', () => {
    const s = read('params-cli.json');
    expect(s.name).toBe('params-cli.json');
    expect(entries(s.values)).toEqual({ 'Ref:Stage': 'prod', 'Ref:TableName': 'orders' });
    expect(s.skipped).toEqual([
      { key: 'Ref:DbPassword', reason: 'UsePreviousValue: the deployed stack holds the value (give the stack to resolve it)' },
      { key: 'Ref:AllowedOrigins', reason: 'the value holds a comma, so the parameter may be a list (give the template to tell)' },
    ]);
  });

  it('reads the Parameters list of a --cli-input-json file', () => {
    expect(entries(read('cli-input.json').values)).toEqual({ 'Ref:Stage': 'prod', 'Ref:BucketName': 'orders-receipts' });
  });

  it("the template's declared types decide exactly: a String with a comma resolves, lists and SSM types do not", () => {
    const text = JSON.stringify([
      { ParameterKey: 'Csv', ParameterValue: 'a,b' },
      { ParameterKey: 'Origins', ParameterValue: 'https://a.example' },
      { ParameterKey: 'Subnets', ParameterValue: 'subnet-1' },
      { ParameterKey: 'TableArnParam', ParameterValue: '/orders/prod/table-arn' },
      { ParameterKey: 'Undeclared', ParameterValue: 'x' },
    ]);
    const types = new Map([
      ['Csv', 'String'],
      ['Origins', 'CommaDelimitedList'],
      ['Subnets', 'List<AWS::EC2::Subnet::Id>'],
      ['TableArnParam', 'AWS::SSM::Parameter::Value<String>'],
    ]);
    const s = parseParameterFile(text, 'p.json', { types });
    expect(entries(s.values)).toEqual({ 'Ref:Csv': 'a,b', 'Ref:Undeclared': 'x' });
    expect(s.skipped.map((x) => [x.key, x.reason])).toEqual([
      ['Ref:Origins', 'CommaDelimitedList: a list, not one value'],
      ['Ref:Subnets', 'List<AWS::EC2::Subnet::Id>: a list, not one value'],
      ['Ref:TableArnParam', "AWS::SSM::Parameter::Value<String>: Ref gives the SSM parameter's value, not the name in the file"],
    ]);
  });
});

describe('the CodePipeline template configuration', () => {
  it('gives Ref:K for each of Parameters; a bare number or boolean is its text; Tags are not parameters', () => {
    const s = read('template-config.json');
    expect(entries(s.values)).toEqual({ 'Ref:Stage': 'prod', 'Ref:TableName': 'orders', 'Ref:Port': '8080', 'Ref:Tracing': 'true' });
    expect(s.skipped).toEqual([]);
  });
});

describe('samconfig.toml', () => {
  it('reads [default.deploy.parameters] parameter_overrides in the SAM CLI syntax', () => {
    const s = read('samconfig.toml');
    expect(entries(s.values)).toEqual({
      'Ref:Stage': 'prod',
      'Ref:TableName': 'orders',
      'Ref:BucketName': 'orders receipts',
      'Ref:QueueName': 'jobs-high',
      'Ref:Path': 'a b',
    });
  });

  it('reads a list of override strings, past comments, multi-line strings that look like tables, inline tables', () => {
    expect(entries(read('samconfig.toml', { environment: 'staging' }).values)).toEqual({ 'Ref:Stage': 'staging', 'Ref:TableName': 'orders-staging' });
    expect(read('samconfig.toml', { environment: 'fake' }).values.size).toBe(0);
  });

  it('falls back to [ENV.global.parameters] when the deploy table has none', () => {
    expect(entries(read('samconfig.toml', { environment: 'ci' }).values)).toEqual({ 'Ref:Stage': 'ci' });
  });

  it('an environment the file does not have gives nothing', () => {
    expect(read('samconfig.toml', { environment: 'prod' })).toEqual({ name: 'samconfig.toml', values: new Map(), skipped: [] });
  });

  it.each([
    ['basic escapes (a tab does not separate, as in SAM)', 'parameter_overrides = "A=\\u00e9\\tb C=\\U0001F600"', { A: 'é\tb', C: '😀' }],
    ['a literal string keeps backslashes', "parameter_overrides = 'P=C:\\dir'", { P: 'C:\\dir' }],
    ['a multi-line basic string with a line-ending backslash', 'parameter_overrides = """\nA=1 \\\n    B=2\n"""', { A: '1', B: '2' }],
    ['a multi-line literal string (a line break does not separate, as in SAM)', "parameter_overrides = '''\nA=1 B=x\ny\n'''", { A: '1', B: 'x\ny' }],
    ['a dotted key from the environment table', '[default]\ndeploy.parameters.parameter_overrides = "A=1"', { A: '1' }],
    ['quoted table names and blanks around dots', '[ "default" . deploy . "parameters" ]\nparameter_overrides = "A=1"', { A: '1' }],
    ['CRLF line ends', '[default.deploy.parameters]\r\nparameter_overrides = "A=1" # why\r\nregion = "eu-west-1"\r\n', { A: '1' }],
  ])('TOML: %s', (_what, body, expected) => {
    const text = body.startsWith('[') ? body : `[default.deploy.parameters]\n${body}\n`;
    const s = parseParameterFile(text, 'samconfig.toml');
    expect(entries(s.values)).toEqual(Object.fromEntries(Object.entries(expected).map(([k, v]) => [`Ref:${k}`, v])));
  });
});

describe('samconfig.yaml and samconfig.json', () => {
  it('read the same keys as the TOML file', () => {
    expect(entries(read('samconfig.yaml').values)).toEqual({ 'Ref:Stage': 'prod', 'Ref:TableName': 'orders' });
    expect(entries(read('samconfig.json').values)).toEqual({ 'Ref:Stage': 'prod', 'Ref:TableName': 'orders' });
  });

  it('a samconfig without the environment gives nothing', () => {
    expect(read('samconfig.yaml', { environment: 'staging' }).values.size).toBe(0);
  });
});

describe('the SAM CLI overrides syntax', () => {
  it('splits on blanks outside quotes and after no backslash', () => {
    expect(splitOverrides(` A=1  B="x y" C='p q' D=a\\ b  E=\\"`)).toEqual(['A=1', 'B="x y"', "C='p q'", 'D=a\\ b', 'E=\\"']);
  });

  it('a piece that is not KEY=VALUE is passed over, as SAM does, and reported', () => {
    const s = parseParameterFile('[default.deploy.parameters]\nparameter_overrides = "A=1 stray B=2"\n', 'samconfig.toml');
    expect(entries(s.values)).toEqual({ 'Ref:A': '1', 'Ref:B': '2' });
    expect(s.skipped).toEqual([{ key: 'stray', reason: 'samconfig.toml: not KEY=VALUE in parameter_overrides; SAM ignores it too' }]);
  });

  it('a value may hold "=" and the long form may be mixed in', () => {
    const s = parseParameterFile('[default.deploy.parameters]\nparameter_overrides = "Q=a=b ParameterKey=K,ParameterValue=v=w"\n', 'samconfig.toml');
    expect(entries(s.values)).toEqual({ 'Ref:Q': 'a=b', 'Ref:K': 'v=w' });
  });
});

describe('SAM template references resolve through a parameter file', () => {
  it('the SAM editor reads !Sub ${Stage}; the file resolves it, pseudo parameters stay tokens', () => {
    const template = [
      'Transform: AWS::Serverless-2016-10-31',
      'Parameters:',
      '  Stage: {Type: String}',
      'Resources:',
      '  Api:',
      '    Type: AWS::Serverless::Function',
      '    Properties:',
      '      Handler: index.handler',
      '      Runtime: nodejs20.x',
      '      Policies:',
      '        - Statement:',
      '            - Effect: Allow',
      '              Action: ssm:GetParameter',
      '              Resource: !Sub arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/orders/${Stage}/*',
      '',
    ].join('\n');
    const grants = samEditor.read(template, { format: 'sam', file: 'template.yaml', function: 'Api' });
    const r = resolveTokens(grants.statements[0]!.resource![0]!, grants.references, read('samconfig.toml').values);
    expect(r.unresolved.map((x) => x.key)).toEqual(['Ref:AWS::Region', 'Ref:AWS::AccountId']);
    expect(r.text.endsWith(':parameter/orders/prod/*')).toBe(true);
  });
});

describe('refusals name the file and the forms read', () => {
  const refusal = (text: string, file: string): ReferenceSourceError => {
    try {
      parseParameterFile(text, file);
    } catch (e) {
      expect(e).toBeInstanceOf(ReferenceSourceError);
      return e as ReferenceSourceError;
    }
    throw new Error('expected a refusal');
  };

  it.each([
    ['bad JSON', '[{"ParameterKey": }]', 'p.json', /^p\.json: not JSON/],
    ['bad YAML', 'a: [b', 'samconfig.yaml', /^samconfig\.yaml: not YAML/],
    ['an entry without ParameterKey', '[{"Key": "A", "Value": "1"}]', 'p.json', /\[0\] has no "ParameterKey" string/],
    ['a value that is an object', '[{"ParameterKey": "A", "ParameterValue": {"x": 1}}]', 'p.json', /\[0\]\.ParameterValue should be a string/],
    ['a Parameters value that is a list', '{"Parameters": {"A": [1]}}', 'c.json', /Parameters\.A should be a string/],
    ['no known form', '{"Stage": "prod"}', 'x.json', /x\.json: not a parameter file this tool reads/],
    ['overrides that are a map (YAML)', 'default:\n  deploy:\n    parameters:\n      parameter_overrides: {A: 1}\n', 'samconfig.yaml', /default\.deploy\.parameters\.parameter_overrides should be a string or a list of strings/],
    ['overrides that are a number (TOML)', '[default.deploy.parameters]\nparameter_overrides = 3\n', 'samconfig.toml', /\[default\.deploy\.parameters\] parameter_overrides should be a string or a list of strings/],
    ['an unclosed string', '[default.deploy.parameters]\nregion = "eu-west-1\n', 'samconfig.toml', /line 2: a string is not closed on its line \(TOML\)/],
    ['an array of tables', 'version = 0.1\n[[default.deploy]]\n', 'samconfig.toml', /line 2: an array of tables/],
    ['an unknown escape', '[a]\nb = "\\q"\n', 'samconfig.toml', /line 2: unknown escape \\q/],
    ['two values on a line', '[a]\nb = "x" c = 1\n', 'samconfig.toml', /line 2: expected the end of the line/],
    ['a key without a value', '[a]\nb =\n', 'samconfig.toml', /line 2: expected a value/],
    ['an unclosed list', '[a]\nb = ["x",\n', 'samconfig.toml', /expected a value/],
    ['an unclosed multi-line string', '[a]\nb = """x\n', 'samconfig.toml', /a """ string is not closed/],
  ])('%s', (_what, text, file, message) => {
    const e = refusal(text, file);
    expect(e.code).toBe('cfn-parameters-invalid');
    expect(e.file).toBe(file);
    expect(e.message).toMatch(message);
    expect(e.hint).toContain('ParameterKey');
    expect(e.hint).toContain('samconfig.toml');
  });
});
