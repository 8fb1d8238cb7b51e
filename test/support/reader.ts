/** Shared helpers for the reader tests. */
import type { InputProblem, RecordSource } from '../../src/core/usage/types.js';
import type { TrailItem } from '../../src/adapters/trail-decode/sink.js';

/** Everything one read produced, split by kind. */
export interface Collected {
  records: Array<{ record: Record<string, unknown>; source: RecordSource }>;
  problems: InputProblem[];
}

/** Drains an async iterable of trail items. */
export async function collect(items: AsyncIterable<TrailItem>): Promise<Collected> {
  const out: Collected = { records: [], problems: [] };
  for await (const item of items) {
    if (item.kind === 'record') out.records.push({ record: item.record as Record<string, unknown>, source: item.source });
    else out.problems.push(item.problem);
  }
  return out;
}

/** The eventIDs of the records, in the order read. */
export function ids(c: Collected): string[] {
  return c.records.map((r) => String(r.record.eventID));
}

/** A minimal CloudTrail-shaped record. */
export function rec(id: string, eventTime = '2026-10-05T10:00:00Z'): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/app-role/fn', accountId: '111122223333' },
    eventTime,
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    awsRegion: 'us-east-1',
    eventID: id,
  };
}
