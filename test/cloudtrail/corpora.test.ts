/**
 * The normalizer against real CloudTrail records collected by others, read in place from ../shared/corpora
 * (see its README for sources and licences): DataDog/stratus-red-team detonation logs, a trailscraper log file
 * as delivered to S3, and aws-cloudtrail-processing-library's odd test files. Nothing may throw and nothing
 * may vanish: every record is a call with catalog actions, or ignored/problem with a reason.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBundledCatalog } from '../../src/adapters/fs/bundled-data.js';
import { loadBundledNormalizer } from '../../src/adapters/fs/bundled-mapping.js';
import type { NormalizeResult, NormalizedCall } from '../../src/core/usage/types.js';

/** Repo root's sibling `../shared/corpora` (outside the repository; absent on a clean clone). */
const CORPORA = fileURLToPath(new URL('../../../shared/corpora/', import.meta.url));
const present = existsSync(CORPORA);

const normalize = loadBundledNormalizer();
const catalog = loadBundledCatalog();

interface Outcome {
  file: string;
  index: number;
  record: Record<string, unknown>;
  result: NormalizeResult;
}

function run(file: string, records: unknown[]): Outcome[] {
  return records.map((record, index) => ({ file, index, record: record as Record<string, unknown>, result: normalize(record, { file, index }) }));
}

function calls(outs: Outcome[]): (Outcome & { call: NormalizedCall })[] {
  return outs.flatMap((o) => (o.result.kind === 'call' ? [{ ...o, call: o.result.call }] : []));
}

describe.skipIf(!present)('stratus-red-team detonation logs (310 real records)', () => {
  const dir = join(CORPORA, 'stratus-red-team');
  const outs = present
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .flatMap((f) => run(f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown[]))
    : [];

  it('every record is accounted for: a call with catalog actions, or ignored/problem with a reason', () => {
    expect(outs.length).toBe(310);
    for (const o of outs) {
      if (o.result.kind === 'call') {
        expect(o.result.call.actions.length, `${o.file}#${o.index}`).toBeGreaterThan(0);
        for (const a of o.result.call.actions) {
          expect(catalog.action(a.action)?.id, a.action).toBe(a.action);
          expect(a.resources.length).toBeGreaterThan(0);
        }
      } else if (o.result.kind === 'ignored') expect(o.result.reason.length).toBeGreaterThan(10);
      else expect(o.result.problem.message.length).toBeGreaterThan(10);
    }
    const kinds = outs.reduce<Record<string, number>>((acc, o) => ({ ...acc, [o.result.kind]: (acc[o.result.kind] ?? 0) + 1 }), {});
    // Ignored: 3 GetCallerIdentity (permission-free) + 1 ConsoleLogin (AwsConsoleSignIn). No service is unknown.
    expect(kinds).toEqual({ call: 306, ignored: 4 });
  });

  it('Lambda dated eventNames map to their operations', () => {
    const byName = new Map(calls(outs).map((c) => [c.call.eventName, c.call]));
    expect(byName.get('UpdateFunctionCode20150331v2')!.actions.map((a) => a.action)).toEqual(['lambda:UpdateFunctionCode']);
    expect(byName.get('AddPermission20150331v2')!.actions.map((a) => a.action)).toEqual(['lambda:AddPermission']);
    const ufc = byName.get('UpdateFunctionConfiguration20150331v2')!;
    expect(ufc.operation).toBe('UpdateFunctionConfiguration');
    expect(ufc.actions[0]).toMatchObject({ action: 'lambda:UpdateFunctionConfiguration', role: 'primary' });
    // The layer-extension technique attaches a layer: lambda:GetLayerVersion on it, as a secondary action.
    const layer = ufc.actions.find((a) => a.action === 'lambda:GetLayerVersion')!;
    expect(layer.role).toBe('secondary');
    expect(layer.resources[0]).toMatch(/^arn:aws:lambda:[^:]+:\d{12}:layer:[^:]+:\d+$/);
  });

  it('AssumedRole callers are attributed to their role (any account; SSO role path kept) with the session name', () => {
    const pw = calls(outs).find((c) => c.call.eventName === 'GetPasswordData')!.call;
    expect(pw.principalArn).toBe('arn:aws:iam::457448411975:role/stratus-red-team-ec2-get-password-data-role');
    expect(pw.principalType).toBe('AssumedRole');
    expect(pw.sessionName).toBe('aws-go-sdk-1722375070115152000');
    const sso = calls(outs).find((c) => c.call.eventName === 'EnableSerialConsoleAccess')!.call;
    expect(sso.principalArn).toMatch(/^arn:aws:iam::\d{12}:role\/aws-reserved\/sso\.amazonaws\.com\/AWSReservedSSO_account-admin_[0-9a-f]+$/);
    const roles = new Set(calls(outs).filter((c) => c.call.principalType === 'AssumedRole').map((c) => c.call.principalArn));
    for (const r of roles) expect(r).toMatch(/^arn:aws:iam::\d{12}:role\//);
  });

  it('records with an authorization errorCode are denied, others failed; none count as success', () => {
    const errored = calls(outs).filter((c) => typeof c.record.errorCode === 'string' && c.record.errorCode !== '');
    expect(errored.length).toBe(52);
    for (const c of errored) {
      const code = c.record.errorCode as string;
      const want = code === 'Client.UnauthorizedOperation' || code === 'AccessDenied' ? 'denied' : 'failed';
      expect(c.call.outcome, `${c.file}#${c.index} ${code}`).toBe(want);
    }
    expect(errored.filter((c) => c.call.outcome === 'failed').map((c) => c.record.errorCode)).toEqual(['EntityTemporarilyUnmodifiableException']);
  });

  it('Bedrock InvokeModel is attributed to the foundation model named by modelId', () => {
    const im = calls(outs).find((c) => c.call.eventName === 'InvokeModel')!.call;
    expect(im.actions).toEqual([
      {
        action: 'bedrock:InvokeModel',
        role: 'primary',
        resources: ['arn:aws:bedrock:megov-northeast-1r::foundation-model/anthropic.claude-3-sonnet-20240229-v1:0'],
        resourceBasis: 'request',
      },
    ]);
  });

  it('Secrets Manager GetSecretValue resources are built per secret', () => {
    const gsv = calls(outs).filter((c) => c.call.eventName === 'GetSecretValue');
    expect(gsv.length).toBe(20);
    for (const c of gsv) expect(c.call.actions[0]!.resources[0]).toMatch(/^arn:aws:secretsmanager:[^:]+:\d{12}:secret:.+-(\?{6}|[A-Za-z0-9]{6})$/);
  });
});

describe.skipIf(!present)('trailscraper: a log file as CloudTrail delivers it to S3', () => {
  const dir = join(CORPORA, 'trailscraper');
  const name = '111111111111_CloudTrail_eu-central-1_20171211T1505Z_A6kvhMoVeCsc7v8U.json';
  const plain = present ? (JSON.parse(readFileSync(join(dir, name), 'utf8')) as { Records: unknown[] }).Records : [];

  it('the gzipped copy normalizes identically', () => {
    const gz = JSON.parse(gunzipSync(readFileSync(join(dir, `${name}.gz`))).toString('utf8')) as { Records: unknown[] };
    expect(run(name, gz.Records).map((o) => o.result)).toEqual(run(name, plain).map((o) => o.result));
  });

  it('an AssumedRole call invoked by AWS Config is the role\'s; the AWSService AssumeRole is ignored', () => {
    const outs = run(name, plain);
    expect(outs.length).toBe(plain.length);
    const cfg = calls(outs).find((c) => c.call.eventName === 'DescribeLaunchConfigurations')!.call;
    expect(cfg).toMatchObject({
      principalArn: 'arn:aws:iam::111111111111:role/someRole',
      sessionName: 'AutoScalingDescribeHandlerSession',
      invokedBy: 'config.amazonaws.com',
      outcome: 'succeeded',
      category: 'management',
      region: 'eu-central-1',
    });
    expect(cfg.actions.map((a) => a.action)).toEqual(['autoscaling:DescribeLaunchConfigurations']);
    const svc = outs.find((o) => (o.record.userIdentity as Record<string, unknown>).type === 'AWSService')!;
    expect(svc.result.kind).toBe('ignored');
  });

  it('the smoke file: API Gateway GetResource needs the HTTP-verb action apigateway:GET', () => {
    const smoke = JSON.parse(readFileSync(join(dir, 'events-for-smoke-test.json'), 'utf8')) as { Records: unknown[] };
    const outs = run('events-for-smoke-test.json', smoke.Records);
    const gr = calls(outs).find((c) => c.call.eventName === 'GetResource')!.call;
    expect(gr.principalType).toBe('Root');
    expect(gr.actions.map((a) => a.action)).toEqual(['apigateway:GET']);
  });
});

describe.skipIf(!present)('aws-cloudtrail-processing-library odd files', () => {
  const dir = join(CORPORA, 'aws-cloudtrail-processing-library');
  const files = present ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];

  it('every parseable record yields a result (placeholder services are unknown-action problems with a position); nothing throws', () => {
    let records = 0;
    const codes = new Map<string, number>();
    for (const f of files) {
      let doc: unknown;
      try {
        doc = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      } catch {
        continue; // SerializerTestFileBadJsonFormat.json: broken JSON is the reader's concern.
      }
      const recs = (doc as { Records: unknown[] }).Records;
      for (const o of run(f, recs)) {
        records++;
        if (o.result.kind === 'problem') {
          codes.set(o.result.problem.code, (codes.get(o.result.problem.code) ?? 0) + 1);
          expect(o.result.problem.file).toBe(f);
          expect(o.result.problem.position).toBe(`record ${o.index}`);
        } else if (o.result.kind === 'call') {
          for (const a of o.result.call.actions) expect(catalog.action(a.action)).toBeDefined();
        }
      }
    }
    expect(records).toBeGreaterThan(30);
    // All-null records lack required fields; placeholder services ("eventSource1") are not IAM services.
    expect(codes.get('missing-field')).toBeGreaterThan(0);
    expect(codes.get('unknown-action')).toBeGreaterThan(0);
    expect([...codes.keys()].every((c) => ['missing-field', 'unknown-action', 'unknown-principal'].includes(c))).toBe(true);
  });
});
