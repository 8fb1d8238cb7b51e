import { describe, expect, it } from 'vitest';
import { compareLiveGrant, LINE_CAP, liveDifferenceNotes } from '../../src/core/iac/live-diff.js';
import { parsePolicyDocument } from '../../src/core/policy/parse.js';
import type { PolicyDocument, Statement } from '../../src/core/policy/types.js';
import { testActionUniverse } from '../support/policy-arbitraries.js';

const doc = (name: string, kind: PolicyDocument['kind'], ...statements: object[]): PolicyDocument => ({
  ...parsePolicyDocument({ Version: '2012-10-17', Statement: statements }, name),
  kind,
});
/** A document as the planner builds it: statements as data, opaque symbols in place of unresolved references. */
const planned = (name: string, ...statements: Statement[]): PolicyDocument => ({ name, version: '2012-10-17', kind: 'inline', statements });
const ORDERS = 'arn:aws:s3:::orders';
const TABLE = 'arn:aws:dynamodb:us-east-1:123456789012:table/orders';
const SHARED = 'arn:aws:iam::123456789012:policy/orders-shared';
/** An unresolved reference as the planner writes it in `granted`. */
const TABLE_REF = '\uE000infra/iam.tf#aws_dynamodb_table.orders.arn\uE001';

// The repository's grant: objects of the orders bucket read and written, the orders table read.
const repository = [
  doc('infra/iam.tf#data.aws_iam_policy_document.orders', 'inline',
    { Sid: 'Objects', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `${ORDERS}/*` },
    { Sid: 'Table', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: TABLE },
  ),
];

describe('compareLiveGrant', () => {
  it('finds no difference in a live role that says the same in other words (one statement per action, another order)', () => {
    const live = [doc('inline:orders', 'inline',
      { Effect: 'Allow', Action: 'dynamodb:Query', Resource: TABLE },
      { Effect: 'Allow', Action: 's3:PutObject', Resource: `${ORDERS}/*` },
      { Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: [TABLE] },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: `${ORDERS}/*` },
    )];
    const diff = compareLiveGrant(repository, live, testActionUniverse);
    expect(diff).toMatchObject({ same: true, liveOnly: [], repositoryOnly: [], liveOnlyCount: 0, repositoryOnlyCount: 0, uncomparable: 0, notes: [] });
    expect(liveDifferenceNotes(diff)).toEqual([]);
  });

  it('reports what the live role grants beyond the repository, and says the pull request edits the repository', () => {
    const live = [...repository, doc('inline:hotfix', 'inline', { Effect: 'Allow', Action: ['s3:DeleteObject', 's3:GetObject'], Resource: `${ORDERS}/*` })];
    const diff = compareLiveGrant(repository, live, testActionUniverse);
    expect(diff.same).toBe(false);
    expect(diff.liveOnly).toEqual([`s3:DeleteObject on ${ORDERS}/*`]);
    expect(diff.repositoryOnly).toEqual([]);
    expect(liveDifferenceNotes(diff)).toEqual([
      `The live role grants 1 permission the repository does not (e.g. s3:DeleteObject on ${ORDERS}/*): someone changed it outside this code, or the code is not deployed yet. The pull request edits the repository's version.`,
    ]);
  });

  it('reports what the repository grants beyond the live role, resources narrowed included', () => {
    const live = [doc('inline:orders', 'inline',
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `${ORDERS}/receipts/*` },
      { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: TABLE },
    )];
    const diff = compareLiveGrant(repository, live, testActionUniverse);
    expect(diff.liveOnly).toEqual([]);
    expect(diff.repositoryOnly).toEqual([`dynamodb:Query on ${TABLE}`, `s3:GetObject on ${ORDERS}/*`, `s3:PutObject on ${ORDERS}/*`]);
    const [note] = liveDifferenceNotes(diff);
    expect(note).toMatch(/^The repository grants 3 permissions the live role does not \(e\.g\. dynamodb:Query on .*\): the code is not deployed yet, or the role was narrowed outside it\. The pull request edits the repository's version\.$/);
  });

  it('says when a Deny of the repository is missing from the live role', () => {
    const withDeny = [...repository, doc('infra/iam.tf#deny', 'inline', { Effect: 'Deny', Action: 's3:PutObject', Resource: `${ORDERS}/locked/*` })];
    const diff = compareLiveGrant(withDeny, repository, testActionUniverse);
    expect(diff.liveOnly).toEqual([`s3:PutObject on ${ORDERS}/* (denied by the repository, not by the live role)`]);
  });

  it('compares statements naming unresolved references at action level only, counts them, and reports nothing it cannot know', () => {
    const symbolic = [planned('infra/iam.tf#orders',
      { effect: 'Allow', action: ['s3:GetObject', 's3:PutObject'], resource: [`${ORDERS}/*`] },
      { effect: 'Allow', action: ['dynamodb:GetItem', 'dynamodb:Query'], resource: [TABLE_REF, `${TABLE_REF}/index/*`] },
      // A Deny on a reference: the live role may or may not deny the same; it is not said.
      { effect: 'Deny', action: ['dynamodb:DeleteTable'], resource: [TABLE_REF] },
    )];
    // Given a live role with the table's literal ARN, and an action the reference's statement does not name,
    const live = [doc('inline:orders', 'inline',
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `${ORDERS}/*` },
      { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'], Resource: TABLE },
    )];
    const diff = compareLiveGrant(symbolic, live, testActionUniverse);
    // only the unnamed action is a difference: the reference may be the live table,
    expect(diff.liveOnly).toEqual([`dynamodb:PutItem on ${TABLE}`]);
    // and the repository is not said to grant more for statements whose resources are unknown.
    expect(diff.repositoryOnly).toEqual([]);
    expect(diff.uncomparable).toBe(2);
    expect(diff.notes).toEqual(['2 statements of the repository name resources through references that are not resolved: they were compared with the live role at action level only.']);
    expect(liveDifferenceNotes(diff)).toContain(diff.notes[0]);

    // Without the extra action there is no difference, and the note still says what was not compared.
    const same = compareLiveGrant(symbolic, [doc('inline:orders', 'inline', { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `${ORDERS}/*` }, { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: TABLE })], testActionUniverse);
    expect(same.same).toBe(true);
    expect(liveDifferenceNotes(same)).toEqual(same.notes);
  });

  it('drops only the condition clauses that name a reference when reading a statement at action level', () => {
    const conditioned = [planned('infra/iam.tf#orders', {
      effect: 'Allow', action: ['s3:GetObject'], resource: [`${ORDERS}/*`],
      condition: { StringEquals: { 'aws:ResourceAccount': [TABLE_REF], 's3:ExistingObjectTag/team': ['orders'] } },
    })];
    // The live role's grant without the tag condition is wider than any reading of the repository's.
    const live = [doc('inline:orders', 'inline', { Effect: 'Allow', Action: 's3:GetObject', Resource: `${ORDERS}/*` })];
    const diff = compareLiveGrant(conditioned, live, testActionUniverse);
    expect(diff.uncomparable).toBe(1);
    expect(diff.liveOnly).toEqual([`s3:GetObject on ${ORDERS}/*`]);
  });

  it('reports managed policies attached on one side only, and leaves the live boundary out', () => {
    const shared = (name: string) => doc(name, 'customer-managed', { Effect: 'Allow', Action: 'dynamodb:Query', Resource: TABLE });
    const other = 'arn:aws:iam::123456789012:policy/orders-old';
    const repo = [...repository, shared(SHARED)];
    const live = [...repository, shared(other), doc('arn:aws:iam::123456789012:policy/boundary', 'boundary', { Effect: 'Allow', Action: '*', Resource: '*' })];
    const diff = compareLiveGrant(repo, live, testActionUniverse);
    // The same statements under another name: no permission differs, the attachments do.
    expect(diff.liveOnly).toEqual([]);
    expect(diff.repositoryOnly).toEqual([]);
    expect(diff.attachments).toEqual({ liveOnly: [other], repositoryOnly: [SHARED] });
    expect(diff.same).toBe(false);
    expect(liveDifferenceNotes(diff)).toEqual([
      `The live role has managed policy ${other} attached that the repository does not attach. The pull request edits the repository's version.`,
      `The repository attaches managed policy ${SHARED} that the live role does not have.`,
      "The live role's permissions boundary arn:aws:iam::123456789012:policy/boundary was left out of the comparison: it limits what the role may do, it grants nothing.",
    ]);
  });

  it('caps the listed lines and counts them all', () => {
    const live = [doc('inline:wide', 'inline', { Effect: 'Allow', Action: '*', Resource: '*' })];
    const diff = compareLiveGrant([], live, testActionUniverse);
    const universe = testActionUniverse.expandActionPattern('*').length;
    expect(universe).toBeGreaterThan(LINE_CAP);
    expect(diff.liveOnly).toHaveLength(LINE_CAP);
    expect(diff.liveOnlyCount).toBe(universe);
    const [note] = liveDifferenceNotes(diff);
    expect(note).toContain(`The live role grants ${universe} permissions the repository does not (e.g. `);
    expect(note).toContain(`; and ${universe - 3} more)`);
  });
});
