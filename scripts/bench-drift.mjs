#!/usr/bin/env node
// `node scripts/bench-drift.mjs` (or `node scripts/bench.mjs --drift`): wall time, CPU and peak RSS of
// `policy-trim drift` over a fleet of roles, from one read of the synthetic trail (issue 11's bar: memory flat in
// the number of records, at most linear in the roles). docs/BENCHMARKS.md ("drift over a fleet") records a run.
//
//   node scripts/bench-drift.mjs                 200 roles over 1M and 250k records, and 50 of those roles over both
//   options: --runs K (timed runs per case, median reported; default 3)
//            --roles N (the fleet; default 200)  --subset M (the smaller fleet; default 50)
//            --records A,B (default 1000000,250000) --cache DIR (default .bench/)
//            --cases 1000000:200,250000:200,...  (records:roles pairs to run; default every size × both fleets)
//            --key-pool K (the trail with S3 object keys drawn from K per prefix: distinct usage stops growing early)
//            --without-grant-all (leave the AdministratorAccess and PowerUserAccess roles out of both fleets)
//            --heap-prof (one extra run of the first case under node's --heap-prof, into <cache>/drift-prof/)
//            --snapshot (copy dist/, bin/ and package.json to <cache>/drift-cli/ first and run that copy: on a shared
//            checkout another `npm run build` mid-benchmark would otherwise change what is measured)
//
// The trails are bench.mjs's synthetic trail with `--roles N` (N uniquely named roles spread over its three
// accounts, 2–4 functions each), generated and cached by `node scripts/bench.mjs --generate-only --roles N`.
// The policies are generated here, into <cache>/drift-fleet-N/ (never committed): one folder per role, named after
// it, with a deterministic mix over the role's index i (by i mod 25, so every 4th role — the subset — has the
// same mix as the whole fleet):
//   - 16 in 25 narrow: the actions the role's functions call on its own bucket, table, queue, topic, functions,
//     secret, parameter and key, plus a few it never calls (DeleteObject, DeleteItem, Scan, logs);
//   - 7 in 25 service-wide: `s3:*`, `dynamodb:*`, `sqs:*`, `sns:*`, `logs:*` and friends, some on "*"; one of
//     those 7 also has AWS's AmazonS3ReadOnlyAccess in its aws-managed/ folder;
//   - 1 in 25 AdministratorAccess (`Action: "*"`), 1 in 25 PowerUserAccess (`NotAction: iam:*, …`).
// The subset of M roles is every (N/M)-th role, in a folder of its own, with the same files.
//
// Each case runs `policy-trim drift --trail T --policy P --trail-config C --since … --until … --format json
// > /dev/null` under `/usr/bin/time -v` (peak RSS = ru_maxrss of the node process, worker threads included).
// Cases are interleaved (A B C D, A B C D, …) after one warm-up each, so load swings on a shared machine hit all
// of them alike. The warm-up writes its report to <cache>/drift-fleet-N/report-R-M.json, checked for errors.

import { spawn, spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Must match scripts/bench.mjs (ACCOUNTS, accountPrincipals with --roles, REGIONS). */
const ACCOUNTS = ['111122223333', '444455556666', '777788889999'];
const WORDS = ['orders', 'billing', 'search', 'images', 'notify', 'auth', 'reports', 'ingest'];
const WINDOW = ['--since', '2026-10-01T00:00:00Z', '--until', '2026-11-01T00:00:00Z'];

function log(msg) {
  process.stderr.write(`[bench-drift] ${msg}\n`);
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmtInt = (n) => Math.round(n).toLocaleString('en-US');
const mib = (kib) => kib / 1024;

// ---------------------------------------------------------------------------------------------------------------
// The fleet: role names as bench.mjs's generator makes them, and a policy for each.

/** The fleet's roles in bench.mjs's order: `{ account, app, role }`, N of them over the accounts. */
export function fleetRoles(n) {
  const out = [];
  ACCOUNTS.forEach((account, a) => {
    const k = Math.floor(n / ACCOUNTS.length) + (a < n % ACCOUNTS.length ? 1 : 0);
    for (let i = 0; i < k; i++) {
      const app = `${WORDS[i % 8]}-${account.slice(-4)}-${String(Math.floor(i / 8)).padStart(2, '0')}`;
      out.push({ account, app, role: `${app}-lambda-role` });
    }
  });
  return out;
}

/** The policy kind of role i: by i mod 25 (see the header). */
function kindOf(i) {
  const k = i % 25;
  if (k === 0) return 'admin';
  if (k === 12) return 'poweruser';
  if (k >= 1 && k <= 7) return 'service';
  return 'narrow';
}

const doc = (...Statement) => ({ Version: '2012-10-17', Statement });
const allow = (Sid, Action, Resource) => ({ Sid, Effect: 'Allow', Action, Resource });

/** The role's own policy documents (file name → document) and whether it also gets AmazonS3ReadOnlyAccess. */
function policiesOf({ account, app }, i) {
  const kind = kindOf(i);
  const bucket = `${app}-data-${account}`;
  const table = `arn:aws:dynamodb:*:${account}:table/${app}-table`;
  if (kind === 'admin') return { kind, files: { 'admin.json': doc({ Effect: 'Allow', Action: '*', Resource: '*' }) } };
  if (kind === 'poweruser') {
    return {
      kind,
      files: {
        'poweruser.json': doc(
          { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' },
          { Effect: 'Allow', Action: ['iam:CreateServiceLinkedRole', 'iam:DeleteServiceLinkedRole', 'iam:ListRoles', 'organizations:DescribeOrganization', 'account:ListRegions', 'account:GetAccountInformation'], Resource: '*' },
        ),
      },
    };
  }
  if (kind === 'service') {
    return {
      kind,
      managed: i % 25 === 5,
      files: {
        'app.json': doc(
          allow('Data', ['s3:*'], [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`]),
          allow('Tables', ['dynamodb:*'], `arn:aws:dynamodb:*:${account}:table/*`),
          allow('Messaging', ['sqs:*', 'sns:*'], '*'),
          allow('Invoke', ['lambda:InvokeFunction', 'lambda:GetFunction'], `arn:aws:lambda:*:${account}:function:*`),
          allow('Config', ['secretsmanager:GetSecretValue', 'ssm:GetParameter*', 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], '*'),
        ),
        'logs.json': doc(allow('Logs', ['logs:*', 'cloudwatch:PutMetricData', 'xray:PutTraceSegments', 'xray:PutTelemetryRecords'], '*')),
      },
    };
  }
  return {
    kind,
    files: {
      'app.json': doc(
        allow('Objects', ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], `arn:aws:s3:::${bucket}/*`),
        allow('Bucket', ['s3:ListBucket'], `arn:aws:s3:::${bucket}`),
        allow('Table', ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:DescribeTable', 'dynamodb:DeleteItem', 'dynamodb:Scan'], [table, `${table}/index/*`]),
        allow('Queue', ['sqs:ReceiveMessage', 'sqs:SendMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], `arn:aws:sqs:*:${account}:${app}-jobs`),
        allow('Topic', ['sns:Publish'], `arn:aws:sns:*:${account}:${app}-events`),
        allow('Invoke', ['lambda:InvokeFunction'], `arn:aws:lambda:*:${account}:function:${app}-*`),
        allow('Secret', ['secretsmanager:GetSecretValue'], `arn:aws:secretsmanager:*:${account}:secret:${app}/credentials-*`),
        allow('Parameter', ['ssm:GetParameter'], `arn:aws:ssm:*:${account}:parameter/${app}/config`),
        allow('Key', ['kms:Decrypt'], `arn:aws:kms:*:${account}:key/*`),
      ),
      'logs.json': doc(allow('Logs', ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], '*')),
    },
  };
}

/** The trail configuration: management events, S3 object, DynamoDB table and Lambda data events. */
const TRAIL_CONFIG = {
  TrailARN: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org-audit',
  IsMultiRegionTrail: true,
  IncludeGlobalServiceEvents: true,
  HomeRegion: 'us-east-1',
  AdvancedEventSelectors: [
    { Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
    ...['AWS::S3::Object', 'AWS::DynamoDB::Table', 'AWS::Lambda::Function'].map((type) => ({
      Name: `${type} data events`,
      FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: [type] }],
    })),
  ],
};

/** Writes <cache>/drift-fleet-N/{policies-N, policies-M, trail-config.json}; returns their paths and the mix. */
function writeFleet(cache, n, m, withoutGrantAll) {
  const dir = join(cache, `drift-fleet-${n}${withoutGrantAll ? '-without-grant-all' : ''}`);
  const all = join(dir, `policies-${n}`);
  const sub = join(dir, `policies-${m}`);
  rmSync(all, { recursive: true, force: true });
  rmSync(sub, { recursive: true, force: true });
  const managed = readFileSync(join(ROOT, 'test', 'fixtures', 'drift', 'fleet', 'policies', 'reports-role', 'aws-managed', 'AmazonS3ReadOnlyAccess.json'));
  const roles = fleetRoles(n);
  const step = Math.max(1, Math.floor(n / m));
  const mix = {};
  const subMix = {};
  roles.forEach((r, i) => {
    const p = policiesOf(r, i);
    if (withoutGrantAll && (p.kind === 'admin' || p.kind === 'poweruser')) return;
    const folder = join(all, r.role);
    mkdirSync(folder, { recursive: true });
    for (const [file, d] of Object.entries(p.files)) writeFileSync(join(folder, file), JSON.stringify(d, null, 2) + '\n');
    if (p.managed) {
      mkdirSync(join(folder, 'aws-managed'), { recursive: true });
      writeFileSync(join(folder, 'aws-managed', 'AmazonS3ReadOnlyAccess.json'), managed);
    }
    const label = p.kind + (p.managed ? '+managed' : '');
    mix[label] = (mix[label] ?? 0) + 1;
    if (i % step === 0 && i / step < m) {
      cpSync(folder, join(sub, r.role), { recursive: true });
      subMix[label] = (subMix[label] ?? 0) + 1;
    }
  });
  const trailConfig = join(dir, 'trail-config.json');
  writeFileSync(trailConfig, JSON.stringify(TRAIL_CONFIG, null, 2) + '\n');
  return { dir, policies: { [n]: all, [m]: sub }, trailConfig, mix: { [n]: mix, [m]: subMix } };
}

// ---------------------------------------------------------------------------------------------------------------
// Measurement.

const HAS_GNU_TIME = (() => {
  if (!existsSync('/usr/bin/time')) return false;
  const r = spawnSync('/usr/bin/time', ['-v', 'true'], { encoding: 'utf8' });
  return r.status === 0 && /Maximum resident set size/.test(r.stderr);
})();

/** Runs `args` (node first) with stdout to `out` (default /dev/null); wall ms, peak RSS KiB, CPU ms, exit code. */
function measure(args, out = '/dev/null') {
  return new Promise((res, rej) => {
    const fd = openSync(out, 'w');
    const rssFile = join(ROOT, '.bench', `rss-drift-${process.pid}.txt`);
    const cmd = HAS_GNU_TIME
      ? ['/usr/bin/time', '-v', ...args]
      : [args[0], '--import', `data:text/javascript,${encodeURIComponent(`import {writeFileSync} from 'node:fs'; process.on('exit', () => writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));`)}`, ...args.slice(1)];
    const load = loadavg()[0];
    const t0 = performance.now();
    const child = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', fd, 'pipe'], cwd: ROOT });
    let stderr = '';
    child.stderr.on('data', (d) => {
      if (stderr.length < 1_000_000) stderr += d;
    });
    child.once('error', (e) => {
      closeSync(fd);
      rej(e);
    });
    child.once('close', (code) => {
      closeSync(fd);
      const ms = performance.now() - t0;
      let rssKiB = NaN;
      let cpuMs = NaN;
      if (HAS_GNU_TIME) {
        rssKiB = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? NaN);
        const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
        const sys = /System time \(seconds\): ([\d.]+)/.exec(stderr);
        if (user && sys) cpuMs = (Number(user[1]) + Number(sys[1])) * 1000;
        const status = /Exit status: (\d+)/.exec(stderr);
        if (status) code = Number(status[1]);
      } else if (existsSync(rssFile)) {
        rssKiB = Number(readFileSync(rssFile, 'utf8'));
        rmSync(rssFile, { force: true });
      }
      res({ ms, rssKiB, cpuMs, code, load, stderr });
    });
  });
}

function ensureTrail(cache, records, roles, keyPool) {
  const name = `trail-${records}${keyPool ? `-pool${keyPool}` : ''}-roles${roles}`;
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bench.mjs'), '--generate-only', '--records', String(records), '--roles', String(roles), '--cache', cache, ...(keyPool ? ['--key-pool', String(keyPool)] : [])], { stdio: ['ignore', 'inherit', 'inherit'], cwd: ROOT });
  if (r.status !== 0) throw new Error(`generating ${name} failed (exit ${r.status})`);
  const manifest = JSON.parse(readFileSync(join(cache, `${name}.manifest.json`), 'utf8'));
  return { dir: join(cache, name), ...manifest };
}

function parseArgs(argv) {
  const opt = { runs: 3, roles: 200, subset: 50, records: [1_000_000, 250_000], cache: join(ROOT, '.bench'), cases: null, heapProf: false, snapshot: false, keyPool: 0, withoutGrantAll: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    const int = (s) => {
      const n = Number(String(s).replace(/[_,]/g, ''));
      if (!Number.isInteger(n) || n < 1) throw new Error(`${a}: not a positive integer: ${s}`);
      return n;
    };
    if (a === '--runs') opt.runs = int(val());
    else if (a === '--roles') opt.roles = int(val());
    else if (a === '--subset') opt.subset = int(val());
    else if (a === '--records') opt.records = val().split(',').map(int);
    else if (a === '--cache') opt.cache = resolve(val());
    else if (a === '--cases') opt.cases = val().split(',').map((c) => c.split(':').map(int)).map(([records, roles]) => ({ records, roles }));
    else if (a === '--heap-prof') opt.heapProf = true;
    else if (a === '--snapshot') opt.snapshot = true;
    else if (a === '--key-pool') opt.keyPool = int(val());
    else if (a === '--without-grant-all') opt.withoutGrantAll = true;
    else throw new Error(`unknown option ${a} (see the comment at the top of scripts/bench-drift.mjs)`);
  }
  if (opt.subset > opt.roles) throw new Error('--subset must not exceed --roles');
  return opt;
}

export async function main(argv = process.argv.slice(2)) {
  let opt;
  try {
    opt = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`bench-drift: ${e.message}\n`);
    return 64;
  }
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    process.stderr.write('bench-drift: dist/cli/main.js is missing: run `npm run build` first.\n');
    return 1;
  }
  mkdirSync(join(ROOT, '.bench'), { recursive: true });
  const machine = { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memoryGiB: +(totalmem() / 2 ** 30).toFixed(1), node: process.version, rss: HAS_GNU_TIME ? '/usr/bin/time -v' : 'process.resourceUsage().maxRSS at exit' };
  log(`machine: ${machine.nproc} CPUs (${machine.cpu}), ${machine.memoryGiB} GiB, node ${machine.node}; peak RSS via ${machine.rss}`);
  const cases = opt.cases ?? opt.records.flatMap((records) => [opt.roles, opt.subset].map((roles) => ({ records, roles })));
  const trails = new Map();
  for (const records of new Set(cases.map((c) => c.records))) trails.set(records, ensureTrail(opt.cache, records, opt.roles, opt.keyPool));
  const fleet = writeFleet(opt.cache, opt.roles, opt.subset, opt.withoutGrantAll);
  log(`fleet of ${opt.roles}: ${JSON.stringify(fleet.mix[opt.roles])}; subset of ${opt.subset}: ${JSON.stringify(fleet.mix[opt.subset])}`);

  let cli = join(ROOT, 'bin', 'policy-trim');
  if (opt.snapshot) {
    const snap = join(opt.cache, 'drift-cli');
    rmSync(snap, { recursive: true, force: true });
    for (const d of ['dist', 'bin', 'package.json']) cpSync(join(ROOT, d), join(snap, d), { recursive: true });
    symlinkSync(join(ROOT, 'data'), join(snap, 'data'));
    cli = join(snap, 'bin', 'policy-trim');
    log(`running a copy of dist/ in ${snap} (HEAD ${spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim()})`);
  }
  const command = (c, extra = []) => [process.execPath, ...extra, cli, 'drift', '--trail', trails.get(c.records).dir, '--policy', fleet.policies[c.roles], '--trail-config', fleet.trailConfig, ...WINDOW, '--format', 'json'];
  const results = cases.map((c) => ({ ...c, runs: [] }));
  for (const r of results) {
    const out = join(fleet.dir, `report-${r.records}-${r.roles}.json`);
    log(`${fmtInt(r.records)} records, ${r.roles} roles: warm-up (report to ${out}) ...`);
    const w = await measure(command(r), out);
    if (w.code !== 0 && w.code !== 2) throw new Error(`drift exited with ${w.code}:\n${w.stderr.slice(-3000)}`);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    r.report = {
      bytes: statSync(out).size,
      roles: report.roles.length,
      errors: report.roles.filter((x) => x.error).map((x) => `${x.roleName}: ${x.error.code}`),
      findings: report.roles.reduce((n, x) => n + x.findings.length, 0),
      records: report.activity?.records,
      unused: report.totals?.unused,
    };
    r.warmup = { ms: w.ms, rssKiB: w.rssKiB, cpuMs: w.cpuMs, load: w.load };
    log(`  warm-up: ${(w.ms / 1000).toFixed(1)} s, peak RSS ${mib(w.rssKiB).toFixed(0)} MiB; report ${(r.report.bytes / 1e6).toFixed(1)} MB, ${r.report.roles} roles, ${fmtInt(r.report.findings)} findings, ${r.report.errors.length} role errors${r.report.errors.length ? ` (${r.report.errors.slice(0, 3).join('; ')})` : ''}`);
  }
  for (let k = 0; k < opt.runs; k++) {
    for (const r of results) {
      const m = await measure(command(r));
      if (m.code !== 0 && m.code !== 2) throw new Error(`drift exited with ${m.code}:\n${m.stderr.slice(-3000)}`);
      r.runs.push({ ms: m.ms, rssKiB: m.rssKiB, cpuMs: m.cpuMs, load: m.load });
      log(`run ${k + 1}/${opt.runs} ${fmtInt(r.records)} records × ${r.roles} roles: ${(m.ms / 1000).toFixed(1)} s, CPU ${(m.cpuMs / 1000).toFixed(1)} s, peak RSS ${mib(m.rssKiB).toFixed(0)} MiB (load ${m.load.toFixed(1)})`);
    }
  }
  if (opt.heapProf) {
    const profDir = join(opt.cache, 'drift-prof');
    rmSync(profDir, { recursive: true, force: true });
    mkdirSync(profDir, { recursive: true });
    const c = results[0];
    log(`heap profile of ${fmtInt(c.records)} × ${c.roles} into ${profDir} ...`);
    await measure(command(c, ['--heap-prof', `--heap-prof-dir=${profDir}`]));
  }

  const rows = results.map((r) => ({
    records: r.records,
    roles: r.roles,
    /** The roles in the report (fewer than the fleet's name with --without-grant-all). */
    reported: r.report.roles,
    wallS: +(median(r.runs.map((x) => x.ms)) / 1000).toFixed(1),
    cpuS: +(median(r.runs.map((x) => x.cpuMs)) / 1000).toFixed(1),
    rssMiB: Math.round(mib(median(r.runs.map((x) => x.rssKiB)))),
    rssRange: [Math.round(mib(Math.min(...r.runs.map((x) => x.rssKiB)))), Math.round(mib(Math.max(...r.runs.map((x) => x.rssKiB))))],
    runsS: r.runs.map((x) => +(x.ms / 1000).toFixed(1)),
    load: [+Math.min(...r.runs.map((x) => x.load)).toFixed(1), +Math.max(...r.runs.map((x) => x.load)).toFixed(1)],
    reportMB: +(r.report.bytes / 1e6).toFixed(1),
    findings: r.report.findings,
    roleErrors: r.report.errors.length,
  }));
  const at = (records, roles) => rows.find((x) => x.records === records && x.roles === roles);
  const lines = [
    '| records | roles | wall s (median) | runs s | CPU s | peak RSS MiB (median) | min–max | report MB | findings | load avg |',
    '|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map((x) => `| ${fmtInt(x.records)} | ${x.reported} | ${x.wallS} | ${x.runsS.join(', ')} | ${x.cpuS} | **${x.rssMiB}** | ${x.rssRange.join('–')} | ${x.reportMB} | ${fmtInt(x.findings)} | ${x.load.join('–')} |`),
    '',
  ];
  const derived = {};
  const sizes = [...new Set(rows.map((x) => x.records))].sort((a, b) => b - a);
  for (const records of sizes) {
    const big = at(records, opt.roles);
    const small = at(records, opt.subset);
    if (big && small) {
      const d = big.reported - small.reported;
      derived[`mibPerRole@${records}`] = +((big.rssMiB - small.rssMiB) / d).toFixed(2);
      lines.push(`- ${fmtInt(records)} records: (RSS ${big.reported} − RSS ${small.reported}) / ${d} = (${big.rssMiB} − ${small.rssMiB}) / ${d} = **${derived[`mibPerRole@${records}`]} MiB per role**`);
    }
  }
  if (sizes.length >= 2) {
    for (const roles of [opt.roles, opt.subset]) {
      const hi = at(sizes[0], roles);
      const lo = at(sizes.at(-1), roles);
      if (hi && lo) {
        derived[`records@${roles}`] = { low: lo.rssMiB, high: hi.rssMiB, change: +((hi.rssMiB / lo.rssMiB - 1) * 100).toFixed(0) };
        lines.push(`- ${hi.reported} roles: ${fmtInt(sizes.at(-1))} → ${fmtInt(sizes[0])} records (×${(sizes[0] / sizes.at(-1)).toFixed(0)}): peak RSS ${lo.rssMiB} → ${hi.rssMiB} MiB (${hi.rssMiB >= lo.rssMiB ? '+' : ''}${derived[`records@${roles}`].change}%)`);
      }
    }
  }
  writeFileSync(join(ROOT, '.bench', `results-drift${opt.keyPool ? `-pool${opt.keyPool}` : ''}${opt.withoutGrantAll ? '-without-grant-all' : ''}.json`), JSON.stringify({ machine, keyPool: opt.keyPool || null, withoutGrantAll: opt.withoutGrantAll, mix: fleet.mix, command: `policy-trim drift --trail T --policy P --trail-config C ${WINDOW.join(' ')} --format json > /dev/null`, rows, derived, raw: results }, null, 2) + '\n');
  process.stdout.write(lines.join('\n') + '\n');
  const maxLoad = Math.max(...rows.flatMap((x) => x.load));
  if (maxLoad > machine.nproc * 0.5) log(`warning: the load average reached ${maxLoad} on ${machine.nproc} CPUs: wall times are noisy (memory much less so)`);
  log(`medians of ${opt.runs} runs; results also in .bench/results-drift.json`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`bench-drift: ${err.stack ?? err}\n`);
      process.exitCode = 1;
    },
  );
}
