/**
 * Values that go into Athena SQL: every one is validated or quoted here, so no user input (table names, role
 * ARNs, dates, buckets) reaches a statement as SQL text.
 */
import { ERROR_EXIT, PolicyTrimError } from '../errors.js';

/** A value that cannot go into the query: the user's input, named with what to do. */
export class AthenaInputError extends PolicyTrimError {
  constructor(message: string, hint: string) {
    super({ code: 'athena-input-invalid', message, hint, exitCode: ERROR_EXIT.USAGE, source: 'user' });
  }
}

/**
 * Glue database and table names: letters, digits and underscores (AWS Glue, "Best practices when using Athena
 * with AWS Glue": "A database name, table name, and column names can only contain lowercase letters, numbers, and
 * the underscore character"; read 2026-12-07). Upper case is accepted (Athena folds it); hyphens are not.
 */
const GLUE_NAME = /^[A-Za-z0-9_]{1,255}$/;

/** A table as `--athena [DATABASE.]TABLE` and `--athena-database` name it. */
export interface TableRef {
  database?: string;
  table: string;
}

/** Parses and checks `[DATABASE.]TABLE` (a database in the name wins over `database`). */
export function parseTableRef(value: string, database?: string): TableRef {
  const parts = value.split('.');
  const [db, table] = parts.length === 2 ? [parts[0], parts[1]!] : [database, parts[0]!];
  if (parts.length > 2 || !GLUE_NAME.test(table) || (db !== undefined && !GLUE_NAME.test(db))) {
    throw new AthenaInputError(
      `--athena ${value}${database ? ` (--athena-database ${database})` : ''}: not a Glue table name`,
      'Name the table as TABLE or DATABASE.TABLE: letters, digits and underscores only (the name `policy-trim athena ddl` printed).',
    );
  }
  return db === undefined ? { table } : { database: db, table };
}

/** `"database"."table"`: both checked by {@link parseTableRef}, so the quotes cannot be closed from inside. */
export function quoteTable(ref: TableRef): string {
  for (const n of [ref.database, ref.table]) if (n !== undefined && !GLUE_NAME.test(n)) throw new AthenaInputError(`not a Glue name: ${n}`, 'Use letters, digits and underscores.');
  return ref.database ? `"${ref.database}"."${ref.table}"` : `"${ref.table}"`;
}

/**
 * A SQL string literal: single quotes doubled (the standard escape in Trino and SQLite). Control characters are
 * refused: no value policy-trim puts in a query (ARNs, dates, account ids, event sources, key names) has one.
 */
export function sqlString(value: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new AthenaInputError(`a value for the query holds a control character: ${JSON.stringify(value)}`, 'Check the role ARN, account and Region given.');
  return `'${value.replace(/'/g, "''")}'`;
}

/** A 12-digit account id, or an input error naming the option. */
export function checkAccount(value: string, option: string): string {
  if (!/^\d{12}$/.test(value)) throw new AthenaInputError(`${option} ${value}: not a 12-digit AWS account id`, `Give account ids like 111122223333 (${option} may be repeated).`);
  return value;
}

/** An AWS Region name (`eu-west-1`, `us-gov-west-1`), or an input error naming the option. */
export function checkRegion(value: string, option: string): string {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(value)) throw new AthenaInputError(`${option} ${value}: not an AWS Region name`, `Give Regions like eu-west-1 (${option} may be repeated).`);
  return value;
}

/** An Organization id (`o-` and 10 to 32 lower-case letters or digits: AWS Organizations API Reference, Organization). */
export function checkOrganization(value: string): string {
  if (!/^o-[a-z0-9]{10,32}$/.test(value)) throw new AthenaInputError(`--org ${value}: not an AWS Organizations id`, 'Give the id like o-a1b2c3d4e5 (`aws organizations describe-organization`).');
  return value;
}

/** An S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens: Amazon S3 User Guide, "Bucket naming rules"). */
export function checkBucket(value: string): string {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value)) throw new AthenaInputError(`--bucket ${value}: not an S3 bucket name`, 'Give the bucket name alone (no s3://, no prefix; use --prefix for the key prefix).');
  return value;
}
