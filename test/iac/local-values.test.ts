/** Offline reference values (core/iac/local-values.ts): the role ARN, the Region the code names, serverless `custom:`. */
import { describe, expect, it } from 'vitest';
import { localReferenceValues, samconfigRegion, withLocalValues } from '../../src/core/iac/local-values.js';

const ROLE = 'arn:aws:iam::123456789012:role/orders-api-role';
const SLS = `service: s
custom:
  tableName: orders
  receipts: orders-receipts-\${aws:accountId}
  alias: \${self:custom.tableName}-v2
  fromOpt: \${opt:stage, 'prod'}
  nested: { a: 1 }
provider:
  name: aws
  region: eu-west-1
resources:
  Resources:
    T: { Type: AWS::DynamoDB::Table, Properties: { TableName: !Ref AWS::StackName } }
`;
const SAMCONFIG = 'version = 0.1\n[default.global.parameters]\nstack_name = "x"\nregion = "us-east-1"\n[default.deploy.parameters]\nconfirm_changeset = true\n';

describe('localReferenceValues', () => {
  it('gives the account and partition of the role ARN, and the Region of a samconfig', () => {
    const v = localReferenceValues({ role: ROLE, sites: [], parameterFiles: [{ file: 'samconfig.toml', text: SAMCONFIG }] }).values;
    expect(Object.fromEntries(v)).toMatchObject({ 'Ref:AWS::AccountId': '123456789012', 'Ref:AWS::Partition': 'aws', 'Ref:AWS::Region': 'us-east-1', 'aws:accountId': '123456789012' });
  });

  it('gives serverless custom strings whose variables are known, and provider.region', () => {
    const v = localReferenceValues({ role: ROLE, sites: [{ site: { format: 'serverless', file: 'serverless.yml' }, text: SLS }] }).values;
    expect(v.get('aws:region')).toBe('eu-west-1');
    expect(v.get('self:custom.tableName')).toBe('orders');
    expect(v.get('self:custom.receipts')).toBe('orders-receipts-123456789012');
    expect(v.get('self:custom.alias')).toBe('orders-v2');
    expect(v.has('self:custom.fromOpt')).toBe(false);
    expect(v.has('self:custom.nested')).toBe(false);
  });

  it('gives nothing it cannot vouch for: a bare role name, two Regions, a multi-Region trail', () => {
    expect(localReferenceValues({ role: 'orders-api-role', sites: [] }).values.size).toBe(0);
    const two = localReferenceValues({ role: ROLE, sites: [{ site: { format: 'serverless', file: 'serverless.yml' }, text: SLS }], parameterFiles: [{ file: 'samconfig.toml', text: SAMCONFIG }] });
    expect(two.values.has('Ref:AWS::Region')).toBe(false);
    const trail = (multiRegion: boolean, account = '123456789012') => localReferenceValues({ role: ROLE, sites: [], trail: { arn: `arn:aws:cloudtrail:eu-central-1:${account}:trail/t`, multiRegion } }).values.get('Ref:AWS::Region');
    expect(trail(false)).toBe('eu-central-1');
    expect(trail(true)).toBeUndefined();
    expect(trail(false, '999999999999')).toBeUndefined();
  });

  it('reads a YAML samconfig, and never overrides an explicit value', () => {
    expect(samconfigRegion('version: 0.1\ndefault:\n  deploy:\n    parameters:\n      region: ap-south-1\n', 'samconfig.yaml')).toBe('ap-south-1');
    const local = localReferenceValues({ role: ROLE, sites: [] });
    expect(withLocalValues(new Map([['Ref:AWS::AccountId', '111122223333']]), local).get('Ref:AWS::AccountId')).toBe('111122223333');
  });
});
