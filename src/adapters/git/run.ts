/**
 * Running git: always `execFile` with an argument array (never a shell, so no value is ever parsed as shell
 * syntax), in a fixed locale (messages the adapter reads are git's English ones), never prompting (a CI job
 * must fail, not hang), and with the token — when there is one — handed to git through environment-only
 * configuration (`GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n`): it is in no argument (visible to
 * `ps`), no file and no remote URL. Every message built from git's output is redacted anyway.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basicAuthValue, redactSecrets } from '../../core/pr/redact.js';
import { GitError, type GitErrorCode } from './errors.js';

/** Where and how git runs for one pull request. */
export interface GitContext {
  /** A folder inside the repository's work tree. */
  cwd: string;
  /** The remote branches are fetched from and pushed to (default `origin`). */
  remote: string;
  /** Token for https remotes (GitHub `x-access-token` basic auth), passed to git through the environment only. */
  token?: string;
  /** The environment git runs in (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Longest one git command may take, ms (default 120 s: a push to a slow remote, never a hang). */
  timeoutMs?: number;
}

/** What a git command printed. */
export interface GitOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** How to run one command. */
export interface RunOptions {
  /** Text written to git's stdin. */
  input?: string;
  /** Exit codes that are answers, not failures (e.g. `git diff --quiet` exits 1 for "differs"). */
  okExitCodes?: readonly number[];
  /** The command talks to the remote: give it the token. */
  network?: boolean;
  /** What to do when it fails (default: run it by hand to see why). */
  hint?: string;
  /** Extra environment for this command (e.g. the commit identity). */
  env?: Record<string, string>;
  /** Code of the error when it fails (default `git-failed`). */
  code?: GitErrorCode;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/** The command as shown in errors: `git` and its arguments, credentials removed. */
export function shownCommand(ctx: GitContext, args: readonly string[]): string {
  return redactSecrets(['git', ...args].join(' '), [ctx.token]);
}

/**
 * `GIT_CONFIG_*` entries that make git send the token to the remotes at `urls` (their `scheme://host/`), as
 * actions/checkout does: `http.<origin>.extraheader` is first emptied (a header left by actions/checkout would
 * otherwise be sent as well) and then set. Existing `GIT_CONFIG_COUNT` entries in `env` are kept. Empty when
 * there is no token or no http(s) remote (ssh remotes authenticate with keys).
 */
export function credentialEnvironment(token: string | undefined, urls: readonly string[], env: NodeJS.ProcessEnv = {}): Record<string, string> {
  const origins = [...new Set(urls.map(httpOrigin).filter((o): o is string => o !== undefined))];
  if (!token || origins.length === 0) return {};
  const out: Record<string, string> = {};
  let count = Number.parseInt(env.GIT_CONFIG_COUNT ?? '0', 10) || 0;
  for (const origin of origins) {
    for (const value of ['', `AUTHORIZATION: basic ${basicAuthValue(token)}`]) {
      out[`GIT_CONFIG_KEY_${count}`] = `http.${origin}.extraheader`;
      out[`GIT_CONFIG_VALUE_${count}`] = value;
      count++;
    }
  }
  out.GIT_CONFIG_COUNT = String(count);
  return out;
}

/** `https://host[:port]/` of an http(s) URL (user info dropped), or undefined for ssh, git and local remotes. */
function httpOrigin(url: string): string | undefined {
  const match = /^(https?:\/\/)(?:[^@/]*@)?([^/]+)/i.exec(url);
  return match ? `${match[1]!.toLowerCase()}${match[2]!.toLowerCase()}/` : undefined;
}

/** The environment of one git command: the context's, never prompting, in the C locale, plus `extra`. */
function commandEnvironment(ctx: GitContext, extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...(ctx.env ?? process.env), GIT_TERMINAL_PROMPT: '0', GCM_INTERACTIVE: 'never', LC_ALL: 'C', LANGUAGE: 'C', ...extra };
}

/** The error for a command that could not start (no git, no folder) or failed. */
function commandError(ctx: GitContext, args: readonly string[], error: NodeJS.ErrnoException & { killed?: boolean }, stderr: string, options: RunOptions): GitError {
  const command = shownCommand(ctx, args);
  if (error.code === 'ENOENT' && existsSync(ctx.cwd)) {
    return new GitError({ code: 'git-not-installed', message: 'git is not installed (or not on PATH).', hint: 'Install git 2.31 or later and run again.', command });
  }
  if (error.code === 'ENOENT') {
    return new GitError({ code: 'git-not-a-repository', message: `The folder ${ctx.cwd} does not exist.`, hint: 'Run policy-trim inside the repository, or pass the folder that holds it.', command });
  }
  const why = error.killed ? `timed out after ${ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms` : `failed (exit ${String(error.code)})`;
  const detail = redactSecrets(stderr.trim().split('\n').slice(-6).join(' / '), [ctx.token]);
  return new GitError({
    code: options.code ?? 'git-failed',
    message: `\`${command}\` ${why}${detail ? `: ${detail}` : ''}`,
    hint: options.hint ?? `Run \`${command}\` in ${ctx.cwd} to see what is wrong.`,
    command,
  });
}

/**
 * Runs `git ARGS` in the context's folder and resolves with its output; rejects with a {@link GitError} (the
 * command and git's last lines, redacted) unless it exits 0 or with one of `okExitCodes`.
 */
export async function runGit(ctx: GitContext, args: readonly string[], options: RunOptions = {}): Promise<GitOutput> {
  const credentials = options.network ? credentialEnvironment(ctx.token, await remoteUrls(ctx), ctx.env ?? process.env) : {};
  const env = commandEnvironment(ctx, { ...credentials, ...options.env });
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      [...args],
      { cwd: ctx.cwd, env, timeout: ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS, maxBuffer: MAX_OUTPUT_BYTES, encoding: 'utf8', windowsHide: true },
      (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, stderr, exitCode: 0 });
        const exitCode = typeof error.code === 'number' ? error.code : -1;
        if (options.okExitCodes?.includes(exitCode) && !error.killed) return resolve({ stdout, stderr, exitCode });
        reject(commandError(ctx, args, error as NodeJS.ErrnoException, stderr, options));
      },
    );
    child.stdin?.on('error', () => undefined); // git may exit before reading stdin; its exit code tells what happened
    child.stdin?.end(options.input ?? '');
  });
}

/** The fetch and push URLs of the context's remote (both, since `pushurl` may point elsewhere). */
async function remoteUrls(ctx: GitContext): Promise<string[]> {
  const urls: string[] = [];
  for (const args of [['remote', 'get-url', ctx.remote], ['remote', 'get-url', '--push', ctx.remote]]) {
    const out = await runGit(ctx, args, { okExitCodes: [2, 128] });
    if (out.exitCode === 0) urls.push(out.stdout.trim());
  }
  return urls;
}
