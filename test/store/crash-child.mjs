// Child process of crash.test.ts: over and over until it is killed, adds one more delivered file to the trail (a
// copy of an earlier one under a later name: its events are all counted already), reads the trail through the
// usage store, and every other round prunes the store. Segments of 2 entries, so that a kill lands between
// segment writes, renames and removals as well as in the middle of them.
import { copyFileSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { loadBundledNormalizer } from '../../dist/adapters/fs/bundled-mapping.js';
import { UsageStore } from '../../dist/adapters/fs/usage-store.js';
import { readLocalThroughStore } from '../../dist/adapters/fs/usage-store-local.js';
import { ActivityTally } from '../../dist/core/usage/tally.js';

const [trail, day, storeDir, fingerprint, since, until] = process.argv.slice(2);
const window = { since: new Date(since), until: new Date(until) };
for (let round = 0; ; round++) {
  const files = readdirSync(join(trail, day)).filter((f) => f.endsWith('.json.gz')).sort();
  const copy = `${files[0].replace(/_[^_]+\.json\.gz$/, '')}_zz${process.pid}r${round}.json.gz`;
  copyFileSync(join(trail, day, files[0]), join(trail, '..', copy));
  renameSync(join(trail, '..', copy), join(trail, day, copy));
  const store = UsageStore.open(storeDir, fingerprint, { entriesPerSegment: 2 });
  const tally = new ActivityTally(loadBundledNormalizer());
  await readLocalThroughStore(tally, [trail], window, store, loadBundledNormalizer());
  store.flush();
  if (round % 2 === 1) store.prune();
  process.stdout.write(`round ${round}\n`);
}
