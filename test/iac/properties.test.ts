/**
 * Properties of every editor but Terraform's, on random edits of a realistic file: the written file reads back
 * as the edit (statements, attachments and templates; references compared by key), and every line outside the
 * site is as it was. Each run writes two edits in a row, so the second one edits text the editor wrote itself.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editorFor } from '../../src/core/iac/editors.js';
import { comparableGrants } from '../../src/core/iac/site-context.js';
import type { ConditionBlock, Statement } from '../../src/core/policy/types.js';
import type { GrantSite, SamTemplateUse, SiteEdit } from '../../src/core/iac/types.js';
import { editOf, fixture, keyed, mapStatement, siteLines } from './support.js';

interface World {
  name: string;
  site: GrantSite;
  text: string;
  /** Resources an edit draws from, tokens as `{{key}}`. */
  resources: string[];
  /** Managed policies an edit draws from (none when the site cannot hold any). */
  attachments: string[];
  templates: SamTemplateUse[];
}

const ACTIONS = ['s3:GetObject', 's3:PutObject', 'sqs:SendMessage', 'dynamodb:Query', 'kms:Decrypt', 'logs:*'];
const PLAIN = ['*', 'arn:aws:s3:::orders/*', 'arn:aws:sqs:us-east-1:123456789012:jobs', 'arn:aws:s3:::home/${aws:username}/*'];
const CFN = ['{{GetAtt:Orders.Arn}}', '{{GetAtt:Orders.Arn}}/index/*', 'arn:aws:s3:::{{Ref:Receipts}}/2026/*', '{{Ref:NewTopic}}', 'arn:aws:ssm:{{Ref:AWS::Region}}:{{Ref:AWS::AccountId}}:parameter/x', 'arn:aws:s3:::${aws:username}-{{Ref:Receipts}}'];

/** The opaque references a read found, as `{{key}}` resources. */
function opaque(world: Omit<World, 'resources'>): string[] {
  const g = editorFor(world.site.format).read(world.text, world.site);
  return g.references.filter((r) => !/^(Ref|GetAtt):/.test(r.key) && !/^[a-z]/.test(r.key)).map((r) => `{{${r.key}}}`);
}

function world(name: string, site: GrantSite, path: string, resources: string[], attachments: string[] = [], templates: SamTemplateUse[] = []): World {
  const base = { name, site, text: fixture(path), attachments, templates };
  return { ...base, resources: [...PLAIN, ...resources, ...opaque(base).map((o) => `arn:x:${o}/y`), ...opaque(base)] };
}

const WORLDS: World[] = [
  world('json: a whole-file document', { format: 'json', file: 'p.json' }, 'json/whole/before.json', []),
  world('json: a pointer to a single Statement object', { format: 'json', file: 'w.json', pointer: '/Policies/0/PolicyDocument' }, 'json/pointer/before.json', []),
  world('cloudformation: a YAML role (all policies)', { format: 'cloudformation', file: 't.yaml', resource: 'OrdersRole' }, 'cloudformation/role-yaml/before.yaml', CFN, ['arn:aws:iam::aws:policy/ReadOnlyAccess', '{{Ref:SharedReadPolicy}}', 'arn:{{Ref:AWS::Partition}}:iam::aws:policy/X']),
  world('cloudformation: a JSON policy', { format: 'cloudformation', file: 't.json', resource: 'ExporterPolicy' }, 'cloudformation/policy-json/before.json', CFN),
  world('cloudformation: a long-form YAML policy', { format: 'cloudformation', file: 't.yaml', resource: 'ConsumerPolicy' }, 'cloudformation/longform-yaml/before.yaml', CFN),
  world('sam: a function', { format: 'sam', file: 't.yaml', function: 'CreateOrderFunction' }, 'sam/functions/before.yaml', CFN, ['AWSLambdaBasicExecutionRole', 'AmazonS3ReadOnlyAccess', '{{Ref:SharedPolicy}}'], [
    { template: 'DynamoDBCrudPolicy', parameters: { TableName: '{{Ref:OrdersTable}}' } },
    { template: 'CloudWatchPutMetricPolicy', parameters: {} },
    { template: 'SQSPollerPolicy', parameters: { QueueName: '{{GetAtt:Jobs.QueueName}}' } },
  ]),
  world('serverless: the provider', { format: 'serverless', file: 's.yml' }, 'serverless/provider/serverless.yml', [...CFN, '{{self:custom.table}}', 'arn:aws:dynamodb:{{aws:region}}:{{aws:accountId}}:table/{{self:custom.table}}', '{{GetAtt:JobsQueue.Arn}}/{{sls:stage}}'], ['arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess', 'arn:aws:iam::{{aws:accountId}}:policy/x']),
  world('serverless: a function', { format: 'serverless', file: 's.yml', function: 'worker' }, 'serverless/provider/serverless.yml', ['{{GetAtt:JobsQueue.Arn}}', 'arn:aws:kms:{{aws:region}}:*:key/{{self:custom.key}}']),
  world('serverless: the older layout', { format: 'serverless', file: 's.yml' }, 'serverless/legacy/serverless.yml', ['arn:aws:s3:::reports-{{opt:stage}}/*'], ['arn:aws:iam::aws:policy/AmazonAthenaFullAccess']),
];

function arbStatement(w: World): fc.Arbitrary<Statement> {
  const some = <T>(pool: T[]) => fc.uniqueArray(fc.constantFrom(...pool), { minLength: 1, maxLength: 3 });
  return fc.record(
    {
      effect: fc.constantFrom<Statement['effect']>('Allow', 'Allow', 'Deny'),
      sid: fc.constantFrom('Read', 'Write'),
      actions: some(ACTIONS),
      not: fc.boolean(),
      resource: some(w.resources),
      condition: fc.constant<ConditionBlock>({ StringEquals: { 'aws:SourceVpc': ['vpc-1'] } }),
    },
    { requiredKeys: ['effect', 'actions', 'not', 'resource'] },
  ).map(({ effect, sid, actions, not, resource, condition }) => {
    const s: Statement = { effect, resource };
    if (sid !== undefined) s.sid = sid;
    if (not && effect === 'Deny') s.notAction = actions;
    else s.action = actions;
    if (condition !== undefined) s.condition = condition;
    return s;
  });
}

/** A random edit: the read's statements, narrowed, dropped, or replaced, and random attachments and templates. */
function arbEdit(w: World, read: Statement[]): fc.Arbitrary<{ statements: Statement[]; attachments: string[]; templates: SamTemplateUse[] }> {
  const kept = fc.subarray(read);
  const fresh = fc.array(arbStatement(w), { maxLength: 3 });
  return fc.record({
    statements: fc.tuple(kept, fresh, fc.boolean()).map(([k, f, front]) => (front ? [...f, ...k] : [...k, ...f])),
    attachments: w.attachments.length > 0 ? fc.subarray(w.attachments) : fc.constant([]),
    templates: w.templates.length > 0 ? fc.subarray(w.templates) : fc.constant([]),
  });
}

/** The lines of `text` before and after the site, which a write must keep. */
function outside(text: string, site: GrantSite): [string, string] {
  const [first, last] = siteLines(text, site);
  const lines = text.split('\n');
  return [lines.slice(0, first - 1).join('\n'), lines.slice(last).join('\n')];
}

function write(w: World, text: string, e: { statements: Statement[]; attachments: string[]; templates: SamTemplateUse[] }): { written: string; edit: SiteEdit } {
  const editor = editorFor(w.site.format);
  const edit = editOf(editor.read(text, w.site), e.statements, e.attachments, e.templates);
  return { written: editor.write(text, w.site, edit), edit };
}

describe.each(WORLDS)('$name', (w) => {
  const editor = editorFor(w.site.format);
  const read = editor.read(w.text, w.site);
  const readKeyed = read.statements.map((s) => mapStatement(s, (v) => keyed(v, read.references)));

  it('reads back every random edit it writes, and keeps the lines outside the site', () => {
    fc.assert(
      fc.property(arbEdit(w, readKeyed), arbEdit(w, readKeyed), (first, second) => {
        let text = w.text;
        for (const e of [first, second]) {
          const [before, after] = outside(text, w.site);
          const { written, edit } = write(w, text, e);
          expect(comparableGrants(editor.read(written, w.site))).toBe(comparableGrants(edit));
          const [before2, after2] = outside(written, w.site);
          expect(before2).toBe(before);
          expect(after2).toBe(after);
          text = written;
        }
      }),
      { numRuns: Number(process.env.IAC_RUNS ?? 25) },
    );
  });
});
