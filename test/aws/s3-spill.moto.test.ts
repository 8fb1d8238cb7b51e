/**
 * A trail bucket read with the duplicate check's memory bounded (`cli/remote-reads.ts`, `S3TrailSource.readAgain`),
 * over moto's S3: event ids past the window go to disk, the copies found after the read are taken back by reading
 * their objects again, and the tally equals one that kept every id in memory.
 */
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients, resolveAwsConfig, type AwsClients } from '../../src/adapters/aws/config.js';
import { S3TrailSource } from '../../src/adapters/aws/s3-trail.js';
import { loadBundledNormalizer } from '../../src/adapters/fs/bundled-mapping.js';
import { readSourcesInto } from '../../src/cli/remote-reads.js';
import type { ActivityItem } from '../../src/core/ports/activity-source.js';
import { ActivityTally } from '../../src/core/usage/tally.js';
import { MOTO_ACCOUNT_ID as ACCT, recordCommands, startMoto, useFakeAwsEnv, type MotoServer, type SentCommand } from '../support/moto.js';
import { tallyView } from '../support/tally-view.js';

let moto: MotoServer;
let restoreEnv: () => void;
let clients: AwsClients;
let admin: S3Client;
const sent: SentCommand[] = [];
const window = { since: new Date('2026-10-01T00:00:00Z'), until: new Date('2026-10-10T00:00:00Z') };
const BUCKET = 'spill-trail';
const base = `AWSLogs/${ACCT}/CloudTrail/us-east-1/2026/10`;

/** A delivered file of `n` records; `ids` names their events (the same ids in two files: a copy CloudTrail delivered twice). */
function logFile(ids: string[], day: number): Buffer {
  const records = ids.map((id) => ({
    eventVersion: '1.08',
    eventID: id,
    eventTime: `2026-10-0${day}T0${Number(id.slice(1)) % 10}:00:00Z`, // a copy is the same record, time included
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    awsRegion: 'us-east-1',
    recipientAccountId: ACCT,
    requestParameters: { bucketName: 'orders', key: `k${id}` },
    userIdentity: {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${ACCT}:assumed-role/orders-api-role/orders-api`,
      sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCT}:role/orders-api-role` } },
    },
  }));
  return gzipSync(JSON.stringify({ Records: records }));
}

/** `2026-10-0D` delivery key number `n` of the day. */
const keyOf = (day: number, n: number) => `${base}/0${day}/${ACCT}_CloudTrail_us-east-1_2026100${day}T${String(10 + n)}00Z_f${n}.json.gz`;

beforeAll(async () => {
  restoreEnv = useFakeAwsEnv();
  moto = await startMoto();
  const cfg = await resolveAwsConfig({ region: 'us-east-1', endpointUrl: moto.endpoint });
  clients = createAwsClients(cfg, (c) => recordCommands(c, sent));
  admin = new S3Client({ endpoint: moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  await admin.send(new CreateBucketCommand({ Bucket: BUCKET }));
  // Day 2: events a0..a9; day 3: b0..b9; day 4 repeats a3..a5 (delivered again, far from the first copies).
  const put = (key: string, body: Buffer) => admin.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  await put(keyOf(2, 1), logFile([...Array(10)].map((_, i) => `a${i}`), 2));
  await put(keyOf(3, 1), logFile([...Array(10)].map((_, i) => `b${i}`), 3));
  await put(keyOf(4, 1), logFile(['a3', 'a4', 'a5'], 2));
  await put(keyOf(4, 2), logFile(['c0', 'c1'], 4));
}, 60_000);

afterAll(async () => {
  clients?.destroy();
  admin?.destroy();
  await moto?.stop();
  restoreEnv?.();
});

async function tallyOf(options: { only: boolean; idWindow?: number }): Promise<ActivityTally> {
  const tally = new ActivityTally(loadBundledNormalizer());
  const source = new S3TrailSource(clients.s3(), `s3://${BUCKET}`, { accountIds: [ACCT], regions: ['us-east-1'] });
  await readSourcesInto(tally, [{ label: 's3', source }], window, { ...options, after: () => undefined });
  return tally;
}

describe('a trail bucket read with a bounded window of event ids (moto)', () => {
  it('equals the read keeping every id: copies past the window are taken back by reading their object again', async () => {
    const inMemory = await tallyOf({ only: false });
    expect(inMemory.duplicates).toBe(3);
    const before = sent.length;
    const bounded = await tallyOf({ only: true, idWindow: 4 });
    expect(tallyView(bounded)).toEqual(tallyView(inMemory));
    expect(bounded.duplicates).toBe(3);
    expect(bounded.pendingRetractions).toBe(0);
    // Every object once, and the one holding the later copies a second time: nothing else is read again.
    const gets = sent.slice(before).filter((c) => c.command === 'GetObjectCommand').map((c) => c.input.Key);
    expect(gets.sort()).toEqual([keyOf(2, 1), keyOf(3, 1), keyOf(4, 1), keyOf(4, 1), keyOf(4, 2)].sort());
  });

  it('readAgain reads exactly the objects named, and yields what the first read did for them', async () => {
    const source = new S3TrailSource(clients.s3(), `s3://${BUCKET}`, { accountIds: [ACCT], regions: ['us-east-1'] });
    const first: ActivityItem[] = [];
    for await (const item of source.read(window)) first.push(item);
    const named = [`s3://${BUCKET}/${keyOf(4, 1)}`, `s3://${BUCKET}/${keyOf(2, 1)}`];
    const before = sent.length;
    const again: ActivityItem[] = [];
    for await (const item of source.readAgain(named, window)) again.push(item);
    expect(sent.slice(before).map((c) => [c.command, c.input.Key])).toEqual(
      [keyOf(4, 1), keyOf(2, 1)].map((k) => ['GetObjectCommand', k]),
    );
    const fromNamed = (items: ActivityItem[]) => items.filter((i) => i.kind === 'record' && named.includes(i.source.file));
    expect(again).toHaveLength(13);
    expect(again.map((i) => JSON.stringify(i)).sort()).toEqual(fromNamed(first).map((i) => JSON.stringify(i)).sort());
  });
});
