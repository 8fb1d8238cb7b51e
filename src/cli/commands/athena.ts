/**
 * `policy-trim athena ddl`: the CloudTrail table `--athena` reads (core/athena/ddl.ts), printed, or created with
 * `--create` through Athena.
 */
import type { Argv } from 'yargs';
import { cloudTrailTableDdl } from '../../core/athena/ddl.js';
import { parseTableRef } from '../../core/athena/names.js';
import { forTerminal } from '../../core/render/escape.js';
import { awsClients, closeAwsClients, loadAws } from '../aws-wiring.js';
import { EXIT, usageError } from '../errors.js';
import type { CliIo } from '../io.js';
import type { CommandModule } from '../command.js';
import { listOption } from '../options.js';
import { checkAthenaPlace } from '../athena-source.js';

/** The table's name when `--table` is not given (AWS's examples name it `cloudtrail_logs…`). */
const DEFAULT_TABLE = 'cloudtrail_logs';

/** `policy-trim athena ddl`: the CloudTrail table of `--athena`, printed or created. */
export const athenaCommand: CommandModule = {
  command: 'athena <what>',
  describe: 'The Athena table --athena reads: `athena ddl` prints its CREATE TABLE (or runs it with --create)',
  // Not withAwsOptions: its --region (the client's) would clash with the projected Regions; with --create the
  // client's Region comes from AWS_REGION or the profile.
  builder: (y: Argv) =>
    y
        .option('profile', { type: 'string', describe: 'With --create: AWS profile (default: the SDK default credential chain)' })
        .option('endpoint-url', { type: 'string', describe: 'With --create: send the Athena call to this endpoint (tests, private endpoints)' })
        .positional('what', { choices: ['ddl'] as const, describe: 'ddl' })
        .option('bucket', { type: 'string', describe: "The trail's S3 bucket (name only)" })
        .option('prefix', { type: 'string', describe: "The trail's S3 key prefix, if it has one" })
        .option('org', { type: 'string', describe: 'Organization id (o-…) of an organization trail' })
        .option('account', { type: 'string', array: true, describe: 'Accounts to project (repeated or comma-separated); default: injected, each query names its accounts' })
        .option('region', { type: 'string', array: true, describe: 'Regions to project (repeated or comma-separated); default: the commercial Regions' })
        .option('since', { type: 'string', describe: 'First day of logs to project, yyyy/MM/dd (default 2013/11/01)' })
        .option('table', { type: 'string', default: DEFAULT_TABLE, describe: 'Table name ([DATABASE.]TABLE)' })
        .option('athena-database', { type: 'string', describe: 'Glue database of the table (default: the query context\'s, `default`)' })
        .option('athena-workgroup', { type: 'string', describe: 'With --create: the workgroup to run it in' })
        .option('athena-output', { type: 'string', describe: 'With --create: s3://… for the statement\'s result' })
        .option('create', { type: 'boolean', default: false, describe: 'Run the statement on Athena instead of printing it' })
        .example('$0 athena ddl --bucket my-trail-bucket --org o-a1b2c3d4e5 --account 111122223333', 'The table for an organization trail')
        .example('$0 athena ddl --bucket my-trail-bucket --create --athena-output s3://my-athena-results/', 'Create it'),
  async run(args, io: CliIo) {
    if (!args.bucket) throw usageError('athena ddl needs --bucket: the S3 bucket the trail delivers to');
    // --region here names the projected Regions; the client's Region comes from the environment or the profile.
    const ddl = cloudTrailTableDdl({
      table: parseTableRef(String(args.table), args['athena-database'] as string | undefined),
      bucket: String(args.bucket),
      ...(args.prefix !== undefined ? { prefix: String(args.prefix) } : {}),
      ...(args.org !== undefined ? { organizationId: String(args.org) } : {}),
      ...(args.account !== undefined ? { accounts: listOption(args.account) } : {}),
      ...(args.region !== undefined ? { regions: listOption(args.region) } : {}),
      ...(args.since !== undefined ? { since: String(args.since) } : {}),
    });
    if (!args.create) {
      io.stdout(ddl + ';\n');
      return EXIT.OK;
    }
    return createTable(args, io, ddl);
  },
};

/** Runs the DDL on Athena (`--create`), in the client's Region. */
async function createTable(args: Record<string, unknown>, io: CliIo, ddl: string): Promise<number> {
  checkAthenaPlace(args);
  const clientArgs = { ...args, region: undefined };
  try {
    await loadAws();
    const athena = await import('../../adapters/aws/athena.js');
    const client = athena.createAthenaClient((await awsClients(clientArgs, io)).config);
    try {
      const runner = new athena.AthenaRunner(client, {
        ...(args['athena-workgroup'] ? { workgroup: String(args['athena-workgroup']) } : {}),
        ...(args['athena-output'] ? { outputLocation: String(args['athena-output']) } : {}),
      });
      const id = await runner.start(ddl);
      await runner.wait(id);
      io.stderr(`athena: table ${forTerminal(String(args.table))} created (query ${forTerminal(id)})\n`);
      return EXIT.OK;
    } finally {
      client.destroy();
    }
  } finally {
    await closeAwsClients(clientArgs);
  }
}
