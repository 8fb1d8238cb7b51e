/**
 * fast-check arbitraries of valid `.policy-trim.yml` contents, built from the schema's shape by hand: every key
 * may appear, values within the schema's patterns and the rules beyond it (unique roles, paths inside the
 * repository, a window that parses).
 */
import fc from 'fast-check';
import { FAIL_ON_VALUES } from '../../src/core/config/fail-on.js';
import { FINDING_KINDS, formatFindingId } from '../../src/core/config/finding-id.js';
import type { AcknowledgementFile, ActivityFile, RepositoryConfigFile, RoleFile, SiteFile } from '../../src/core/config/types.js';

const account = fc.stringMatching(/^\d{12}$/);
const roleName = fc.stringMatching(/^[A-Za-z0-9+=,.@_-]{1,20}$/);
const roleArn = fc.tuple(account, fc.constantFrom('', 'service/', 'a/b/'), roleName).map(([a, path, n]) => `arn:aws:iam::${a}:role/${path}${n}`);
const role = fc.oneof(roleName, roleArn);
const functionName = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/);
const action = fc.constantFrom('s3:GetObject', 'kms:Decrypt', 'sns:*', 'dynamodb:Get?tem', '*');
const ident = fc.stringMatching(/^[a-z_][a-z0-9_]{0,10}$/);
const logicalId = fc.stringMatching(/^[A-Za-z0-9]{1,12}$/);
const repoFile = fc.tuple(fc.array(fc.stringMatching(/^[a-z0-9_]{1,8}$/), { minLength: 1, maxLength: 3 }), fc.constantFrom('.json', '.tf', '.yaml', '.yml')).map(([s, ext]) => s.join('/') + ext);
const date = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const s3Url = fc.tuple(fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,20}[a-z0-9]$/), fc.constantFrom('', '/', '/AWSLogs/')).map(([b, p]) => `s3://${b}${p}`);
const text = fc.stringMatching(/^[a-z][a-z ,.-]{0,20}$/);
const branch = fc.stringMatching(/^[a-z][a-z0-9_-]{0,10}(?:\/[a-z0-9_-]{1,8})?$/);

const site: fc.Arbitrary<SiteFile> = fc.oneof(
  fc.record({ json: fc.record({ file: repoFile, pointer: fc.array(ident, { maxLength: 2 }).map((s) => s.map((x) => `/${x}`).join('')) }, { requiredKeys: ['file'] }) }),
  fc.record({
    terraform: fc.record({
      file: repoFile,
      address: fc.tuple(fc.constantFrom('data.aws_iam_policy_document', 'aws_iam_policy', 'aws_iam_role_policy', 'aws_iam_role', 'aws_iam_role_policy_attachment'), ident).map(([t, n]) => `${t}.${n}`),
    }),
  }),
  fc.record({ cloudformation: fc.record({ file: repoFile, resource: logicalId, policy: logicalId }, { requiredKeys: ['file', 'resource'] }) }),
  fc.record({ sam: fc.record({ file: repoFile, function: logicalId }) }),
  fc.record({ serverless: fc.record({ file: repoFile, function: functionName }, { requiredKeys: ['file'] }) }),
);

const fn = fc.oneof(
  functionName,
  fc.record({ name: functionName, unobservable: fc.uniqueArray(action), vpc: fc.boolean(), tracing: fc.constantFrom('active' as const, 'pass-through' as const) }, { requiredKeys: ['name'] }),
);

const roleEntry: fc.Arbitrary<RoleFile> = fc.record(
  {
    role,
    functions: fc.uniqueArray(fn, { minLength: 1, maxLength: 3, selector: (f) => (typeof f === 'string' ? f : f.name) }),
    'defined-in': fc.uniqueArray(site, { minLength: 1, maxLength: 3, selector: (s) => JSON.stringify(s) }),
  },
  { requiredKeys: ['role'] },
);

/** Roles are unique as IAM compares them: by account (when an ARN) and name, case-insensitively. */
function roleKey(r: RoleFile): string {
  const m = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(r.role);
  return (m ? `${m[1]}:${m[2]}` : `*:${r.role}`).toLowerCase();
}

const ack: fc.Arbitrary<AcknowledgementFile> = fc.record(
  {
    finding: fc
      .record({ kind: fc.constantFrom(...FINDING_KINDS), account: fc.oneof(account, fc.constant('*')), role: fc.oneof(roleName, fc.constant('orders-*')), action, resource: fc.constantFrom('arn:aws:s3:::b/*', '*') }, { requiredKeys: ['kind', 'account', 'role', 'action'] })
      .map(formatFindingId),
    reason: text,
    until: date,
  },
  { requiredKeys: ['finding', 'reason'] },
);

const source: fc.Arbitrary<ActivityFile> = fc.oneof(
  fc.constant({}),
  fc.record({ 'trail-name': fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{2,20}$/) }),
  fc.record({ s3: s3Url }),
  fc.record({ trail: fc.array(fc.constantFrom('logs', '/var/log/trail', '../trail'), { minLength: 1, maxLength: 2 }) }),
  fc.constant({ lookup: true as const }),
  fc.record({ athena: fc.record({ table: ident, workgroup: ident, output: s3Url, database: ident }, { requiredKeys: ['table'] }), 'trail-name': fc.constant('org-audit') }, { requiredKeys: ['athena'] }),
);

const window: fc.Arbitrary<ActivityFile> = fc.oneof(
  fc.constant({}),
  fc.record({ days: fc.integer({ min: 1, max: 7320 }) }),
  fc.record({ since: fc.constantFrom('30d', '12h', '2026-01-01') }),
  fc.record({ since: fc.constant('2026-01-01'), until: fc.constantFrom('2026-06-30', '2026-11-01T00:00:00Z') }),
  fc.record({ days: fc.integer({ min: 1, max: 365 }), until: fc.constant('2026-06-30') }),
);

const activity: fc.Arbitrary<ActivityFile> = fc
  .tuple(source, window, fc.option(repoFile, { nil: undefined }))
  .map(([s, w, trailConfig]) => ({ ...s, ...w, ...(trailConfig ? { 'trail-config': trailConfig } : {}) }));

/** A valid `.policy-trim.yml` value (every key optional but version). */
export const arbConfigFile: fc.Arbitrary<RepositoryConfigFile> = fc.record(
  {
    version: fc.constant(1 as const),
    aws: fc.record({ profile: ident, regions: fc.uniqueArray(fc.constantFrom('eu-west-1', 'us-east-1', 'us-gov-west-1', 'ap-southeast-2'), { minLength: 1 }) }, { requiredKeys: [] }),
    accounts: fc.uniqueArray(fc.record({ id: account, 'assume-role': fc.oneof(roleName, roleArn) }), { minLength: 1, maxLength: 3, selector: (a) => a.id }),
    activity,
    roles: fc.uniqueArray(roleEntry, { maxLength: 4, selector: roleKey }),
    acknowledge: fc.array(ack, { maxLength: 3 }),
    gate: fc.record({ 'fail-on': fc.uniqueArray(fc.constantFrom(...FAIL_ON_VALUES)) }, { requiredKeys: [] }),
    pr: fc.record({ labels: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/)), base: branch, 'branch-prefix': branch.map((b) => `${b}/`) }, { requiredKeys: [] }),
  },
  { requiredKeys: ['version'] },
);
