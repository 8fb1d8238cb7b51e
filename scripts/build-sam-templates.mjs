#!/usr/bin/env node
// Builds data/sam/policy-templates.json, the AWS SAM policy templates policy-trim expands into explicit
// statements when a pull request replaces a template the role does not fully use (issue 10 §1).
//
// Source: the published definitions in the aws/serverless-application-model repository (Apache-2.0), file
// samtranslator/policy_templates_data/policy_templates.json, read from a local git clone (bare or not) at a
// given revision, so the output names the exact commit it came from. data/NOTICE names the same commit.
//
// Output (deterministic: the same commit gives byte-identical files): one template per line, keys sorted, the
// templates kept in the upstream shape (Description, Parameters, Definition) so a diff against upstream is
// read directly; a meta block with the repository, path, commit, its date, the file's git blob id, the
// upstream "Version" string and the samtranslator version at that commit.
//
// Usage: node scripts/build-sam-templates.mjs --repo DIR [--rev REV] [--out FILE] [--quiet]
//   --repo (or env POLICY_TRIM_SAM_REPO): a clone of aws/serverless-application-model; --rev defaults to HEAD.

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SCRIPT = 'scripts/build-sam-templates.mjs';
/** Bumped when the layout of the output changes (read by src/core/iac/sam-templates.ts). */
export const FORMAT_VERSION = 1;
export const UPSTREAM_REPOSITORY = 'aws/serverless-application-model';
export const UPSTREAM_PATH = 'samtranslator/policy_templates_data/policy_templates.json';

function fail(message) {
  process.stderr.write(`build-sam-templates: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const opts = {
    repo: process.env.POLICY_TRIM_SAM_REPO,
    rev: 'HEAD',
    out: join(REPO_ROOT, 'data', 'sam', 'policy-templates.json'),
    quiet: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i] ?? fail(`${a} needs a value`);
    if (a === '--repo') opts.repo = resolve(next());
    else if (a === '--rev') opts.rev = next();
    else if (a === '--out') opts.out = resolve(next());
    else if (a === '--quiet') opts.quiet = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write('Usage: node scripts/build-sam-templates.mjs --repo DIR [--rev REV] [--out FILE] [--quiet]\n');
      process.exit(0);
    } else fail(`unknown argument ${a} (try --help)`);
  }
  if (!opts.repo) fail('name a clone of aws/serverless-application-model with --repo DIR (or POLICY_TRIM_SAM_REPO)');
  return opts;
}

/** `git -C repo args…` as trimmed text; a failure names the repository and the command. */
function git(repo, args) {
  try {
    return execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    fail(`git ${args.join(' ')} failed in ${repo}: ${String(e.stderr ?? e.message).trim()}`);
  }
}

/** The upstream file and the facts about where it came from, at `rev`. */
export function readUpstream(repo, rev) {
  const commit = git(repo, ['rev-parse', '--verify', `${rev}^{commit}`]).trim();
  const text = git(repo, ['show', `${commit}:${UPSTREAM_PATH}`]);
  const version = /__version__\s*=\s*"([^"]+)"/.exec(git(repo, ['show', `${commit}:samtranslator/__init__.py`]));
  return {
    text,
    source: {
      commit,
      commitDate: git(repo, ['show', '-s', '--format=%cs', commit]).trim(),
      blob: git(repo, ['rev-parse', `${commit}:${UPSTREAM_PATH}`]).trim(),
      samtranslatorVersion: version ? version[1] : undefined,
    },
  };
}

/**
 * The output document from the upstream file's text and its source facts. Only the shape the output relies
 * on is checked here (the loader checks it again, in full): a template without a Definition is a build error.
 */
export function convert(upstreamText, source) {
  const upstream = JSON.parse(upstreamText);
  if (typeof upstream?.Version !== 'string' || typeof upstream.Templates !== 'object' || upstream.Templates === null) {
    throw new Error(`${UPSTREAM_PATH} has no Version string or no Templates map: has its layout changed?`);
  }
  const templates = {};
  for (const name of Object.keys(upstream.Templates).sort()) {
    const t = upstream.Templates[name];
    if (!Array.isArray(t?.Definition?.Statement)) throw new Error(`template ${name} has no Definition.Statement list`);
    templates[name] = { Definition: t.Definition, Description: t.Description, Parameters: t.Parameters ?? {} };
  }
  const meta = {
    format: FORMAT_VERSION,
    generatedBy: SCRIPT,
    licence: 'Apache-2.0',
    repository: UPSTREAM_REPOSITORY,
    path: UPSTREAM_PATH,
    ...source,
    version: upstream.Version,
    templates: Object.keys(templates).length,
  };
  return { meta, templates };
}

/** JSON.stringify with object keys sorted at every level (arrays keep their order). */
function stable(value) {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stable(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** `{"meta":…,\n"templates":{\n one line per template \n}}\n`: valid JSON whose diffs are per template. */
export function render(doc) {
  const names = Object.keys(doc.templates).sort();
  const lines = names.map((n, i) => `${JSON.stringify(n)}:${stable(doc.templates[n])}${i < names.length - 1 ? ',' : ''}`);
  return `{"meta":${stable(doc.meta)},\n"templates":{\n${lines.join('\n')}\n}}\n`;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const { text, source } = readUpstream(opts.repo, opts.rev);
  let doc;
  try {
    doc = convert(text, source);
  } catch (e) {
    fail(`${opts.repo} at ${source.commit}: ${e.message}`);
  }
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, render(doc));
  if (!opts.quiet) {
    process.stdout.write(`wrote ${opts.out}: ${doc.meta.templates} templates from ${UPSTREAM_REPOSITORY}@${source.commit} (${source.commitDate})\n`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
