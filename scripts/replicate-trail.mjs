#!/usr/bin/env node
// `node scripts/replicate-trail.mjs SRC DEST K`: writes K copies of the trail folder SRC under DEST/copy1 … copyK,
// each record's `eventID` prefixed with `cK-` so that every copy holds new events making the same calls. The
// benchmark control for "memory flat in the number of records" (docs/BENCHMARKS.md, "drift over a fleet"): K
// copies multiply the records while distinct (role, action, resource) usage stays exactly the same. Copies that
// already exist are kept (so 8 copies reuse the first 4).

import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (name.endsWith('.json.gz')) yield p;
  }
}

const [src, dest, k] = process.argv.slice(2);
const copies = Number(k);
if (!src || !dest || !Number.isInteger(copies) || copies < 1) {
  process.stderr.write('usage: node scripts/replicate-trail.mjs SRC DEST K\n');
  process.exit(2);
}
const list = [...files(src)];
for (let c = 1; c <= copies; c++) {
  const root = join(dest, `copy${c}`);
  if (existsSync(root)) continue;
  for (const f of list) {
    const out = join(root, relative(src, f));
    mkdirSync(dirname(out), { recursive: true });
    const text = gunzipSync(readFileSync(f)).toString('utf8').replaceAll('"eventID":"', `"eventID":"c${c}-`);
    writeFileSync(out, gzipSync(text, { level: 1 }));
  }
  process.stderr.write(`replicate-trail: ${root} (${list.length} files)\n`);
}
