/**
 * The JSON report, in pieces: exactly `JSON.stringify(report, null, 2)` and a newline, produced one role at a
 * time. A fleet with many grant-everything roles holds hundreds of megabytes of findings; one string of it
 * would pass V8's limit on a string's length (about 2^29 characters) and fail the whole run, and would double
 * the run's peak memory on its way to the file (docs/BENCHMARKS.md, "drift over a fleet").
 */
import { InvariantError } from '../errors.js';
import type { DriftReport } from './types.js';

/** The report's JSON text, chunk by chunk (joined: `JSON.stringify(report, null, 2) + '\n'`). */
export function* driftReportJson(report: DriftReport): Generator<string> {
  const empty = JSON.stringify({ ...report, roles: [] }, null, 2);
  // A string value cannot hold a raw newline in JSON, so this text is the structural `roles` key at depth 1.
  const marker = '\n  "roles": []';
  const at = empty.indexOf(marker);
  if (at < 0) throw new InvariantError('drift report JSON: the roles key was not found');
  yield empty.slice(0, at);
  if (report.roles.length === 0) yield marker;
  else {
    yield '\n  "roles": [';
    for (const [i, role] of report.roles.entries()) {
      // Each line of the role, indented to its depth in the report (two levels: 4 spaces).
      yield (i === 0 ? '\n' : ',\n') + JSON.stringify(role, null, 2).replace(/^/gm, '    ');
    }
    yield '\n  ]';
  }
  yield empty.slice(at + marker.length) + '\n';
}
