/**
 * `suggest --split-by-function` on the bundled example (orders-api-role, shared by orders-api, orders-worker and
 * receipts-exporter): one policy per function, each never wider than the shared role and allowing its own calls
 * (checked by the evaluator), the residual when a session is no listed function's, migration notes, and the
 * options that do not go together.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPolicyFiles } from '../../src/adapters/fs/policy-files.js';
import { loadBundledCatalog } from '../../src/adapters/fs/bundled-data.js';
import { evaluate, verifyNeverWider } from '../../src/core/policy/index.js';
import { parsePolicyDocument } from '../../src/core/policy/parse.js';
import type { PolicyDocument } from '../../src/core/policy/types.js';
import { runCli } from '../support/cli.js';

const ROLE = 'arn:aws:iam::123456789012:role/orders-api-role';
const EX = 'examples/orders-api';
const BASE = ['suggest', '--role', ROLE, '--policy', `${EX}/policies`, '--trail', `${EX}/trail`, '--trail-config', `${EX}/trail-config.json`, '--until', '2026-11-01T00:00:00Z', '--days', '30'];
const dir = mkdtempSync(join(tmpdir(), 'policy-trim-split-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The split's JSON map, each list of documents parsed. */
function documentsOf(stdout: string): Map<string, PolicyDocument[]> {
  const map = JSON.parse(stdout) as Record<string, unknown[]>;
  return new Map(Object.entries(map).map(([k, docs]) => [k, docs.map((d, i) => parsePolicyDocument(JSON.stringify(d), `${k}#${i}`))]));
}
const allows = (docs: PolicyDocument[], action: string, resource: string) => evaluate(docs, { action, resource }, { mode: 'may-allow' }) === 'allowed';

describe('suggest --split-by-function on the bundled example', () => {
  it('gives each of the three functions its own policy: never wider than the shared role, allowing its own calls only', async () => {
    const migration = join(dir, 'migration.md');
    const run = await runCli([...BASE, '--split-by-function', '--functions', 'orders-api,orders-worker,receipts-exporter', '--format', 'json', '--migration', migration]);
    expect(run.code, run.stderr).toBe(0);
    const docs = documentsOf(run.stdout);
    expect([...docs.keys()]).toEqual(['orders-api', 'orders-worker', 'receipts-exporter']);
    const original = (await readPolicyFiles([`${EX}/policies`])).documents;
    for (const [fn, d] of docs) expect(verifyNeverWider(original, d, loadBundledCatalog()).ok, fn).toBe(true);
    const topic = 'arn:aws:sns:us-east-1:123456789012:order-events';
    const queue = 'arn:aws:sqs:us-east-1:123456789012:orders-queue';
    expect(allows(docs.get('orders-api')!, 'sns:Publish', topic)).toBe(true);
    expect(allows(docs.get('orders-worker')!, 'sns:Publish', topic)).toBe(false);
    expect(allows(docs.get('orders-worker')!, 'sqs:ReceiveMessage', queue)).toBe(true);
    expect(allows(docs.get('orders-api')!, 'sqs:ReceiveMessage', queue)).toBe(false);
    expect(allows(docs.get('receipts-exporter')!, 'ssm:GetParameter', 'arn:aws:ssm:us-east-1:123456789012:parameter/orders-api/receipts/config')).toBe(true);
    expect(run.stderr).toContain('split of arn:aws:iam::123456789012:role/orders-api-role by function');
    expect(run.stderr).toMatch(/actions kept per service:\n\s+function\s+dynamodb/);
    const notes = readFileSync(migration, 'utf8');
    expect(notes).toContain('# Moving `arn:aws:iam::123456789012:role/orders-api-role` to one role per function');
    expect(notes).toContain('`orders-api-role-orders-worker`');
    expect(notes).toContain('Nothing but the functions used the shared role in the window');
  });

  it('puts a session that is no listed function\'s in the residual, and says the shared role cannot be retired yet', async () => {
    const migration = join(dir, 'residual.md');
    const run = await runCli([...BASE, '--split-by-function', '--functions', 'orders-api,orders-worker', '--format', 'json', '--migration', migration]);
    expect(run.code, run.stderr).toBe(0);
    const docs = documentsOf(run.stdout);
    expect([...docs.keys()]).toEqual(['orders-api', 'orders-worker', '(residual)']);
    expect(allows(docs.get('(residual)')!, 'ssm:GetParameter', 'arn:aws:ssm:us-east-1:123456789012:parameter/orders-api/receipts/config')).toBe(true);
    expect(run.stderr).toContain('residual (not any function\'s; sessions receipts-exporter)');
    expect(readFileSync(migration, 'utf8')).toContain('**The shared role cannot be retired yet.**');
  });

  it('writes the deployment formats (a CloudFormation role per function) and refuses what does not go together', async () => {
    const cfn = await runCli([...BASE, '--split-by-function', '--functions', 'orders-api,orders-worker,receipts-exporter', '--format', 'cloudformation']);
    expect(cfn.code, cfn.stderr).toBe(0);
    expect(cfn.stdout.match(/Type: AWS::IAM::Role/g)?.length).toBe(3);
    const noSplit = await runCli([...BASE, '--format', 'sam']);
    expect(noSplit.code).toBe(64);
    expect(noSplit.stderr).toContain('--format sam is a format of --split-by-function');
    const style = await runCli([...BASE, '--split-by-function', '--functions', 'orders-api', '--format', 'terraform', '--terraform-style', 'jsonencode']);
    expect(style.code).toBe(64);
    expect(style.stderr).toContain('--terraform-style does not apply to a split');
    const unknown = await runCli([...BASE, '--split-by-function']);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain('which functions use');
    const badConfig = join(dir, 'bad.yml');
    writeFileSync(badConfig, 'version: 1\nroles: 7\n');
    const invalid = await runCli([...BASE, '--split-by-function', '--config', badConfig]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('bad.yml');
    const fnWithout = await runCli([...BASE, '--functions', 'orders-api']);
    expect(fnWithout.stderr).toContain('--functions goes with --split-by-function');
  });
});
