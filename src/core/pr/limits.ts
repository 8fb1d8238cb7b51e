/**
 * GitHub's limits the pull request has to fit, so the body builder (core) and the client (adapter) check the
 * same numbers.
 */

/**
 * The longest pull-request body (and comment) GitHub accepts: 65,536 characters. Beyond it the API answers 422
 * "body is too long"; the caller then puts a summary in the body and the full report in a file on the branch.
 */
export const PULL_REQUEST_BODY_MAX = 65_536;

/**
 * The length of a body as checked against {@link PULL_REQUEST_BODY_MAX}: UTF-16 code units, which is never
 * fewer than the characters GitHub counts, so a body that passes this check is never refused for its length.
 */
export function pullRequestBodyLength(body: string): number {
  return body.length;
}

/** Whether `body` fits GitHub's limit. */
export function fitsPullRequestBody(body: string): boolean {
  return pullRequestBodyLength(body) <= PULL_REQUEST_BODY_MAX;
}
