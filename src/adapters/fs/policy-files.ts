/**
 * Read `--policy FILE...` arguments: files or directories (recursive) of `.json`, `.yaml`, `.yml` policy
 * documents, or of AWS CLI output (`get-role-policy`, `get-policy-version`). Parsing is the core's
 * (`parsePolicyFileContent`); this adapter only reads files and names them in errors.
 */

import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { PolicyError } from '../../core/policy/errors.js';
import { parseJsonPolicyFileContent, YamlNeeded } from '../../core/policy/parse-json.js';
import type { ParseOptions } from '../../core/policy/parse-document.js';
import type { PolicyDocument } from '../../core/policy/types.js';

/** File extensions read from directories (files named explicitly are read whatever their extension). */
export const POLICY_FILE_EXTENSIONS = ['.json', '.yaml', '.yml'];

/** A file that could not be read or parsed. */
export interface PolicyFileProblem {
  file: string;
  /** `PolicyError` code, or `unreadable` / `not-found` / `empty-directory`. */
  code: string;
  message: string;
}

/** Documents read, and the problems of the files that could not be (the others are still read). */
export interface PolicyFilesResult {
  documents: PolicyDocument[];
  problems: PolicyFileProblem[];
  /** Files read, in order. */
  files: string[];
}

/**
 * Read policy documents from files and directories. Directories are walked recursively in sorted order so the
 * result is deterministic; each document is named by its path (plus `#PolicyName` for get-role-policy output).
 * Bad files are reported in `problems`, never dropped silently.
 */
export async function readPolicyFiles(paths: string[]): Promise<PolicyFilesResult> {
  const result: PolicyFilesResult = { documents: [], problems: [], files: [] };
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (e) {
      result.problems.push({ file: path, code: 'not-found', message: `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check the --policy path` });
      continue;
    }
    if (info.isDirectory()) {
      const files = await listPolicyFiles(path);
      if (files.length === 0) {
        result.problems.push({ file: path, code: 'empty-directory', message: `${path}: no .json, .yaml or .yml files in this directory; point --policy at the policy files` });
      }
      for (const f of files) await readOne(f, result);
    } else {
      await readOne(path, result);
    }
  }
  return result;
}

async function listPolicyFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listPolicyFiles(full)));
    else if (e.isFile() && POLICY_FILE_EXTENSIONS.includes(extname(e.name).toLowerCase())) out.push(full);
  }
  return out;
}

async function readOne(file: string, result: PolicyFilesResult): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    result.problems.push({ file, code: 'unreadable', message: `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
    return;
  }
  result.files.push(file);
  const ext = extname(file).toLowerCase();
  const format = ext === '.json' ? 'json' : ext === '.yaml' || ext === '.yml' ? 'yaml' : undefined;
  try {
    result.documents.push(await parseFileContent(text, file, { format, kind: 'file' }));
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    result.problems.push({ file, code: e.code, message: e.message });
  }
}

/**
 * The core's `parsePolicyFileContent`; the `yaml` package (and `core/policy/parse.ts`) is loaded only for a file
 * that needs it, so reading JSON files never loads it (~0.05 s of `suggest`'s start-up; docs/BENCHMARKS.md).
 */
async function parseFileContent(text: string, file: string, options: ParseOptions): Promise<PolicyDocument> {
  try {
    return parseJsonPolicyFileContent(text, file, options);
  } catch (e) {
    if (!(e instanceof YamlNeeded)) throw e;
  }
  const { parsePolicyFileContent } = await import('../../core/policy/parse.js');
  return parsePolicyFileContent(text, file, options);
}
