/**
 * The CloudTrail table's DDL: AWS's documented columns and date projection ("Create the table for CloudTrail
 * logs in Athena using partition projection", Amazon Athena User Guide; read 2026-12-07), extended with the
 * account and Region of the delivery path as projected partitions, and the `o-ORG/` level of organization
 * trails, so one table covers every account and Region of a trail's bucket. The projected location template is
 * the delivery layout the file reader handles (`core/trail/layout.ts`, tested against it).
 */
import { accountLogPrefix } from '../trail/layout.js';
import { AthenaInputError, checkAccount, checkBucket, checkOrganization, checkRegion, quoteTable, sqlString, type TableRef } from './names.js';

/** The partition columns, in the order of the delivery path. `timestamp` is AWS's name for the day folder. */
export const PARTITION = { account: 'account', region: 'region', day: 'timestamp' } as const;

/** First day projected when none is given: CloudTrail's log file format of today dates from 2013 (yyyy/MM/dd). */
export const DEFAULT_PROJECTION_START = '2013/11/01';

/**
 * The Regions projected when `--region` is not given: the commercial Regions in the AWS General Reference,
 * "AWS Regions" (read 2026-12-07). A Region not listed is not read: give `--region` for newer ones (and for
 * China or GovCloud).
 */
export const DEFAULT_REGIONS = [
  'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
  'ca-central-1', 'ca-west-1', 'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1',
  'eu-west-2', 'eu-west-3', 'il-central-1', 'me-central-1', 'me-south-1', 'mx-central-1', 'sa-east-1', 'us-east-1',
  'us-east-2', 'us-west-1', 'us-west-2',
] as const;

/** What `policy-trim athena ddl` is asked for. */
export interface DdlInput {
  table: TableRef;
  bucket: string;
  /** The trail's S3 key prefix, if any. */
  prefix?: string;
  /** `o-…` for an organization trail. */
  organizationId?: string;
  /** Accounts to project (enum); none: the account is injected, and each query must name its accounts. */
  accounts?: readonly string[];
  /** Regions to project (enum); default {@link DEFAULT_REGIONS}. */
  regions?: readonly string[];
  /** First projected day (`yyyy/MM/dd`); default {@link DEFAULT_PROJECTION_START}. */
  since?: string;
}

/**
 * AWS's documented columns (same page), in its order; one addition: `resources[].arnprefix` (CloudTrail writes
 * `ARNPrefix` for some resources, e.g. S3 object prefixes; the normalizer reads it). Struct fields are lower
 * case: the SerDe matches JSON keys case-insensitively.
 */
const COLUMNS = `  eventversion STRING,
  useridentity STRUCT<
    type: STRING, principalid: STRING, arn: STRING, accountid: STRING, invokedby: STRING, accesskeyid: STRING,
    username: STRING, onbehalfof: STRUCT<userid: STRING, identitystorearn: STRING>,
    sessioncontext: STRUCT<
      attributes: STRUCT<mfaauthenticated: STRING, creationdate: STRING>,
      sessionissuer: STRUCT<type: STRING, principalid: STRING, arn: STRING, accountid: STRING, username: STRING>,
      ec2roledelivery: STRING,
      webidfederationdata: STRUCT<federatedprovider: STRING, attributes: MAP<STRING, STRING>>>>,
  eventtime STRING,
  eventsource STRING,
  eventname STRING,
  awsregion STRING,
  sourceipaddress STRING,
  useragent STRING,
  errorcode STRING,
  errormessage STRING,
  requestparameters STRING,
  responseelements STRING,
  additionaleventdata STRING,
  requestid STRING,
  eventid STRING,
  readonly STRING,
  resources ARRAY<STRUCT<arn: STRING, accountid: STRING, type: STRING, arnprefix: STRING>>,
  eventtype STRING,
  apiversion STRING,
  recipientaccountid STRING,
  serviceeventdetails STRING,
  sharedeventid STRING,
  vpcendpointid STRING,
  vpcendpointaccountid STRING,
  eventcategory STRING,
  addendum STRUCT<reason: STRING, updatedfields: STRING, originalrequestid: STRING, originaleventid: STRING>,
  sessioncredentialfromconsole STRING,
  edgedevicedetails STRING,
  tlsdetails STRUCT<tlsversion: STRING, ciphersuite: STRING, clientprovidedhostheader: STRING>`;

/**
 * The S3 location template of the projected partitions: `s3://BUCKET/[PREFIX/]AWSLogs/[o-ORG/]${account}/CloudTrail/${region}/${timestamp}`,
 * the delivery layout of `core/trail/layout.ts` (its `accountLogPrefix` builds the account level).
 */
export function locationTemplate(input: Pick<DdlInput, 'bucket' | 'prefix' | 'organizationId'>): string {
  const accountLevel = accountLogPrefix(input.prefix, input.organizationId, `\${${PARTITION.account}}`);
  return `s3://${input.bucket}/${accountLevel}\${${PARTITION.region}}/\${${PARTITION.day}}`;
}

/** The table's root location: the template's text before the first projected value. */
function tableLocation(template: string): string {
  return template.slice(0, template.indexOf('${'));
}

/** A Hive DDL identifier (backquoted: `timestamp` is a reserved word); names are checked by the caller. */
function hiveTable(ref: TableRef): string {
  return quoteTable(ref).replace(/"/g, '`');
}

/** The CREATE EXTERNAL TABLE statement with partition projection over account, Region and day. */
export function cloudTrailTableDdl(input: DdlInput): string {
  checkBucket(input.bucket);
  if (input.organizationId) checkOrganization(input.organizationId);
  // S3's "safe characters" for key names (Amazon S3 User Guide, "Naming Amazon S3 objects"): nothing to escape.
  if (input.prefix !== undefined && !/^[A-Za-z0-9!_.*()/-]*$/.test(input.prefix)) {
    throw new AthenaInputError(`--prefix ${input.prefix}: holds characters outside S3's safe set`, 'Give the trail\'s S3 key prefix as the trail shows it (letters, digits, ! _ . * ( ) - /).');
  }
  if (input.since !== undefined && !/^\d{4}\/\d{2}\/\d{2}$/.test(input.since)) {
    throw new AthenaInputError(`--since ${input.since}: expected yyyy/MM/dd`, 'Give the first day of logs to project, e.g. 2024/01/01.');
  }
  const accounts = input.accounts?.map((a) => checkAccount(a, '--account'));
  const regions = (input.regions?.length ? input.regions : DEFAULT_REGIONS).map((r) => checkRegion(r, '--region'));
  const since = input.since ?? DEFAULT_PROJECTION_START;
  const template = locationTemplate(input);
  const props: Array<[string, string]> = [
    ['projection.enabled', 'true'],
    ...(accounts?.length
      ? ([[`projection.${PARTITION.account}.type`, 'enum'], [`projection.${PARTITION.account}.values`, accounts.join(',')]] as Array<[string, string]>)
      : ([[`projection.${PARTITION.account}.type`, 'injected']] as Array<[string, string]>)),
    [`projection.${PARTITION.region}.type`, 'enum'],
    [`projection.${PARTITION.region}.values`, regions.join(',')],
    [`projection.${PARTITION.day}.type`, 'date'],
    [`projection.${PARTITION.day}.format`, 'yyyy/MM/dd'],
    [`projection.${PARTITION.day}.range`, `${since},NOW`],
    [`projection.${PARTITION.day}.interval`, '1'],
    [`projection.${PARTITION.day}.interval.unit`, 'DAYS'],
    ['storage.location.template', template],
  ];
  return [
    `CREATE EXTERNAL TABLE IF NOT EXISTS ${hiveTable(input.table)} (`,
    COLUMNS,
    ')',
    `COMMENT 'CloudTrail logs of s3://${input.bucket}/, projected by account, Region and day (policy-trim athena ddl)'`,
    `PARTITIONED BY (${PARTITION.account} STRING, ${PARTITION.region} STRING, \`${PARTITION.day}\` STRING)`,
    "ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'",
    "STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'",
    "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'",
    `LOCATION ${sqlString(tableLocation(template))}`,
    'TBLPROPERTIES (',
    props.map(([k, v]) => `  ${sqlString(k)}=${sqlString(v)}`).join(',\n'),
    ')',
  ].join('\n');
}
