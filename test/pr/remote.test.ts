/** OWNER/NAME from `--repo`, `GITHUB_REPOSITORY` and the `origin` remote's URL, and the API root of a host. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apiUrlForHost, parseRemoteUrl, parseRepoOption, withoutCredentials } from '../../src/core/pr/remote.js';

describe('parseRemoteUrl', () => {
  const expected = { owner: 'octo-org', name: 'infra.aws', host: 'github.com' };
  it.each([
    'https://github.com/octo-org/infra.aws',
    'https://github.com/octo-org/infra.aws.git',
    'https://github.com/octo-org/infra.aws/',
    'https://x-access-token:ghs_secret@github.com/octo-org/infra.aws.git',
    'http://github.com/octo-org/infra.aws.git',
    'git@github.com:octo-org/infra.aws.git',
    'git@github.com:octo-org/infra.aws',
    'github.com:octo-org/infra.aws.git',
    'org-123@github.com:octo-org/infra.aws.git',
    'ssh://git@github.com/octo-org/infra.aws.git',
    'ssh://git@github.com:22/octo-org/infra.aws',
    'git+ssh://git@github.com/octo-org/infra.aws.git',
    'git://github.com/octo-org/infra.aws.git',
    'HTTPS://GitHub.com/octo-org/infra.aws.git',
  ])('reads %s', (url) => {
    expect(parseRemoteUrl(url)).toEqual(expected);
  });

  it('reads GitHub Enterprise hosts, with a port or an ssh user of their own', () => {
    expect(parseRemoteUrl('https://ghe.example.com/team/infra.git')).toEqual({ owner: 'team', name: 'infra', host: 'ghe.example.com' });
    expect(parseRemoteUrl('https://ghe.example.com:8443/team/infra')).toEqual({ owner: 'team', name: 'infra', host: 'ghe.example.com' });
    expect(parseRemoteUrl('ssh://ghe@ghe.example.com:2222/team/infra.git')).toEqual({ owner: 'team', name: 'infra', host: 'ghe.example.com' });
    expect(parseRemoteUrl('git@octocorp.ghe.com:team_emu/infra.git')).toEqual({ owner: 'team_emu', name: 'infra', host: 'octocorp.ghe.com' });
  });

  it.each([
    ['/srv/git/infra.git', 'not a URL of a hosted repository'],
    ['../infra.git', 'not a URL of a hosted repository'],
    ['file:///srv/git/infra.git', 'not a URL of a hosted repository'],
    ['C:\\repos\\infra', 'not a URL of a hosted repository'],
    ['https://gitlab.com/group/sub/infra.git', 'not OWNER/NAME'],
    ['https://github.com/octo-org', 'not OWNER/NAME'],
    ['git@github.com:-bad/infra.git', 'not a GitHub owner name'],
    ['https://github.com/octo/..', 'not a GitHub repository name'],
  ])('refuses %s (%s) and says to pass --repo', (url, why) => {
    expect(() => parseRemoteUrl(url)).toThrow(expect.objectContaining({ code: 'pr-remote-unsupported', hint: 'Pass the repository with --repo OWNER/NAME.' }));
    expect(() => parseRemoteUrl(url)).toThrow(why);
  });

  it('never repeats the credentials of a URL in its error', () => {
    let message = '';
    try {
      parseRemoteUrl('https://bob:ghp_abcdefghijklmnopqrstuvwxyz0123456789@gitlab.com/a/b/c.git');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('https://gitlab.com/a/b/c.git');
    expect(message).not.toContain('ghp_');
    expect(message).not.toContain('bob');
  });
});

describe('parseRepoOption', () => {
  it('reads OWNER/NAME', () => {
    expect(parseRepoOption('octo-org/infra')).toEqual({ owner: 'octo-org', name: 'infra' });
    expect(parseRepoOption(' octo-org/infra.git-tools ')).toEqual({ owner: 'octo-org', name: 'infra.git-tools' });
  });

  it('refuses anything else, as a usage error for --repo and naming the variable it came from', () => {
    for (const bad of ['infra', 'a/b/c', '/infra', 'octo-org/', 'https://github.com/a/b', 'octo org/infra', 'a/..']) {
      expect(() => parseRepoOption(bad), bad).toThrow(expect.objectContaining({ code: 'pr-repo-invalid', exitCode: 64 }));
    }
    expect(() => parseRepoOption('nope', 'GITHUB_REPOSITORY')).toThrow(/^GITHUB_REPOSITORY "nope"/);
    expect(() => parseRepoOption('nope', 'GITHUB_REPOSITORY')).toThrow(expect.objectContaining({ exitCode: 1 }));
  });

  it('reads back every slug it would accept from a URL (https and scp-like)', () => {
    const owner = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9-]{0,10}[A-Za-z0-9]$/);
    const name = fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,12}$/).filter((n) => !n.endsWith('.git'));
    fc.assert(
      fc.property(owner, name, (o, n) => {
        expect(parseRepoOption(`${o}/${n}`)).toEqual({ owner: o, name: n });
        expect(parseRemoteUrl(`https://github.com/${o}/${n}.git`)).toEqual({ owner: o, name: n, host: 'github.com' });
        expect(parseRemoteUrl(`git@github.com:${o}/${n}`)).toEqual({ owner: o, name: n, host: 'github.com' });
      }),
    );
  });
});

describe('withoutCredentials and apiUrlForHost', () => {
  it('drops user info from a URL', () => {
    expect(withoutCredentials('https://u:p@ghe.example.com/a/b')).toBe('https://ghe.example.com/a/b');
    expect(withoutCredentials('git@github.com:a/b')).toBe('git@github.com:a/b');
  });

  it('gives the REST root of github.com, GHE.com and Enterprise Server hosts', () => {
    expect(apiUrlForHost('github.com')).toBe('https://api.github.com');
    expect(apiUrlForHost('octocorp.ghe.com')).toBe('https://api.octocorp.ghe.com');
    expect(apiUrlForHost('GHE.example.com')).toBe('https://ghe.example.com/api/v3');
  });
});
