/**
 * GitHub's workflow-command and environment-file formats, as the runner reads them: `::error::` lines on
 * stdout, step outputs in the file `GITHUB_OUTPUT` names, the job summary in the file `GITHUB_STEP_SUMMARY`
 * names. Written here rather than through `@actions/core` because the action needs these few lines of it and
 * nothing else (the action's bundle then holds only policy-trim and its own dependencies).
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { EOL } from 'node:os';
import { InvariantError } from '../core/errors.js';

/**
 * A value in a workflow command's message: `%`, CR and LF escaped as the runner unescapes them, so a message
 * (which may quote a file name, an ARN or a log value) stays one command and cannot end it early.
 */
export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A value in a workflow command's property (`title=…`): also `:` and `,`, which end a property. */
export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `::error::MESSAGE` (with an optional title), escaped, as one line. */
export function errorCommand(message: string, title?: string): string {
  const props = title ? ` title=${escapeProperty(title)}` : '';
  return `::error${props}::${escapeData(message)}${EOL}`;
}

/**
 * A random token for `::stop-commands::TOKEN`: between it and `::TOKEN::` the runner reads no workflow
 * command, so a line of the CLI's output built from CloudTrail or policy values cannot act as one (an
 * `::add-mask::` or an `::error::` spelled inside a log record).
 */
export function stopCommandsToken(): string {
  return `policy-trim-${randomUUID()}`;
}

/**
 * Step outputs in the environment-file form the runner reads from `GITHUB_OUTPUT`: `name<<DELIMITER`, the
 * value's lines, `DELIMITER`. The delimiter is random per output so that no value (a path, say) can close it
 * and write another output; one that contains it is refused, as `@actions/core` does.
 */
export function outputsText(outputs: ReadonlyArray<readonly [string, string]>, delimiter: () => string = () => `ghadelimiter_${randomUUID()}`): string {
  let text = '';
  for (const [name, value] of outputs) {
    const d = delimiter();
    if (name.includes(d) || value.includes(d)) throw new InvariantError(`output ${name}: its name or value contains the delimiter ${d}`);
    text += `${name}<<${d}${EOL}${value}${EOL}${d}${EOL}`;
  }
  return text;
}

/** Appends the outputs to the file `GITHUB_OUTPUT` names; false when the variable is unset (a local run). */
export function writeOutputs(env: Record<string, string | undefined>, outputs: ReadonlyArray<readonly [string, string]>): boolean {
  const file = env.GITHUB_OUTPUT;
  if (!file) return false;
  appendFileSync(file, outputsText(outputs), 'utf8');
  return true;
}

/**
 * Appends Markdown to the job summary (`GITHUB_STEP_SUMMARY`); false when unset. The drift Markdown renderer
 * keeps the report under GitHub's 1 MiB summary limit itself, so it is appended as it is.
 */
export function appendSummary(env: Record<string, string | undefined>, markdown: string): boolean {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return false;
  appendFileSync(file, markdown.endsWith('\n') ? markdown : `${markdown}${EOL}`, 'utf8');
  return true;
}
