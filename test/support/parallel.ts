/**
 * Helpers for the parallel-reader tests: a multi-file trail with problems in it, and the compiled worker.
 *
 * Workers cannot load TypeScript, so the pool runs the compiled worker in `dist/` (what `bin/policy-trim`
 * runs). `ensureBuilt()` compiles the project when `dist/` is missing or older than the reader's sources;
 * `npm test` builds first anyway.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The compiled worker entry. */
export const DIST_WORKER = pathToFileURL(join(ROOT, 'dist', 'adapters', 'fs', 'parallel-worker.js'));

/** The compiled scan worker entry (`scan-pool.ts`). */
export const DIST_SCAN_WORKER = pathToFileURL(join(ROOT, 'dist', 'adapters', 'fs', 'scan-worker.js'));

const SOURCES = [
  'adapters/fs/parallel-worker.ts',
  'adapters/fs/parallel-pool.ts',
  'adapters/fs/scan-worker.ts',
  'adapters/fs/scan-pool.ts',
  'adapters/trail-decode/prefilter-scan.ts',
  'adapters/trail-decode/prefilter.ts',
  'adapters/fs/trail-reader.ts',
  'adapters/trail-decode/decode.ts',
  'core/trail/normalize.ts',
  'core/usage/ledger.ts',
  'core/usage/tally.ts',
  'cli/activity.ts',
  'cli/sources.ts',
  'cli/commands/usage.ts',
];

/** Builds `dist/` when any reader source is newer than its compiled file. */
export function ensureBuilt(): void {
  const stale = SOURCES.some((s) => {
    const js = join(ROOT, 'dist', s.replace(/\.ts$/, '.js'));
    return !existsSync(js) || statSync(js).mtimeMs < statSync(join(ROOT, 'src', s)).mtimeMs;
  });
  if (!stale) return;
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.json')], { stdio: 'pipe' });
  } catch {
    // Type errors elsewhere in the tree still emit JavaScript (noEmitOnError is off); check what we need.
  }
  for (const entry of [DIST_WORKER, DIST_SCAN_WORKER]) if (!existsSync(fileURLToPath(entry))) throw new Error(`${fileURLToPath(entry)} was not built`);
}

const ROLE = (name: string) => `arn:aws:iam::111122223333:role/${name}`;

/** A CloudTrail record by an assumed role (a Lambda function when `session` is given). */
function call(i: number, role: string, session: string, source: string, name: string, params: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLE:${session}`,
      arn: `arn:aws:sts::111122223333:assumed-role/${role}/${session}`,
      accountId: '111122223333',
      sessionContext: { sessionIssuer: { type: 'Role', arn: ROLE(role), accountId: '111122223333', userName: role } },
    },
    eventTime: `2026-10-0${1 + (i % 5)}T${String(i % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00Z`,
    eventSource: source,
    eventName: name,
    awsRegion: 'us-east-1',
    requestParameters: params,
    eventID: `ev-${i}`,
    eventType: 'AwsApiCall',
    recipientAccountId: '111122223333',
    ...extra,
  };
}

/** The records of file `f` (different mixes per file so every worker's part differs). */
function recordsOf(f: number): unknown[] {
  const out: unknown[] = [];
  for (let k = 0; k < 30; k++) {
    const i = f * 1000 + k;
    const fn = ['orders-fn', 'billing-fn', 'search-fn'][k % 3]!;
    const role = k % 4 === 0 ? 'ops-role' : 'app-role';
    switch ((k + f) % 6) {
      case 0:
        out.push(call(i, role, fn, 's3.amazonaws.com', 'GetObject', { bucketName: 'orders', key: `receipts/${f}/${k}.json` }));
        break;
      case 1:
        out.push(call(i, role, fn, 'dynamodb.amazonaws.com', 'PutItem', { tableName: `table-${k % 3}` }));
        break;
      case 2:
        out.push(call(i, role, fn, 'sqs.amazonaws.com', 'SendMessage', { queueUrl: 'https://sqs.us-east-1.amazonaws.com/111122223333/jobs' }, { errorCode: 'AccessDenied', errorMessage: 'is not authorized to perform' }));
        break;
      case 3:
        out.push(call(i, role, fn, 'made-up.amazonaws.com', `Frobnicate${k % 2}`, {})); // unknown: a problem
        break;
      case 4:
        out.push({ eventVersion: '1.09', eventSource: 's3.amazonaws.com', eventName: 'GetObject', eventID: `ev-${i}` }); // missing fields
        break;
      default:
        out.push(call(i, role, fn, 'kms.amazonaws.com', 'Decrypt', {}, { userIdentity: { type: 'AWSService', invokedBy: 'lambda.amazonaws.com' } })); // ignored
    }
  }
  out.push(42); // not a record object
  return out;
}

/**
 * Writes a trail of `files` gzip files in the S3 layout (two regions, several days), plus a truncated gzip,
 * a non-JSON file and a digest folder. Returns its root (the `AWSLogs` parent).
 */
export function writeProblemTrail(dir: string, files = 12): string {
  for (let f = 0; f < files; f++) {
    const region = f % 2 ? 'eu-west-1' : 'us-east-1';
    const day = `0${1 + (f % 5)}`;
    const folder = join(dir, 'AWSLogs', '111122223333', 'CloudTrail', region, '2026', '10', day);
    mkdirSync(folder, { recursive: true });
    const name = `111122223333_CloudTrail_${region}_202610${day}T${String(f).padStart(2, '0')}00Z_f${f}.json.gz`;
    writeFileSync(join(folder, name), gzipSync(JSON.stringify({ Records: recordsOf(f) })));
  }
  const odd = join(dir, 'AWSLogs', '111122223333', 'CloudTrail', 'us-east-1', '2026', '10', '03');
  const whole = gzipSync(JSON.stringify({ Records: recordsOf(99) }));
  writeFileSync(join(odd, '111122223333_CloudTrail_us-east-1_20261003T2300Z_cut.json.gz'), whole.subarray(0, Math.floor(whole.length * 0.6)));
  writeFileSync(join(odd, '111122223333_CloudTrail_us-east-1_20261003T2310Z_bad.json'), 'this is not json\n');
  const digest = join(dir, 'AWSLogs', '111122223333', 'CloudTrail-Digest', 'us-east-1', '2026', '10', '03');
  mkdirSync(digest, { recursive: true });
  writeFileSync(join(digest, 'digest.json.gz'), gzipSync('{}'));
  return dir;
}
