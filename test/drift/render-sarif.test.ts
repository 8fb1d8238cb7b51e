/**
 * The drift report as SARIF: valid against the OASIS SARIF 2.1.0 schema (test/fixtures/sarif/, data/NOTICE),
 * and fit for GitHub code scanning: every result located, grouped so a fleet stays under GitHub's 5,000 shown
 * results, fingerprinted so alerts survive re-runs, acknowledged findings suppressed, no control character in
 * any text. `UPDATE_GOLDEN=1 npx vitest run test/drift/render-sarif.test.ts` rewrites test/fixtures/drift/
 * sample.sarif; review the diff by hand before committing it.
 */
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { sarifSchemaErrors } from '../support/drift-schemas.js';
import { describe, expect, it } from 'vitest';
import { expectGolden } from '../support/golden.js';
import type { AccessLevel } from '../../src/core/catalog/types.js';
import { formatFindingId } from '../../src/core/config/finding-id.js';
import { MAX_SARIF_RESULTS, renderDriftSarif } from '../../src/core/drift/render-sarif.js';
import { FINGERPRINT_KEY, MESSAGE_ITEMS, repositoryUri } from '../../src/core/drift/sarif-results.js';
import { driftSarifRules } from '../../src/core/drift/sarif-rules.js';
import { type DriftFinding, type DriftReport, type RoleDrift, type SourceLocation } from '../../src/core/drift/types.js';
import { sampleDriftReport } from '../support/drift-sample.js';
import { ACCESS_LEVEL_ORDER } from '../../src/core/trim/model.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const GOLDEN = join(FIXTURES, 'drift', 'sample.sarif');
const FALLBACK: SourceLocation = { file: '.policy-trim.yml', line: 1 };

type Json = any;

/** The log's schema errors (empty when valid). */
const sarifErrors = (log: Json): string[] => sarifSchemaErrors(log);

function render(report: DriftReport, options: Partial<Parameters<typeof renderDriftSarif>[1]> = {}): Json {
  return JSON.parse(renderDriftSarif(report, { fallback: FALLBACK, ...options }));
}

const resultsOf = (log: Json): Json[] => log.runs[0].results;
const uriLine = (r: Json): string => `${r.locations[0].physicalLocation.artifactLocation.uri}:${r.locations[0].physicalLocation.region.startLine}`;
const fingerprintOf = (r: Json): string => r.partialFingerprints[FINGERPRINT_KEY];
/** The result whose findingIds hold `id`. */
const resultWith = (log: Json, id: string): Json => resultsOf(log).find((r: Json) => r.properties.findingIds.includes(id));

describe('the sample report as SARIF', () => {
  it('matches the golden file test/fixtures/drift/sample.sarif', () => {
    const text = renderDriftSarif(sampleDriftReport(), { fallback: FALLBACK, informationUri: 'https://github.com/policy-trim/policy-trim' });
    expectGolden(GOLDEN, text);
  });

  it('is valid SARIF 2.1.0: one run, the tool and its rules', () => {
    const log = render(sampleDriftReport(), { informationUri: 'https://github.com/policy-trim/policy-trim' });
    expect(sarifErrors(log)).toEqual([]);
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0].tool.driver).toMatchObject({ name: 'policy-trim', version: '0.1.0', informationUri: 'https://github.com/policy-trim/policy-trim' });
  });

  it('puts every finding in exactly one result, under the rule of its kind and access level', () => {
    const report = sampleDriftReport();
    const log = render(report);
    const ids = resultsOf(log).flatMap((r: Json) => r.properties.findingIds);
    expect(ids.sort()).toEqual(report.roles.flatMap((r) => r.findings.map((f) => f.id)).sort());
    const rules = log.runs[0].tool.driver.rules;
    for (const r of resultsOf(log)) {
      expect(rules[r.ruleIndex].id).toBe(r.ruleId);
      expect(r.level).toBe(rules[r.ruleIndex].defaultConfiguration.level);
    }
    expect(resultWith(log, 'UNUSED[111122223333:orders-api-role][iam:PutRolePolicy]').ruleId).toBe('UNUSED/permissions-management');
    expect(resultWith(log, 'UNUSED[111122223333:orders-api-role][iam:PassRole]').ruleId).toBe('UNUSED/write');
    expect(resultWith(log, 'DENIED[111122223333:reports-role][s3:PutObject][arn:aws:s3:::reports/<b>x</b>]').ruleId).toBe('DENIED');
  });

  it('locates every result: the statement, else where the role is defined, else its .policy-trim.yml entry, else the fallback', () => {
    const report = sampleDriftReport();
    // The quiet role has no location at all: give it a finding with no located statement.
    const quiet = report.roles[2]!;
    quiet.findings.push(finding(quiet, 'UNUSED', 's3:ListAllMyBuckets', 'List', { document: 'quiet', index: 0 }));
    // A finding of orders whose statement is not located: where the role is defined.
    const orders = report.roles[0]!;
    orders.findings.push(finding(orders, 'UNUSED', 'sqs:DeleteQueue', 'Write', { document: 'orders-api-managed', index: 0 }));
    const log = render(report, { fallback: { file: 'infra/.policy-trim.yml', line: 3, column: 2 } });
    for (const r of resultsOf(log)) {
      const at = r.locations[0].physicalLocation;
      expect(at.artifactLocation.uri).toMatch(/^[^/\\]/);
      expect(at.region.startLine).toBeGreaterThanOrEqual(1);
    }
    expect(uriLine(resultWith(log, 'UNUSED[111122223333:orders-api-role][iam:PassRole]'))).toBe('infra/orders.tf:42');
    expect(uriLine(resultWith(log, 'UNUSED[111122223333:orders-api-role][sqs:DeleteQueue]'))).toBe('infra/orders.tf:12');
    expect(uriLine(resultWith(log, 'DENIED[111122223333:reports-role][s3:PutObject][arn:aws:s3:::reports/<b>x</b>]'))).toBe('.policy-trim.yml:20');
    const fallback = resultWith(log, 'UNUSED[444455556666:quiet-role][s3:ListAllMyBuckets]').locations[0].physicalLocation;
    expect(fallback).toEqual({ artifactLocation: { uri: 'infra/.policy-trim.yml' }, region: { startLine: 3, startColumn: 2 } });
    expect(sarifErrors(log)).toEqual([]);
  });

  it('suppresses acknowledged findings with the reason, and splits a group whose findings are not all acknowledged', () => {
    const report = sampleDriftReport();
    const reports = report.roles[1]!;
    reports.findings.splice(1, 0, finding(reports, 'UNUSED', 's3:GetBucketTagging', 'Read', { document: 'AmazonS3ReadOnlyAccess', index: 0 }));
    const log = render(report);
    const acked = resultWith(log, 'UNUSED[111122223333:reports-role][s3:GetBucketPolicy]');
    const open = resultWith(log, 'UNUSED[111122223333:reports-role][s3:GetBucketTagging]');
    expect(acked).not.toBe(open);
    expect(acked.properties.findingIds).toEqual(['UNUSED[111122223333:reports-role][s3:GetBucketPolicy]']);
    expect(acked.suppressions).toEqual([
      { kind: 'external', status: 'accepted', justification: 'read-only by design', properties: { pattern: 'UNUSED[111122223333:reports-role][s3:*]', until: '2027-01-31' } },
    ]);
    expect(open.suppressions).toBeUndefined();
    expect(fingerprintOf(acked)).not.toBe(fingerprintOf(open));
    for (const r of resultsOf(log)) expect(r.suppressions !== undefined).toBe(r.properties.findingIds.every((id: string) => id === 'UNUSED[111122223333:reports-role][s3:GetBucketPolicy]'));
  });

  it('writes no control character into any text, and quotes hostile values visibly', () => {
    const report = sampleDriftReport();
    const reports = report.roles[1]!;
    const evil = 'doc\u001b[2J\nSid\u202e';
    reports.findings.push(finding(reports, 'UNOBSERVABLE', 'kms:Decrypt', 'Write', { document: evil, index: 0, sid: 'A\u0007' }, '*'));
    reports.findings[0]!.acknowledged!.reason = 'ok\r\nforged: line';
    reports.error = { code: 'E\u001b', message: 'broken\u0000' };
    const log = render(report);
    // Every text but the rules' help (static, written here, with paragraph breaks) comes from the report.
    const texts: string[] = [];
    const collect = (v: Json, key = ''): void => {
      if (typeof v === 'string' && ['text', 'justification'].includes(key)) texts.push(v);
      else if (v && typeof v === 'object' && key !== 'rules') for (const [k, x] of Object.entries(v)) collect(x, k);
    };
    collect(log);
    expect(texts.length).toBeGreaterThan(8);
    for (const t of texts) expect(t).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/u);
    const messages = resultsOf(log).map((r: Json) => r.message.text as string);
    expect(messages.join('\n')).toContain('doc\\u001b[2J\\nSid\\u202e');
    expect(resultWith(log, 'UNUSED[111122223333:reports-role][s3:GetBucketPolicy]').suppressions[0].justification).toBe('ok\\r\\nforged: line');
    const notes = log.runs[0].invocations[0].toolExecutionNotifications;
    expect(notes).toEqual([{ level: 'error', message: { text: 'arn:aws:iam::111122223333:role/reports-role could not be analysed: broken\\u0000 (E\\u001b)' } }]);
    expect(sarifErrors(log)).toEqual([]);
  });
});

describe('fingerprints', () => {
  it('stay the same when only counts, dates and other findings of the group change', () => {
    const before = render(sampleDriftReport());
    const report = sampleDriftReport();
    report.generatedAt = '2026-12-01T00:00:00.000Z';
    report.window = { since: '2026-11-01T00:00:00.000Z', until: '2026-12-01T00:00:00.000Z' };
    report.tool.version = '0.2.0';
    const [orders, reports] = report.roles as [RoleDrift, RoleDrift];
    orders.records = 99_999;
    orders.risk.rank = 2;
    orders.findings[0]!.new = true;
    orders.findings[0]!.message = 'reworded';
    reports.findings[1]!.attempts = { count: 40, lastSeen: '2026-11-30T00:00:00Z', errorCodes: ['AccessDenied', 'Client.UnauthorizedOperation'], sessions: ['x'], grantedByPolicies: true };
    orders.findings.push(finding(orders, 'UNUSED', 'iam:CreateRole', 'Write', orders.findings[0]!.statements[0]!)); // joins iam:PassRole's group
    // the statement moved down the file: its place changes, its identity (document and Sid) does not
    for (const f of orders.findings) for (const s of f.statements) if (s.sid === 'Admin') s.location = { file: 'infra/orders.tf', line: 60 };
    const after = render(report);
    const prints = (log: Json) => resultsOf(log).map(fingerprintOf).sort();
    expect(prints(after)).toEqual(prints(before));
  });

  it('differ between groups', () => {
    const log = render(sampleDriftReport());
    const prints = resultsOf(log).map(fingerprintOf);
    expect(prints.length).toBeGreaterThan(5);
    expect(new Set(prints).size).toBe(prints.length);
    const fleet = resultsOf(big(20, 600)).map(fingerprintOf);
    expect(new Set(fleet).size).toBe(fleet.length);
  });

  it('name the group with the finding-id grammar', () => {
    const log = render(sampleDriftReport());
    expect(fingerprintOf(resultWith(log, 'UNUSED[111122223333:orders-api-role][iam:PutRolePolicy]'))).toBe(
      'UNUSED[111122223333:orders-api-role][*]/permissions-management orders-api-inline#"Admin"',
    );
  });
});

describe('rules', () => {
  const rules = driftSarifRules('https://example.com/docs');

  it('one per kind and access level for unused, unused on *, narrowable; one for denied and unobservable', () => {
    expect(rules.map((r) => r.id)).toEqual([
      ...['UNUSED', 'UNUSED_ON_STAR', 'NARROWABLE'].flatMap((k) => ['permissions-management', 'write', 'tagging', 'read', 'list', 'unknown'].map((l) => `${k}/${l}`)),
      'DENIED',
      'UNOBSERVABLE',
    ]);
    expect(new Set(rules.map((r) => r.name)).size).toBe(rules.length);
  });

  it('rate over-grants with a security-severity GitHub reads (0.1–10, tagged security), most dangerous level highest', () => {
    for (const r of rules) {
      const s = r.properties['security-severity'];
      expect(r.properties.tags.length).toBeLessThanOrEqual(10);
      expect(r.shortDescription.text && r.fullDescription.text && r.help.text && r.help.markdown).toBeTruthy();
      if (r.id === 'DENIED' || r.id === 'UNOBSERVABLE') {
        expect(s).toBeUndefined();
        continue;
      }
      expect(s).toMatch(/^\d+\.\d$/);
      expect(Number(s)).toBeGreaterThan(0);
      expect(Number(s)).toBeLessThanOrEqual(10);
      expect(r.properties.tags).toContain('security');
    }
    const sev = (id: string) => Number(rules.find((r) => r.id === id)!.properties['security-severity']);
    for (const kind of ['UNUSED', 'UNUSED_ON_STAR', 'NARROWABLE']) {
      expect(sev(`${kind}/permissions-management`)).toBeGreaterThan(sev(`${kind}/write`));
      expect(sev(`${kind}/write`)).toBeGreaterThan(sev(`${kind}/read`));
      expect(sev(`${kind}/list`)).toBeLessThan(sev(`${kind}/tagging`));
    }
    expect(sev('UNUSED_ON_STAR/write')).toBeGreaterThan(sev('UNUSED/write'));
    expect(sev('UNUSED/write')).toBeGreaterThan(sev('NARROWABLE/write'));
    expect(sev('UNUSED_ON_STAR/permissions-management')).toBeGreaterThan(9); // GitHub's critical
  });
});

describe('a fleet', () => {
  it('200 roles with 3,000 unused actions each stay under GitHub\'s 5,000 results, validate, and fit its 10 MB upload', () => {
    const log = big(200, 3000);
    expect(resultsOf(log).length).toBeLessThanOrEqual(MAX_SARIF_RESULTS);
    expect(resultsOf(log).length).toBe(200 * 20);
    expect(log.runs[0].properties.resultsLeftOut).toBeUndefined();
    const first = resultsOf(log)[0];
    expect(first.message.text).toMatch(new RegExp(`granted by statement #1 of admin and not used in the window: (?:[^,]+, ){${MESSAGE_ITEMS - 1}}[^,]+, … and \\d+ more`));
    expect(sarifErrors(log)).toEqual([]);
    expect(gzipSync(JSON.stringify(log, null, 2)).length).toBeLessThan(10 * 1024 * 1024);
  });

  it('past the cap, keeps the most severe results and says how many were left out', () => {
    const full = big(10, 300);
    const log = big(10, 300, 50);
    const results = resultsOf(log);
    expect(results).toHaveLength(50);
    expect(log.runs[0].properties.resultsLeftOut).toBe(resultsOf(full).length - 50);
    expect(log.runs[0].invocations[0].toolExecutionNotifications[0]).toMatchObject({ level: 'warning' });
    expect(log.runs[0].invocations[0].toolExecutionNotifications[0].message.text).toMatch(/^150 of 200 results left out/);
    const rules = log.runs[0].tool.driver.rules;
    const sev = (r: Json) => Number(rules[r.ruleIndex].properties['security-severity'] ?? 0);
    const keptMin = Math.min(...results.map(sev));
    const keptPrints = new Set(results.map(fingerprintOf));
    const dropped = resultsOf(full).filter((r: Json) => !keptPrints.has(fingerprintOf(r)));
    expect(Math.max(...dropped.map(sev))).toBeLessThanOrEqual(keptMin);
    expect(sarifErrors(log)).toEqual([]);
  });
});

describe('repository-relative URIs', () => {
  it('use / separators, drop ./, and percent-encode what a URI cannot hold', () => {
    expect(repositoryUri('infra\\roles\\a.tf')).toBe('infra/roles/a.tf');
    expect(repositoryUri('./infra//a b.tf')).toBe('infra/a%20b.tf');
    expect(repositoryUri('infra/#1?.json')).toBe('infra/%231%3F.json');
  });
});

/** A finding of `role` in the sample's grammar. */
function finding(role: RoleDrift, kind: DriftFinding['kind'], action: string, accessLevel: AccessLevel, statement: DriftFinding['statements'][number], resource?: string): DriftFinding {
  const id = formatFindingId({ kind, account: role.account, role: role.roleName, action, ...(resource === undefined ? {} : { resource }) });
  return { id, kind, action, accessLevel, message: `${action}`, statements: [statement], ...(resource === undefined ? {} : { resource }) };
}

/**
 * A fleet rendered: `roles` administrator-like roles, each with `actions` unused actions spread over three
 * located statements and the five access levels, the first statement's also unused on "*" (20 groups a role).
 */
function big(roles: number, actions: number, maxResults?: number): Json {
  const report = sampleDriftReport();
  report.roles = Array.from({ length: roles }, (_, r) => {
    const role = structuredClone(report.roles[2]!);
    role.roleName = `admin-${r}`;
    role.roleArn = `arn:aws:iam::444455556666:role/admin-${r}`;
    role.risk.rank = r + 1;
    const statements = [0, 1, 2].map((index) => ({ document: 'admin', index, location: { file: `infra/admin-${r}.tf`, line: 10 + index * 10 } }));
    const findings: DriftFinding[] = [];
    for (let i = 0; i < actions; i++) {
      const level = ACCESS_LEVEL_ORDER[i % ACCESS_LEVEL_ORDER.length]!;
      const action = `svc${i % 97}:Action${i}`;
      findings.push(finding(role, 'UNUSED', action, level, statements[i % 3]!));
      if (i % 3 === 0) findings.push(finding(role, 'UNUSED_ON_STAR', action, level, statements[0]!));
    }
    role.findings = findings;
    return role;
  });
  return render(report, maxResults === undefined ? {} : { maxResults });
}
