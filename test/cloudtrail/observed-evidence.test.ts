/**
 * data/cloudtrail/observed.json is exactly what scripts/corpus-evidence.mjs extracts from the real CloudTrail
 * corpora in ../shared/corpora (outside the repository, absent on a clean clone: then these tests are skipped),
 * and every record it cites exists, in the cited file, as a management event of the cited name.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readDataText } from '../../src/adapters/fs/bundled-data.js';
import { loadBundledNormalizer } from '../../src/adapters/fs/bundled-mapping.js';
import type { Normalizer } from '../../src/core/trail/normalize.js';

/** Repo root's sibling `../shared/corpora`. */
const CORPORA = fileURLToPath(new URL('../../../shared/corpora/', import.meta.url));
const present = existsSync(CORPORA);
if (!present) console.warn(`observed-evidence: ${CORPORA} is absent; skipping the corpus evidence checks`);

interface Evidence {
  action: string;
  file: string;
  eventID: string;
  eventName: string;
}
interface ObservedDoc {
  _about: string;
  corpora: string;
  actions: Evidence[];
}
/** The script's exports used here (it is plain ESM without type declarations). */
interface ScriptModule {
  extractEvidence(dir: string, normalize: Normalizer, events: unknown): { doc: ObservedDoc; skipped: string[] };
  render(doc: ObservedDoc): string;
  parseRecords(buf: Buffer, name: string): Record<string, unknown>[] | undefined;
}

// Imported through a computed URL so the type checker does not look for declarations of the .mjs file.
const scriptUrl = pathToFileURL(fileURLToPath(new URL('../../scripts/corpus-evidence.mjs', import.meta.url))).href;
const script = (await import(scriptUrl)) as ScriptModule;

const committedText = readDataText('cloudtrail/observed.json');
const committed = JSON.parse(committedText) as ObservedDoc;

describe.skipIf(!present)('observed.json from ../shared/corpora', () => {
  const events = JSON.parse(readDataText('cloudtrail/events.json')) as unknown;
  const fresh = present ? script.extractEvidence(CORPORA, loadBundledNormalizer(), events) : undefined;

  it('the committed file equals a fresh extraction, byte for byte', () => {
    expect(fresh!.doc.actions.length).toBeGreaterThan(20);
    expect(script.render(fresh!.doc)).toBe(committedText);
  });

  it('only files without JSON records were skipped (licences, READMEs, the deliberately broken test file)', () => {
    for (const f of fresh!.skipped) expect(f, f).toMatch(/(LICENSE|NOTICE|README|BadJsonFormat)/);
  });

  it('every cited eventID exists in the cited file, as a management event with the cited eventName', () => {
    for (const e of committed.actions) {
      const recs = script.parseRecords(readFileSync(join(CORPORA, e.file)), e.file);
      expect(recs, e.file).toBeDefined();
      const rec = recs!.find((r) => r.eventID === e.eventID);
      expect(rec, `${e.action}: ${e.eventID} in ${e.file}`).toBeDefined();
      expect(rec!.eventName, e.action).toBe(e.eventName);
      expect(rec!.eventCategory === 'Management' || rec!.managementEvent === true || rec!.eventCategory === undefined, e.action).toBe(true);
      expect((rec!.userIdentity as { type?: string } | undefined)?.type, e.action).not.toBe('AWSService');
    }
  });
});

describe('observed.json shape (no corpora needed)', () => {
  it('is sorted by action, one entry per action, each with a file, an eventID and an eventName', () => {
    expect(committed._about).toMatch(/scripts\/corpus-evidence\.mjs/);
    expect(committed.corpora).toMatch(/stratus-red-team/);
    const ids = committed.actions.map((a) => a.action);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids.map((a) => a.toLowerCase())).size).toBe(ids.length);
    for (const e of committed.actions) {
      expect(Object.keys(e).sort()).toEqual(['action', 'eventID', 'eventName', 'file']);
      expect(e.action).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
      expect(e.file).toMatch(/^[a-z0-9-]+\/[^/]+\.json(\.gz)?$/);
      expect(e.eventID.length).toBeGreaterThan(10);
    }
  });

  it('a known case: iam:CreateUser is proven by the stratus-red-team create-admin-user detonation', () => {
    expect(committed.actions.find((a) => a.action === 'iam:CreateUser')).toMatchObject({
      file: 'stratus-red-team/aws.persistence.iam-create-admin-user.json',
      eventName: 'CreateUser',
    });
  });
});
