/**
 * Issue 9, item 8: the package installs without its dev dependencies, and ships no source map pointing at a
 * file it does not ship.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

describe('npm lifecycle', () => {
  it('`prepare` succeeds where typescript is not installed (npm ci --omit=dev)', () => {
    // Given the package's scripts in a folder without node_modules (what --omit=dev leaves: no typescript)
    const dir = mkdtempSync(join(tmpdir(), 'policy-trim-prepare-'));
    made.push(dir);
    mkdirSync(join(dir, 'scripts'));
    for (const f of ['package.json', 'tsconfig.json', 'scripts/prepare.mjs']) copyFileSync(join(ROOT, f), join(dir, f));
    // When npm runs the prepare script
    const run = spawnSync('npm', ['run', 'prepare'], { cwd: dir, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
    // Then it succeeds and says why nothing was built
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/typescript is not installed/);
  }, 30_000);

  /** The package's scripts in `dir`, and a stand-in `typescript/bin/tsc` in `modules` that records its arguments. */
  function packageWithTsc(dir: string, modules: string | undefined): string {
    mkdirSync(join(dir, 'scripts'), { recursive: true });
    for (const f of ['package.json', 'tsconfig.json', 'scripts/prepare.mjs']) copyFileSync(join(ROOT, f), join(dir, f));
    const marker = join(dir, 'tsc-ran.txt');
    if (modules) {
      mkdirSync(join(modules, 'typescript', 'bin'), { recursive: true });
      writeFileSync(join(modules, 'typescript', 'package.json'), JSON.stringify({ name: 'typescript', version: '0.0.0-stand-in' }));
      const tsc = join(modules, 'typescript', 'bin', 'tsc');
      writeFileSync(tsc, `require('node:fs').writeFileSync(process.cwd() + '/tsc-ran.txt', process.argv.slice(2).join(' '));\n`);
      chmodSync(tsc, 0o755);
    }
    return marker;
  }

  it('`prepare` does not build with a typescript outside the package (a node_modules in a folder above it)', () => {
    // Given the package without node_modules, in a folder whose parent holds a typescript (a stray
    // /tmp/node_modules, ~/node_modules: found by Node's upward lookup, of any version)
    const outer = mkdtempSync(join(tmpdir(), 'policy-trim-prepare-outer-'));
    made.push(outer);
    const dir = join(outer, 'pkg');
    const marker = packageWithTsc(dir, join(outer, 'node_modules'));
    // When npm runs the prepare script
    const run = spawnSync('npm', ['run', 'prepare'], { cwd: dir, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
    // Then that compiler is not run: the package has none of its own, so nothing is built
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/typescript is not installed/);
    expect(existsSync(marker)).toBe(false);
  }, 30_000);

  it("`prepare` builds with the package's own typescript (npm ci)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'policy-trim-prepare-own-'));
    made.push(dir);
    const marker = packageWithTsc(dir, join(dir, 'node_modules'));
    const run = spawnSync('npm', ['run', 'prepare'], { cwd: dir, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
    expect(run.status, run.stderr).toBe(0);
    expect(readFileSync(marker, 'utf8')).toBe('-p tsconfig.json');
  }, 30_000);

  it('the packed files hold no source map whose sources are not packed', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const files = new Set((JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path));
    const missing: string[] = [];
    for (const f of files) {
      if (!f.endsWith('.map')) continue;
      const map = JSON.parse(readFileSync(join(ROOT, f), 'utf8')) as { sources: string[]; sourcesContent?: unknown[] };
      for (const s of map.sources) {
        const target = posix.normalize(posix.join(posix.dirname(f), s));
        if (!files.has(target) && !map.sourcesContent) missing.push(`${f} → ${target}`);
      }
    }
    expect(missing).toEqual([]);
    // And what the package runs is there
    expect(files.has('bin/policy-trim')).toBe(true);
    expect([...files].some((f) => f.startsWith('dist/cli/main.js'))).toBe(true);
  });
});

