/**
 * Region coverage: which Regions a read covers, decided from the trail configuration and what was read, and
 * the recording's answer for a call that could have been made elsewhere.
 */
import { describe, expect, it } from 'vitest';
import {
  decideRegionCoverage,
  localReads,
  regionGap,
  regionOfLayoutPath,
  regionOfPattern,
} from '../../src/core/trail/region-coverage.js';
import { parseTrailRecording, withRegionCoverage } from '../../src/core/trail/recording.js';
import { TrailConfigError } from '../../src/core/trail/errors.js';

const MGMT = { AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] }] };
const query = (action: string, resourcePattern: string, scope: 'regional' | 'global' = 'regional') => ({
  action,
  eventSource: `${action.split(':')[0]}.amazonaws.com`,
  readOnly: false,
  resourcePattern,
  scope,
});

describe('reading the trail configuration', () => {
  it('takes IsMultiRegionTrail, IncludeGlobalServiceEvents and HomeRegion at the top level or under Trail', () => {
    const top = parseTrailRecording({ ...MGMT, IsMultiRegionTrail: true, IncludeGlobalServiceEvents: false, HomeRegion: 'eu-west-1' }, 'a.json');
    expect(top.trail).toEqual({ multiRegion: true, globalEvents: false, homeRegion: 'eu-west-1' });
    // `aws cloudtrail get-trail` prints them inside Trail; the home Region also comes from TrailARN
    const nested = parseTrailRecording({ ...MGMT, Trail: { IsMultiRegionTrail: false, TrailARN: 'arn:aws:cloudtrail:ap-south-1:111122223333:trail/t' } }, 'b.json');
    expect(nested.trail).toEqual({ multiRegion: false, homeRegion: 'ap-south-1' });
    // get-event-selectors alone says nothing about Regions
    expect(parseTrailRecording(MGMT, 'c.json').trail).toBeUndefined();
  });

  it('rejects a non-boolean IsMultiRegionTrail, naming the file and the field', () => {
    expect(() => parseTrailRecording({ ...MGMT, IsMultiRegionTrail: 'yes' }, 'bad.json')).toThrow(TrailConfigError);
    expect(() => parseTrailRecording({ ...MGMT, IsMultiRegionTrail: 'yes' }, 'bad.json')).toThrow(/bad\.json.*IsMultiRegionTrail/);
  });
});

describe('deciding the covered Regions', () => {
  const delivery = [{ kind: 'delivery' as const, label: 'trail/' }];

  it('a multi-Region trail\'s delivery covers every Region, with global service events', () => {
    const c = decideRegionCoverage({ trail: { multiRegion: true }, reads: delivery, regionsInRecords: ['us-east-1'] });
    expect(c.regions).toBe('all');
    expect(c.globalEvents).toBe(true);
  });

  it('a single-Region trail covers its home Region; an unknown trail only the Regions its records show', () => {
    expect(decideRegionCoverage({ trail: { multiRegion: false, homeRegion: 'eu-west-1' }, reads: delivery, regionsInRecords: ['us-east-1'] }).regions).toEqual(['eu-west-1']);
    const unknown = decideRegionCoverage({ reads: delivery, regionsInRecords: ['us-east-1', 'eu-west-1'] });
    expect(unknown.regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(unknown.globalEvents).toBeUndefined();
    expect(unknown.basis).toMatch(/does not say IsMultiRegionTrail/);
  });

  it('a path inside one Region\'s folder limits a multi-Region trail to that Region, and so loses global events', () => {
    const reads = localReads(['/logs/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/']);
    expect(reads).toEqual([{ kind: 'regions', label: '/logs/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/', regions: ['eu-west-1'] }]);
    const c = decideRegionCoverage({ trail: { multiRegion: true }, reads, regionsInRecords: ['eu-west-1'] });
    expect(c.regions).toEqual(['eu-west-1']);
    expect(c.globalEvents).toBe(false);
  });

  it('Event history covers the Regions looked up; in us-east-1 it holds global service events', () => {
    const c = decideRegionCoverage({ reads: [{ kind: 'regions', label: 'lookup', regions: ['us-east-1', 'eu-west-1'] }], regionsInRecords: [], lookup: true });
    expect(c.regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(c.globalEvents).toBe(true);
  });

  it('finds the Region folder of the delivery layout, and pinned Regions of ARN patterns', () => {
    expect(regionOfLayoutPath('AWSLogs/o-abc/111122223333/CloudTrail/us-gov-west-1/2026/')).toBe('us-gov-west-1');
    expect(regionOfLayoutPath('/data/trail')).toBeUndefined();
    expect(regionOfPattern('arn:aws:sqs:eu-west-1:111122223333:q')).toBe('eu-west-1');
    expect(regionOfPattern('arn:aws:sqs:*:111122223333:q')).toBeUndefined();
    expect(regionOfPattern('arn:aws:s3:::bucket')).toBeUndefined();
    expect(regionOfPattern('*')).toBeUndefined();
  });
});

describe('a recording limited to the covered Regions', () => {
  const recording = parseTrailRecording(MGMT, 'sel.json');
  const only = (regions: string[], globalEvents?: boolean) =>
    withRegionCoverage(recording, { regions, ...(globalEvents !== undefined ? { globalEvents } : {}), basis: 'test' });

  it('records a call pinned to a covered Region, not one that could have been made anywhere', () => {
    const r = only(['us-east-1']);
    expect(r.wouldRecord(query('sqs:DeleteQueue', 'arn:aws:sqs:us-east-1:111122223333:q')).recorded).toBe(true);
    const anywhere = r.wouldRecord(query('sqs:DeleteQueue', '*'));
    expect(anywhere).toMatchObject({ recorded: false, code: 'region-not-covered' });
    expect(anywhere.recorded ? '' : anywhere.reason).toMatch(/any Region, but the logs read cover only us-east-1/);
    expect(r.wouldRecord(query('sqs:DeleteQueue', 'arn:aws:sqs:eu-west-1:111122223333:q')).recorded).toBe(false);
    expect(r.notes.join(' ')).toMatch(/Regions covered: us-east-1/);
  });

  it('records a global service\'s call only with global service events in a read covering us-east-1', () => {
    expect(only(['us-east-1'], true).wouldRecord(query('iam:CreateUser', '*', 'global')).recorded).toBe(true);
    expect(only(['us-east-1']).wouldRecord(query('iam:CreateUser', '*', 'global')).recorded).toBe(false);
    expect(only(['eu-west-1'], true).wouldRecord(query('iam:CreateUser', '*', 'global')).recorded).toBe(false);
    expect(regionGap({ regions: 'all', globalEvents: true, basis: 'b' }, query('iam:CreateUser', '*', 'global'))).toBeUndefined();
  });

  it('never turns a selector\'s "not recorded" into "recorded"', () => {
    const noMgmt = parseTrailRecording({ AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }] }] }, 'data-only.json');
    const r = withRegionCoverage(noMgmt, { regions: 'all', globalEvents: true, basis: 'b' });
    expect(r.wouldRecord(query('sqs:DeleteQueue', '*')).recorded).toBe(false);
  });
});
