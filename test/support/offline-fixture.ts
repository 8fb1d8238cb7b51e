/**
 * A small offline input for CLI tests of flags and outputs: one role, one call, one policy.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** A temporary folder, removed after the calling test file's tests. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** The role of the fixture's records. */
export const OFFLINE_ROLE = 'arn:aws:iam::123456789012:role/app-role';
const ROLE = OFFLINE_ROLE;

/**
 * One successful SQS SendMessage to `jobs` by app-role's session `app-fn` (a data event), with `over` merged
 * on top (e.g. another eventTime or an eventID).
 */
export function sqsSendRecord(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    eventTime: '2026-10-10T10:00:00Z',
    eventSource: 'sqs.amazonaws.com',
    eventName: 'SendMessage',
    awsRegion: 'us-east-1',
    recipientAccountId: '123456789012',
    eventCategory: 'Data',
    managementEvent: false,
    readOnly: false,
    userIdentity: {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::123456789012:assumed-role/app-role/app-fn',
      accountId: '123456789012',
      sessionContext: { sessionIssuer: { type: 'Role', arn: ROLE, accountId: '123456789012', userName: 'app-role' } },
    },
    requestParameters: { queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/jobs' },
    ...over,
  };
}

/**
 * A temporary folder (removed after the file's tests) with `trail/a.json` (one SQS SendMessage by app-role),
 * `trail/notes.txt` (not a trail file), `selectors.json` (multi-Region, management and SQS data events) and
 * `policy.json` (sqs:*, sns:Publish and the Lambda logging actions on *).
 */
export function fixture(): string {
  const dir = tempDir('policy-trim-conv-');
  mkdirSync(join(dir, 'trail'));
  writeFileSync(join(dir, 'trail', 'a.json'), JSON.stringify({ Records: [sqsSendRecord({ eventID: 'e-1' })] }));
  writeFileSync(join(dir, 'trail', 'notes.txt'), 'not a trail file');
  writeMultiRegionSelectors(dir);
  writeFileSync(
    join(dir, 'policy.json'),
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sqs:*', 'sns:Publish', 'logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }] }),
  );
  return dir;
}

/**
 * `DIR/selectors.json`: a multi-Region trail with global service events (what `aws cloudtrail get-trail` adds)
 * recording management events and SQS data events everywhere. Returns its path.
 */
export function writeMultiRegionSelectors(dir: string): string {
  const file = join(dir, 'selectors.json');
  writeFileSync(
    file,
    JSON.stringify({
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      AdvancedEventSelectors: [
        { Name: 'mgmt', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
        { Name: 'sqs', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::SQS::Queue'] }] },
      ],
    }),
  );
  return file;
}
