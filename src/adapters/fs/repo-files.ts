/**
 * The files of a repository for `policy-trim pr --discover`: what git tracks or would track (`git ls-files`:
 * ignored files such as `.terraform/` and `node_modules/` stay out), or, outside a git repository, a walk of
 * the folder that skips the usual vendored and generated folders. Only the files a caller selects are read,
 * and none larger than a limit: a scan never reads a state file or a bundle whole.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { runGit } from '../git/run.js';

/** Folders a walk never enters (a git repository's ignore rules do this job there). */
const SKIPPED_FOLDERS = new Set(['.git', 'node_modules', '.terraform', '.serverless', '.aws-sam', 'cdk.out', 'dist', 'build', 'vendor']);

/** Files larger than this are not read: infrastructure code is small; state files and bundles are not. */
export const MAX_SCANNED_FILE_BYTES = 2 * 1024 * 1024;

/** A file read for a scan. */
export interface ScannedFile {
  /** Relative to the root, with `/`. */
  path: string;
  text: string;
}

/** What {@link readRepositoryFiles} found. */
export interface RepositoryFiles {
  files: ScannedFile[];
  /** Selected files not read, and why (too large, unreadable). */
  skipped: { path: string; reason: string }[];
  /** `git` when the list came from git, `walk` otherwise. */
  listedBy: 'git' | 'walk';
}

/** The repository's file paths (relative, `/`), from git when `root` is in a work tree, else by a walk. */
export async function listRepositoryFiles(root: string): Promise<{ paths: string[]; listedBy: 'git' | 'walk' }> {
  const out = await runGit({ cwd: root, remote: 'origin' }, ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { okExitCodes: [128] }).catch(() => undefined);
  if (out && out.exitCode === 0) return { paths: [...new Set(out.stdout.split('\0').filter(Boolean))].sort(), listedBy: 'git' };
  return { paths: (await walk(root, root)).sort(), listedBy: 'walk' };
}

async function walk(root: string, dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory() && !SKIPPED_FOLDERS.has(e.name)) out.push(...(await walk(root, full)));
    else if (e.isFile()) out.push(relative(root, full).split(sep).join('/'));
  }
  return out;
}

/** Reads the files of the repository at `root` that `select` accepts (by path), each up to the size limit. */
export async function readRepositoryFiles(root: string, select: (path: string) => boolean): Promise<RepositoryFiles> {
  const { paths, listedBy } = await listRepositoryFiles(root);
  const files: ScannedFile[] = [];
  const skipped: RepositoryFiles['skipped'] = [];
  for (const path of paths.filter(select)) {
    const full = join(root, ...path.split('/'));
    const size = await stat(full).then((s) => (s.isFile() ? s.size : -1), () => -1);
    if (size < 0) continue; // deleted from the work tree but still in the index: nothing to read
    if (size > MAX_SCANNED_FILE_BYTES) {
      skipped.push({ path, reason: `larger than ${MAX_SCANNED_FILE_BYTES / 1024 / 1024} MiB` });
      continue;
    }
    try {
      files.push({ path, text: await readFile(full, 'utf8') });
    } catch (e) {
      skipped.push({ path, reason: `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
    }
  }
  return { files, skipped, listedBy };
}
