/**
 * The JSON Schema (draft 2020-12) of the drift report (`drift --format json`), version
 * {@link DRIFT_REPORT_VERSION}, as a value the core can compile without reading a file.
 * `docs/drift-report.schema.json` is this object printed (`scripts/write-drift-schema.mjs` writes it; a test
 * checks the two are equal byte for byte), the way `core/config/schema.ts` publishes `.policy-trim.yml`'s.
 *
 * It mirrors `core/drift/types.ts` key for key (test/drift/report-schema.test.ts checks every interface's keys
 * and required keys against this schema), with a title and a description on every property (they are the
 * report's documentation) and `additionalProperties: false` on every object, so a consumer learns of a new
 * field from a new schema, not from a surprise.
 */
import { FAIL_ON_VALUES } from '../config/fail-on.js';
import { FINDING_ID_PATTERN, FINDING_KINDS } from '../config/finding-id.js';
import { DRIFT_REPORT_VERSION } from './types.js';
import { ACCESS_LEVEL_ORDER } from '../trim/model.js';

/** The report's `schema` value, and this schema's `$id`. */
export const DRIFT_REPORT_SCHEMA_ID = 'https://policy-trim.dev/schemas/drift-report.json';

/** A 12-digit AWS account id. */
const ACCOUNT_ID = '^\\d{12}$';
/** An IAM role's ARN (any partition, an optional path). */
const ROLE_ARN = '^arn:aws(?:-[a-z]+)*:iam::\\d{12}:role/';
/** A UTC or offset date-time as `Date#toISOString` and CloudTrail write it (fraction optional). */
const DATE_TIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:Z|[+-]\\d{2}:\\d{2})$';
/** A calendar date, YYYY-MM-DD (an acknowledgement's `until`, as `.policy-trim.yml` writes it). */
const DATE = '^\\d{4}-\\d{2}-\\d{2}$';

/** `{title, description, ...rest}`: every node of this schema is documented, so the helper asks for both. */
function doc<T extends object>(title: string, description: string, rest: T): { title: string; description: string } & T {
  return { title, description, ...rest };
}

/** An object with exactly these properties allowed. */
function closed<P extends object>(properties: P, required: readonly string[]) {
  return { type: 'object', properties, ...(required.length ? { required: [...required] } : {}), additionalProperties: false } as const;
}

const text = (title: string, description: string) => doc(title, description, { type: 'string' });
const count = (title: string, description: string) => doc(title, description, { type: 'integer', minimum: 0 });
const list = <I extends object>(title: string, description: string, items: I) => doc(title, description, { type: 'array', items });
const ref = (title: string, description: string, def: string) => doc(title, description, { $ref: `#/$defs/${def}` });
const findingId = (description: string) => doc('Finding id', description, { type: 'string', pattern: FINDING_ID_PATTERN });
/** A date-time, or null at an open end of the window. */
const orNull = { anyOf: [{ type: 'string', pattern: DATE_TIME }, { type: 'null' }] };
const roleArn = (description: string) => doc('Role ARN', description, { type: 'string', pattern: ROLE_ARN });

const sourceLocation = doc('Source location', 'A place in the repository: a file and a line (and a column when known).', {
  ...closed(
    {
      file: doc('File', 'Relative to the repository root, with / separators.', { type: 'string', minLength: 1 }),
      line: doc('Line', '1-based line number.', { type: 'integer', minimum: 1 }),
      column: doc('Column', '1-based column number, when known.', { type: 'integer', minimum: 1 }),
    },
    ['file', 'line'],
  ),
});

const levelCounts = doc('Counts per access level', 'Unused actions per IAM access level; every level is present, 0 when none.', {
  ...closed(
    Object.fromEntries(ACCESS_LEVEL_ORDER.map((level) => [level, count(level, `Unused actions whose access level is ${level}.`)])),
    ACCESS_LEVEL_ORDER,
  ),
});

const accessLevel = doc('Access level', "The action's IAM access level, from the bundled catalog.", { type: 'string', enum: [...ACCESS_LEVEL_ORDER] });

const grantingStatement = doc('Granting statement', "One statement of the role's policies that grants the finding's action.", {
  ...closed(
    {
      document: text('Document', "The policy document's name: the inline policy's name, the managed policy's name, or the file."),
      index: doc('Index', "0-based position of the statement in the document's Statement list.", { type: 'integer', minimum: 0 }),
      sid: text('Sid', "The statement's Sid, when it has one."),
      location: ref('Location', 'Where the statement is written, when .policy-trim.yml says where the role is defined.', 'sourceLocation'),
    },
    ['document', 'index'],
  ),
});

const attempts = doc('Attempts', 'denied: the refused calls.', {
  ...closed(
    {
      count: count('Count', 'How many calls AWS refused in the window.'),
      lastSeen: doc('Last seen', 'When the last refused call was made (ISO 8601).', { type: 'string', pattern: DATE_TIME }),
      errorCodes: list('Error codes', 'The error codes of the refused calls (AccessDenied, UnauthorizedOperation, ...).', { type: 'string' }),
      sessions: list('Sessions', 'The sessions (functions) that made the refused calls.', { type: 'string' }),
      grantedByPolicies: doc('Granted by policies', "True when the role's policies allow the call: something else refused it (a boundary, an SCP, a resource policy).", { type: 'boolean' }),
    },
    ['count', 'lastSeen', 'errorCodes', 'sessions', 'grantedByPolicies'],
  ),
});

const acknowledged = doc('Acknowledged', 'The acknowledgement of .policy-trim.yml that matches this finding: it does not trip a gate.', {
  ...closed(
    {
      pattern: findingId('The acknowledgement\'s finding pattern (* and ? as wildcards inside a bracket).'),
      reason: text('Reason', 'Why the team accepted the finding.'),
      until: doc('Until', 'Last day (YYYY-MM-DD) the acknowledgement holds.', { type: 'string', pattern: DATE }),
    },
    ['pattern', 'reason'],
  ),
});

const finding = doc('Finding', 'One finding of a role, with its stable id.', {
  ...closed(
    {
      id: findingId('KIND[ACCOUNT:ROLE][ACTION] or KIND[ACCOUNT:ROLE][ACTION][RESOURCE]: stable across runs (no count, no date); what acknowledgements name.'),
      kind: doc('Kind', 'What the finding says: unused, unused on "*", narrowable, denied, or kept because unobservable.', { type: 'string', enum: [...FINDING_KINDS] }),
      action: text('Action', 'The IAM action, service:Action.'),
      resource: text('Resource', 'The resource the finding is about: narrowable, the granted pattern; denied, the resource asked for; unobservable, the granted pattern.'),
      accessLevel,
      message: text('Message', 'One sentence a reviewer reads. Values from logs and policies are unescaped: escape them for the medium.'),
      statements: list('Statements', 'The statements that grant the action (none for a refused call the policies do not grant).', { $ref: '#/$defs/grantingStatement' }),
      narrowedTo: list('Narrowed to', 'narrowable: the resources the suggestion keeps.', { type: 'string' }),
      attempts,
      unobservable: doc('Unobservable', 'unobservable: why CloudTrail could not have shown the action\'s use.', {
        ...closed({ code: text('Code', 'A stable code for the reason.'), reason: text('Reason', 'The reason as a sentence.') }, ['code', 'reason']),
      }),
      acknowledged,
      new: doc('New', 'True when a previous report was given, the role is in both, and this finding was not in the previous one.', { type: 'boolean' }),
    },
    ['id', 'kind', 'action', 'message', 'statements'],
  ),
});

const rolePolicy = doc('Policy', "A policy of the role as read; its hash tells a change since the previous report.", {
  ...closed(
    {
      name: text('Name', "The policy's name (inline policy name, managed policy name, or file)."),
      kind: doc('Kind', 'Where the policy comes from.', { type: 'string', enum: ['inline', 'managed', 'aws-managed', 'boundary', 'file'] }),
      arn: text('ARN', "The managed policy's ARN."),
      sha256: doc('SHA-256', "sha256 of the document's canonical JSON, lower-case hex.", { type: 'string', pattern: '^[0-9a-f]{64}$' }),
    },
    ['name', 'kind', 'sha256'],
  ),
});

const risk = doc('Risk', 'Why the role ranks where it does.', {
  ...closed(
    {
      rank: doc('Rank', 'Position in the report, 1-based.', { type: 'integer', minimum: 1 }),
      key: doc('Key', 'The compared counts, in the order compared: [unused Permissions management, unused Write, unused on *, denied, unused].', {
        type: 'array',
        items: { type: 'integer', minimum: 0 },
        minItems: 5,
        maxItems: 5,
      }),
      reason: text('Reason', 'A sentence: why this role is where it is.'),
    },
    ['rank', 'key', 'reason'],
  ),
});

const role = doc('Role', 'One role of the fleet.', {
  ...closed(
    {
      account: doc('Account', 'The 12-digit account id; empty only for a role that could not be analysed and was named without its ARN (see error).', { type: 'string', pattern: '^(?:\\d{12})?$' }),
      roleName: text('Role name', "The role's name."),
      roleArn: doc('Role ARN', "The role's ARN; the role's name as given only for a role that could not be analysed and was named without its ARN (see error).", { type: 'string', pattern: `${ROLE_ARN}|^[\\w+=,.@-]{1,64}$` }),
      functions: list('Functions', 'The functions whose execution role it is (sorted); several make a shared role.', { type: 'string' }),
      shared: doc('Shared', 'True when more than one function uses the role.', { type: 'boolean' }),
      policies: list('Policies', "The role's policies as read.", { $ref: '#/$defs/rolePolicy' }),
      granted: count('Granted', "Distinct actions the role's policies grant (expanded against the catalog)."),
      used: count('Used', 'Actions used successfully in the window (primary and secondary).'),
      unused: count('Unused', 'Granted, observable and not used: what the suggestion removes.'),
      unusedByLevel: ref('Unused by level', 'Unused actions per access level.', 'levelCounts'),
      unusedOnStar: count('Unused on *', 'Unused actions granted on Resource "*".'),
      unobservable: count('Unobservable', 'Actions kept because CloudTrail could not have shown their use.'),
      narrowable: count('Narrowable', 'Actions used on fewer resources than granted.'),
      denied: count('Denied', 'Distinct actions the role was refused.'),
      lastUsed: doc('Last used', 'The last successful call in the window (ISO 8601); absent when none.', { type: 'string', pattern: DATE_TIME }),
      daysSinceLastUse: count('Days since last use', "Whole days from lastUsed to the window's end; absent when no call."),
      records: count('Records', 'Calls read for the role in the window.'),
      risk: ref('Risk', 'Why the role ranks where it does.', 'risk'),
      findings: list('Findings', 'Sorted: by kind (UNUSED, UNUSED_ON_STAR, NARROWABLE, DENIED, UNOBSERVABLE), access level (most dangerous first), action, resource.', {
        $ref: '#/$defs/finding',
      }),
      location: doc('Location', '.policy-trim.yml\'s knowledge of the role: where it is defined, and its own line in .policy-trim.yml.', {
        ...closed(
          {
            definedIn: ref('Defined in', "Where the role's first defined-in site is.", 'sourceLocation'),
            config: ref('Config', "The role's entry in .policy-trim.yml.", 'sourceLocation'),
          },
          [],
        ),
      }),
      error: doc('Error', 'Set when the role could not be analysed (its policies unreadable, say); the rest of the report goes on.', {
        ...closed({ code: text('Code', 'A stable error code.'), message: text('Message', 'What went wrong.') }, ['code', 'message']),
      }),
    },
    ['account', 'roleName', 'roleArn', 'functions', 'shared', 'policies', 'granted', 'used', 'unused', 'unusedByLevel', 'unusedOnStar', 'unobservable', 'narrowable', 'denied', 'records', 'risk', 'findings'],
  ),
});

const comparison = doc('Comparison', 'What changed since the previous report (--previous-report).', {
  ...closed(
    {
      previousGeneratedAt: doc('Previous generated at', "The previous report's generatedAt.", { type: 'string', pattern: DATE_TIME }),
      newlyUnused: list('Newly unused', 'Ids of UNUSED findings absent from the previous report (roles in both reports).', findingId('An UNUSED finding id.')),
      newlyUsed: list('Newly used', 'UNUSED ids of the previous report whose action the role now used.', findingId('An UNUSED finding id.')),
      newRoles: list('New roles', 'Roles in this report, not in the previous one.', roleArn('A role ARN.')),
      removedRoles: list('Removed roles', 'Roles in the previous report, not in this one.', roleArn('A role ARN.')),
      policyChanges: list('Policy changes', 'Roles whose policies were added, removed or edited.', doc('Policy change', "One role's policy changes, by policy name.", {
        ...closed(
          {
            roleArn: roleArn('The role.'),
            added: list('Added', 'Policies new since the previous report.', { type: 'string' }),
            removed: list('Removed', 'Policies gone since the previous report.', { type: 'string' }),
            changed: list('Changed', 'Policies whose document changed.', { type: 'string' }),
          },
          ['roleArn', 'added', 'removed', 'changed'],
        ),
      })),
    },
    ['previousGeneratedAt', 'newlyUnused', 'newlyUsed', 'newRoles', 'removedRoles', 'policyChanges'],
  ),
});

const totals = doc('Totals', 'Sums over the fleet.', {
  ...closed(
    {
      roles: count('Roles', 'Roles in the report.'),
      sharedRoles: count('Shared roles', 'Roles used by more than one function.'),
      granted: count('Granted', 'Sum of the roles\' granted actions.'),
      used: count('Used', 'Sum of the roles\' used actions.'),
      unused: count('Unused', 'Sum of the roles\' unused actions.'),
      unusedByLevel: ref('Unused by level', 'Unused actions per access level, over the fleet.', 'levelCounts'),
      unusedOnStar: count('Unused on *', 'Unused actions granted on Resource "*", over the fleet.'),
      unobservable: count('Unobservable', 'Actions kept because unobservable, over the fleet.'),
      narrowable: count('Narrowable', 'Narrowable actions, over the fleet.'),
      denied: count('Denied', 'Denied actions, over the fleet.'),
      acknowledged: count('Acknowledged', 'Findings an acknowledgement matches.'),
    },
    ['roles', 'sharedRoles', 'granted', 'used', 'unused', 'unusedByLevel', 'unusedOnStar', 'unobservable', 'narrowable', 'denied', 'acknowledged'],
  ),
});

const gate = doc('Gate', 'The gate asked for, and what each condition counted (unacknowledged findings only).', {
  ...closed(
    {
      failOn: list('Fail on', 'The conditions asked for (--fail-on or gate.fail-on).', doc('Condition', 'A gate condition.', { type: 'string', enum: [...FAIL_ON_VALUES] })),
      counts: list('Counts', 'Per condition, the unacknowledged findings it counts.', doc('Gate count', 'One condition and its count.', {
        ...closed({ condition: text('Condition', 'The condition.'), count: count('Count', 'Unacknowledged findings it counts.') }, ['condition', 'count']),
      })),
      tripped: doc('Tripped', 'True when a condition counted at least one finding: the command exits 2.', { type: 'boolean' }),
    },
    ['failOn', 'counts', 'tripped'],
  ),
});

/** The JSON Schema of the drift report, version {@link DRIFT_REPORT_VERSION}. */
export const DRIFT_REPORT_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: DRIFT_REPORT_SCHEMA_ID,
  ...doc(
    'policy-trim drift report',
    'For every function role of a fleet: what is granted and not used, how risky that unused part is, what changed since the previous report, which roles are shared, which calls were refused (policy-trim drift --format json).',
    {
      ...closed(
        {
          schema: doc('Schema', 'This schema\'s $id: what the file is.', { type: 'string', const: DRIFT_REPORT_SCHEMA_ID }),
          version: doc('Version', `The version of the report's shape: ${DRIFT_REPORT_VERSION}. A change that is not backwards compatible raises it.`, {
            type: 'integer',
            const: DRIFT_REPORT_VERSION,
          }),
          tool: doc('Tool', 'The tool that wrote the report.', {
            ...closed({ name: doc('Name', 'policy-trim.', { type: 'string', const: 'policy-trim' }), version: text('Version', "The tool's version.") }, ['name', 'version']),
          }),
          generatedAt: doc('Generated at', 'When the report was written (ISO 8601).', { type: 'string', pattern: DATE_TIME }),
          window: doc('Window', 'The activity window read; null at an open end.', {
            ...closed(
              {
                since: doc('Since', 'Start of the window (ISO 8601), or null.', orNull),
                until: doc('Until', 'End of the window (ISO 8601), or null.', orNull),
              },
              ['since', 'until'],
            ),
          }),
          accounts: list('Accounts', 'The accounts covered (sorted).', doc('Account', 'A 12-digit account id.', { type: 'string', pattern: ACCOUNT_ID })),
          activity: doc('Activity', 'What was read, in one pass for all roles.', {
            ...closed(
              {
                records: count('Records', 'CloudTrail records read.'),
                calls: count('Calls', 'Calls normalized from them.'),
                problems: count('Problems', 'Records or files that could not be read.'),
                sources: list('Sources', 'Where the activity was read from, one line each.', { type: 'string' }),
              },
              ['records', 'calls', 'problems', 'sources'],
            ),
          }),
          totals,
          roles: list('Roles', 'The roles, in risk order (see risk).', { $ref: '#/$defs/role' }),
          comparison,
          expiredAcknowledgements: list('Expired acknowledgements', "Acknowledgements whose until has passed: their findings count again.", doc('Expired acknowledgement', 'One expired acknowledgement.', {
            ...closed(
              {
                pattern: findingId('The acknowledgement\'s finding pattern.'),
                reason: text('Reason', 'Why it was accepted.'),
                until: doc('Until', 'The day it expired after (YYYY-MM-DD).', { type: 'string', pattern: DATE }),
              },
              ['pattern', 'reason', 'until'],
            ),
          })),
          gate,
        },
        ['schema', 'version', 'tool', 'generatedAt', 'window', 'accounts', 'activity', 'totals', 'roles', 'expiredAcknowledgements', 'gate'],
      ),
    },
  ),
  $defs: { sourceLocation, levelCounts, grantingStatement, finding, rolePolicy, risk, role },
} as const;
