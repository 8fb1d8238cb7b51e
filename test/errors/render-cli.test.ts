/**
 * A policy that Terraform's aws_iam_policy_document cannot express is the user's input, not a bug: the CLI says
 * what to do (use the jsonencode style) and exits 1 — never "unexpected error … this is a bug".
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const run = (args: string[]) => runCli(args);

describe('render: a policy the Terraform data source cannot express', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pt-errors-'));
    file = join(dir, 'star-principal.json');
    // A principal *kind* named "*" parses, but aws_iam_policy_document would write it as `"Principal": "*"`,
    // a different (wider) document, so the renderer refuses it.
    await writeFile(
      file,
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { '*': 'arn:aws:iam::123456789012:root' }, Action: 's3:GetObject', Resource: '*' }],
      }),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 1 with what is wrong and what to do, not "this is a bug"', async () => {
    // Given a policy with a principal kind named "*"; When it is rendered as a data source
    const r = await run(['render', file, '--format', 'terraform']);
    // Then it is an error of the user's input, naming the statement and the way out
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('policy-trim: error [render-unsupported]:');
    expect(r.stderr).toContain('Statement[0]');
    expect(r.stderr).toContain('cannot be written as an aws_iam_policy_document');
    expect(r.stderr).toMatch(/what to do: .*--terraform-style jsonencode/);
    expect(r.stderr).not.toMatch(/unexpected error|this is a bug/);
  });

  it('renders the same policy with --terraform-style jsonencode', async () => {
    const r = await run(['render', file, '--format', 'terraform', '--terraform-style', 'jsonencode']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('jsonencode(');
  });
});
