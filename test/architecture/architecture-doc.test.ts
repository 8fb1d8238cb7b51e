/**
 * docs/ARCHITECTURE.md stays true: every source file or folder it names exists, and it stays short.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const doc = readFileSync(join(ROOT, 'docs', 'ARCHITECTURE.md'), 'utf8');

/** Paths in backticks that look like files or folders of the repository (`core/trail/normalize.ts`, `data/cloudtrail/`). */
function namedPaths(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/`([a-z0-9._/-]+\/[a-z0-9._/-]*)`/gi)) {
    const p = m[1]!;
    if (/\.(ts|json|md)$/.test(p) || p.endsWith('/')) out.add(p);
  }
  return [...out].sort();
}

/** A named path exists at the repository root, or under src/ (the doc names source files from src/). */
function exists(p: string): boolean {
  return existsSync(join(ROOT, p)) || existsSync(join(ROOT, 'src', p));
}

describe('docs/ARCHITECTURE.md', () => {
  it('names only files and folders that exist', () => {
    const named = namedPaths(doc);
    expect(named.length).toBeGreaterThan(20);
    expect(named.filter((p) => !exists(p))).toEqual([]);
  });

  it('names files inside their room: a bare file name in a step resolves in the room the step is about', () => {
    // e.g. step 2 names `principal.ts` after `core/trail/normalize.ts`: it must be in core/trail/
    const bare = [...doc.matchAll(/`([a-z-]+\.ts)`/g)].map((m) => m[1]!);
    const rooms = ['core/trail', 'core/trail/extractors', 'core/usage', 'core/trim', 'core/policy', 'core/render', 'adapters/trail-decode', 'adapters/fs', 'adapters/aws', 'cli', 'core'];
    const missing = bare.filter((f) => !rooms.some((r) => existsSync(join(ROOT, 'src', r, f))));
    expect(missing).toEqual([]);
  });

  it('stays under two pages', () => {
    expect(doc.split('\n').length).toBeLessThan(120);
  });
});
