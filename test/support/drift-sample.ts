/**
 * A small drift report for renderer tests: three roles (one shared by two functions, one with denied attempts
 * and an AWS-managed policy, one with nothing unused), a comparison with a previous report, an acknowledged
 * finding, and values that need escaping (a function name with Markdown, HTML and terminal control characters).
 * Built by hand so renderer tests do not depend on the analysis; the golden reports of the fixture fleet
 * (test/drift/) come from the real pipeline.
 */
import { DRIFT_REPORT_VERSION, type DriftFinding, type DriftReport, type LevelCounts, type RoleDrift } from '../../src/core/drift/types.js';

const levels = (pm: number, w: number, t: number, r: number, l: number): LevelCounts => ({ 'Permissions management': pm, Write: w, Tagging: t, Read: r, List: l });

const ordersFindings: DriftFinding[] = [
  {
    id: 'UNUSED[111122223333:orders-api-role][iam:PassRole]',
    kind: 'UNUSED',
    action: 'iam:PassRole',
    accessLevel: 'Write',
    message: 'iam:PassRole is granted and was not used in the window',
    statements: [{ document: 'orders-api-inline', index: 1, sid: 'Admin', location: { file: 'infra/orders.tf', line: 42 } }],
  },
  {
    id: 'UNUSED[111122223333:orders-api-role][iam:PutRolePolicy]',
    kind: 'UNUSED',
    action: 'iam:PutRolePolicy',
    accessLevel: 'Permissions management',
    message: 'iam:PutRolePolicy is granted and was not used in the window',
    statements: [{ document: 'orders-api-inline', index: 1, sid: 'Admin', location: { file: 'infra/orders.tf', line: 42 } }],
    new: true,
  },
  {
    id: 'UNUSED_ON_STAR[111122223333:orders-api-role][iam:PutRolePolicy]',
    kind: 'UNUSED_ON_STAR',
    action: 'iam:PutRolePolicy',
    accessLevel: 'Permissions management',
    message: 'iam:PutRolePolicy is granted on Resource "*" and was not used in the window',
    statements: [{ document: 'orders-api-inline', index: 1, sid: 'Admin', location: { file: 'infra/orders.tf', line: 42 } }],
  },
  {
    id: 'NARROWABLE[111122223333:orders-api-role][dynamodb:GetItem][arn:aws:dynamodb:us-east-1:111122223333:table/*]',
    kind: 'NARROWABLE',
    action: 'dynamodb:GetItem',
    resource: 'arn:aws:dynamodb:us-east-1:111122223333:table/*',
    accessLevel: 'Read',
    message: 'dynamodb:GetItem was used on 1 of the resources granted',
    statements: [{ document: 'orders-api-inline', index: 0, sid: 'Tables', location: { file: 'infra/orders.tf', line: 30 } }],
    narrowedTo: ['arn:aws:dynamodb:us-east-1:111122223333:table/orders'],
  },
  {
    id: 'UNOBSERVABLE[111122223333:orders-api-role][logs:PutLogEvents][*]',
    kind: 'UNOBSERVABLE',
    action: 'logs:PutLogEvents',
    resource: '*',
    accessLevel: 'Write',
    message: 'logs:PutLogEvents is kept: CloudTrail does not log it',
    statements: [{ document: 'orders-api-inline', index: 2, location: { file: 'infra/orders.tf', line: 55 } }],
    unobservable: { code: 'never-logged', reason: 'CloudTrail does not record this action' },
  },
];

const orders: RoleDrift = {
  account: '111122223333',
  roleName: 'orders-api-role',
  roleArn: 'arn:aws:iam::111122223333:role/orders-api-role',
  functions: ['orders-api', 'orders-worker'],
  shared: true,
  policies: [{ name: 'orders-api-inline', kind: 'inline', sha256: 'a'.repeat(64) }],
  granted: 12,
  used: 4,
  unused: 2,
  unusedByLevel: levels(1, 1, 0, 0, 0),
  unusedOnStar: 1,
  unobservable: 1,
  narrowable: 1,
  denied: 0,
  lastUsed: '2026-10-31T23:10:00Z',
  daysSinceLastUse: 0,
  records: 1200,
  risk: { rank: 1, key: [1, 1, 1, 0, 2], reason: '1 unused Permissions management action' },
  findings: ordersFindings,
  location: { definedIn: { file: 'infra/orders.tf', line: 12 }, config: { file: '.policy-trim.yml', line: 8 } },
};

// A function name as an attacker could write it into a log: Markdown, HTML and a terminal escape.
const hostile = 'evil<script>alert(1)</script>|*x*\u001b[31m';

const reports: RoleDrift = {
  account: '111122223333',
  roleName: 'reports-role',
  roleArn: 'arn:aws:iam::111122223333:role/reports-role',
  functions: [hostile],
  shared: false,
  policies: [
    { name: 'AmazonS3ReadOnlyAccess', kind: 'aws-managed', arn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess', sha256: 'b'.repeat(64) },
  ],
  granted: 30,
  used: 2,
  unused: 1,
  unusedByLevel: levels(0, 0, 0, 1, 0),
  unusedOnStar: 0,
  unobservable: 0,
  narrowable: 0,
  denied: 1,
  lastUsed: '2026-10-20T08:00:00Z',
  daysSinceLastUse: 11,
  records: 40,
  risk: { rank: 2, key: [0, 0, 0, 1, 1], reason: '1 denied action' },
  findings: [
    {
      id: 'UNUSED[111122223333:reports-role][s3:GetBucketPolicy]',
      kind: 'UNUSED',
      action: 's3:GetBucketPolicy',
      accessLevel: 'Read',
      message: 's3:GetBucketPolicy is granted and was not used in the window',
      statements: [{ document: 'AmazonS3ReadOnlyAccess', index: 0 }],
      acknowledged: { pattern: 'UNUSED[111122223333:reports-role][s3:*]', reason: 'read-only by design', until: '2027-01-31' },
    },
    {
      id: 'DENIED[111122223333:reports-role][s3:PutObject][arn:aws:s3:::reports/<b>x</b>]',
      kind: 'DENIED',
      action: 's3:PutObject',
      resource: 'arn:aws:s3:::reports/<b>x</b>',
      accessLevel: 'Write',
      message: 's3:PutObject was refused 3 times (AccessDenied)',
      statements: [],
      attempts: { count: 3, lastSeen: '2026-10-30T10:00:00Z', errorCodes: ['AccessDenied'], sessions: [hostile], grantedByPolicies: false },
    },
  ],
  location: { config: { file: '.policy-trim.yml', line: 20 } },
};

const quiet: RoleDrift = {
  account: '444455556666',
  roleName: 'quiet-role',
  roleArn: 'arn:aws:iam::444455556666:role/quiet-role',
  functions: ['quiet'],
  shared: false,
  policies: [{ name: 'quiet', kind: 'managed', arn: 'arn:aws:iam::444455556666:policy/quiet', sha256: 'c'.repeat(64) }],
  granted: 2,
  used: 2,
  unused: 0,
  unusedByLevel: levels(0, 0, 0, 0, 0),
  unusedOnStar: 0,
  unobservable: 0,
  narrowable: 0,
  denied: 0,
  lastUsed: '2026-10-31T00:00:00Z',
  daysSinceLastUse: 1,
  records: 10,
  risk: { rank: 3, key: [0, 0, 0, 0, 0], reason: 'nothing unused' },
  findings: [],
};

/** The sample report (a fresh copy on each call: tests may change it). */
export function sampleDriftReport(): DriftReport {
  const report: DriftReport = {
    schema: 'https://policy-trim.dev/schemas/drift-report.json',
    version: DRIFT_REPORT_VERSION,
    tool: { name: 'policy-trim', version: '0.1.0' },
    generatedAt: '2026-11-01T00:00:00.000Z',
    window: { since: '2026-10-02T00:00:00.000Z', until: '2026-11-01T00:00:00.000Z' },
    accounts: ['111122223333', '444455556666'],
    activity: { records: 1250, calls: 1250, problems: 0, sources: ['trail files: fleet/trail'] },
    totals: {
      roles: 3,
      sharedRoles: 1,
      granted: 44,
      used: 8,
      unused: 3,
      unusedByLevel: levels(1, 1, 0, 1, 0),
      unusedOnStar: 1,
      unobservable: 1,
      narrowable: 1,
      denied: 1,
      acknowledged: 1,
    },
    roles: [orders, reports, quiet],
    comparison: {
      previousGeneratedAt: '2026-10-01T00:00:00.000Z',
      newlyUnused: ['UNUSED[111122223333:orders-api-role][iam:PutRolePolicy]'],
      newlyUsed: ['UNUSED[111122223333:orders-api-role][sqs:SendMessage]'],
      newRoles: ['arn:aws:iam::444455556666:role/quiet-role'],
      removedRoles: ['arn:aws:iam::111122223333:role/retired-role'],
      policyChanges: [{ roleArn: 'arn:aws:iam::111122223333:role/orders-api-role', added: [], removed: [], changed: ['orders-api-inline'] }],
    },
    expiredAcknowledgements: [{ pattern: 'DENIED[111122223333:*][*]', reason: 'migration', until: '2026-09-30' }],
    gate: { failOn: ['unused-permissions-management', 'denied'], counts: [{ condition: 'unused-permissions-management', count: 1 }, { condition: 'denied', count: 1 }], tripped: true },
  };
  return structuredClone(report);
}
