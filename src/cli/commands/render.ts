/**
 * `policy-trim render FILE --format terraform`: convert any policy document between JSON, YAML and Terraform.
 */
import type { Argv } from 'yargs';
import { readPolicyFiles } from '../../adapters/fs/policy-files.js';
import { renderPolicy, type RenderFormat } from '../../core/render/index.js';
import { CliError, EXIT } from '../errors.js';
import type { CliIo } from '../io.js';
import type { CommandModule } from '../command.js';
import { writeResult } from '../output.js';

export const renderCommand: CommandModule = {
  command: 'render <file>',
  describe: 'Convert a policy document (JSON or YAML) to JSON, YAML or Terraform',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', describe: 'Policy document (.json, .yaml, or AWS CLI get-policy-version output)' })
      .option('format', { choices: ['json', 'yaml', 'terraform'] as const, default: 'json', describe: 'Output format' })
      .option('terraform-style', { choices: ['data-source', 'jsonencode'] as const, default: 'data-source', describe: 'Terraform shape: aws_iam_policy_document data source, or jsonencode()' })
      .option('name', { type: 'string', describe: 'Terraform block name (default: from the file name)' })
      .option('out', { type: 'string', describe: 'Write to this file (atomically) instead of stdout' })
      .example('$0 render policy.json --format terraform', 'An aws_iam_policy_document data source'),
  async run(args, io: CliIo) {
    const file = String(args.file);
    const { documents, problems } = await readPolicyFiles([file]);
    if (problems.length) {
      throw new CliError('policy-file-invalid', problems.map((p) => p.message).join('\n'), 'Fix the document (it must be an IAM policy document) and run again.');
    }
    const texts = documents.map((doc) =>
      renderPolicy(doc, args.format as RenderFormat, {
        style: args['terraform-style'] as 'data-source' | 'jsonencode',
        name: (args.name as string | undefined) ?? doc.name,
      }),
    );
    await writeResult(texts.join(args.format === 'terraform' ? '\n' : args.format === 'yaml' ? '---\n' : ''), args.out as string | undefined, io);
    return EXIT.OK;
  },
};
