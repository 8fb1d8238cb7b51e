/**
 * docs/permissions/: the read-only IAM policy each feature needs, one file per feature, is the source;
 * docs/permissions.json (shipped in the package, checked against the commands sent in
 * test/aws/moto.integration.test.ts) must be exactly their union, statement by statement. Every action exists
 * in the bundled catalog, is one an SDK command of the adapters needs (or kms:Decrypt, which S3 asks for on
 * our behalf), and is read-only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMAND_ACTIONS } from '../../src/adapters/aws/actions.js';
import { loadBundledCatalog } from '../../src/adapters/fs/bundled-data.js';
import { REPO_ROOT } from '../support/paths.js';

interface Statement {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: unknown;
}
interface Policy {
  Version: string;
  Statement: Statement[];
}

const DIR = join(REPO_ROOT, 'docs', 'permissions');
const read = (file: string): Policy => JSON.parse(readFileSync(file, 'utf8')) as Policy;
const actions = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const features = Object.fromEntries(
  readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f.replace(/\.json$/, ''), read(join(DIR, f))]),
) as Record<string, Policy>;
const union = read(join(REPO_ROOT, 'docs', 'permissions.json'));

/** Actions no SDK command of ours sends: S3 calls KMS with the caller's credentials to read an SSE-KMS object. */
const IMPLIED = new Set(['kms:Decrypt']);
/**
 * What Athena does with the caller's credentials for `--athena` (athena.json only): reads the table in Glue,
 * writes the results to S3 (Athena User Guide, "Access to Amazon S3" and "Fine-grained access to databases and
 * tables in the AWS Glue Data Catalog"); `athena ddl --create` creates the table. The Write-level ones among them,
 * and StartQueryExecution and StopQueryExecution, are allowed in athena.json only.
 */
const ATHENA_IMPLIED = new Set(['glue:GetDatabase', 'glue:GetTable', 'glue:CreateTable', 's3:GetBucketLocation', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts', 's3:ListBucketMultipartUploads']);
const ATHENA_WRITES = new Set(['athena:StartQueryExecution', 'athena:StopQueryExecution', 'glue:CreateTable', 's3:PutObject', 's3:AbortMultipartUpload']);

describe('docs/permissions/', () => {
  it('has a policy for each feature that reads AWS, and a README naming each file', () => {
    expect(Object.keys(features).sort()).toEqual(['access-advisor', 'athena', 'drift', 'pr', 'suggest', 'verify-with-aws']);
    const readme = readFileSync(join(DIR, 'README.md'), 'utf8');
    for (const f of Object.keys(features)) expect(readme).toContain(`${f}.json`);
  });

  it('adds up to docs/permissions.json exactly, statement by statement', () => {
    const merged = new Map<string, Statement & { Action: string[] }>();
    for (const policy of Object.values(features)) {
      expect(policy.Version).toBe('2012-10-17');
      for (const s of policy.Statement) {
        const seen = merged.get(s.Sid);
        if (seen) {
          // One Sid means one statement: the same resources and conditions in every feature's file.
          expect({ ...s, Action: undefined }, s.Sid).toEqual({ ...seen, Action: undefined });
          seen.Action = [...new Set([...seen.Action, ...actions(s)])];
        } else merged.set(s.Sid, { ...s, Action: actions(s) });
      }
    }
    const norm = (s: Statement) => ({ ...s, Action: [...actions(s)].sort() });
    const want = union.Statement.map(norm).sort((a, b) => a.Sid.localeCompare(b.Sid));
    const got = [...merged.values()].map(norm).sort((a, b) => a.Sid.localeCompare(b.Sid));
    expect(got).toEqual(want);
  });

  it('names only catalog actions that an adapter command needs, read-only, each Allow', () => {
    const catalog = loadBundledCatalog();
    const sent = new Set(Object.values(COMMAND_ACTIONS));
    for (const [feature, policy] of Object.entries(features)) {
      for (const s of policy.Statement) {
        expect(s.Effect, `${feature} ${s.Sid}`).toBe('Allow');
        for (const a of actions(s)) {
          const info = catalog.action(a);
          expect(info, `${feature}: ${a} is not in the catalog`).toBeDefined();
          expect(sent.has(a) || IMPLIED.has(a) || (feature === 'athena' && ATHENA_IMPLIED.has(a)), `${feature}: no adapter command needs ${a}`).toBe(true);
          // Two Write-level actions of the catalog, each bounded: kms:Decrypt only when S3 asks (kms:ViaService);
          // sts:AssumeRole only for drift, into the read-only role of each account .policy-trim.yml lists.
          if (a === 'kms:Decrypt') expect(JSON.stringify(s.Condition)).toContain('kms:ViaService');
          else if (a === 'sts:AssumeRole') expect(feature).toBe('drift');
          else if (ATHENA_WRITES.has(a)) expect(feature).toBe('athena');
          else expect(['List', 'Read'], `${feature}: ${a} is ${info!.accessLevel}`).toContain(info!.accessLevel);
        }
      }
    }
  });

  it('keeps the drift role off what only pr needs (CloudFormation)', () => {
    const drift = features.drift!.Statement.flatMap(actions);
    expect(drift.filter((a) => a.startsWith('cloudformation:'))).toEqual([]);
    expect(features.pr!.Statement.flatMap(actions)).toContain('cloudformation:DescribeStacks');
  });
});
