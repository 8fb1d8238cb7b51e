/**
 * The token reaches git through the environment only, is what an https remote receives, replaces a header a
 * checkout left in the repository's config, and never appears in an error.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialEnvironment, remoteBranchSha, shownCommand, type GitContext } from '../../src/adapters/git/index.js';
import { basicAuthValue } from '../../src/core/pr/redact.js';
import { tempDir } from '../support/offline-fixture.js';

const TOKEN = 'ghs_TestTokenValue0123456789abcdefABCDEF';

/** A stand-in for a git https host that refuses everything (403) and records the headers it was sent. */
let server: Server;
let base = '';
const seen: IncomingHttpHeaders[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(403, { 'content-type': 'text/plain' }).end(`denied; you sent ${req.headers.authorization ?? 'nothing'}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function isolatedRepository(remoteUrl: string): GitContext {
  const home = tempDir('pt-cred-home-');
  writeFileSync(join(home, '.gitconfig'), '');
  const env = { PATH: process.env.PATH, HOME: home, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: join(home, '.gitconfig') };
  const work = tempDir('pt-cred-');
  execFileSync('git', ['init', '--quiet', work], { env });
  execFileSync('git', ['remote', 'add', 'origin', remoteUrl], { cwd: work, env });
  return { cwd: work, remote: 'origin', env, token: TOKEN };
}

describe('credentialEnvironment', () => {
  it('sets a basic-auth header for the remote’s https origin, after emptying any inherited one', () => {
    expect(credentialEnvironment(TOKEN, ['https://x:y@GitHub.com/o/r.git', 'https://github.com/o/r'], { GIT_CONFIG_COUNT: '2' })).toEqual({
      GIT_CONFIG_KEY_2: 'http.https://github.com/.extraheader',
      GIT_CONFIG_VALUE_2: '',
      GIT_CONFIG_KEY_3: 'http.https://github.com/.extraheader',
      GIT_CONFIG_VALUE_3: `AUTHORIZATION: basic ${basicAuthValue(TOKEN)}`,
      GIT_CONFIG_COUNT: '4',
    });
  });

  it('gives nothing without a token, or for ssh and local remotes', () => {
    expect(credentialEnvironment(undefined, ['https://github.com/o/r'])).toEqual({});
    expect(credentialEnvironment(TOKEN, ['git@github.com:o/r.git', 'ssh://git@ghe.example.com/o/r', '/srv/r.git'])).toEqual({});
  });
});

describe('a token given to the git adapter', () => {
  it('is sent to the https remote as git’s Authorization header, replacing one left in the config', async () => {
    const ctx = isolatedRepository(`${base}/o/r.git`);
    execFileSync('git', ['config', `http.${base}/.extraheader`, 'AUTHORIZATION: basic bGVmdG92ZXI='], { cwd: ctx.cwd, env: ctx.env });
    seen.length = 0;
    await expect(remoteBranchSha(ctx, 'policy-trim/app')).rejects.toMatchObject({ code: 'git-failed' });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.map((h) => h.authorization)).toEqual(seen.map(() => `basic ${basicAuthValue(TOKEN)}`));
  });

  it('never appears in the error, the command shown or its hint, in any form', async () => {
    const ctx = isolatedRepository(`${base.replace('//', `//x-access-token:${TOKEN}@`)}/o/r.git`);
    const err = (await remoteBranchSha(ctx, 'policy-trim/app').catch((e: unknown) => e)) as Error & { hint?: string; command?: string };
    expect(err).toMatchObject({ code: 'git-failed' });
    const shown = JSON.stringify({ message: err.message, hint: err.hint, command: err.command, stack: err.stack });
    for (const form of [TOKEN, basicAuthValue(TOKEN), Buffer.from(TOKEN).toString('base64')]) expect(shown).not.toContain(form);
    expect(err.message).toContain('403');
    expect(shownCommand(ctx, ['push', `https://x:${TOKEN}@github.com/o/r`])).toBe('git push https://***@github.com/o/r');
  });
});
