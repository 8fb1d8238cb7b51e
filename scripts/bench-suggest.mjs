// `node scripts/bench.mjs --suggest [admin,poweruser,example]`: wall time and peak RSS of `policy-trim suggest` on
// the bundled example trail (examples/orders-api), for policies that grant (nearly) everything. Such a policy
// expands to ~22,000 catalog actions, keeps ~11,000, splits them over several managed policies and proves the
// result never wider over all of them: the worst case of suggest's own work, on a trail small enough that reading
// it is not what is measured. docs/BENCHMARKS.md ("suggest on a grant-everything policy") records a run.
//
// Measurement helpers (spawn + GNU time, median, logging) come from scripts/bench.mjs, which calls this module.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';

/** The role of the bundled example, and its window (as `npm run example`). */
const ROLE = 'arn:aws:iam::123456789012:role/orders-api-role';
const EXAMPLE = ['--trail', 'examples/orders-api/trail', '--trail-config', 'examples/orders-api/trail-config.json', '--until', '2026-11-01T00:00:00Z', '--days', '30'];

/** Policies of the scenarios; `undefined` = the example's own policies directory. */
export const SUGGEST_SCENARIOS = {
  /** AWS's AdministratorAccess. */
  admin: {
    label: 'AdministratorAccess (Action "*")',
    policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  },
  /** AWS's PowerUserAccess as published: everything but IAM, Organizations and Account, plus a few of those. */
  poweruser: {
    label: 'PowerUserAccess (NotAction iam/organizations/account + 6 actions)',
    policy: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' },
        {
          Effect: 'Allow',
          Action: [
            'iam:CreateServiceLinkedRole',
            'iam:DeleteServiceLinkedRole',
            'iam:ListRoles',
            'organizations:DescribeOrganization',
            'account:ListRegions',
            'account:GetAccountInformation',
          ],
          Resource: '*',
        },
      ],
    },
  },
  /** The example's own policies (what `npm run example` trims), for scale. */
  example: { label: 'examples/orders-api/policies (npm run example)', policy: undefined },
};

/**
 * Runs the named scenarios: one warm-up run each (page cache, JIT caches of node itself), then `runs` timed
 * runs; reports the median and range of wall time and the highest peak RSS. Returns the results and writes
 * them to `<benchDir>/results-suggest.json`.
 */
export async function runSuggestScenarios({ names, runs, root, benchDir, measureCommand, median, log, machine }) {
  const results = [];
  for (const name of names) {
    const sc = SUGGEST_SCENARIOS[name];
    if (!sc) throw new Error(`--suggest: unknown scenario ${name} (one of ${Object.keys(SUGGEST_SCENARIOS).join(', ')})`);
    let policyPath = 'examples/orders-api/policies';
    if (sc.policy) {
      policyPath = join(benchDir, `suggest-${name}.json`);
      writeFileSync(policyPath, JSON.stringify(sc.policy, null, 2) + '\n');
    }
    const cmd = [process.execPath, join(root, 'bin', 'policy-trim'), 'suggest', '--role', ROLE, '--policy', policyPath, ...EXAMPLE];
    log(`suggest ${name}: warm-up ...`);
    await measureCommand(cmd);
    const samples = [];
    const loads = [];
    for (let k = 0; k < runs; k++) {
      loads.push(loadavg()[0]);
      samples.push(await measureCommand(cmd));
      log(`  run ${k + 1}/${runs}: ${Math.round(samples[k].ms)} ms, CPU ${Math.round(samples[k].cpuMs)} ms, peak RSS ${(samples[k].rssKiB / 1024).toFixed(0)} MiB`);
    }
    const ms = samples.map((s) => s.ms);
    results.push({
      scenario: name,
      policy: sc.label,
      medianMs: Math.round(median(ms)),
      minMs: Math.round(Math.min(...ms)),
      maxMs: Math.round(Math.max(...ms)),
      // user + system CPU of the process (all threads), when GNU time is there: steadier than wall under load.
      medianCpuMs: Math.round(median(samples.map((s) => s.cpuMs))),
      peakRssMiB: Math.round(Math.max(...samples.map((s) => s.rssKiB)) / 1024),
      runs,
      // 1-minute load average before each run: on a shared machine other work slows every run, unevenly.
      maxLoadAverage: +Math.max(...loads, loadavg()[0]).toFixed(1),
    });
  }
  writeFileSync(join(benchDir, 'results-suggest.json'), JSON.stringify({ machine, results }, null, 2) + '\n');
  const lines = [
    '| scenario | policy | median wall ms | min–max ms | median CPU ms | peak RSS MiB | runs | max load avg |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
    ...results.map((r) => `| ${r.scenario} | ${r.policy} | ${r.medianMs} | ${r.minMs}–${r.maxMs} | ${r.medianCpuMs} | ${r.peakRssMiB} | ${r.runs} | ${r.maxLoadAverage} |`),
  ];
  return { results, table: lines.join('\n') + '\n' };
}
