/**
 * data/cloudtrail/observability.json, the evidence table that says which services CloudTrail documents as
 * logging their calls as management events: its shape, that every prefix and action pattern is a catalog one,
 * and that it agrees with the other CloudTrail tables (no data-event, never-logged or secondary-only action of a
 * listed service may look observable) and with the real-log evidence in observed.json.
 */
import { describe, expect, it } from 'vitest';
import { loadBundledCatalog, readDataJson } from '../../src/adapters/fs/bundled-data.js';
import { loadBundledCloudTrailKnowledge, loadBundledCloudTrailTables } from '../../src/adapters/fs/bundled-mapping.js';

const KINDS = ['data-event', 'not-logged', 'console-only', 'secondary'] as const;
type Kind = (typeof KINDS)[number];

interface Exception {
  actions: string[];
  kind: Kind;
  reason: string;
  source: string;
}
interface Service {
  name: string;
  eventSources: string[];
  scope: 'global' | 'regional';
  source: string;
  exceptions: Exception[];
}
interface Observability {
  _about: string;
  services: Record<string, Service>;
}

const doc = readDataJson('cloudtrail/observability.json') as Observability;
const catalog = loadBundledCatalog();
const tables = loadBundledCloudTrailTables();
const knowledge = loadBundledCloudTrailKnowledge();
const services = Object.entries(doc.services);

/** Case-insensitive IAM wildcard match (`*` any run, `?` one character), as IAM matches Action. */
function matches(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return re.test(action);
}

/** The exceptions of the action's service line that cover it (empty when the service is unlisted or none does). */
function coveringKinds(action: string): Kind[] {
  const svc = doc.services[action.split(':')[0]!.toLowerCase()];
  if (!svc) return [];
  return svc.exceptions.filter((e) => e.actions.some((p) => matches(p, action))).map((e) => e.kind);
}

/** A page title in quotes (or a data file) and an ISO date: what every cited source must carry. */
const CITES_TITLE = /'[^']{6,}'|data\/[a-z/]+\.json|Service Reference/;
const DATE = /\b20\d\d-\d\d-\d\d\b/;

describe('observability.json shape', () => {
  it('has an _about paragraph and the exact service fields', () => {
    expect(Object.keys(doc).sort()).toEqual(['_about', 'services']);
    expect(doc._about.length).toBeGreaterThan(200);
    expect(services.length).toBeGreaterThan(20);
    for (const [prefix, s] of services) {
      expect(Object.keys(s).sort(), prefix).toEqual(['eventSources', 'exceptions', 'name', 'scope', 'source']);
      expect(s.name.trim().length, prefix).toBeGreaterThan(2);
      expect(s.eventSources.length, prefix).toBeGreaterThan(0);
      for (const src of s.eventSources) expect(src, prefix).toMatch(/^[a-z0-9-]+\.amazonaws\.com$/);
      expect(['global', 'regional'], prefix).toContain(s.scope);
      expect(s.source, `${prefix} source names a page`).toMatch(/'[^']{6,}'/);
      expect(s.source, `${prefix} source names a date`).toMatch(DATE);
      expect(Array.isArray(s.exceptions), prefix).toBe(true);
    }
  });

  it('every exception has non-empty actions, an allowed kind, a reason and a source', () => {
    for (const [prefix, s] of services) {
      for (const e of s.exceptions) {
        const where = `${prefix} ${JSON.stringify(e.actions)}`;
        expect(Object.keys(e).sort(), where).toEqual(['actions', 'kind', 'reason', 'source']);
        expect(e.actions.length, where).toBeGreaterThan(0);
        expect(KINDS as readonly string[], where).toContain(e.kind);
        expect(e.reason.trim().length, where).toBeGreaterThan(20);
        expect(e.source, where).toMatch(CITES_TITLE);
      }
    }
  });

  it('lists the services the issue names, IAM as global and STS as regional', () => {
    const need =
      's3 dynamodb lambda sqs sns kms secretsmanager ssm events states cloudwatch logs xray apigateway execute-api kinesis firehose ecr sts iam appsync cognito-idp cognito-identity ses athena glue'.split(' ');
    for (const p of need) expect(Object.keys(doc.services), p).toContain(p);
    expect(doc.services.iam!.scope).toBe('global');
    expect(doc.services.sts!.scope).toBe('regional');
    expect(doc.services.sts!.source).toMatch(/us-east-1/);
  });
});

describe('observability.json against the IAM catalog', () => {
  it('every service key is a catalog prefix', () => {
    const known = new Set(catalog.services());
    for (const [prefix] of services) expect(known.has(prefix), prefix).toBe(true);
  });

  it('every action pattern belongs to its own service and matches at least one catalog action', () => {
    for (const [prefix, s] of services) {
      for (const e of s.exceptions) {
        for (const p of e.actions) {
          expect(p, 'one service per pattern').toMatch(new RegExp(`^${prefix.replace(/-/g, '\\-')}:[A-Za-z0-9*?-]+$`));
          expect(catalog.expandActionPattern(p).length, `${p} matches no catalog action`).toBeGreaterThan(0);
        }
      }
    }
  });

  it('no pattern is listed twice within a service', () => {
    for (const [prefix, s] of services) {
      const all = s.exceptions.flatMap((e) => e.actions.map((a) => a.toLowerCase()));
      expect(new Set(all).size, prefix).toBe(all.length);
    }
  });
});

describe('observability.json against the other CloudTrail tables', () => {
  it('every data-event action of a listed service is excepted as data-event or not-logged', () => {
    let checked = 0;
    for (const [prefix] of services) {
      for (const a of catalog.actionsOf(prefix)) {
        if (knowledge.dataEventTypeOf(a.id) === undefined) continue;
        checked++;
        const kinds = coveringKinds(a.id);
        expect(kinds.some((k) => k === 'data-event' || k === 'not-logged'), `${a.id} (${knowledge.dataEventTypeOf(a.id)})`).toBe(true);
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('every neverLogged action is excepted as not-logged, or its service is not listed (so never documented)', () => {
    for (const f of tables.events.neverLogged) {
      const prefix = f.action.split(':')[0]!;
      if (!doc.services[prefix]) continue;
      expect(coveringKinds(f.action), f.action).toContain('not-logged');
    }
    // The services the issue is about must be listed, so the loop above did check them.
    expect(coveringKinds('logs:PutLogEvents')).toContain('not-logged');
    expect(coveringKinds('execute-api:Invoke')).toContain('not-logged');
  });

  // A secondary action checked only inside a data event (s3:GetObjectVersion inside GetObject) is visible only
  // through data events, so 'data-event' is as good an exception for it as 'secondary'.
  it('every secondaryOnly action of a listed service is excepted (secondary, not-logged, or inside a data event)', () => {
    for (const f of tables.events.secondaryOnly) {
      if (!doc.services[f.action.split(':')[0]!]) continue;
      const kinds = coveringKinds(f.action);
      expect(kinds.length, f.action).toBeGreaterThan(0);
      expect(kinds.includes('secondary') || kinds.includes('not-logged') || knowledge.dataEventTypeOf(f.action) !== undefined, f.action).toBe(true);
    }
  });

  it('the data-plane actions named in the issue are excepted', () => {
    const named = [
      'cloudwatch:PutMetricData',
      'sns:Publish',
      'ses:SendEmail',
      'kinesis:PutRecord',
      'kinesis:PutRecords',
      'firehose:PutRecordBatch',
      'xray:PutTraceSegments',
      'execute-api:Invoke',
      'appsync:GraphQL',
    ];
    for (const a of named) expect(coveringKinds(a).length, a).toBeGreaterThan(0);
  });

  it('the management calls of the issue stay observable (not excepted)', () => {
    for (const a of ['sns:CreateTopic', 'sns:DeleteTopic', 'cloudwatch:PutMetricAlarm', 'logs:CreateLogGroup', 'apigateway:GET'])
      expect(coveringKinds(a), a).toEqual([]);
  });

  it('no action that real CloudTrail recorded as a management event (observed.json) is excepted as not-logged', () => {
    const observed = readDataJson('cloudtrail/observed.json') as { actions: { action: string }[] };
    expect(observed.actions.length).toBeGreaterThan(0);
    for (const { action } of observed.actions) expect(coveringKinds(action), action).not.toContain('not-logged');
  });
});
