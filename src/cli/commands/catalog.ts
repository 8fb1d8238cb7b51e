/**
 * `policy-trim catalog info` and `policy-trim catalog action PATTERN...`: what the bundled IAM catalog is and
 * what an action pattern expands to.
 */
import type { Argv } from 'yargs';
import { loadBundledCatalog } from '../../adapters/fs/bundled-data.js';
import { formatActionExpansion, formatCatalogInfo } from '../../core/catalog/format.js';
import { CliError, EXIT } from '../errors.js';
import type { CliIo } from '../io.js';
import type { CommandModule } from '../command.js';

export const catalogCommand: CommandModule = {
  command: 'catalog <what> [patterns..]',
  describe: 'Inspect the bundled IAM catalog: `catalog info`, or `catalog action s3:Get*` to expand a pattern',
  builder: (y: Argv) =>
    y
      .positional('what', { choices: ['info', 'action'] as const, describe: 'info | action' })
      .positional('patterns', { type: 'string', array: true, describe: 'action patterns (with `action`)' })
      .option('format', { choices: ['text', 'json'] as const, default: 'text', describe: 'Output format' })
      .example('$0 catalog info', 'Catalog source, date and counts')
      .example("$0 catalog action 's3:Get*'", 'Every action the pattern matches, with access level and resource types'),
  async run(args, io: CliIo) {
    const catalog = loadBundledCatalog();
    const json = args.format === 'json';
    if (args.what === 'info') {
      io.stdout(json ? JSON.stringify(catalog.info(), null, 2) + '\n' : formatCatalogInfo(catalog.info()));
      return EXIT.OK;
    }
    const patterns = (args.patterns as string[] | undefined) ?? [];
    if (patterns.length === 0) {
      throw new CliError('usage', '`catalog action` needs at least one pattern', "e.g. policy-trim catalog action 's3:Get*'", EXIT.USAGE);
    }
    const { text, count } = formatActionExpansion(catalog, patterns);
    if (json) {
      const ids = [...new Set(patterns.flatMap((p) => catalog.expandActionPattern(p)))].sort();
      io.stdout(JSON.stringify(ids.map((id) => catalog.action(id)), null, 2) + '\n');
    } else io.stdout(text);
    if (count === 0) {
      io.stderr(`policy-trim: no catalog action matches ${patterns.map((p) => `'${p}'`).join(', ')} (catalog ${catalog.info().source}).\n`);
      return EXIT.ERROR;
    }
    io.stderr(`${count} action(s)\n`);
    return EXIT.OK;
  },
};
