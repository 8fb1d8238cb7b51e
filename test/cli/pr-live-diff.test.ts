/**
 * `pr`'s comparison of the live role with the repository's grant, against IAM in moto: the live role's inline
 * policy and attached managed policy are read through the IAM adapter, compared semantically with a repository
 * grant that differs, and the differences come back as notes; an IAM error is one note, and offline nothing is
 * compared and one note says so. The role is read from IAM once per run, whoever asks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBundledCatalog } from '../../src/adapters/fs/bundled-data.js';
import { closeAwsClients, liveRolePolicies } from '../../src/cli/aws-wiring.js';
import type { CliIo } from '../../src/cli/io.js';
import { compareLiveRole, NOT_READ_OFFLINE, type LiveRoleComparison } from '../../src/cli/pr-live-diff.js';
import { parsePolicyDocument } from '../../src/core/policy/parse.js';
import type { PolicyDocument } from '../../src/core/policy/types.js';
import { MOTO_ACCOUNT_ID, seedRole, startMoto, useFakeAwsEnv, type MotoServer } from '../support/moto.js';

const ORDERS = 'arn:aws:s3:::orders';
const TABLE = `arn:aws:dynamodb:us-east-1:${MOTO_ACCOUNT_ID}:table/orders`;
const SHARED_ARN = `arn:aws:iam::${MOTO_ACCOUNT_ID}:policy/orders-shared`;
const OLD_ARN = `arn:aws:iam::${MOTO_ACCOUNT_ID}:policy/orders-old`;
const ROLE_ARN = `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/orders-api-role`;

const policy = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const doc = (name: string, kind: PolicyDocument['kind'], ...statements: object[]): PolicyDocument => ({
  ...parsePolicyDocument({ Version: '2012-10-17', Statement: statements }, name),
  kind,
});

// The live role: the repository's object access plus s3:DeleteObject (a hand-made change), and the shared
// managed policy (the table queried).
const LIVE_INLINE = policy({ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: `${ORDERS}/*` });
const SHARED = policy({ Effect: 'Allow', Action: 'dynamodb:Query', Resource: TABLE });

// The repository: the object access without DeleteObject, the table's items read (not deployed yet), and an
// older managed policy attached instead of the shared one.
const REPOSITORY = [
  doc('infra/iam.tf#data.aws_iam_policy_document.orders', 'inline', { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `${ORDERS}/*` }, { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: TABLE }),
  doc(OLD_ARN, 'customer-managed', { Effect: 'Allow', Action: 'dynamodb:Query', Resource: TABLE }),
];

let moto: MotoServer;
let restoreEnv: () => void;
const catalog = loadBundledCatalog();

const quietIo = (env: Record<string, string | undefined>): CliIo => ({ stdout: () => {}, stderr: () => {}, interactive: false, env, now: () => new Date('2026-11-23T00:00:00Z') });

/** The notes for `role` with the run's arguments pointing at moto; the clients made for them are closed after. */
async function compared(role: string, repository: PolicyDocument[]): Promise<LiveRoleComparison> {
  const args: Record<string, unknown> = { region: 'us-east-1', 'endpoint-url': moto.endpoint };
  try {
    return await compareLiveRole(role, repository, { args, io: quietIo({ ...process.env }), catalog });
  } finally {
    await closeAwsClients(args);
  }
}

beforeAll(async () => {
  restoreEnv = useFakeAwsEnv();
  moto = await startMoto();
  const { IAMClient } = await import('@aws-sdk/client-iam');
  const iam = new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  try {
    await seedRole(iam, { name: 'orders-api-role', inline: { orders: LIVE_INLINE }, managed: { 'orders-shared': SHARED } });
  } finally {
    iam.destroy();
  }
}, 120_000);

afterAll(async () => {
  await moto?.stop();
  restoreEnv?.();
});

describe('compareLiveRole against IAM (moto)', () => {
  it('reads the inline and the attached managed policy and says how the live role differs from the repository', async () => {
    const { notes, removesLiveGrants } = await compared(ROLE_ARN, REPOSITORY);
    // The live role's extra grant and attachment go when the repository is applied: checked before merging.
    expect(removesLiveGrants).toBe(true);
    expect(notes).toEqual([
      `The live role grants 1 permission the repository does not (e.g. s3:DeleteObject on ${ORDERS}/*): someone changed it outside this code, or the code is not deployed yet. The pull request edits the repository's version.`,
      `The repository grants 1 permission the live role does not (e.g. dynamodb:GetItem on ${TABLE}): the code is not deployed yet, or the role was narrowed outside it.`,
      `The live role has managed policy ${SHARED_ARN} attached that the repository does not attach.`,
      `The repository attaches managed policy ${OLD_ARN} that the live role does not have.`,
    ]);
  }, 60_000);

  it('says nothing when the repository grants what the live role does (the managed policy read from IAM, as pr plans it)', async () => {
    const repository = [
      doc('infra/iam.tf#data.aws_iam_policy_document.orders', 'inline', { Effect: 'Allow', Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], Resource: `${ORDERS}/*` }),
      doc(SHARED_ARN, 'customer-managed', { Effect: 'Allow', Action: 'dynamodb:Query', Resource: TABLE }),
    ];
    expect(await compared('orders-api-role', repository)).toEqual({ notes: [], removesLiveGrants: false });
  }, 60_000);

  it('turns an IAM error into one note instead of stopping the run', async () => {
    const missing = `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/no-such-role`;
    const { notes, removesLiveGrants } = await compared(missing, REPOSITORY);
    expect(removesLiveGrants).toBe(false);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(new RegExp(`^Could not read the live role ${missing.replace(/[/.]/g, '\\$&')} \\(.+\\): it was not compared with the repository, whose version the pull request edits\\.$`));
  }, 60_000);
});

describe('compareLiveRole offline', () => {
  it('compares nothing when AWS is not in reach, and says so in one note (no note means compared and the same)', async () => {
    const args: Record<string, unknown> = {};
    expect(await compareLiveRole(ROLE_ARN, REPOSITORY, { args, io: quietIo({}), catalog })).toEqual({ notes: [NOT_READ_OFFLINE], removesLiveGrants: false });
  });
});

describe('liveRolePolicies', () => {
  it('reads a role once per run (the managed policies and the comparison share the read), again after the clients are closed', async () => {
    const args: Record<string, unknown> = { region: 'us-east-1', 'endpoint-url': moto.endpoint };
    const io = quietIo({ ...process.env });
    const first = liveRolePolicies(args, io, ROLE_ARN);
    expect(liveRolePolicies(args, io, ROLE_ARN)).toBe(first);
    expect((await first).roleArn).toBe(ROLE_ARN);
    await closeAwsClients(args);
    const again = liveRolePolicies(args, io, ROLE_ARN);
    expect(again).not.toBe(first);
    await again;
    await closeAwsClients(args);
  }, 60_000);
});
