/**
 * The bundled example served by moto (role and policies in IAM, logs in a trail bucket, the trail with its
 * event selectors) reads back exactly what the offline run reads from the files: the same policy statements,
 * the same records and problems, the same selectors. The trim core is deterministic, so the same inputs give
 * the same suggestion; the CLI-level comparison (`suggest --endpoint-url`) belongs with the CLI wiring.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPolicyFiles } from '../../src/adapters/fs/policy-files.js';
import { readTrail } from '../../src/adapters/fs/trail-reader.js';
import type { TrailItem } from '../../src/adapters/trail-decode/sink.js';
import { createAwsClients, resolveAwsConfig, type AwsClients } from '../../src/adapters/aws/config.js';
import { loadRolePolicyDocuments, openAwsActivity } from '../../src/adapters/aws/live.js';
import type { S3TrailRead } from '../../src/adapters/aws/s3-trail.js';
import { seedExample, startMoto, useFakeAwsEnv, type MotoServer } from '../support/moto.js';

const EX = new URL('../../examples/orders-api/', import.meta.url).pathname;
const ROLE_ARN = 'arn:aws:iam::123456789012:role/orders-api-role';
const window = { since: new Date('2026-10-02T00:00:00Z'), until: new Date('2026-11-01T00:00:00Z') };

let moto: MotoServer;
let restoreEnv: () => void;
let clients: AwsClients;

beforeAll(async () => {
  restoreEnv = useFakeAwsEnv();
  moto = await startMoto();
  await seedExample(moto.endpoint);
  clients = createAwsClients(await resolveAwsConfig({ region: 'us-east-1', endpointUrl: moto.endpoint }));
});

afterAll(async () => {
  clients?.destroy();
  await moto?.stop();
  restoreEnv?.();
});

/** Records by eventID (with the file-relative part of their source) and problems by code. */
function digest(items: TrailItem[], root: string): { records: string[]; problems: string[] } {
  const records: string[] = [];
  const problems: string[] = [];
  for (const i of items) {
    if (i.kind === 'record') {
      const rel = i.source.file.slice(i.source.file.indexOf(root) + root.length);
      records.push(`${rel}#${i.source.index} ${JSON.stringify(i.record)}`);
    } else problems.push(`${i.problem.code} ${(i.problem.file ?? '').slice((i.problem.file ?? '').indexOf(root) + root.length)}`);
  }
  return { records: records.sort(), problems: problems.sort() };
}

describe('the bundled example through moto equals the offline files', () => {
  it('reads the same policy statements from IAM as from --policy files', async () => {
    const live = await loadRolePolicyDocuments(clients, ROLE_ARN);
    const offline = await readPolicyFiles([`${EX}policies`]);
    expect(offline.problems).toEqual([]);
    const key = (d: { statements: unknown[] }) => JSON.stringify(d.statements);
    expect(live.documents.map(key).sort()).toEqual(offline.documents.map(key).sort());
    expect(live.documents.map((d) => d.kind)).toEqual(['inline', 'customer-managed']);
  });

  it('reads the same records and problems from the bucket (found by --trail-name) as from the folder', async () => {
    const act = await openAwsActivity(clients, { trailName: 'orders-audit', accountIds: ['123456789012'], regions: ['us-east-1'] });
    expect(act.sources.map((s) => s.label)).toEqual(['s3://orders-audit-logs/audit']);
    const read = act.sources[0].source.read(window) as S3TrailRead;
    const liveItems: TrailItem[] = [];
    for await (const i of read) liveItems.push(i);
    const offlineRead = readTrail([`${EX}trail`], { window });
    const offlineItems: TrailItem[] = [];
    for await (const i of offlineRead) offlineItems.push(i);

    const live = digest(liveItems, 'AWSLogs/');
    const offline = digest(offlineItems, 'AWSLogs/');
    expect(live.records.length).toBeGreaterThan(100);
    expect(live.records).toEqual(offline.records);
    expect(live.problems).toEqual(offline.problems);
    expect(read.summary().failures).toEqual([]);
    expect(read.stats().recordsOutsideWindow).toBe(offlineRead.stats.recordsOutsideWindow);
    // And the selectors that feed "unobservable" are the trail-config file's
    const file = JSON.parse(readFileSync(`${EX}trail-config.json`, 'utf8'));
    expect((act.trailConfig?.eventSelectors as { AdvancedEventSelectors: unknown }).AdvancedEventSelectors).toEqual(file.AdvancedEventSelectors);
    expect(act.recording).toBeDefined();
  });
});
