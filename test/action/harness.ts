/**
 * Runs the GitHub Action's bundle as the runner does: `node action/index.mjs` in a clean environment holding
 * only what GitHub sets (INPUT_*, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP), in a copy of the released
 * tree that has no node_modules/ (the bundle, data/ and package.json), so a run proves the bundle needs no
 * install step. Also reads GITHUB_OUTPUT back by the runner's grammar.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/paths.js';

/** A released tree: `<root>/action/index.mjs` (built here), `<root>/data` (linked), `<root>/package.json`. */
export interface ReleasedTree {
  root: string;
  bundle: string;
}

/** Builds the bundle with scripts/build-action.mjs into a fresh temporary tree laid out like a release tag. */
export function buildReleasedTree(): ReleasedTree {
  const root = mkdtempSync(join(tmpdir(), 'policy-trim-action-'));
  const bundle = join(root, 'action', 'index.mjs');
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'build-action.mjs'), '--outfile', bundle], { cwd: REPO_ROOT, stdio: 'pipe' });
  symlinkSync(join(REPO_ROOT, 'data'), join(root, 'data'), 'dir');
  copyFileSync(join(REPO_ROOT, 'package.json'), join(root, 'package.json'));
  return { root, bundle };
}

/** What one run of the action left: its exit code, streams, the summary file and the parsed outputs. */
export interface ActionRun {
  status: number | null;
  stdout: string;
  stderr: string;
  summary: string;
  /** GITHUB_OUTPUT's text as written. */
  outputText: string;
  outputs: Map<string, string>;
  runnerTemp: string;
}

/**
 * Runs the bundle with `inputs` (keys as in action.yml: `fail-on`, set as `INPUT_FAIL-ON`) in `workspace`
 * (the runner's working directory, GITHUB_WORKSPACE: relative paths in inputs resolve there), by default the
 * repository root.
 */
export function runBundle(tree: ReleasedTree, inputs: Record<string, string>, workspace: string = REPO_ROOT): ActionRun {
  const runnerTemp = mkdtempSync(join(tmpdir(), 'policy-trim-runner-'));
  const outputFile = join(runnerTemp, 'github_output');
  const summaryFile = join(runnerTemp, 'step_summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: runnerTemp,
    GITHUB_WORKSPACE: workspace,
    // No AWS: a run that tried to reach it would fail fast instead of waiting on instance metadata.
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value.replace(/\$RUNNER_TEMP/g, runnerTemp);
  const r = spawnSync(process.execPath, [tree.bundle], { cwd: workspace, env, encoding: 'utf8', timeout: 120_000 });
  const outputText = readFileSync(outputFile, 'utf8');
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    summary: readFileSync(summaryFile, 'utf8'),
    outputText,
    outputs: parseGithubOutput(outputText),
    runnerTemp,
  };
}

/**
 * GITHUB_OUTPUT's grammar as the runner reads it: `name=value` on one line, or `name<<DELIMITER`, the value's
 * lines, and `DELIMITER` alone on a line. Throws on anything else (an unterminated value, a line of neither
 * form) and on a name written twice, which the runner would read as the later value.
 */
export function parseGithubOutput(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    let name: string;
    let value: string;
    if (heredoc) {
      name = heredoc[1]!;
      const end = lines.indexOf(heredoc[2]!, i + 1);
      if (end === -1) throw new Error(`output ${name}: no closing delimiter ${heredoc[2]}`);
      value = lines.slice(i + 1, end).join('\n');
      i = end;
    } else {
      const eq = line.indexOf('=');
      if (eq <= 0) throw new Error(`line ${i + 1} is neither name=value nor name<<DELIMITER: ${JSON.stringify(line)}`);
      name = line.slice(0, eq);
      value = line.slice(eq + 1);
    }
    if (out.has(name)) throw new Error(`output ${name} written twice`);
    out.set(name, value);
  }
  return out;
}

/** Removes a tree or runner folder made here. */
export function removeTemp(dir: string): void {
  if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}
