/**
 * Calls the bundled catalog cannot map, end to end through `policy-trim suggest`: an operation newer than the
 * catalog's data (AWS adds API operations to existing services every week) or a service it does not know. Such a
 * call ran and succeeded, so something the role was granted allowed it; which action that was, the catalog cannot
 * say. The README's safety contract (rule 2: what ran stays allowed; where the record cannot show it, the
 * permission is kept and the finding says why) asks the suggestion to keep whatever may have allowed it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { AccessRequest } from '../../src/core/policy/types.js';
import { ACCOUNT, cleanup, expectGone, expectKept, expectNeverWider, policy, rec, selectors, suggestOn, workspace } from '../support/safety-harness.js';

afterAll(cleanup);

/** Wildcard grants make each run and its probes slow on a shared 2-core machine. */
const SLOW = 180_000;

const allow = (Action: string | string[], Resource: string | string[] = '*') => ({ Effect: 'Allow', Action, Resource });
const call = (action: string, resource = '*'): AccessRequest => ({ action, resource });
/** An S3 operation no catalog has: what a call of an API newer than the bundled data looks like. */
const frobnicate = (errorCode?: string) => rec({ source: 's3.amazonaws.com', name: 'FrobnicateBucket', params: { bucketName: 'orders-data' }, ...(errorCode ? { errorCode } : {}) });
const listBuckets = rec({ source: 's3.amazonaws.com', name: 'ListBuckets', readOnly: true });

describe('a successful call of an operation the catalog does not know', () => {
  it('keeps the wildcard over its service as a statement of its own, so the unknown action stays allowed, and trims the rest', { timeout: SLOW }, async () => {
    const ws = workspace({ 'p.json': policy(allow(['s3:*', 'sqs:*'])) }, { 't.json': [listBuckets, frobnicate()] }, selectors());
    const run = await suggestOn(ws);
    expect(run.code, run.stderr).toBe(0);
    // The action the operation needed is unknown: its own name, or any s3 action.
    expectKept(run, [call('s3:FrobnicateBucket'), call('s3:FrobnicateBucketV2'), call('s3:DeleteBucket', 'arn:aws:s3:::orders-data')]);
    // The same statement's other service is trimmed as usual (unused and recorded: removed).
    expectGone(run, [call('sqs:DeleteQueue', `arn:aws:sqs:us-east-1:${ACCOUNT}:q`)]);
    expectNeverWider(run);
    expect(run.suggestion.flatMap((d) => d.statements).some((st) => st.action?.join() === 's3:*')).toBe(true);
    expect(run.stderr).toMatch(/kept as written \(1\):\n.*its s3:\*, kept as a statement of its own, may grant what s3\.amazonaws\.com FrobnicateBucket \(1 successful call\(s\), last 2026-11-10\) needed/);
    expect(run.stderr).toContain('[unknown-action]');
    expect(run.stderr).toMatch(/^verified: .*; what may have allowed the calls the bundled catalog cannot map is kept$/m);
  });

  it('keeps a NotAction that does not exclude its service as written', { timeout: SLOW }, async () => {
    const ws = workspace({ 'p.json': policy({ Effect: 'Allow', NotAction: ['iam:*', 's3:DeleteBucket'], Resource: '*' }) }, { 't.json': [listBuckets, frobnicate()] }, selectors());
    const run = await suggestOn(ws);
    expect(run.code, run.stderr).toBe(0);
    expect(run.suggestion.flatMap((d) => d.statements).some((st) => st.notAction?.join() === 'iam:*,s3:DeleteBucket')).toBe(true);
    expectKept(run, [call('s3:FrobnicateBucket'), call('sqs:DeleteQueue', `arn:aws:sqs:us-east-1:${ACCOUNT}:q`)]);
    expectNeverWider(run);
  });

  it('keeps every granted action of its service the catalog knows, whatever --drop-unobservable says', { timeout: SLOW }, async () => {
    const grants = ['s3:ListAllMyBuckets', 's3:PutBucketTagging', 's3:DeleteBucket', 'sqs:DeleteQueue'];
    const ws = workspace({ 'p.json': policy(allow(grants)) }, { 't.json': [listBuckets, frobnicate()] }, selectors());
    for (const extra of [[], ['--drop-unobservable']]) {
      const run = await suggestOn(ws, extra);
      expect(run.code, run.stderr).toBe(0);
      // FrobnicateBucket may be authorized by an s3 action the catalog knows: every granted one stays.
      expectKept(run, [call('s3:ListAllMyBuckets'), call('s3:PutBucketTagging', 'arn:aws:s3:::orders-data'), call('s3:DeleteBucket', 'arn:aws:s3:::orders-data')]);
      // Another service's unused management action is still removed: the keep is limited to s3.
      expectGone(run, [call('sqs:DeleteQueue', `arn:aws:sqs:us-east-1:${ACCOUNT}:q`)]);
      expectNeverWider(run);
      expect(run.stderr).toContain('s3.amazonaws.com FrobnicateBucket (1 successful call(s), last 2026-11-10) ran, and the bundled catalog cannot map it to an IAM action: any s3 action may be what allowed it, so every s3 grant is kept');
    }
  });

  it('is activity: a role whose only call is one is found by name and gets its suggestion', { timeout: SLOW }, async () => {
    const ws = workspace({ 'p.json': policy(allow(['s3:DeleteBucket', 'sqs:DeleteQueue'])) }, { 't.json': [frobnicate()] }, selectors());
    const run = await suggestOn(ws);
    expect(run.code, run.stderr).toBe(0);
    expectKept(run, [call('s3:DeleteBucket', 'arn:aws:s3:::orders-data')]);
    expectGone(run, [call('sqs:DeleteQueue', `arn:aws:sqs:us-east-1:${ACCOUNT}:q`)]);
  });

  it('keeps nothing for it when the call failed: a refused call proves no permission', { timeout: SLOW }, async () => {
    const ws = workspace({ 'p.json': policy(allow(['s3:ListAllMyBuckets', 's3:DeleteBucket'])) }, { 't.json': [listBuckets, frobnicate('AccessDenied')] }, selectors());
    const run = await suggestOn(ws);
    expect(run.code, run.stderr).toBe(0);
    expectGone(run, [call('s3:DeleteBucket', 'arn:aws:s3:::orders-data')]);
    expect(run.stderr).not.toContain('cannot map it to an IAM action');
    expect(run.stderr).not.toContain('what may have allowed the calls');
  });
});

describe('a successful call of a service the catalog does not know', () => {
  it('keeps a statement whose service part is a wildcard as written, and trims the others', { timeout: SLOW }, async () => {
    const newService = rec({ source: 'newsvc.amazonaws.com', name: 'DoThing' });
    const ws = workspace({ 'p.json': policy(allow('*'), allow('sqs:DeleteQueue')) }, { 't.json': [listBuckets, newService] }, selectors());
    const run = await suggestOn(ws);
    expect(run.code, run.stderr).toBe(0);
    expectKept(run, [call('newsvc:DoThing'), call('newsvc:AnyOtherAction')]);
    expectNeverWider(run);
    expect(run.stderr).toMatch(/it may grant what newsvc\.amazonaws\.com DoThing \(1 successful call\(s\), last 2026-11-10\) needed/);
  });
});
