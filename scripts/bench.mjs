#!/usr/bin/env node
// `npm run bench`: throughput and peak memory of `policy-trim usage` on a large synthetic trail, beside the floor
// of only decompressing the same files with both cores. Results go to stdout (a markdown table) and to
// .bench/results.json; docs/BENCHMARKS.md explains the method and records a run.
//
//   node scripts/bench.mjs                      100k and 1M records (the documented run)
//   node scripts/bench.mjs --records 200000     one size
//   options: --runs K (timed runs per measurement, median reported; default 3)
//            --cache DIR (default .bench/, git-ignored) --regenerate (ignore the cached trail)
//            --generate-only (build the trails, measure nothing)
//            --key-pool K (S3 object keys drawn from K keys per bucket instead of unique per request)
//            --stand-in "CMD ..." (measure another command instead of `usage`; labelled as a stand-in)
//   node scripts/bench.mjs --single-file [GB]   `usage` on one plain {"Records":[…]} file of GB gigabytes (default 1),
//            generated on the fly in a temp dir (deleted after) from the same record generator, unique eventIDs
//   node scripts/bench.mjs --suggest            `suggest` on the bundled example with grant-everything policies
//            (--suggest admin,poweruser,example picks scenarios; default admin,poweruser; --runs default 5 here;
//            see scripts/bench-suggest.mjs)
//   node scripts/bench.mjs --role [ROLE]       the reading phase for one principal (issue 13 §3): `usage --role ROLE`
//            (table: the byte prefilter parses only records that may be ROLE's) beside the plain reader at the same
//            commit (`usage --role ROLE --format json`, which parses every record) and the floor; ROLE defaults to
//            arn:aws:iam::111122223333:role/orders-lambda-role (one of the 24 roles); with the trail options above
//            and TrailScraper's reading phase in the same runs when installed (TRAILSCRAPER="CMD" or `trailscraper`
//            on PATH: scripts/bench-trailscraper.mjs); the table says plainly when it was not measured
//   node scripts/bench.mjs --drift [...]        `drift` over a fleet of 200 roles (scripts/bench-drift.mjs; its options there)
//            --roles N (with the trail options: N roles over the accounts, uniquely named, instead of 8 per account)
//
// The trail is deterministic (seeded per file, fixed dates in October 2026) and cached: it is rebuilt only when
// the generator code, the seed or the size changes (a key stored in <cache>/trail-N.manifest.json).

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import {
  assumedRoleIdentity,
  createRng,
  deliveryKey,
  dynamodbItemCall,
  dynamodbTableCall,
  gzipLogFile,
  iamUserIdentity,
  isoSeconds,
  kmsDecryptCall,
  lambdaInvokeCall,
  lambdaUserAgent,
  logFileJson,
  makeRecord,
  managementCall,
  s3ListObjectsV2Call,
  s3ObjectCall,
  secretsGetSecretValueCall,
  snsPublishCall,
  sqsCall,
  ssmGetParameterCall,
  utc,
} from './synthetic-trail.mjs';
import { runSuggestScenarios } from './bench-suggest.mjs';
import { findTrailScraper, trailScraperSelect } from './bench-trailscraper.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SELF = fileURLToPath(import.meta.url);

// GENERATOR-START (constants)
/** Bump when the trail's content changes in a way the source hash would not show. */
const GENERATOR_VERSION = 1;
const SEED = 0x5eed_2026;
/** Three accounts × two regions: six delivery streams, as an organization trail of a small team would have. */
const ACCOUNTS = ['111122223333', '444455556666', '777788889999'];
const REGIONS = ['us-east-1', 'eu-west-1'];
/** Seven days, 2026-10-01 .. 2026-10-07 (UTC). */
const FIRST_DAY = utc('2026-10-01T00:00:00Z');
const DAYS = 7;
/** Mean records per delivered file. CloudTrail files of a busy account hold a few hundred records. */
const RECORDS_PER_FILE = 400;
// GENERATOR-END (constants)
/** Window passed to `usage`, covering the whole synthetic trail. */
const WINDOW = ['--since', '2026-10-01T00:00:00Z', '--until', '2026-11-01T00:00:00Z'];
/** gzip level of the synthetic files: CloudTrail's own files compress about as well as zlib's default. */
const GZIP_LEVEL = 6;

// ---------------------------------------------------------------------------------------------------------------
// Trail generation. (Everything between the two GENERATOR markers, plus scripts/synthetic-trail.mjs, feeds the
// cache key: edit the measurement code freely without regenerating the trails.)
// GENERATOR-START

/**
 * Roles and functions of one account: 8 roles, 2–4 functions each, sharing the role. With `--roles N` (a fleet,
 * for `drift`), N roles over the accounts instead, named uniquely across them (`orders-3333-00-lambda-role`).
 */
function accountPrincipals(account, fleetRoles = 0) {
  const rng = createRng(SEED ^ Number(account.slice(-6)));
  const words = ['orders', 'billing', 'search', 'images', 'notify', 'auth', 'reports', 'ingest'];
  const a = ACCOUNTS.indexOf(account);
  const n = fleetRoles ? Math.floor(fleetRoles / ACCOUNTS.length) + (a < fleetRoles % ACCOUNTS.length ? 1 : 0) : 0;
  const apps = fleetRoles ? Array.from({ length: n }, (_, i) => `${words[i % 8]}-${account.slice(-4)}-${String(Math.floor(i / 8)).padStart(2, '0')}`) : words;
  return apps.map((app) => ({
    role: `${app}-lambda-role`,
    roleId: rng.awsId('AROA', 17),
    functions: Array.from({ length: rng.between(2, 4) }, (_, i) => `${app}-${['api', 'worker', 'cron', 'stream'][i]}`),
    table: `${app}-table`,
    bucket: `${app}-data-${account}`,
    queue: `${app}-jobs`,
    topic: `${app}-events`,
    secret: `${app}/credentials`,
    param: `/${app}/config`,
    keyId: rng.uuid(),
  }));
}

/**
 * The Lambda-workload mix: weight (per mille) → call builder. About 70% data events (S3 objects, DynamoDB items,
 * SQS, SNS, Lambda Invoke), the rest management events (KMS, Secrets Manager, SSM, control-plane noise).
 */
const MIX = [
  [140, 's3-get'], [90, 's3-put'], [40, 's3-head'], [25, 's3-list'],
  [140, 'ddb-get'], [70, 'ddb-put'], [80, 'ddb-query'], [50, 'ddb-update'],
  [60, 'sqs-receive'], [40, 'sqs-send'], [40, 'sqs-delete'],
  [30, 'sns-publish'], [40, 'lambda-invoke'],
  [50, 'kms-decrypt'], [25, 'secret'], [25, 'ssm'], [10, 'ddb-describe'],
  [45, 'human'],
];

function buildCall(rng, kind, p, account, region, keyPool) {
  // Object keys: unique per request (uploads named by UUID), or drawn from a pool of `keyPool` keys per bucket.
  const key = keyPool
    ? () => `${rng.pick(['in', 'out'])}/${String(rng.int(keyPool)).padStart(7, '0')}.json`
    : () => `${rng.pick(['in', 'out', 'tmp', 'thumbs'])}/${rng.hex(2)}/${rng.uuid()}.${rng.pick(['json', 'jpg', 'csv'])}`;
  switch (kind) {
    case 's3-get': return { sdk: 's3', call: s3ObjectCall(rng, { account, bucket: p.bucket, key: key(), eventName: 'GetObject', bytes: rng.between(500, 5_000_000) }) };
    case 's3-put': return { sdk: 's3', call: s3ObjectCall(rng, { account, bucket: p.bucket, key: key(), eventName: 'PutObject', bytes: rng.between(500, 5_000_000) }) };
    case 's3-head': return { sdk: 's3', call: s3ObjectCall(rng, { account, bucket: p.bucket, key: key(), eventName: 'HeadObject' }) };
    case 's3-list': return { sdk: 's3', call: s3ListObjectsV2Call(rng, { account, bucket: p.bucket, prefix: `${rng.pick(['in', 'out'])}/${rng.hex(2)}/` }) };
    case 'ddb-get': return { sdk: 'dynamodb', call: dynamodbItemCall(rng, { account, region, table: p.table, eventName: 'GetItem', key: rng.uuid() }) };
    case 'ddb-put': return { sdk: 'dynamodb', call: dynamodbItemCall(rng, { account, region, table: p.table, eventName: 'PutItem', key: rng.uuid() }) };
    case 'ddb-update': return { sdk: 'dynamodb', call: dynamodbItemCall(rng, { account, region, table: p.table, eventName: 'UpdateItem', key: rng.uuid() }) };
    case 'ddb-query': return { sdk: 'dynamodb', call: dynamodbItemCall(rng, { account, region, table: p.table, index: rng.next() < 0.5 ? 'by-owner' : undefined, eventName: 'Query' }) };
    case 'ddb-describe': return { sdk: 'dynamodb', call: dynamodbTableCall(rng, { account, region, table: p.table, eventName: 'DescribeTable' }) };
    case 'sqs-receive': return { sdk: 'sqs', call: sqsCall(rng, { account, region, queue: p.queue, eventName: 'ReceiveMessage' }) };
    case 'sqs-send': return { sdk: 'sqs', call: sqsCall(rng, { account, region, queue: p.queue, eventName: 'SendMessage' }) };
    case 'sqs-delete': return { sdk: 'sqs', call: sqsCall(rng, { account, region, queue: p.queue, eventName: 'DeleteMessage' }) };
    case 'sns-publish': return { sdk: 'sns', call: snsPublishCall(rng, { account, region, topic: p.topic }) };
    case 'lambda-invoke': return { sdk: 'lambda', call: lambdaInvokeCall(rng, { account, region, functionName: rng.pick(p.functions) }) };
    case 'kms-decrypt': {
      const viaSsm = rng.next() < 0.4;
      return {
        sdk: 'kms',
        invokedBy: viaSsm ? 'ssm.amazonaws.com' : 'secretsmanager.amazonaws.com',
        call: kmsDecryptCall(rng, {
          account, region, keyId: p.keyId,
          encryptionContext: viaSsm
            ? { PARAMETER_ARN: `arn:aws:ssm:${region}:${account}:parameter${p.param}` }
            : { SecretARN: `arn:aws:secretsmanager:${region}:${account}:secret:${p.secret}-${rng.alnum(6)}`, SecretVersionId: rng.uuid() },
        }),
      };
    }
    case 'secret': return { sdk: 'secrets-manager', call: secretsGetSecretValueCall(rng, { secretId: p.secret }) };
    case 'ssm': return { sdk: 'ssm', call: ssmGetParameterCall(rng, { name: p.param }) };
    default: throw new Error(`unknown kind ${kind}`);
  }
}

/** Control-plane calls by people and CI (not Lambda): the "noise" a real trail is full of. */
function humanCall(rng, account, region, principals) {
  const p = rng.pick(principals);
  return rng.pick([
    () => managementCall({ eventSource: 'lambda.amazonaws.com', eventName: 'GetFunction20150331v2', requestParameters: { functionName: rng.pick(p.functions) }, readOnly: true }),
    () => managementCall({ eventSource: 'lambda.amazonaws.com', eventName: 'ListFunctions20150331', requestParameters: null, readOnly: true }),
    () => managementCall({ eventSource: 'cloudformation.amazonaws.com', eventName: 'DescribeStacks', requestParameters: { stackName: `${p.role.replace('-lambda-role', '')}-stack` }, readOnly: true }),
    () => managementCall({ eventSource: 'iam.amazonaws.com', eventName: 'GetRole', requestParameters: { roleName: p.role }, readOnly: true }),
    () => dynamodbTableCall(rng, { account, region, table: p.table, eventName: 'DescribeTable' }),
    () => managementCall({ eventSource: 'logs.amazonaws.com', eventName: 'DescribeLogGroups', requestParameters: { logGroupNamePrefix: `/aws/lambda/${rng.pick(p.functions)}` }, readOnly: true }),
  ])();
}

const ERROR_OF = {
  's3.amazonaws.com': ['AccessDenied', 'Access Denied'],
  'sqs.amazonaws.com': ['AccessDenied', 'Access to the resource is denied.'],
};

/** Builds log file `index` of the plan: returns `{ json, records }`. Depends only on the index and the plan. */
function buildFile(plan, index) {
  const f = plan.files[index];
  const rng = createRng((SEED ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const principals = accountPrincipals(f.account, plan.fleetRoles);
  const sessions = new Map();
  const identityFor = (p, fn) => {
    const k = `${p.role}/${fn}`;
    if (!sessions.has(k)) {
      sessions.set(k, {
        identity: assumedRoleIdentity({ account: f.account, roleName: p.role, roleId: p.roleId, session: fn, accessKeyId: rng.awsId('ASIA', 16), creationDate: isoSeconds(f.start - rng.int(3_600_000)) }),
        ip: `3.${rng.between(208, 239)}.${rng.int(256)}.${rng.between(1, 254)}`,
      });
    }
    return sessions.get(k);
  };
  const humans = ['alice', 'bob', 'ci-deployer'].map((u) => ({
    identity: iamUserIdentity({ account: f.account, userName: u, userId: `AIDA${u.toUpperCase().replace('-', '')}EXAMPLE`.slice(0, 21), accessKeyId: rng.awsId('AKIA', 16) }),
    ua: 'aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard',
  }));
  const times = Array.from({ length: f.records }, () => f.start + rng.int(f.end - f.start)).sort((a, b) => a - b);
  const records = [];
  for (const time of times) {
    const kind = rng.weighted(MIX);
    if (kind === 'human') {
      const h = rng.pick(humans);
      records.push(makeRecord({ rng, time, identity: h.identity, region: f.region, account: f.account, userAgent: h.ua, sourceIp: '198.51.100.7' }, humanCall(rng, f.account, f.region, principals)));
      continue;
    }
    const p = rng.pick(principals);
    const fn = rng.pick(p.functions);
    const s = identityFor(p, fn);
    const { sdk, call, invokedBy } = buildCall(rng, kind, p, f.account, f.region, plan.keyPool);
    let error;
    const r = rng.next();
    if (r < 0.015) {
      const [code, message] = ERROR_OF[call.eventSource] ?? ['AccessDeniedException', `User: ${s.identity.arn} is not authorized to perform: ${call.eventSource.split('.')[0]}:${call.eventName} because no identity-based policy allows the action`];
      error = { code, message };
    } else if (r < 0.02) {
      error = { code: 'ThrottlingException', message: 'Rate exceeded' };
    } else if (r < 0.03 && (call.eventName === 'PutItem' || call.eventName === 'UpdateItem')) {
      error = { code: 'ConditionalCheckFailedException', message: 'The conditional request failed' };
    }
    records.push(makeRecord({ rng, time, identity: s.identity, region: f.region, account: f.account, userAgent: lambdaUserAgent(sdk), sourceIp: s.ip, error, invokedBy }, call));
  }
  return { json: logFileJson(records), records: records.length };
}

/** The file plan: which stream, day and delivery time each file has and how many records it holds. */
function makePlan(total, keyPool = 0, fleetRoles = 0) {
  const rng = createRng(SEED);
  const nFiles = Math.max(1, Math.round(total / RECORDS_PER_FILE));
  const streams = ACCOUNTS.flatMap((account) => REGIONS.map((region) => ({ account, region })));
  const perStreamDay = Math.ceil(nFiles / (streams.length * DAYS));
  // Sizes vary by up to ±50% in pairs (+d, -d) so the total stays exact; the remainder goes to the first files.
  const base = Math.floor(total / nFiles);
  const sizes = new Array(nFiles).fill(base);
  for (let i = 0; i + 1 < nFiles; i += 2) {
    const d = rng.int(Math.floor(base / 2) + 1);
    sizes[i] += d;
    sizes[i + 1] -= d;
  }
  for (let i = 0, rest = total - base * nFiles; rest > 0; i++, rest--) sizes[i % nFiles]++;
  const files = [];
  for (let i = 0; i < nFiles; i++) {
    const stream = streams[i % streams.length];
    const slot = Math.floor(i / streams.length); // 0 .. perStreamDay*DAYS-1
    const day = Math.floor(slot / perStreamDay);
    const within = slot % perStreamDay;
    const span = DAY_MS_BENCH / perStreamDay;
    const start = FIRST_DAY + day * DAY_MS_BENCH + Math.floor(within * span);
    const end = start + Math.floor(span * 0.9);
    const delivery = Math.floor((end + 5 * 60_000) / 60_000) * 60_000;
    files.push({ ...stream, start, end, key: deliveryKey(stream.account, stream.region, delivery, rng.alnum(16)), records: sizes[i] });
  }
  return { total, keyPool, fleetRoles, files };
}
const DAY_MS_BENCH = 86_400_000;
// GENERATOR-END

function sourceKey(total, keyPool, fleetRoles = 0) {
  const h = createHash('sha256');
  h.update(readFileSync(join(ROOT, 'scripts', 'synthetic-trail.mjs')));
  const sections = readFileSync(SELF, 'utf8').match(/\/\/ GENERATOR-START[\s\S]*?\/\/ GENERATOR-END/g) ?? [];
  if (sections.length !== 2) throw new Error('bench.mjs: GENERATOR-START/END markers missing');
  for (const sec of sections) h.update(sec); // constants, the mix, the plan, the file builder
  h.update(`${GENERATOR_VERSION}:${SEED}:${total}:${GZIP_LEVEL}:${keyPool}${fleetRoles ? `:roles${fleetRoles}` : ''}`);
  return h.digest('hex').slice(0, 16);
}

/** Makes sure `<cache>/trail-<N>/` holds the trail for N records; returns its manifest. */
async function ensureTrail(cache, total, keyPool, regenerate, fleetRoles = 0) {
  const name = `trail-${total}${keyPool ? `-pool${keyPool}` : ''}${fleetRoles ? `-roles${fleetRoles}` : ''}`;
  const dir = join(cache, name);
  // Beside the trail, not in it: `usage --trail DIR` would read (and report) it as a non-CloudTrail file.
  const manifestPath = join(cache, `${name}.manifest.json`);
  const key = sourceKey(total, keyPool, fleetRoles);
  if (!regenerate && existsSync(manifestPath)) {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (m.key === key && m.files === m.fileList.length && m.fileList.every((f) => existsSync(join(dir, f)))) {
      log(`trail of ${fmtInt(total)} records is up to date in ${relative(ROOT, dir) || dir} (key ${key})`);
      return { dir, ...m };
    }
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const plan = makePlan(total, keyPool, fleetRoles);
  log(`generating ${fmtInt(total)} records in ${plan.files.length} files into ${relative(ROOT, dir) || dir} ...`);
  const t0 = performance.now();
  const nWorkers = Math.max(1, Math.min(cpus().length, 4));
  const results = await Promise.all(
    Array.from({ length: nWorkers }, (_, w) =>
      new Promise((res, rej) => {
        const worker = new Worker(SELF, { workerData: { total, keyPool, fleetRoles, dir, worker: w, of: nWorkers } });
        worker.once('message', res);
        worker.once('error', rej);
        worker.once('exit', (code) => code !== 0 && rej(new Error(`generator worker exited with ${code}`)));
      }),
    ),
  );
  const rawBytes = results.reduce((s, r) => s + r.rawBytes, 0);
  const gzBytes = results.reduce((s, r) => s + r.gzBytes, 0);
  const records = results.reduce((s, r) => s + r.records, 0);
  if (records !== total) throw new Error(`generator produced ${records} records, expected ${total}`);
  const manifest = {
    key,
    records,
    files: plan.files.length,
    rawBytes,
    gzBytes,
    accounts: ACCOUNTS.length,
    regions: REGIONS.length,
    days: DAYS,
    ...(fleetRoles ? { fleetRoles } : {}),
    fileList: plan.files.map((f) => f.key),
  };
  writeFileSync(manifestPath, JSON.stringify(manifest));
  log(`generated in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${fmtMB(rawBytes)} MB of JSON, ${fmtMB(gzBytes)} MB gzipped, ${(rawBytes / records).toFixed(0)} bytes/record`);
  return { dir, ...manifest };
}

function workerMain() {
  const { total, keyPool, fleetRoles, dir, worker, of } = workerData;
  const plan = makePlan(total, keyPool, fleetRoles);
  let rawBytes = 0;
  let gzBytes = 0;
  let records = 0;
  for (let i = worker; i < plan.files.length; i += of) {
    const { json, records: n } = buildFile(plan, i);
    const gz = gzipLogFile(json, GZIP_LEVEL);
    const path = join(dir, plan.files[i].key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, gz);
    rawBytes += Buffer.byteLength(json);
    gzBytes += gz.length;
    records += n;
  }
  parentPort.postMessage({ rawBytes, gzBytes, records });
}

// ---------------------------------------------------------------------------------------------------------------
// Measurement.

function log(msg) {
  process.stderr.write(`[bench] ${msg}\n`);
}
const fmtInt = (n) => Math.round(n).toLocaleString('en-US');
const fmtMB = (b) => (b / 1e6).toFixed(1);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs a command with stdout to /dev/null; resolves `{ ms, code, stderr }`. */
function run(cmd, args, { env } = {}) {
  return new Promise((res, rej) => {
    const devnull = openSync('/dev/null', 'w');
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', devnull, 'pipe'], env: env ?? process.env, cwd: ROOT });
    let stderr = '';
    child.stderr.on('data', (d) => {
      if (stderr.length < 1_000_000) stderr += d;
    });
    child.once('error', (e) => {
      closeSync(devnull);
      rej(e);
    });
    child.once('close', (code) => {
      closeSync(devnull);
      res({ ms: performance.now() - t0, code, stderr });
    });
  });
}

/** The floor: two `zcat` processes, one per half of the files (alternating, so both halves are alike), to /dev/null. */
async function measureFloor(trail) {
  const files = trail.fileList.map((f) => join(trail.dir, f));
  const halves = [files.filter((_, i) => i % 2 === 0), files.filter((_, i) => i % 2 === 1)];
  const t0 = performance.now();
  const runs = await Promise.all(halves.filter((h) => h.length).map((h) => run('zcat', h)));
  const ms = performance.now() - t0;
  for (const r of runs) if (r.code !== 0) throw new Error(`zcat failed: ${r.stderr.slice(0, 500)}`);
  return { ms };
}

const HAS_GNU_TIME = (() => {
  if (!existsSync('/usr/bin/time')) return false;
  const r = spawnSync('/usr/bin/time', ['-v', 'true'], { encoding: 'utf8' });
  return r.status === 0 && /Maximum resident set size/.test(r.stderr);
})();

/**
 * Measures one command: wall time from spawn to exit, and the child's peak RSS. With GNU time (`/usr/bin/time -v`)
 * the RSS is its "Maximum resident set size"; otherwise a preloaded module reports `process.resourceUsage().maxRSS`
 * at exit (both are the kernel's ru_maxrss of the node process, in KiB).
 */
async function measureCommand(cmdArgs) {
  const rssFile = join(ROOT, '.bench', `rss-${process.pid}.txt`);
  let r;
  if (HAS_GNU_TIME) {
    r = await run('/usr/bin/time', ['-v', ...cmdArgs]);
  } else {
    const preload = `data:text/javascript,${encodeURIComponent(
      `import {writeFileSync} from 'node:fs'; process.on('exit', () => writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));`,
    )}`;
    r = await run(cmdArgs[0], ['--import', preload, ...cmdArgs.slice(1)]);
  }
  if (r.code !== 0) throw new Error(`${cmdArgs.join(' ')} exited with ${r.code}:\n${r.stderr.slice(-2000)}`);
  let rssKiB;
  let cpuMs = NaN;
  if (HAS_GNU_TIME) {
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
    rssKiB = m ? Number(m[1]) : NaN;
    // CPU time (user + system, all threads): less distorted than wall time when other work shares the CPUs.
    const user = /User time \(seconds\): ([\d.]+)/.exec(r.stderr);
    const sys = /System time \(seconds\): ([\d.]+)/.exec(r.stderr);
    if (user && sys) cpuMs = (Number(user[1]) + Number(sys[1])) * 1000;
  } else {
    rssKiB = Number(readFileSync(rssFile, 'utf8'));
    rmSync(rssFile, { force: true });
  }
  return { ms: r.ms, rssKiB, cpuMs };
}

function usageCommand(trail, standIn) {
  if (standIn) return standIn.split(/\s+/).filter(Boolean).map((a) => a.replaceAll('{trail}', trail.dir));
  return [process.execPath, join(ROOT, 'bin', 'policy-trim'), 'usage', '--trail', trail.dir, ...WINDOW, '--format', 'json'];
}

function machine() {
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: +(totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    zcat: (spawnSync('gzip', ['--version'], { encoding: 'utf8' }).stdout ?? '').split('\n')[0],
    rss: HAS_GNU_TIME ? '/usr/bin/time -v' : 'process.resourceUsage().maxRSS at exit',
  };
}

function parseArgs(argv) {
  const opt = { sizes: [100_000, 1_000_000], runs: undefined, cache: join(ROOT, '.bench'), regenerate: false, generateOnly: false, standIn: null, keyPool: 0, suggest: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--records') opt.sizes = val().split(',').map((s) => {
      const n = Number(s.replace(/[_,]/g, ''));
      if (!Number.isInteger(n) || n < 1) throw new Error(`--records: not a positive integer: ${s}`);
      return n;
    });
    else if (a === '--runs') opt.runs = Math.max(1, Number(val()));
    else if (a === '--cache') opt.cache = resolve(val());
    else if (a === '--regenerate') opt.regenerate = true;
    else if (a === '--key-pool') opt.keyPool = Math.max(0, Number(val()) | 0);
    else if (a === '--roles') opt.fleetRoles = Math.max(0, Number(val()) | 0);
    else if (a === '--generate-only') opt.generateOnly = true;
    else if (a === '--stand-in') opt.standIn = val();
    else if (a === '--single-file') opt.singleFileGB = argv[i + 1] && !argv[i + 1].startsWith('--') ? Number(val()) : 1;
    else if (a === '--role') opt.role = argv[i + 1] && !argv[i + 1].startsWith('--') ? val() : `arn:aws:iam::${ACCOUNTS[0]}:role/orders-lambda-role`;
    else if (a === '--suggest') opt.suggest = argv[i + 1] && !argv[i + 1].startsWith('--') ? val().split(',') : ['admin', 'poweruser'];
    else throw new Error(`unknown option ${a} (see the comment at the top of scripts/bench.mjs)`);
  }
  return opt;
}

async function main() {
  if (process.argv[2] === '--drift') return (await import('./bench-drift.mjs')).main(process.argv.slice(3));
  let opt;
  try {
    opt = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`bench: ${e.message}\n`);
    return 64;
  }
  mkdirSync(opt.cache, { recursive: true });
  mkdirSync(join(ROOT, '.bench'), { recursive: true });
  const m = machine();
  log(`machine: ${m.nproc} CPUs (${m.cpu}), ${m.memoryGiB} GiB, node ${m.node}; peak RSS via ${m.rss}`);
  if (opt.suggest) {
    if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
      process.stderr.write('bench: dist/cli/main.js is missing: run `npm run build` first (bin/policy-trim runs the compiled CLI).\n');
      return 1;
    }
    const runs = opt.runs ?? 5;
    const { results, table } = await runSuggestScenarios({ names: opt.suggest, runs, root: ROOT, benchDir: join(ROOT, '.bench'), measureCommand, median, log, machine: m });
    process.stdout.write(table);
    if (results.some((r) => r.maxLoadAverage > m.nproc * 0.5)) log(`warning: the load average exceeded half the CPUs during these runs: the timings are noisy`);
    log(`medians of ${runs} runs; results also in .bench/results-suggest.json`);
    return 0;
  }
  opt.runs ??= 3;
  if (opt.singleFileGB) return singleFileBench(opt, m);
  const trails = [];
  for (const n of opt.sizes) trails.push(await ensureTrail(opt.cache, n, opt.keyPool, opt.regenerate, opt.fleetRoles));
  if (opt.generateOnly) return 0;
  if (opt.role) return roleBench(opt, m, trails);

  if (!opt.standIn && !existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    process.stderr.write('bench: dist/cli/main.js is missing: run `npm run build` first (bin/policy-trim runs the compiled CLI).\n');
    return 1;
  }
  const results = [];
  for (const trail of trails) {
    const cmd = usageCommand(trail, opt.standIn);
    log(`${fmtInt(trail.records)} records: warm-up (page cache) ...`);
    await measureFloor(trail);
    await measureCommand(cmd);
    const floor = [];
    const usage = [];
    const loads = [];
    for (let k = 0; k < opt.runs; k++) {
      loads.push(loadavg()[0]);
      floor.push((await measureFloor(trail)).ms);
      usage.push(await measureCommand(cmd));
      log(`  run ${k + 1}/${opt.runs}: floor ${(floor[k] / 1000).toFixed(2)} s, usage ${(usage[k].ms / 1000).toFixed(2)} s, peak RSS ${(usage[k].rssKiB / 1024).toFixed(0)} MiB`);
    }
    const floorMs = median(floor);
    const usageMs = median(usage.map((u) => u.ms));
    results.push({
      records: trail.records,
      files: trail.files,
      gzMB: +fmtMB(trail.gzBytes),
      rawMB: +fmtMB(trail.rawBytes),
      floorSeconds: +(floorMs / 1000).toFixed(2),
      floorRecordsPerSecond: Math.round(trail.records / (floorMs / 1000)),
      floorRawMBPerSecond: +(trail.rawBytes / 1e6 / (floorMs / 1000)).toFixed(0),
      usageSeconds: +(usageMs / 1000).toFixed(2),
      usageRecordsPerSecond: Math.round(trail.records / (usageMs / 1000)),
      usageRawMBPerSecond: +(trail.rawBytes / 1e6 / (usageMs / 1000)).toFixed(0),
      ratioToFloor: +(floorMs / usageMs).toFixed(2),
      peakRssMiB: Math.round(Math.max(...usage.map((u) => u.rssKiB)) / 1024),
      runs: opt.runs,
      // 1-minute load average before each run: other processes on the machine distort both timings.
      maxLoadAverage: +Math.max(...loads, loadavg()[0]).toFixed(1),
    });
    if (results.at(-1).maxLoadAverage > m.nproc * 0.5) {
      log(`warning: load average reached ${results.at(-1).maxLoadAverage} on ${m.nproc} CPUs during these runs: the timings are noisy; rerun on an idle machine`);
    }
  }
  const out = { machine: m, keyPool: opt.keyPool || null, command: opt.standIn ? `STAND-IN: ${opt.standIn}` : 'policy-trim usage --trail DIR --since 2026-10-01T00:00:00Z --until 2026-11-01T00:00:00Z --format json > /dev/null', results };
  writeFileSync(join(ROOT, '.bench', 'results.json'), JSON.stringify(out, null, 2) + '\n');
  const lines = [
    opt.standIn ? `**Stand-in measured, not \`usage\`:** \`${opt.standIn}\`` : '',
    '| records | files | gzip MB | JSON MB | floor (2× zcat) s | floor records/s | floor JSON MB/s | usage s | usage records/s | usage JSON MB/s | usage / floor | usage peak RSS MiB | max load avg |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map((r) =>
      `| ${fmtInt(r.records)} | ${fmtInt(r.files)} | ${r.gzMB} | ${r.rawMB} | ${r.floorSeconds} | ${fmtInt(r.floorRecordsPerSecond)} | ${r.floorRawMBPerSecond} | ${r.usageSeconds} | ${fmtInt(r.usageRecordsPerSecond)} | ${r.usageRawMBPerSecond} | ${Math.round(r.ratioToFloor * 100)}% | ${r.peakRssMiB} | ${r.maxLoadAverage} |`),
  ].filter(Boolean);
  process.stdout.write(lines.join('\n') + '\n');
  log(`medians of ${opt.runs} runs; results also in .bench/results.json`);
  return 0;
}

/**
 * `--role`: per trail, the floor, the plain reader (`usage --role R --format json`: every record parsed, its JSON
 * summary counts them all) and the prefiltered one (`usage --role R`, the table), alternating their order run by
 * run; medians of wall and CPU time. Both print R's usage; the table is what the prefilter speeds up. The issue's
 * target is for the reading phase (records to usage ledger): the prefiltered command's wall time less that of the
 * same command over the trail's first file alone (start-up, the catalog, one file, the output), measured in the
 * same runs.
 */
async function roleBench(opt, m, trails) {
  const base = (trail) => [process.execPath, join(ROOT, 'bin', 'policy-trim'), 'usage', '--trail', trail.dir, ...WINDOW, '--role', opt.role];
  const results = [];
  // TrailScraper's reading phase over the same files, window and role, when it is installed (scripts/bench-trailscraper.mjs).
  const scraper = findTrailScraper();
  if ('missing' in scraper) log(`TrailScraper not measured: ${scraper.missing}`);
  for (const trail of trails) {
    const plainCmd = [...base(trail), '--format', 'json'];
    const filteredCmd = base(trail);
    const oneFileCmd = [...filteredCmd.slice(0, 4), join(trail.dir, trail.fileList[0]), ...filteredCmd.slice(5)];
    log(`${fmtInt(trail.records)} records, --role ${opt.role}: warm-up (page cache) ...`);
    await measureFloor(trail);
    await measureCommand(filteredCmd);
    const floor = [];
    const plain = [];
    const filtered = [];
    const scraped = [];
    const oneFile = [];
    const loads = [];
    const scraperCmd = 'argv' in scraper ? trailScraperSelect(scraper.argv, trail.dir, opt.role, WINDOW[1].slice(0, 10), WINDOW[3].slice(0, 10)) : undefined;
    for (let k = 0; k < opt.runs; k++) {
      loads.push(loadavg()[0]);
      floor.push((await measureFloor(trail)).ms);
      if (k % 2 === 0) {
        plain.push(await measureCommand(plainCmd));
        filtered.push(await measureCommand(filteredCmd));
      } else {
        filtered.push(await measureCommand(filteredCmd));
        plain.push(await measureCommand(plainCmd));
      }
      oneFile.push(await measureCommand(oneFileCmd));
      if (scraperCmd) scraped.push(await measureCommand(scraperCmd));
      const ts = scraperCmd ? `, TrailScraper ${(scraped[k].ms / 1000).toFixed(2)} s` : '';
      log(`  run ${k + 1}/${opt.runs}: floor ${(floor[k] / 1000).toFixed(2)} s, plain ${(plain[k].ms / 1000).toFixed(2)} s, prefiltered ${(filtered[k].ms / 1000).toFixed(2)} s${ts}`);
    }
    const f = median(floor);
    const p = median(plain.map((u) => u.ms));
    const q = median(filtered.map((u) => u.ms));
    const startup = median(oneFile.map((u) => u.ms));
    results.push({
      records: trail.records,
      files: trail.files,
      floorSeconds: +(f / 1000).toFixed(2),
      plainSeconds: +(p / 1000).toFixed(2),
      plainCpuSeconds: +(median(plain.map((u) => u.cpuMs)) / 1000).toFixed(2),
      prefilteredSeconds: +(q / 1000).toFixed(2),
      prefilteredCpuSeconds: +(median(filtered.map((u) => u.cpuMs)) / 1000).toFixed(2),
      plainToFloor: +(f / p).toFixed(2),
      prefilteredToFloor: +(f / q).toFixed(2),
      startupSeconds: +(startup / 1000).toFixed(2),
      readingPhaseSeconds: +((q - startup) / 1000).toFixed(2),
      readingPhaseToFloor: +(f / Math.max(1, q - startup)).toFixed(2),
      prefilteredPeakRssMiB: Math.round(Math.max(...filtered.map((u) => u.rssKiB)) / 1024),
      trailScraperSeconds: scraped.length ? +(median(scraped.map((u) => u.ms)) / 1000).toFixed(2) : null,
      trailScraperCpuSeconds: scraped.length ? +(median(scraped.map((u) => u.cpuMs)) / 1000).toFixed(2) : null,
      trailScraperToFloor: scraped.length ? +(f / median(scraped.map((u) => u.ms))).toFixed(2) : null,
      runs: opt.runs,
      maxLoadAverage: +Math.max(...loads, loadavg()[0]).toFixed(1),
    });
  }
  const trailScraper = 'argv' in scraper ? { version: scraper.version, command: 'select --log-dir DIR --filter-assumed-role-arn ROLE --from --to' } : { notMeasured: scraper.missing };
  writeFileSync(join(ROOT, '.bench', 'results-role.json'), JSON.stringify({ machine: m, role: opt.role, trailScraper, results }, null, 2) + '\n');
  const ts = (r) => (r.trailScraperSeconds === null ? 'not measured' : `${r.trailScraperSeconds} (CPU ${r.trailScraperCpuSeconds}, ${Math.round(r.trailScraperToFloor * 100)}%)`);
  const lines = [
    `\`usage --role ${opt.role}\`: plain = \`--format json\` (every record parsed), prefiltered = the table; TrailScraper: ${'argv' in scraper ? `${scraper.version}, \`select\` (its reading phase)` : `not measured (${scraper.missing})`}`,
    '| records | files | floor (2× zcat) s | plain s | plain CPU s | plain / floor | prefiltered s | prefiltered CPU s | prefiltered / floor | one file s | reading phase s | reading phase / floor | prefiltered peak RSS MiB | TrailScraper s | max load avg |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map((r) =>
      `| ${fmtInt(r.records)} | ${fmtInt(r.files)} | ${r.floorSeconds} | ${r.plainSeconds} | ${r.plainCpuSeconds} | ${Math.round(r.plainToFloor * 100)}% | ${r.prefilteredSeconds} | ${r.prefilteredCpuSeconds} | ${Math.round(r.prefilteredToFloor * 100)}% | ${r.startupSeconds} | ${r.readingPhaseSeconds} | ${Math.round(r.readingPhaseToFloor * 100)}% | ${r.prefilteredPeakRssMiB} | ${ts(r)} | ${r.maxLoadAverage} |`),
  ];
  process.stdout.write(lines.join('\n') + '\n');
  log(`medians of ${opt.runs} runs; results also in .bench/results-role.json`);
  return 0;
}

/**
 * Writes one plain `{"Records":[…]}` file of about `bytes` bytes from the synthetic trail's records, each with a
 * unique eventID (copies of a record would be dropped as duplicates). Returns its record count.
 */
async function writeSingleFile(path, bytes) {
  const out = createWriteStream(path);
  const write = (s) => (out.write(s) ? undefined : new Promise((r) => out.once('drain', r)));
  const plan = makePlan(4_000_000);
  let written = 0;
  let records = 0;
  await write('{"Records":[');
  for (let f = 0; written < bytes; f = (f + 1) % plan.files.length) {
    for (const rec of JSON.parse(buildFile(plan, f).json).Records) {
      rec.eventID = `${rec.eventID}-${records}`;
      const s = (records ? ',\n' : '\n') + JSON.stringify(rec);
      written += s.length;
      records++;
      await write(s);
    }
  }
  await write('\n]}\n');
  await new Promise((r) => out.end(r));
  return records;
}

/** `usage` on one large file: wall time and peak RSS (medians / max of the runs). */
async function singleFileBench(opt, m) {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    process.stderr.write('bench: dist/cli/main.js is missing: run `npm run build` first.\n');
    return 1;
  }
  const dir = mkdtempSync(join(tmpdir(), 'pt-bench-single-'));
  try {
    const file = join(dir, 'export.json');
    const t0 = performance.now();
    const records = await writeSingleFile(file, opt.singleFileGB * 1e9);
    const size = statSync(file).size;
    log(`wrote ${fmtInt(records)} records, ${fmtMB(size)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const cmd = opt.standIn
      ? opt.standIn.split(/\s+/).filter(Boolean).map((a) => a.replaceAll('{trail}', file))
      : [process.execPath, join(ROOT, 'bin', 'policy-trim'), 'usage', '--trail', file, ...WINDOW, '--format', 'json'];
    const runs = [];
    for (let k = 0; k < opt.runs; k++) {
      const r = await measureCommand(cmd).catch((e) => ({ error: e.message.split('\n').slice(0, 3).join(' ') }));
      runs.push(r);
      log(r.error ? `  run ${k + 1}: failed: ${r.error}` : `  run ${k + 1}/${opt.runs}: ${(r.ms / 1000).toFixed(2)} s, peak RSS ${(r.rssKiB / 1024).toFixed(0)} MiB, CPU ${(r.cpuMs / 1000).toFixed(1)} s`);
    }
    const ok = runs.filter((r) => !r.error);
    const result = {
      records,
      fileMB: +fmtMB(size),
      usageSeconds: ok.length ? +(median(ok.map((r) => r.ms)) / 1000).toFixed(2) : null,
      recordsPerSecond: ok.length ? Math.round(records / (median(ok.map((r) => r.ms)) / 1000)) : null,
      peakRssMiB: ok.length ? Math.round(Math.max(...ok.map((r) => r.rssKiB)) / 1024) : null,
      failed: runs.length - ok.length,
      runs: opt.runs,
      maxLoadAverage: +loadavg()[0].toFixed(1),
    };
    writeFileSync(join(ROOT, '.bench', 'results-single.json'), JSON.stringify({ machine: m, command: opt.standIn ?? 'policy-trim usage --trail FILE', result }, null, 2) + '\n');
    process.stdout.write(
      '| records | file MB | usage s | records/s | peak RSS MiB | failed runs |\n|---:|---:|---:|---:|---:|---:|\n' +
        `| ${fmtInt(records)} | ${result.fileMB} | ${result.usageSeconds} | ${fmtInt(result.recordsPerSecond ?? 0)} | ${result.peakRssMiB} | ${result.failed}/${result.runs} |\n`,
    );
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMainThread) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`bench: ${err.stack ?? err}\n`);
      process.exitCode = 1;
    },
  );
} else {
  workerMain();
}
