/**
 * Port: CloudTrail activity for a time window, as raw records with their source. The normalizer turns
 * each record into a NormalizedCall; this port only finds and reads them.
 */
import type { InputProblem, RecordSource } from '../usage/types.js';
import type { TrailConfig } from '../trail/config.js';

/** What to read. */
export interface ActivityQuery {
  /** Inclusive start of the window. */
  since: Date;
  /** Exclusive end of the window. */
  until: Date;
  /** Only this role's activity, when the source can filter (a hint; the core still filters). */
  principalArn?: string;
  /** Only this role session (for Lambda: the function name), when the source can filter server-side. */
  sessionName?: string;
}

/** One item read: a raw CloudTrail record, or a problem (never dropped silently). */
export type ActivityItem =
  | { kind: 'record'; record: unknown; source: RecordSource }
  | { kind: 'problem'; problem: InputProblem };

/** Progress of a long read, for a progress bar (rendered by the CLI on a TTY only). */
export interface ActivityProgress {
  /** Pages (LookupEvents) or objects (S3) done so far. */
  pages: number;
  /** Records yielded so far. */
  events: number;
  /** Units of work known so far (pages are open-ended: undefined when unknown). */
  totalPages?: number;
  /** Estimated milliseconds left, when it can be estimated. */
  etaMs?: number;
  /** Milliseconds since the read started, when known (for a throughput). */
  elapsedMs?: number;
  /** Short free text: current region or prefix. */
  detail?: string;
}

/** A part of the read that failed (a region, a prefix, an object): reported, not thrown. */
export interface PartialFailure {
  /** `lookup:eu-west-1`, `s3://bucket/prefix/`, ... */
  scope: string;
  code: string;
  message: string;
  hint?: string;
}

/** What the read covered, for the summary. */
export interface ActivityReadSummary {
  /** Notes the user must see (clamped window, management events only, ...). */
  warnings: string[];
  /** Parts that failed: the result is partial when this is not empty. */
  failures: PartialFailure[];
  /** Records yielded. */
  records: number;
  /** The window actually read (after clamping). */
  since: Date;
  until: Date;
}

/** A source of CloudTrail activity. `read` is single-use per call; `summary()` is final after iteration ends. */
export interface ActivitySource {
  read(query: ActivityQuery): ActivityRead;
  /**
   * Reads again the inputs named `files` (each a `RecordSource.file` of an earlier read), yielding their items as
   * the first read did: how a copy counted twice is taken back (`ActivityTally.retract`). Sources that cannot
   * (Event history) leave it out, and their reads keep every event id in memory.
   */
  readAgain?(files: readonly string[], query: ActivityQuery): AsyncIterable<ActivityItem>;
}

/** One read in progress: iterate the items, then look at the summary. */
export interface ActivityRead extends AsyncIterable<ActivityItem> {
  summary(): ActivityReadSummary;
}

/** Finds a trail's configuration by name or ARN. */
export interface TrailConfigSource {
  getTrailConfig(nameOrArn: string): Promise<TrailConfig>;
}
