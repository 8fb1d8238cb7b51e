/**
 * Every error class thrown in src/ is a PolicyTrimError: a stable code, a message, an exit code and a source.
 * The CLI printer shows each by its fields and calls it a bug only when its source is the tool. The source scan
 * at the end keeps the walk complete: a new error class, or a plain `throw new Error(`, fails here until it is
 * typed and walked.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BundledDataError, ERROR_EXIT, InvariantError, PolicyTrimError } from '../../src/core/errors.js';
import { CliError, EXIT, reportError, usageError } from '../../src/cli/errors.js';
import type { CliIo } from '../../src/cli/io.js';
import { PolicyError } from '../../src/core/policy/errors.js';
import { InternalError } from '../../src/core/trim/errors.js';
import { TrailConfigError } from '../../src/core/trail/errors.js';
import { CloudTrailTableError } from '../../src/core/trail/errors.js';
import { CatalogDataError } from '../../src/core/catalog/raw-data.js';
import { StoreEntryError, StoreFormatError } from '../../src/core/store/entry.js';
import { TimeWindowError } from '../../src/core/usage/time-window.js';
import { PolicyTextError } from '../../src/core/render/parse-jsonencode.js';
import { RenderError } from '../../src/core/render/terraform.js';
import { AwsAdapterError, toAwsError } from '../../src/adapters/aws/errors.js';
import { ParallelReadError } from '../../src/adapters/fs/parallel-pool.js';
import { LayoutError } from '../../src/core/iac/emit.js';
import { HclSyntaxError } from '../../src/core/iac/terraform-lexer.js';
import { IacError } from '../../src/core/iac/errors.js';
import type { GrantSite } from '../../src/core/iac/types.js';
import { ReferenceSourceError } from '../../src/core/iac/resolve.js';
import { ConfigError } from '../../src/core/config/errors.js';
import { PullRequestInputError } from '../../src/core/pr/errors.js';
import { GitBranchHasOtherCommitsError, GitError } from '../../src/adapters/git/errors.js';
import { GitHubApiError } from '../../src/adapters/github/errors.js';
import { ActionInputError } from '../../src/action/inputs.js';
import { YamlNeeded } from '../../src/core/policy/parse-document.js';
import { AthenaInputError } from '../../src/core/athena/names.js';
import { AthenaQueryError } from '../../src/adapters/aws/athena.js';
import { LastAccessedJobError } from '../../src/adapters/aws/access-advisor.js';
import { PolicyTooLargeError } from '../../src/adapters/aws/access-analyzer.js';
import { SplitError } from '../../src/core/split/errors.js';

const awsError = (name: string, message = 'no'): Error => Object.assign(new Error(message), { name });
const ctx = { action: 'iam:GetRole', resource: 'arn:aws:iam::123456789012:role/app', profile: 'prod' };

const site: GrantSite = { format: 'json', file: 'infra/policy.json' };

/**
 * One instance of every error class in src/ (AwsAdapterError once per code), as its throw sites build it.
 * `tool` marks a case whose code makes it the tool's error in a class that is otherwise the user's.
 */
const CASES: Array<{ cls: string; err: PolicyTrimError; tool?: boolean }> = [
  { cls: 'PolicyTrimError', err: new PolicyTrimError({ code: 'example', message: 'an example' }) },
  { cls: 'InvariantError', err: new InvariantError('the walk yields no records') },
  { cls: 'BundledDataError', err: new BundledDataError('cannot read bundled data file data/iam/catalog.json') },
  { cls: 'CliError', err: new CliError('no-activity', 'the trail holds no call by app', 'Check --role.') },
  { cls: 'CliError', err: usageError('name the role with --role NAME|ARN') },
  { cls: 'PolicyError', err: new PolicyError('bad-effect', { document: 'app.json', statementIndex: 0, sid: 'Read' }, 'Effect must be Allow or Deny') },
  { cls: 'InternalError', err: new InternalError('the suggestion allows s3:PutObject, which the original does not', { policy: {} }, ['s3:PutObject']) },
  { cls: 'AthenaInputError', err: new AthenaInputError('--athena logs-2026: not a Glue table name', 'Name the table as TABLE or DATABASE.TABLE.') },
  { cls: 'AthenaQueryError', err: new AthenaQueryError('11111111-2222-3333-4444-555555555555', 'FAILED', 'TABLE_NOT_FOUND') },
  { cls: 'TrailConfigError', err: new TrailConfigError('selectors.json', 'EventSelectors[0].ReadWriteType', 'must be All, ReadOnly or WriteOnly') },
  { cls: 'CloudTrailTableError', err: new CloudTrailTableError('events.json: neverLogged[0] needs action') },
  { cls: 'CatalogDataError', err: new CatalogDataError('service s3 has no actions') },
  { cls: 'TimeWindowError', err: new TimeWindowError('days', '--days "x": expected a whole number of days') },
  { cls: 'PolicyTextError', err: new PolicyTextError('main.tf', 3, 7, 'expected a string, [ or {, found number 1') },
  { cls: 'RenderError', err: new RenderError('app.json', 0, 'a principal kind named "*" cannot be written as an aws_iam_policy_document') },
  { cls: 'AwsAdapterError', err: toAwsError(awsError('AccessDeniedException'), ctx) },
  { cls: 'AwsAdapterError', err: toAwsError(awsError('ExpiredToken'), ctx) },
  { cls: 'AwsAdapterError', err: toAwsError(awsError('NoSuchEntity'), ctx) },
  { cls: 'AwsAdapterError', err: toAwsError(awsError('ThrottlingException'), ctx) },
  { cls: 'AwsAdapterError', err: toAwsError(awsError('ServiceUnavailable'), ctx) },
  { cls: 'AwsAdapterError', err: new AwsAdapterError({ code: 'no-region', message: 'no Region configured', hint: 'Pass --region.' }) },
  { cls: 'AwsAdapterError', err: new AwsAdapterError({ code: 'bad-input', message: 'not an S3 URL', hint: 'Use s3://BUCKET/PREFIX.' }) },
  { cls: 'ParallelReadError', err: new ParallelReadError('reading f.json.gz failed in a worker thread: boom', 'f.json.gz') },
  { cls: 'LayoutError', err: new LayoutError('cannot remove Action, the only key of its map', 120) },
  { cls: 'HclSyntaxError', err: new HclSyntaxError(14, 'expected = after the attribute name') },
  { cls: 'IacError', err: new IacError({ code: 'iac-site-not-found', site, message: 'no statement with Sid Read', hint: 'Fix the site in .policy-trim.yml.' }) },
  { cls: 'IacError', err: new IacError({ code: 'iac-edit-check-failed', site, message: 'the edited file does not read back as planned' }), tool: true },
  { cls: 'ReferenceSourceError', err: new ReferenceSourceError({ code: 'tf-state-invalid', file: 'state.json', message: 'not the JSON of terraform show -json', hint: 'Pass the output of `terraform show -json`.' }) },
  { cls: 'ConfigError', err: new ConfigError({ code: 'config-not-found', file: 'cfg.yml', message: 'no such file' }) },
  { cls: 'PullRequestInputError', err: new PullRequestInputError('pr-repo-invalid', '--repo "x" is not OWNER/NAME', 'Pass --repo OWNER/NAME.', { usage: true }) },
  { cls: 'GitError', err: new GitError({ code: 'git-not-a-repository', message: '/tmp/x is not in a git work tree', hint: 'Run policy-trim pr inside the repository.' }) },
  { cls: 'GitBranchHasOtherCommitsError', err: new GitBranchHasOtherCommitsError('policy-trim/app', [{ sha: 'a'.repeat(40), author: 'A <a@example.com>', subject: 'fix', byTool: false }], true) },
  { cls: 'GitHubApiError', err: new GitHubApiError({ code: 'github-unauthorized', message: 'GitHub refused the token (401)', hint: 'Check GITHUB_TOKEN.', status: 401, operation: 'create the pull request' }) },
  { cls: 'GitHubApiError', err: new GitHubApiError({ code: 'github-body-too-long', message: 'the body is longer than GitHub accepts', hint: 'Report this.', status: 422, operation: 'create the pull request' }), tool: true },
  { cls: 'ActionInputError', err: new ActionInputError('input days: expected a whole number of days (1 or more), got "abc"') },
  { cls: 'YamlNeeded', err: new YamlNeeded() },
  { cls: 'LastAccessedJobError', err: new LastAccessedJobError('IAM could not finish the last-accessed report for role app: FAILED', 'Run again later, or without --access-advisor.') },
  { cls: 'PolicyTooLargeError', err: new PolicyTooLargeError('Policy document exceeds the maximum size') },
  { cls: 'StoreFormatError', err: new StoreFormatError('/home/u/.cache/policy-trim/usage-store', 2) },
  { cls: 'StoreEntryError', err: new StoreEntryError('a store entry is shorter than its head') },
  { cls: 'SplitError', err: new SplitError('split-inline-size', 'function orders-api: its role would hold 11,002 characters of inline policy; IAM allows 10,240', 'Trim the function\'s policy or attach a managed policy.') },
];

/** The errors that are bugs in policy-trim; every other class is the user's to act on. */
const TOOL_CLASSES = new Set(['InvariantError', 'InternalError', 'ParallelReadError', 'LayoutError', 'YamlNeeded', 'StoreEntryError']);

function capture(): { io: CliIo; text: () => string } {
  let err = '';
  const io: CliIo = { stdout: () => undefined, stderr: (t) => void (err += t), interactive: false, env: {}, now: () => new Date(0) };
  return { io, text: () => err };
}

describe('every error class is a PolicyTrimError', () => {
  it.each(CASES.map((c) => [`${c.cls} [${c.err.code}]`, c] as const))('%s', (_label, { cls, err, tool }) => {
    // Given an instance as its throw sites build it
    expect(err).toBeInstanceOf(PolicyTrimError);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe(cls);
    expect(err.code).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
    expect(err.message.length).toBeGreaterThan(0);
    expect([ERROR_EXIT.ERROR, ERROR_EXIT.USAGE]).toContain(err.exitCode);
    expect(err.source).toBe(tool || TOOL_CLASSES.has(cls) ? 'tool' : 'user');

    // When the CLI prints it (with and without --debug)
    const plain = capture();
    const code = reportError(err, plain.io, false);
    const debug = capture();
    reportError(err, debug.io, true);

    // Then it shows the code, the message and what to do, exits with the error's code, and calls only the
    // tool's errors a bug; the stack appears only under --debug.
    expect(code).toBe(err.exitCode);
    const out = plain.text();
    expect(out).toContain(`[${err.code}]: ${err.message}`);
    if (err.hint) expect(out).toContain(`what to do: ${err.hint}`);
    expect(out).not.toContain('unexpected error');
    if (err.source === 'tool') expect(out).toMatch(/this is a bug/i);
    else expect(out).not.toMatch(/this is a bug/i);
    expect(out).not.toContain('    at ');
    expect(debug.text()).toContain('    at ');
  });

  it("the user's errors say what to do (a hint); the tool's say to report the bug (the printer adds it)", () => {
    for (const { cls, err } of CASES) {
      if (err.source === 'tool' || cls === 'PolicyTrimError') continue;
      expect(err.hint, `${cls} [${err.code}]`).toBeTruthy();
    }
  });

  it('usage errors exit 64, the rest 1', () => {
    expect(usageError('x').exitCode).toBe(EXIT.USAGE);
    expect(new TimeWindowError('since', 'x').exitCode).toBe(64);
    expect(new RenderError('a.json', 0, 'x').exitCode).toBe(1);
  });

  it('an unknown throwable is "unexpected … this is a bug", exit 1, with its stack and cause only under --debug', () => {
    const plain = capture();
    const err = new TypeError('cannot read properties of undefined', { cause: new Error('the cause') });
    expect(reportError(err, plain.io, false)).toBe(1);
    expect(plain.text()).toMatch(/^policy-trim: unexpected error: cannot read properties of undefined\n {2}this is a bug/);
    expect(plain.text()).not.toContain('    at ');
    const debug = capture();
    reportError(err, debug.io, true);
    expect(debug.text()).toContain('TypeError: cannot read properties of undefined\n    at ');
    expect(debug.text()).toContain('caused by: Error: the cause');
    const thrown = capture();
    expect(reportError('a string', thrown.io, false)).toBe(1);
    expect(thrown.text()).toContain('unexpected error: a string');
  });

  it("an operating system's error about the machine (a full disk) says what to do and is not called a bug; others still are", () => {
    // Given a real ENOSPC from the kernel: /dev/full refuses every write with "no space left on device"
    let full: unknown;
    try {
      writeFileSync('/dev/full', 'x');
    } catch (e) {
      full = e;
    }
    expect((full as { code?: string }).code).toBe('ENOSPC');

    // When the CLI prints it, it names the errno, says what to do, exits 1, and does not ask for a bug report
    const plain = capture();
    expect(reportError(full, plain.io, false)).toBe(1);
    expect(plain.text()).toMatch(/^policy-trim: error \[system-ENOSPC\]: ENOSPC: no space left on device/);
    expect(plain.text()).toContain('what to do: The disk is full.');
    expect(plain.text()).not.toMatch(/this is a bug|unexpected/);

    // A system error with a code not about the machine (a path that vanished) stays unexpected
    let missing: unknown;
    try {
      readFileSync(join(tmpdir(), 'policy-trim-no-such-file-' + process.pid));
    } catch (e) {
      missing = e;
    }
    const other = capture();
    reportError(missing, other.io, false);
    expect(other.text()).toMatch(/unexpected error: ENOENT[\s\S]*this is a bug/);
  });

  it('an AwsAdapterError keeps the SDK error as its cause, shown under --debug', () => {
    const sdk = awsError('AccessDeniedException', 'User is not authorized');
    const err = toAwsError(sdk, ctx);
    expect(err.cause).toBe(sdk);
    const debug = capture();
    reportError(err, debug.io, true);
    expect(debug.text()).toContain('caused by: AccessDeniedException: User is not authorized');
  });
});

describe('the walk above covers every error class in src/', () => {
  const SRC = join(import.meta.dirname, '../../src');
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
  const sources = files(SRC).map((f) => ({ file: relative(SRC, f), text: readFileSync(f, 'utf8') }));

  it('no class extends Error directly except PolicyTrimError, and every error class is walked', () => {
    const parents = new Map<string, { parent: string; file: string }>();
    for (const { file, text } of sources) {
      for (const m of text.matchAll(/\bclass\s+(\w+)\s+extends\s+(\w+)/g)) parents.set(m[1]!, { parent: m[2]!, file });
    }
    const isError = (name: string, seen = new Set<string>()): boolean => {
      if (name === 'Error') return true;
      const p = parents.get(name);
      if (!p || seen.has(name)) return false;
      seen.add(name);
      return isError(p.parent, seen);
    };
    const direct = [...parents].filter(([, p]) => p.parent === 'Error').map(([name, p]) => `${name} (${p.file})`);
    expect(direct).toEqual(['PolicyTrimError (core/errors.ts)']);
    const errorClasses = [...parents.keys()].filter((name) => isError(name)).sort();
    expect(errorClasses).toEqual([...new Set(CASES.map((c) => c.cls))].sort());
  });

  it('src/ throws no plain Error (the test hook that simulates a worker crash is the one exception)', () => {
    const plain = sources.flatMap(({ file, text }) =>
      text.split('\n').flatMap((line, i) => (/throw new Error\(/.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(plain).toEqual([expect.stringMatching(/^adapters\/fs\/parallel-worker\.ts:\d+: .*test hook/)]);
  });
});
