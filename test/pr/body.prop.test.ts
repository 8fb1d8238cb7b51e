/**
 * Properties of the pull request's body over generated suggestions, large and hostile: it never exceeds the
 * limit (GitHub's, or a lower one), the full report is returned exactly when the whole does not fit, the
 * output does not depend on the order of the input's lists, and values from logs cannot make HTML, links,
 * mentions or headings anywhere in the body or the report.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { markdownText, renderFullReport, renderPullRequest, type PullRequestInput } from '../../src/core/pr/body.js';
import { PULL_REQUEST_BODY_MAX } from '../../src/core/pr/limits.js';
import type { SuggestResult } from '../../src/core/trim/suggest.js';
import type { Finding } from '../../src/core/trim/types.js';
import type { VerifyResult } from '../../src/core/policy/types.js';
import { markdownDangers } from './body-detector.js';

/** The shape of a generated input: a pool of strings, and how many of each list to build from it. */
interface Shape {
  pool: string[];
  big: string;
  removed: number;
  unobservable: number;
  narrowed: number;
  resourcesPer: number;
  denied: number;
  edits: number;
  notesPer: number;
  sources: number;
  maxLength: number | undefined;
  ok: boolean;
}

const LEVELS = ['Permissions management', 'Write', 'Tagging', 'Read', 'List', 'Bogus'] as const;

/** String number `i` of the pool (the pool is never empty). */
const pick = (s: Shape, i: number) => s.pool[i % s.pool.length]!;

function verify(s: Shape, checked: number): VerifyResult {
  return { ok: s.ok, checked, notes: [pick(s, 3)], counterexamples: s.ok ? [] : [{ message: pick(s, 4) } as VerifyResult['counterexamples'][number]] };
}

/** The findings of a shape: every kind, its strings from the pool (ids unique, so sorting is total). */
function findingsOf(s: Shape): Finding[] {
  const f: Finding[] = [];
  for (let i = 0; i < s.removed; i++) {
    f.push({ id: `r${i}`, kind: 'removed-action', message: pick(s, i), action: `${pick(s, i)}:${i}`, accessLevel: LEVELS[i % LEVELS.length] as 'Write', from: [], evidence: { tier: i % 2 ? 'proven' : 'selector', source: pick(s, i + 1) } });
  }
  const resources = (k: number) => Array.from({ length: s.resourcesPer }, (_, j) => `${pick(s, k + j)}${j}`);
  for (let i = 0; i < s.narrowed; i++) f.push({ id: `n${i}`, kind: 'narrowed-resource', message: '', action: `${pick(s, i)}:n${i}`, fromResources: resources(i), toResources: resources(i + 1) });
  for (let i = 0; i < s.unobservable; i++) {
    f.push({ id: `u${i}`, kind: 'kept-unobservable', message: '', action: `${pick(s, i)}:u${i}`, code: 'data-event-not-selected', reason: `${pick(s, i % 3)} data events (${pick(s, i % 5)})`, resources: ['*'] });
  }
  for (let i = 0; i < s.denied; i++) {
    f.push({ id: `d${i}`, kind: 'denied-attempt', message: '', action: `${pick(s, i)}:d${i}`, count: i, firstSeen: pick(s, i), lastSeen: pick(s, i + 1), errorCodes: [pick(s, i + 2)], resources: resources(i), sessions: [pick(s, i + 3)], grantedByOriginal: i % 2 === 0 });
    f.push({ id: `g${i}`, kind: 'used-not-granted', message: '', action: `${pick(s, i)}:g${i}`, resources: resources(i) });
    f.push({ id: `k${i}`, kind: 'kept-used', message: '', action: `${pick(s, i)}:k${i}`, role: 'primary', count: 1, firstSeen: pick(s, i), lastSeen: pick(s, i), sessions: [pick(s, i)], eventNames: [], resources: [] });
    f.push({ id: `v${i}`, kind: 'kept-verbatim', message: '', statement: { document: pick(s, i), index: i, sid: pick(s, i + 1) }, code: 'deny', reason: pick(s, i + 2) });
  }
  f.push({ id: 'size', kind: 'size-limit', message: pick(s, 5), fits: true, target: 'managed', sizes: [1], limit: 6144 });
  f.push({ id: 'managed', kind: 'aws-managed', message: s.big, document: s.big });
  return f;
}

/** A whole input of a shape. */
function inputOf(s: Shape): PullRequestInput {
  const findings = findingsOf(s);
  const result: SuggestResult = {
    documents: [],
    findings,
    evidence: [],
    stats: { grantedActions: s.removed + s.unobservable, keptActions: s.unobservable, removedActions: s.removed, narrowedActions: s.narrowed, unobservableActions: s.unobservable, verbatimStatements: s.denied, deniedAttempts: s.denied },
    verification: { neverWider: verify(s, s.removed), covers: verify(s, 2), coversConditional: verify(s, 0) },
  };
  return {
    role: `arn:aws:iam::123456789012:role/${s.big}`,
    account: pick(s, 1),
    result,
    observed: {
      window: { since: pick(s, 2), until: pick(s, 3) },
      sources: Array.from({ length: s.sources }, (_, i) => ({ kind: (['files', 's3', 'event-history'] as const)[i % 3], location: pick(s, i), records: i })),
      records: { read: 1, byRole: 1 },
      sessions: Array.from({ length: s.sources }, (_, i) => pick(s, i)),
      skipped: Array.from({ length: s.sources }, (_, i) => ({ input: pick(s, i), reason: pick(s, i + 1) })),
    },
    recording: { origin: 'config', source: pick(s, 0), trailArn: s.big, notes: s.pool, coverage: { regions: s.pool, basis: pick(s, 1) } },
    edits: Array.from({ length: s.edits }, (_, i) => ({ file: pick(s, i % 7), site: `${pick(s, i)}${i}`, notes: Array.from({ length: s.notesPer }, (_, j) => pick(s, i + j)) })),
    toolVersion: pick(s, 2),
    baseBranch: pick(s, 3),
    report: { path: '.policy-trim/reports/r.md', url: 'https://github.com/a/b/blob/policy-trim/r/.policy-trim/reports/r.md' },
    ...(s.maxLength !== undefined ? { maxLength: s.maxLength } : {}),
  };
}

/** Crafted values, each holding PWN so its lines can be found in the output. */
const HOSTILE = [
  '<img src=x onerror=alert(PWN)>',
  '<script>PWN</script>',
  '[PWN](javascript:alert(1))',
  '![PWN](https://evil.example/p.png)',
  '@PWNuser',
  'acme/infra#12 PWN',
  '\n# PWN heading',
  '`PWN` ``',
  'PWN | cell | cell',
  'https://evil.example/PWN',
  'www.PWN.example',
  'PWN --> <!--',
  'PWN</details>',
  '$PWN$',
];

const shape = (pool: fc.Arbitrary<string>, sizes: { n: number; per: number }) =>
  fc.record({
    pool: fc.array(pool, { minLength: 1, maxLength: 8 }),
    big: fc.oneof(pool, fc.tuple(pool, fc.integer({ min: 1, max: 200_000 })).map(([p, n]) => `${p}${'x'.repeat(n)}`)),
    removed: fc.integer({ min: 0, max: sizes.n }),
    unobservable: fc.integer({ min: 0, max: sizes.n }),
    narrowed: fc.integer({ min: 0, max: sizes.n / 10 }),
    resourcesPer: fc.integer({ min: 0, max: sizes.per }),
    denied: fc.integer({ min: 0, max: sizes.n / 20 }),
    edits: fc.integer({ min: 0, max: sizes.n / 20 }),
    notesPer: fc.integer({ min: 0, max: sizes.per }),
    sources: fc.integer({ min: 0, max: sizes.n / 20 }),
    maxLength: fc.option(fc.integer({ min: 200, max: PULL_REQUEST_BODY_MAX }), { nil: undefined }),
    ok: fc.boolean(),
  });

// Short strings fill the lists (a report of 100,000 rows of long strings would only test the machine); `big`
// puts one very long value (the role, the trail, a message) in.
const anyString = fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom(...HOSTILE), fc.string({ maxLength: 80 }));

describe('renderPullRequest properties', () => {
  it('never exceeds the limit, and returns the full report exactly when the whole does not fit', () => {
    fc.assert(
      fc.property(shape(anyString, { n: 12_000, per: 50 }), (s) => {
        const input = inputOf(s);
        const max = s.maxLength ?? PULL_REQUEST_BODY_MAX;
        const pr = renderPullRequest(input);
        expect(pr.body.length).toBeLessThanOrEqual(max);
        expect(pr.title.length).toBeLessThanOrEqual(100);
        const full = renderFullReport(input);
        if (full.length <= max) {
          expect(pr.body).toBe(full);
          expect(pr.fullReport).toBeUndefined();
        } else {
          expect(pr.fullReport).toBe(`# ${markdownText(pr.title)}\n\n${full}`);
        }
      }),
      { numRuns: 12 },
    );
  }, 300_000);

  it('does not depend on the order of the lists it is given', () => {
    fc.assert(
      fc.property(shape(anyString, { n: 300, per: 5 }), fc.integer(), (s, seed) => {
        const input = inputOf(s);
        const shuffled = (list: readonly unknown[]) => [...list].map((x, i) => [((i + 1) * 2654435761 + seed) >>> 0, x] as const).sort((a, b) => a[0] - b[0]).map(([, x]) => x);
        const other: PullRequestInput = {
          ...input,
          result: { ...input.result, findings: shuffled(input.result.findings) as Finding[] },
          observed: { ...input.observed, sources: shuffled(input.observed.sources) as never, skipped: shuffled(input.observed.skipped!) as never, sessions: shuffled(input.observed.sessions!) as never },
          edits: shuffled(input.edits) as never,
        };
        expect(renderPullRequest(other)).toEqual(renderPullRequest(input));
      }),
      { numRuns: 30 },
    );
  }, 120_000);

  it('lets no value from the logs make HTML, a link, a mention, a reference or a heading', () => {
    fc.assert(
      fc.property(shape(fc.constantFrom(...HOSTILE), { n: 1_000, per: 20 }), (s) => {
        const pr = renderPullRequest(inputOf(s));
        for (const text of [pr.body, pr.fullReport ?? '']) {
          for (const line of text.split('\n')) {
            const trimmed = line.trim();
            if (trimmed.startsWith('<')) {
              expect(trimmed).toMatch(/^(?:<details><summary>The [\d,]+ actions?<\/summary>|<\/details>|<!-- policy-trim:role=(?:(?!--)[^<>])* -->)$/);
              continue;
            }
            // Headings are the renderer's; only the full report's title (its first line) quotes the role.
            if (line.startsWith('#') && line !== text.split('\n')[0]) expect(line).not.toContain('PWN');
            if (line.includes('PWN')) expect(markdownDangers(line, { mode: 'line', table: line.startsWith('|') }), line).toEqual([]);
          }
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
