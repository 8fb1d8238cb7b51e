/**
 * What moto's Athena cannot show (it never fails a query, returns no NextToken and scans 0 bytes), against a
 * small fake of Athena's JSON protocol: a Node HTTP server on a free loopback port, started and stopped here.
 *
 * Fake's behaviour: answers `AmazonAthena.<Operation>` by the `x-amz-target` header from the script the test
 * gives (StartQueryExecution → a fixed id; GetQueryExecution → the next state of `states`, then the last one
 * again, or CANCELLED once a StopQueryExecution came; GetQueryResults → `pages[NextToken ?? 0]` with `NextToken` to the next page); records every request.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { AthenaClient } from '@aws-sdk/client-athena';
import { AthenaQueryError, AthenaRunner, POLL } from '../../src/adapters/aws/athena.js';
import { USAGE_COLUMNS } from '../../src/core/athena/query.js';
import { runCli } from '../support/cli.js';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import { useFakeAwsEnv } from '../support/moto.js';

const QUERY_ID = '11111111-2222-3333-4444-555555555555';

interface Script {
  states: Array<{ State: string; StateChangeReason?: string }>;
  pages?: Array<Array<Array<string | null>>>;
  bytes?: number;
}

interface Fake {
  endpoint: string;
  requests: Array<{ op: string; body: Record<string, unknown> }>;
  stop(): Promise<void>;
}

let running: Fake | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

/** Starts the fake on a free loopback port. */
async function startFake(script: Script): Promise<Fake> {
  const requests: Fake['requests'] = [];
  let poll = 0;
  let stopped = false;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += String(d)));
    req.on('end', () => {
      const op = String(req.headers['x-amz-target'] ?? '').replace('AmazonAthena.', '');
      const body = (raw ? JSON.parse(raw) : {}) as Record<string, unknown>;
      requests.push({ op, body });
      if (op === 'StopQueryExecution') stopped = true;
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      res.end(JSON.stringify(answer(stopped ? { ...script, states: [{ State: 'CANCELLED', StateChangeReason: 'Query cancelled by user' }] } : script, op, body, op === 'GetQueryExecution' ? poll++ : 0)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  running = { endpoint: `http://127.0.0.1:${port}`, requests, stop: () => new Promise((resolve) => server.close(() => resolve())) };
  return running;
}

/** The fake's answer to one operation (`n`: how many GetQueryExecution calls came before this one). */
function answer(script: Script, op: string, body: Record<string, unknown>, n: number): unknown {
  if (op === 'StartQueryExecution') return { QueryExecutionId: QUERY_ID };
  if (op === 'GetQueryExecution') {
    const polls = script.states.length;
    const status = script.states[Math.min(n, polls - 1)]!;
    return { QueryExecution: { QueryExecutionId: QUERY_ID, Status: status, Statistics: { DataScannedInBytes: script.bytes ?? 0, EngineExecutionTimeInMillis: 1234 } } };
  }
  if (op === 'GetQueryResults') {
    const pages = script.pages ?? [[]];
    const at = body.NextToken ? Number(body.NextToken) : 0;
    const rows = pages[at]!.map((values) => ({ Data: values.map((v) => (v === null ? {} : { VarCharValue: v })) }));
    return {
      ResultSet: { Rows: rows, ResultSetMetadata: { ColumnInfo: USAGE_COLUMNS.map((c) => ({ Name: c, Label: c, Type: 'varchar' })) } },
      ...(at + 1 < pages.length ? { NextToken: String(at + 1) } : {}),
    };
  }
  return {};
}

/** A usage row: one successful s3:GetObject of the role, `calls` times. */
function row(calls: number, key: string): Array<string | null> {
  const v: Record<string, string | null> = {
    event_source: 's3.amazonaws.com', event_name: 'GetObject', event_type: 'AwsApiCall', aws_region: 'us-east-1', recipient_account: '111122223333',
    identity_type: 'AssumedRole', identity_arn: 'arn:aws:sts::111122223333:assumed-role/app-role/app', principal_id: 'AROAEXAMPLE:app', identity_account: '111122223333',
    invoked_by: null, issuer_arn: 'arn:aws:iam::111122223333:role/app-role', error_code: null, denied_message: '0', user_agent: 'exec-env/AWS_Lambda_', read_only: 'true',
    event_category: 'Data', request: JSON.stringify({ bucketName: 'b', key }), resource_arns: null, calls: String(calls), duplicates: '1', first_seen: '2026-10-05T10:00:00Z', last_seen: '2026-10-06T10:00:00Z',
  };
  return USAGE_COLUMNS.map((c) => v[c] ?? null);
}

/** A clock that records the sleeps asked of it and returns at once. */
function fakeClock(): { now(): number; sleep(ms: number): Promise<void>; slept: number[] } {
  let t = 0;
  const slept: number[] = [];
  return { now: () => t, sleep: async (ms) => void (slept.push(ms), (t += ms)), slept };
}

describe('the Athena runner against a fake Athena', () => {
  it('pages through the results with NextToken, skipping the header row once', async () => {
    // Given three pages of results, the first starting with the header row
    const fake = await startFake({ states: [{ State: 'SUCCEEDED' }], pages: [[[...USAGE_COLUMNS], row(1, 'a')], [row(2, 'b')], [row(3, 'c')]] });
    const client = new AthenaClient({ region: 'us-east-1', endpoint: fake.endpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    // When the rows are read
    const rows: Array<Record<string, string | null>> = [];
    for await (const r of new AthenaRunner(client, {}).rows(QUERY_ID)) rows.push(r);
    client.destroy();
    // Then every page was asked for with the token of the one before, and every row came back once
    expect(fake.requests.filter((r) => r.op === 'GetQueryResults').map((r) => r.body.NextToken ?? null)).toEqual([null, '1', '2']);
    expect(rows.map((r) => r.calls)).toEqual(['1', '2', '3']);
    expect(rows[0]!.invoked_by).toBeNull();
  });

  it('polls with a growing delay until the query ends, then reports its bytes scanned', async () => {
    const fake = await startFake({ states: [{ State: 'QUEUED' }, { State: 'RUNNING' }, { State: 'RUNNING' }, { State: 'RUNNING' }, { State: 'SUCCEEDED' }], bytes: 123_456_789 });
    const client = new AthenaClient({ region: 'us-east-1', endpoint: fake.endpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    const clock = fakeClock();
    const outcome = await new AthenaRunner(client, { workgroup: 'wg', database: 'trails', outputLocation: 's3://r/' }, clock).wait(QUERY_ID);
    client.destroy();
    expect(outcome).toEqual({ queryId: QUERY_ID, bytesScanned: 123_456_789, engineMs: 1234 });
    expect(clock.slept).toEqual([POLL.firstMs, 375, 563, 845]);
  });

  it.each([
    ['FAILED', 'SYNTAX_ERROR: line 1:8: Column \'x\' cannot be resolved', 'failed: SYNTAX_ERROR'],
    ['CANCELLED', 'Query exhausted the bytes-scanned limit of the workgroup', 'was cancelled: Query exhausted'],
  ])('turns a %s query into an error naming its id and Athena\'s reason', async (state, reason, says) => {
    const fake = await startFake({ states: [{ State: 'RUNNING' }, { State: state, StateChangeReason: reason }] });
    const client = new AthenaClient({ region: 'us-east-1', endpoint: fake.endpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    const err = await new AthenaRunner(client, {}, fakeClock()).wait(QUERY_ID).catch((e: unknown) => e);
    client.destroy();
    expect(err).toBeInstanceOf(AthenaQueryError);
    expect((err as Error).message).toContain(`Athena query ${QUERY_ID} ${says}`);
    expect((err as AthenaQueryError).hint).toBeTruthy();
  });
});

describe('usage --athena against a fake Athena', () => {
  it('counts paged rows with their counts, and prints bytes scanned, cost, duplicates and the query id', async () => {
    const restore = useFakeAwsEnv();
    try {
      // Given a query that scanned 3.5 GiB and returns two pages
      const fake = await startFake({ states: [{ State: 'SUCCEEDED' }], pages: [[[...USAGE_COLUMNS], row(40, 'a')], [row(2, 'b')]], bytes: 3.5 * 1024 ** 3 });
      // When usage reads it
      const r = await runCli(['usage', '--athena', 'cloudtrail_logs', '--format', 'json', '--region', 'us-east-1', '--endpoint-url', fake.endpoint, '--days', '30']);
      // Then the role's GetObject is counted 42 times over the two objects
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { principals: Array<{ principalArn: string; used: Array<{ action: string; count: number; resources: Array<{ resource: string; count: number }> }> }>; summary: { duplicates: number; records: number } };
      const used = out.principals.find((p) => p.principalArn === 'arn:aws:iam::111122223333:role/app-role')!.used;
      expect(used.map((u) => [u.action, u.count])).toEqual([['s3:GetObject', 42]]);
      expect(used[0]!.resources.map((x) => [x.resource, x.count])).toEqual([['arn:aws:s3:::b/a', 40], ['arn:aws:s3:::b/b', 2]]);
      expect(out.summary).toMatchObject({ duplicates: 2, records: 42 });
      // and the summary says what the query scanned and cost (3,584 MB at $5 per TB), and what deduplication removed
      expect(r.stderr).toContain(`athena: query ${QUERY_ID}: scanned 3.5 GB, estimated $0.0171`);
      expect(r.stderr).toContain('2 row(s) of aggregated usage for 42 record(s); 2 duplicate deliveries removed in the query');
      // and the read summary names the query, not "0 file(s)"
      expect(r.stderr).toContain(`read 42 record(s) in the window through Athena query ${QUERY_ID}`);
      expect(r.stderr).not.toContain('read 0 file(s)');
      // and the query ran where it was told, with no database given
      const start = fake.requests.find((q) => q.op === 'StartQueryExecution')!.body;
      expect(start.QueryString).toContain('FROM "cloudtrail_logs"');
      expect(start.QueryExecutionContext).toBeUndefined();
    } finally {
      restore();
    }
  });

  it('says what to do when the table\'s accounts are injected and the query named none', async () => {
    const fake = await startFake({ states: [{ State: 'FAILED', StateChangeReason: 'CONSTRAINT_VIOLATION: For the injected projected partition column account, the WHERE clause must contain only static equality conditions' }] });
    const client = new AthenaClient({ region: 'us-east-1', endpoint: fake.endpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
    const err = (await new AthenaRunner(client, {}, fakeClock()).wait(QUERY_ID).catch((e: unknown) => e)) as AthenaQueryError;
    client.destroy();
    expect(err.message).toContain(`Athena query ${QUERY_ID} failed: CONSTRAINT_VIOLATION`);
    expect(err.hint).toContain('athena ddl --account');
  });

  it('suggest --athena without --trail-config or --trail-name warns that data-event actions stay unobservable, and asks only for the granted sources', async () => {
    const restore = useFakeAwsEnv();
    try {
      // Given the example role's policies as files, and a query that returns the role's one call
      const EX = new URL('../../examples/orders-api/', import.meta.url).pathname;
      const fake = await startFake({ states: [{ State: 'SUCCEEDED' }], pages: [[[...USAGE_COLUMNS], row(3, 'a').map((v, i) => (USAGE_COLUMNS[i] === 'issuer_arn' ? 'arn:aws:iam::123456789012:role/orders-api-role' : v))]] });
      // When suggest reads the activity through Athena
      const r = await runCli(['suggest', '--role', 'arn:aws:iam::123456789012:role/orders-api-role', '--policy', `${EX}policies`, '--athena', 'trails.logs', '--allow-no-activity', '--region', 'us-east-1', '--endpoint-url', fake.endpoint, '--days', '30']);
      // Then it runs, says why data events stay unobservable, and asked Athena only for the role and its sources
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('Athena reads the table, not the trail: it cannot tell which data events the trail records');
      const sql = String(fake.requests.find((q) => q.op === 'StartQueryExecution')!.body.QueryString);
      expect(sql).toMatch(/AND eventsource IN \([^)]*'dynamodb\.amazonaws\.com'/);
      expect(sql).not.toContain("'cloudtrail.amazonaws.com'");
      expect(sql).toContain("useridentity.arn = 'arn:aws:iam::123456789012:role/orders-api-role'");
    } finally {
      restore();
    }
  });

  it('refuses --athena with another activity source, before any call (usage error)', async () => {
    const EX = new URL('../../examples/orders-api/', import.meta.url).pathname;
    const r = await runCli(['suggest', '--role', 'arn:aws:iam::123456789012:role/orders-api-role', '--policy', `${EX}policies`, '--athena', 'logs', '--lookup', '--endpoint-url', 'http://127.0.0.1:9', '--region', 'us-east-1']);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('--athena reads every record of the table: it cannot be combined with --lookup');
  });

  it('drift --athena: one query for the whole fleet (every event source), its rows counted as the role\'s use', async () => {
    const restore = useFakeAwsEnv();
    const dir = mkdtempSync(join(tmpdir(), 'pt-athena-drift-'));
    try {
      // Given one role granted s3:GetObject and s3:DeleteObject, and a query that returns its GetObject calls
      mkdirSync(join(dir, 'roles', 'app-role'), { recursive: true });
      writeFileSync(join(dir, 'roles', 'app-role', 'policy.json'), JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:DeleteObject'], Resource: 'arn:aws:s3:::b/*' }] }));
      const fake = await startFake({ states: [{ State: 'SUCCEEDED' }], pages: [[[...USAGE_COLUMNS], row(40, 'a')]], bytes: 1024 ** 2 });
      // When drift reads the fleet through Athena
      // (the trail records S3 object events in every Region: without that, data events stay unobservable)
      const selectors = join(dir, 'selectors.json');
      writeFileSync(selectors, JSON.stringify({ IsMultiRegionTrail: true, EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }] }));
      const r = await runCli(['drift', '--policy', join(dir, 'roles'), '--athena', 'logs', '--trail-config', selectors, '--region', 'us-east-1', '--endpoint-url', fake.endpoint, '--days', '30', '--format', 'json']);
      // Then one query ran, drift read every event source (no event-source filter: it reports what was refused too),
      // and the role's report has GetObject used and DeleteObject unused
      expect(r.code, r.stderr).toBe(0);
      const starts = fake.requests.filter((q) => q.op === 'StartQueryExecution');
      expect(starts).toHaveLength(1);
      expect(String(starts[0]!.body.QueryString)).not.toMatch(/eventsource\s+IN/i);
      const report = JSON.parse(r.stdout) as { roles: Array<{ roleName: string; findings: Array<{ kind: string; action: string }>; records: number; used: number }> };
      const role = report.roles.find((x) => x.roleName === 'app-role')!;
      const unused = role.findings.filter((f) => f.kind.startsWith('UNUSED')).map((f) => f.action);
      expect(unused).toContain('s3:DeleteObject');
      expect(unused).not.toContain('s3:GetObject');
      expect(role.records).toBe(40);
      expect(role.used).toBe(1);
      // And when the trail's configuration leaves the other Regions unknown, GetObject is kept as unobservable but
      // still counted as used (it was: 40 calls)
      writeFileSync(selectors, JSON.stringify({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }] }));
      const again = await runCli(['drift', '--policy', join(dir, 'roles'), '--athena', 'logs', '--trail-config', selectors, '--region', 'us-east-1', '--endpoint-url', fake.endpoint, '--days', '30', '--format', 'json']);
      const unsure = (JSON.parse(again.stdout) as typeof report).roles.find((x) => x.roleName === 'app-role')!;
      expect(unsure.findings.find((f) => f.action === 's3:GetObject')!.kind).toBe('UNOBSERVABLE');
      expect(unsure.used).toBe(1);
      expect(r.stderr).toContain(`read 40 record(s) in the window through Athena query ${QUERY_ID}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      restore();
    }
  });

  it('Ctrl-C while the query runs stops it in Athena; the run ends with the query named as cancelled (exit 1)', async () => {
    const restore = useFakeAwsEnv();
    try {
      const fake = await startFake({ states: [{ State: 'RUNNING' }] });
      let stderr = '';
      let interrupt: (() => void) | undefined;
      let released = false;
      const io: CliIo = {
        stdout: () => undefined,
        stderr: (t) => void (stderr += t),
        interactive: false,
        env: {},
        now: () => new Date('2026-11-23T00:00:00Z'),
        onInterrupt: (handler) => {
          interrupt = handler;
          return () => void (released = true);
        },
      };
      const run = main(['usage', '--athena', 'logs', '--region', 'us-east-1', '--endpoint-url', fake.endpoint, '--days', '30'], io);
      // When the user presses Ctrl-C once the query is being polled
      while (!fake.requests.some((q) => q.op === 'GetQueryExecution')) await new Promise((r) => setTimeout(r, 10));
      interrupt!();
      const code = await run;
      // Then Athena was asked to stop that query, the run says so and ends with its id, and the handler is gone
      expect(fake.requests.filter((q) => q.op === 'StopQueryExecution').map((q) => q.body)).toEqual([{ QueryExecutionId: QUERY_ID }]);
      expect(code).toBe(1);
      expect(stderr).toContain(`athena: interrupted: stopping query ${QUERY_ID}`);
      expect(stderr).toContain(`Athena query ${QUERY_ID} was cancelled: Query cancelled by user`);
      expect(released).toBe(true);
    } finally {
      restore();
    }
  });

  it('a failed query is an error on stderr naming the query id (exit 1)', async () => {
    const restore = useFakeAwsEnv();
    try {
      const fake = await startFake({ states: [{ State: 'FAILED', StateChangeReason: 'TABLE_NOT_FOUND: line 1:1: Table awsdatacatalog.default.nope does not exist' }] });
      const r = await runCli(['usage', '--athena', 'nope', '--region', 'us-east-1', '--endpoint-url', fake.endpoint, '--days', '30']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`Athena query ${QUERY_ID} failed: TABLE_NOT_FOUND`);
      expect(r.stdout).toBe('');
    } finally {
      restore();
    }
  });
});
