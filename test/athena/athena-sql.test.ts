/**
 * The generated SQL: golden files for a few representative inputs (`UPDATE_GOLDEN=1 npx vitest run
 * test/athena/athena-sql.test.ts` rewrites them after a deliberate change: review the diff), the DDL's projected
 * location against the delivery layout the file reader handles, and the refusal of values that could change the
 * statement (names, ARNs, dates).
 */
import { describe, expect, it } from 'vitest';
import { expectGolden as expectGoldenFile } from '../support/golden.js';
import { fileURLToPath } from 'node:url';
import { loadBundledCloudTrailTables, loadBundledEventMapper } from '../../src/adapters/fs/bundled-mapping.js';
import { cloudTrailTableDdl, locationTemplate, PARTITION } from '../../src/core/athena/ddl.js';
import { SQLITE, TRINO } from '../../src/core/athena/dialect.js';
import { AthenaInputError, parseTableRef, sqlString } from '../../src/core/athena/names.js';
import { eventTimeBound, usageQuery, type UsageQueryInput } from '../../src/core/athena/query.js';
import { grantedEventSources, requestKeyTable } from '../../src/core/athena/scope.js';
import { accountLogPrefix, parseTrailPath, trailKeyPrefixes } from '../../src/core/trail/layout.js';

const GOLDEN = fileURLToPath(new URL('../fixtures/athena/', import.meta.url));

/** Compares `actual` with the golden file `name` (test/support/golden.ts). */
const golden = (name: string, actual: string): void => expectGoldenFile(`${GOLDEN}${name}`, actual);

const mapper = loadBundledEventMapper();
const tables = loadBundledCloudTrailTables();
const base: UsageQueryInput = {
  table: parseTableRef('cloudtrail_logs', 'trails'),
  since: new Date('2026-10-01T00:00:00Z'),
  until: new Date('2026-11-01T00:00:00Z'),
  requestKeys: requestKeyTable(mapper, tables),
};

describe('usage query (golden)', () => {
  it('one role, the event sources its policy can grant (Trino)', () => {
    const eventSources = grantedEventSources([{ name: 'p', statements: [{ effect: 'Allow', action: ['s3:GetObject', 'dynamodb:Query'], resource: ['*'] }] }], mapper, tables);
    golden('role-s3-dynamodb.trino.sql', usageQuery({ ...base, principals: ['arn:aws:iam::111122223333:role/service-role/orders-api-role'], ...(eventSources ? { eventSources } : {}) }, TRINO) + '\n');
  });

  it('every principal, every source (Trino), and the same query in the test engine\'s dialect', () => {
    golden('all.trino.sql', usageQuery(base, TRINO) + '\n');
    golden('all.sqlite.sql', usageQuery(base, SQLITE) + '\n');
  });
});

describe('what the query reads', () => {
  it('keeps a granted action\'s secondary sources: iam:PassRole is used through Lambda and others', () => {
    const sources = grantedEventSources([{ name: 'p', statements: [{ effect: 'Allow', action: ['iam:PassRole'], resource: ['*'] }] }], mapper, tables)!;
    expect(sources).toContain('iam.amazonaws.com');
    expect(sources).toContain('lambda.amazonaws.com');
  });

  it('reads every source when a grant names no single service (wildcard prefix, NotAction)', () => {
    expect(grantedEventSources([{ name: 'p', statements: [{ effect: 'Allow', action: ['*'], resource: ['*'] }] }], mapper, tables)).toBeUndefined();
    expect(grantedEventSources([{ name: 'p', statements: [{ effect: 'Allow', notAction: ['iam:*'], resource: ['*'] }] }], mapper, tables)).toBeUndefined();
  });

  it('rounds event-time bounds up to the second, in CloudTrail\'s own format', () => {
    expect(eventTimeBound(new Date('2026-10-01T00:00:00.000Z'))).toBe('2026-10-01T00:00:00Z');
    expect(eventTimeBound(new Date('2026-10-01T00:00:00.500Z'))).toBe('2026-10-01T00:00:01Z');
  });
});

describe('values from the command line never become SQL', () => {
  it('refuses table names that are not Glue names', () => {
    for (const bad of ['logs"; DROP TABLE x; --', 'a.b.c', 'my-table', '']) expect(() => parseTableRef(bad)).toThrow(AthenaInputError);
  });

  it('doubles quotes in string literals and refuses control characters', () => {
    expect(sqlString("o'brien")).toBe("'o''brien'");
    expect(() => sqlString('a\nb')).toThrow(AthenaInputError);
  });

  it('finds a role given by name through its sessions\' issuer and session ARNs, with no pattern characters', () => {
    const sql = usageQuery({ ...base, principals: ['orders_api-role'] }, TRINO);
    expect(sql).toContain("substr(useridentity.sessioncontext.sessionissuer.arn, -16) = '/orders_api-role'");
    expect(sql).toContain("strpos(useridentity.arn, ':assumed-role/orders_api-role/') > 0");
    expect(sql).not.toContain('LIKE');
  });

  it('refuses a principal that is not an IAM ARN, and an empty window', () => {
    expect(() => usageQuery({ ...base, principals: ["arn:aws:iam::111122223333:role/x' OR '1'='1"] }, TRINO)).toThrow(AthenaInputError);
    expect(() => usageQuery({ ...base, until: base.since }, TRINO)).toThrow(/window is empty/);
  });
});

describe('the table\'s DDL', () => {
  it('projects account, Region and day over the organization trail layout (golden)', () => {
    golden('ddl-org.sql', cloudTrailTableDdl({ table: { database: 'trails', table: 'cloudtrail_logs' }, bucket: 'org-trail-bucket', prefix: 'audit', organizationId: 'o-a1b2c3d4e5', accounts: ['111122223333', '444455556666'], regions: ['eu-west-1', 'us-east-1'], since: '2024/01/01' }) + '\n');
  });

  it('has a location template that is the S3 layout the reader parses and lists', () => {
    for (const organizationId of [undefined, 'o-a1b2c3d4e5']) {
      for (const prefix of [undefined, 'audit/logs']) {
        // Given the template with the partition values put in
        const template = locationTemplate({ bucket: 'b', ...(prefix ? { prefix } : {}), ...(organizationId ? { organizationId } : {}) });
        const key = template
          .replace('s3://b/', '')
          .replace(`\${${PARTITION.account}}`, '111122223333')
          .replace(`\${${PARTITION.region}}`, 'eu-west-1')
          .replace(`\${${PARTITION.day}}`, '2026/10/05');
        // Then it is the day folder the S3 reader lists for that account, Region and day
        const listed = trailKeyPrefixes({ prefix, organizationId, accountIds: ['111122223333'], regions: ['eu-west-1'], window: { since: new Date('2026-10-05T10:00:00Z'), until: new Date('2026-10-05T11:00:00Z') }, maxDeliveryDelayMs: 0 });
        expect(listed).toEqual([`${key}/`]);
        // and the path parser reads back the same account, Region, day and organization
        const info = parseTrailPath(`${key}/111122223333_CloudTrail_eu-west-1_20261005T1005Z_abcdefgh12345678.json.gz`)!;
        expect([info.accountId, info.region, info.year, info.month, info.day, info.organizationId]).toEqual(['111122223333', 'eu-west-1', 2026, 10, 5, organizationId]);
        expect(key.startsWith(accountLogPrefix(prefix, organizationId, '111122223333'))).toBe(true);
      }
    }
  });

  it('refuses a bucket, organization, account or Region that is not one', () => {
    const t = { database: 'trails', table: 'x' };
    expect(() => cloudTrailTableDdl({ table: t, bucket: "b'; --" })).toThrow(AthenaInputError);
    expect(() => cloudTrailTableDdl({ table: t, bucket: 'bucket', organizationId: 'org1' })).toThrow(/Organizations id/);
    expect(() => cloudTrailTableDdl({ table: t, bucket: 'bucket', accounts: ['12345'] })).toThrow(/account id/);
    expect(() => cloudTrailTableDdl({ table: t, bucket: 'bucket', regions: ["eu-west-1'"] })).toThrow(/Region/);
  });
});
