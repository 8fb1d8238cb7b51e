/**
 * The git adapter against a real repository with a bare remote: a dirty tree is refused, the base branch is
 * never written, the tool's branch is created and then replaced under a lease, and a branch holding anyone
 * else's commits is never pushed over.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trimCommitMessage } from '../../src/core/pr/commit-message.js';
import {
  GitBranchHasOtherCommitsError,
  assertCleanWorkTree,
  assertToolBranch,
  commitStaged,
  currentBranch,
  defaultBranch,
  inspectRemoteBranch,
  prepareBranch,
  pushToolBranch,
  pushWithLease,
  repositoryRoot,
  resolveCommit,
  stageFiles,
  workTreeChanges,
  type GitContext,
} from '../../src/adapters/git/index.js';
import { tempDir } from '../support/offline-fixture.js';

const ROLE = 'arn:aws:iam::123456789012:role/app-role';
const BRANCH = 'policy-trim/app-role';
const TARGET = { branch: BRANCH, base: 'main', role: ROLE };
const BOT = { name: 'policy-trim bot', email: 'bot@example.com' };

/** An environment that reads no configuration of the machine: a home of its own, a person as git's user. */
function isolatedEnv(): NodeJS.ProcessEnv {
  const home = tempDir('pt-git-home-');
  writeFileSync(join(home, '.gitconfig'), '[user]\n\tname = Pat Person\n\temail = pat@example.com\n[init]\n\tdefaultBranch = main\n');
  return { PATH: process.env.PATH, HOME: home, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: join(home, '.gitconfig') };
}
const ENV = isolatedEnv();

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** A bare remote with `main` holding `policy.json`, and a clone of it; the clone's context for the adapter. */
function repository(): { root: string; remote: string; work: string; ctx: GitContext } {
  const root = tempDir('pt-git-');
  const remote = join(root, 'remote.git');
  git(root, 'init', '--quiet', '--bare', remote);
  const work = join(root, 'work');
  git(root, 'clone', '--quiet', remote, work);
  writeFileSync(join(work, 'policy.json'), '{"Statement": ["s3:*"]}\n');
  git(work, 'add', 'policy.json');
  git(work, 'commit', '--quiet', '-m', 'Initial policy');
  git(work, 'push', '--quiet', 'origin', 'main');
  return { root, remote, work, ctx: { cwd: work, remote: 'origin', env: ENV } };
}

/** Another person's clone of the same remote. */
function personClone(root: string, remote: string): string {
  const dir = join(root, `person-${Math.random().toString(36).slice(2)}`);
  git(root, 'clone', '--quiet', remote, dir);
  return dir;
}

const remoteSha = (remote: string, branch: string): string => git(remote, 'rev-parse', `refs/heads/${branch}`);

/** One run of the tool: branch from the base, edit, commit with its trailers, push under a lease. */
async function toolRun(ctx: GitContext, content: string, expectedSha: string | null): Promise<string> {
  await prepareBranch(ctx, { branch: BRANCH, base: 'main' });
  writeFileSync(join(ctx.cwd, 'policy.json'), content);
  await stageFiles(ctx, ['policy.json']);
  const message = trimCommitMessage({ role: ROLE, toolVersion: '0.1.0', removedActions: 3, narrowedActions: 0, files: ['policy.json'], window: { from: '2026-10-01', to: '2026-10-31' } });
  await commitStaged(ctx, { message, branch: BRANCH, base: 'main', identity: BOT });
  return pushToolBranch(ctx, TARGET, expectedSha);
}

describe('the repository', () => {
  it('finds its root from a subfolder, and says when a folder is no repository', async () => {
    const { work, ctx } = repository();
    mkdirSync(join(work, 'infra'));
    expect(await repositoryRoot({ ...ctx, cwd: join(work, 'infra') })).toBe(git(work, 'rev-parse', '--show-toplevel'));
    await expect(repositoryRoot({ ...ctx, cwd: tempDir('pt-none-') })).rejects.toMatchObject({ code: 'git-not-a-repository' });
  });

  it('knows the current branch and the remote default branch (asked of the remote, or from origin/HEAD)', async () => {
    const { work, ctx } = repository();
    expect(await currentBranch(ctx)).toBe('main');
    expect(await defaultBranch(ctx)).toBe('main');
    git(work, 'remote', 'set-head', 'origin', 'main');
    expect(await defaultBranch(ctx)).toBe('main');
    git(work, 'checkout', '--quiet', '--detach');
    expect(await currentBranch(ctx)).toBeUndefined();
  });
});

describe('a dirty work tree', () => {
  it('is refused: modified, staged, or (when asked) untracked files', async () => {
    const { work, ctx } = repository();
    writeFileSync(join(work, 'notes.txt'), 'untracked');
    await assertCleanWorkTree(ctx); // untracked files are allowed by default
    await expect(assertCleanWorkTree(ctx, { allowUntracked: false })).rejects.toMatchObject({ code: 'git-dirty-work-tree' });
    writeFileSync(join(work, 'policy.json'), '{"changed": true}\n');
    expect(await workTreeChanges(ctx)).toEqual({ tracked: ['policy.json'], untracked: ['notes.txt'] });
    await expect(prepareBranch(ctx, { branch: BRANCH, base: 'main' })).rejects.toMatchObject({ code: 'git-dirty-work-tree', message: expect.stringContaining('policy.json') });
    git(work, 'add', 'policy.json');
    await expect(assertCleanWorkTree(ctx)).rejects.toMatchObject({ code: 'git-dirty-work-tree' });
    expect(await currentBranch(ctx)).toBe('main');
    expect(readFileSync(join(work, 'policy.json'), 'utf8')).toBe('{"changed": true}\n');
  });
});

describe('the base branch', () => {
  it('is never committed on or pushed, nor is a branch outside policy-trim/', async () => {
    const { remote, work, ctx } = repository();
    const before = remoteSha(remote, 'main');
    expect(() => assertToolBranch('main', 'main')).toThrow(expect.objectContaining({ code: 'git-protected-branch' }));
    expect(() => assertToolBranch('feature/x', 'main')).toThrow(/only writes branches under policy-trim\//);
    await expect(prepareBranch(ctx, { branch: 'main', base: 'main' })).rejects.toMatchObject({ code: 'git-protected-branch' });
    writeFileSync(join(work, 'policy.json'), '{}\n');
    git(work, 'add', 'policy.json');
    await expect(commitStaged(ctx, { message: 'm', branch: 'main', base: 'main' })).rejects.toMatchObject({ code: 'git-protected-branch' });
    // the right branch name, but the base is what is checked out
    await expect(commitStaged(ctx, { message: 'm', branch: BRANCH, base: 'main' })).rejects.toThrow(/main is checked out/);
    git(work, 'commit', '--quiet', '-m', 'a local commit on main');
    const local = git(work, 'rev-parse', 'HEAD');
    await expect(pushWithLease(ctx, { branch: 'main', base: 'main' }, local, before)).rejects.toMatchObject({ code: 'git-protected-branch' });
    await expect(pushToolBranch(ctx, { branch: 'main', base: 'main' }, before)).rejects.toMatchObject({ code: 'git-protected-branch' });
    expect(remoteSha(remote, 'main')).toBe(before);
  });
});

describe('the tool’s branch', () => {
  it('is created from the base by the first push, with the tool’s commit and identity, base untouched', async () => {
    const { remote, ctx } = repository();
    const base = remoteSha(remote, 'main');
    expect(await inspectRemoteBranch(ctx, TARGET)).toEqual({ kind: 'absent' });
    const pushed = await toolRun(ctx, '{"Statement": ["s3:GetObject"]}\n', null);
    expect(remoteSha(remote, BRANCH)).toBe(pushed);
    expect(git(remote, 'rev-parse', `${pushed}^`)).toBe(base);
    expect(git(remote, 'log', '-1', '--format=%an <%ae>%n%(trailers:key=Generated-By,valueonly)', pushed)).toBe('policy-trim bot <bot@example.com>\npolicy-trim 0.1.0');
    expect(remoteSha(remote, 'main')).toBe(base);
    expect(await inspectRemoteBranch(ctx, TARGET)).toEqual({ kind: 'tool', sha: pushed });
  });

  it('is replaced on the next run under a lease on the commit it was seen at', async () => {
    const { remote, ctx } = repository();
    const first = await toolRun(ctx, '{"Statement": ["s3:GetObject"]}\n', null);
    const state = await inspectRemoteBranch(ctx, TARGET);
    expect(state).toEqual({ kind: 'tool', sha: first });
    const second = await toolRun(ctx, '{"Statement": ["s3:GetObject", "s3:PutObject"]}\n', first);
    expect(second).not.toBe(first);
    expect(remoteSha(remote, BRANCH)).toBe(second);
    expect(git(remote, 'rev-parse', `${second}^`)).toBe(remoteSha(remote, 'main')); // rebuilt from the base
  });

  it('is not pushed when it moved since it was seen: the lease holds in git and in the check before it', async () => {
    const { remote, ctx } = repository();
    const first = await toolRun(ctx, '{"v": 1}\n', null);
    const second = await toolRun(ctx, '{"v": 2}\n', first);
    // a stale lease at git's level
    await expect(pushWithLease(ctx, TARGET, first, first)).rejects.toMatchObject({ code: 'git-push-rejected' });
    // a stale expectation, and a branch that appeared since the caller saw it absent
    await expect(toolRun(ctx, '{"v": 3}\n', first)).rejects.toMatchObject({ code: 'git-push-rejected' });
    await expect(toolRun(ctx, '{"v": 3}\n', null)).rejects.toMatchObject({ code: 'git-push-rejected' });
    expect(remoteSha(remote, BRANCH)).toBe(second);
  });

  it('stays the tool’s when the base moves on, also seen from a shallow clone (actions/checkout’s default)', async () => {
    const { root, remote, ctx } = repository();
    const pushed = await toolRun(ctx, '{"v": 1}\n', null);
    const person = personClone(root, remote);
    for (const n of [1, 2, 3]) {
      writeFileSync(join(person, `f${n}.txt`), String(n));
      git(person, 'add', `f${n}.txt`);
      git(person, 'commit', '--quiet', '-m', `Unrelated work ${n}`);
    }
    git(person, 'push', '--quiet', 'origin', 'main');
    expect(await inspectRemoteBranch(ctx, TARGET)).toEqual({ kind: 'tool', sha: pushed });
    const shallow = join(root, 'shallow');
    git(root, 'clone', '--quiet', '--depth', '1', `file://${remote}`, shallow);
    const shallowCtx = { ...ctx, cwd: shallow };
    expect(await inspectRemoteBranch(shallowCtx, TARGET)).toEqual({ kind: 'tool', sha: pushed });
    const second = await toolRun(shallowCtx, '{"v": 2}\n', pushed);
    expect(git(remote, 'rev-parse', `${second}^`)).toBe(remoteSha(remote, 'main'));
  });

  it('counts as the tool’s after its pull request was merged (no commits beyond the base)', async () => {
    const { root, remote, ctx } = repository();
    const pushed = await toolRun(ctx, '{"v": 1}\n', null);
    const person = personClone(root, remote);
    git(person, 'merge', '--quiet', '--no-ff', '-m', 'Merge pull request #1', `origin/${BRANCH}`);
    git(person, 'push', '--quiet', 'origin', 'main');
    expect(await inspectRemoteBranch(ctx, TARGET)).toEqual({ kind: 'tool', sha: pushed });
  });
});

describe('commits the tool did not make', () => {
  it('a person’s commit on the tool’s branch is detected, and nothing is pushed over it', async () => {
    const { root, remote, ctx } = repository();
    const first = await toolRun(ctx, '{"v": 1}\n', null);
    const person = personClone(root, remote);
    git(person, 'checkout', '--quiet', BRANCH);
    writeFileSync(join(person, 'policy.json'), '{"v": "by hand"}\n');
    git(person, 'commit', '--quiet', '-am', 'Keep s3:PutObject, the nightly job needs it');
    git(person, 'push', '--quiet', 'origin', BRANCH);
    const theirs = remoteSha(remote, BRANCH);

    const state = await inspectRemoteBranch(ctx, TARGET);
    expect(state).toMatchObject({ kind: 'other-commits', sha: theirs, createdByTool: true });
    expect(state.kind === 'other-commits' && state.commits.map((c) => [c.sha, c.author, c.subject, c.byTool])).toEqual([
      [theirs, 'Pat Person <pat@example.com>', 'Keep s3:PutObject, the nightly job needs it', false],
    ]);
    const refused = await toolRun(ctx, '{"v": 2}\n', first).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GitBranchHasOtherCommitsError);
    expect(refused).toMatchObject({ code: 'git-branch-has-other-commits', createdByTool: true, message: expect.stringContaining('Pat Person') });
    expect(remoteSha(remote, BRANCH)).toBe(theirs);
  });

  it('a branch of that name the tool did not create is never force-pushed (with or without commits of its own)', async () => {
    const { root, remote, ctx } = repository();
    const person = personClone(root, remote);
    git(person, 'push', '--quiet', 'origin', `main:refs/heads/${BRANCH}`);
    expect(await inspectRemoteBranch(ctx, TARGET)).toMatchObject({ kind: 'other-commits', createdByTool: false });
    git(person, 'checkout', '--quiet', '-b', BRANCH);
    writeFileSync(join(person, 'policy.json'), '{"mine": true}\n');
    git(person, 'commit', '--quiet', '-am', 'My own work');
    git(person, 'push', '--quiet', '--force', 'origin', BRANCH);
    const theirs = remoteSha(remote, BRANCH);
    const state = await inspectRemoteBranch(ctx, TARGET);
    expect(state).toMatchObject({ kind: 'other-commits', createdByTool: false, commits: [expect.objectContaining({ subject: 'My own work' })] });
    await expect(toolRun(ctx, '{"v": 1}\n', theirs)).rejects.toMatchObject({ code: 'git-branch-has-other-commits', createdByTool: false });
    expect(remoteSha(remote, BRANCH)).toBe(theirs);
  });

  it('a commit of the tool for another role does not make the branch this role’s', async () => {
    const { remote, ctx } = repository();
    await toolRun(ctx, '{"v": 1}\n', null);
    const other = { ...TARGET, role: 'arn:aws:iam::123456789012:role/other' };
    expect(await inspectRemoteBranch(ctx, other)).toMatchObject({ kind: 'other-commits', createdByTool: false });
    expect(remoteSha(remote, BRANCH)).toBeTruthy();
  });

  it('a person’s local commit on the tool’s branch is not pushed', async () => {
    const { remote, work, ctx } = repository();
    await prepareBranch(ctx, { branch: BRANCH, base: 'main' });
    writeFileSync(join(work, 'policy.json'), '{"local": true}\n');
    git(work, 'commit', '--quiet', '-am', 'A person commits here');
    await expect(pushToolBranch(ctx, TARGET, null)).rejects.toMatchObject({ code: 'git-protected-branch', message: expect.stringContaining('did not make') });
    expect(() => remoteSha(remote, BRANCH)).toThrow();
  });
});

describe('committing', () => {
  it('refuses when nothing is staged or no file is given', async () => {
    const { ctx } = repository();
    await prepareBranch(ctx, { branch: BRANCH, base: 'main' });
    await expect(stageFiles(ctx, [])).rejects.toMatchObject({ code: 'git-nothing-to-commit' });
    await expect(commitStaged(ctx, { message: 'm', branch: BRANCH, base: 'main', identity: BOT })).rejects.toMatchObject({ code: 'git-nothing-to-commit' });
  });

  it('says how to set an identity when git has none', async () => {
    const { work, ctx } = repository();
    const bare = tempDir('pt-git-noid-');
    writeFileSync(join(bare, '.gitconfig'), '[user]\n\tuseConfigOnly = true\n');
    const noIdentity: GitContext = { ...ctx, env: { PATH: process.env.PATH, HOME: bare, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: join(bare, '.gitconfig') } };
    await prepareBranch(noIdentity, { branch: BRANCH, base: 'main' });
    writeFileSync(join(work, 'policy.json'), '{}\n');
    await stageFiles(noIdentity, ['policy.json']);
    await expect(commitStaged(noIdentity, { message: 'm', branch: BRANCH, base: 'main' })).rejects.toMatchObject({
      code: 'git-identity-missing',
      hint: expect.stringContaining('github-actions[bot]'),
    });
    expect(await resolveCommit(ctx, 'HEAD')).toBe(git(work, 'rev-parse', 'main'));
  });
});
