/**
 * The commit policy-trim makes on a role's branch: a subject and body that say what changed and why, and
 * trailers that mark the commit as the tool's. The git adapter reads those trailers back to tell the tool's
 * commits from a person's: a commit on the branch without them means someone else worked there, and the tool
 * must not overwrite it.
 */
import { roleDisplayName } from './branch.js';
import { escapeControls } from '../render/escape.js';

/** Trailer naming the role the commit trims. */
export const ROLE_TRAILER = 'Policy-Trim-Role';
/** Trailer naming the tool and its version; its presence is what marks a commit as policy-trim's. */
export const GENERATED_BY_TRAILER = 'Generated-By';
/** The value of {@link GENERATED_BY_TRAILER} starts with this word. */
export const TOOL_NAME = 'policy-trim';

/** What a trim commit changes and the evidence behind it, for its message. */
export interface TrimCommitFacts {
  /** The role's ARN (or name, when that is all that is known). */
  role: string;
  /** policy-trim's version, for the `Generated-By` trailer. */
  toolVersion: string;
  /** Actions the role keeps no more. */
  removedActions: number;
  /** Actions kept but narrowed to the resources the role used. */
  narrowedActions: number;
  /** Files the commit edits, relative to the repository root. */
  files: readonly string[];
  /** The observation window, as ISO dates or timestamps. */
  window: { from: string; to: string };
}

const WIDTH = 72;
const SUBJECT_WIDTH = 72;
const FILES_LISTED = 10;


/** Greedy word wrap to {@link WIDTH} columns (a word longer than the width gets its own line). */
function wrap(text: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > WIDTH) (lines.push(line), (line = word));
    else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The "what" paragraph: removed and narrowed actions. */
function whatSentence(facts: TrimCommitFacts, name: string): string {
  const parts: string[] = [];
  if (facts.removedActions > 0) parts.push(`remove ${plural(facts.removedActions, 'action')} ${name} did not use`);
  if (facts.narrowedActions > 0) parts.push(`narrow ${plural(facts.narrowedActions, 'action')} to the resources it used`);
  const what = parts.length ? parts.join(' and ') : `rewrite the policy of ${name} with the grants it used`;
  return what.charAt(0).toUpperCase() + what.slice(1) + '.';
}

/**
 * The full commit message for a trim of one role. Every value from the input goes through
 * {@link escapeControls}, so a role or file name cannot add lines (and so forge a trailer).
 */
export function trimCommitMessage(facts: TrimCommitFacts): string {
  const role = escapeControls(facts.role);
  const name = roleDisplayName(role);
  const subject = `policy-trim: trim unused permissions of ${name}`;
  const files = facts.files.map((f) => `- ${escapeControls(f)}`);
  const listed = capList(files);
  const why =
    `Why: CloudTrail from ${escapeControls(facts.window.from)} to ${escapeControls(facts.window.to)} shows no use of what is removed. ` +
    'The new policy was checked to be never wider than the old one and to still allow every call observed.';
  return message(subject, [...wrap(whatSentence(facts, name)), ...(listed.length ? ['', 'Files:', ...listed] : [])], why, role, facts.toolVersion);
}

/** At most {@link FILES_LISTED} list lines, then how many more. */
function capList(lines: string[]): string[] {
  return lines.length > FILES_LISTED ? [...lines.slice(0, FILES_LISTED), `- and ${lines.length - FILES_LISTED} more`] : lines;
}

/** The message: the subject (cut to its width), the body, why, and the trailers the git adapter tells the tool's commits by. */
function message(subject: string, body: string[], why: string, role: string, toolVersion: string): string {
  return [
    subject.length > SUBJECT_WIDTH ? `${subject.slice(0, SUBJECT_WIDTH - 1)}…` : subject,
    '',
    ...body,
    '',
    ...wrap(why),
    '',
    `${ROLE_TRAILER}: ${role}`,
    `${GENERATED_BY_TRAILER}: ${TOOL_NAME} ${escapeControls(toolVersion)}`,
    '',
  ].join('\n');
}

/** What a split commit adds, for its message. */
export interface SplitCommitFacts {
  /** The shared role's ARN (or name). */
  role: string;
  toolVersion: string;
  /** The file the roles are added to. */
  file: string;
  /** The new roles' names, by function. */
  roles: readonly { functionName: string; roleName: string }[];
  /** Whether anything but the functions used the shared role (it cannot be retired yet). */
  residual: boolean;
  window: { from: string; to: string };
}

/**
 * The commit message of `pr --split-by-function`: the roles it adds, why, and the same trailers as a trim's
 * (the git adapter tells the tool's commits by them). Values escaped as in {@link trimCommitMessage}.
 */
export function splitCommitMessage(facts: SplitCommitFacts): string {
  const role = escapeControls(facts.role);
  const name = roleDisplayName(role);
  const subject = `policy-trim: one role per function for ${name}`;
  const roles = facts.roles.map((r) => `- ${escapeControls(r.roleName)} (function ${escapeControls(r.functionName)})`);
  const listed = capList(roles);
  const why =
    `Why: CloudTrail from ${escapeControls(facts.window.from)} to ${escapeControls(facts.window.to)} shows what each function of ${name} used. ` +
    'Each new role was checked to be never wider than the shared role and to allow every call its function made. ' +
    `The shared role and the functions are unchanged${facts.residual ? '; the shared role is also used by others and cannot be retired yet' : ''}.`;
  return message(subject, [...wrap(`Add ${plural(facts.roles.length, 'role')} to ${escapeControls(facts.file)}, one per function of ${name}:`), ...listed], why, role, facts.toolVersion);
}

/** One `Key: value` trailer. */
export interface Trailer {
  key: string;
  value: string;
}

/**
 * The trailers of a commit message: the lines of its last paragraph, when every line there is `Key: value`
 * (git's own trailer block; a folded continuation line, starting with white space, joins the one before).
 */
export function commitTrailers(message: string): Trailer[] {
  const paragraphs = message.replace(/\r\n/g, '\n').trim().split(/\n\s*\n/);
  if (paragraphs.length < 2) return [];
  const trailers: Trailer[] = [];
  for (const line of paragraphs[paragraphs.length - 1]!.split('\n')) {
    const match = /^([A-Za-z0-9][A-Za-z0-9-]*)\s*:\s*(.*)$/.exec(line);
    if (match) trailers.push({ key: match[1]!, value: match[2]!.trim() });
    else if (/^\s/.test(line) && trailers.length) trailers[trailers.length - 1]!.value += ` ${line.trim()}`;
    else return [];
  }
  return trailers;
}

/** The value of a trailer (keys compare ignoring case, as git's do), the last one when repeated. */
function trailerValue(trailers: readonly Trailer[], key: string): string | undefined {
  return trailers.filter((t) => t.key.toLowerCase() === key.toLowerCase()).at(-1)?.value;
}

/**
 * Whether a commit message is one policy-trim wrote: its trailers hold `Generated-By: policy-trim …` and a
 * `Policy-Trim-Role`. With `role`, the role must be that one too (a commit for another role is not this
 * branch's).
 */
export function isToolCommit(message: string, role?: string): boolean {
  const trailers = commitTrailers(message);
  const generatedBy = trailerValue(trailers, GENERATED_BY_TRAILER);
  const commitRole = trailerValue(trailers, ROLE_TRAILER);
  if (generatedBy === undefined || commitRole === undefined) return false;
  if (generatedBy !== TOOL_NAME && !generatedBy.startsWith(`${TOOL_NAME} `)) return false;
  // git trims trailer values, so the role is compared as it reads back
  return role === undefined || commitRole === escapeControls(role).trim();
}

/** The role a policy-trim commit names in its trailer; undefined for any other commit. */
export function toolCommitRole(message: string): string | undefined {
  return isToolCommit(message) ? trailerValue(commitTrailers(message), ROLE_TRAILER) : undefined;
}
