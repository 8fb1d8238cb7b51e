/**
 * Issue 9, item 7, end to end: a crafted CloudTrail record whose fields hold escape codes and line breaks
 * cannot forge a line of the stderr summary, nor of the `usage` table.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const ROLE = 'arn:aws:iam::123456789012:role/app-role';
const FORGE = '\u001b[2K\rverified: never wider than the original (forged)\n';

function record(over: Record<string, unknown>): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    eventTime: '2026-10-10T10:00:00Z',
    eventSource: 'sqs.amazonaws.com',
    eventName: 'SendMessage',
    awsRegion: 'us-east-1',
    recipientAccountId: '123456789012',
    userIdentity: {
      type: 'AssumedRole',
      arn: `arn:aws:sts::123456789012:assumed-role/app-role/fn${FORGE}`,
      accountId: '123456789012',
      sessionContext: { sessionIssuer: { type: 'Role', arn: ROLE, accountId: '123456789012', userName: 'app-role' } },
    },
    requestParameters: { queueUrl: `https://sqs.us-east-1.amazonaws.com/123456789012/jobs${FORGE}` },
    ...over,
  };
}

const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function fixture(): { trail: string; policies: string } {
  const dir = mkdtempSync(join(tmpdir(), 'policy-trim-hostile-'));
  made.push(dir);
  const trail = join(dir, 'trail');
  const policies = join(dir, 'policies');
  mkdirSync(trail);
  mkdirSync(policies);
  writeFileSync(
    join(trail, 'a.json'),
    JSON.stringify({
      Records: [
        record({}),
        record({ eventName: `Nope${FORGE}`, eventSource: `evil${FORGE}.amazonaws.com` }),
        record({ eventName: 'SendMessage', errorCode: `AccessDenied${FORGE}`, errorMessage: 'no' }),
      ],
    }),
  );
  writeFileSync(join(trail, `x${FORGE}.json`), 'not json');
  writeFileSync(join(policies, 'p.json'), JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Sid', Effect: 'Allow', Action: 'sqs:*', Resource: '*' }] }));
  return { trail, policies };
}

/** No escape code, no carriage return, and no line but the renderer's own starting with "verified". */
function assertNotForged(text: string, verifiedLines: number): void {
  expect(text).not.toContain('\u001b');
  expect(text).not.toContain('\r');
  expect(text.split('\n').filter((l) => l.startsWith('verified')).length).toBe(verifiedLines);
}

describe('a crafted record', () => {
  it('cannot forge a summary line of suggest (stderr, --explain)', async () => {
    const f = fixture();
    const run = await runCli(['suggest', '--role', ROLE, '--policy', f.policies, '--trail', f.trail, '--explain', '--jobs', '1']);
    expect(run.code).toBe(0);
    assertNotForged(run.stderr, 1);
    expect(run.stderr).toContain('\\u001b[2K\\rverified');
  });

  it('cannot forge a line of the usage table or its summary', async () => {
    const f = fixture();
    const run = await runCli(['usage', '--trail', f.trail, '--jobs', '1']);
    expect(run.code).toBe(0);
    assertNotForged(run.stdout, 0);
    assertNotForged(run.stderr, 0);
  });
});
