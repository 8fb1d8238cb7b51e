/**
 * Athena: run one statement and read its result, through a narrow interface (`AthenaSender`) that tests fake.
 * StartQueryExecution, then GetQueryExecution polled with a growing delay until the query ends, then
 * GetQueryResults page by page (NextToken). A query that FAILED or was CANCELLED is an error naming its id.
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type GetQueryResultsCommandOutput,
  type QueryExecution,
} from '@aws-sdk/client-athena';
import { PolicyTrimError } from '../../core/errors.js';
import { clientConfig, type ResolvedAwsConfig } from './config.js';
import { callAws } from './errors.js';
import { systemClock, type Clock } from './pacer.js';

/** The part of the Athena client this adapter uses. */
export type AthenaSender = Pick<AthenaClient, 'send'>;

/** An Athena client for the run's configuration (the caller destroys it). */
export function createAthenaClient(cfg: ResolvedAwsConfig): AthenaClient {
  return new AthenaClient(clientConfig(cfg));
}

/** Where a query runs: `--athena-workgroup`, `--athena-output`, `--athena-database`. */
export interface AthenaPlace {
  workgroup?: string;
  /** `s3://…` for the results (else the workgroup's). */
  outputLocation?: string;
  database?: string;
}

/**
 * Delays between two GetQueryExecution calls (ms): from 250 ms, times 1.5, at most 5 s. A small query ends in
 * a second or two and is seen at once; a long one is asked about every 5 s, far below Athena's GetQueryExecution
 * quota (Athena User Guide, "Service Quotas": API calls per account, default 100 per second for this call;
 * read 2026-12-07).
 */
export const POLL = { firstMs: 250, factor: 1.5, maxMs: 5000 } as const;
/** Rows per GetQueryResults page: the API's maximum (Athena API Reference, GetQueryResults, MaxResults 1..1000). */
export const RESULT_PAGE_SIZE = 1000;

/** A query that did not succeed: its id, its state and Athena's reason. */
export class AthenaQueryError extends PolicyTrimError {
  constructor(
    readonly queryId: string,
    readonly state: string,
    reason: string,
  ) {
    super({
      code: 'athena-query-failed',
      message: `Athena query ${queryId} ${state === 'CANCELLED' ? 'was cancelled' : 'failed'}: ${reason}`,
      hint: failureHint(queryId, state, reason),
      source: 'user',
    });
  }
}

/** What to do about a query that did not succeed, by its state and Athena's reason. */
function failureHint(queryId: string, state: string, reason: string): string {
  if (state === 'CANCELLED') return "Someone or a workgroup limit (bytes scanned per query) stopped it: check the workgroup's data usage controls, or read a shorter window (--days).";
  // The table's account partition is `injected` (athena ddl without --account): the query must name the accounts.
  if (/injected/i.test(reason)) return 'The table projects accounts only when a query names them: give the role as an ARN (its account is then named), or recreate the table with `policy-trim athena ddl --account ID ...`.';
  return `Check the table (\`policy-trim athena ddl\` creates it), --athena-database and --athena-workgroup; \`aws athena get-query-execution --query-execution-id ${queryId}\` shows the whole error.`;
}

/** How a finished query went: its statistics. */
export interface QueryOutcome {
  queryId: string;
  bytesScanned: number;
  engineMs?: number;
}

/** Runs statements on Athena. */
export class AthenaRunner {
  constructor(
    private readonly client: AthenaSender,
    private readonly place: AthenaPlace,
    private readonly clock: Clock = systemClock,
    private readonly onPoll?: (state: string, elapsedMs: number) => void,
  ) {}

  /** Starts `sql`; returns the query id. */
  async start(sql: string): Promise<string> {
    const out = await callAws({ action: 'athena:StartQueryExecution', resource: this.place.workgroup }, () =>
      this.client.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          ...(this.place.workgroup ? { WorkGroup: this.place.workgroup } : {}),
          ...(this.place.database ? { QueryExecutionContext: { Database: this.place.database } } : {}),
          ...(this.place.outputLocation ? { ResultConfiguration: { OutputLocation: this.place.outputLocation } } : {}),
        }),
      ),
    );
    if (!out.QueryExecutionId) throw new AthenaQueryError('(none)', 'FAILED', 'StartQueryExecution returned no query id');
    return out.QueryExecutionId;
  }

  /** Asks Athena to stop the query (Ctrl-C while it runs): the next poll then sees it CANCELLED. */
  async stop(queryId: string): Promise<void> {
    await callAws({ action: 'athena:StopQueryExecution', resource: queryId }, () => this.client.send(new StopQueryExecutionCommand({ QueryExecutionId: queryId })));
  }

  /** Polls until the query ends; its statistics, or {@link AthenaQueryError} when it did not succeed. */
  async wait(queryId: string): Promise<QueryOutcome> {
    const started = this.clock.now();
    let delay: number = POLL.firstMs;
    for (;;) {
      const out = await callAws({ action: 'athena:GetQueryExecution', resource: queryId }, () =>
        this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: queryId })),
      );
      const q: QueryExecution = out.QueryExecution ?? {};
      const state = q.Status?.State ?? 'UNKNOWN';
      this.onPoll?.(state, this.clock.now() - started);
      if (state === 'SUCCEEDED') {
        const s = q.Statistics ?? {};
        return { queryId, bytesScanned: s.DataScannedInBytes ?? 0, ...(s.EngineExecutionTimeInMillis !== undefined ? { engineMs: s.EngineExecutionTimeInMillis } : {}) };
      }
      if (state === 'FAILED' || state === 'CANCELLED') {
        const reason = q.Status?.StateChangeReason ?? q.Status?.AthenaError?.ErrorMessage ?? 'no reason given';
        throw new AthenaQueryError(queryId, state, reason);
      }
      if (state !== 'QUEUED' && state !== 'RUNNING') throw new AthenaQueryError(queryId, state, `unexpected query state ${state}`);
      await this.clock.sleep(delay);
      delay = Math.min(POLL.maxMs, Math.round(delay * POLL.factor));
    }
  }

  /**
   * The rows of a succeeded query, page after page, each as column name → value (null for SQL NULL). The header
   * row Athena puts first in a SELECT's first page is recognised by equalling the column names, and skipped.
   */
  async *rows(queryId: string): AsyncGenerator<Record<string, string | null>> {
    let token: string | undefined;
    let names: string[] | undefined;
    let first = true;
    do {
      const page: GetQueryResultsCommandOutput = await callAws({ action: 'athena:GetQueryResults', resource: queryId }, () =>
        this.client.send(new GetQueryResultsCommand({ QueryExecutionId: queryId, MaxResults: RESULT_PAGE_SIZE, ...(token ? { NextToken: token } : {}) })),
      );
      names ??= (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Name ?? c.Label ?? '');
      for (const row of page.ResultSet?.Rows ?? []) {
        const values = (row.Data ?? []).map((d) => (d.VarCharValue === undefined ? null : d.VarCharValue));
        if (first && names.length > 0 && values.every((v, i) => v === names![i])) {
          first = false;
          continue;
        }
        first = false;
        const out: Record<string, string | null> = {};
        names.forEach((n, i) => (out[n] = values[i] ?? null));
        yield out;
      }
      token = page.NextToken;
    } while (token);
  }
}
