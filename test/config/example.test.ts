/**
 * The full example of docs/configuration.md is valid and means what the page says: read from the page, so
 * the documentation cannot drift from the parser.
 */
import { describe, expect, it } from 'vitest';
import type { GrantSite } from '../../src/core/iac/types.js';
import { docExample, TODAY, tryParse } from './support.js';

describe('docs/configuration.md, full example', () => {
  const r = tryParse(docExample());
  const parsed = r.ok ? r.parsed : undefined;

  it('parses without problems or warnings', () => {
    expect(r.ok ? [] : r.problems).toEqual([]);
    expect(parsed!.warnings).toEqual([]);
  });

  it('gives each role its grant sites as core/iac GrantSites', () => {
    const sites: GrantSite[][] = parsed!.config.roles.map((role) => role.definedIn);
    expect(sites[0]).toEqual([
      { format: 'terraform', file: 'infra/iam.tf', address: 'data.aws_iam_policy_document.orders_api' },
      { format: 'terraform', file: 'infra/iam.tf', address: 'aws_iam_role_policy_attachment.orders_readonly' },
    ]);
    expect(sites[1]).toEqual([
      { format: 'json', file: 'policies/reports.json', pointer: '/PolicyDocument' },
      { format: 'cloudformation', file: 'stacks/reports.yaml', resource: 'ReportsRole', policy: 'ReportsPolicy' },
    ]);
    expect(sites[2]).toEqual([{ format: 'sam', file: 'billing/template.yaml', function: 'BillingFunction' }]);
    expect(sites[3]).toEqual([
      { format: 'serverless', file: 'notifications/serverless.yml' },
      { format: 'serverless', file: 'notifications/serverless.yml', function: 'send-email' },
    ]);
  });

  it('normalizes the rest: functions, accounts, the Athena source with its trail, the gate, pr', () => {
    const c = parsed!.config;
    expect(c.roles[0]!.functions).toEqual([{ name: 'orders-api' }, { name: 'orders-worker', unobservable: ['kms:Decrypt'], vpc: true, tracing: 'active' }]);
    expect(c.roles[1]!.functions).toBeUndefined();
    expect(c.accounts).toEqual([
      { id: '111122223333', assumeRole: 'policy-trim-readonly' },
      { id: '444455556666', assumeRole: 'policy-trim-readonly' },
    ]);
    expect(c.activity).toEqual({
      source: { kind: 'athena', table: 'cloudtrail_logs', database: 'security', workgroup: 'policy-trim', output: 's3://audit-athena-results/policy-trim/', trailName: 'org-audit' },
      window: { days: 90 },
    });
    expect(c.gate.failOn).toEqual(['unused-permissions-management', 'unused-write', 'new-drift']);
    expect(c.pr).toEqual({ labels: ['security', 'iam'], base: 'main', branchPrefix: 'policy-trim/' });
    expect(c.acknowledge[0]).toEqual({ finding: 'UNUSED[111122223333:orders-api-role][s3:DeleteBucket]', reason: 'break-glass restore path, exercised once a year', until: '2027-06-30' });
  });

  it('locates each role on its line (SARIF falls back to it)', () => {
    const text = docExample().split('\n');
    const line = parsed!.locate(['roles', 1])!.line;
    expect(text[line - 1]).toContain('arn:aws:iam::444455556666:role/service/reports-role');
    expect(parsed!.locate(['roles', 9])).toBeUndefined();
  });

  it('warns once the example acknowledgement has expired, without failing', () => {
    const later = tryParse(docExample(), new Date('2027-07-01T00:00:00Z'));
    expect(later.ok).toBe(true);
    const warnings = later.ok ? later.parsed.warnings : [];
    expect(warnings.map((w) => `${w.path}: ${w.message}`)).toEqual([expect.stringMatching(/^acknowledge\[0\]\.until: expired on 2027-06-30/)]);
    expect(TODAY.getTime()).toBeLessThan(Date.parse('2027-06-30'));
  });
});
