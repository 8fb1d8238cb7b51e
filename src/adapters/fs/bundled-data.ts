/**
 * Reads the data files shipped in the package's `data/` directory (the generated IAM catalog and the
 * hand-kept CloudTrail tables). Synchronous on purpose: the catalog is needed before anything else runs and
 * loading it takes tens of milliseconds. A missing or damaged file is a {@link BundledDataError}: the
 * installation, which the user can fix by reinstalling, not their input.
 */

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCatalogFromText } from '../../core/catalog/catalog.js';
import { BUNDLED_DATA_HINT, BundledDataError } from '../../core/errors.js';
import type { Catalog } from '../../core/catalog/types.js';

/** How many directory levels to climb from this module looking for `data/iam/catalog.json`
 * (src/adapters/fs or dist/adapters/fs → repo root is 3; a bundled single file may sit elsewhere). */
const MAX_LEVELS_UP = 6;

let cachedDataDir: string | undefined;

/**
 * Absolute path of the package's `data/` directory, found relative to this module (works from `src/` under
 * vitest and from `dist/` at run time). `POLICY_TRIM_DATA_DIR` overrides it (tests, custom builds).
 */
export function dataDir(): string {
  const override = process.env.POLICY_TRIM_DATA_DIR;
  if (override) return override;
  if (cachedDataDir) return cachedDataDir;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i <= MAX_LEVELS_UP; i++) {
    const candidate = join(dir, 'data');
    if (existsSync(join(candidate, 'iam', 'catalog.json'))) {
      cachedDataDir = candidate;
      return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new BundledDataError(
    `cannot find its bundled data directory (data/iam/catalog.json) above ${fileURLToPath(import.meta.url)}; ` +
      'the installation is incomplete: reinstall the package, or set POLICY_TRIM_DATA_DIR to a data/ directory',
    { hint: `${BUNDLED_DATA_HINT} A custom build can point POLICY_TRIM_DATA_DIR at its data/ directory.` },
  );
}

/** Reads one file under `data/` as UTF-8 text; errors name the file and what to do. */
export function readDataText(relPath: string): string {
  const file = join(dataDir(), relPath);
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new BundledDataError(`cannot read bundled data file ${file}: ${(e as Error).message}; reinstall the package`, { cause: e });
  }
}

/** Reads and parses one JSON file under `data/` (e.g. `cloudtrail/events.json`); errors name the file. */
export function readDataJson(relPath: string): unknown {
  const file = join(dataDir(), relPath);
  const text = readDataText(relPath);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BundledDataError(`bundled data file ${file} is not valid JSON (${(e as Error).message}); reinstall the package`, { cause: e });
  }
}

let cachedCatalog: Catalog | undefined;

/**
 * The bundled IAM catalog, loaded once per process (synchronous, cached). Services are parsed on first
 * use (createCatalogFromText), so start-up costs reading ~2.4 MB, not parsing it.
 */
export function loadBundledCatalog(): Catalog {
  if (!cachedCatalog) {
    cachedCatalog = createCatalogFromText(readDataText('iam/catalog.json'), readDataText('iam/operations.json'));
  }
  return cachedCatalog;
}

/** The version of the installed policy-trim: the package.json beside the bundled `data/`. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(dataDir(), '..', 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}
