/**
 * The title and body of `pr --split-by-function`'s pull request, for a reviewer who never ran the tool: what the
 * change adds (one role per function, in which file, under which names), that it changes neither the shared role
 * nor any function, whether the shared role can ever be retired (the residual), the per-function summary and
 * overlap, the activity read, the migration notes (rollout order, trust policy), and how to switch each function.
 *
 * Pure and deterministic. Every value from logs, the configuration or the code is quoted for Markdown
 * (core/pr/markdown.ts through the body's Quoter), as in the trim's body. The body fits GitHub's limit: when the
 * whole report does not, the body keeps the summary and the new roles and the full report is committed on the
 * branch (as the trim's body does).
 */

import { roleDisplayName } from '../pr/branch.js';
import { markerComment, windowSection } from '../pr/body-context.js';
import { FULL_LIMITS, quoter, renderSection, type Quoter, type Section } from '../pr/body-layout.js';
import type { ObservedActivity, PullRequestText } from '../pr/body-types.js';
import { PULL_REQUEST_BODY_MAX, pullRequestBodyLength } from '../pr/limits.js';
import { clipText, formatCount, markdownText } from '../pr/markdown.js';
import { ROLE_INLINE_TOTAL_MAX_CHARS } from '../trim/types.js';
import type { NewRole, SplitTargetFormat } from './add-roles.js';
import { migrationNotes } from './migration.js';
import { inlineChars } from './size.js';
import type { SplitResult } from './split.js';

/** The longest title (as the trim's: what GitHub shows in lists). */
const TITLE_MAX = 100;

/** Everything the body says. */
export interface SplitPullRequestInput {
  /** The shared role's ARN (or name when that is all that is known). */
  role: string;
  split: SplitResult;
  /**
   * The file the roles are added to, its format, and the roles as written; `json`: a template written in JSON (the
   * switch of a function is then written in JSON too).
   */
  edit: { file: string; format: SplitTargetFormat; roles: readonly NewRole[]; json?: boolean };
  observed: ObservedActivity;
  /** The window in words, for the migration notes. */
  window: string;
  toolVersion: string;
  baseBranch?: string;
  /** Where the full report is committed when the body is shortened. */
  reportPath: string;
  /** Default GitHub's 65,536. */
  maxLength?: number;
}


/** `policy-trim: one role per function for orders-api-role (3 functions)`, plain text, clipped. */
export function splitPullRequestTitle(role: string, functions: number): string {
  const name = markdownText(roleDisplayName(role)).replace(/\s+/g, ' ').trim() || 'the role';
  const tail = ` (${formatCount(functions)} function${functions === 1 ? '' : 's'})`;
  const prefix = 'policy-trim: one role per function for ';
  return prefix + clipText(name, TITLE_MAX - prefix.length - tail.length) + tail;
}

function summary(input: SplitPullRequestInput, q: Quoter): string {
  const n = input.split.functions.length;
  const lines = [
    `policy-trim proposes one least-privilege role for each of the ${formatCount(n)} function(s) that share ${q.code(input.role)}, from the calls CloudTrail shows them making. Each role is never wider than the shared role and allows every call its function was seen making (both checked by policy-trim's evaluator).`,
    '',
    `This change **adds** the roles to ${q.code(input.edit.file)}. It changes neither the shared role nor any function: nothing runs with the new roles until a function is switched to one (see "Rollout").`,
    '',
  ];
  if (input.split.residual) {
    const sessions = [...new Set(input.split.residual.notes.map((x) => x.session))].sort();
    lines.push(`> **The shared role cannot be retired yet.** It was also used by something other than its functions (sessions ${sessions.map((s) => q.code(s)).join(', ')}): it stays as it is until they have a role of their own.`);
  } else {
    lines.push('> Nothing but its functions used the shared role in the window: once every function runs with its own role, the shared role can be retired.');
  }
  return lines.join('\n');
}

/**
 * What to check before merging: fixed role names need the named-IAM capability in a CloudFormation or SAM
 * stack (`serverless deploy` always asks for it; Terraform has no such thing).
 */
function beforeMerging(input: SplitPullRequestInput): Section | undefined {
  if (input.edit.format === 'terraform' || input.edit.format === 'serverless') return undefined;
  return {
    heading: '### Before merging',
    blocks: [{ kind: 'list', fixed: true, rows: ['- [ ] The new roles have fixed names (`RoleName`): the stack must be deployed with `CAPABILITY_NAMED_IAM` (`sam deploy --capabilities CAPABILITY_NAMED_IAM`, or the same option of `aws cloudformation deploy`).'] }],
  };
}

function rolesSection(input: SplitPullRequestInput, q: Quoter): Section {
  const where = input.edit.format === 'terraform' ? 'address' : 'logical id';
  const rows = input.split.functions.map((f) => {
    const r = input.edit.roles.find((x) => x.functionName === f.name)!;
    const calls = f.observed ? formatCount(f.usage.used.reduce((n, u) => n + u.count, 0)) : 'none';
    const s = f.result.stats;
    return `| ${q.code(f.name, true)} | ${q.code(r.roleName, true)} | ${q.code(r.id, true)} | ${calls} | ${formatCount(s.keptActions)} | ${formatCount(s.removedActions)} | ${formatCount(inlineChars(f.result.documents))} |`;
  });
  return {
    heading: '### The new roles',
    intro: [`Each trusts Lambda (\`lambda.amazonaws.com\` may assume it) and holds its policy inline (IAM allows ${formatCount(ROLE_INLINE_TOTAL_MAX_CHARS)} characters per role).`],
    blocks: [
      { kind: 'table', fixed: true, header: [`| function | role name | ${where} | calls observed | actions kept | granted by the shared role, never used | inline policy (characters) |`, '|---|---|---|---:|---:|---:|---:|'], rows },
    ],
  };
}

function overlapSection(input: SplitPullRequestInput, q: Quoter): Section | undefined {
  const { services, rows } = input.split.matrix;
  if (services.length === 0) return undefined;
  return {
    heading: '### Overlap: actions kept per service',
    blocks: [
      {
        kind: 'table',
        fixed: true,
        header: [`| function | ${services.map((s) => q.code(s, true)).join(' | ')} |`, `|---|${services.map(() => '---:').join('|')}|`],
        rows: rows.map((r) => `| ${q.code(r.functionName, true)} | ${r.counts.map((c) => (c === 0 ? '·' : formatCount(c))).join(' | ')} |`),
      },
    ],
  };
}

/** How one function is switched to its role, in the file's own words. */
function switchLine(edit: SplitPullRequestInput['edit'], r: NewRole): string {
  if (edit.format === 'terraform') return `\`role = ${r.id}.arn\` in its \`aws_lambda_function\``;
  if (edit.format === 'serverless') return `\`role: ${r.id}\` under the function in serverless.yml`;
  const role = edit.json ? `"Role": {"Fn::GetAtt": ["${r.id}", "Arn"]}` : `Role: !GetAtt ${r.id}.Arn`;
  return `\`${role}\` in its properties (a SAM function: remove its \`Policies\`)`;
}

/** The migration notes (core/split/migration.ts) under this body's headings, then the switch of each function. */
function rolloutSection(input: SplitPullRequestInput, q: Quoter): Section {
  const names = new Map(input.edit.roles.map((r) => [r.functionName, r.roleName]));
  const notes = migrationNotes(input.split, { sharedRoleArn: input.role, roleNames: names, window: input.window })
    .replace(/\n$/, '')
    .split('\n')
    .slice(2) // its own title: this body has one
    .map((l) => (l.startsWith('## ') ? `#### ${l.slice(3)}` : l));
  const switches = input.edit.roles.map((r) => `- ${q.code(r.functionName)}: ${switchLine(input.edit, r)}`);
  return {
    heading: '### Rollout',
    blocks: [
      { kind: 'list', fixed: true, rows: notes },
      { kind: 'list', fixed: true, head: ['To switch a function to its role:'], rows: switches },
    ],
  };
}

function footerLine(input: SplitPullRequestInput, q: Quoter): string {
  const base = input.baseBranch === undefined ? 'the base branch' : `the base branch ${q.code(input.baseBranch)}`;
  return `*Generated by policy-trim ${q.text(input.toolVersion)} (split by function) for ${base}.*\n\n${markerComment(input.role)}`;
}

function sections(input: SplitPullRequestInput, q: Quoter): Section[] {
  return [beforeMerging(input), rolesSection(input, q), overlapSection(input, q), windowSection(input.observed, q), rolloutSection(input, q)].filter((s): s is Section => s !== undefined);
}

/**
 * The pull request's title and body; when the whole report is longer than the limit, the body keeps the summary
 * and the new roles, and `fullReport` holds the whole, to be committed at `reportPath`.
 */
export function renderSplitPullRequest(input: SplitPullRequestInput): PullRequestText {
  const q = quoter(FULL_LIMITS);
  const title = splitPullRequestTitle(input.role, input.split.functions.length);
  const all = sections(input, q);
  const full = [summary(input, q), ...all.map((s) => renderSection(s)), footerLine(input, q)].join('\n\n') + '\n';
  const max = input.maxLength ?? PULL_REQUEST_BODY_MAX;
  if (pullRequestBodyLength(full) <= max) return { title, body: full };
  const notice = `> **This description is shortened** to fit GitHub's limit of ${formatCount(max)} characters. The full report is committed on this branch as ${q.code(input.reportPath)}.`;
  const short = [summary(input, q), notice, renderSection(rolesSection(input, q)), footerLine(input, q)].join('\n\n') + '\n';
  return { title, body: short, fullReport: `# ${markdownText(title)}\n\n${full}` };
}
