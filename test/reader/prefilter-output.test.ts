/**
 * With the byte prefilter, what `usage --role X` (table and JSON) and `suggest --role X` print on stdout is
 * byte-identical to the plain reader's at the same commit on the same input. The plain reader is the same CLI
 * with `principalFilterFor` answering undefined (no filter), loaded as a separate module graph.
 * Inputs: the example trail plus a file in another Region holding only another role's records (the Regions read
 * reach the suggestion without --trail-config, so that file must still count), and the real corpora.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { CliRun } from '../support/cli.js';

const ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));
const CORPORA = resolve(ROOT, '../shared/corpora');
const PREFILTER = '../../src/core/trail/prefilter.js';
const EXAMPLE = join(ROOT, 'examples/orders-api');
const WINDOW = ['--since', '2026-09-01T00:00:00Z', '--until', '2026-11-01T00:00:00Z'];

type Run = (args: string[]) => Promise<CliRun>;

/**
 * The CLI, with the prefilter or without it, in a fresh module graph. Commands load lazily, so every run of one
 * graph happens before the next graph is made.
 */
async function cliWith(prefilter: boolean): Promise<Run> {
  vi.resetModules();
  if (prefilter) vi.doUnmock(PREFILTER);
  else vi.doMock(PREFILTER, async (importOriginal) => ({ ...(await importOriginal<typeof import('../../src/core/trail/prefilter.js')>()), principalFilterFor: () => undefined }));
  const { runCli } = await import('../support/cli.js');
  return (args) => runCli([...args, '--jobs', '1']);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesUnder(join(dir, n)) : [join(dir, n)]));
}

let trail: string;

beforeAll(() => {
  // The example trail, and one file in eu-west-1 with only orders-deploy-role's records.
  trail = mkdtempSync(join(tmpdir(), 'prefilter-output-'));
  cpSync(join(EXAMPLE, 'trail'), trail, { recursive: true });
  const deploy: unknown[] = [];
  for (const f of filesUnder(join(EXAMPLE, 'trail'))) {
    for (const r of (JSON.parse(gunzipSync(readFileSync(f)).toString('utf8')) as { Records: Array<Record<string, unknown>> }).Records) {
      if (JSON.stringify(r.userIdentity).includes('orders-deploy-role')) deploy.push({ ...r, awsRegion: 'eu-west-1', eventID: `${String(r.eventID)}-eu` });
    }
  }
  const dir = join(trail, 'AWSLogs/123456789012/CloudTrail/eu-west-1/2026/10/20');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, '123456789012_CloudTrail_eu-west-1_20261020T1200Z_prefilterTest0001.json.gz'), gzipSync(JSON.stringify({ Records: deploy })));
  // A grant in eu-west-1: whether that Region was read decides whether its unused actions go.
  const grant = { Effect: 'Allow', Action: 'dynamodb:*', Resource: ['arn:aws:dynamodb:us-east-1:123456789012:table/orders', 'arn:aws:dynamodb:eu-west-1:123456789012:table/orders'] };
  writeFileSync(join(trail, 'two-regions.json'), JSON.stringify({ Version: '2012-10-17', Statement: [grant] }));
});

afterAll(() => {
  vi.doUnmock(PREFILTER);
  if (trail) rmSync(trail, { recursive: true, force: true });
});

/**
 * Runs every command line without the prefilter, then with it; stdout and exit code must be equal. Returns how
 * many filtered runs left records unparsed (the plain runs must leave none: the mock is what makes them plain).
 */
async function expectSameOutput(commands: string[][]): Promise<number> {
  const plain = await cliWith(false);
  const before: CliRun[] = [];
  for (const args of commands) before.push(await plain(args));
  const filtered = await cliWith(true);
  let skipped = 0;
  for (const [i, args] of commands.entries()) {
    const b = await filtered(args);
    expect(b.stdout, args.join(' ')).toBe(before[i]!.stdout);
    expect(b.code, args.join(' ')).toBe(before[i]!.code);
    expect(before[i]!.stderr).not.toContain('not parsed');
    if (b.stderr.includes('not parsed')) skipped++;
  }
  return skipped;
}

/** The principals `usage --format json` lists (a plain read). */
async function principalsOf(trailPath: string, window: string[]): Promise<string[]> {
  const run = await (await cliWith(false))(['usage', '--trail', trailPath, ...window, '--format', 'json']);
  return (JSON.parse(run.stdout) as { principals: Array<{ principalArn: string }> }).principals.map((p) => p.principalArn);
}

describe('usage and suggest print the same with the prefilter as without it', () => {
  it('on the example trail with a second Region: usage (table, json) and suggest for every principal, by ARN and by name', async () => {
    const principals = await principalsOf(trail, WINDOW);
    expect(principals).toContain('arn:aws:iam::123456789012:role/orders-deploy-role');
    const commands: string[][] = [];
    for (const p of principals) {
      const name = /:role\/(?:.*\/)?([^/]+)$/.exec(p)?.[1];
      for (const role of name ? [p, name, name.toUpperCase()] : [p]) {
        commands.push(['usage', '--trail', trail, ...WINDOW, '--role', role], ['usage', '--trail', trail, ...WINDOW, '--role', role, '--format', 'json']);
        if (!name) continue;
        for (const extra of [[], ['--trail-config', join(EXAMPLE, 'trail-config.json')], ['--format', 'yaml']]) {
          commands.push(['suggest', '--trail', trail, ...WINDOW, '--role', role, '--policy', join(EXAMPLE, 'policies/orders-api-role.inline.json'), ...extra]);
        }
        commands.push(['suggest', '--trail', join(trail, 'AWSLogs'), ...WINDOW, '--role', role, '--policy', join(trail, 'two-regions.json')]);
      }
    }
    expect(await expectSameOutput(commands)).toBeGreaterThan(principals.length);
  }, 300_000);

  it.runIf(existsSync(CORPORA))('on the real corpora: usage for every principal given by ARN', async () => {
    const window = ['--since', '2000-01-01T00:00:00Z', '--until', '2030-01-01T00:00:00Z'];
    const principals = (await principalsOf(CORPORA, window)).filter((p) => p.startsWith('arn:'));
    expect(principals.length).toBeGreaterThan(10);
    await expectSameOutput(principals.map((p) => ['usage', '--trail', CORPORA, ...window, '--role', p]));
  }, 300_000);
});
