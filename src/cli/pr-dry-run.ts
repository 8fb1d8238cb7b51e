/**
 * `policy-trim pr --dry-run`: what the pull request would be, on stdout — the unified diff of every edited
 * file (as `git diff` shows it), then the title and the body — and nothing else: no git, no GitHub, no file
 * written.
 */
import { createTwoFilesPatch } from 'diff';
import type { FileEdit } from '../core/iac/plan-types.js';
import type { CliIo } from './io.js';
import type { RolePullRequest } from './pr-plan.js';
import type { SplitPullRequest } from './pr-split.js';
import { forTerminal } from '../core/render/escape.js';

/** One file's edit as a unified diff with git's headers (`diff --git a/F b/F`, `--- a/F`, `+++ b/F`). */
export function unifiedDiff(edit: FileEdit): string {
  const patch = createTwoFilesPatch(`a/${edit.file}`, `b/${edit.file}`, edit.before, edit.after, undefined, undefined, { context: 3 });
  // The diff package starts with a `====` rule (its "Index:" format); git's own header reads better and applies with `git apply`.
  const body = patch.replace(/^=+\n/, '');
  return `diff --git a/${edit.file} b/${edit.file}\n${body}`;
}

/** A pull request either kind of run makes: a trim's (its edits in its plan) or a split's. */
export type AnyPullRequest = RolePullRequest | SplitPullRequest;

/** The files a pull request edits, whichever kind it is. */
export function editsOf(pr: AnyPullRequest): FileEdit[] {
  return 'kind' in pr ? pr.edits : pr.plan.edits;
}

/** Everything the dry run prints for one role: its diffs, then its title and body. */
export function dryRunText(pr: AnyPullRequest): string {
  const edits = editsOf(pr);
  const parts = [
    `# ${pr.role.role}: branch ${pr.branch}, ${edits.length} file(s) edited`,
    ...edits.map(unifiedDiff),
    `# Title: ${pr.text.title}`,
    '',
    pr.text.body.endsWith('\n') ? pr.text.body : `${pr.text.body}\n`,
  ];
  if (pr.text.fullReport !== undefined) parts.push(`# The body is shortened; the full report would be committed as ${pr.reportPath} (${pr.text.fullReport.length} characters).\n`);
  return parts.join('\n');
}

/** Prints one role's dry run: stdout the proposal, stderr a line saying what a real run would do. */
export function printDryRun(pr: AnyPullRequest, io: CliIo): void {
  const edits = editsOf(pr);
  if (edits.length === 0) {
    io.stderr(`${forTerminal(pr.role.role)}: nothing left to trim; a real run would close the open pull request of ${forTerminal(pr.branch)}, if any.\n`);
    return;
  }
  io.stdout(dryRunText(pr));
  io.stderr(`${forTerminal(pr.role.role)}: dry run: ${edits.length} file(s) would be committed on ${forTerminal(pr.branch)}; nothing was written.\n`);
}
