/**
 * Finding `.policy-trim.yml`: `--config FILE`, else the file at the repository root (the nearest folder above
 * the working directory with a `.git` entry), else none.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRepositoryRoot, loadConfig } from '../../src/adapters/fs/config-file.js';
import { ConfigError } from '../../src/core/config/errors.js';
import { tempDir } from '../support/offline-fixture.js';
import { TODAY } from './support.js';

const VALID = 'version: 1\nroles:\n  - role: orders-api-role\n';

/** repo/.git/, repo/infra/modules/ (the working directory), and whatever files are asked for. */
function repoTree(files: Record<string, string> = {}): { top: string; repo: string; deep: string } {
  const top = tempDir('policy-trim-config-');
  const repo = join(top, 'repo');
  const deep = join(repo, 'infra', 'modules');
  mkdirSync(join(repo, '.git'), { recursive: true });
  mkdirSync(deep, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(top, name, '..'), { recursive: true });
    writeFileSync(join(top, name), text);
  }
  return { top, repo, deep };
}

async function loadError(p: Promise<unknown>): Promise<ConfigError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(ConfigError);
  return e as ConfigError;
}

describe('findRepositoryRoot', () => {
  it('walks up to the folder with .git (a folder, or the file a worktree has)', async () => {
    const { repo, deep } = repoTree();
    expect(await findRepositoryRoot(deep)).toBe(repo);
    const worktree = join(repo, 'wt');
    mkdirSync(join(worktree, 'sub'), { recursive: true });
    writeFileSync(join(worktree, '.git'), 'gitdir: ../.git/worktrees/wt\n');
    expect(await findRepositoryRoot(join(worktree, 'sub'))).toBe(worktree);
  });
});

describe('loadConfig', () => {
  it('reads .policy-trim.yml at the repository root from a folder deep inside it', async () => {
    const { repo, deep } = repoTree({ 'repo/.policy-trim.yml': VALID, 'repo/infra/.policy-trim.yml': 'not: read\n' });
    const loaded = await loadConfig({ cwd: deep, now: TODAY });
    expect(loaded?.path).toBe(join(repo, '.policy-trim.yml'));
    expect(loaded?.root).toBe(repo);
    expect(loaded?.config.roles.map((r) => r.role)).toEqual(['orders-api-role']);
    expect(loaded?.file).toBe(join(repo, '.policy-trim.yml')); // above the working directory: shown absolute
    expect(loaded?.warnings).toEqual([]);
  });

  it('no file at the root is no configuration, not an error (a file above the repository is not read)', async () => {
    const { deep } = repoTree({ '.policy-trim.yml': VALID });
    expect(await loadConfig({ cwd: deep })).toBeUndefined();
  });

  it('outside any repository the working directory stands for the root', async () => {
    const dir = tempDir('policy-trim-config-norepo-');
    writeFileSync(join(dir, '.policy-trim.yml'), VALID);
    const loaded = await loadConfig({ cwd: dir });
    expect(loaded?.root).toBe(dir);
    expect(loaded?.file).toBe('.policy-trim.yml'); // inside the working directory: shown relative
  });

  it('--config FILE is read wherever it is; its root is its own repository', async () => {
    const { top, repo, deep } = repoTree({ 'repo/ci/policy-trim.yml': VALID });
    const loaded = await loadConfig({ cwd: deep, config: '../../ci/policy-trim.yml' });
    expect(loaded?.path).toBe(join(repo, 'ci', 'policy-trim.yml'));
    expect(loaded?.root).toBe(repo);
    expect(top).not.toBe(repo);
  });

  it('--config naming a missing file is an error naming it', async () => {
    const { deep } = repoTree();
    const e = await loadError(loadConfig({ cwd: deep, config: 'nope.yml' }));
    expect(e.code).toBe('config-not-found');
    expect(e.message).toContain('nope.yml');
    expect(e.exitCode).toBe(1);
  });

  it('a folder where the file should be is unreadable, not missing', async () => {
    const { repo, deep } = repoTree();
    mkdirSync(join(repo, '.policy-trim.yml'));
    expect((await loadError(loadConfig({ cwd: deep }))).code).toBe('config-unreadable');
  });

  it('.policy-trim.yaml alone is refused rather than silently ignored', async () => {
    const { deep } = repoTree({ 'repo/.policy-trim.yaml': VALID });
    const e = await loadError(loadConfig({ cwd: deep }));
    expect(e.code).toBe('config-misnamed');
    expect(e.hint).toContain('--config');
  });

  it('an invalid file is an error with every problem, named as found', async () => {
    const { deep } = repoTree({ 'repo/.policy-trim.yml': 'version: 1\nroles:\n  - rol: x\n' });
    const e = await loadError(loadConfig({ cwd: deep }));
    expect(e.code).toBe('config-invalid');
    expect(e.problems.map((p) => `${p.line}:${p.column}`)).toEqual(['3:5', '3:5']);
    expect(e.problems.map((p) => p.message)).toEqual(["missing required key 'role'", "unknown key 'rol'; did you mean 'role'?"]);
  });
});
