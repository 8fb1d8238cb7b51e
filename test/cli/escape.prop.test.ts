/**
 * Issue 9, item 7: log content is untrusted. Whatever string a log record or a policy puts in any field, the
 * renderers that reach the terminal (the suggest summary, `--explain`, the read summary, the usage table, the
 * error printer) write no control character and no line break of their own making: a crafted value cannot
 * forge a line such as "verified: never wider".
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeControls, forTerminal } from '../../src/core/render/escape.js';
import { formatExplain, formatSuggestSummary } from '../../src/cli/suggest-report.js';
import { formatActivitySummary } from '../../src/cli/activity.js';
import { formatUsageTable } from '../../src/cli/usage-table.js';
import { CliError, reportError } from '../../src/cli/errors.js';
import { createTrailStats } from '../../src/adapters/trail-decode/sink.js';
import type { SuggestResult } from '../../src/core/trim/suggest.js';
import type { Finding } from '../../src/core/trim/types.js';
import type { ActivityResult } from '../../src/core/usage/tally.js';
import type { CliIo } from '../../src/cli/io.js';

/** What a forged line would start with: an unescaped line break in a value puts it at the start of a line. */
const FORGED = 'FORGED';

/** Control characters and line breaks an attacker would use, then the marker. */
const hostile = fc
  .tuple(
    fc.string({ unit: 'binary', maxLength: 6 }),
    fc.constantFrom('\n', '\r', '\r\n', '\u001b[2K\r', '\u001b]0;x\u0007', '\u0085', '\u2028', '\u202e', '\u0000', '\t', '\u009b'),
    fc.string({ unit: 'binary', maxLength: 6 }),
  )
  .map(([a, ctl, b]) => `${a}${ctl}${FORGED}${b}`);
/** Any string: fully arbitrary code points, or a crafted one. */
const str = fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), hostile);
const strs = fc.array(str, { maxLength: 3 });

/** Control characters the output must not hold (the renderer's own `\n` aside). */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function assertClean(output: string): void {
  expect(output).not.toMatch(CONTROL);
  for (const line of output.split('\n')) expect(line.startsWith(FORGED)).toBe(false);
}

const ref = fc.record({ document: str, index: fc.nat(5), sid: fc.option(str, { nil: undefined }) });
const level = fc.constantFrom('Permissions management', 'Write', 'Tagging', 'Read', 'List');

/** One finding of every kind, every string field arbitrary. */
const findings = fc
  .tuple(
    fc.record({ id: str, message: str, action: str, accessLevel: level, from: fc.array(ref, { maxLength: 2 }), unobservable: fc.option(fc.record({ code: str, reason: str }), { nil: undefined }), evidence: fc.option(fc.record({ tier: fc.constantFrom('proven', 'documented', 'selector', 'assumed'), source: str }), { nil: undefined }) }).map((f) => ({ ...f, kind: 'removed-action' })),
    fc.record({ id: str, message: str, action: str, fromResources: strs, toResources: strs }).map((f) => ({ ...f, kind: 'narrowed-resource' })),
    fc.record({ id: str, message: str, action: str, role: fc.constantFrom('primary', 'secondary'), count: fc.nat(), firstSeen: str, lastSeen: str, sessions: strs, eventNames: strs, resources: strs, keptAsGranted: fc.constantFrom(undefined, 'resource-unknown', 'no-statement-matched') }).map((f) => ({ ...f, kind: 'kept-used' })),
    fc.record({ id: str, message: str, action: str, code: str, reason: str, resources: fc.constant(['*']) }).map((f) => ({ ...f, kind: 'kept-unobservable' })),
    fc.record({ id: str, message: str, statement: ref, code: str, reason: str }).map((f) => ({ ...f, kind: 'kept-verbatim' })),
    fc.record({ id: str, message: str, action: str, count: fc.nat(), firstSeen: str, lastSeen: str, errorCodes: strs, resources: strs, sessions: strs, grantedByOriginal: fc.boolean() }).map((f) => ({ ...f, kind: 'denied-attempt' })),
    fc.record({ id: str, message: str, action: str, resources: strs }).map((f) => ({ ...f, kind: 'used-not-granted' })),
    fc.record({ id: str, message: str, document: str }).map((f) => ({ ...f, kind: 'aws-managed' })),
    fc.record({ id: str, message: str, actions: strs }).map((f) => ({ ...f, kind: 'boundary' })),
    fc.record({ id: str, message: str }).map((f) => ({ ...f, kind: 'size-limit', fits: true, target: 'managed', sizes: [1], limit: 6144 })),
    fc.record({ id: str, message: str, origin: fc.constantFrom('config', 'assumed-default') }).map((f) => ({ ...f, kind: 'recording' })),
  )
  .map((list) => list as unknown as Finding[]);

const suggestResult = fc
  .tuple(findings, fc.array(fc.record({ document: str, sid: str, from: fc.array(ref, { maxLength: 2 }), origin: fc.constantFrom('derived', 'verbatim'), actions: fc.array(fc.record({ action: str, basis: fc.constantFrom('used', 'unobservable'), findingIds: strs }), { maxLength: 2 }), findingIds: strs }), { maxLength: 2 }))
  .map(([fs, evidence]): SuggestResult => {
    // --explain looks findings up by id: point the evidence at real ids too.
    const ev = evidence.map((e, i) => ({ ...e, findingIds: [...e.findingIds, fs[i % fs.length]!.id], actions: e.actions.map((a) => ({ ...a, findingIds: [...a.findingIds, fs[0]!.id] })) }));
    const verify = { ok: true, counterexamples: [], checked: 3, caveats: [] };
    return {
      documents: [],
      findings: fs,
      evidence: ev,
      stats: { grantedActions: 1, keptActions: 1, removedActions: 1, narrowedActions: 1, unobservableActions: 1, verbatimStatements: 1, deniedAttempts: 1 },
      verification: { neverWider: verify, covers: verify, coversConditional: verify },
    } as unknown as SuggestResult;
  });

describe('forTerminal', () => {
  it('shows control characters as escapes and keeps printable text', () => {
    expect(forTerminal('a\u001b[31mb\nc\rd\te')).toBe('a\\u001b[31mb\\nc\\rd\\te');
    expect(forTerminal('s3:GetObject on arn:aws:s3:::bücket/ké\\y')).toBe('s3:GetObject on arn:aws:s3:::bücket/ké\\y');
    expect(forTerminal('\u202eevil')).toBe('\\u202eevil');
  });

  it('is idempotent and leaves no control character', () => {
    fc.assert(
      fc.property(str, (s) => {
        const once = escapeControls(s);
        expect(escapeControls(once)).toBe(once);
        expect(once).not.toMatch(CONTROL);
        expect(once).not.toContain('\n');
      }),
    );
  });
});

describe('renderers of untrusted values', () => {
  it('the suggest summary and --explain', () => {
    fc.assert(
      fc.property(suggestResult, str, str, strs, (result, role, fn, sessions) => {
        const summary = formatSuggestSummary(result, { role, function: fn, window: 'w', records: 1, sessions, original: [], levelOf: () => 'Permissions management' });
        assertClean(summary);
        // The one "verified" line is the renderer's own: exactly one line starts with it.
        expect(summary.split('\n').filter((l) => l.startsWith('verified:')).length).toBe(1);
        assertClean(formatExplain(result));
      }),
      { numRuns: 150 },
    );
  });

  it('the read summary', () => {
    const activity = fc.record({
      ignored: fc.dictionary(str, fc.nat(9), { maxKeys: 3 }),
      problemCounts: fc.dictionary(str, fc.integer({ min: 1, max: 9 }), { maxKeys: 3 }),
      problemExamples: fc.array(fc.record({ code: str, message: str, file: fc.option(str, { nil: undefined }), position: fc.option(str, { nil: undefined }), eventName: str, eventSource: str }), { maxLength: 4 }),
      skipped: strs,
    });
    fc.assert(
      fc.property(activity, (a) => {
        const stats = { ...createTrailStats(), filesSkipped: a.skipped.length, skippedExamples: a.skipped, records: 3 };
        const result = { calls: 1, ignored: a.ignored, problemCounts: a.problemCounts, problemExamples: a.problemExamples, unknownEvents: {} } as unknown as ActivityResult;
        assertClean(formatActivitySummary(result, stats));
      }),
      { numRuns: 150 },
    );
  });

  it('the usage table', () => {
    const attempt = fc.record({ action: str, count: fc.nat(), firstSeen: str, lastSeen: str, errorCodes: strs, resources: strs, sessions: strs });
    const usage = fc.record({
      principalArn: str,
      records: fc.nat(),
      sessions: strs,
      used: fc.array(fc.record({ action: str, role: fc.constantFrom('primary', 'secondary'), count: fc.nat(), firstSeen: str, lastSeen: str, resources: fc.array(fc.record({ resource: str }), { maxLength: 4 }), sessions: strs, eventNames: strs }), { maxLength: 3 }),
      denied: fc.array(attempt, { maxLength: 2 }),
      failed: fc.array(attempt, { maxLength: 2 }),
    });
    fc.assert(
      fc.property(fc.array(usage, { maxLength: 2 }), (usages) => {
        assertClean(formatUsageTable(usages as never));
      }),
      { numRuns: 150 },
    );
  });

  it('the error printer', () => {
    fc.assert(
      fc.property(str, str, str, fc.boolean(), (code, message, hint, debug) => {
        let err = '';
        const io: CliIo = { stdout: () => undefined, stderr: (t) => void (err += t), interactive: false, env: {}, now: () => new Date(0) };
        reportError(new CliError(code, message, hint), io, debug);
        reportError(new Error(message), io, false);
        assertClean(err);
      }),
      { numRuns: 150 },
    );
  });
});
