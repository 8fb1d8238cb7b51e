/**
 * The SQL dialects the usage query is written in, and the only place they differ: Athena's engine (Trino, over
 * the CloudTrail table's STRUCT and ARRAY columns) and SQLite (the tests' embedded engine, over a table whose
 * nested columns hold the record's JSON text). Everything else in the query is portable SQL, so the test that
 * runs the SQLite form over fixture records checks the same aggregation Athena runs.
 *
 * Trino functions used (Trino documentation, "JSON functions and operators", "Map functions", "Array
 * functions", "Regular expression functions", "Conditional expressions"; read 2026-12-07): json_parse, json_format,
 * CAST(json AS map), TRY, map_filter, contains, transform, regexp_like, strpos.
 */
import { sqlString } from './names.js';

/** One engine's spelling of the few expressions that differ. */
export interface SqlDialect {
  readonly name: 'trino' | 'sqlite';
  /**
   * A field of the record by its CloudTrail JSON path (`['userIdentity', 'sessionContext', 'sessionIssuer', 'arn']`).
   * Athena's table names columns and struct fields in lower case.
   */
  field(path: readonly string[]): string;
  /** `requestParameters` cut to `keys` (top-level), as JSON text; NULL or `{}` when none is present. */
  requestSubset(keys: readonly string[]): string;
  /**
   * `resources[]` as a JSON array text of strings, in record order: each entry's ARN, else its ARNPrefix marked
   * with {@link ARN_PREFIX_MARK}; NULL or `[]` when there are none.
   */
  resourceArns(): string;
  /** True when `expr` matches the regular expression `pattern` (the portable subset of Java and JavaScript). */
  regexpLike(expr: string, pattern: string): string;
  /** True when `expr` contains the literal text `part` (no pattern characters: unlike LIKE, `_` is itself). */
  contains(expr: string, part: string): string;
}

/** Marks an `ARNPrefix` entry of `resources[]` in a row (an ARN starts with `arn:`, so the two cannot be confused). */
export const ARN_PREFIX_MARK = 'prefix:';

/** Athena (Trino): struct fields by dotted names, JSON through maps. */
export const TRINO: SqlDialect = {
  name: 'trino',
  field: (path) => path.map((p) => p.toLowerCase()).join('.'),
  requestSubset: (keys) =>
    // TRY: a request that is not a JSON object (or not JSON) keeps no key, as the normalizer reads no key of it.
    `json_format(CAST(map_filter(TRY(CAST(json_parse(requestparameters) AS map(varchar, json))), (k, v) -> contains(ARRAY[${keys.map(sqlString).join(', ')}], k)) AS json))`,
  resourceArns: () => `json_format(CAST(transform(resources, r -> COALESCE(r.arn, ${sqlString(ARN_PREFIX_MARK)} || r.arnprefix)) AS json))`,
  regexpLike: (expr, pattern) => `regexp_like(${expr}, ${sqlString(pattern)})`,
  contains: (expr, part) => `strpos(${expr}, ${sqlString(part)}) > 0`,
};

/**
 * SQLite (sql.js in the tests): nested fields through json_extract on the column's JSON text with CloudTrail's
 * own spelling; `REGEXP` is the function the caller registers (sql.js has none built in). JSON booleans come out
 * of json_each as 1/0, so they are written back as JSON.
 */
export const SQLITE: SqlDialect = {
  name: 'sqlite',
  field: (path) => (path.length === 1 ? path[0]!.toLowerCase() : `json_extract(${path[0]!.toLowerCase()}, ${sqlString(`$.${path.slice(1).join('.')}`)})`),
  requestSubset: (keys) =>
    `(SELECT json_group_object(j.key, CASE j.type WHEN 'true' THEN json('true') WHEN 'false' THEN json('false') ELSE j.value END) ` +
    `FROM json_each(CASE WHEN json_valid(requestparameters) THEN requestparameters ELSE '{}' END) AS j WHERE j.key IN (${keys.map(sqlString).join(', ')}))`,
  // Athena's SerDe reads JSON keys case-insensitively: both spellings the normalizer accepts.
  resourceArns: () =>
    `(SELECT json_group_array(COALESCE(json_extract(r.value, '$.ARN'), json_extract(r.value, '$.arn'), ` +
    `${sqlString(ARN_PREFIX_MARK)} || COALESCE(json_extract(r.value, '$.ARNPrefix'), json_extract(r.value, '$.arnPrefix')))) FROM json_each(resources) AS r)`,
  regexpLike: (expr, pattern) => `(${expr} REGEXP ${sqlString(pattern)})`,
  contains: (expr, part) => `instr(${expr}, ${sqlString(part)}) > 0`,
};
