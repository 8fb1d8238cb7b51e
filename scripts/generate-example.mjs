#!/usr/bin/env node
// Generates the bundled example `examples/orders-api/`: an over-privileged Lambda execution role shared by three
// functions, its policies, 30 days of CloudTrail logs in the S3 delivery layout, and the trail's event selectors.
// The story and the expected `suggest` result are in examples/orders-api/README.md (hand-written, not generated).
//
// Deterministic: a seeded PRNG and fixed dates, no clock reads. Usage:
//   node scripts/generate-example.mjs --check        verify the committed files equal what this script generates
//                                     [--dir DIR]    (check a copy elsewhere instead)
//   node scripts/generate-example.mjs --write        regenerate them
//   node scripts/generate-example.mjs --out DIR      generate into DIR (used by tests)
//
// --check compares file names, JSON files byte for byte, and the *decompressed* content of each .json.gz: the
// compressed bytes depend on the zlib build inside Node, which may change between Node releases.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import {
  assumedRoleIdentity,
  createRng,
  deliveryKey,
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
  statesStartExecutionCall,
  utc,
} from './synthetic-trail.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const EXAMPLE_DIR = join(ROOT, 'examples', 'orders-api');
/** Directories and files under the example that this script owns (README.md is hand-written). */
const GENERATED_ROOTS = ['policies', 'trail', 'trail-config.json'];

/** PRNG seed of the example; change it only together with the README's numbers. */
const SEED = 20261031;

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const ROLE = 'orders-api-role';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${ROLE}`;
const TABLE = 'orders';
const INDEX = 'by-customer';
const RECEIPTS_BUCKET = `orders-receipts-${ACCOUNT}`;
const ARCHIVE_BUCKET = `orders-archive-${ACCOUNT}`;
const QUEUE = 'orders-queue';
const DLQ = 'orders-dlq';
const TOPIC = 'order-events';
const SECRET_NAME = 'orders-api/stripe-api-key';
const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${SECRET_NAME}-Xa3kP9`;
const PARAM_NAME = '/orders-api/receipts/config';
const PARAM_ARN = `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter${PARAM_NAME}`;
const KEY_ID = '5d2c8f4e-7a1b-4c3d-9e8f-0a1b2c3d4e5f';
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY_ID}`;
const STATE_MACHINE = 'order-fulfilment';
/** Window of the example: the 30 days ending 2026-11-01T00:00:00Z (i.e. 2026-10-02 .. 2026-10-31). */
const FIRST_DAY = '2026-10-02';
const DAYS = 30;
/** A day before the window; its folder is pruned by `--until 2026-11-01T00:00:00Z --days 30`. */
const OUT_OF_WINDOW_DAY = '2026-09-27';

const DAY_MS = 86_400_000;
const MIN_MS = 60_000;

// ---------------------------------------------------------------------------------------------------------------
// Policies.

/** The role's inline policy: what the team wrote for orders-api, then widened as functions were added. */
function inlinePolicy() {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'OrdersTable',
        Effect: 'Allow',
        Action: 'dynamodb:*',
        Resource: [`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${TABLE}`, `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${TABLE}/index/*`],
      },
      {
        Sid: 'ReceiptsBucket',
        Effect: 'Allow',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${RECEIPTS_BUCKET}`, `arn:aws:s3:::${RECEIPTS_BUCKET}/*`],
      },
      {
        Sid: 'OrderQueues',
        Effect: 'Allow',
        Action: 'sqs:*',
        Resource: `arn:aws:sqs:${REGION}:${ACCOUNT}:orders-*`,
      },
      {
        Sid: 'Notifications',
        Effect: 'Allow',
        Action: ['sns:Publish', 'events:PutEvents'],
        Resource: '*',
      },
      {
        Sid: 'DecryptViaSecretsAndParameters',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: KEY_ARN,
        Condition: {
          StringEquals: {
            'kms:ViaService': [`secretsmanager.${REGION}.amazonaws.com`, `ssm.${REGION}.amazonaws.com`],
          },
        },
      },
      {
        Sid: 'NeverMakeReceiptsPublic',
        Effect: 'Deny',
        Action: ['s3:DeleteBucket', 's3:PutBucketAcl', 's3:PutBucketPolicy', 's3:PutObjectAcl'],
        Resource: '*',
      },
    ],
  };
}

/** A customer-managed policy attached to the same role ("shared access for the orders functions"). */
function managedPolicy() {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'LambdaBasicExecution',
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: `arn:aws:logs:${REGION}:${ACCOUNT}:*`,
      },
      {
        Sid: 'Tracing',
        Effect: 'Allow',
        Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
        Resource: '*',
      },
      {
        Sid: 'DynamoDBEverything',
        Effect: 'Allow',
        Action: 'dynamodb:*',
        Resource: '*',
      },
      {
        Sid: 'ArchiveBucket',
        Effect: 'Allow',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${ARCHIVE_BUCKET}`, `arn:aws:s3:::${ARCHIVE_BUCKET}/*`],
      },
      {
        Sid: 'Configuration',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue', 'ssm:GetParameter*'],
        Resource: '*',
      },
      {
        Sid: 'InvokeSiblings',
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:*`,
      },
      {
        Sid: 'LeftOverFromBootstrap',
        Effect: 'Allow',
        Action: ['iam:AttachRolePolicy', 'iam:CreateRole', 'iam:PassRole'],
        Resource: '*',
      },
    ],
  };
}

/** What `aws cloudtrail get-event-selectors --trail-name orders-audit` prints for the example's trail. */
/**
 * What `aws cloudtrail get-event-selectors` prints, plus the Region fields of `aws cloudtrail get-trail`
 * (a multi-Region trail with global service events, as the console creates by default): together they say
 * which calls the trail could have shown, and where.
 */
function trailConfig() {
  return {
    TrailARN: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/orders-audit`,
    IsMultiRegionTrail: true,
    IncludeGlobalServiceEvents: true,
    HomeRegion: REGION,
    AdvancedEventSelectors: [
      { Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
      {
        Name: 'S3 object events',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
        ],
      },
      {
        Name: 'Lambda invocations',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::Lambda::Function'] },
        ],
      },
      {
        Name: 'SQS queue events',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::SQS::Queue'] },
        ],
      },
      {
        Name: 'SNS topic events',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::SNS::Topic'] },
        ],
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Activity.

/**
 * Builds every record of the example, in generation order. Each entry: `{ time (ms), record }`.
 * Only calls that this trail's selectors record are emitted (no DynamoDB item calls, no events:PutEvents, no
 * CloudWatch Logs or X-Ray data-plane calls), although the functions make them too.
 */
function buildRecords(rng) {
  const out = [];
  const roleId = rng.awsId('AROA', 17);
  const sourceIp = () => `3.${rng.between(208, 239)}.${rng.int(256)}.${rng.between(1, 254)}`;

  /** One execution environment ("cold start") of a function: its credentials last for the day in this model. */
  const session = (fn, startMs) => ({
    fn,
    identity: assumedRoleIdentity({
      account: ACCOUNT,
      roleName: ROLE,
      roleId,
      session: fn,
      accessKeyId: rng.awsId('ASIA', 16),
      creationDate: isoSeconds(startMs),
    }),
    ip: sourceIp(),
  });

  const emit = (sess, time, sdk, call, extra = {}) => {
    const record = makeRecord(
      { rng, time, identity: sess.identity, region: REGION, account: ACCOUNT, userAgent: lambdaUserAgent(sdk), sourceIp: sess.ip, ...extra },
      call,
    );
    out.push({ time, record });
  };
  const denied = (principalArn, action, resource, code, explicit) => ({
    code,
    message:
      code === 'AccessDenied' && !explicit
        ? 'Access Denied'
        : `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource} ${
            explicit ? 'with an explicit deny in an identity-based policy' : 'because no identity-based policy allows the ' + action + ' action'
          }`,
  });

  const customers = Array.from({ length: 40 }, (_, i) => `cust-${String(1000 + i * 37).padStart(5, '0')}`);
  const receipts = []; // keys written so far, for later GetObject
  let orderSeq = 0;

  for (let day = 0; day < DAYS; day++) {
    const dayStart = utc(`${FIRST_DAY}T00:00:00Z`) + day * DAY_MS;
    const at = (h, m, s = 0) => dayStart + h * 3_600_000 + m * MIN_MS + s * 1000;
    const randomTime = (fromH = 0, toH = 23) => at(rng.between(fromH, toH - 1), rng.int(60), rng.int(60));

    // orders-api: two cold starts a day. Each reads the Stripe key (Secrets Manager decrypts it with the CMK on the
    // role's behalf) and describes the orders table (the data mapper does so on start).
    const apiSessions = [];
    for (const start of [at(0, 12 + rng.int(30)), at(12, 5 + rng.int(30))]) {
      const s = session('orders-api', start);
      apiSessions.push(s);
      emit(s, start + 400, 'secrets-manager', secretsGetSecretValueCall(rng, { secretId: SECRET_NAME }));
      emit(
        s,
        start + 400,
        'secrets-manager',
        kmsDecryptCall(rng, {
          account: ACCOUNT,
          region: REGION,
          keyId: KEY_ID,
          encryptionContext: { SecretARN: SECRET_ARN, SecretVersionId: rng.uuid() },
        }),
        { invokedBy: 'secretsmanager.amazonaws.com' },
      );
      emit(s, start + 900, 'dynamodb', dynamodbTableCall(rng, { account: ACCOUNT, region: REGION, table: TABLE, eventName: 'DescribeTable' }));
    }

    // receipts-exporter: one cold start a day, reads its configuration (SecureString: SSM decrypts with the CMK).
    const expStart = at(0, 45 + rng.int(10));
    const exporter = session('receipts-exporter', expStart);
    emit(exporter, expStart + 300, 'ssm', ssmGetParameterCall(rng, { name: PARAM_NAME, withDecryption: true }));
    emit(
      exporter,
      expStart + 300,
      'ssm',
      kmsDecryptCall(rng, { account: ACCOUNT, region: REGION, keyId: KEY_ID, encryptionContext: { PARAMETER_ARN: PARAM_ARN } }),
      { invokedBy: 'ssm.amazonaws.com' },
    );

    // orders-worker: runs every few hours from an EventBridge schedule and drains the queue itself.
    const worker = session('orders-worker', at(1, 0));

    // Orders: orders-api enqueues, publishes, and invokes receipts-exporter asynchronously; the exporter writes the
    // receipt; the worker picks the message up and deletes it.
    const orders = rng.between(3, 5);
    for (let i = 0; i < orders; i++) {
      const t = randomTime(1, 23);
      const api = t < at(12, 40) ? apiSessions[0] : apiSessions[1];
      const customer = rng.pick(customers);
      const orderId = `ord-${FIRST_DAY.slice(0, 4)}${String(10 + ++orderSeq).padStart(6, '0')}`;
      emit(api, t, 'sqs', sqsCall(rng, { account: ACCOUNT, region: REGION, queue: QUEUE, eventName: 'SendMessage' }));
      emit(api, t + 120, 'sns', snsPublishCall(rng, { account: ACCOUNT, region: REGION, topic: TOPIC }));
      emit(api, t + 180, 'lambda', lambdaInvokeCall(rng, { account: ACCOUNT, region: REGION, functionName: 'receipts-exporter' }));
      const key = `receipts/${customer}/${orderId}.pdf`;
      receipts.push(key);
      emit(exporter, t + 2500, 's3', s3ObjectCall(rng, { account: ACCOUNT, bucket: RECEIPTS_BUCKET, key, eventName: 'PutObject', bytes: rng.between(18_000, 60_000) }));
      const pickup = Math.min(t + rng.between(5, 20) * MIN_MS, at(23, 20));
      emit(worker, pickup, 'sqs', sqsCall(rng, { account: ACCOUNT, region: REGION, queue: QUEUE, eventName: 'ReceiveMessage' }));
      emit(worker, pickup + 1500, 'sqs', sqsCall(rng, { account: ACCOUNT, region: REGION, queue: QUEUE, eventName: 'DeleteMessage' }));
    }
    // Empty polls.
    for (let i = 0; i < 2; i++) {
      emit(worker, randomTime(1, 23), 'sqs', sqsCall(rng, { account: ACCOUNT, region: REGION, queue: QUEUE, eventName: 'ReceiveMessage' }));
    }

    // Nightly reconciliation by receipts-exporter: list the receipts, re-read a couple.
    const recon = at(2, 10, rng.int(60));
    emit(exporter, recon, 's3', s3ListObjectsV2Call(rng, { account: ACCOUNT, bucket: RECEIPTS_BUCKET, prefix: 'receipts/' }));
    for (let i = 0; i < Math.min(2, receipts.length); i++) {
      emit(exporter, recon + 2000 + i * 700, 's3', s3ObjectCall(rng, { account: ACCOUNT, bucket: RECEIPTS_BUCKET, key: rng.pick(receipts), eventName: 'GetObject', bytes: rng.between(18_000, 60_000) }));
    }

    const date = new Date(dayStart).toISOString().slice(0, 10);
    // Denied attempts: the exporter tries to make a receipt public (blocked by the explicit Deny) ...
    if (date === '2026-10-09' || date === '2026-10-23') {
      const key = rng.pick(receipts);
      emit(
        exporter,
        at(15, 30, rng.int(60)),
        's3',
        s3ObjectCall(rng, { account: ACCOUNT, bucket: RECEIPTS_BUCKET, key, eventName: 'PutObjectAcl', acl: 'public-read' }),
        { error: { code: 'AccessDenied', message: 'Access Denied' } },
      );
    }
    // ... and the worker tries to start a Step Functions workflow the role was never given.
    if (date === '2026-10-14' || date === '2026-10-15') {
      const smArn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${STATE_MACHINE}`;
      emit(worker, at(9, 5, rng.int(60)), 'sfn', statesStartExecutionCall(rng, { account: ACCOUNT, region: REGION, stateMachine: STATE_MACHINE }), {
        error: denied(worker.identity.arn, 'states:StartExecution', smArn, 'AccessDeniedException', false),
      });
    }

    // Noise that must not count for orders-api-role.
    if (date === '2026-10-07' || date === '2026-10-21') {
      // An engineer with an IAM user cleans up by hand.
      const alice = iamUserIdentity({ account: ACCOUNT, userName: 'alice', userId: 'AIDAQ4EXAMPLEALICE01', accessKeyId: 'AKIAQ4EXAMPLEALICE01' });
      const ctx = { identity: alice, sourceIp: '198.51.100.23' };
      const ua = 'aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/macos#23.5.0 md/arch#arm64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off md/command#sqs.purge-queue';
      const push = (t, call) => out.push({ time: t, record: makeRecord({ rng, time: t, identity: ctx.identity, region: REGION, account: ACCOUNT, userAgent: ua, sourceIp: ctx.sourceIp }, call) });
      push(at(16, 2, 11), sqsCall(rng, { account: ACCOUNT, region: REGION, queue: QUEUE, eventName: 'PurgeQueue', data: false }));
      push(at(16, 4, 40), s3ObjectCall(rng, { account: ACCOUNT, bucket: RECEIPTS_BUCKET, key: rng.pick(receipts), eventName: 'DeleteObject' }));
    }
    if (date === '2026-10-12' || date === '2026-10-26') {
      // The deployment pipeline's own role updates the function and (badly) the table and the role.
      const deploySession = `codebuild-orders-api-${rng.hex(8)}`;
      const deploy = assumedRoleIdentity({ account: ACCOUNT, roleName: 'orders-deploy-role', roleId: 'AROAQ4EXAMPLEDEPLOY1', session: deploySession, accessKeyId: rng.awsId('ASIA', 16), creationDate: isoSeconds(at(10, 0)) });
      const ua = 'aws-sdk-js/3.637.0 ua/2.1 os/linux#5.10.225 lang/js md/nodejs#20.17.0 api/lambda#3.637.0 exec-env/AWS_ECS_EC2';
      const push = (t, call) => out.push({ time: t, record: makeRecord({ rng, time: t, identity: deploy, region: REGION, account: ACCOUNT, userAgent: ua, sourceIp: '52.94.133.10' }, call) });
      push(at(10, 1, 5), managementCall({
        eventSource: 'lambda.amazonaws.com',
        eventName: 'UpdateFunctionCode20150331v2',
        requestParameters: { functionName: 'orders-api', s3Bucket: `orders-artifacts-${ACCOUNT}`, s3Key: `orders-api/${rng.hex(12)}.zip`, publish: false, dryRun: false },
        readOnly: false,
      }));
      push(at(10, 1, 30), dynamodbTableCall(rng, { account: ACCOUNT, region: REGION, table: TABLE, eventName: 'UpdateTable' }));
      push(at(10, 2, 0), managementCall({
        eventSource: 'iam.amazonaws.com',
        eventName: 'AttachRolePolicy',
        requestParameters: { roleName: ROLE, policyArn: `arn:aws:iam::${ACCOUNT}:policy/orders-api-shared-access` },
        readOnly: false,
      }));
    }
    if (day % 3 === 1) {
      // A staging copy of orders-api runs under another role with the same function (session) name.
      const staging = assumedRoleIdentity({ account: ACCOUNT, roleName: `${ROLE}-staging`, roleId: 'AROAQ4EXAMPLESTAGE01', session: 'orders-api', accessKeyId: rng.awsId('ASIA', 16), creationDate: isoSeconds(at(8, 0)) });
      const push = (t, sdk, call) => out.push({ time: t, record: makeRecord({ rng, time: t, identity: staging, region: REGION, account: ACCOUNT, userAgent: lambdaUserAgent(sdk), sourceIp: sourceIp() }, call) });
      push(at(8, 0, 3), 'secrets-manager', secretsGetSecretValueCall(rng, { secretId: 'payments/db-password' }));
      push(at(8, 0, 4), 's3', s3ObjectCall(rng, { account: ACCOUNT, bucket: ARCHIVE_BUCKET, key: `exports/${date}.csv`, eventName: 'PutObject', bytes: 2048 }));
    }
  }

  // Before the window (folder pruned by the 30-day window): a one-off clean-up that used two grants for real.
  const early = utc(`${OUT_OF_WINDOW_DAY}T00:00:00Z`);
  const oldExporter = session('receipts-exporter', early + 9 * 3_600_000);
  emit(oldExporter, early + 9 * 3_600_000 + 5000, 's3', s3ObjectCall(rng, { account: ACCOUNT, bucket: RECEIPTS_BUCKET, key: 'receipts/cust-01000/ord-2025000001.pdf', eventName: 'DeleteObject' }));
  const oldApi = session('orders-api', early + 9 * 3_600_000);
  emit(oldApi, early + 9 * 3_600_000 + 60_000, 'dynamodb', dynamodbTableCall(rng, { account: ACCOUNT, region: REGION, table: TABLE, eventName: 'UpdateTable' }));
  return out;
}

/** Groups records into log files: per UTC day, one file per 6-hour block, delivered 5-12 minutes after its last event. */
function buildLogFiles(rng, entries) {
  const blocks = new Map();
  for (const e of entries) {
    const block = Math.floor(e.time / (6 * 3_600_000));
    if (!blocks.has(block)) blocks.set(block, []);
    blocks.get(block).push(e);
  }
  const files = [];
  for (const block of [...blocks.keys()].sort((a, b) => a - b)) {
    const list = blocks.get(block).sort((a, b) => a.time - b.time);
    const last = list[list.length - 1].time;
    const delivery = Math.floor((last + rng.between(5, 12) * MIN_MS) / MIN_MS) * MIN_MS;
    if (new Date(delivery).toISOString().slice(0, 10) !== new Date(last).toISOString().slice(0, 10)) {
      throw new Error('example generator: a file would be delivered on the next day; keep events before 23:40');
    }
    files.push({ path: join('trail', deliveryKey(ACCOUNT, REGION, delivery, rng.alnum(16))), json: logFileJson(list.map((e) => e.record)) });
  }
  return files;
}

/**
 * Generates the example. Returns `[{ path, text, gzip }]` sorted by path, where `path` is relative to the
 * example directory (POSIX separators), `text` is the file's (uncompressed) text and `gzip` says whether the file
 * is stored gzipped.
 */
export function generateExample() {
  const rng = createRng(SEED);
  const json = (v) => JSON.stringify(v, null, 2) + '\n';
  const files = [
    { path: 'policies/orders-api-role.inline.json', text: json(inlinePolicy()), gzip: false },
    { path: 'policies/orders-api-shared-access.json', text: json(managedPolicy()), gzip: false },
    { path: 'trail-config.json', text: json(trailConfig()), gzip: false },
  ];
  for (const f of buildLogFiles(rng, buildRecords(rng))) files.push({ path: f.path.split(sep).join('/'), text: f.json, gzip: true });
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return files;
}

/** Every file currently under the generated roots of `dir`, as POSIX relative paths. */
function listGenerated(dir) {
  const found = [];
  const walk = (p) => {
    for (const name of readdirSync(p)) {
      const full = join(p, name);
      if (statSync(full).isDirectory()) walk(full);
      else found.push(relative(dir, full).split(sep).join('/'));
    }
  };
  for (const r of GENERATED_ROOTS) {
    const full = join(dir, r);
    if (!existsSync(full)) continue;
    if (statSync(full).isDirectory()) walk(full);
    else found.push(r);
  }
  return found.sort();
}

function write(dir, files) {
  for (const r of GENERATED_ROOTS) rmSync(join(dir, r), { recursive: true, force: true });
  for (const f of files) {
    const full = join(dir, ...f.path.split('/'));
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, f.gzip ? gzipLogFile(f.text) : f.text);
  }
}

/** Compares `dir` with what the generator produces; returns a list of human-readable differences. */
function check(dir, files) {
  const problems = [];
  const expected = new Set(files.map((f) => f.path));
  const present = new Set(listGenerated(dir));
  for (const p of present) if (!expected.has(p)) problems.push(`unexpected file ${p} (not produced by the generator)`);
  for (const f of files) {
    const full = join(dir, ...f.path.split('/'));
    if (!present.has(f.path)) {
      problems.push(`missing file ${f.path}`);
      continue;
    }
    let actual;
    try {
      const raw = readFileSync(full);
      actual = f.gzip ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
    } catch (err) {
      problems.push(`${f.path}: cannot read (${err.message})`);
      continue;
    }
    if (actual !== f.text) {
      let i = 0;
      while (i < actual.length && actual[i] === f.text[i]) i++;
      problems.push(`${f.path}: content differs from the generator's output at character ${i}`);
    }
  }
  return problems;
}

function main(argv) {
  const mode = argv.includes('--write') ? 'write' : argv.includes('--check') ? 'check' : argv.includes('--out') ? 'out' : null;
  if (!mode) {
    process.stderr.write('usage: node scripts/generate-example.mjs --check | --write | --out DIR\n');
    return 64;
  }
  const files = generateExample();
  if (mode === 'out') {
    const dir = argv[argv.indexOf('--out') + 1];
    if (!dir) {
      process.stderr.write('--out needs a directory\n');
      return 64;
    }
    mkdirSync(dir, { recursive: true });
    write(resolve(dir), files);
    process.stderr.write(`wrote ${files.length} files to ${dir}\n`);
    return 0;
  }
  if (mode === 'write') {
    write(EXAMPLE_DIR, files);
    process.stderr.write(`wrote ${files.length} files to ${relative(ROOT, EXAMPLE_DIR)}\n`);
    return 0;
  }
  // --dir DIR checks another copy of the example (used by tests).
  const dir = argv.includes('--dir') ? resolve(argv[argv.indexOf('--dir') + 1] ?? '') : EXAMPLE_DIR;
  const problems = check(dir, files);
  if (problems.length) {
    process.stderr.write(
      `examples/orders-api is out of date with scripts/generate-example.mjs (${problems.length} difference(s)):\n` +
        problems.slice(0, 20).map((p) => `  - ${p}\n`).join('') +
        (problems.length > 20 ? `  ... and ${problems.length - 20} more\n` : '') +
        'Run `node scripts/generate-example.mjs --write` and commit the result (and update examples/orders-api/README.md if the story changed).\n',
    );
    return 1;
  }
  process.stderr.write(`examples/orders-api matches the generator (${files.length} files)\n`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
