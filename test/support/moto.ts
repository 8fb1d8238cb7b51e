/**
 * Starts a moto server (`python3 -m moto.server`) on a free loopback port for integration tests, and
 * records the SDK commands clients send.
 *
 * Behaviour: `startMoto()` resolves once the server answers HTTP; `stop()` kills it and waits for the exit.
 * The account id is 123456789012 (MOTO_ACCOUNT_ID) so ARNs match the accounts in our log fixtures, and AWS
 * managed policies are loaded (MOTO_IAM_LOAD_MANAGED_POLICIES) so one can be attached to a role.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** moto's account id in these tests. */
export const MOTO_ACCOUNT_ID = '123456789012';

/** A running moto server. */
export interface MotoServer {
  endpoint: string;
  port: number;
  /** Output so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (asks the OS for one, then releases it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts moto; rejects (with its output) when it does not answer within `timeoutMs`. `multiAccount`: let
 * credentials from STS AssumeRole act in the assumed role's account (moto does so only when MOTO_ACCOUNT_ID is
 * not set; the default account is {@link MOTO_ACCOUNT_ID} either way).
 */
export async function startMoto(timeoutMs = 60_000, opts: { multiAccount?: boolean } = {}): Promise<MotoServer> {
  const port = await freePort();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('AWS_')) env[k] = v;
  if (!opts.multiAccount) env.MOTO_ACCOUNT_ID = MOTO_ACCOUNT_ID;
  env.MOTO_IAM_LOAD_MANAGED_POLICIES = 'true';
  const child: ChildProcess = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += String(d)));
  child.stderr?.on('data', (d) => (out += String(d)));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.on('exit', () => ((exited = true), resolve())));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`moto exited before answering:\n${out}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto did not answer on ${endpoint} within ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    endpoint,
    port,
    output: () => out,
    stop: async () => {
      if (!exited) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exit;
        clearTimeout(t);
      }
    },
  };
}

/** One command a client sent. */
export interface SentCommand {
  /** SDK command class name, e.g. `GetObjectCommand`. */
  command: string;
  /** Client name, e.g. `S3Client`. */
  client: string;
  input: Record<string, unknown>;
}

interface StackClient {
  middlewareStack: { add(mw: unknown, opts: { step: 'initialize'; name: string }): void };
}

/** Adds a middleware that appends every command `client` sends to `log`. */
export function recordCommands(client: unknown, log: SentCommand[]): void {
  (client as StackClient).middlewareStack.add(
    (next: (args: { input: Record<string, unknown> }) => Promise<unknown>, context: { commandName?: string; clientName?: string }) =>
      async (args: { input: Record<string, unknown> }) => {
        log.push({ command: context.commandName ?? '?', client: context.clientName ?? '?', input: args.input });
        return next(args);
      },
    { step: 'initialize', name: 'policyTrimTestRecorder' },
  );
}

/**
 * Fake credentials in the environment (never real ones), so the SDK's default provider chain finds them,
 * and no shared config file of the developer's is read. Returns a function restoring the old values.
 */
export function useFakeAwsEnv(extra: Record<string, string | undefined> = {}): () => void {
  const keys = [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
    'AWS_REGION',
    'AWS_DEFAULT_REGION',
    'AWS_CONFIG_FILE',
    'AWS_SHARED_CREDENTIALS_FILE',
    'AWS_EC2_METADATA_DISABLED',
    ...Object.keys(extra),
  ];
  const saved = new Map(keys.map((k) => [k, process.env[k]]));
  const set: Record<string, string | undefined> = {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_REGION: undefined,
    AWS_DEFAULT_REGION: undefined,
    AWS_CONFIG_FILE: '/nonexistent/policy-trim-test/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/policy-trim-test/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
  for (const [k, v] of Object.entries(set)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/** Recursively lists files under `dir` (sorted), as paths relative to it with `/` separators. */
export async function listFilesRelative(dir: string): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  const { join, relative, sep } = await import('node:path');
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of (await readdir(d, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  await walk(dir);
  return out;
}

/**
 * Uploads every file under `dir` to `bucket` (created here) at `keyPrefix` + its relative path, so a local
 * trail folder becomes a trail bucket in moto. Returns the keys.
 */
export async function uploadDirToBucket(
  s3: { send(cmd: unknown): Promise<unknown> },
  bucket: string,
  dir: string,
  keyPrefix = '',
): Promise<string[]> {
  const { readFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { CreateBucketCommand, PutObjectCommand } = await import('@aws-sdk/client-s3');
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const keys: string[] = [];
  for (const rel of await listFilesRelative(dir)) {
    const key = `${keyPrefix}${rel}`;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: await readFile(join(dir, rel)) }));
    keys.push(key);
  }
  return keys;
}

/**
 * Creates a Lambda-style role with the given inline policies (name → JSON text) and customer-managed
 * policies (name → JSON text, created and attached). Returns the role ARN.
 */
export async function seedRole(
  iam: { send(cmd: unknown): Promise<unknown> },
  role: { name: string; path?: string; inline?: Record<string, string>; managed?: Record<string, string> },
): Promise<string> {
  const { AttachRolePolicyCommand, CreatePolicyCommand, CreateRoleCommand, PutRolePolicyCommand } = await import('@aws-sdk/client-iam');
  const assume = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  });
  const created = (await iam.send(
    new CreateRoleCommand({ RoleName: role.name, Path: role.path ?? '/', AssumeRolePolicyDocument: assume }),
  )) as { Role: { Arn: string } };
  for (const [name, text] of Object.entries(role.inline ?? {})) {
    await iam.send(new PutRolePolicyCommand({ RoleName: role.name, PolicyName: name, PolicyDocument: text }));
  }
  for (const [name, text] of Object.entries(role.managed ?? {})) {
    const p = (await iam.send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: text }))) as { Policy: { Arn: string } };
    await iam.send(new AttachRolePolicyCommand({ RoleName: role.name, PolicyArn: p.Policy.Arn }));
  }
  return created.Role.Arn;
}

/**
 * Serves the bundled example (examples/orders-api) from moto: the role with its inline and managed policies in
 * IAM, the trail folder in bucket `orders-audit-logs` under `audit/`, and the trail `orders-audit` with the
 * example's event selectors. With `functions`, also the three Lambda functions that share the role.
 */
export async function seedExample(endpoint: string, options: { functions?: boolean } = {}): Promise<void> {
  const { readFileSync } = await import('node:fs');
  const { IAMClient } = await import('@aws-sdk/client-iam');
  const { S3Client } = await import('@aws-sdk/client-s3');
  const { CloudTrailClient, CreateTrailCommand, PutEventSelectorsCommand } = await import('@aws-sdk/client-cloudtrail');
  const { CreateFunctionCommand, LambdaClient } = await import('@aws-sdk/client-lambda');
  const ex = new URL('../../examples/orders-api/', import.meta.url).pathname;
  const base = { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  const iam = new IAMClient(base);
  const s3 = new S3Client({ ...base, forcePathStyle: true });
  const ct = new CloudTrailClient(base);
  const lambda = new LambdaClient(base);
  try {
    const roleArn = await seedRole(iam, {
      name: 'orders-api-role',
      inline: { 'orders-api-role': readFileSync(`${ex}policies/orders-api-role.inline.json`, 'utf8') },
      managed: { 'orders-api-shared-access': readFileSync(`${ex}policies/orders-api-shared-access.json`, 'utf8') },
    });
    await uploadDirToBucket(s3, 'orders-audit-logs', `${ex}trail`, 'audit/');
    // As the example's trail-config.json says: a multi-Region trail with global service events.
    await ct.send(new CreateTrailCommand({ Name: 'orders-audit', S3BucketName: 'orders-audit-logs', S3KeyPrefix: 'audit', IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true }));
    const selectors = JSON.parse(readFileSync(`${ex}trail-config.json`, 'utf8'));
    await ct.send(new PutEventSelectorsCommand({ TrailName: 'orders-audit', AdvancedEventSelectors: selectors.AdvancedEventSelectors }));
    if (options.functions) {
      // moto needs a deployment package but never runs it: an empty zip archive will do.
      const zip = Buffer.from('504b0506' + '00'.repeat(18), 'hex');
      for (const name of ['orders-api', 'orders-worker', 'receipts-exporter']) {
        await lambda.send(new CreateFunctionCommand({ FunctionName: name, Runtime: 'nodejs20.x', Role: roleArn, Handler: 'index.handler', Code: { ZipFile: zip } }));
      }
    }
  } finally {
    for (const c of [iam, s3, ct, lambda]) c.destroy();
  }
}
