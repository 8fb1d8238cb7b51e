/**
 * The house rules of src/, read from the code itself: no import cycle anywhere, and the layering
 * `cli → adapters → core` with nothing running back up. The core is pure: it reads no files, and neither
 * touches the process nor prints.
 *
 * Imports are read with TypeScript's own pre-processor (type-only imports count: a cycle through a type is
 * still a knot a reader has to untie) and resolved by a small resolver over relative specifiers.
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');
const SRC = join(ROOT, 'src');

/** Every .ts file under `dir`, as paths relative to the repository root with `/` separators. */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(full));
    else if (e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(posix(full));
  }
  return out.sort();
}

function posix(absolute: string): string {
  return relative(ROOT, absolute).split(sep).join('/');
}

/** The specifiers a file imports or re-exports, static or dynamic. */
function specifiers(file: string): string[] {
  return ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true).importedFiles.map((f) => f.fileName);
}

/**
 * The file a relative specifier names (`./x.js` → `x.ts`, `./dir` → `dir/index.ts`), or undefined for a
 * package or a Node built-in. Throws on a relative specifier that names no file, so a typo cannot hide an edge.
 */
function resolveRelative(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = join(ROOT, dirname(from), spec);
  const candidates = [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, join(base, 'index.ts')];
  const hit = candidates.find((c) => c.endsWith('.ts') && existsSync(c));
  if (!hit) throw new Error(`${from}: cannot resolve import ${JSON.stringify(spec)}`);
  return posix(hit);
}

interface ImportGraph {
  /** file → the src files it imports. */
  edges: Map<string, string[]>;
  /** file → the packages and built-ins it imports. */
  external: Map<string, string[]>;
}

function importGraph(): ImportGraph {
  const edges = new Map<string, string[]>();
  const external = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const local: string[] = [];
    const other: string[] = [];
    for (const spec of specifiers(file)) {
      const target = resolveRelative(file, spec);
      if (target) local.push(target);
      else other.push(spec);
    }
    edges.set(file, [...new Set(local)]);
    external.set(file, [...new Set(other)]);
  }
  return { edges, external };
}

/** The strongly connected components with more than one file, or one file importing itself (Tarjan). */
function cycles(edges: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (edges.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** Uses of the globals `process` and `console` in a file (not property names such as `x.process`). */
function globalUses(file: string, names: readonly string[], text = readFileSync(join(ROOT, file), 'utf8')): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const hits: string[] = [];
  const walk = (node: ts.Node): void => {
    if (ts.isIdentifier(node) && names.includes(node.text)) {
      const parent = node.parent;
      const isPropertyName =
        (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
        ((ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent)) && parent.name === node);
      if (!isPropertyName) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart());
        hits.push(`${file}:${line + 1}: ${node.text}`);
      }
    }
    ts.forEachChild(node, walk);
  };
  walk(source);
  return hits;
}

/** Cycles allowed to exist: none. A new one is broken by moving the shared type to a module both can import. */
const KNOWN_CYCLES: string[][] = [];

const graph = importGraph();
const files = [...graph.edges.keys()];
const under = (folder: string) => files.filter((f) => f.startsWith(`src/${folder}/`));

describe('src/ imports', () => {
  it('reads a graph of every source file', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(graph.edges.get('src/cli/main.ts')).toContain('src/cli/commands/render.ts');
  });

  it('have no cycle other than the known ones', () => {
    const key = (c: string[]) => c.join(' ↔ ');
    const known = KNOWN_CYCLES.map(key);
    expect(cycles(graph.edges).map(key).filter((c) => !known.includes(c)), 'a new import cycle: break it').toEqual([]);
  });

  it('the cycle finder sees a cycle through a type-only import (checked on a made-up graph)', () => {
    const made = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['d']],
      ['e', ['a']],
    ]);
    expect(cycles(made)).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('the core imports neither the adapters nor the CLI', () => {
    const bad = under('core').flatMap((f) => graph.edges.get(f)!.filter((t) => !t.startsWith('src/core/')).map((t) => `${f} → ${t}`));
    expect(bad).toEqual([]);
  });

  it('the adapters do not import the CLI', () => {
    const bad = under('adapters').flatMap((f) => graph.edges.get(f)!.filter((t) => t.startsWith('src/cli/')).map((t) => `${f} → ${t}`));
    expect(bad).toEqual([]);
  });

  it('the core reads no files and does not touch the process', () => {
    const forbidden = /^(node:)?(fs|fs\/promises|process|child_process|worker_threads)$/;
    const bad = under('core').flatMap((f) => graph.external.get(f)!.filter((s) => forbidden.test(s)).map((s) => `${f} → ${s}`));
    expect(bad).toEqual([]);
  });

  it('the core neither uses `process` nor prints with `console`', () => {
    expect(under('core').flatMap((f) => globalUses(f, ['process', 'console']))).toEqual([]);
  });

  it('the global-use finder sees `process.env` and `console.log`, not a property named process', () => {
    const text = 'const a = { process: 1 };\na.process;\nconsole.log(process.env.X);\n';
    expect(globalUses('x.ts', ['process', 'console'], text)).toEqual(['x.ts:3: console', 'x.ts:3: process']);
  });
});
