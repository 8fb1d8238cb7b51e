/**
 * Every entry of the hand-kept CloudTrail tables (data/cloudtrail/*.json) has a source, names only catalog
 * actions and prefixes, agrees with the AWS Service Reference superset (or says why not), and is exercised by
 * at least one fixture case. Plus the CloudTrailKnowledge built over the tables.
 */
import { describe, expect, it } from 'vitest';
import { loadBundledCatalog } from '../../src/adapters/fs/bundled-data.js';
import {
  loadBundledCloudTrailKnowledge,
  loadBundledCloudTrailTables,
  loadBundledEventMapper,
  loadBundledNormalizer,
} from '../../src/adapters/fs/bundled-mapping.js';
import { createEventMapper } from '../../src/core/trail/event-mapping.js';
import { createCloudTrailKnowledge } from '../../src/core/trail/knowledge.js';
import { parseCloudTrailTables, type CloudTrailTables } from '../../src/core/trail/tables.js';
import { CloudTrailTableError } from '../../src/core/trail/errors.js';
import { REQUEST_EXTRACTORS } from '../../src/core/trail/extractors/index.js';
import { loadFixtureCases } from '../support/cloudtrail-fixtures.js';

const catalog = loadBundledCatalog();
const tables = loadBundledCloudTrailTables();
const mapper = loadBundledEventMapper();
const knowledge = loadBundledCloudTrailKnowledge();
const normalize = loadBundledNormalizer();

function hostLabel(eventSource: string): string {
  return eventSource.replace(/\.amazonaws\.com(\.cn)?$/, '');
}

describe('event-sources.json', () => {
  for (const [src, e] of Object.entries(tables.eventSources.exceptions)) {
    it(`${src} → ${e.prefix}: a catalog prefix that differs from the host label, with a source`, () => {
      expect(catalog.services()).toContain(e.prefix);
      expect(hostLabel(src)).not.toBe(e.prefix);
      expect(mapper.prefixOf(src)).toBe(e.prefix);
      expect(e.source.length).toBeGreaterThan(10);
    });
  }
  it('the default rule strips .amazonaws.com and .amazonaws.com.cn', () => {
    expect(mapper.prefixOf('lambda.amazonaws.com')).toBe('lambda');
    expect(mapper.prefixOf('s3express.amazonaws.com.cn')).toBe('s3express');
  });
  it('excluded sources (deepracer, supportrecommendations) name prefixes the catalog lacks and resolve as unknown', () => {
    for (const src of Object.keys(tables.eventSources.excluded ?? {})) {
      expect(catalog.services()).not.toContain(hostLabel(src));
      expect(mapper.resolve(src, 'ListThings').kind).toBe('unknown-service');
    }
    expect(Object.keys(tables.eventSources.excluded ?? {}).sort()).toEqual(['deepracer.amazonaws.com', 'supportrecommendations.amazonaws.com']);
  });
  it('canonical sources give the reverse lookup (cloudwatch → monitoring.amazonaws.com)', () => {
    expect(mapper.eventSourceOf('cloudwatch')).toBe('monitoring.amazonaws.com');
    expect(mapper.eventSourceOf('tag')).toBe('tagging.amazonaws.com');
    expect(mapper.eventSourceOf('s3')).toBe('s3.amazonaws.com');
  });
});

describe('eventnames.json and conditional.json against the catalog and the AWS Service Reference', () => {
  for (const [src, ops] of Object.entries(tables.eventNames.operations)) {
    for (const [name, e] of Object.entries(ops)) {
      it(`${src} ${name} → ${e.actions.join(', ')}`, () => {
        expect(e.source.length).toBeGreaterThan(10);
        for (const a of e.actions) expect(catalog.action(a)?.id, a).toBe(a);
        const sr = catalog.operationActions(mapper.prefixOf(src), name);
        if (sr && !e.beyondServiceReference) {
          const allowed = sr.map((x) => x.action);
          for (const a of e.actions) expect(allowed, `${a} not in the Service Reference for ${name}`).toContain(a);
        }
        for (const wrong of e.knownWrong ?? []) expect(catalog.action(wrong), `${wrong} must not be an action`).toBeUndefined();
      });
    }
  }
  for (const [src, ops] of Object.entries(tables.conditional.conditional)) {
    for (const [name, list] of Object.entries(ops)) {
      for (const c of list) {
        it(`${src} ${name} + ${c.action} when ${JSON.stringify(c.when)}`, () => {
          expect(c.source.length).toBeGreaterThan(10);
          expect(catalog.action(c.action)?.id).toBe(c.action);
          if (!c.beyondServiceReference) {
            const sr = catalog.operationActions(mapper.prefixOf(src), name);
            expect(sr, `no Service Reference entry for ${name}`).toBeDefined();
            expect(sr!.map((x) => x.action)).toContain(c.action);
          }
        });
      }
    }
  }
  it('normalizer examples strip the version suffix', () => {
    for (const n of tables.eventNames.normalizers) {
      for (const [raw, op] of Object.entries(n.examples)) expect(mapper.normalizeEventName(n.eventSources[0]!, raw)).toBe(op);
    }
    // Only for the listed sources, and names without a suffix stay as they are.
    expect(mapper.normalizeEventName('s3.amazonaws.com', 'PutObject20150331')).toBe('PutObject20150331');
    expect(mapper.normalizeEventName('lambda.amazonaws.com', 'CreateEventSourceMapping')).toBe('CreateEventSourceMapping');
  });
  it('trailscraper\'s DeleteBucketReplication → s3:DeleteReplicationConfiguration is not an action; we map to PutReplicationConfiguration', () => {
    expect(catalog.action('s3:DeleteReplicationConfiguration')).toBeUndefined();
    const r = mapper.resolve('s3.amazonaws.com', 'DeleteBucketReplication');
    expect(r.kind === 'mapped' && r.primary).toEqual(['s3:PutReplicationConfiguration']);
  });
});

describe('events.json facts', () => {
  it('every fact names a catalog action and a source', () => {
    const facts = [...tables.events.neverLogged, ...tables.events.secondaryOnly, ...Object.values(tables.events.baselines).flatMap((b) => b.actions)];
    for (const f of facts) {
      expect(catalog.action(f.action)?.id, f.action).toBe(f.action);
      expect(f.source.length, f.action).toBeGreaterThan(10);
      expect(f.reason.length, f.action).toBeGreaterThan(10);
    }
  });
  it('every data-event type is one CloudTrail documents', async () => {
    const { readFileSync, existsSync } = await import('node:fs');
    const listed = '../shared/data/cloudtrail-data-event-types.json';
    if (!existsSync(listed)) return; // The shared research data is not part of a clean checkout.
    const types = (JSON.parse(readFileSync(listed, 'utf8')) as { types: string[] }).types;
    for (const t of Object.keys(tables.events.dataEvents)) expect(types).toContain(t);
  });
  it('permission-free calls are ignored by the normalizer and flagged by the knowledge', () => {
    for (const p of tables.events.permissionFree) {
      const r = mapper.resolve(p.eventSource, p.eventName);
      expect(r.kind, `${p.eventSource} ${p.eventName}`).toBe('permission-free');
    }
    expect(knowledge.isPermissionFree('sts:GetCallerIdentity')).toBe(true);
    expect(knowledge.isPermissionFree('dynamodb:DescribeEndpoints')).toBe(true);
    expect(knowledge.isPermissionFree('sts:AssumeRole')).toBe(false);
  });
});

describe('CloudTrailKnowledge', () => {
  it('data-event types per action, including split and conditional actions', () => {
    expect(knowledge.dataEventTypeOf('s3:GetObject')).toBe('AWS::S3::Object');
    expect(knowledge.dataEventTypeOf('S3:getobjectversion')).toBe('AWS::S3::Object');
    expect(knowledge.dataEventTypeOf('s3:ListBucket')).toBe('AWS::S3::Object');
    expect(knowledge.dataEventTypeOf('lambda:InvokeFunction')).toBe('AWS::Lambda::Function');
    expect(knowledge.dataEventTypeOf('dynamodb:PartiQLSelect')).toBe('AWS::DynamoDB::Table');
    expect(knowledge.dataEventTypeOf('dynamodb:ConditionCheckItem')).toBe('AWS::DynamoDB::Table');
    expect(knowledge.dataEventTypeOf('dynamodb:GetRecords')).toBe('AWS::DynamoDB::Stream');
    expect(knowledge.dataEventTypeOf('sqs:SendMessage')).toBe('AWS::SQS::Queue');
    expect(knowledge.dataEventTypeOf('sns:Publish')).toBe('AWS::SNS::Topic');
    expect(knowledge.dataEventTypeOf('kinesis:PutRecords')).toBe('AWS::Kinesis::Stream');
    expect(knowledge.dataEventTypeOf('s3:ListAllMyBuckets')).toBeUndefined();
    expect(knowledge.dataEventTypeOf('kms:Decrypt')).toBeUndefined();
    expect(knowledge.dataEventTypeOf('secretsmanager:GetSecretValue')).toBeUndefined();
  });
  it('never-logged and secondary-only reasons carry their source', () => {
    expect(knowledge.neverLoggedReason('logs:PutLogEvents')).toMatch(/source: .*CloudWatch Logs/);
    expect(knowledge.neverLoggedReason('xray:PutTraceSegments')).toBeDefined();
    expect(knowledge.neverLoggedReason('execute-api:Invoke')).toBeDefined();
    expect(knowledge.neverLoggedReason('s3:GetObject')).toBeUndefined();
    expect(knowledge.secondaryOnlyReason('iam:PassRole')).toMatch(/source: /);
    expect(knowledge.secondaryOnlyReason('sts:TagSession')).toBeDefined();
    expect(knowledge.secondaryOnlyReason('lambda:CreateFunction')).toBeUndefined();
  });
  it('eventSourceOf gives the source whose events carry the action', () => {
    expect(knowledge.eventSourceOf('kms:Decrypt')).toBe('kms.amazonaws.com');
    expect(knowledge.eventSourceOf('cloudwatch:PutMetricData')).toBe('monitoring.amazonaws.com');
  });
  it('Lambda baselines', () => {
    expect(knowledge.baselineNames()).toEqual(['lambda-basic', 'lambda-vpc', 'lambda-xray']);
    expect(knowledge.baseline('lambda-basic').map((r) => r.action)).toEqual(['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(knowledge.baseline('lambda-vpc').map((r) => r.action)).toEqual(
      expect.arrayContaining(['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface']),
    );
    expect(knowledge.baseline('lambda-xray').map((r) => r.action)).toEqual(expect.arrayContaining(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']));
    for (const r of knowledge.baseline('lambda-basic')) {
      expect(r.code).toBe('baseline');
      expect(r.reason).toMatch(/AWSLambdaBasicExecutionRole/);
    }
    expect(knowledge.baseline('no-such-workload')).toEqual([]);
  });
});

describe('table validation', () => {
  it('an action the catalog lacks is rejected, naming the file and entry', () => {
    const bad: CloudTrailTables = structuredClone(tables);
    bad.eventNames.operations['s3.amazonaws.com']!['DeleteBucketReplication']!.actions = ['s3:DeleteReplicationConfiguration'];
    expect(() => createEventMapper(bad, catalog)).toThrow(CloudTrailTableError);
    expect(() => createEventMapper(bad, catalog)).toThrow(/eventnames\.json s3\.amazonaws\.com DeleteBucketReplication names s3:DeleteReplicationConfiguration/);
    const bad2: CloudTrailTables = structuredClone(tables);
    bad2.events.neverLogged.push({ action: 'logs:PutLogEventz', reason: 'x', source: 'y' });
    expect(() => createCloudTrailKnowledge(bad2, catalog)).toThrow(/neverLogged names logs:PutLogEventz/);
  });
  it('a malformed table file is rejected with its name', () => {
    expect(() => parseCloudTrailTables({ ...tables, conditional: { conditional: { 's3.amazonaws.com': { GetObject: [{ action: 's3:GetObjectVersion' }] } } } })).toThrow(
      /conditional\.json/,
    );
    expect(() => parseCloudTrailTables({ ...tables, eventSources: [] })).toThrow(/event-sources\.json/);
  });
});

describe('every table entry is exercised by a fixture case', () => {
  const cases = loadFixtureCases();
  const hitOps = new Set<string>();
  const hitSecondary = new Set<string>();
  const hitNormalizers = new Set<number>();
  const hitFree = new Set<string>();
  const hitExtractors = new Set<string>();
  for (const c of cases) {
    const out = normalize(c.record, { file: c.file, index: c.index });
    const r = c.record as Record<string, unknown> | null;
    if (!r || typeof r !== 'object' || typeof r.eventSource !== 'string' || typeof r.eventName !== 'string') continue;
    const src = r.eventSource.toLowerCase();
    if (out.kind === 'ignored') hitFree.add(`${src} ${r.eventName}`);
    if (out.kind !== 'call') continue;
    const op = out.call.operation!;
    hitOps.add(`${src} ${op}`);
    tables.eventNames.normalizers.forEach((n, i) => {
      if (n.eventSources.includes(src) && op !== r.eventName) hitNormalizers.add(i);
    });
    for (const a of out.call.actions) {
      if (a.role === 'secondary') hitSecondary.add(`${src} ${op} ${a.action}`);
      if (a.resourceBasis === 'request' && a.role === 'primary') hitExtractors.add(mapper.prefixOf(src));
    }
  }
  it('eventName exceptions', () => {
    const missing = Object.entries(tables.eventNames.operations).flatMap(([src, ops]) => Object.keys(ops).map((n) => `${src} ${n}`)).filter((k) => !hitOps.has(k));
    expect(missing).toEqual([]);
  });
  it('conditional secondary actions', () => {
    const missing = Object.entries(tables.conditional.conditional)
      .flatMap(([src, ops]) => Object.entries(ops).flatMap(([n, list]) => list.map((c) => `${src} ${n} ${c.action}`)))
      .filter((k) => !hitSecondary.has(k));
    expect(missing).toEqual([]);
  });
  it('version-suffix normalizers', () => {
    expect([...hitNormalizers].sort()).toEqual(tables.eventNames.normalizers.map((_, i) => i));
  });
  it('permission-free calls', () => {
    const missing = tables.events.permissionFree.map((p) => `${p.eventSource} ${p.eventName}`).filter((k) => !hitFree.has(k));
    expect(missing).toEqual([]);
  });
  it('request extractors (a case per service whose resources come from requestParameters)', () => {
    expect(Object.keys(REQUEST_EXTRACTORS).filter((p) => !hitExtractors.has(p))).toEqual([]);
  });
});
