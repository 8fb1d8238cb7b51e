/**
 * Where the usage store lives by default, and the fingerprint that keys its entries to this version of the tool.
 *
 * The folder: `usage-store` under the user's cache directory as the platform names it (`env-paths`):
 * `$XDG_CACHE_HOME/policy-trim` or `~/.cache/policy-trim` on Linux, `~/Library/Caches/policy-trim` on macOS,
 * `%LOCALAPPDATA%\policy-trim\Cache` on Windows. A cache: deleting it costs one full re-read, nothing else.
 *
 * The fingerprint: an entry is what the normalizer, the catalog and the tables made of an object's records, so
 * another version of any of them may count the same bytes differently. It is the SHA-256 of the package version,
 * every file of the bundled `data/`, and the code of the rooms that turn a record into counts (`core/trail`,
 * `core/usage`, `core/catalog`, `core/store`), so an edited build never uses entries an older one wrote.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import envPaths from 'env-paths';
import { dataDir, packageVersion } from './bundled-data.js';

/** The default folder of the usage store (see the module comment). */
export function defaultStoreDir(): string {
  return join(envPaths('policy-trim', { suffix: '' }).cache, 'usage-store');
}

/** The rooms whose code decides what an entry holds (relative to `src/` or `dist/`). */
const MAPPING_ROOMS = ['core/trail', 'core/usage', 'core/catalog', 'core/store'];

let cached: string | undefined;

/** The fingerprint of this version of the tool (see the module comment); computed once per process. */
export function toolFingerprint(): string {
  if (cached) return cached;
  const hash = createHash('sha256').update(`policy-trim ${packageVersion()}\n`);
  const data = dataDir();
  for (const file of filesUnder(data)) hash.update(`data/${relative(data, file)}\n`).update(readFileSync(file));
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  for (const room of MAPPING_ROOMS) {
    for (const file of filesUnder(join(root, room)).filter((f) => /\.(js|ts)$/.test(f) && !f.endsWith('.d.ts'))) {
      hash.update(`${relative(root, file)}\n`).update(readFileSync(file));
    }
  }
  cached = hash.digest('hex').slice(0, 32);
  return cached;
}

/** Every file under `dir`, sorted (a folder that does not exist has none). */
function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => join(d.parentPath, d.name))
      .sort();
  } catch {
    return [];
  }
}
