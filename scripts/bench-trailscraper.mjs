// TrailScraper (github.com/flosell/trailscraper, Apache-2.0, Python) beside `policy-trim usage --role` in the
// benchmark: the same files, the same role, the same window, in the same run. TrailScraper is not a dependency
// of policy-trim and is never installed by it; the bench measures it only when it is there:
//
//   TRAILSCRAPER="python3 /path/to/run-trailscraper.py" node scripts/bench.mjs ...   a command line, or
//   `trailscraper` on PATH                                                            (pip install trailscraper)
//
// Without either, the bench says plainly that TrailScraper was not measured. docs/BENCHMARKS.md says how it was
// set up on the bench machine (its source fetched, its dependencies from Debian's packages, no PyPI).
//
// What is compared: TrailScraper's reading phase is `select --log-dir DIR --filter-assumed-role-arn ARN --from
// --to`, which reads every log file and prints the role's records (its `generate` then turns them into a policy,
// without resources). policy-trim's reading phase is `usage --trail DIR --role ARN --format json`: every file read,
// the role's records normalized into the usage ledger, with resources.

import { spawnSync } from 'node:child_process';

/**
 * The TrailScraper command (argv prefix) and its version, or `{ missing }` saying why it is not measured.
 * @returns {{ argv: string[], version: string } | { missing: string }}
 */
export function findTrailScraper(env = process.env) {
  const given = env.TRAILSCRAPER?.trim();
  const argv = given ? given.split(/\s+/) : ['trailscraper'];
  const r = spawnSync(argv[0], [...argv.slice(1), '--version'], { encoding: 'utf8', timeout: 60_000 });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : `exit ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').pop()}`;
    return {
      missing: given
        ? `TRAILSCRAPER="${given}" does not run (${why})`
        : 'TrailScraper is not installed (no `trailscraper` on PATH and no TRAILSCRAPER command given)',
    };
  }
  return { argv, version: (r.stdout || r.stderr).trim().split('\n').pop() };
}

/**
 * TrailScraper's reading phase over `dir` for one role in [from, to] (dates as YYYY-MM-DD): the argv to time.
 * @param {string[]} prefix from {@link findTrailScraper}
 */
export function trailScraperSelect(prefix, dir, roleArn, from, to) {
  return [...prefix, 'select', '--log-dir', dir, '--filter-assumed-role-arn', roleArn, '--from', from, '--to', to];
}
