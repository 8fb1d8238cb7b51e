/**
 * Finding and reading `.policy-trim.yml`: `--config FILE` when given (a missing file is an error naming it),
 * else the file at the repository root — the git top level of the working directory, found by walking up to
 * a `.git` entry (a folder, or the file a worktree or submodule has), so no git process is needed. Outside a
 * repository the working directory stands for the root. No file there is no configuration, not an error.
 */
import { stat, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError } from '../../core/config/errors.js';
import { parseConfig } from '../../core/config/parse.js';
import type { ParsedConfig } from '../../core/config/types.js';

/** The file's name at the repository root. */
export const CONFIG_FILE_NAME = '.policy-trim.yml';

/** Names a person may have used instead: found without the real one, they are an error rather than ignored. */
const NEAR_MISSES = ['.policy-trim.yaml', 'policy-trim.yml', '.policy-trim.yml.yml'];

/** A configuration read from disk. */
export interface LoadedConfig extends ParsedConfig {
  /** Absolute path of the file. */
  path: string;
  /** The repository root: paths in the file are relative to it. */
  root: string;
}

/** Where to look. */
export interface LoadConfigOptions {
  /** The working directory (the process's in the CLI). */
  cwd: string;
  /** `--config FILE`, relative to `cwd` or absolute. */
  config?: string;
  /** Today, for the expiry of acknowledgements. */
  now?: Date;
}

/** The nearest folder at or above `start` holding a `.git` entry, or undefined outside any repository. */
export async function findRepositoryRoot(start: string): Promise<string | undefined> {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (await exists(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The configuration for a run: from `--config FILE`, else `.policy-trim.yml` at the repository root, else
 * undefined. Throws ConfigError when the named file is missing or unreadable, when only a near-miss name
 * exists at the root, or when the file is invalid (every problem listed).
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig | undefined> {
  if (options.config !== undefined) {
    const path = resolve(options.cwd, options.config);
    const root = (await findRepositoryRoot(dirname(path))) ?? dirname(path);
    const text = await readConfigText(path, options.config, true);
    return text === undefined ? undefined : parsed(text, path, root, options);
  }
  const root = (await findRepositoryRoot(options.cwd)) ?? resolve(options.cwd);
  const path = join(root, CONFIG_FILE_NAME);
  const text = await readConfigText(path, shown(path, options.cwd), false);
  if (text === undefined) {
    await refuseNearMiss(root, options.cwd);
    return undefined;
  }
  return parsed(text, path, root, options);
}

function parsed(text: string, path: string, root: string, options: LoadConfigOptions): LoadedConfig {
  const result = parseConfig(text, shown(path, options.cwd), options.now ? { now: options.now } : {});
  return { ...result, path, root };
}

/** A path as messages show it: relative to the working directory when inside it, else absolute. */
function shown(path: string, cwd: string): string {
  const rel = relative(resolve(cwd), path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/** The file's text; undefined when it does not exist and was not asked for by name. */
async function readConfigText(path: string, name: string, named: boolean): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !named) return undefined;
    if (code === 'ENOENT') {
      throw new ConfigError({ code: 'config-not-found', file: name, message: 'no such file (named by --config)', hint: 'Check the path given to --config, or leave --config out to use .policy-trim.yml at the repository root.' });
    }
    throw new ConfigError({ code: 'config-unreadable', file: name, message: `cannot read the configuration: ${code ?? (e as Error).message}`, hint: 'Give a readable file.', cause: e });
  }
}

/** `.policy-trim.yaml` beside no `.policy-trim.yml` was surely meant to be read: say so instead of ignoring it. */
async function refuseNearMiss(root: string, cwd: string): Promise<void> {
  for (const name of NEAR_MISSES) {
    const path = join(root, name);
    if (await exists(path)) {
      throw new ConfigError({
        code: 'config-misnamed',
        file: shown(path, cwd),
        message: `policy-trim reads ${CONFIG_FILE_NAME}, not ${name}`,
        hint: `Rename it to ${CONFIG_FILE_NAME}, or name it with --config ${name}.`,
      });
    }
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
