/**
 * `policy-trim config validate [--config FILE]`: read `.policy-trim.yml` (or FILE) and say what it holds, or
 * list every problem with its line; `policy-trim config schema`: print the file's JSON Schema.
 */
import type { Argv } from 'yargs';
import { loadConfig, CONFIG_FILE_NAME, findRepositoryRoot } from '../../adapters/fs/config-file.js';
import { ConfigError, formatConfigProblem } from '../../core/config/errors.js';
import { CONFIG_SCHEMA } from '../../core/config/schema.js';
import type { RepositoryConfig } from '../../core/config/types.js';
import { terminalLines } from '../../core/render/escape.js';
import type { CommandModule } from '../command.js';
import { CliError, EXIT, reportError, usageError } from '../errors.js';
import type { CliIo } from '../io.js';

/** `policy-trim config validate|schema`. */
export const configCommand: CommandModule = {
  command: 'config <action>',
  describe: 'The repository configuration: `config validate` checks .policy-trim.yml, `config schema` prints its JSON Schema',
  builder: (y: Argv) =>
    y
      .positional('action', { choices: ['validate', 'schema'] as const, describe: 'validate | schema' })
      .option('config', { type: 'string', describe: `The configuration file (default: ${CONFIG_FILE_NAME} at the repository root)` })
      .example('$0 config validate', `Check ${CONFIG_FILE_NAME} at the root of this repository`)
      .example('$0 config schema > policy-trim.schema.json', 'The JSON Schema, for an editor'),
  async run(args, io: CliIo) {
    if (args.action === 'schema') {
      if (args.config !== undefined) throw usageError('`config schema` takes no --config: the schema is the same for every file');
      io.stdout(JSON.stringify(CONFIG_SCHEMA, null, 2) + '\n');
      return EXIT.OK;
    }
    return validate(args.config as string | undefined, io);
  },
};

/** `config validate`: the summary on stdout and warnings on stderr, or every problem and exit 1. */
async function validate(file: string | undefined, io: CliIo): Promise<number> {
  const cwd = process.cwd();
  let loaded;
  try {
    loaded = await loadConfig({ cwd, now: io.now(), ...(file !== undefined ? { config: file } : {}) });
  } catch (e) {
    if (!(e instanceof ConfigError) || e.code !== 'config-invalid') throw e;
    io.stderr(terminalLines(e.problems.map(formatConfigProblem)));
    if (e.total > e.problems.length) io.stderr(`  (${e.total - e.problems.length} more not shown)\n`);
    const count = `${e.total} problem${e.total === 1 ? '' : 's'}`;
    return reportError(new CliError('config-invalid', `${e.file}: ${count}`, e.hint), io, false);
  }
  if (!loaded) {
    const root = (await findRepositoryRoot(cwd)) ?? cwd;
    throw new CliError('config-not-found', `no ${CONFIG_FILE_NAME} at the repository root (${root})`, 'Create one (docs/configuration.md has a full example), or name a file with --config FILE.');
  }
  io.stderr(terminalLines(loaded.warnings.map((w) => `policy-trim: warning: ${formatConfigProblem(w)}`)));
  io.stdout(terminalLines([`ok: ${loaded.file}: ${summary(loaded.config)}`]));
  return EXIT.OK;
}

/** `2 roles (3 places, 4 functions), 1 account, 1 acknowledgement; activity: ...; gate: ...`. */
export function summary(c: RepositoryConfig): string {
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  const places = c.roles.reduce((s, r) => s + r.definedIn.length, 0);
  const functions = c.roles.reduce((s, r) => s + (r.functions?.length ?? 0), 0);
  const parts = [`${n(c.roles.length, 'role')} (${n(places, 'place')}, ${n(functions, 'function')})`, n(c.accounts.length, 'account'), n(c.acknowledge.length, 'acknowledgement')];
  const source = c.activity.source;
  const window = Object.entries(c.activity.window).map(([k, v]) => `${k} ${String(v)}`).join(', ');
  const activity = source ? `${source.kind}${window ? `, ${window}` : ''}` : window || 'from the command line';
  return `${parts.join(', ')}; activity: ${activity}; gate: ${c.gate.failOn?.join(', ') ?? 'none'}`;
}
