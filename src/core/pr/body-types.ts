/**
 * What the pull request's title and body are built from: the suggestion as `suggest` returns it, and the facts
 * of the run that made it (window, sources, the trail's recording, the files edited). All of it already read:
 * the body builder does no I/O.
 */
import type { AccessLevel } from '../catalog/types.js';
import type { PolicyDocument } from '../policy/types.js';
import type { TrailRegionFacts, RegionCoverage } from '../trail/region-coverage.js';
import type { SuggestResult } from '../trim/suggest.js';
import type { PlanFacts } from './body-plan.js';

/** One source of activity that was read. */
export interface ActivitySourceRead {
  /** `files`: local trail files or folders; `s3`: a trail bucket; `event-history`: CloudTrail LookupEvents. */
  kind: 'files' | 's3' | 'event-history';
  /** The path, the `s3://` URL, or (Event history) the Regions read. */
  location: string;
  /** Files or objects read, when known. */
  files?: number;
  /** Records read from it, when known. */
  records?: number;
}

/** An input that was not read, or not entirely, and why. */
export interface SkippedInput {
  input: string;
  reason: string;
  /** How many inputs this line stands for (e.g. 120 digest files), when more than one. */
  count?: number;
}

/** The window and the activity observed in it. */
export interface ObservedActivity {
  /** ISO timestamps; an open end is absent (`since` inclusive, `until` exclusive). */
  window: { since?: string; until?: string };
  sources: readonly ActivitySourceRead[];
  records: {
    /** Records read in the window (any principal). */
    read: number;
    /** Records of calls by the role (or its function). */
    byRole: number;
    /** Records read but outside the window. */
    outsideWindow?: number;
    /** Problems (records or files not understood). */
    problems?: number;
  };
  /** The role's sessions (for Lambda: function names) seen in the window. */
  sessions?: readonly string[];
  skipped?: readonly SkippedInput[];
}

/**
 * The trail's recording configuration as far as the body reports it: a `TrailRecording`
 * (core/trail/recording.ts) fits as it is.
 */
export interface RecordingFacts {
  origin: 'config' | 'assumed-default';
  trailArn?: string;
  /** Where the configuration came from. */
  source: string;
  notes: readonly string[];
  trail?: TrailRegionFacts;
  coverage?: RegionCoverage;
}

/**
 * Whether the trail recorded one data-event resource type: `all` of its resources, `some` (selectors narrowed by
 * ARN), or `none`.
 */
export interface DataEventCoverage {
  type: string;
  recorded: 'all' | 'some' | 'none';
}

/** One place in a file that was edited, with what a reviewer should know about it. */
export interface SiteEditNote {
  /** The file, relative to the repository root. */
  file: string;
  /** The site in it (a Terraform address, a CloudFormation logical id and path, a JSON pointer). */
  site: string;
  /** Sentences; names in backticks are shown as code. */
  notes: readonly string[];
}

/** Everything {@link renderPullRequest} needs. */
export interface PullRequestInput {
  /** The role's ARN. */
  role: string;
  account: string;
  /** The verified suggestion. */
  result: SuggestResult;
  observed: ObservedActivity;
  recording: RecordingFacts;
  /**
   * Which data events were recorded, as the caller asked the recording. Types not listed here are derived from
   * the findings (a removal that rests on a selector; an action kept because its data events were not selected).
   */
  dataEvents?: readonly DataEventCoverage[];
  edits: readonly SiteEditNote[];
  /** The plan's notes that belong to no edited file (files left alone, references not resolved). */
  planNotes?: readonly string[];
  /**
   * How the live role compares with the repository's grant: sentences, none when it was read and grants the
   * same (one when it was not read, so that silence means "compared").
   */
  liveRole?: readonly string[];
  toolVersion: string;
  /** The branch the pull request merges into; absent when not known (a dry run with neither --base nor pr.base). */
  baseBranch?: string;
  /** Where the full report is committed on the pull request's branch, used when the body is too long. */
  report: { path: string; url?: string };
  /** The role's policies before the edit: to tell which of its own Deny statements refused a denied attempt. */
  original?: readonly PolicyDocument[];
  /** Access level of an action (from the catalog): flags Permissions-management grants kept unobservable. */
  levelOf?: (action: string) => AccessLevel | undefined;
  /**
   * What the edit does (body-plan.ts), when the body describes an edit: an action it keeps is not listed as
   * removed, and a call an unresolved reference may allow is not listed as "used but not granted".
   */
  plan?: PlanFacts;
  /**
   * What the reviewer must do before merging (an emptied policy to remove, which IAM would refuse to deploy):
   * sentences shown first, above everything else.
   */
  beforeMerging?: readonly string[];
  /** The body's length limit; default GitHub's (limits.ts). Tests lower it. */
  maxLength?: number;
}

/** The pull request's text. */
export interface PullRequestText {
  title: string;
  body: string;
  /** The whole report, when `body` is a shortened one: commit it at `input.report.path`. */
  fullReport?: string;
}
