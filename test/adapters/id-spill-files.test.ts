/**
 * The spill folder of the duplicate check (`adapters/fs/id-spill-files.ts`): what writers append comes back,
 * whole entries only, per partition, across the reader's chunk boundary and from several writers.
 */
import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createIdSpillDir, idSpillReader, idSpillWriter, removeIdSpillDir } from '../../src/adapters/fs/id-spill-files.js';
import { ENTRY_WORDS } from '../../src/core/usage/event-ids.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await removeIdSpillDir(dir);
  dir = undefined;
});

/** `n` entries whose words are `seed`, `seed + 1`, …: any lost, doubled or shifted word shows. */
function entries(n: number, seed: number): Uint32Array {
  return Uint32Array.from({ length: n * ENTRY_WORDS }, (_, i) => seed + i);
}

function concat(chunks: Iterable<Uint32Array>): number[] {
  const out: number[] = [];
  for (const c of chunks) {
    expect(c.length % ENTRY_WORDS).toBe(0);
    for (const w of c) out.push(w);
  }
  return out;
}

describe('id spill files', () => {
  it('gives back what each writer appended to a partition, in 1 MiB chunks of whole entries', async () => {
    dir = await createIdSpillDir();
    const big = entries(60_000, 1); // more than one chunk (52,428 entries)
    const a = idSpillWriter(dir, 'w1');
    const b = idSpillWriter(dir, 'w2');
    a.append(3, big.subarray(0, 30_000 * ENTRY_WORDS));
    b.append(3, entries(2, 9_000_000));
    a.append(3, big.subarray(30_000 * ENTRY_WORDS)); // appended to the same file
    a.append(5, entries(1, 7));
    const reader = idSpillReader(dir);
    const three = concat(reader.read(3));
    expect(three.length).toBe((60_000 + 2) * ENTRY_WORDS);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['w1-p3.ids', 'w1-p5.ids', 'w2-p3.ids']);
    // Every word once (the files come in folder order, so compare as multisets).
    expect(three.sort((x, y) => x - y)).toEqual([...big, ...entries(2, 9_000_000)].sort((x, y) => x - y));
    expect(concat(reader.read(5))).toEqual([...entries(1, 7)]);
    expect(concat(reader.read(0))).toEqual([]);
  });

  it('writes a subarray at an offset as its own bytes, not its buffer', async () => {
    dir = await createIdSpillDir();
    const all = entries(4, 100);
    idSpillWriter(dir, 'w').append(1, all.subarray(2 * ENTRY_WORDS, 3 * ENTRY_WORDS));
    expect(concat(idSpillReader(dir).read(1))).toEqual([...all.subarray(2 * ENTRY_WORDS, 3 * ENTRY_WORDS)]);
  });

  it('removes the folder', async () => {
    const d = await createIdSpillDir();
    idSpillWriter(d, 'w').append(0, entries(1, 1));
    await removeIdSpillDir(d);
    expect(() => readdirSync(d)).toThrow();
  });
});
