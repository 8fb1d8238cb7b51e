/**
 * Issue 9, item 8: the package installs without its dev dependencies, and ships no source map pointing at a
 * file it does not ship.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
  });

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

