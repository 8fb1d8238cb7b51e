/**
 * `policy-trim render` through the CLI: several documents make one valid output (the same text `suggest` prints
 * for the same documents), what `suggest` prints reads back, and a policy without statements is rendered.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePolicyDocument } from '../../src/core/policy/index.js';
import type { PolicyDocument } from '../../src/core/policy/types.js';
import { renderDocuments } from '../../src/core/render/index.js';
import { runCli } from '../support/cli.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'render');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'policy-trim-render-'));
  dirs.push(dir);
  return dir;
}

const READ = { Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::orders/*'] }] };
const QUEUE = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:DeleteMessage'], Resource: 'arn:aws:sqs:eu-west-1:123456789012:orders' }] };

/** A folder with two policy files, and the documents as `suggest` would hold them. */
function twoPolicyFolder(): { dir: string; documents: PolicyDocument[] } {
  const dir = tempDir();
  const policies = join(dir, 'policies');
  mkdirSync(policies);
  writeFileSync(join(policies, 'a-read.json'), JSON.stringify(READ));
  writeFileSync(join(policies, 'b-queue.json'), JSON.stringify(QUEUE));
  const documents = [parsePolicyDocument(READ, join(policies, 'a-read.json')), parsePolicyDocument(QUEUE, join(policies, 'b-queue.json'))];
  return { dir: policies, documents };
}

describe('render of several documents', () => {
  it('a folder of two policies as JSON is one valid JSON array, the text suggest prints for the same documents', async () => {
    const { dir, documents } = twoPolicyFolder();
    const run = await runCli(['render', dir, '--format', 'json']);
    expect(run.code).toBe(0);
    const parsed: unknown = JSON.parse(run.stdout);
    expect(Array.isArray(parsed) && parsed.length).toBe(2);
    expect(run.stdout).toBe(renderDocuments(documents, 'json'));
  });

  it.each(['yaml', 'terraform'] as const)('a folder of two policies as %s is the text suggest prints for the same documents', async (format) => {
    const { dir, documents } = twoPolicyFolder();
    const run = await runCli(['render', dir, '--format', format]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(renderDocuments(documents, format));
  });

  it.each(['json', 'yaml'] as const)("suggest's %s output for several documents reads back to the same text", async (format) => {
    const { documents } = twoPolicyFolder();
    const file = join(tempDir(), `suggested.${format}`);
    const printed = renderDocuments(documents, format);
    writeFileSync(file, printed);
    const run = await runCli(['render', file, '--format', format]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(printed);
  });

  it("suggest's JSON array renders to Terraform as one block per document", async () => {
    const { documents } = twoPolicyFolder();
    const file = join(tempDir(), 'suggested.json');
    writeFileSync(file, renderDocuments(documents, 'json'));
    const run = await runCli(['render', file, '--format', 'terraform']);
    expect(run.code).toBe(0);
    expect([...run.stdout.matchAll(/^data "aws_iam_policy_document" "(\w+)"/gm)].map((m) => m[1])).toEqual(['suggested_json_1', 'suggested_json_2']);
  });

  it('one document still renders as before: an object, not a one-element array', async () => {
    const file = join(tempDir(), 'one.json');
    writeFileSync(file, JSON.stringify(READ));
    const run = await runCli(['render', file, '--format', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ Version: '2012-10-17' });
  });

  it('--name with several documents numbers the Terraform blocks, so they do not collide', async () => {
    const { dir } = twoPolicyFolder();
    const run = await runCli(['render', dir, '--format', 'terraform', '--name', 'orders']);
    expect([...run.stdout.matchAll(/^data "aws_iam_policy_document" "(\w+)"/gm)].map((m) => m[1])).toEqual(['orders_1', 'orders_2']);
  });

  it('a bad document in the folder is refused, naming the file', async () => {
    const { dir } = twoPolicyFolder();
    writeFileSync(join(dir, 'c-bad.json'), JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Maybe', Action: 's3:*' }] }));
    const run = await runCli(['render', dir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/policy-file-invalid.*c-bad\.json/s);
  });
});

describe('render of a policy without statements', () => {
  const input = join(FIXTURES, 'empty-policy', 'input.json');

  it.each([
    ['terraform', 'data-source', 'expected.tf'],
    ['terraform', 'jsonencode', 'expected.jsonencode.tf'],
    ['json', 'data-source', 'expected.json'],
    ['yaml', 'data-source', 'expected.yaml'],
  ])('--format %s (%s) gives the golden file', async (format, style, golden) => {
    const run = await runCli(['render', input, '--format', format, '--terraform-style', style, '--name', 'empty-policy']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(readFileSync(join(FIXTURES, 'empty-policy', golden), 'utf8'));
  });

  it('suggest still refuses it: a role policy that grants nothing is not something to trim', async () => {
    const run = await runCli(['suggest', '--role', 'arn:aws:iam::123456789012:role/r', '--policy', input, '--trail', tempDir()]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/"Statement" is an empty array/);
  });
});
