/**
 * The JSON Schema (draft 2020-12) of `.policy-trim.yml`, version 1, as a value the core can compile without
 * reading a file. `docs/policy-trim.schema.json` is this object printed (`scripts/write-config-schema.mjs`
 * writes it; a test checks the two are equal byte for byte), and `policy-trim config schema` prints it.
 *
 * Every property has a title and a description, so editors complete and explain the file, and every object
 * says `additionalProperties: false`, so a misspelt key is an error rather than a setting silently ignored.
 * The meaning of each key is written here once; docs/configuration.md is the same text with an example.
 */
import { FAIL_ON_CONDITIONS, FAIL_ON_RULES, FAIL_ON_VALUES } from './fail-on.js';
import { FINDING_ID_PATTERN } from './finding-id.js';

/** A role name: IAM's characters, up to 64. */
const ROLE_NAME = '[\\w+=,.@-]{1,64}';

/** A role by name, or by ARN (any partition, an optional path). */
export const ROLE_PATTERN = `^(?:${ROLE_NAME}|arn:aws(?:-[a-z]+)*:iam::\\d{12}:role/(?:[!-~]*/)?${ROLE_NAME})$`;
/** A 12-digit account id. */
export const ACCOUNT_ID_PATTERN = '^\\d{12}$';
/** An AWS Region code (us-east-1, us-gov-west-1, cn-north-1). */
export const REGION_PATTERN = '^[a-z]{2}(?:-[a-z]+)+-\\d{1,2}$';
/** An `s3://BUCKET[/PREFIX]` URL. */
export const S3_URL_PATTERN = '^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](?:/.*)?$';
/** A trail by name or ARN. */
export const TRAIL_PATTERN = '^(?:[A-Za-z0-9][A-Za-z0-9._-]{2,127}|arn:aws(?:-[a-z]+)*:cloudtrail:[a-z0-9-]+:\\d{12}:trail/[A-Za-z0-9._-]{3,128})$';
/** An IAM action or action pattern (`s3:GetObject`, `s3:Get*`, `*`). */
export const ACTION_PATTERN_RE = '^(?:\\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$';
/** A Lambda function name. */
export const FUNCTION_NAME_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
/** A JSON pointer (RFC 6901): empty (the whole file) or `/a/b~1c`. */
export const JSON_POINTER_PATTERN = '^(?:/(?:[^~/]|~[01])*)*$';
/** A Terraform address of one of the block types the editor reads (see GrantSite in core/iac/types.ts). */
export const TERRAFORM_ADDRESS_PATTERN =
  '^(?:data\\.aws_iam_policy_document|aws_iam_policy|aws_iam_role_policy|aws_iam_role|aws_iam_role_policy_attachment)\\.[A-Za-z_][A-Za-z0-9_-]*$';
/** A CloudFormation logical id. */
export const LOGICAL_ID_PATTERN = '^[A-Za-z0-9]{1,255}$';
/** A calendar date, YYYY-MM-DD (checked to exist after the schema). */
export const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';
/** A git branch name, or the start of one: no `..`, `//`, spaces or the characters git refuses. */
export const BRANCH_PATTERN = '^(?![-/.])(?!.*\\.\\.)(?!.*//)(?!.*@\\{)[A-Za-z0-9._/+-]{1,200}$';
/** Text with something other than spaces in it. */
export const NOT_BLANK_PATTERN = '\\S';
/** Largest `days`: the CLI's MAX_DAYS (core/usage/time-window.ts; a test keeps them equal). */
export const MAX_CONFIG_DAYS = 7320;

/** `{title, description, ...rest}`: every node of this schema is documented, so the helper asks for both. */
function doc<T extends object>(title: string, description: string, rest: T): { title: string; description: string } & T {
  return { title, description, ...rest };
}

/** A path inside the repository. */
function repoFile(description: string) {
  return doc('File', `${description} Relative to the repository root, with / separators; it may not leave the repository (no .., not absolute).`, {
    type: 'string',
    minLength: 1,
  });
}

/** An object with exactly these properties allowed. */
function closed<P extends object>(properties: P, required: string[] = []) {
  return { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: false } as const;
}

const aws = doc('AWS', 'Credentials and Regions for the AWS calls. All optional: the SDK default chain and Region otherwise.', {
  ...closed({
    profile: doc('Profile', 'The AWS profile to use (as --profile; beats AWS_PROFILE, loses to --profile).', { type: 'string', minLength: 1 }),
    regions: doc('Regions', 'Regions to read (Lambda functions, Event history). Beats AWS_REGION and AWS_DEFAULT_REGION; loses to --region.', {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: doc('Region', 'An AWS Region code, e.g. eu-west-1.', { type: 'string', pattern: REGION_PATTERN }),
    }),
  }),
});

const accounts = doc('Accounts', "An organization's fleet: each account, and the read-only role to assume in it (drift reads them all).", {
  type: 'array',
  minItems: 1,
  items: doc('Account', 'One account and the role to assume in it.', {
    ...closed(
      {
        id: doc('Account id', 'The 12-digit account id, quoted ("011122223333"): unquoted, YAML reads a number and drops leading zeros.', {
          type: 'string',
          pattern: ACCOUNT_ID_PATTERN,
        }),
        'assume-role': doc('Role to assume', 'The name (or ARN) of a read-only role policy-trim assumes in this account.', {
          type: 'string',
          pattern: ROLE_PATTERN,
        }),
      },
      ['id', 'assume-role'],
    ),
  }),
});

const athena = doc('Athena', 'Read the trail through Athena (issue 13): the aggregation runs in Athena and only usage comes back.', {
  ...closed(
    {
      table: doc('Table', 'The CloudTrail table (as --athena), optionally database.table.', { type: 'string', pattern: '^[A-Za-z0-9_]+(?:\\.[A-Za-z0-9_]+)?$' }),
      workgroup: doc('Workgroup', 'The Athena workgroup (as --athena-workgroup; default: primary).', { type: 'string', pattern: '^[A-Za-z0-9._-]{1,128}$' }),
      output: doc('Output location', 'Where Athena writes results, s3://BUCKET/PREFIX (as --athena-output; default: the workgroup\'s).', {
        type: 'string',
        pattern: S3_URL_PATTERN,
      }),
      database: doc('Database', 'The Glue database of the table (as --athena-database; default: default).', { type: 'string', pattern: '^[A-Za-z0-9_]{1,255}$' }),
    },
    ['table'],
  ),
});

/** Each activity source excludes the others (athena may keep trail-name: it reads the trail's selectors). */
const SOURCE_CONFLICTS: Record<string, string[]> = {
  'trail-name': ['s3', 'trail', 'lookup'],
  s3: ['trail-name', 'trail', 'lookup', 'athena'],
  trail: ['trail-name', 's3', 'lookup', 'athena'],
  lookup: ['trail-name', 's3', 'trail', 'athena'],
  athena: ['s3', 'trail', 'lookup'],
};

/** The activity sources, the keys of {@link SOURCE_CONFLICTS}. */
export const ACTIVITY_SOURCES = Object.keys(SOURCE_CONFLICTS);

const activity = doc(
  'Activity',
  'Where the activity comes from, with the meanings of the CLI flags: at most one source (trail-name, s3, trail, lookup, athena; athena may add trail-name for the trail\'s event selectors), and the window. A source given on the command line replaces this one; a window flag replaces the window.',
  {
    ...closed({
      'trail-name': doc('Trail name', 'Read this trail\'s logs from its S3 bucket, and its event selectors (as --trail-name). Name or ARN.', {
        type: 'string',
        pattern: TRAIL_PATTERN,
      }),
      s3: doc('S3', 'Read the trail\'s logs from s3://BUCKET/PREFIX (as --trail s3://...).', { type: 'string', pattern: S3_URL_PATTERN }),
      trail: doc('Trail files', 'Local trail files or folders in the S3 delivery layout (as --trail PATH). Relative paths are from the repository root; logs need not be inside it.', {
        type: 'array',
        minItems: 1,
        items: doc('Path', 'A file or folder of CloudTrail logs.', { type: 'string', minLength: 1 }),
      }),
      lookup: doc('Event history', 'true: read CloudTrail Event history (as --lookup; management events only, 90 days). Leave the key out otherwise.', {
        type: 'boolean',
        const: true,
      }),
      athena,
      'trail-config': repoFile('The JSON of `aws cloudtrail get-event-selectors`: which data events the trail records (as --trail-config).'),
      days: doc('Days', 'Window length in whole days, ending at until (or now), as --days. Not with since.', {
        type: 'integer',
        minimum: 1,
        maximum: MAX_CONFIG_DAYS,
      }),
      since: doc('Since', 'Start of the window: an ISO date or date-time, or a duration back from now (30d, 12h), as --since.', { type: 'string', minLength: 1 }),
      until: doc('Until', 'End of the window (a date means the end of that day): an ISO date or date-time, or a duration back from now, as --until.', {
        type: 'string',
        minLength: 1,
      }),
    }),
    dependentSchemas: Object.fromEntries(
      Object.entries(SOURCE_CONFLICTS).map(([key, others]) => [key, { not: { anyOf: others.map((o) => ({ required: [o] })) } }]),
    ),
  },
);

const functionObject = doc('Function', 'A function that uses the role, with what the trail cannot tell about it.', {
  ...closed(
    {
      name: doc('Name', 'The Lambda function name (its role session name in CloudTrail).', { type: 'string', pattern: FUNCTION_NAME_PATTERN }),
      unobservable: doc(
        'Unobservable actions it needs',
        "With suggest --split-by-function: the actions (patterns) this function needs of what CloudTrail cannot show. Without it the function keeps the role's whole unobservable remainder; with it, only these.",
        { type: 'array', uniqueItems: true, items: doc('Action', 'An IAM action or pattern, e.g. kms:Decrypt or sns:*.', { type: 'string', pattern: ACTION_PATTERN_RE }) },
      ),
      vpc: doc('In a VPC', 'Offline stand-in for its VpcConfig: true adds the lambda-vpc baseline to this function only.', { type: 'boolean' }),
      tracing: doc('Tracing', 'Offline stand-in for its TracingConfig: active adds the lambda-xray baseline to this function only.', {
        type: 'string',
        enum: ['active', 'pass-through'],
      }),
    },
    ['name'],
  ),
});

const functions = doc('Functions', 'The Lambda functions that run with this role, by name or with details. Absent: discovered from Lambda.', {
  type: 'array',
  minItems: 1,
  items: doc('Function', 'A function name, or {name, unobservable, vpc, tracing}.', {
    if: { type: 'string' },
    then: { type: 'string', pattern: FUNCTION_NAME_PATTERN },
    else: functionObject,
  }),
});

const site = {
  json: doc('JSON policy file', 'A policy document in a JSON file: the whole file, or the document at pointer.', {
    ...closed({ file: repoFile('The JSON file.'), pointer: doc('Pointer', 'A JSON pointer (RFC 6901) to the document, e.g. /PolicyDocument.', { type: 'string', pattern: JSON_POINTER_PATTERN }) }, ['file']),
  }),
  terraform: doc('Terraform block', 'A Terraform block that grants the role something.', {
    ...closed(
      {
        file: repoFile('The .tf file.'),
        address: doc(
          'Address',
          'data.aws_iam_policy_document.NAME, aws_iam_policy.NAME, aws_iam_role_policy.NAME, aws_iam_role.NAME (its inline_policy blocks) or aws_iam_role_policy_attachment.NAME.',
          { type: 'string', pattern: TERRAFORM_ADDRESS_PATTERN },
        ),
      },
      ['file', 'address'],
    ),
  }),
  cloudformation: doc('CloudFormation resource', 'An AWS::IAM::Policy, ManagedPolicy or Role in a CloudFormation template (YAML or JSON).', {
    ...closed(
      {
        file: repoFile('The template.'),
        resource: doc('Resource', 'The logical id of the resource.', { type: 'string', pattern: LOGICAL_ID_PATTERN }),
        policy: doc('Policy name', "For a Role: the PolicyName of one of its Policies (all of them and its ManagedPolicyArns when absent).", { type: 'string', minLength: 1 }),
      },
      ['file', 'resource'],
    ),
  }),
  sam: doc('SAM function', "An AWS::Serverless::Function's Policies: statements, managed policies and SAM policy templates.", {
    ...closed({ file: repoFile('The SAM template.'), function: doc('Function', 'The logical id of the function.', { type: 'string', pattern: LOGICAL_ID_PATTERN }) }, [
      'file',
      'function',
    ]),
  }),
  serverless: doc('Serverless Framework', 'provider.iam.role.statements (or provider.iamRoleStatements) and managedPolicies; with function, its iamRoleStatements.', {
    ...closed(
      {
        file: repoFile('The serverless.yml.'),
        function: doc('Function', 'The key of a function under functions: (serverless-iam-roles-per-function).', { type: 'string', minLength: 1 }),
      },
      ['file'],
    ),
  }),
};

/** The formats a `defined-in` entry can name, in schema order (the same list as IAC_FORMATS in core/iac/types.ts). */
export const SITE_FORMATS = Object.keys(site);

const definedIn = doc('Defined in', "Every place in the repository that grants the role something; what it is granted is their union.", {
  type: 'array',
  minItems: 1,
  items: doc('Place', 'Exactly one of json, terraform, cloudformation, sam, serverless.', {
    ...closed(site),
    minProperties: 1,
    maxProperties: 1,
  }),
});

const role = doc('Role', 'One role that matters, and where it is defined.', {
  ...closed(
    {
      role: doc('Role', 'The role: name (in every account read) or ARN.', { type: 'string', pattern: ROLE_PATTERN }),
      functions,
      'defined-in': definedIn,
    },
    ['role'],
  ),
});

const acknowledgement = doc('Acknowledgement', 'A finding the team has accepted, with why; it no longer trips a gate until it expires.', {
  ...closed(
    {
      finding: doc(
        'Finding',
        'The finding id, KIND[ACCOUNT:ROLE][ACTION] or KIND[ACCOUNT:ROLE][ACTION][RESOURCE]; KIND is UNUSED, UNUSED_ON_STAR, NARROWABLE, DENIED or UNOBSERVABLE; * and ? are wildcards inside a bracket.',
        { type: 'string', pattern: FINDING_ID_PATTERN },
      ),
      reason: doc('Reason', 'Why it is accepted: shown in reports beside the finding. Required.', { type: 'string', pattern: NOT_BLANK_PATTERN }),
      until: doc('Until', 'Last day (YYYY-MM-DD) the acknowledgement holds; from the next day the finding counts again.', { type: 'string', pattern: DATE_PATTERN }),
    },
    ['finding', 'reason'],
  ),
});

const gate = doc('Gate', 'When a run exits 2 (the CI gate); --fail-on replaces it.', {
  ...closed({
    'fail-on': doc(
      'Fail on',
      `Findings that make the run exit 2, in the vocabulary of --fail-on: ${FAIL_ON_CONDITIONS.map((c) => `${c}: ${FAIL_ON_RULES[c]}`).join('; ')}. removable is an older name of unused.`,
      { type: 'array', uniqueItems: true, items: doc('Condition', 'One --fail-on value.', { type: 'string', enum: [...FAIL_ON_VALUES] }) },
    ),
  }),
});

const pr = doc('Pull requests', 'How policy-trim pr opens its pull requests.', {
  ...closed({
    labels: doc('Labels', 'Labels put on every pull request the tool opens.', {
      type: 'array',
      uniqueItems: true,
      items: doc('Label', 'A GitHub label (at most 50 characters).', { type: 'string', pattern: NOT_BLANK_PATTERN, maxLength: 50 }),
    }),
    base: doc('Base branch', "The branch pull requests target (default: the repository's default branch). The tool never commits to it.", {
      type: 'string',
      pattern: BRANCH_PATTERN,
    }),
    'branch-prefix': doc('Branch prefix', 'Start of the branch of each pull request, followed by the role (default: policy-trim/).', {
      type: 'string',
      pattern: BRANCH_PATTERN,
    }),
  }),
});

/** The JSON Schema of `.policy-trim.yml`, version 1. */
export const CONFIG_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'urn:policy-trim:config:1',
  ...doc(
    'policy-trim repository configuration',
    'The .policy-trim.yml at the root of an infrastructure repository: which roles matter, where each is defined, where the activity is, and what the team has accepted. A command-line flag beats the file; the file beats the environment.',
    {
      ...closed(
        {
          version: doc('Version', 'The version of this file\'s format: 1.', { type: 'integer', const: 1 }),
          aws,
          accounts,
          activity,
          roles: doc('Roles', 'The roles that matter (pr --all, drift).', { type: 'array', items: role }),
          acknowledge: doc('Acknowledge', 'Findings the team has accepted, each with a reason.', { type: 'array', items: acknowledgement }),
          gate,
          pr,
        },
        ['version'],
      ),
    },
  ),
} as const;
