/**
 * The planner says a managed policy's document is unknown only of an attachment it needed and did not get: not
 * of a role that attaches nothing, not of an attachment another site defines (it is trimmed there), not when
 * every document was given. Why the documents are missing (PlanInput.managedPoliciesUnread, e.g. IAM could not be
 * read) is said in that note, and nowhere else.
 */
import { describe, expect, it } from 'vitest';
import { planEdits } from '../../src/core/iac/plan.js';
import type { GrantSite } from '../../src/core/iac/types.js';
import type { PolicyDocument } from '../../src/core/policy/types.js';
import { fixture } from './support.js';
import { ACCOUNT, QUEUE, RECEIPTS, TABLE, planInput } from './plan-support.js';

const UNREAD = 'the role could not be read from IAM: ECONNREFUSED.';
const FILE = 'stack/template.yaml';
const ROLE_SITES: GrantSite[] = [
  { format: 'cloudformation', file: FILE, resource: 'OrdersRole' },
  { format: 'cloudformation', file: FILE, resource: 'SharedReadPolicy' },
];
const VALUES = { 'GetAtt:Orders.Arn': TABLE, 'Ref:Receipts': 'orders-receipts', 'GetAtt:Jobs.Arn': QUEUE, 'Ref:AWS::Region': 'us-east-1', 'Ref:AWS::AccountId': ACCOUNT, 'Ref:AWS::Partition': 'aws' };
const managed = (name: string, action: string[]): PolicyDocument => ({ name, version: '2012-10-17', statements: [{ effect: 'Allow', action, resource: ['*'] }] });
const S3_FULL = managed('arn:aws:iam::aws:policy/AmazonS3FullAccess', ['s3:*']);
const LAMBDA_BASIC = managed('arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole', ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents']);

/** Every note of a plan of the CloudFormation role (three attachments, one of them a policy of the template). */
function roleNotes(documents: PolicyDocument[], unread?: string): string[] {
  const input = { ...planInput(ROLE_SITES, { [FILE]: fixture('cloudformation/role-yaml/before.yaml') }, { values: VALUES, managed: documents }), managedPoliciesUnread: unread };
  return planEdits(input).notes ?? [];
}

describe('an attachment whose document is unknown', () => {
  it('is noted, with why the documents could not be read', () => {
    const notes = roleNotes([S3_FULL], UNREAD).filter((n) => n.includes('not known'));
    expect(notes).toEqual([expect.stringMatching(/AWSLambdaBasicExecutionRole \(attached at stack\/template\.yaml:\d+\) kept as written: its document is not known \(the role could not be read from IAM: ECONNREFUSED\)\.$/)]);
  });

  it('without a reason given, the note says only that the document is not known', () => {
    expect(roleNotes([S3_FULL]).filter((n) => n.includes('not known'))).toEqual([expect.stringMatching(/AWSLambdaBasicExecutionRole .*kept as written: its document is not known\.$/)]);
  });

  it('nothing is said when every document needed was read: the policy another site defines needs none', () => {
    const notes = roleNotes([S3_FULL, LAMBDA_BASIC], UNREAD);
    expect(notes.filter((n) => n.includes('not known') || n.includes('IAM'))).toEqual([]);
    expect(notes.join('\n')).toMatch(/AmazonS3FullAccess .*replaced by/); // the attachments were planned
  });

  it('nothing is said of a role that attaches nothing', () => {
    const text = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: [RECEIPTS, `${RECEIPTS}/*`] }] }, null, 2);
    const input = { ...planInput([{ format: 'json', file: 'p.json' }], { 'p.json': text }), managedPoliciesUnread: UNREAD };
    const result = planEdits(input);
    expect(result.edits).toHaveLength(1);
    expect((result.notes ?? []).filter((n) => /managed|attach|not known|IAM/i.test(n))).toEqual([]);
  });
});
