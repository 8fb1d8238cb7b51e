/**
 * What a value that fails a schema pattern should look like, said for a person: "the account in a role ARN is
 * 12 digits" rather than "must match pattern ^(?:[\w+=,.@-]{1,64}|arn:…$". One entry per pattern of schema.ts.
 */
import { FINDING_ID_PATTERN, parseFindingId } from './finding-id.js';
import {
  ACCOUNT_ID_PATTERN,
  ACTION_PATTERN_RE,
  BRANCH_PATTERN,
  DATE_PATTERN,
  FUNCTION_NAME_PATTERN,
  JSON_POINTER_PATTERN,
  LOGICAL_ID_PATTERN,
  NOT_BLANK_PATTERN,
  REGION_PATTERN,
  ROLE_PATTERN,
  S3_URL_PATTERN,
  TERRAFORM_ADDRESS_PATTERN,
  TRAIL_PATTERN,
} from './schema.js';

/** Why `value` is not a role name or role ARN. */
export function roleProblem(value: string): string {
  const shown = `'${value}'`;
  if (/^arn:[^:]*:sts::/.test(value)) {
    const m = /^arn:([^:]*):sts::(\d*):assumed-role\/([^/]+)/.exec(value);
    const fix = m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}, or ${m[3]}` : 'arn:aws:iam::ACCOUNT:role/NAME';
    return `${shown} is a session ARN, not a role: write ${fix}`;
  }
  if (value.startsWith('arn:')) {
    const m = /^arn:[^:]*:iam::([^:]*):([^/]*)\//.exec(value);
    if (m && m[2] !== 'role') return `${shown} is an IAM ${m[2] || 'resource'} ARN; policy-trim reads roles: arn:aws:iam::ACCOUNT:role/NAME`;
    if (m && !/^\d{12}$/.test(m[1]!)) return `the account in ${shown} is '${m[1]}'; an account id is 12 digits`;
    return `${shown} is not a role ARN: expected arn:aws:iam::ACCOUNT:role/NAME or arn:aws:iam::ACCOUNT:role/PATH/NAME`;
  }
  if (value.length > 64) return `a role name is at most 64 characters; ${shown} has ${value.length}`;
  const bad = [...new Set(value.replace(/[\w+=,.@-]/g, ''))].map((c) => JSON.stringify(c)).join(' ');
  return `${shown} is not a role name: role names hold letters, digits and + = , . @ _ - only${bad ? ` (not ${bad})` : ''}`;
}

/** Phrases for the patterns whose explanation does not depend on the value. */
const EXPECTED: Record<string, string> = {
  [ACCOUNT_ID_PATTERN]: 'a 12-digit AWS account id, quoted ("111122223333")',
  [REGION_PATTERN]: 'an AWS Region code such as eu-west-1',
  [S3_URL_PATTERN]: 's3://BUCKET or s3://BUCKET/PREFIX',
  [TRAIL_PATTERN]: 'a trail name (3-128 letters, digits, . _ -) or a trail ARN',
  [ACTION_PATTERN_RE]: 'an IAM action or pattern such as s3:GetObject or sns:*',
  [FUNCTION_NAME_PATTERN]: 'a Lambda function name (letters, digits, - and _, up to 64)',
  [JSON_POINTER_PATTERN]: 'a JSON pointer such as /PolicyDocument (empty for the whole file)',
  [TERRAFORM_ADDRESS_PATTERN]:
    'data.aws_iam_policy_document.NAME, aws_iam_policy.NAME, aws_iam_role_policy.NAME, aws_iam_role.NAME or aws_iam_role_policy_attachment.NAME',
  [LOGICAL_ID_PATTERN]: 'a logical id (letters and digits)',
  [DATE_PATTERN]: 'a date, YYYY-MM-DD',
  [BRANCH_PATTERN]: 'a git branch name (letters, digits, . _ / + -; no .., //, leading - / or .)',
  [NOT_BLANK_PATTERN]: 'some text (it is blank)',
};

/** The message for `value` failing `pattern`. */
export function patternProblem(pattern: string, value: unknown): string {
  const text = String(value);
  if (pattern === ROLE_PATTERN) return roleProblem(text);
  if (pattern === FINDING_ID_PATTERN) {
    const parsed = parseFindingId(text);
    return parsed.ok ? `'${text}' is not a finding id` : `'${text}' is not a finding id: ${parsed.problem}`;
  }
  const expected = EXPECTED[pattern];
  return expected ? `expected ${expected}; got '${text}'` : `'${text}' does not have the expected form (${pattern})`;
}

/** "a string", "a list", … for a JSON Schema type name. */
export function typeName(type: string): string {
  const names: Record<string, string> = {
    string: 'text',
    integer: 'a whole number',
    number: 'a number',
    boolean: 'true or false',
    array: 'a list',
    object: 'a mapping of keys',
    null: 'nothing',
  };
  return names[type] ?? type;
}

/** What a YAML value is, in the words of {@link typeName}. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `'${value}'`;
  return String(value);
}
