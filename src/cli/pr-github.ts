/**
 * Where `policy-trim pr` opens its pull requests: the repository (`--repo`, else `GITHUB_REPOSITORY`, else the
 * `origin` remote), the API root (`--github-api-url`, else `GITHUB_API_URL`, else the remote's host), and the
 * token (`--github-token`, else `GITHUB_TOKEN`), which no output of the command ever shows.
 */
import { createGitHubClient, type GitHubClient } from '../adapters/github/client.js';
import { runGit, type GitContext } from '../adapters/git/run.js';
import { apiUrlForHost, parseRemoteUrl, parseRepoOption, type RepoSlug } from '../core/pr/remote.js';
import { redactSecrets } from '../core/pr/redact.js';
import type { CliIo } from './io.js';
import { toolVersion } from './pr-plan.js';

/** The token of a run, when one is given. */
export function githubToken(args: Record<string, unknown>, env: Record<string, string | undefined>): string | undefined {
  const token = ((args['github-token'] as string | undefined) ?? env.GITHUB_TOKEN ?? '').trim();
  return token === '' ? undefined : token;
}

/**
 * The CLI's IO with every known secret (the token, in each form it is sent in) and every credential-shaped
 * string removed from what is printed: git's and GitHub's messages are redacted where they are made, and this
 * is the last net under everything else (a URL in an error, a stack with --debug).
 */
export function redactingIo(io: CliIo, secrets: readonly (string | undefined)[]): CliIo {
  return { ...io, stdout: (t) => io.stdout(redactSecrets(t, secrets)), stderr: (t) => io.stderr(redactSecrets(t, secrets)) };
}

/** The `origin` remote's URL, or undefined when there is none. */
async function originUrl(ctx: GitContext): Promise<string | undefined> {
  const out = await runGit(ctx, ['remote', 'get-url', ctx.remote], { okExitCodes: [2, 128] });
  return out.exitCode === 0 ? out.stdout.trim() : undefined;
}

/** The repository the pull requests go to; a remote that names none is an error asking for `--repo`. */
export async function repositorySlug(args: Record<string, unknown>, env: Record<string, string | undefined>, ctx: GitContext): Promise<RepoSlug> {
  if (args.repo !== undefined) return parseRepoOption(String(args.repo), '--repo');
  if (env.GITHUB_REPOSITORY) return parseRepoOption(env.GITHUB_REPOSITORY, 'GITHUB_REPOSITORY');
  const url = await originUrl(ctx);
  if (url === undefined) return parseRemoteUrl('', ctx.remote);
  return parseRemoteUrl(url, ctx.remote);
}

/** The GitHub client of a run: API root from the option, the environment, or the remote's host. */
export function githubClient(args: Record<string, unknown>, env: Record<string, string | undefined>, slug: RepoSlug): GitHubClient {
  const given = (args['github-api-url'] as string | undefined) ?? env.GITHUB_API_URL;
  const apiUrl = given ?? (slug.host !== undefined ? apiUrlForHost(slug.host) : undefined);
  const token = githubToken(args, env);
  return createGitHubClient({
    repo: { owner: slug.owner, name: slug.name },
    env,
    userAgent: `policy-trim/${toolVersion()}`,
    ...(apiUrl !== undefined ? { apiUrl } : {}),
    ...(token !== undefined ? { token } : {}),
  });
}
