/**
 * Every kind of problem names the line and column of the node at fault, the path, and what is expected; one
 * run reports all of them.
 */
import { describe, expect, it } from 'vitest';
import { MAX_CONFIG_PROBLEMS } from '../../src/core/config/errors.js';
import { brief, problemsOf, tryParse } from './support.js';

/** A valid file with `body` appended (roles etc.). */
const v1 = (body: string) => `version: 1\n${body}`;

describe('schema problems, located', () => {
  it.each([
    ['an unknown key, with the key it meant', v1('roles:\n  - role: r\n    defined_in: []\n'), "4:5 roles[0].defined_in: unknown key 'defined_in'; did you mean 'defined-in'?"],
    ['an unknown top-level key, with the allowed ones', v1('colour: blue\n'), "2:1 colour: unknown key 'colour'; expected one of version, aws, accounts, activity, roles, acknowledge, gate, pr"],
    [
      'an unknown place format',
      v1('roles:\n  - role: r\n    defined-in:\n      - tf: { file: a.tf }\n'),
      "5:9 roles[0].defined-in[0].tf: unknown key 'tf'; expected one of json, terraform, cloudformation, sam, serverless",
    ],
    [
      'two places in one entry',
      v1('roles:\n  - role: r\n    defined-in:\n      - { json: { file: a.json }, sam: { file: t.yaml, function: F } }\n'),
      "5:9 roles[0].defined-in[0]: one entry names one place, this one has 'json' and 'sam': make them separate entries",
    ],
    [
      'a missing required key, at its mapping',
      v1('roles:\n  - role: r\n    defined-in:\n      - terraform: { file: a.tf }\n'),
      "5:20 roles[0].defined-in[0].terraform: missing required key 'address'",
    ],
    [
      'a terraform address of a block the editor does not read',
      v1('roles:\n  - role: r\n    defined-in:\n      - terraform: { file: a.tf, address: aws_s3_bucket.b }\n'),
      "5:43 roles[0].defined-in[0].terraform.address: expected data.aws_iam_policy_document.NAME, aws_iam_policy.NAME, aws_iam_role_policy.NAME, aws_iam_role.NAME or aws_iam_role_policy_attachment.NAME; got 'aws_s3_bucket.b'",
    ],
    ['an acknowledgement without a reason', v1('acknowledge:\n  - finding: UNUSED[111122223333:r][s3:GetObject]\n'), "3:5 acknowledge[0]: missing required key 'reason'"],
    ['a blank reason', v1("acknowledge:\n  - finding: UNUSED[111122223333:r][s3:GetObject]\n    reason: '  '\n"), '4:13 acknowledge[0].reason: expected some text (it is blank); got \'  \''],
    [
      'a finding id outside the grammar, saying which part',
      v1('acknowledge:\n  - finding: UNUSED[1111:r][s3:GetObject]\n    reason: x\n'),
      "3:14 acknowledge[0].finding: 'UNUSED[1111:r][s3:GetObject]' is not a finding id: the account '1111' is not a 12-digit account id (or a pattern of digits, * and ?)",
    ],
    [
      'an unquoted account id',
      v1('accounts:\n  - { id: 011122223333, assume-role: ro }\n'),
      '3:11 accounts[0].id: expected the account id as text: quote it ("011122223333"); unquoted, YAML reads a number and drops leading zeros',
    ],
    ['a session ARN for a role', v1('roles:\n  - role: arn:aws:sts::111122223333:assumed-role/app/fn\n'), "3:11 roles[0].role: 'arn:aws:sts::111122223333:assumed-role/app/fn' is a session ARN, not a role: write arn:aws:iam::111122223333:role/app, or app"],
    ['a user ARN', v1('roles:\n  - role: arn:aws:iam::111122223333:user/alice\n'), "3:11 roles[0].role: 'arn:aws:iam::111122223333:user/alice' is an IAM user ARN; policy-trim reads roles: arn:aws:iam::ACCOUNT:role/NAME"],
    ['a role name with a space', v1('roles:\n  - role: orders api\n'), "3:11 roles[0].role: 'orders api' is not a role name: role names hold letters, digits and + = , . @ _ - only (not \" \")"],
    ['a gate value, with the nearest', v1('gate:\n  fail-on: [unused-writ]\n'), "3:13 gate.fail-on[0]: expected one of unused, unused-permissions-management, unused-write, unused-tagging, unused-read, unused-list, unused-on-star, narrowable, denied, new-drift, removable; got 'unused-writ' (did you mean 'unused-write'?)"],
    ['two activity sources', v1('activity:\n  s3: s3://bucket/p\n  lookup: true\n'), "3:3 activity: two activity sources, 'lookup' and 's3': keep one (a flag on the command line can still name another)"],
    ['lookup: false', v1('activity:\n  lookup: false\n'), '3:11 activity.lookup: expected true; got false (leave the key out to not read Event history)'],
    ['a newer version', 'version: 2\n', '1:10 version: version 2 is newer than this policy-trim reads (version 1): upgrade policy-trim'],
    ['no version', 'roles: []\n', "1:1 : missing required key 'version'"],
    ['a list where a mapping belongs', v1('aws: [eu-west-1]\n'), '2:6 aws: expected a mapping of keys; got a list'],
    ['a function that is neither a name nor a mapping', v1('roles:\n  - role: r\n    functions: [3]\n'), '4:17 roles[0].functions[0]: expected a function name or {name, unobservable, vpc, tracing}; got 3'],
    ['an empty list', v1('roles:\n  - role: r\n    defined-in: []\n'), '4:17 roles[0].defined-in: the list is empty: add an entry, or leave the key out'],
    ['a Region twice', v1('aws:\n  regions: [eu-west-1, eu-west-1]\n'), "3:24 aws.regions[1]: 'eu-west-1' is listed twice (also entry 0)"],
    ['days out of range', v1('activity:\n  days: 0\n'), '3:9 activity.days: expected at least 1; got 0'],
  ])('%s', (_what, text, expected) => {
    expect(problemsOf(text).map(brief)).toEqual([expected]);
  });
});

describe('rules beyond the schema, located', () => {
  it.each([
    ['a role listed twice (names compare as IAM does)', v1('roles:\n  - role: orders\n  - role: Orders\n'), "4:11 roles[1].role: the role 'Orders' is already listed at line 3 (roles[0]): merge the two entries"],
    ['a file outside the repository', v1('roles:\n  - role: r\n    defined-in:\n      - json: { file: ../other/p.json }\n'), "5:23 roles[0].defined-in[0].json.file: '../other/p.json' leaves the repository (..): policy-trim edits files inside the repository only"],
    ['an absolute file', v1('roles:\n  - role: r\n    defined-in:\n      - json: { file: /etc/p.json }\n'), "5:23 roles[0].defined-in[0].json.file: '/etc/p.json' is an absolute path: write it relative to the repository root"],
    ['a trail-config outside the repository', v1('activity:\n  trail-config: ../../selectors.json\n'), "3:17 activity.trail-config: '../../selectors.json' leaves the repository (..): policy-trim edits files inside the repository only"],
    ['days with since', v1('activity:\n  days: 3\n  since: 30d\n'), '3:9 activity.days: days cannot be combined with since: give since and until, or days with an optional until.'],
    ['a since that is no date', v1('activity:\n  since: last tuesday\n'), expect.stringMatching(/^3:10 activity\.since: since "last tuesday" is not a date/)],
    ['a date that is not in the calendar', v1('acknowledge:\n  - { finding: "DENIED[111122223333:r][s3:GetObject]", reason: x, until: 2027-02-30 }\n'), '3:74 acknowledge[0].until: 2027-02-30 is not a date in the calendar'],
    ['an account listed twice', v1('accounts:\n  - { id: "111122223333", assume-role: ro }\n  - { id: "111122223333", assume-role: ro }\n'), '4:11 accounts[1].id: the account 111122223333 is already listed at line 3'],
    ['a function listed twice', v1('roles:\n  - role: r\n    functions: [a, { name: a }]\n'), "4:20 roles[0].functions[1]: the function 'a' is already listed (functions[0])"],
  ])('%s', (_what, text, expected) => {
    expect(problemsOf(text).map(brief)).toEqual([expected]);
  });
});

describe('YAML syntax', () => {
  it('names the line of a syntax error', () => {
    expect(problemsOf('version: 1\nroles:\n  - role: [r\n').map((p) => p.line)).toEqual([4]);
  });

  it('a key twice is an error at the second', () => {
    expect(problemsOf('version: 1\nversion: 1\n').map(brief)).toEqual([expect.stringMatching(/^2:1 : YAML: Map keys must be unique/)]);
  });

  it('a tag policy-trim does not read is an error, not a silent string, and the rest is still checked', () => {
    expect(problemsOf('version: 1\npr:\n  base: !Ref Branch\ncolour: blue\n').map(brief)).toEqual([
      expect.stringMatching(/^3:9 : Unresolved tag: !Ref/),
      "4:1 colour: unknown key 'colour'; expected one of version, aws, accounts, activity, roles, acknowledge, gate, pr",
    ]);
  });

  it('an empty file and a file that is not a mapping', () => {
    expect(problemsOf('').map(brief)).toEqual(['1:1 : the file is empty: it needs at least `version: 1`']);
    expect(problemsOf('# only a comment\n').map(brief)).toEqual(['1:1 : the file is empty: it needs at least `version: 1`']);
    expect(problemsOf('- version: 1\n').map(brief)).toEqual(['1:1 : expected a mapping of keys (version, roles, ...) at the top of the file']);
  });

  it('merge keys and anchors are read (a long file repeats a defined-in list)', () => {
    const text = v1('x-sites: &sites\n  - json: { file: a.json }\nroles:\n  - { role: a, defined-in: *sites }\n');
    // `x-sites` is an unknown key (the file has no place for anchors of its own), but the alias resolves.
    expect(problemsOf(text).map(brief)).toEqual(["2:1 x-sites: unknown key 'x-sites'; expected one of version, aws, accounts, activity, roles, acknowledge, gate, pr"]);
  });
});

describe('all problems at once', () => {
  it('reports every problem of a file in file order, and the message names the first and the count', () => {
    const text = v1('roles:\n  - role: r\n    defined_in: []\n  - role: r\nacknowledge:\n  - finding: UNUSED[111122223333:r][s3:GetObject]\ngate:\n  fail-on: [nope]\n');
    const r = tryParse(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => `${p.line}:${p.column}`)).toEqual(['4:5', '5:11', '7:5', '9:13']);
    expect(r.error.code).toBe('config-invalid');
    expect(r.error.exitCode).toBe(1);
    expect(r.error.message).toBe(
      ".policy-trim.yml:4:5: roles[0].defined_in: unknown key 'defined_in'; did you mean 'defined-in'? (and 3 more problems: run `policy-trim config validate` for all)",
    );
  });

  it(`keeps the first ${MAX_CONFIG_PROBLEMS} and counts the rest`, () => {
    const roles = Array.from({ length: 30 }, (_, i) => `  - { role: r${i}, colour: x }\n`).join('');
    const r = tryParse(v1(`roles:\n${roles}`));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toHaveLength(MAX_CONFIG_PROBLEMS);
    expect(r.error.total).toBe(30);
    expect(r.problems[0]!.line).toBe(3);
  });
});

describe('warnings (returned, never thrown)', () => {
  it('an expired acknowledgement, the same finding twice, a name beside its ARN, Athena without selectors, an ARN outside accounts', () => {
    const text = v1(
      [
        'accounts: [{ id: "111122223333", assume-role: ro }]',
        'activity: { athena: { table: t } }',
        'roles:',
        '  - role: app',
        '  - role: arn:aws:iam::111122223333:role/app',
        '  - role: arn:aws:iam::999999999999:role/other',
        'acknowledge:',
        '  - { finding: "UNUSED[111122223333:app][s3:GetObject]", reason: x, until: 2026-11-22 }',
        '  - { finding: "UNUSED[111122223333:app][s3:GetObject]", reason: y, until: 2026-11-23 }',
        '',
      ].join('\n'),
    );
    const r = tryParse(text);
    expect(r.ok ? [] : r.problems).toEqual([]);
    expect(r.ok && r.parsed.warnings.map(brief)).toEqual([
      '3:21 activity.athena: Athena cannot see which data events the trail records: without trail-name or trail-config every data-event action stays unobservable',
      "6:11 roles[1].role: 'arn:aws:iam::111122223333:role/app' and roles[0] (line 5) name the same role in 111122223333: its settings come from both entries",
      "7:11 roles[2].role: the role's account 999999999999 is not in accounts: it is read only with credentials for that account",
      '9:76 acknowledge[0].until: expired on 2026-11-22: the finding counts again (renew the date with a reason, or fix what it is about)',
      "10:16 acknowledge[1].finding: 'UNUSED[111122223333:app][s3:GetObject]' is already acknowledged at line 9",
    ]);
  });
});
