/**
 * The evidence index over hand-made tables: tiers, exceptions (with wildcards), scope, the dependents an
 * operation's record cannot show, and the knowledge built on it (including --assume-management-logged).
 */
import { describe, expect, it } from 'vitest';
import { loadBundledCatalog } from '../../src/adapters/fs/bundled-data.js';
import { loadBundledCloudTrailTables } from '../../src/adapters/fs/bundled-mapping.js';
import { createCloudTrailKnowledge } from '../../src/core/trail/knowledge.js';
import { createEvidenceIndex, parseEvidenceTables, type EvidenceTables } from '../../src/core/trail/evidence.js';
import { CloudTrailTableError } from '../../src/core/trail/errors.js';

const catalog = loadBundledCatalog();

const tables = (over: Partial<EvidenceTables> = {}): EvidenceTables => ({
  observability: {
    services: {
      sns: {
        name: 'Amazon SNS',
        eventSources: ['sns.amazonaws.com'],
        scope: 'regional',
        source: "SNS Developer Guide, 'Logging Amazon SNS API calls using AWS CloudTrail' (2026-12-07)",
        exceptions: [{ actions: ['sns:Publish'], kind: 'data-event', reason: 'Publish is a data event', source: 'CloudTrail User Guide' }],
      },
      iam: {
        name: 'IAM',
        eventSources: ['iam.amazonaws.com'],
        scope: 'global',
        source: "CloudTrail User Guide, 'Global service events'",
        exceptions: [{ actions: ['iam:*DelegationRequest'], kind: 'not-logged', reason: 'delegation requests are unverified', source: 'test' }],
      },
    },
  },
  observed: { actions: [{ action: 'sns:ListTopics', file: 'corpus/a.json', eventID: 'e-1' }] },
  authorizedActions: {
    scope: ['s3'],
    operations: {
      s3: { GetObject: { 's3:GetObject': { class: 'primary' }, 's3:GetObjectTagging': { class: 'unknowable', reason: 'the response only', source: 'S3 API Reference' } } },
    },
  },
  ...over,
});

describe('evidence tiers', () => {
  const index = createEvidenceIndex(tables(), catalog);

  it('proven by the Service Reference flag or by a recorded management event; documented by the service line', () => {
    // sqs:PurgeQueue carries AWS's policy-generation flag (no SQS line needed)
    expect(index.evidenceOf('sqs:PurgeQueue')?.tier).toBe('proven');
    // sns:ListTopics is cited from a recorded event
    expect(index.evidenceOf('sns:ListTopics')).toEqual({ tier: 'proven', source: expect.stringMatching(/corpus\/a\.json, eventID e-1/) });
    // the rest of SNS rests on its CloudTrail page
    expect(index.evidenceOf('sns:DeleteTopic')).toEqual({ tier: 'documented', source: expect.stringMatching(/Logging Amazon SNS API calls/) });
  });

  it('gives no evidence for an exception or a service without a line', () => {
    expect(index.evidenceOf('sns:Publish')).toBeUndefined();
    expect(index.exceptionOf('sns:Publish')).toEqual({ kind: 'data-event', reason: expect.stringMatching(/Publish is a data event \(source: CloudTrail User Guide\)/) });
    // a wildcard exception, matched case-insensitively
    expect(index.exceptionOf('iam:getdelegationrequest')?.kind).toBe('not-logged');
    expect(index.evidenceOf('a4b:ApproveSkill')).toBeUndefined();
  });

  it('knows the scope of a service and the dependents an operation cannot show', () => {
    expect(index.scopeOf('iam:CreateUser')).toBe('global');
    expect(index.scopeOf('sns:CreateTopic')).toBe('regional');
    expect(index.scopeOf('sqs:CreateQueue')).toBe('regional');
    expect(index.unknowableDependents('s3', 'GetObject')).toEqual([{ action: 's3:GetObjectTagging', reason: 'the response only (source: S3 API Reference)' }]);
    expect(index.unknowableDependents('s3', 'PutObject')).toEqual([]);
  });

  it('refuses tables naming what the catalog lacks', () => {
    const badPrefix = tables({ observability: { services: { nosuch: { ...tables().observability.services.sns! } } } });
    expect(() => createEvidenceIndex(badPrefix, catalog)).toThrow(/nosuch is not a service/);
    const badPattern = tables();
    badPattern.observability.services.sns!.exceptions = [{ actions: ['sns:NoSuch*'], kind: 'not-logged', reason: 'r', source: 's' }];
    expect(() => createEvidenceIndex(badPattern, catalog)).toThrow(CloudTrailTableError);
    expect(() => parseEvidenceTables({ observability: {}, observed: { actions: [] }, authorizedActions: { scope: [], operations: {} } })).toThrow(/observability\.json/);
  });
});

describe('the knowledge over the evidence', () => {
  const bundled = loadBundledCloudTrailTables();
  const withTables = { ...bundled, evidence: tables() };

  it('keeps an unknown-tier action with its reason; an exception with the exception\'s reason', () => {
    const k = createCloudTrailKnowledge(withTables, catalog);
    expect(k.unidentifiableReason('sns:DeleteTopic')).toBeUndefined();
    expect(k.unidentifiableReason('a4b:ApproveSkill')).toMatch(/proves nothing/);
    expect(k.unidentifiableReason('iam:GetDelegationRequest')).toMatch(/delegation requests are unverified/);
    expect(k.possiblyNeededBy('s3:GetObject', 'GetObject').map((d) => d.action)).toEqual(['s3:GetObjectTagging']);
  });

  it('--assume-management-logged trusts the unknown tier only, never an exception', () => {
    const k = createCloudTrailKnowledge(withTables, catalog, undefined, { assumeManagementLogged: true });
    expect(k.unidentifiableReason('a4b:ApproveSkill')).toBeUndefined();
    expect(k.observationEvidence('a4b:ApproveSkill')?.tier).toBe('assumed');
    expect(k.unidentifiableReason('iam:GetDelegationRequest')).toMatch(/unverified/);
    expect(k.observationEvidence('iam:GetDelegationRequest')).toBeUndefined();
    // data events are the selectors' business, whatever the option
    expect(k.observationEvidence('s3:GetObject')).toBeUndefined();
  });
});
