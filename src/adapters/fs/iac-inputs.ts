/**
 * Reads the files a user gives to resolve infrastructure-code references (issue 10 §2): the JSON of
 * `terraform show -json` (`--tf-state FILE`) and CloudFormation/SAM parameter files. Parsing is the core's
 * (`core/iac/tf-state.ts`, `core/iac/cfn-params.ts`); this adapter reads the bytes and names the file in errors.
 */

import { readFile } from 'node:fs/promises';
import { parseParameterFile, type ParameterFileOptions } from '../../core/iac/cfn-params.js';
import { ReferenceSourceError, type ReferenceSource } from '../../core/iac/resolve.js';
import { parseTerraformState } from '../../core/iac/tf-state.js';

/**
 * The reference values of a `terraform show -json` output (state or saved plan) at `path`. Throws
 * ReferenceSourceError: `reference-file-unreadable` when the file cannot be read, `tf-state-invalid` when it is
 * not that JSON.
 */
export async function readTerraformState(path: string): Promise<ReferenceSource> {
  const text = await readText(path, 'Write it with `terraform show -json > state.json` and pass that file to --tf-state.');
  return parseTerraformState(text, path);
}

/**
 * The `Ref:K` values of a parameter file at `path` (AWS CLI parameters JSON, CodePipeline template
 * configuration, samconfig.toml/.yaml/.json). Throws ReferenceSourceError: `reference-file-unreadable`, or
 * `cfn-parameters-invalid` naming the forms it reads.
 */
export async function readParameterFile(path: string, opts: ParameterFileOptions = {}): Promise<ReferenceSource> {
  const text = await readText(path, 'Check the path of the parameter file.');
  return parseParameterFile(text, path, opts);
}

async function readText(path: string, hint: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory, not a file' : (code ?? (e as Error).message);
    throw new ReferenceSourceError({ code: 'reference-file-unreadable', file: path, message: `cannot read (${why})`, hint, cause: e });
  }
}
