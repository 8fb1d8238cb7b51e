import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TrailConfigError } from '../../src/core/trail/errors.js';
import { combineTrailRecordings, defaultTrailRecording, parseTrailRecording } from '../../src/core/trail/recording.js';
import type { RecordingQuery } from '../../src/core/trail/selectors.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/trim/${name}`, import.meta.url), 'utf8'));

const q = (over: Partial<RecordingQuery>): RecordingQuery => ({
  action: 's3:GetObject',
  eventSource: 's3.amazonaws.com',
  readOnly: true,
  resourcePattern: '*',
  ...over,
});
const s3Get = (resourcePattern: string) => q({ dataEventType: 'AWS::S3::Object', resourcePattern });

describe('default recording (no configuration known)', () => {
  const rec = defaultTrailRecording();
  it('records management events and says what it assumed', () => {
    expect(rec.origin).toBe('assumed-default');
    expect(rec.wouldRecord(q({ action: 's3:ListBucket' })).recorded).toBe(true);
    expect(rec.notes.join(' ')).toMatch(/management events only/);
  });
  it('records no data events', () => {
    const a = rec.wouldRecord(q({ action: 'dynamodb:GetItem', eventSource: 'dynamodb.amazonaws.com', dataEventType: 'AWS::DynamoDB::Table' }));
    expect(a).toMatchObject({ recorded: false, code: 'data-event-not-selected' });
  });
});

describe('basic event selectors', () => {
  const rec = parseTrailRecording(fixture('basic-selectors.json'), 'basic-selectors.json');
  it('keeps the trail ARN', () => {
    expect(rec.trailArn).toBe('arn:aws:cloudtrail:us-east-1:123456789012:trail/main');
  });
  it('records S3 objects only under the selected bucket prefix', () => {
    expect(rec.wouldRecord(s3Get('arn:aws:s3:::orders-receipts/receipts/*')).recorded).toBe(true);
    expect(rec.wouldRecord(s3Get('arn:aws:s3:::orders-receipts/a.json')).recorded).toBe(true);
    // A pattern reaching beyond the selected prefix is not provably recorded.
    expect(rec.wouldRecord(s3Get('arn:aws:s3:::orders-*')).recorded).toBe(false);
    expect(rec.wouldRecord(s3Get('arn:aws:s3:::other/*')).recorded).toBe(false);
    expect(rec.wouldRecord(s3Get('*')).recorded).toBe(false);
  });
  it('"arn:aws:dynamodb" selects every table', () => {
    const a = rec.wouldRecord(q({ action: 'dynamodb:GetItem', eventSource: 'dynamodb.amazonaws.com', dataEventType: 'AWS::DynamoDB::Table' }));
    expect(a.recorded).toBe(true);
  });
  it('excluded management event sources are not recorded, with the reason', () => {
    const a = rec.wouldRecord(q({ action: 'kms:Decrypt', eventSource: 'kms.amazonaws.com', readOnly: false }));
    expect(a.recorded).toBe(false);
    if (!a.recorded) {
      expect(a.code).toBe('management-excluded');
      expect(a.reason).toContain('kms.amazonaws.com are excluded');
    }
    expect(rec.wouldRecord(q({ action: 'sqs:CreateQueue', eventSource: 'sqs.amazonaws.com', readOnly: false })).recorded).toBe(true);
  });
  it('ReadWriteType WriteOnly does not record read-only calls', () => {
    const wo = parseTrailRecording({ EventSelectors: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }] }, 'wo.json');
    expect(wo.wouldRecord(q({ action: 's3:ListBucket', readOnly: true })).recorded).toBe(false);
    expect(wo.wouldRecord(q({ action: 's3:DeleteBucket', readOnly: false })).recorded).toBe(true);
  });
  it('a full DynamoDB table ARN selects that table only (never its name-prefixed siblings)', () => {
    const one = parseTrailRecording(
      { EventSelectors: [{ DataResources: [{ Type: 'AWS::DynamoDB::Table', Values: ['arn:aws:dynamodb:us-east-1:1:table/orders'] }] }] },
      'one.json',
    );
    const dq = (p: string) => q({ action: 'dynamodb:GetItem', dataEventType: 'AWS::DynamoDB::Table', resourcePattern: p });
    expect(one.wouldRecord(dq('arn:aws:dynamodb:us-east-1:1:table/orders')).recorded).toBe(true);
    expect(one.wouldRecord(dq('arn:aws:dynamodb:us-east-1:1:table/orders-archive')).recorded).toBe(false);
    expect(one.wouldRecord(dq('arn:aws:dynamodb:us-east-1:1:table/*')).recorded).toBe(false);
  });
});

describe('advanced event selectors', () => {
  it('parses the bundled example configuration', () => {
    const rec = parseTrailRecording(
      JSON.parse(readFileSync(new URL('../../examples/orders-api/trail-config.json', import.meta.url), 'utf8')),
      'trail-config.json',
    );
    expect(rec.wouldRecord(s3Get('*')).recorded).toBe(true);
    const ddb = rec.wouldRecord(q({ action: 'dynamodb:GetItem', dataEventType: 'AWS::DynamoDB::Table' }));
    expect(ddb).toMatchObject({ recorded: false, code: 'data-event-not-selected' });
  });
  const rec = parseTrailRecording(
    {
      AdvancedEventSelectors: [
        {
          Name: 'mgmt without KMS',
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['Management'] },
            { Field: 'eventSource', NotEquals: ['kms.amazonaws.com', 'rdsdata.amazonaws.com'] },
          ],
        },
        {
          Name: 'orders objects except tmp',
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['Data'] },
            { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
            { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::orders/'], NotStartsWith: ['arn:aws:s3:::orders/tmp/'] },
          ],
        },
        {
          Name: 'only GetItem',
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['Data'] },
            { Field: 'resources.type', Equals: ['AWS::DynamoDB::Table'] },
            { Field: 'eventName', Equals: ['GetItem'] },
          ],
        },
        {
          Name: 'sqs writes',
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['Data'] },
            { Field: 'resources.type', Equals: ['AWS::SQS::Queue'] },
            { Field: 'readOnly', Equals: ['false'] },
          ],
        },
      ],
    },
    'adv.json',
  );
  it('evaluates eventSource exclusions for management events', () => {
    expect(rec.wouldRecord(q({ action: 'kms:Decrypt', eventSource: 'kms.amazonaws.com' }))).toMatchObject({
      recorded: false,
      code: 'management-excluded',
    });
    expect(rec.wouldRecord(q({ action: 'iam:CreateUser', eventSource: 'iam.amazonaws.com', readOnly: false })).recorded).toBe(true);
  });
  it('evaluates StartsWith and NotStartsWith on resource patterns soundly', () => {
    expect(rec.wouldRecord(s3Get('arn:aws:s3:::orders/receipts/*')).recorded).toBe(true);
    expect(rec.wouldRecord(s3Get('arn:aws:s3:::orders/tmp/x')).recorded).toBe(false);
    // `orders/*` includes the excluded tmp/ prefix: not provably recorded.
    expect(rec.wouldRecord(s3Get('arn:aws:s3:::orders/*')).recorded).toBe(false);
  });
  it('treats a selector on eventName as recording nothing, and notes it', () => {
    const a = rec.wouldRecord(q({ action: 'dynamodb:GetItem', dataEventType: 'AWS::DynamoDB::Table' }));
    expect(a.recorded).toBe(false);
    expect(rec.notes.join(' ')).toMatch(/"only GetItem" filters on eventName/);
  });
  it('evaluates readOnly on data events', () => {
    const sqs = (readOnly: boolean) => q({ action: 'sqs:SendMessage', dataEventType: 'AWS::SQS::Queue', readOnly });
    expect(rec.wouldRecord(sqs(false)).recorded).toBe(true);
    expect(rec.wouldRecord(sqs(true)).recorded).toBe(false);
  });
});

describe('malformed configuration', () => {
  const bad = (json: unknown) => () => parseTrailRecording(json, 'cfg.json');
  it.each([
    [[], /expected the JSON object/],
    [{ TrailARN: 'x' }, /neither EventSelectors nor AdvancedEventSelectors/],
    [{ EventSelectors: {} }, /EventSelectors: expected a list/],
    [{ EventSelectors: [{ ReadWriteType: 'Sometimes' }] }, /EventSelectors\[0\]\.ReadWriteType: must be All, ReadOnly or WriteOnly/],
    [{ EventSelectors: [{ DataResources: [{ Values: ['arn:aws:s3'] }] }] }, /EventSelectors\[0\]\.DataResources\[0\]\.Type: missing/],
    [{ AdvancedEventSelectors: [{ Name: 'x' }] }, /AdvancedEventSelectors\[0\]\.FieldSelectors: missing or empty/],
    [{ AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Like: ['x'] }] }] }, /FieldSelectors\[0\]\.Like: unknown operator/],
    [{ AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'readOnly', Equals: ['true'] }] }] }, /needs exactly one eventCategory/],
    [{ AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: 'Data' }] }] }, /Equals: expected a list of strings/],
  ])('%j → clear error', (json, re) => {
    expect(bad(json)).toThrow(TrailConfigError);
    expect(bad(json)).toThrow(re);
    expect(bad(json)).toThrow(/^cfg\.json/);
  });
});

describe('several trails', () => {
  it('records a call when any trail records it', () => {
    const s3 = parseTrailRecording({ EventSelectors: [{ IncludeManagementEvents: false, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }] }, 'a.json');
    const both = combineTrailRecordings([s3, defaultTrailRecording()]);
    expect(s3.wouldRecord(q({ action: 's3:ListBucket' })).recorded).toBe(false);
    expect(both.wouldRecord(q({ action: 's3:ListBucket' })).recorded).toBe(true);
    expect(both.wouldRecord(s3Get('*')).recorded).toBe(true);
    expect(both.wouldRecord(q({ action: 'dynamodb:GetItem', dataEventType: 'AWS::DynamoDB::Table' })).recorded).toBe(false);
  });
});
