/**
 * `policy-trim render FILE|DIR --format terraform`: convert policy documents between JSON, YAML and Terraform.
 * It reads what `suggest` and `render` print, so their output can be converted again.
 */
import { readFile } from 'node:fs/promises';
import type { Argv } from 'yargs';
import { readPolicyFiles } from '../../adapters/fs/policy-files.js';
import { PolicyError } from '../../core/policy/errors.js';
import type { PolicyDocument } from '../../core/policy/types.js';
import { parseRenderInput, PolicyTextError, renderDocuments } from '../../core/render/index.js';
import type { CommandModule } from '../command.js';
import { CliError, EXIT } from '../errors.js';
import type { CliIo } from '../io.js';
import { checkOutputTargets, writeResult } from '../output.js';
import { renderChoices, withRenderOptions } from '../render-options.js';

export const renderCommand: CommandModule = {
  command: 'render <file>',
  describe: 'Convert policy documents (JSON or YAML; a file or a directory) to JSON, YAML or Terraform',
  builder: (y: Argv) =>
    withRenderOptions(
      y.positional('file', {
        type: 'string',
        describe: 'Policy document (.json, .yaml, AWS CLI get-policy-version output, or what suggest prints), or a directory of them',
      }),
    )
      .option('name', { type: 'string', describe: 'Terraform block name (default: from the file name; numbered for several documents)' })
      .option('out', { type: 'string', describe: 'Write to this file (atomically) instead of stdout' })
      .option('force', { type: 'boolean', default: false, describe: 'Let --out overwrite an input file' })
      .example('$0 render policy.json --format terraform', 'An aws_iam_policy_document data source'),
  async run(args, io: CliIo) {
    const { format, style } = renderChoices(args);
    const { documents, files } = await readRenderInputs(String(args.file));
    await checkOutputTargets([{ option: '--out', path: args.out as string | undefined }], files.map((path) => ({ option: 'the input', path })), Boolean(args.force));
    const name = args.name === undefined ? undefined : String(args.name);
    await writeResult(renderDocuments(documents, format, { style, name }), args.out as string | undefined, io);
    return EXIT.OK;
  },
};

/**
 * The documents of a file or a directory, in the policy-files adapter's order, and the files they came from. The adapter finds and reads the
 * files; each is parsed here with the render reader, which also takes several documents in one file and
 * documents without statements (the adapter's parser, made for `suggest`, refuses both).
 */
async function readRenderInputs(path: string): Promise<{ documents: PolicyDocument[]; files: string[] }> {
  const listing = await readPolicyFiles([path]);
  const unread = listing.problems.filter((p) => !listing.files.includes(p.file)).map((p) => p.message);
  const documents: PolicyDocument[] = [];
  const problems: string[] = [...unread];
  for (const file of listing.files) {
    const ext = file.toLowerCase().match(/\.(json|ya?ml)$/)?.[1];
    const format = ext === 'json' ? 'json' : ext ? 'yaml' : undefined;
    try {
      documents.push(...parseRenderInput(await readFile(file, 'utf8'), file, { format, kind: 'file' }));
    } catch (e) {
      if (e instanceof PolicyError || e instanceof PolicyTextError) problems.push(e.message);
      else if (typeof (e as NodeJS.ErrnoException).syscall === 'string') problems.push(`${file}: cannot read (${(e as NodeJS.ErrnoException).code})`);
      else throw e;
    }
  }
  if (problems.length) {
    throw new CliError('policy-file-invalid', problems.join('\n'), 'Fix the document (it must be an IAM policy document) and run again.');
  }
  return { documents, files: listing.files };
}
