/**
 * Helpers for the edit planner's tests: a real `suggest` bound to the bundled catalog and CloudTrail knowledge, a
 * trail that records management events and the S3 object and DynamoDB data events (so unused actions of those
 * services can be removed), and a small usage of the orders-api story.
 */

import { diffLines } from 'diff';
import { loadBundledCatalog } from '../../src/adapters/fs/bundled-data.js';
import { loadBundledCloudTrailKnowledge } from '../../src/adapters/fs/bundled-mapping.js';
import { loadBundledSamTemplates } from '../../src/adapters/fs/bundled-sam.js';
import type { PlanInput, ReferenceValues, SiteText } from '../../src/core/iac/plan-types.js';
import type { GrantSite } from '../../src/core/iac/types.js';
import type { PolicyDocument } from '../../src/core/policy/types.js';
import { parseTrailRecording } from '../../src/core/trail/recording.js';
import { suggest } from '../../src/core/trim/suggest.js';
import type { TrimInput } from '../../src/core/trim/types.js';
import type { ActionUsage } from '../../src/core/usage/types.js';
import { usageOf, used } from '../support/trim-fakes.js';

export const ACCOUNT = '111122223333';
export const TABLE = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`;
export const QUEUE = `arn:aws:sqs:us-east-1:${ACCOUNT}:jobs`;
export const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:order-events`;
export const RECEIPTS = 'arn:aws:s3:::orders-receipts';

export const catalog = loadBundledCatalog();
export const knowledge = loadBundledCloudTrailKnowledge();
export const samTemplates = loadBundledSamTemplates();

/** A trail recording management events and every S3 object and DynamoDB data event. */
export const recording = parseTrailRecording(
  {
    EventSelectors: [
      {
        ReadWriteType: 'All',
        IncludeManagementEvents: true,
        DataResources: [
          { Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] },
          { Type: 'AWS::DynamoDB::Table', Values: ['arn:aws:dynamodb'] },
        ],
      },
    ],
  },
  'selectors.json',
);

/**
 * What the orders-api role did: read the orders table, put receipts, send jobs, publish events, read its
 * config object.
 */
export const ORDERS_USAGE: ActionUsage[] = [
  used('dynamodb:GetItem', [TABLE]),
  used('s3:PutObject', [`${RECEIPTS}/receipts/2026/a.json`]),
  used('sqs:SendMessage', [QUEUE]),
  used('sns:Publish', [TOPIC]),
  used('s3:GetObject', ['arn:aws:s3:::orders-config/app.json']),
];

/** The trim context (everything suggest is bound to but the documents) for a usage. */
export function trimContext(usage: ActionUsage[] = ORDERS_USAGE): Omit<TrimInput, 'documents'> {
  return { usage: usageOf(usage), catalog, knowledge, recording, options: { baselines: ['lambda-basic'] } };
}

/** AmazonS3ReadOnlyAccess as AWS publishes it (version 3). */
export const S3_READ_ONLY: PolicyDocument = {
  name: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
  version: '2012-10-17',
  statements: [{ effect: 'Allow', action: ['s3:Get*', 's3:List*', 's3:Describe*', 's3-object-lambda:Get*', 's3-object-lambda:List*'], resource: ['*'] }],
};

/** Options of {@link planInput}. */
export interface PlanOptions {
  values?: Record<string, string>;
  managed?: PolicyDocument[];
  usage?: ActionUsage[];
  inlineResolved?: boolean;
  /** Leave out the trim context (the whole-plan proof does not run). */
  noProof?: boolean;
  sam?: boolean;
}

/** A PlanInput over the given sites and files (`file → text`). */
export function planInput(sites: GrantSite[], files: Record<string, string>, o: PlanOptions = {}): PlanInput {
  const context = trimContext(o.usage);
  const siteTexts: SiteText[] = sites.map((site) => ({ site, text: files[site.file] }));
  const values: ReferenceValues = new Map(Object.entries(o.values ?? {}));
  return {
    role: `arn:aws:iam::${ACCOUNT}:role/orders-api`,
    sites: siteTexts,
    values,
    managedPolicies: new Map((o.managed ?? []).map((d) => [d.name, d])),
    suggestFor: (documents) => suggest({ ...context, documents }),
    inlineResolved: o.inlineResolved,
    samTemplates: o.sam === false ? undefined : samTemplates,
    trimContext: o.noProof ? undefined : context,
  };
}

/** The lines a line diff of `before` → `after` adds and removes, in order. */
export function changedLines(before: string, after: string): { added: string[]; removed: string[] } {
  const added: string[] = [];
  const removed: string[] = [];
  for (const part of diffLines(before, after)) {
    const lines = part.value.replace(/\n$/, '').split('\n');
    if (part.added) added.push(...lines);
    else if (part.removed) removed.push(...lines);
  }
  return { added, removed };
}
