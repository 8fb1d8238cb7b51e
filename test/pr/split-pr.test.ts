/**
 * `policy-trim pr --split-by-function` on the bundled example (orders-api-role, shared by orders-api,
 * orders-worker and receipts-exporter), in each format it is written in: the dry run prints the diff that adds
 * one role per function to the file defining the shared role (golden), and the pull request (golden); the rest of
 * the file is byte-identical; the edited file parses back and yields, per function, the policies `suggest
 * --split-by-function` gives; a session no function owns makes the shared role one that cannot be retired yet.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBundledCatalog } from '../../src/adapters/fs/bundled-data.js';
import { editorFor } from '../../src/core/iac/editors.js';
import { CFN_YAML_TAGS } from '../../src/core/iac/yaml-tags.js';
import { verifyNeverWider } from '../../src/core/policy/index.js';
import { parsePolicyDocument } from '../../src/core/policy/parse.js';
import type { PolicyDocument } from '../../src/core/policy/types.js';
import { ACTIVITY, ROLE, runPr, type InfraRepo } from '../cli/pr-fixture.js';
import { runCli } from '../support/cli.js';
import { exampleRepo, resolveOptions, SPLIT_FORMATS, TARGET, type SplitExampleFormat } from './split-fixture.js';

const POLICY_TRIM = resolve(import.meta.dirname, '..', '..');
const FUNCTIONS = ['orders-api', 'orders-worker', 'receipts-exporter'];
const SPLIT_BRANCH = 'policy-trim/split-by-function/orders-api-role';

/** The dry run's parts: the diff (applied to the clone to read the edited file back) and the pull request. */
function applyDryRun(repo: InfraRepo, stdout: string): { after: string; title: string; body: string } {
  const patch = stdout.slice(stdout.indexOf('diff --git'), stdout.indexOf('# Title: '));
  writeFileSync(join(repo.root, 'split.patch'), patch);
  execFileSync('git', ['apply', join(repo.root, 'split.patch')], { cwd: repo.work, env: repo.env });
  const rest = stdout.slice(stdout.indexOf('# Title: ') + '# Title: '.length);
  const title = rest.slice(0, rest.indexOf('\n'));
  return { after: '', title, body: rest.slice(rest.indexOf('\n') + 2).split(POLICY_TRIM).join('<policy-trim>') };
}

/** The edit is one insertion: the file before is the edited file's start and end, untouched. */
function expectInsertionOnly(before: string, after: string): void {
  let head = 0;
  while (head < before.length && before[head] === after[head]) head++;
  let tail = 0;
  while (tail < before.length - head && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  expect(head + tail, 'every byte of the file before the edit is kept, in order').toBe(before.length);
  expect(after.length).toBeGreaterThan(before.length);
}

/** Each function's inline policies as the edited file holds them (read back with the project's own readers). */
function policiesInFile(format: SplitExampleFormat, text: string, ids: Map<string, string>): Map<string, PolicyDocument[]> {
  const out = new Map<string, PolicyDocument[]>();
  if (format === 'terraform') {
    for (const [fn, id] of ids) {
      const grants = editorFor('terraform').read(text, { format: 'terraform', file: 'main.tf', address: `data.aws_iam_policy_document.${id}` });
      out.set(fn, [{ name: id, version: '2012-10-17', statements: grants.statements }]);
    }
    return out;
  }
  const doc = parseDocument(text, { customTags: CFN_YAML_TAGS }).toJS() as Record<string, any>;
  const resources = (format === 'serverless' ? doc.resources.Resources : doc.Resources) as Record<string, any>;
  for (const [fn, id] of ids) {
    expect(resources[id].Type).toBe('AWS::IAM::Role');
    expect(resources[id].Properties.AssumeRolePolicyDocument.Statement[0].Principal.Service).toEqual(['lambda.amazonaws.com']);
    out.set(fn, (resources[id].Properties.Policies as any[]).map((p) => parsePolicyDocument(JSON.stringify(p.PolicyDocument), `${id}/${p.PolicyName}`)));
  }
  return out;
}

/** The logical id or Terraform identifier of each function's role, from the body's table. */
function roleIds(body: string): Map<string, string> {
  const ids = new Map<string, string>();
  for (const m of body.matchAll(/^\| `([^`]+)` \| `[^`]+` \| `(?:aws_iam_role\.)?([^`]+)` \|/gm)) ids.set(m[1]!, m[2]!);
  return ids;
}

/** What `suggest --split-by-function` gives each function from the example's policy files. */
async function suggestedSplit(): Promise<Map<string, PolicyDocument[]>> {
  const run = await runCli(['suggest', '--role', ROLE, '--policy', 'examples/orders-api/policies', ...ACTIVITY, '--split-by-function', '--functions', FUNCTIONS.join(','), '--format', 'json']);
  expect(run.code, run.stderr).toBe(0);
  const map = JSON.parse(run.stdout) as Record<string, unknown[]>;
  return new Map(Object.entries(map).map(([k, docs]) => [k, docs.map((d, i) => parsePolicyDocument(JSON.stringify(d), `${k}#${i}`))]));
}

describe('pr --split-by-function --dry-run on the example', () => {
  let suggested: Map<string, PolicyDocument[]>;
  beforeAll(async () => {
    suggested = await suggestedSplit();
  }, 60_000);

  for (const format of SPLIT_FORMATS) {
    it(`${format}: adds a role per function to ${TARGET[format]}, the rest byte-identical, and the file yields suggest's policies`, async () => {
      // Given the example's code for this format, committed
      const repo = exampleRepo(format);
      const before = readFileSync(join(repo.work, TARGET[format]), 'utf8');
      // When pr --split-by-function runs as a dry run
      const run = await runPr(repo, ['--role', ROLE, '--split-by-function', '--dry-run', ...resolveOptions(format, repo)]);
      // Then it names the split branch, writes nothing, and prints one file's diff and the pull request
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain(`dry run: 1 file(s) would be committed on ${SPLIT_BRANCH}; nothing was written`);
      expect(run.stderr).toContain('functions of the role from .policy-trim.yml');
      expect(repo.git(repo.work, 'status', '--porcelain')).toBe('');
      expect(run.stdout).toMatch(new RegExp(`^# ${ROLE.replace(/[/.]/g, '\\$&')}: branch ${SPLIT_BRANCH.replace(/\//g, '\\/')}, 1 file\\(s\\) edited\n`));
      const { title, body } = applyDryRun(repo, run.stdout);
      const after = readFileSync(join(repo.work, TARGET[format]), 'utf8');
      expectInsertionOnly(before, after);
      await expect(after).toMatchFileSnapshot(`split/${format}.${TARGET[format]}`);
      await expect(`# ${title}\n\n${body}`).toMatchFileSnapshot(`split/${format}.body.md`);
      expect(title).toBe('policy-trim: one role per function for orders-api-role (3 functions)');
      expect(body).toContain('It changes neither the shared role nor any function');
      expect(body).toContain('once every function runs with its own role, the shared role can be retired');

      // And each function's role, read back from the edited file, allows exactly what suggest's split allows
      const ids = roleIds(body);
      expect([...ids.keys()]).toEqual(FUNCTIONS);
      const inFile = policiesInFile(format, after, ids);
      const catalog = loadBundledCatalog();
      for (const fn of FUNCTIONS) {
        expect(verifyNeverWider(suggested.get(fn)!, inFile.get(fn)!, catalog).ok, `${fn}: the file's role is never wider than suggest's`).toBe(true);
        expect(verifyNeverWider(inFile.get(fn)!, suggested.get(fn)!, catalog).ok, `${fn}: suggest's policy is never wider than the file's role`).toBe(true);
      }
    }, 90_000);
  }

  it('a session no listed function owns is the residual: the shared role cannot be retired yet, and the body says so', async () => {
    // Given the functions named on the command line leave receipts-exporter's sessions to no function
    const repo = exampleRepo('terraform');
    const run = await runPr(repo, ['--role', ROLE, '--split-by-function', '--functions', 'orders-api,orders-worker', '--dry-run', ...resolveOptions('terraform', repo)]);
    expect(run.code, run.stderr).toBe(0);
    const { title, body } = applyDryRun(repo, run.stdout);
    // Then two roles are added, the residual is a data source that creates nothing, and the shared role stays
    expect(title).toBe('policy-trim: one role per function for orders-api-role (2 functions)');
    expect(body).toContain('> **The shared role cannot be retired yet.** It was also used by something other than its functions (sessions `receipts-exporter`)');
    expect(body).toContain('**The shared role cannot be retired yet.** Calls made with it by something other than its functions');
    const after = readFileSync(join(repo.work, 'main.tf'), 'utf8');
    expect(after).toContain('data "aws_iam_policy_document" "shared_role_residual"');
    expect(after).not.toContain('resource "aws_iam_role" "receipts_exporter"');
    expect(run.stderr).toContain('functions of the role from --functions');
  }, 90_000);

  it('a function name from outside (here --functions) is quoted in the body and made one line in the file', async () => {
    // Given a function name holding Markdown, HTML and a line break
    const hostile = 'x`<img src=y>\n# injected';
    const repo = exampleRepo('terraform');
    const run = await runPr(repo, ['--role', ROLE, '--split-by-function', '--functions', `orders-api,${hostile}`, '--dry-run', ...resolveOptions('terraform', repo)]);
    expect(run.code, run.stderr).toBe(0);
    const { body } = applyDryRun(repo, run.stdout);
    // Then no line of the body or of the file starts with what the name holds after its line break
    expect(body).not.toMatch(/^# injected/m);
    // (inside a code span, where Markdown shows it as text: the name's line break is written as `\n`)
    expect(body.match(/<img/g)!.length).toBe(body.match(/``x`<img src=y>\\n# injected``/g)!.length);
    const after = readFileSync(join(repo.work, 'main.tf'), 'utf8');
    expect(after).not.toMatch(/^# injected/m);
    expect(after).toContain('# Function x`<img src=y>\\n# injected');
    expect(run.stderr).not.toMatch(/^# injected/m);
  }, 90_000);
});
