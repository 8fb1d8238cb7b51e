/**
 * Inputs for the pull-request body tests: the bundled example's suggestion built in-process (the same steps as
 * `policy-trim suggest` on examples/orders-api, as `npm run example` runs it), with extra policy documents when a
 * test needs another grant, and the `PullRequestInput` around it.
 */
import { loadBundledCatalog } from '../../src/adapters/fs/bundled-data.js';
import { loadBundledCloudTrailKnowledge, loadBundledNormalizer } from '../../src/adapters/fs/bundled-mapping.js';
import { readPolicyFiles } from '../../src/adapters/fs/policy-files.js';
import { readTrail } from '../../src/adapters/fs/trail-reader.js';
import type { TrailReadStats } from '../../src/adapters/trail-decode/sink.js';
import { dataEventsRecorded, type PullRequestInput } from '../../src/core/pr/body.js';
import type { CloudTrailKnowledge } from '../../src/core/trail/knowledge-types.js';
import { parsePolicyDocument } from '../../src/core/policy/index.js';
import type { PolicyDocument } from '../../src/core/policy/types.js';
import { parseTrailRecording, withRegionCoverage, type TrailRecording } from '../../src/core/trail/recording.js';
import { decideRegionCoverage, localReads } from '../../src/core/trail/region-coverage.js';
import { suggest, type SuggestResult } from '../../src/core/trim/suggest.js';
import { ActivityTally } from '../../src/core/usage/tally.js';
import { parseTimeWindow } from '../../src/core/usage/time-window.js';
import { readFileSync } from 'node:fs';

/** The example's role and account. */
export const EXAMPLE_ACCOUNT = '123456789012';
export const EXAMPLE_ROLE = `arn:aws:iam::${EXAMPLE_ACCOUNT}:role/orders-api-role`;

// Relative paths, as `npm run example` passes them: document names (and so the golden files) do not depend on
// where the repository is checked out. Vitest runs from the repository root.
const POLICIES = 'examples/orders-api/policies';
const TRAIL = 'examples/orders-api/trail';
const TRAIL_CONFIG = 'examples/orders-api/trail-config.json';
/** `--until 2026-11-01T00:00:00Z --days 30`, as `npm run example`. */
const WINDOW = parseTimeWindow({ until: '2026-11-01T00:00:00Z', days: 30 }, new Date('2026-11-02T00:00:00Z'));

/** One offline run of `suggest` on the example: the result and the facts the body reports. */
export interface ExampleRun {
  result: SuggestResult;
  original: PolicyDocument[];
  recording: TrailRecording;
  stats: TrailReadStats;
  byRole: number;
  sessions: string[];
  knowledge: CloudTrailKnowledge;
}

const catalog = loadBundledCatalog();

/** `suggest` on the example, with `extra` documents granted besides its own. */
export async function exampleRun(extra: PolicyDocument[] = []): Promise<ExampleRun> {
  const knowledge = loadBundledCloudTrailKnowledge();
  const policies = await readPolicyFiles([POLICIES]);
  if (policies.problems.length) throw new Error(policies.problems.map((p) => p.message).join('\n'));
  const original = [...policies.documents, ...extra];
  const tally = new ActivityTally(loadBundledNormalizer());
  const read = readTrail([TRAIL], { window: WINDOW });
  for await (const batch of read.batches()) for (const item of batch) tally.add(item);
  const config = parseTrailRecording(JSON.parse(readFileSync(TRAIL_CONFIG, 'utf8')), TRAIL_CONFIG);
  const recording = withRegionCoverage(
    config,
    decideRegionCoverage({ ...(config.trail ? { trail: config.trail } : {}), reads: localReads([TRAIL]), regionsInRecords: tally.ledger.regionsSeen() }),
  );
  const usage = tally.ledger.usageOf(EXAMPLE_ROLE);
  const result = suggest({
    documents: original,
    usage,
    catalog,
    knowledge,
    recording,
    options: { baselines: ['lambda-basic'], target: 'managed', documentName: 'orders-api-role-trimmed' },
  });
  return { result, original, recording, stats: read.stats, byRole: usage.records, sessions: usage.sessions, knowledge };
}

/** An `AdministratorAccess`-like document (everything on everything), as an attached managed policy. */
export function adminDocument(): PolicyDocument {
  return parsePolicyDocument({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }, 'arn:aws:iam::aws:policy/AdministratorAccess');
}

/** The access level of an action, from the bundled catalog. */
export const levelOf = (action: string) => catalog.action(action)?.accessLevel;

/** The body's input around a run, with the given edit notes. */
export function inputFor(run: ExampleRun, edits: PullRequestInput['edits'], over: Partial<PullRequestInput> = {}): PullRequestInput {
  return {
    role: EXAMPLE_ROLE,
    account: EXAMPLE_ACCOUNT,
    result: run.result,
    observed: {
      window: { since: WINDOW.since!.toISOString(), until: WINDOW.until!.toISOString() },
      sources: [{ kind: 'files', location: TRAIL, files: run.stats.filesRead, records: run.stats.records }],
      records: { read: run.stats.records, byRole: run.byRole, outsideWindow: run.stats.recordsOutsideWindow, problems: run.stats.problems },
      sessions: run.sessions,
      skipped: run.stats.skippedExamples.map((input) => ({ input, reason: 'not a trail file' })),
    },
    recording: run.recording,
    dataEvents: dataEventsRecorded(run.result, run.recording, run.knowledge),
    edits,
    toolVersion: '0.1.0',
    baseBranch: 'main',
    report: { path: '.policy-trim/reports/orders-api-role.md', url: 'https://github.com/acme/infra/blob/policy-trim/orders-api-role/.policy-trim/reports/orders-api-role.md' },
    original: run.original,
    levelOf,
    ...over,
  };
}
