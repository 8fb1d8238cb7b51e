/**
 * `policy-trim pr --discover`: scans the repository's infrastructure code and prints a proposed
 * `.policy-trim.yml` on stdout for a person to check. It never writes the file: the mapping from roles to the
 * places that grant them is the one input a wrong guess would turn into a wrong pull request.
 */
import { findRepositoryRoot } from '../adapters/fs/config-file.js';
import { readRepositoryFiles } from '../adapters/fs/repo-files.js';
import { discover, isDiscoverable } from '../core/pr/discover.js';
import { renderDiscovery } from '../core/pr/discover-render.js';
import { terminalLines } from '../core/render/escape.js';
import { EXIT } from './errors.js';
import type { CliIo } from './io.js';
import { startDir } from './pr-config.js';

/** Scans the repository of `--dir` (or the working directory) and prints the proposal. */
export async function runDiscover(args: Record<string, unknown>, io: CliIo): Promise<number> {
  const start = startDir(args);
  const root = (await findRepositoryRoot(start)) ?? start;
  const read = await readRepositoryFiles(root, isDiscoverable);
  const found = discover(read.files);
  io.stdout(renderDiscovery(found));
  const lines = [
    `discover: read ${read.files.length} file(s) of ${root} (listed by ${read.listedBy === 'git' ? 'git ls-files' : 'walking the folder'}); proposed ${found.roles.length} role(s), ${found.unmatched.length} place(s) not matched to one role.`,
    ...read.skipped.map((s) => `  skipped ${s.path}: ${s.reason}`),
    'Check the proposal, save it as .policy-trim.yml at the repository root, and run `policy-trim config validate`.',
  ];
  if (!args.quiet) io.stderr(terminalLines(lines));
  return EXIT.OK;
}
