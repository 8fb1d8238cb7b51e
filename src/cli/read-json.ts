/**
 * Reading a small JSON file the user named, with errors that name it.
 */
import { readFile } from 'node:fs/promises';
import { CliError } from './errors.js';

/** Read and parse a JSON file; `what` says what the file should be, for the error message. */
export async function readJsonFile(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new CliError('file-unreadable', `cannot read the ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'Check the path.');
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError('file-not-json', `the ${what} ${file} is not valid JSON: ${(e as Error).message}`, 'Give the JSON exactly as the AWS CLI prints it.');
  }
}
