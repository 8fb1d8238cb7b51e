/**
 * Issue 9, item 2: an endpoint that accepts a connection and never answers. Every AWS call has a connect and
 * a request timeout (`--timeout SECONDS`), bounded retries, and fails with a typed error naming the service,
 * the endpoint and what to check — within seconds, not after 900 s of silence.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { clientConfig, createAwsClients, resolveAwsConfig } from '../../src/adapters/aws/config.js';
import { AwsAdapterError, callAws } from '../../src/adapters/aws/errors.js';
import { runCli } from '../support/cli.js';
import { useFakeAwsEnv } from '../support/moto.js';

let server: Server;
let endpoint: string;
const sockets = new Set<Socket>();
let restore: (() => void) | undefined;
let dir: string;

beforeAll(async () => {
  // Accepts every connection, reads whatever is sent, never writes a byte.
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  endpoint = `http://127.0.0.1:${address.port}`;
  dir = mkdtempSync(join(tmpdir(), 'policy-trim-no-answer-'));
  mkdirSync(join(dir, 'policies'));
  writeFileSync(join(dir, 'policies', 'p.json'), JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }));
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  restore?.();
  restore = undefined;
});

/** Runs the CLI against the silent endpoint and returns its result with the time it took. */
async function timed(args: string[]) {
  restore = useFakeAwsEnv();
  const started = Date.now();
  const run = await runCli([...args, '--endpoint-url', endpoint, '--region', 'us-east-1', '--timeout', '1']);
  return { ...run, seconds: (Date.now() - started) / 1000 };
}

describe('client configuration', () => {
  it('every client has a connect and a request timeout that throw, and bounded attempts', async () => {
    restore = useFakeAwsEnv();
    const byDefault = clientConfig(await resolveAwsConfig({ region: 'us-east-1' }));
    expect(byDefault.maxAttempts).toBe(3);
    expect(byDefault.requestHandler).toMatchObject({ connectionTimeout: 10_000, requestTimeout: 30_000, socketTimeout: 30_000, throwOnRequestTimeout: true });
    const short = clientConfig(await resolveAwsConfig({ region: 'us-east-1', timeoutSeconds: 1 }));
    expect(short.requestHandler).toMatchObject({ connectionTimeout: 1000, requestTimeout: 1000 });
  });
});

describe('an endpoint that accepts and never answers', () => {
  it('functions: a typed timeout error naming Lambda and the endpoint, within seconds', async () => {
    const run = await timed(['functions']);
    expect(run.code).toBe(1);
    expect(run.seconds).toBeLessThan(12);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('[timeout]');
    expect(run.stderr).toMatch(/Lambda/);
    expect(run.stderr).toContain(endpoint);
    expect(run.stderr).toContain('--timeout');
    expect(run.stderr).not.toMatch(/unexpected error|this is a bug/);
    // Not a terminal: no "waiting for" line, and the SDK's own wording stays out of the message
    expect(run.stderr).not.toMatch(/waiting for|@smithy/);
  }, 30_000);

  it('suggest --trail s3://…: a typed timeout error naming S3 and the endpoint, nothing on stdout', async () => {
    const run = await timed(['suggest', '--role', 'arn:aws:iam::123456789012:role/app', '--policy', join(dir, 'policies'), '--trail', 's3://trail-bucket/AWSLogs', '--days', '7']);
    expect(run.code).toBe(1);
    expect(run.seconds).toBeLessThan(12);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('[timeout]');
    expect(run.stderr).toMatch(/S3/);
    expect(run.stderr).toContain(endpoint);
    expect(run.stderr).not.toMatch(/unexpected error|this is a bug/);
  }, 30_000);

  it('a long call is announced once to the wait listener (the CLI prints it on a terminal only)', async () => {
    restore = useFakeAwsEnv();
    const heard: string[] = [];
    const cfg = await resolveAwsConfig({ region: 'us-east-1', endpointUrl: endpoint, timeoutSeconds: 4, maxAttempts: 1 });
    const clients = createAwsClients(cfg, undefined, (service, where) => heard.push(`${service} ${where}`));
    try {
      const started = Date.now();
      const err = await callAws({ action: 'lambda:ListFunctions' }, () => clients.lambda().send(new ListFunctionsCommand({}))).catch((e: unknown) => e);
      expect((Date.now() - started) / 1000).toBeLessThan(8);
      expect(err).toBeInstanceOf(AwsAdapterError);
      expect(err).toMatchObject({ code: 'timeout' });
      expect(heard).toEqual([`Lambda ${endpoint}`]);
    } finally {
      clients.destroy();
    }
  }, 30_000);

  it('--timeout must be a positive number of seconds', async () => {
    restore = useFakeAwsEnv();
    const run = await runCli(['functions', '--endpoint-url', endpoint, '--region', 'us-east-1', '--timeout', 'abc']);
    expect(run.code).toBe(64);
    expect(run.stderr).toContain('--timeout');
  });
});
