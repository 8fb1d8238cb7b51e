/**
 * Properties of the Terraform editor over random edits of every site kind in the golden fixtures: statements
 * kept, narrowed, dropped and added, with and without references (bare, inside strings, opaque expressions),
 * and strings full of what HCL, JSON and heredocs escape (quotes, backslashes, `${`, `%{`, braces, `$` just
 * before a reference, IAM policy variables). For each: the file reads back as the edit, every byte outside the
 * site's block is unchanged, and writing back what was read changes nothing.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Statement } from '../../src/core/policy/types.js';
import { terraformEditor } from '../../src/core/iac/terraform-editor.js';
import { readSite } from '../../src/core/iac/terraform-read.js';
import { referenceToken, type GrantSite, type IacReference, type SiteEdit } from '../../src/core/iac/types.js';
import { fixture, keyedStatements } from './terraform-support.js';

const SITES: Array<[dir: string, address: string]> = [
  ['data-source', 'data.aws_iam_policy_document.orders'],
  ['jsonencode', 'aws_iam_policy.orders'],
  ['jsonencode', 'aws_iam_role_policy.compact'],
  ['heredoc', 'aws_iam_role_policy.reports'],
  ['role', 'aws_iam_role.worker'],
];

const REFERENCES = ['aws_s3_bucket.b.arn', 'var.table_arn', 'data.aws_caller_identity.current.account_id', 'module.m.out', 'var.on ? "a" : "b"'];

/** Pieces of literal text that each format must escape or keep apart from templates. */
const PIECES = ['arn:aws:s3:::', 'orders', '/', '*', '"', '\\', '${aws:username}', '%{x}', '}', '{', '$', '%', 'é', '😀', ' ', '\t', '\n', ':'];

/**
 * The edit's reference table: the site's own, then REFERENCES (written bare, as a caller adding a reference
 * would). `first` is where REFERENCES start.
 */
function extended(refs: readonly IacReference[]): { table: IacReference[]; first: number } {
  return { table: [...refs, ...REFERENCES.map((key) => ({ key, written: key }))], first: refs.length };
}

/** A policy string: literal pieces and reference tokens (REFERENCES, at `first` in the table). */
const arbValueAt = (first: number): fc.Arbitrary<string> =>
  fc
    .array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...PIECES) }, { weight: 1, arbitrary: fc.nat(REFERENCES.length - 1).map((i) => referenceToken(first + i)) }), { minLength: 1, maxLength: 6 })
    .map((parts) => parts.join(''));

const arbAction = fc.constantFrom('s3:GetObject', 's3:PutObject', 's3:*', 'dynamodb:Query', 'sqs:SendMessage', 'kms:Decrypt', 'iam:PassRole');

const arbCondition = (arbValue: fc.Arbitrary<string>) => fc.dictionary(fc.constantFrom('StringEquals', 'StringLike', 'ForAnyValue:StringLike'), fc.dictionary(fc.constantFrom('aws:RequestedRegion', 's3:prefix', 'aws:PrincipalTag/team'), fc.array(arbValue, { minLength: 1, maxLength: 2 }), { minKeys: 1, maxKeys: 2 }), { minKeys: 1, maxKeys: 2 });

const arbPrincipal = (arbValue: fc.Arbitrary<string>) =>
  fc.oneof(fc.constant<'*'>('*'), fc.dictionary(fc.constantFrom('AWS', 'Service'), fc.array(arbValue, { minLength: 1, maxLength: 2 }), { minKeys: 1, maxKeys: 2 }));

/** A statement: Action or NotAction, Resource or NotResource, maybe a Sid, a condition, a principal. */
const arbStatement = (arbValue: fc.Arbitrary<string>): fc.Arbitrary<Statement> =>
  fc
    .tuple(
      fc.record(
        {
          sid: fc.stringMatching(/^[A-Za-z0-9]{1,8}$/),
          effect: fc.constantFrom('Allow' as const, 'Deny' as const),
          condition: arbCondition(arbValue),
          principal: arbPrincipal(arbValue),
        },
        { requiredKeys: ['effect'] },
      ),
      fc.constantFrom('action' as const, 'notAction' as const),
      fc.array(arbAction, { minLength: 1, maxLength: 4 }),
      fc.constantFrom('resource' as const, 'notResource' as const),
      fc.array(arbValue, { minLength: 1, maxLength: 3 }),
    )
    .map(([st, af, actions, rf, resources]): Statement => ({ ...st, [af]: actions, [rf]: resources }));

/** An edit of `original`: each statement kept, narrowed or dropped, and new ones put in. */
function arbEdit(original: Statement[], arbValue: fc.Arbitrary<string>): fc.Arbitrary<Statement[]> {
  const changed = original.map((st) =>
    fc.oneof(
      fc.constant<Statement | undefined>(st),
      fc.constant<Statement | undefined>(undefined),
      fc.subarray(st.action ?? [], { minLength: 1 }).map((action): Statement => ({ ...st, action })),
      fc.array(arbValue, { minLength: 1, maxLength: 2 }).map((resource): Statement => ({ ...st, resource })),
    ),
  );
  return fc.tuple(fc.tuple(...changed), fc.array(arbStatement(arbValue), { maxLength: 2 }), fc.nat()).map(([kept, added, at]) => {
    const out = kept.filter((s): s is Statement => s !== undefined);
    out.splice(at % (out.length + 1), 0, ...added);
    return out;
  });
}

/** Statements as comparable strings; a role's are grouped by inline policy, so compared as a set there. */
const comparable = (statements: Statement[], grouped: boolean) => {
  const s = statements.map((x) => JSON.stringify(x, Object.keys(x).sort()));
  return grouped ? s.sort() : s;
};

describe.each(SITES)('%s %s', (dir, address) => {
  const before = fixture(dir, 'before.tf');
  const site: GrantSite = { format: 'terraform', file: 'main.tf', address };
  const grants = terraformEditor.read(before, site);
  const { table, first } = extended(grants.references);
  const { block } = readSite(before, site);
  const grouped = dir === 'role';

  it('reads back as the edit, keeps the outside, and is idempotent', () => {
    fc.assert(
      fc.property(arbEdit(grants.statements, arbValueAt(first)), (statements) => {
        const edit: SiteEdit = { statements, attachments: grants.attachments, templates: [], references: table };
        const after = terraformEditor.write(before, site, edit);
        const back = terraformEditor.read(after, site);
        const want = keyedStatements(statements, table);
        expect(comparable(keyedStatements(back.statements, back.references), grouped)).toEqual(comparable(want, grouped));
        expect(after.slice(0, block.start)).toBe(before.slice(0, block.start));
        expect(after.slice(after.length - (before.length - block.end))).toBe(before.slice(block.end));
        expect(terraformEditor.write(after, site, back)).toBe(after);
      }),
      { numRuns: 60 },
    );
  });
});
