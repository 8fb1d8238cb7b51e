/**
 * `policy-trim config validate [--config FILE]` and `policy-trim config schema`, run through the CLI in-process.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yargs, { type Argv } from 'yargs';
import { afterEach, describe, expect, it } from 'vitest';
import { configCommand } from '../../src/cli/commands/config.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/offline-fixture.js';
import { docExample, ROOT } from './support.js';

/** A file with `text` in a fresh folder. */
function configFile(text: string, name = 'policy-trim.yml'): string {
  const path = join(tempDir('policy-trim-cli-config-'), name);
  writeFileSync(path, text);
  return path;
}

describe('config validate', () => {
  it('prints what a valid file holds on stdout, exit 0', async () => {
    const run = await runCli(['config', 'validate', '--config', configFile(docExample())]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^ok: \S+policy-trim\.yml: 4 roles \(7 places, 3 functions\), 2 accounts, 2 acknowledgements; activity: athena, days 90; gate: unused-permissions-management, unused-write, new-drift\n$/,
    );
  });

  it('lists every problem with file, line and column on stderr, exit 1, nothing on stdout', async () => {
    const file = configFile('version: 1\nroles:\n  - role: r\n    defined_in: []\n  - role: r\ngate:\n  fail-on: [nope]\n');
    const run = await runCli(['config', 'validate', '--config', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      `${file}:4:5: roles[0].defined_in: unknown key 'defined_in'; did you mean 'defined-in'?`,
      `${file}:5:11: roles[1].role: the role 'r' is already listed at line 3 (roles[0]): merge the two entries`,
      expect.stringMatching(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:7:13: gate\\.fail-on\\[0\\]: expected one of unused, `)),
    ]);
    expect(lines[3]).toBe(`policy-trim: error [config-invalid]: ${file}: 3 problems`);
  });

  it('prints warnings on stderr and still succeeds', async () => {
    const file = configFile('version: 1\nacknowledge:\n  - { finding: "UNUSED[111122223333:r][s3:X]", reason: x, until: 2026-01-31 }\n');
    const run = await runCli(['config', 'validate', '--config', file]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`policy-trim: warning: ${file}:3:66: acknowledge[0].until: expired on 2026-01-31: the finding counts again (renew the date with a reason, or fix what it is about)\n`);
  });

  it('a --config that does not exist is an error naming it (exit 1); a bare --config is a usage error', async () => {
    const missing = join(tempDir('policy-trim-cli-config-'), 'nope.yml');
    const run = await runCli(['config', 'validate', '--config', missing]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`[config-not-found]: ${missing}: no such file`);
    expect((await runCli(['config', 'validate', '--config'])).code).toBe(64);
  });

  describe('without --config, from the working directory', () => {
    const cwd = process.cwd();
    afterEach(() => process.chdir(cwd));

    it('reads .policy-trim.yml at the repository root, or says there is none (exit 1)', async () => {
      const repo = tempDir('policy-trim-cli-repo-');
      mkdirSync(join(repo, '.git'));
      mkdirSync(join(repo, 'infra'));
      process.chdir(join(repo, 'infra'));
      const none = await runCli(['config', 'validate']);
      expect(none.code).toBe(1);
      expect(none.stderr).toContain('[config-not-found]: no .policy-trim.yml at the repository root');
      writeFileSync(join(repo, '.policy-trim.yml'), 'version: 1\nroles: [{ role: a }]\n');
      const found = await runCli(['config', 'validate']);
      expect(found.code, found.stderr).toBe(0);
      expect(found.stdout).toMatch(/^ok: .*\.policy-trim\.yml: 1 role \(0 places, 0 functions\)/);
    });
  });
});

describe('config schema', () => {
  it('prints docs/policy-trim.schema.json', async () => {
    const run = await runCli(['config', 'schema']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(readFileSync(join(ROOT, 'docs', 'policy-trim.schema.json'), 'utf8'));
  });

  it.each([[['config', 'schema', '--config', 'x.yml']], [['config', 'valdate']], [['config']]])('%j is a usage error', async (args) => {
    const run = await runCli(args);
    expect(run.code, run.stderr).toBe(64);
    expect(run.stdout).toBe('');
  });
});

describe('option audit (the rule of test/cli/flags.test.ts, for this command)', () => {
  it('every option is boolean, has choices, or is a free-form option checked on purpose', () => {
    const freeForm: Record<string, string> = { config: 'a path, read (missing is an error naming it)', action: 'positional with choices' };
    const y = configCommand.builder(yargs([]) as Argv);
    const o = (y as unknown as { getOptions(): { key: Record<string, unknown>; boolean: string[]; choices: Record<string, unknown> } }).getOptions();
    const unchecked = Object.keys(o.key).filter((k) => !o.boolean.includes(k) && !(k in o.choices) && !(k in freeForm));
    expect(unchecked).toEqual([]);
  });
});
