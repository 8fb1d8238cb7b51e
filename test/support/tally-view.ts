/**
 * Everything a tally says, for comparing two tallies: the ledger per principal and per session, the counts as
 * entries (toEqual alone would not check the order of keys, which shows in JSON output) and the examples.
 */
import type { UsageLedger } from '../../src/core/usage/ledger.js';
import type { ActivityResult } from '../../src/core/usage/tally.js';

/** Everything a ledger says, per principal and per session. */
export function ledgerView(ledger: UsageLedger): unknown {
  return ledger.principals().map((p) => ({ all: ledger.usageOf(p), sessions: ledger.sessionsOf(p).map((s) => ledger.usageOf(p, { session: s })) }));
}

/** Everything a tally says, with the key order of its counts. */
export function tallyView(t: ActivityResult): unknown {
  return {
    ledger: ledgerView(t.ledger),
    calls: t.calls,
    ignored: Object.entries(t.ignored),
    problemCounts: Object.entries(t.problemCounts),
    unknownEvents: Object.entries(t.unknownEvents),
    problemExamples: t.problemExamples,
  };
}
