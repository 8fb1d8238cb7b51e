/**
 * IAM last-accessed evidence in trim's decisions (`suggest --access-advisor`): it rescues what the trail could not
 * see, confirms unobservable keeps, and — only when trusted — proves a never-accessed service's unobservable
 * actions unused for the whole tracking period. Every suggestion still passes the never-wider and covers proofs
 * (`suggest` throws otherwise).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadBundledCatalog } from '../../src/adapters/fs/bundled-data.js';
import { evaluate } from '../../src/core/policy/index.js';
import type { PolicyDocument, Statement } from '../../src/core/policy/types.js';
import { buildLastAccessedEvidence, type LastAccessedContext } from '../../src/core/second-opinion/last-accessed.js';
import { parseTrackedActions, parseTrackingTable, trackingSince } from '../../src/core/second-opinion/tracking.js';
import type { LastAccessedReport } from '../../src/core/second-opinion/types.js';
import { defaultTrailRecording } from '../../src/core/trail/recording.js';
import { suggest } from '../../src/core/trim/suggest.js';
import type { Finding, TrimInput } from '../../src/core/trim/types.js';
import { fakeKnowledge, usageOf, used } from '../support/trim-fakes.js';

const catalog = loadBundledCatalog();
const knowledge = fakeKnowledge();
const table = parseTrackingTable(JSON.parse(readFileSync('data/iam/last-accessed-tracking.json', 'utf8')), 'last-accessed-tracking.json');
const tracks = parseTrackedActions(JSON.parse(readFileSync('data/iam/last-accessed-actions.json', 'utf8')), 'last-accessed-actions.json');
const ROLE = 'arn:aws:iam::123456789012:role/orders-api-role';
const TABLE = 'arn:aws:dynamodb:eu-west-1:123456789012:table/orders';
const QUEUE = 'arn:aws:sqs:eu-west-1:123456789012:orders';
const window = { since: new Date('2026-09-08T00:00:00Z'), until: new Date('2026-12-07T00:00:00Z') };

const doc = (statements: Statement[]): PolicyDocument => ({ name: 'inline:orders', version: '2012-10-17', statements, kind: 'inline' });
const allows = (docs: PolicyDocument[], action: string, resource: string) => evaluate(docs, { action, resource }, { mode: 'may-allow' }) === 'allowed';
const find = <K extends Finding['kind']>(fs: Finding[], kind: K, id: string) => fs.find((f) => f.kind === kind && f.id === id) as Extract<Finding, { kind: K }> | undefined;
const context = (over: Partial<LastAccessedContext> = {}): LastAccessedContext => ({ window, regions: ['eu-west-1'], usedServices: ['dynamodb'], tracks, table, trust: false, ...over });

// The role: DynamoDB item reads and table management, SQS sending (a data-plane call the default trail may
// not show), and EC2 describes; the trail shows only DescribeTable.
const docs = [
  doc([
    { effect: 'Allow', action: ['dynamodb:GetItem', 'dynamodb:DescribeTable', 'dynamodb:DeleteTable'], resource: [TABLE] },
    { effect: 'Allow', action: ['sqs:SendMessage'], resource: [QUEUE] },
    { effect: 'Allow', action: ['ec2:DescribeAvailabilityZones'], resource: ['*'] },
  ]),
];
const usage = usageOf([used('dynamodb:DescribeTable', [TABLE])]);
const report = (services: LastAccessedReport['services']): LastAccessedReport => ({ arn: ROLE, jobCreatedAt: '2026-12-07T10:00:00Z', services });
const input = (over: Partial<TrimInput> = {}): TrimInput => ({ documents: docs, usage, catalog, knowledge, recording: defaultTrailRecording(), options: { baselines: [] }, ...over });

describe('the bundled tables', () => {
  it('IAM tracks ec2:DescribeAvailabilityZones at action level, not s3:GetObject or dynamodb:GetItem (Service Reference flag)', () => {
    expect(tracks('ec2:DescribeAvailabilityZones')).toBe(true);
    expect(tracks('s3:GetObject')).toBe(false);
    expect(tracks('dynamodb:GetItem')).toBe(false);
  });

  it('the tracking period starts at the later of the Region start and 400 days back; an unknown Region gives none', () => {
    expect(trackingSince(table, ['eu-west-1'], '2026-12-07T00:00:00Z').since).toBe('2025-11-02');
    expect(trackingSince(table, ['eu-west-1', 'af-south-1'], '2020-06-01T00:00:00Z').since).toBe('2020-04-22');
    expect(trackingSince(table, ['eu-west-1', 'mars-north-1'], '2026-12-07T00:00:00Z')).toEqual({ regions: [{ region: 'eu-west-1', began: '2015-10-01' }, { region: 'mars-north-1' }] });
  });
});

describe('last-accessed evidence in trim', () => {
  it('rescues a tracked action the trail has no record of: ec2:DescribeAvailabilityZones used in the window is kept as granted', () => {
    // Given IAM's action-level data shows DescribeAvailabilityZones used inside the window (in a Region the trail did not read)
    const ev = buildLastAccessedEvidence(
      report([{ namespace: 'ec2', lastAuthenticated: '2026-11-30T08:00:00Z', trackedActions: [{ action: 'DescribeAvailabilityZones', lastAccessed: '2026-11-30T08:00:00Z', region: 'us-west-2' }] }]),
      context(),
    );
    // When suggesting with that evidence
    const r = suggest(input({ lastAccessed: ev.input }));
    // Then it stays on its granted resources, and the finding says what it rests on
    expect(allows(r.documents, 'ec2:DescribeAvailabilityZones', '*')).toBe(true);
    const f = find(r.findings, 'kept-last-accessed', 'last-accessed/ec2:DescribeAvailabilityZones');
    expect(f?.lastAccess).toEqual({ at: '2026-11-30T08:00:00Z', region: 'us-west-2' });
    expect(f?.message).toMatch(/trail has no record of it, but IAM's last-accessed information shows an attempt to use it on 2026-11-30 in us-west-2 \(IAM counts refused attempts too\)/);
    expect(r.stats.lastAccessedActions).toBe(1);
    const line = r.evidence.flatMap((e) => e.actions).find((a) => a.action === 'ec2:DescribeAvailabilityZones');
    expect(line).toEqual({ action: 'ec2:DescribeAvailabilityZones', basis: 'last-accessed', findingIds: ['last-accessed/ec2:DescribeAvailabilityZones'] });
    // Without the evidence the same action goes (the trail would have shown it)
    expect(allows(suggest(input()).documents, 'ec2:DescribeAvailabilityZones', '*')).toBe(false);
  });

  it('an action-level use before the window, or of an action IAM does not track, keeps nothing', () => {
    const ev = buildLastAccessedEvidence(
      report([
        { namespace: 'ec2', lastAuthenticated: '2026-01-01T00:00:00Z', trackedActions: [{ action: 'DescribeAvailabilityZones', lastAccessed: '2026-01-01T00:00:00Z' }] },
        { namespace: 'dynamodb', lastAuthenticated: '2026-11-01T00:00:00Z', trackedActions: [{ action: 'DeleteTable', lastAccessed: '2026-11-01T00:00:00Z' }] },
      ]),
      context({ tracks: (a) => a !== 'dynamodb:deletetable' }),
    );
    const r = suggest(input({ lastAccessed: ev.input }));
    expect(allows(r.documents, 'ec2:DescribeAvailabilityZones', '*')).toBe(false);
    expect(allows(r.documents, 'dynamodb:DeleteTable', TABLE)).toBe(false);
    expect(r.stats.lastAccessedActions).toBe(0);
  });

  it('service-level use confirms an untracked unobservable action stays (dynamodb:GetItem)', () => {
    const ev = buildLastAccessedEvidence(report([{ namespace: 'dynamodb', lastAuthenticated: '2026-12-01T00:00:00Z', trackedActions: [] }]), context());
    const r = suggest(input({ lastAccessed: ev.input }));
    const f = find(r.findings, 'kept-unobservable', 'unobservable/dynamodb:GetItem');
    expect(f?.serviceUsed).toEqual({ at: '2026-12-01T00:00:00Z' });
    expect(f?.message).toMatch(/shows its service used on 2026-12-01/);
    expect(allows(r.documents, 'dynamodb:GetItem', TABLE)).toBe(true);
  });
});

describe('a service never accessed in the whole tracking period', () => {
  // Given IAM lists sqs (granted) with no access at all, and the trail (management events only) cannot show sqs:SendMessage
  const never = report([
    { namespace: 'sqs', name: 'Amazon SQS', trackedActions: [] },
    { namespace: 'dynamodb', lastAuthenticated: '2026-12-01T00:00:00Z', trackedActions: [] },
  ]);

  it('is reported, and its unobservable actions stay without --trust-access-advisor', () => {
    const ev = buildLastAccessedEvidence(never, context());
    expect(ev.notes.neverAccessed).toEqual([{ service: 'sqs', name: 'Amazon SQS', trusted: false }]);
    expect(ev.notes.trackingSince).toBe('2025-11-02');
    const r = suggest(input({ lastAccessed: ev.input }));
    expect(allows(r.documents, 'sqs:SendMessage', QUEUE)).toBe(true);
    expect(find(r.findings, 'kept-unobservable', 'unobservable/sqs:SendMessage')).toBeDefined();
  });

  it('with --trust-access-advisor its unobservable actions go, each finding saying why; the proofs still hold', () => {
    const ev = buildLastAccessedEvidence(never, context({ trust: true }));
    expect(ev.notes.neverAccessed).toEqual([{ service: 'sqs', name: 'Amazon SQS', trusted: true }]);
    const r = suggest(input({ lastAccessed: ev.input }));
    expect(allows(r.documents, 'sqs:SendMessage', QUEUE)).toBe(false);
    const f = find(r.findings, 'removed-action', 'removed/sqs:SendMessage');
    expect(f?.neverAccessed).toBe("IAM's last-accessed information shows sqs never accessed since 2025-11-02");
    expect(f?.message).toMatch(/--trust-access-advisor/);
    // DynamoDB was used: its unobservable GetItem stays
    expect(allows(r.documents, 'dynamodb:GetItem', TABLE)).toBe(true);
    expect(r.verification.neverWider.ok && r.verification.covers.ok).toBe(true);
  });

  it('is not trusted when the trail shows the service used, a Region start is unknown, or the period starts after the window', () => {
    const contradicted = buildLastAccessedEvidence(never, context({ trust: true, usedServices: ['dynamodb', 'SQS'] }));
    expect(contradicted.notes.contradicted).toEqual(['sqs']);
    expect(contradicted.notes.neverAccessed[0]).toMatchObject({ trusted: false, notTrustedBecause: expect.stringMatching(/trail shows it used/) });
    const unknown = buildLastAccessedEvidence(never, context({ trust: true, regions: ['eu-west-1', 'il-central-1'] }));
    expect(unknown.notes.neverAccessed[0]).toMatchObject({ trusted: false, notTrustedBecause: expect.stringMatching(/il-central-1 is not in policy-trim's table/) });
    expect(unknown.input.dropUnobservableOf.size).toBe(0);
    const early = buildLastAccessedEvidence(never, context({ trust: true, window: { since: new Date('2025-01-01T00:00:00Z') } }));
    expect(early.notes.neverAccessed[0]?.notTrustedBecause).toMatch(/starts on 2025-11-02, after the window's start/);
    expect(allows(suggest(input({ lastAccessed: early.input })).documents, 'sqs:SendMessage', QUEUE)).toBe(true);
  });
});
