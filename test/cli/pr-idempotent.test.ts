/**
 * `policy-trim pr` is idempotent on the example infrastructure (examples/orders-api/infra, the four formats
 * `npm run example:pr` shows): apply the diff the dry run proposes, commit it, run again, and nothing is left to
 * trim — no diff, the message a merged pull request's next run prints. A re-plan used to propose
 * `s3:GetObjectVersionAnnotation` beside the `s3:GetObjectVersionAnnotation*` the first plan wrote, so every
 * merged pull request was followed by another.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { infraRepo, ROLE, runPr } from './pr-fixture.js';

const INFRA = resolve(import.meta.dirname, '..', '..', 'examples', 'orders-api', 'infra');

/** The options that give each format's references their values, as scripts/example-pr.mjs passes them. */
const FORMATS: { name: string; resolve: string[] }[] = [
  { name: 'terraform', resolve: ['--tf-state', 'terraform.tfstate.json'] },
  { name: 'cloudformation', resolve: ['--parameters', 'samconfig.toml'] },
  { name: 'serverless', resolve: [] },
  { name: 'json', resolve: [] },
];

/** Every file of a folder, by its path inside it. */
function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out[relative(dir, path)] = readFileSync(path, 'utf8');
  }
  return out;
}

describe('pr on the example infrastructure: plan, apply, plan again proposes nothing', () => {
  for (const format of FORMATS) {
    it(format.name, async () => {
      const repo = infraRepo(filesOf(join(INFRA, format.name)));
      const args = ['--role', ROLE, '--dry-run', ...format.resolve.map((a) => (a.startsWith('--') ? a : join(repo.work, a)))];
      const first = await runPr(repo, args);
      expect(first.code, first.stderr).toBe(0);
      const patch = first.stdout.slice(first.stdout.indexOf('diff --git'), first.stdout.indexOf('# Title: '));
      expect(patch).toMatch(/^diff --git/);
      writeFileSync(join(repo.root, 'edit.patch'), patch);
      execFileSync('git', ['apply', join(repo.root, 'edit.patch')], { cwd: repo.work, env: repo.env });
      repo.git(repo.work, 'commit', '--quiet', '-am', 'Merge the policy-trim pull request');

      const again = await runPr(repo, args);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).not.toContain('diff --git');
      expect(again.stderr).toContain('nothing left to trim');
      expect(repo.git(repo.work, 'status', '--porcelain')).toBe('');
    }, 120_000);
  }
});
