/**
 * The pull request's title and body against golden files (test/pr/body/*.md), and by meaning: the sections a
 * reviewer needs are there, counts agree with the suggestion, the shortened body fits and points at the full
 * report. `UPDATE_GOLDEN=1 npx vitest run test/pr/body.test.ts` rewrites the golden files; review the diff by
 * hand before committing it.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectGolden as expectGoldenFile } from '../support/golden.js';
import { PULL_REQUEST_BODY_MAX } from '../../src/core/pr/limits.js';
import { pullRequestTitle, renderFullReport, renderPullRequest, type PullRequestInput, type PullRequestText } from '../../src/core/pr/body.js';
import { parsePolicyDocument } from '../../src/core/policy/index.js';
import { defaultTrailRecording } from '../../src/core/trail/recording.js';
import { suggest } from '../../src/core/trim/suggest.js';
import { denied, fakeKnowledge, smallCatalog, usageOf, used } from '../support/trim-fakes.js';
import { adminDocument, exampleRun, inputFor, type ExampleRun } from './body-support.js';

const GOLDEN = join(import.meta.dirname, 'body');

/** Compares `actual` with the golden file `name` (test/support/golden.ts). */
const expectGolden = (name: string, actual: string): void => expectGoldenFile(join(GOLDEN, name), actual);

/**
 * A report too large to keep as a golden file, as one that can be reviewed: every line but list items and table
 * rows, and for each run of those its first and last line and how many there are; long lines clipped.
 */
function outline(markdown: string): string {
  const out: string[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length > 2) out.push(run[0]!, `[… ${run.length - 2} more rows …]`, run[run.length - 1]!);
    else out.push(...run);
    run = [];
  };
  for (const full of markdown.split('\n')) {
    const line = full.length > 400 ? `${full.slice(0, 400)}[… ${full.length - 400} more characters …]` : full;
    if (/^\s*(?:- |\| )/.test(line) && !line.startsWith('| ---') && !line.startsWith('| Action')) run.push(line);
    else (flush(), out.push(line));
  }
  flush();
  return out.join('\n');
}

/** The PR as one golden file: the title, a rule, the body. */
function asGolden(pr: PullRequestText): string {
  return `${pr.title}\n\n----- body -----\n\n${pr.body}`;
}

const EXAMPLE_EDITS: PullRequestInput['edits'] = [
  { file: 'examples/orders-api/policies/orders-api-role.inline.json', site: '/', notes: [] },
  { file: 'examples/orders-api/policies/orders-api-role.managed.json', site: '/', notes: [] },
];

describe('renderPullRequest on the bundled example', () => {
  let run: ExampleRun;
  let pr: PullRequestText;
  beforeAll(async () => {
    run = await exampleRun();
    pr = renderPullRequest(inputFor(run, EXAMPLE_EDITS));
  });

  it('matches the golden file', () => {
    expectGolden('example.md', asGolden(pr));
  });

  it('fits as a whole: no full report is needed', () => {
    expect(pr.body.length).toBeLessThanOrEqual(PULL_REQUEST_BODY_MAX);
    expect(pr.fullReport).toBeUndefined();
    expect(pr.body).toBe(renderFullReport(inputFor(run, EXAMPLE_EDITS)));
  });

  it('titles the change by what it removes, under 100 characters', () => {
    expect(pr.title).toBe(`policy-trim: remove ${run.result.stats.removedActions} unused permissions from orders-api-role`);
    expect(pr.title.length).toBeLessThan(100);
  });

  it('has every section a reviewer needs, in order, and ends with the marker', () => {
    const headings = pr.body.split('\n').filter((l) => l.startsWith('### '));
    const order = ['### Window and sources', '### What the trail records', '### Removed', '### Narrowed', '### Kept because CloudTrail', '### Denied attempts', '### Safety check', '### Files edited', '### How to roll back'];
    const at = order.map((h) => headings.findIndex((x) => x.startsWith(h)));
    expect(at.every((i) => i >= 0), headings.join('\n')).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(pr.body.trimEnd().endsWith('<!-- policy-trim:role=arn:aws:iam::123456789012:role/orders-api-role -->')).toBe(true);
    expect(pr.body).toContain('git revert');
  });

  it('lists removed actions by access level, Permissions management and Write first, each never used in the window', () => {
    const levels = pr.body.split('\n').filter((l) => l.startsWith('#### ')).map((l) => l.replace(/ \(\d+\)$/, ''));
    expect(levels).toEqual(['#### Permissions management', '#### Write', '#### Tagging', '#### Read', '#### List']);
    const rows = pr.body.split('\n').filter((l) => /^\| `[^`]+` \| never/.test(l));
    expect(rows).toHaveLength(run.result.stats.removedActions);
    expect(pr.body).toContain('| `iam:AttachRolePolicy` | never in the window | proven |');
  });

  it('says which data events the trail recorded and which it did not', () => {
    expect(pr.body).toMatch(/\*\*Data events recorded\*\*: [^\n]*`AWS::S3::Object`/);
    expect(pr.body).toMatch(/\*\*Data events not recorded\*\*: [^\n]*`AWS::DynamoDB::Table`/);
    expect(pr.body).toContain('**Regions covered**: every Region');
  });

  it("says which of the role's own Deny statements refused a denied attempt", () => {
    expect(pr.body).toMatch(/`s3:PutObjectAcl`: 2×[^\n]*refused by the role's own Deny/);
    expect(pr.body).toMatch(/`states:StartExecution`: 2×[^\n]*the role may be missing this permission/);
  });
});

describe('renderPullRequest with AdministratorAccess attached (too long for one body)', () => {
  let pr: PullRequestText;
  let run: ExampleRun;
  beforeAll(async () => {
    run = await exampleRun([adminDocument()]);
    pr = renderPullRequest(inputFor(run, [...EXAMPLE_EDITS, { file: 'infra/iam.tf', site: 'aws_iam_role_policy_attachment.admin', notes: ['managed policy attachment `arn:aws:iam::aws:policy/AdministratorAccess` replaced by explicit statements'] }]));
  }, 120_000);

  it('matches the golden files (the shortened body, and an outline of the 1 MB full report)', () => {
    expectGolden('administrator-access.md', asGolden(pr));
    expectGolden('administrator-access.full.outline.md', outline(pr.fullReport!));
  });

  it('puts every row in the full report, under the title', () => {
    expect(pr.fullReport!.startsWith(`# ${pr.title}\n\n`)).toBe(true);
    const removedRows = pr.fullReport!.split('\n').filter((l) => /^\| `[^`]+` \| never/.test(l));
    expect(removedRows).toHaveLength(run.result.stats.removedActions);
    expect(pr.fullReport).not.toContain('more, see the full report');
    expect(pr.fullReport!.trimEnd().endsWith('-->')).toBe(true);
  });

  it('returns a body within the limit and the full report beside it', () => {
    expect(pr.body.length).toBeLessThanOrEqual(PULL_REQUEST_BODY_MAX);
    expect(pr.fullReport!.length).toBeGreaterThan(PULL_REQUEST_BODY_MAX);
    expect(pr.body).toContain('[`.policy-trim/reports/orders-api-role.md`](https://github.com/acme/infra/blob/policy-trim/orders-api-role/.policy-trim/reports/orders-api-role.md)');
    expect(pr.body).toMatch(/… [\d,]+ more, see the full report/);
  });

  it('keeps the summary, the safety check, the rollback and the marker whole', () => {
    for (const s of ['### Safety check', '**Never wider than the current policy**: passed', '### How to roll back', 'git revert -m 1', '<!-- policy-trim:role=']) expect(pr.body).toContain(s);
    expect(pr.body.split('\n')[0]).toMatch(/^policy-trim read CloudTrail for /);
  });
});

/** A small suggestion (fake catalog and knowledge) with denied attempts, use the policies do not grant, and a Deny. */
function smallSuggestion() {
  const documents = [
    parsePolicyDocument(
      {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'App', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 'dynamodb:*', 'iam:PassRole', 'kms:Decrypt'], Resource: '*' },
          { Sid: 'NoDeletes', Effect: 'Deny', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::orders-archive/*' },
        ],
      },
      'infra/iam.tf#aws_iam_role_policy.orders',
    ),
  ];
  const usage = usageOf(
    [
      used('s3:GetObject', ['arn:aws:s3:::orders-receipts/a.json'], { count: 4 }),
      used('dynamodb:DescribeTable', ['arn:aws:dynamodb:us-east-1:123456789012:table/orders'], { count: 2 }),
      used('secretsmanager:GetSecretValue', ['arn:aws:secretsmanager:us-east-1:123456789012:secret:stripe-Xa3kP9'], { count: 1 }),
    ],
    [denied('s3:DeleteObject', ['arn:aws:s3:::orders-archive/old.json']), denied('sqs:SendMessage', ['arn:aws:sqs:us-east-1:123456789012:jobs'], 'AccessDeniedException'), denied('kms:Decrypt', ['arn:aws:kms:us-east-1:123456789012:key/k-1'])],
  );
  const result = suggest({ documents, usage, catalog: smallCatalog(), knowledge: fakeKnowledge(), recording: defaultTrailRecording(), options: { baselines: [] } });
  return { documents, result };
}

describe('renderPullRequest with denied attempts, unresolved references and a replaced attachment', () => {
  const { documents, result } = smallSuggestion();
  const input: PullRequestInput = {
    role: 'arn:aws:iam::123456789012:role/service-role/orders-api-role',
    account: '123456789012',
    result,
    observed: {
      window: { since: '2026-10-02T00:00:00.000Z', until: '2026-11-01T00:00:00.000Z' },
      sources: [
        { kind: 'event-history', location: 'us-east-1' },
        { kind: 's3', location: 's3://acme-trail/AWSLogs/123456789012/CloudTrail/', files: 120, records: 5400 },
      ],
      records: { read: 5400, byRole: 7, outsideWindow: 12, problems: 1 },
      sessions: ['orders-api'],
      skipped: [{ input: 's3://acme-trail/AWSLogs/123456789012/CloudTrail-Digest/', reason: 'digest files hold no records', count: 30 }],
    },
    recording: defaultTrailRecording(),
    edits: [
      {
        file: 'infra/iam.tf',
        site: 'aws_iam_role_policy.orders',
        notes: ['reference `aws_s3_bucket.receipts.arn` could not be resolved: trimmed at action level only', 'reference `var.table_arn` could not be resolved: trimmed at action level only'],
      },
      { file: 'infra/iam.tf', site: 'aws_iam_role_policy_attachment.dynamo_full', notes: ['managed policy attachment `arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess` replaced by explicit statements'] },
      { file: 'template.yaml', site: 'Resources.OrdersFunction.Properties.Policies[0]', notes: ['SAM policy template `DynamoDBCrudPolicy` expanded from its published definition'] },
    ],
    toolVersion: '0.1.0',
    baseBranch: 'main',
    report: { path: '.policy-trim/reports/orders-api-role.md' },
    original: documents,
  };

  it('matches the golden file', () => {
    expectGolden('denied-unresolved-attachment.md', asGolden(renderPullRequest(input)));
  });

  it('tells each denied attempt apart: own Deny, refused elsewhere, missing', () => {
    const body = renderPullRequest(input).body;
    expect(body).toMatch(/`s3:DeleteObject`: 3×[^\n]*refused by the role's own Deny \(`infra\/iam.tf#aws_iam_role_policy.orders` statement `NoDeletes`\)/);
    expect(body).toMatch(/`kms:Decrypt`: 3×[^\n]*something else denied it/);
    expect(body).toMatch(/`sqs:SendMessage`: 3×[^\n]*the role may be missing this permission/);
  });

  it('shows the edit notes with their names as code, and the assumed default trail', () => {
    const body = renderPullRequest(input).body;
    expect(body).toContain('  - `aws_iam_role_policy.orders`:\n    - reference `aws_s3_bucket.receipts.arn` could not be resolved: trimmed at action level only');
    expect(body).toContain('managed policy attachment `arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess` replaced by explicit statements');
    expect(body).toContain("- **Trail**: none given, so CloudTrail's default was assumed");
  });
});

describe('pullRequestTitle', () => {
  const stats = { grantedActions: 10, keptActions: 5, removedActions: 0, narrowedActions: 0, unobservableActions: 0, verbatimStatements: 0, deniedAttempts: 0 };
  it('says what changes: removed, else narrowed, else nothing', () => {
    expect(pullRequestTitle('arn:aws:iam::1:role/a', { ...stats, removedActions: 1 })).toBe('policy-trim: remove 1 unused permission from a');
    expect(pullRequestTitle('arn:aws:iam::1:role/a', { ...stats, narrowedActions: 3 })).toBe('policy-trim: narrow 3 permissions of a');
    expect(pullRequestTitle('arn:aws:iam::1:role/a', stats)).toBe('policy-trim: nothing to trim in a');
  });

  it('stays one plain line under 100 characters whatever the role is called', () => {
    const title = pullRequestTitle(`arn:aws:iam::1:role/${'x'.repeat(300)}\n# forged`, { ...stats, removedActions: 12_345 });
    expect(title.length).toBeLessThanOrEqual(100);
    expect(title).not.toMatch(/[\n\r]/);
    expect(title.startsWith('policy-trim: remove 12,345 unused permissions from xxx')).toBe(true);
    expect(title.endsWith('…')).toBe(true);
  });
});
