/**
 * The comment `policy-trim pr` leaves when a person has pushed to its branch (it pushes nothing over anyone's
 * work), said once per situation: the comment ends with a hidden marker naming the person's commits, and a run
 * that finds that marker among the pull request's comments has nothing new to say. A scheduled run would
 * otherwise post the same comment every day until someone acts.
 */
import { clipText, markdownCode, markdownText } from './markdown.js';

/** A commit on the tool's branch that policy-trim did not make, as the comment lists it. */
export interface ForeignCommit {
  sha: string;
  subject: string;
}

/** What the comment says. */
export interface BlockedCommentInput {
  /** The tool's branch. */
  branch: string;
  /** The title of the proposal the run would have pushed. */
  title: string;
  /** The commits policy-trim did not make, newest first as git lists them. */
  commits: readonly ForeignCommit[];
}

/** How many commits the comment lists (the marker names them all). */
const LISTED_MAX = 10;

/**
 * The hidden marker of one situation: the person's commits, sorted (their order is not the situation). Commit
 * ids are hex, so nothing in them can end the HTML comment.
 */
export function blockedMarker(commits: readonly ForeignCommit[]): string {
  const shas = commits.map((c) => c.sha.toLowerCase().replace(/[^0-9a-f]/g, '')).sort();
  return `<!-- policy-trim:blocked=${shas.join(',')} -->`;
}

/** The comment: why nothing was pushed, the commits (the first ten), what to do, and the marker. */
export function blockedComment(input: BlockedCommentInput): string {
  const { branch, title, commits } = input;
  // A person's subject is text, never Markdown or HTML of the comment (a `<!--` in it would hide the rest).
  const list = commits.slice(0, LISTED_MAX).map((c) => `- ${markdownCode(c.sha.slice(0, 12))} ${markdownText(clipText(c.subject.replace(/[\r\n]+/g, ' '), 120))}`);
  return [
    `policy-trim did not update this pull request: the branch ${markdownCode(branch)} has ${commits.length} commit(s) policy-trim did not make, and it never pushes over anyone's work.`,
    '',
    ...list,
    '',
    `Its latest proposal would be: ${markdownText(title)}. To get it, merge or close this pull request (or delete the branch); policy-trim then opens a fresh one on its next run.`,
    '',
    blockedMarker(commits),
  ].join('\n');
}

/** Whether one of `comments` (their texts) already says this situation: it holds the marker of these commits. */
export function blockedAlreadySaid(comments: readonly string[], commits: readonly ForeignCommit[]): boolean {
  const marker = blockedMarker(commits);
  return comments.some((c) => c.includes(marker));
}
