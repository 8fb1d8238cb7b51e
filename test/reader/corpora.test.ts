/**
 * Real public CloudTrail files (../shared/corpora, see its README for sources and licences) read without
 * throwing, with per-file record counts checked against an independent count made by Python's json module
 * (or, where Python is missing, by JSON.parse + zlib in the test itself).
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { readTrail } from '../../src/adapters/fs/trail-reader.js';
import { collect } from '../support/reader.js';

const CORPORA = resolve(fileURLToPath(new URL('../../', import.meta.url)), '../shared/corpora');
const have = existsSync(CORPORA);

/** Independent count per file: number of records, or 'invalid' when the file is not valid JSON. */
function independentCounts(dir: string): Record<string, number | 'invalid'> {
  const files = readdirSync(dir)
    .filter((f) => /\.json(\.gz)?$/.test(f))
    .map((f) => join(dir, f));
  const script = `
import json, gzip, sys
out = {}
for f in sys.argv[1:]:
    raw = open(f, 'rb').read()
    if raw[:2] == b'\\x1f\\x8b': raw = gzip.decompress(raw)
    try:
        j = json.loads(raw)
    except Exception:
        out[f] = 'invalid'; continue
    out[f] = len(j['Records']) if isinstance(j, dict) and 'Records' in j else (len(j) if isinstance(j, list) else 1)
print(json.dumps(out))
`;
  try {
    return JSON.parse(execFileSync('python3', ['-c', script, ...files], { encoding: 'utf8' })) as Record<string, number | 'invalid'>;
  } catch {
    const out: Record<string, number | 'invalid'> = {};
    for (const f of files) {
      let raw = readFileSync(f);
      if (raw[0] === 0x1f && raw[1] === 0x8b) raw = gunzipSync(raw);
      try {
        const j = JSON.parse(raw.toString('utf8')) as unknown;
        out[f] = Array.isArray(j) ? j.length : Array.isArray((j as { Records?: unknown[] }).Records) ? (j as { Records: unknown[] }).Records.length : 1;
      } catch {
        out[f] = 'invalid';
      }
    }
    return out;
  }
}

describe.skipIf(!have)('real CloudTrail corpora', () => {
  it.each(['trailscraper', 'stratus-red-team', 'aws-cloudtrail-processing-library'])(
    '%s: every file read, counts match an independent count',
    async (name) => {
      const dir = join(CORPORA, name);
      const expected = independentCounts(dir);
      const read = readTrail([dir]);
      const got = await collect(read);
      const perFile: Record<string, number> = {};
      for (const r of got.records) perFile[r.source.file] = (perFile[r.source.file] ?? 0) + 1;
      const invalid = Object.keys(expected).filter((f) => expected[f] === 'invalid');
      for (const [file, n] of Object.entries(expected)) {
        if (n === 'invalid') expect(perFile[file], file).toBeUndefined();
        else expect(perFile[file] ?? 0, file).toBe(n);
      }
      // Each invalid file is reported once, by name, with a position; nothing else is a problem.
      expect(got.problems.map((p) => p.file).sort()).toEqual(invalid.sort());
      for (const p of got.problems) {
        expect(p.code).toBe('not-json');
        expect(p.position).toMatch(/^line \d+, column \d+$/);
      }
      expect(read.stats.filesRead).toBe(Object.keys(expected).length);
      expect(read.stats.records).toBe(Object.values(expected).reduce<number>((s, n) => s + (n === 'invalid' ? 0 : n), 0));
    },
  );

  it('the broken file of the AWS processing library is reported at its real error position', async () => {
    const file = join(CORPORA, 'aws-cloudtrail-processing-library', 'SerializerTestFileBadJsonFormat.json');
    const got = await collect(readTrail([file]));
    // Python reports "line 37 column 9" for this file.
    expect(got.problems).toEqual([expect.objectContaining({ code: 'not-json', file, position: 'line 37, column 9' })]);
  });

  it('the delivered trailscraper log reads the same plain and gzipped', async () => {
    const base = join(CORPORA, 'trailscraper', '111111111111_CloudTrail_eu-central-1_20171211T1505Z_A6kvhMoVeCsc7v8U.json');
    const plain = await collect(readTrail([base]));
    const gz = await collect(readTrail([`${base}.gz`]));
    expect(plain.records.length).toBeGreaterThan(0);
    expect(gz.records.map((r) => r.record)).toEqual(plain.records.map((r) => r.record));
  });
});
