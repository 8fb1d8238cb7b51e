/**
 * Turns one downloaded log object into activity items. This is the seam to the shared local-file reader
 * (`src/adapters/fs/trail-reader.ts`): S3 objects must be read exactly like local files.
 * Until that reader lands, a minimal equivalent lives here (gzip stream + `{"Records":[...]}` / array / NDJSON).
 */
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { ActivityItem } from '../../core/ports/activity-source.js';

/** Reads a named stream of CloudTrail records (gzip detected by magic bytes) into items. */
export type ObjectReader = (name: string, body: Readable) => AsyncIterable<ActivityItem>;

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

/** Peeks at the first two bytes to tell gzip (1f 8b) from plain JSON, then streams through gunzip. */
async function decompressed(body: Readable): Promise<Buffer> {
  const it = body[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return Buffer.alloc(0);
  const head = Buffer.isBuffer(first.value) ? first.value : Buffer.from(first.value as Uint8Array);
  const rest = Readable.from(
    (async function* () {
      yield head;
      for (;;) {
        const n = await it.next();
        if (n.done) return;
        yield n.value;
      }
    })(),
  );
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return collect(rest.pipe(createGunzip()));
  return collect(rest);
}

/** The fallback reader (see the module comment). */
export const defaultObjectReader: ObjectReader = async function* (name, body) {
  let text: string;
  try {
    text = (await decompressed(body)).toString('utf8');
  } catch (e) {
    yield {
      kind: 'problem',
      problem: {
        code: 'gzip-truncated',
        message: `${name} could not be decompressed (${(e as Error).message}); its records were skipped. Check the object or re-download it.`,
        file: name,
      },
    };
    return;
  }
  let records: unknown[] | undefined;
  try {
    const v: unknown = JSON.parse(text);
    if (Array.isArray(v)) records = v;
    else if (v && typeof v === 'object' && Array.isArray((v as { Records?: unknown }).Records)) {
      records = (v as { Records: unknown[] }).Records;
    } else {
      yield {
        kind: 'problem',
        problem: { code: 'not-cloudtrail', message: `${name} is JSON but has no "Records" array; skipped.`, file: name },
      };
      return;
    }
  } catch {
    // NDJSON: one record per line.
    const lines = text.split('\n');
    let index = 0;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].trim();
      if (!line) continue;
      try {
        yield { kind: 'record', record: JSON.parse(line), source: { file: name, index, line: i + 1 } };
      } catch (e) {
        yield {
          kind: 'problem',
          problem: { code: 'not-json', message: `${name} line ${i + 1} is not JSON (${(e as Error).message}); skipped.`, file: name, position: `line ${i + 1}` },
        };
      }
      index++;
    }
    return;
  }
  for (let i = 0; i < records.length; i++) yield { kind: 'record', record: records[i], source: { file: name, index: i } };
};
