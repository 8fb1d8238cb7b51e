/**
 * Branch names for roles: always a ref git accepts (checked against a reimplementation of
 * `git check-ref-format` that is itself checked against git, and against git on a sample), and never the same
 * branch for two different roles.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BRANCH_PREFIX,
  branchNamesForRoles,
  decodeRefComponent,
  encodeRefComponent,
  isToolBranchName,
  roleBranchName,
  roleRefFrom,
  type RoleRef,
} from '../../src/core/pr/branch.js';
import { PullRequestInputError } from '../../src/core/pr/errors.js';

/**
 * The rules of `git check-ref-format` (git-check-ref-format(1)) for a full ref name, and with `branch` the
 * extra rules of `--branch` (no leading `-`, not `HEAD`). Returns the broken rules; empty when valid.
 */
function gitRefProblems(ref: string, options: { branch?: boolean } = {}): string[] {
  const problems: string[] = [];
  const components = ref.split('/');
  if (components.some((c) => c.startsWith('.'))) problems.push('component starts with .');
  if (components.some((c) => c.endsWith('.lock'))) problems.push('component ends with .lock');
  if (components.length < 2) problems.push('one level');
  if (ref.includes('..')) problems.push('..');
  if (/[\u0000-\u001f\u007f ~^:]/.test(ref)) problems.push('control, space, ~ ^ :');
  if (/[?*[]/.test(ref)) problems.push('? * [');
  if (ref.startsWith('/') || ref.endsWith('/') || ref.includes('//')) problems.push('empty component');
  if (ref.endsWith('.')) problems.push('ends with .');
  if (ref.includes('@{')) problems.push('@{');
  if (ref === '@') problems.push('@');
  if (ref.includes('\\')) problems.push('backslash');
  if (components.some((c) => c === '')) problems.push('empty component');
  if (options.branch && (ref.startsWith('-') || ref === 'HEAD')) problems.push('branch: leading - or HEAD');
  return problems;
}

/** What git itself says of `refs/heads/<name>` (exit 0 = valid). */
function gitAccepts(name: string, mode: 'ref' | 'branch'): boolean {
  const args = mode === 'branch' ? ['check-ref-format', '--branch', name] : ['check-ref-format', `refs/heads/${name}`];
  return spawnSync('git', args, { stdio: 'ignore' }).status === 0;
}

const IAM_CHARS = 'abcXYZ019+=,.@_-'.split('');
/** Role names as IAM allows them: `[\w+=,.@-]{1,64}`, weighted towards dots so git's dot rules are exercised. */
const iamRoleName = fc.string({ unit: fc.oneof(fc.constantFrom(...IAM_CHARS), fc.constant('.')), minLength: 1, maxLength: 64 });
/** Characters git cares about, plus any code point (lone surrogates included). */
const anyChar = fc.oneof(
  fc.constantFrom('.', '/', '~', '^', ':', '?', '*', '[', '\\', ' ', '@', '{', '-', '%', '\u0000', '\u007f', 'lock', 'a'),
  fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
);
const anyText = fc.string({ unit: anyChar, minLength: 1, maxLength: 24 });
const account = fc.constantFrom('111111111111', '222222222222', '333333333333');

describe('roleBranchName: examples', () => {
  it('keeps an ordinary IAM name as it is, with every character IAM allows', () => {
    expect(roleBranchName({ name: 'orders-api-role' })).toBe('policy-trim/orders-api-role');
    expect(roleBranchName({ name: 'A+b=c,d.e@f_g-h' })).toBe('policy-trim/A+b=c,d.e@f_g-h');
  });

  it('escapes a dot only where git refuses one', () => {
    expect(roleBranchName({ name: '.hidden' })).toBe('policy-trim/%2Ehidden');
    expect(roleBranchName({ name: 'ends.' })).toBe('policy-trim/ends%2E');
    expect(roleBranchName({ name: 'a..b' })).toBe('policy-trim/a.%2Eb');
    expect(roleBranchName({ name: 'x.lock' })).toBe('policy-trim/x%2Elock');
    expect(roleBranchName({ name: 'x.LOCK' })).toBe('policy-trim/x%2ELOCK');
  });

  it('escapes a twelve-digit name so it cannot be the folder of an account’s branches', () => {
    expect(roleBranchName({ name: '123456789012' })).toBe('policy-trim/%3123456789012');
    expect(roleBranchName({ name: '12345678901' })).toBe('policy-trim/12345678901');
  });

  it('adds the account when asked, and refuses a missing or malformed one', () => {
    expect(roleBranchName({ name: 'app', account: '123456789012' }, { withAccount: true })).toBe('policy-trim/123456789012/app');
    expect(() => roleBranchName({ name: 'app' }, { withAccount: true })).toThrow(PullRequestInputError);
    expect(() => roleBranchName({ name: 'app', account: '12/34' }, { withAccount: true })).toThrow(/12-digit/);
  });

  it('refuses an empty name', () => {
    expect(() => roleBranchName({ name: '' })).toThrow(expect.objectContaining({ code: 'pr-role-invalid' }));
  });

  it('knows its own namespace', () => {
    expect(isToolBranchName('policy-trim/app')).toBe(true);
    expect(isToolBranchName(BRANCH_PREFIX)).toBe(false);
    expect(isToolBranchName('main')).toBe(false);
  });
});

describe('roleRefFrom', () => {
  it('reads the name and account of a role ARN, with or without a path, in any partition', () => {
    expect(roleRefFrom('arn:aws:iam::123456789012:role/orders')).toEqual({ name: 'orders', account: '123456789012' });
    expect(roleRefFrom('arn:aws-cn:iam::123456789012:role/a/b/orders')).toEqual({ name: 'orders', account: '123456789012' });
    expect(roleRefFrom('orders')).toEqual({ name: 'orders' });
    expect(roleRefFrom('/service-role/orders')).toEqual({ name: 'orders' });
  });

  it('refuses what is not a role', () => {
    for (const bad of ['arn:aws:iam::123456789012:user/bob', 'arn:aws:s3:::bucket', 'arn:aws:iam::123:role/x', 'arn:aws:iam::123456789012:role/', '/a/']) {
      expect(() => roleRefFrom(bad), bad).toThrow(expect.objectContaining({ code: 'pr-role-invalid' }));
    }
  });
});

describe('branchNamesForRoles: examples', () => {
  it('adds the account only to roles whose name another account also has (ignoring case)', () => {
    const roles: RoleRef[] = [
      { name: 'app', account: '111111111111' },
      { name: 'App', account: '222222222222' },
      { name: 'billing', account: '111111111111' },
      { name: 'app', account: '111111111111' },
    ];
    expect(branchNamesForRoles(roles)).toEqual([
      'policy-trim/111111111111/app',
      'policy-trim/222222222222/App',
      'policy-trim/billing',
      'policy-trim/111111111111/app',
    ]);
  });

  it('refuses a clash it cannot resolve (a role without its account)', () => {
    expect(() => branchNamesForRoles([{ name: 'app' }, { name: 'app', account: '111111111111' }])).toThrow(
      expect.objectContaining({ code: 'pr-branch-ambiguous' }),
    );
  });
});

describe('the ref rules this test checks against', () => {
  it('agree with git check-ref-format on arbitrary names', () => {
    fc.assert(
      fc.property(anyText.filter((s) => !s.includes('\u0000')), (name) => {
        const ours = gitRefProblems(`refs/heads/${name}`).length === 0;
        expect({ name, ours }).toEqual({ name, ours: gitAccepts(name, 'ref') });
      }),
      { numRuns: 150 },
    );
  });
});

describe('roleBranchName: properties', () => {
  it('IAM role names always give a ref git accepts (reimplemented rules)', () => {
    fc.assert(
      fc.property(iamRoleName, account, fc.boolean(), (name, acct, withAccount) => {
        const branch = roleBranchName({ name, account: acct }, { withAccount });
        expect({ branch, problems: gitRefProblems(`refs/heads/${branch}`, { branch: true }) }).toEqual({ branch, problems: [] });
      }),
      { numRuns: 2000 },
    );
  });

  it('any text at all gives a ref git accepts (reimplemented rules)', () => {
    fc.assert(
      fc.property(anyText, (name) => {
        const branch = roleBranchName({ name });
        expect({ branch, problems: gitRefProblems(`refs/heads/${branch}`, { branch: true }) }).toEqual({ branch, problems: [] });
      }),
      { numRuns: 2000 },
    );
  });

  it('git check-ref-format --branch accepts a sample of them', () => {
    const sample = [...fc.sample(iamRoleName, 60), ...fc.sample(anyText, 60)].map((name) => roleBranchName({ name }));
    const refused = sample.filter((b) => !gitAccepts(b, 'branch'));
    expect(refused).toEqual([]);
    // and the same for a few in the account form, in one call per name
    for (const name of fc.sample(iamRoleName, 10)) {
      const branch = roleBranchName({ name, account: '123456789012' }, { withAccount: true });
      expect(execFileSync('git', ['check-ref-format', '--branch', branch], { encoding: 'utf8' }).trim()).toBe(branch);
    }
  });

  it('decoding gives back the name: the encoding is injective, so distinct names never share a branch', () => {
    fc.assert(
      fc.property(fc.oneof(iamRoleName, anyText), (name) => {
        expect(decodeRefComponent(encodeRefComponent(name))).toBe(name);
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.oneof(iamRoleName, anyText), fc.oneof(iamRoleName, anyText), (a, b) => {
        fc.pre(a !== b);
        expect(roleBranchName({ name: a })).not.toBe(roleBranchName({ name: b }));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('branchNamesForRoles: properties', () => {
  // A small alphabet of names so clashes (same name, other account, other case) are common.
  const clashingName = fc.constantFrom('app', 'App', 'APP', 'a.b', 'a..b', '.a', 'x.lock', '123456789012', 'billing');
  const roleSet = fc.array(fc.record({ name: clashingName, account }), { minLength: 1, maxLength: 12 });

  it('gives different roles different branches, also ignoring case, and never one branch inside another', () => {
    fc.assert(
      fc.property(roleSet, (roles) => {
        const branches = branchNamesForRoles(roles);
        const byRole = new Map<string, string>();
        roles.forEach((r, i) => byRole.set(`${r.account}/${r.name.toLowerCase()}`, branches[i]!.toLowerCase()));
        const distinct = [...byRole.values()];
        expect(new Set(distinct).size).toBe(distinct.length);
        for (const a of distinct) for (const b of distinct) expect(b.startsWith(`${a}/`)).toBe(false);
        for (const b of branches) expect(gitRefProblems(`refs/heads/${b}`, { branch: true })).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });
});
