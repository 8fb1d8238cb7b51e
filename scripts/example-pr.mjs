#!/usr/bin/env node
// `npm run example:pr`: what `policy-trim pr --dry-run` proposes for the bundled orders-api story, once per
// infrastructure format of examples/orders-api/infra (terraform, cloudformation, serverless, json).
//
//   node scripts/example-pr.mjs [FORMAT ...] [--keep]
//
// Each format's folder is copied to a temporary directory and made a git repository of its own (one commit on
// `main`, a clean work tree): `pr` reads `.policy-trim.yml` at the repository's root, the git top level of the
// working directory, so the copy must be that root wherever the temporary directory is (a TMPDIR inside another
// work tree would otherwise be taken for part of it). `pr --dry-run` itself runs no git and calls no GitHub: it
// prints the unified diff and the pull request's body, and touches nothing. Nothing in this repository changes.
//
// The activity is given on the command line, as `npm run example` gives it (a flag beats the file): the copies'
// `.policy-trim.yml` name the bundled logs relative to where the folders live in this repository, which is not
// where the copies are, and cannot name the trail's selectors at all (a file the configuration names must lie
// inside the repository). --keep leaves the temporary repositories in place and prints where they are.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'policy-trim');
const EXAMPLE = join(ROOT, 'examples', 'orders-api');
const INFRA = join(EXAMPLE, 'infra');
const ROLE = 'arn:aws:iam::123456789012:role/orders-api-role';

/** The options of `npm run example` (package.json), with absolute paths: `pr` runs in the copy. */
const ACTIVITY = [
  '--trail', join(EXAMPLE, 'trail'),
  '--trail-config', join(EXAMPLE, 'trail-config.json'),
  '--until', '2026-11-01T00:00:00Z',
  '--days', '30',
];

/**
 * The formats, in the order printed. `resolve` are the options that give references their values, files of the
 * folder: `pr --help` must list each option, or the run stops and says so rather than trim with references
 * left unresolved.
 */
const FORMATS = [
  { name: 'terraform', title: 'Terraform (main.tf; references resolved from terraform show -json)', resolve: [['--tf-state', 'terraform.tfstate.json']] },
  { name: 'cloudformation', title: 'CloudFormation / SAM (template.yaml; parameters from samconfig.toml)', resolve: [['--parameters', 'samconfig.toml']] },
  { name: 'serverless', title: 'Serverless Framework (serverless.yml)', resolve: [] },
  { name: 'json', title: 'JSON policy files (a whole file and a JSON pointer)', resolve: [] },
];

const GIT_IDENTITY = ['-c', 'user.name=policy-trim example', '-c', 'user.email=example@policy-trim.invalid', '-c', 'commit.gpgsign=false'];

function main(argv) {
  const keep = argv.includes('--keep');
  const wanted = argv.filter((a) => a !== '--keep');
  const unknown = wanted.filter((w) => !FORMATS.some((f) => f.name === w));
  if (unknown.length > 0) {
    console.error(`example:pr: unknown format ${unknown.join(', ')}; expected any of ${FORMATS.map((f) => f.name).join(', ')}`);
    return 64;
  }
  const formats = wanted.length > 0 ? FORMATS.filter((f) => wanted.includes(f.name)) : FORMATS;

  const help = prHelp();
  if (!help.ok) {
    console.error(`example:pr: ${help.why}`);
    return 1;
  }
  const missing = [...new Set(formats.flatMap((f) => f.resolve.map(([option]) => option)))].filter((o) => !help.text.includes(o));
  if (missing.length > 0) {
    console.error(`example:pr: \`policy-trim pr --help\` does not list ${missing.join(', ')}, which this script passes so that references resolve; update FORMATS in ${relative(ROOT, fileURLToPath(import.meta.url))}.`);
    return 1;
  }

  const work = mkdtempSync(join(tmpdir(), 'policy-trim-example-pr-'));
  const failed = [];
  try {
    for (const format of formats) {
      const status = runFormat(format, join(work, format.name));
      if (status !== 0) failed.push(`${format.name} (exit ${status})`);
    }
  } finally {
    if (keep) console.error(`\nexample:pr: the temporary repositories are in ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
  if (failed.length > 0) {
    console.error(`\nexample:pr: policy-trim pr --dry-run failed for ${failed.join(', ')}`);
    return 1;
  }
  return 0;
}

/** `policy-trim pr --help`, or why `pr` cannot run in this build. */
function prHelp() {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    return { ok: false, why: 'dist/ is not built: run `npm run build` (or `npm ci`) first.' };
  }
  const run = spawnSync(process.execPath, [BIN, 'pr', '--help'], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) {
    const source = existsSync(join(ROOT, 'src', 'cli', 'commands', 'pr.ts'))
      ? 'src/cli/commands/pr.ts exists: rebuild with `npm run build`'
      : 'src/cli/commands/pr.ts does not exist yet (issue 10 §3)';
    const said = (run.stderr || run.stdout || '').trim().split('\n')[0];
    return { ok: false, why: `this build of policy-trim has no \`pr\` command (\`policy-trim pr --help\` exited ${run.status}${said ? `: ${said}` : ''}); ${source}.` };
  }
  return { ok: true, text: run.stdout + run.stderr };
}

/** Copy one format's folder, make it a repository, and print what `pr --dry-run` proposes there. */
function runFormat(format, dir) {
  const source = join(INFRA, format.name);
  process.stdout.write(`\n${'='.repeat(100)}\n## ${format.title}\n## ${relative(ROOT, source)}\n${'='.repeat(100)}\n\n`);
  cpSync(source, dir, { recursive: true });
  for (const args of [['init', '-q', '-b', 'main'], ['add', '-A'], [...GIT_IDENTITY, 'commit', '-q', '-m', `orders-api infrastructure (${format.name})`]]) {
    const git = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
    if (git.status !== 0) {
      console.error(`example:pr: git ${args.filter((a) => !a.includes('=')).join(' ')} failed in ${dir}: ${(git.stderr || '').trim()}`);
      return git.status ?? 1;
    }
  }
  const args = ['pr', '--dry-run', '--role', ROLE, ...ACTIVITY, ...format.resolve.flat()];
  process.stdout.write(`$ policy-trim ${args.map((a) => (a.startsWith(ROOT) ? `<policy-trim>/${relative(ROOT, a)}` : a)).join(' ')}\n\n`);
  // No token reaches a dry run: it must not need one.
  const env = { ...process.env };
  delete env.GITHUB_TOKEN;
  delete env.GH_TOKEN;
  const run = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, env, stdio: 'inherit' });
  return run.status ?? 1;
}

process.exitCode = main(process.argv.slice(2));
