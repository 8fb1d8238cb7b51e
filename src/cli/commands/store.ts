/**
 * `policy-trim store info` and `policy-trim store prune`: what the usage store holds (`docs/usage-store.md`), and
 * dropping what no run will use again (entries of another version of the tool, objects stored again since,
 * damaged segments, leftovers of killed runs; with `--older-than DAYS`, objects whose records are all older).
 */
import type { Argv } from 'yargs';
import { UsageStore, type UsageStoreInfo } from '../../adapters/fs/usage-store.js';
import { defaultStoreDir, toolFingerprint } from '../../adapters/fs/usage-store-location.js';
import { DAY_MS } from '../../core/usage/time-window.js';
import { forTerminal } from '../../core/render/escape.js';
import { EXIT, usageError } from '../errors.js';
import type { CliIo } from '../io.js';
import type { CommandModule } from '../command.js';

export const storeCommand: CommandModule = {
  command: 'store <what>',
  describe: 'The usage store: `store info` (what it holds, where), `store prune` (drop what no run will use)',
  builder: (y: Argv) =>
    y
      .positional('what', { choices: ['info', 'prune'] as const, describe: 'info | prune' })
      .option('store', { type: 'string', describe: 'The store folder (default: usage-store under the user cache folder)' })
      .option('older-than', { type: 'number', describe: 'prune: also drop objects whose records are all older than this many days' })
      .option('format', { choices: ['text', 'json'] as const, default: 'text', describe: 'Output format (info)' })
      .example('$0 store info', 'Where the store is, its entries and size')
      .example('$0 store prune --older-than 120', 'Drop stale entries and objects older than 120 days'),
  async run(args, io: CliIo) {
    if (args.store === '' || args.store === false) throw usageError('--store: expected a folder');
    const dir = typeof args.store === 'string' ? args.store : defaultStoreDir();
    const store = UsageStore.open(dir, toolFingerprint());
    for (const w of store.warnings) io.stderr(`warning: ${forTerminal(w)}\n`);
    if (args.what === 'info') {
      const info = store.info();
      io.stdout(args.format === 'json' ? JSON.stringify(info, null, 2) + '\n' : formatStoreInfo(info));
      return EXIT.OK;
    }
    const older = args['older-than'];
    if (older !== undefined && (typeof older !== 'number' || !Number.isInteger(older) || older < 1)) {
      throw usageError(`--older-than: expected a whole number of days of 1 or more, got ${String(older)}`);
    }
    const keepAfter = older === undefined ? undefined : new Date(io.now().getTime() - older * DAY_MS);
    const r = store.prune({ ...(keepAfter ? { keepAfter } : {}), now: io.now() });
    io.stdout(`pruned ${forTerminal(dir)}: ${r.dropped} entr${r.dropped === 1 ? 'y' : 'ies'} dropped, ${formatBytes(r.before)} → ${formatBytes(r.after)}\n`);
    return EXIT.OK;
  },
};

/** The text of `store info`. */
export function formatStoreInfo(info: UsageStoreInfo): string {
  const lines = [
    `usage store: ${forTerminal(info.dir)} (format ${info.format})`,
    `  ${info.entries} object(s) this version can use, in ${info.segments} segment file(s), ${formatBytes(info.bytes)}`,
  ];
  if (info.firstTime !== undefined && info.lastTime !== undefined) {
    lines.push(`  records from ${new Date(info.firstTime).toISOString()} to ${new Date(info.lastTime).toISOString()}`);
  }
  if (info.otherVersion > 0) lines.push(`  ${info.otherVersion} entr(ies) written by another version of policy-trim or its data: never used; \`store prune\` drops them`);
  if (info.superseded > 0) lines.push(`  ${info.superseded} entr(ies) of objects stored again since: \`store prune\` drops them`);
  if (info.damaged.length > 0) lines.push(`  ${info.damaged.length} damaged segment(s), not used: \`store prune\` removes them`);
  if (info.leftovers > 0) lines.push(`  ${info.leftovers} temporary file(s) of runs stopped while writing: \`store prune\` removes those over an hour old`);
  return lines.join('\n') + '\n';
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
