/**
 * Region resolution, client construction and error mapping (no server needed).
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsClients, resolveAwsConfig } from '../../src/adapters/aws/config.js';
import { AwsAdapterError, toAwsError } from '../../src/adapters/aws/errors.js';
import { decodePolicyDocument, IamRolePolicySource, isAwsManagedPolicyArn, parseRoleRef } from '../../src/adapters/aws/iam.js';
import { parseS3TrailUrl } from '../../src/adapters/aws/s3-trail.js';
import { useFakeAwsEnv } from '../support/moto.js';

let restore: (() => void) | undefined;
let dir: string | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('resolveAwsConfig', () => {
  it('takes --region, then AWS_REGION, then AWS_DEFAULT_REGION', async () => {
    restore = useFakeAwsEnv();
    const env = { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-north-1' };
    expect(await resolveAwsConfig({ region: 'ap-south-1', env })).toMatchObject({ region: 'ap-south-1', regionSource: 'option' });
    expect(await resolveAwsConfig({ env })).toMatchObject({ region: 'eu-west-1', regionSource: 'AWS_REGION' });
    expect(await resolveAwsConfig({ env: { AWS_DEFAULT_REGION: 'eu-north-1' } })).toMatchObject({
      region: 'eu-north-1',
      regionSource: 'AWS_DEFAULT_REGION',
    });
  });

  it("falls back to the profile's region in the shared config file", async () => {
    dir = mkdtempSync(join(tmpdir(), 'pt-aws-'));
    const config = join(dir, 'config');
    writeFileSync(config, '[profile audit]\nregion = eu-central-1\n\n[default]\n');
    restore = useFakeAwsEnv({ AWS_CONFIG_FILE: config });
    expect(await resolveAwsConfig({ profile: 'audit', env: {} })).toMatchObject({ region: 'eu-central-1', regionSource: 'profile', profile: 'audit' });
    // The default profile has no region: a typed error that says how to set one
    const err = await resolveAwsConfig({ env: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsAdapterError);
    expect(err).toMatchObject({ code: 'no-region' });
    expect((err as AwsAdapterError).hint).toContain('--region');
  });

  it('uses path-style S3 with an endpoint URL and caches regional clients', async () => {
    restore = useFakeAwsEnv();
    const clients = createAwsClients(await resolveAwsConfig({ region: 'us-east-1', endpointUrl: 'http://127.0.0.1:1' }));
    try {
      expect(clients.s3().config.forcePathStyle).toBe(true);
      expect(clients.s3('eu-west-1')).toBe(clients.s3('eu-west-1'));
      expect(await clients.s3('eu-west-1').config.region()).toBe('eu-west-1');
      // LookupEvents requests are retried only by our pacer, never by the SDK behind its back
      expect(await clients.cloudtrailLookup('eu-west-1').config.maxAttempts()).toBe(1);
      const ep = await clients.lambda().config.endpoint?.();
      expect(ep?.hostname).toBe('127.0.0.1');
    } finally {
      clients.destroy();
    }
  });
});

describe('errors that help', () => {
  it('names the missing action and resource on AccessDenied', () => {
    const e = toAwsError(Object.assign(new Error('User: x is not authorized'), { name: 'AccessDeniedException' }), {
      action: 'cloudtrail:LookupEvents',
      resource: 'region eu-west-1',
    });
    expect(e).toMatchObject({ code: 'access-denied', action: 'cloudtrail:LookupEvents', resource: 'region eu-west-1', awsCode: 'AccessDeniedException' });
    expect(e.message).toContain('policy-trim needs cloudtrail:LookupEvents on region eu-west-1');
    expect(e.hint).toContain('docs/permissions.json');
  });

  it('says how to log in again when credentials expired', () => {
    const e = toAwsError(Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredTokenException' }), {
      action: 'iam:GetRole',
      profile: 'prod',
    });
    expect(e.code).toBe('credentials');
    expect(e.hint).toContain('aws sso login --profile prod');
  });

  it('maps missing credentials from the real default provider chain to a credentials error', async () => {
    // No keys, no config files, no instance metadata: the SDK's chain finds nothing
    restore = useFakeAwsEnv({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined });
    const iam = new IAMClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    try {
      const err = await new IamRolePolicySource(iam).getRolePolicies('orders-api-role').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AwsAdapterError);
      expect(err).toMatchObject({ code: 'credentials', action: 'iam:GetRole' });
      expect((err as AwsAdapterError).hint).toMatch(/aws sso login/);
    } finally {
      iam.destroy();
    }
  });

  it('keeps other errors with their AWS name', () => {
    const e = toAwsError(Object.assign(new Error('boom'), { name: 'ServiceUnavailable' }), { action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' });
    expect(e).toMatchObject({ code: 'aws-error', awsCode: 'ServiceUnavailable' });
    expect(e.message).toContain('s3:GetObject on arn:aws:s3:::b/k');
  });
});

describe('input parsing', () => {
  it('splits role names and ARNs with paths, any partition', () => {
    expect(parseRoleRef('orders-api-role')).toEqual({ name: 'orders-api-role' });
    expect(parseRoleRef('arn:aws-us-gov:iam::123456789012:role/a/b/r1')).toEqual({
      name: 'r1',
      path: '/a/b/',
      accountId: '123456789012',
      partition: 'aws-us-gov',
      arn: 'arn:aws-us-gov:iam::123456789012:role/a/b/r1',
    });
    expect(() => parseRoleRef('arn:aws:iam::123456789012:user/bob')).toThrow(AwsAdapterError);
    expect(() => parseRoleRef('not a role')).toThrow(/not a role name/);
  });

  it('flags AWS-managed policies in every partition', () => {
    expect(isAwsManagedPolicyArn('arn:aws:iam::aws:policy/ReadOnlyAccess')).toBe(true);
    expect(isAwsManagedPolicyArn('arn:aws-cn:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole')).toBe(true);
    expect(isAwsManagedPolicyArn('arn:aws:iam::123456789012:policy/aws/mine')).toBe(false);
  });

  it('URL-decodes policy documents only when they are not already JSON', () => {
    const json = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/100%"}]}';
    expect(decodePolicyDocument(json)).toBe(json); // a literal % in JSON is left alone
    expect(decodePolicyDocument(encodeURIComponent(json))).toBe(json);
    expect(decodePolicyDocument('%E0%A4%A')).toBe('%E0%A4%A'); // undecodable: kept for the parser to report
  });

  it('parses s3:// URLs, also ones pointing inside the delivery layout', () => {
    expect(parseS3TrailUrl('s3://logs')).toEqual({ bucket: 'logs', prefix: '' });
    expect(parseS3TrailUrl('s3://logs/team/trail/')).toEqual({ bucket: 'logs', prefix: 'team/trail' });
    expect(parseS3TrailUrl('s3://logs/p/AWSLogs/o-abc123/111122223333/CloudTrail/eu-west-1/')).toEqual({
      bucket: 'logs',
      prefix: 'p',
      organizationId: 'o-abc123',
      accountId: '111122223333',
      region: 'eu-west-1',
    });
    expect(() => parseS3TrailUrl('/local/dir')).toThrow(AwsAdapterError);
  });
});

describe('progress text', () => {
  it('formats pages, events and the ETA', async () => {
    const { formatActivityProgress, formatDuration } = await import('../../src/adapters/aws/progress.js');
    expect(formatActivityProgress('lookup', { pages: 12, events: 583, etaMs: 80_000, detail: 'us-east-1' })).toBe(
      'lookup us-east-1: 12 pages, 583 events, ~1m 20s left',
    );
    expect(formatActivityProgress('s3://b', { pages: 40, totalPages: 120, events: 1, detail: 'k' })).toBe('s3://b: objects 40/120, 1 event');
    // a bucket read knows its elapsed time: the throughput
    expect(formatActivityProgress('s3://b', { pages: 40, totalPages: 120, events: 5200, elapsedMs: 4000, etaMs: 8000 })).toBe(
      's3://b: objects 40/120, 5200 events, 1300 events/s, ~8s left',
    );
    expect(formatDuration(3_725_000)).toBe('1h 02m');
  });
});
