/**
 * The Athena source over the wire, against moto's Athena (started and stopped here on a free loopback port):
 * start, poll, success and results, through `policy-trim usage --athena`. moto runs no SQL: the rows it returns
 * are seeded through its own API (`POST /moto-api/static/athena/query-results`), and they are the rows the same
 * query gives on the embedded engine over the example trail, so `usage --athena` must print what `usage --trail`
 * prints for those files. A stopped query is an error naming its id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { AthenaClient, StopQueryExecutionCommand } from '@aws-sdk/client-athena';
import { AthenaQueryError, AthenaRunner } from '../../src/adapters/aws/athena.js';
import { runCli } from '../support/cli.js';
import { EXAMPLE_DIR as EX, EXAMPLE_ROLE as ROLE, examplePolicySources, exampleRows, queueAthenaResult, type AthenaRow } from '../support/athena-results.js';
import { seedExample, startMoto, useFakeAwsEnv, type MotoServer } from '../support/moto.js';

const WINDOW = ['--since', '2026-10-02T00:00:00Z', '--until', '2026-11-01T00:00:00Z'];

let moto: MotoServer;
let restoreEnv: () => void;

beforeAll(async () => {
  restoreEnv = useFakeAwsEnv();
  moto = await startMoto();
});

afterAll(async () => {
  await moto?.stop();
  restoreEnv?.();
});

/** The rows the usage query gives over the example trail for the role in WINDOW. */
const windowRows = () => exampleRows({ since: '2026-10-02T00:00:00Z', until: '2026-11-01T00:00:00Z' });

/** The rows the usage query gives, scoped as `suggest` scopes it (the role, its policies' sources). */
const suggestRows = async () => exampleRows({ since: '2026-10-02T00:00:00Z', until: '2026-11-01T00:00:00Z', eventSources: await examplePolicySources() });

/** Queues one result in this file's moto. */
const seedResult = (rows: AthenaRow[]) => queueAthenaResult(moto.endpoint, rows);

describe('usage --athena against moto', () => {
  it('starts the query, polls it to success, and prints what usage --trail prints for the same records', async () => {
    // Given moto holding the rows the query gives over the example trail
    const rows = await windowRows();
    expect(rows.length).toBeGreaterThan(0);
    await seedResult(rows);
    // When usage reads them through Athena, and the files directly
    const viaAthena = await runCli(['usage', '--athena', 'trails.cloudtrail_logs', '--athena-workgroup', 'primary', '--athena-output', 's3://athena-results/q/', '--role', ROLE, '--format', 'json', '--region', 'us-east-1', '--endpoint-url', moto.endpoint, ...WINDOW]);
    const viaFiles = await runCli(['usage', '--trail', `${EX}trail`, '--role', ROLE, '--format', 'json', ...WINDOW]);
    // Then both print the same usage
    expect(viaAthena.code, viaAthena.stderr).toBe(0);
    expect(viaFiles.code, viaFiles.stderr).toBe(0);
    const principals = (r: { stdout: string }) => (JSON.parse(r.stdout) as { principals: unknown[] }).principals;
    expect(principals(viaAthena)).toEqual(principals(viaFiles));
    // and the summary names the query, what it scanned (moto reports 0 bytes: the 10 MB minimum is billed) and its rows
    expect(viaAthena.stderr).toMatch(/athena: query [0-9a-f-]{36}: scanned 0 B, estimated \$0\.0000 \(at \$5\/TB, Athena's US East price read 2026-12-07; 10 MB minimum\)/);
    expect(viaAthena.stderr).toContain(`athena: ${rows.length} row(s) of aggregated usage`);
  });

  it('suggest --athena with --trail-name prints the policy suggest prints from the files', async () => {
    // Given moto holding the example's role, trail and selectors, and the rows of the query suggest sends
    await seedExample(moto.endpoint);
    await seedResult(await suggestRows());
    // When suggest reads the activity through Athena (the trail's selectors through --trail-name), and offline
    const WIN = ['--until', '2026-11-01T00:00:00Z', '--days', '30'];
    const viaAthena = await runCli(['suggest', '--role', ROLE, '--athena', 'trails.cloudtrail_logs', '--trail-name', 'orders-audit', '--region', 'us-east-1', '--endpoint-url', moto.endpoint, ...WIN]);
    const offline = await runCli(['suggest', '--role', ROLE, '--policy', `${EX}policies`, '--trail', `${EX}trail`, '--trail-config', `${EX}trail-config.json`, ...WIN]);
    // Then the suggestion is the same, byte for byte
    expect(viaAthena.code, viaAthena.stderr).toBe(0);
    expect(offline.code, offline.stderr).toBe(0);
    expect(viaAthena.stdout).toBe(offline.stdout);
    expect(viaAthena.stderr).not.toContain('cannot tell which data events');
  });

  it('prints the query with --explain-query and runs nothing', async () => {
    const r = await runCli(['usage', '--athena', 'trails.cloudtrail_logs', '--role', ROLE, '--explain-query', '--region', 'us-east-1', '--endpoint-url', 'http://127.0.0.1:9', ...WINDOW]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('FROM "trails"."cloudtrail_logs"');
    expect(r.stdout).toContain("AND account IN ('123456789012')");
  });

  it('athena ddl --create runs the statement it prints, in the workgroup given', async () => {
    const args = ['athena', 'ddl', '--bucket', 'org-trail', '--org', 'o-a1b2c3d4e5', '--account', '123456789012', '--table', 'trails.cloudtrail_logs'];
    const printed = await runCli(args);
    expect(printed.code, printed.stderr).toBe(0);
    const created = await runCli([...args, '--create', '--athena-workgroup', 'primary', '--athena-output', 's3://athena-results/', '--endpoint-url', moto.endpoint], undefined, { AWS_REGION: 'us-east-1' });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toMatch(/athena: table trails\.cloudtrail_logs created \(query [0-9a-f-]{36}\)/);
    expect(created.stdout).toBe('');
    // moto keeps the statement it was sent: the one printed
    const id = /query ([0-9a-f-]{36})/.exec(created.stderr)![1]!;
    const client = new AthenaClient({ region: 'us-east-1', endpoint: moto.endpoint });
    const { GetQueryExecutionCommand } = await import('@aws-sdk/client-athena');
    const q = await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
    client.destroy();
    expect(`${q.QueryExecution?.Query};\n`).toBe(printed.stdout);
  });

  it('reports a cancelled query as an error naming its id', async () => {
    // Given a query that was stopped after it started
    const client = new AthenaClient({ region: 'us-east-1', endpoint: moto.endpoint });
    try {
      const runner = new AthenaRunner(client, { workgroup: 'primary' });
      const id = await runner.start('SELECT 1');
      await client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
      // When it is waited for
      const err = await runner.wait(id).catch((e: unknown) => e);
      // Then the error is the query's, with its id and state
      expect(err).toBeInstanceOf(AthenaQueryError);
      expect((err as AthenaQueryError).message).toContain(`Athena query ${id} was cancelled`);
      expect((err as AthenaQueryError).code).toBe('athena-query-failed');
    } finally {
      client.destroy();
    }
  });
});

// The example's files exist (the comparison above would otherwise compare two empty reads).
it('the example trail is present', () => {
  expect(readFileSync(`${EX}trail-config.json`, 'utf8').length).toBeGreaterThan(0);
});
